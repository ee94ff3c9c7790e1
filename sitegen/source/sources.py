"""Everything in `policy_source/`, loaded and cross-checked in one go."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sitegen.source.approvals import (
    APPROVALS_FILE,
    APPROVE_COMMAND,
    Approval,
    load_approvals,
    wording_problems,
)
from sitegen.source.change_notes import ChangeNote, load_notes, missing_note
from sitegen.source.digest import source_digest
from sitegen.source.errors import SourceError, SourceProblem, raise_if_any
from sitegen.source.interview_limits import limit_problems
from sitegen.source.policy_text import Policy, parse_policy
from sitegen.source.published_names import check_published
from sitegen.source.reference_data import (
    ExpectedSearch,
    RelatedDocument,
    StaffWords,
    Term,
    load_glossary,
    load_related,
    load_searches,
    load_staff_words,
)
from sitegen.source.rules_review import fingerprint_problems, reachability_problems
from sitegen.source.rules_source import CompiledRules, load_rules
from sitegen.source.situations import Situation, load_situations
from sitegen.source.withdrawn import Withdrawn, load_withdrawn
from sitegen.source.yaml_source import markup_problems

SOURCE_DIR = Path(__file__).resolve().parents[2] / "policy_source"


@dataclass
class Sources:
    policy: Policy
    glossary: list[Term]
    related: list[RelatedDocument]
    rules: CompiledRules
    situations: list[Situation] = field(default_factory=list)
    staff_words: list[StaffWords] = field(default_factory=list)
    searches: list[ExpectedSearch] = field(default_factory=list)  # searches.yaml, checked by `check`
    approvals: list[Approval] = field(default_factory=list)  # approvals.yaml, newest first
    withdrawn: list[Withdrawn] = field(default_factory=list)  # withdrawn.yaml: clauses taken out
    notes: list[ChangeNote] = field(default_factory=list)  # changes.yaml, newest first
    warnings: list[SourceProblem] = field(default_factory=list)


def load_sources(source_dir: Path = SOURCE_DIR, allow_unreviewed: bool = False, lenient: bool = False,
                 published: bool = True) -> Sources:
    """Read and validate every source file; raise SourceError naming each problem's file and line.

    With `allow_unreviewed`, wording not yet recorded as approved, rules whose clause wording changed
    since review, and a change to the wording or rules that has no change note yet, are warnings,
    not errors (previews, the CLI).
    `published=False` skips the record of published names (`build.py names`, which updates it).
    `lenient` reads an older version from git for comparison (`build.py impact`): fields added to the
    format since are given their old meaning, and rules that can never apply are not an error there.
    """
    problems: list[SourceProblem] = []
    policy = parse_policy(source_dir / "policy.md")
    approvals = load_approvals(source_dir, problems, need_text=not lenient)
    unapproved: list[SourceProblem] = []  # like unreviewed rules: warnings only in previews
    if approvals:  # the version in force: what every page shows
        newest = approvals[0]
        policy.meta.update(approved_by=newest.approved_by, approval_date=newest.date, version=newest.version)
        if not lenient:
            unapproved = wording_problems(policy, newest, source_dir)
    elif lenient and not policy.meta.get("approval_date"):  # compared for answers only: no version needed
        policy.meta.update(approved_by="(not recorded)", approval_date="1970-01-01", version="(not recorded)")
    elif not all(policy.meta.get(name) for name in ("approved_by", "approval_date", "version")):
        problems.append(SourceProblem(source_dir / APPROVALS_FILE, 1, "no approved version of the policy is recorded",
                                      f"record the approval of the policy's wording:\n      {APPROVE_COMMAND}"))
        raise_if_any(problems)
    try:
        if not lenient:
            for path in sorted(source_dir.rglob("*.yaml")):
                problems += markup_problems(path)
        glossary = load_glossary(source_dir / "glossary.yaml", policy, problems)
        related = load_related(source_dir / "related.yaml", policy, problems)
        staff_words = load_staff_words(source_dir / "staff_words.yaml", policy, problems)
        searches = load_searches(source_dir / "searches.yaml", policy, problems)
        rules_path = source_dir / "rules.yaml"
        before_rules = len(problems)
        rules = load_rules(rules_path, policy, problems, lenient=lenient)
        rules_ok = len(problems) == before_rules  # an engine can be built from them
        withdrawn = [] if lenient else load_withdrawn(source_dir, policy, problems)
        if published and not lenient:
            problems += check_published(source_dir, rules.data, rules_path, list(policy.clauses),
                                        {w.id for w in withdrawn})
    except SourceError as error:
        raise SourceError(problems + error.problems) from None
    # Every later stage that can run does, so one `check` lists every problem at once.
    situations: list[Situation] = []
    if not lenient and rules_ok:
        situation_problems: list[SourceProblem] = []
        situations = load_situations(source_dir, rules.data, situation_problems)
        problems += situation_problems + reachability_problems(rules, rules_path)
        if not situation_problems:
            problems += limit_problems(rules.data, situations, rules_path)
    stale = unapproved + fingerprint_problems(rules.citations, policy, rules_path)
    notes: list[ChangeNote] = []
    if not lenient:
        notes = load_notes(source_dir, problems)
        stale += missing_note(source_dir, notes)
    raise_if_any(problems + ([] if allow_unreviewed else stale))
    rules.data["source_digest"] = source_digest(source_dir)
    return Sources(policy, glossary, related, rules, situations, staff_words, searches, approvals, withdrawn,
                   notes, warnings=stale)
