"""Keep the wizard honest when the policy's wording changes, and prove every rule can apply.

Each rule records `reviewed: <fingerprint>` of the clause it cites. When a clause's wording changes,
its fingerprint changes, and every rule citing it must be re-read before the site builds again.
`build.py review CLAUSE_ID` records that the rules were re-read against the new wording.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from sitegen.source.errors import SourceProblem
from sitegen.source.policy_text import Policy
from sitegen.source.rules_source import Citation, CompiledRules
from wizard.engine import Engine
from wizard.graph import complete_steps
from wizard.model import Rules

REVIEWED_LINE = re.compile(r"^(\s*reviewed:\s*)(\S*)(.*)$")


def stale_citations(citations: list[Citation], policy: Policy) -> dict[str, list[Citation]]:
    """Rules whose clause wording changed since they were reviewed, grouped by clause id."""
    stale: dict[str, list[Citation]] = defaultdict(list)
    for citation in citations:
        clause = policy.clauses.get(citation.clause)
        if clause is not None and citation.reviewed != clause.fingerprint:
            stale[citation.clause].append(citation)
    return dict(stale)


def fingerprint_problems(citations: list[Citation], policy: Policy, path: Path) -> list[SourceProblem]:
    problems = []
    for clause_id, rules in stale_citations(citations, policy).items():
        clause = policy.clauses[clause_id]
        names = "; ".join(f"{c.kind} '{c.name}' (line {c.line})" for c in rules)
        never = all(c.reviewed is None for c in rules)
        problem = (f"clause '{clause_id}' has no review recorded for: {names}" if never else
                   f"the wording of clause '{clause_id}' ({policy.path.name}:{clause.line}) changed since these "
                   f"rules were reviewed: {names}")
        problems.append(SourceProblem(path, rules[0].line, problem,
                                      f"re-read them against the clause, update them if the meaning changed, then "
                                      f"run:\n      python3 build.py review {clause_id}"))
    return problems


def reachability_problems(compiled: CompiledRules, path: Path) -> list[SourceProblem]:
    """Every question must be asked, and every obligation and unclear note apply, on some path."""
    engine = Engine(Rules.from_dict(compiled.data))
    asked: set[str] = set()
    applied: set[str] = set()
    for end in complete_steps(engine):
        asked.update(end.answered)
        outcome = engine.outcome(end)
        applied.update(o.id for o, _ in outcome.obligations)
        applied.update(u.id for u in outcome.unclear)
    # Implied questions are answered on the paths that need them; retired ones are kept for old links only.
    asked.update(q["key"] for q in compiled.data["questions"] if q.get("implied") or q.get("retired"))
    problems = []
    for citation in compiled.citations:
        if citation.kind == "question" and citation.name not in asked:
            problems.append(SourceProblem(path, citation.line, f"question '{citation.name}' is never asked: no "
                                          "obligation, verdict or unclear note depends on its answer",
                                          "use it in a 'when' condition, or remove the question"))
        elif citation.kind != "question" and citation.name not in applied:
            problems.append(SourceProblem(path, citation.line, f"{citation.kind} '{citation.name}' can never "
                                          "apply: no answers reach its 'when' condition",
                                          "check the condition's keys and values against the questions"))
    return problems


def review_clause(rules_path: Path, clause_id: str, citations: list[Citation], policy: Policy) -> list[Citation]:
    """Record that the rules citing `clause_id` were re-read against its current wording."""
    fingerprint = policy.clauses[clause_id].fingerprint
    lines = rules_path.read_text(encoding="utf-8").splitlines(keepends=True)
    citing = [c for c in citations if c.clause == clause_id]
    # Bottom-up, so inserting a missing `reviewed:` line does not shift the lines still to edit.
    for citation in sorted(citing, key=lambda c: c.clause_line, reverse=True):
        if citation.reviewed_line is not None:
            match = REVIEWED_LINE.match(lines[citation.reviewed_line - 1].rstrip("\n"))
            if match:
                lines[citation.reviewed_line - 1] = f"{match.group(1)}{fingerprint}{match.group(3)}\n"
                continue
        clause_line = lines[citation.clause_line - 1]
        indent = clause_line[: len(clause_line) - len(clause_line.lstrip())]
        lines.insert(citation.clause_line, f"{indent}reviewed: {fingerprint}\n")
    rules_path.write_text("".join(lines), encoding="utf-8")
    return citing
