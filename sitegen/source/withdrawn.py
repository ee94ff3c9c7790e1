"""Clauses taken out of the policy (policy_source/withdrawn.yaml): withdrawn, never deleted.

A clause's id is its permanent address (`policy/#id`), bookmarked and linked from saved results. When
a clause is removed from policy.md, its id is recorded here with the date and why: the policy page
keeps an anchor of that id saying the clause was removed, when, with links to "What changed" and to
the clause that replaced it, if any; and the id is never used again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sitegen.source.errors import SourceProblem
from sitegen.source.policy_text import Policy
from sitegen.source.reference_data import check_clause, check_fields, entries

WITHDRAWN_FILE = "withdrawn.yaml"
HEADER = """\
# Clauses taken out of the policy. Each id stays the address of a note on the policy page saying the
# clause was removed, when and why, with a link to what replaced it, so bookmarks and saved results
# never break; an id here is never used again. Added by
#   python3 build.py withdraw CLAUSE-ID --reason "WHY IT WAS REMOVED" [--replaced-by NEW-CLAUSE-ID]
# which `python3 build.py check` prints when a published clause is gone from policy.md.
clauses:
"""


def withdraw_command(clause_id: str) -> str:
    return f'python3 build.py withdraw {clause_id} --reason "WHY IT WAS REMOVED"'


@dataclass(frozen=True)
class Withdrawn:
    id: str
    date: str
    reason: str
    replaced_by: str | None
    line: int


def load_withdrawn(source_dir: Path, policy: Policy, problems: list[SourceProblem]) -> list[Withdrawn]:
    path = source_dir / WITHDRAWN_FILE
    if not path.is_file():
        return []
    found = []
    for entry in entries(path, "clauses", problems):
        what = f"the withdrawn clause {entry.get('id', '?')!r}"
        if not check_fields(entry, path, {"id": str, "date": str, "reason": str}, {"replaced_by": str}, what,
                            problems):
            continue
        if entry["id"] in policy.clauses:
            problems.append(SourceProblem(
                policy.path, policy.clauses[entry["id"]].line,
                f"clause id '{entry['id']}' was withdrawn on {entry['date']} and can never be used again",
                "give this paragraph a new id (links to the old one lead to the note that it was removed)"))
        replaced_by = entry.get("replaced_by")
        if replaced_by:
            check_clause(replaced_by, policy, path, entry.line_of("replaced_by"), what, problems)
        found.append(Withdrawn(entry["id"], entry["date"], entry["reason"], replaced_by, entry.line))
    return found


def record_withdrawal(source_dir: Path, policy: Policy, clause_id: str, reason: str, replaced_by: str | None,
                      date: str | None = None) -> Withdrawn:
    """`build.py withdraw`: record that a clause, gone from policy.md, was withdrawn."""
    if clause_id in policy.clauses:
        raise ValueError(f"clause '{clause_id}' is still in policy.md: remove its paragraph first")
    if replaced_by and replaced_by not in policy.clauses:
        raise ValueError(f"--replaced-by '{replaced_by}' is not a clause of policy.md")
    if not reason.strip():
        raise ValueError("say why it was removed, e.g. --reason \"Merged into the scope\"")
    date = date or dt.date.today().isoformat()
    path = source_dir / WITHDRAWN_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else HEADER
    lines = [f"  - id: {clause_id}\n", f"    date: {json.dumps(date)}\n", f"    reason: {json.dumps(reason.strip())}\n"]
    if replaced_by:
        lines.append(f"    replaced_by: {replaced_by}\n")
    path.write_text(text.rstrip("\n") + "\n" + "".join(lines), encoding="utf-8")
    return Withdrawn(clause_id, date, reason.strip(), replaced_by, 0)
