"""The policy's approved versions (policy_source/approvals.yaml) and the approved wording of each.

One place says which version of the policy is in force, who approved it and when: the policy's
header, the home page and every page's footer read it from here. The newest version's approved text
(policy_source/approved/VERSION.txt) is the baseline the policy's wording is held to, both ways: a
sentence of policy.md that is not in it, or a sentence of it that policy.md lost, is a problem,
fixed by restoring the wording or by recording its approval (`python3 build.py approve`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.source.errors import SourceProblem
from sitegen.source.policy_text import Policy, walk
from sitegen.source.reference_data import check_fields, entries

APPROVALS_FILE = "approvals.yaml"
APPROVED_DIR = "approved"
APPROVE_COMMAND = 'python3 build.py approve --by "WHO APPROVED IT" --date "YYYY-MM-DD"'
# Lines of an approved text that are the policy's header, not its wording.
HEADER_LINE = re.compile(r"^(DEVELOPED BY|APPROVED BY|DATE|VERSION):", re.I)
BULLET = re.compile(r"^-\s+(o\s+)?")  # list markers (the original's PDF conversion left "o" on some)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Approval:
    version: str
    approved_by: str
    date: str  # YYYY-MM-DD
    line: int

    @property
    def text_path(self) -> str:
        return f"{APPROVED_DIR}/{self.version}.txt"


def load_approvals(source_dir: Path, problems: list[SourceProblem], need_text: bool = True) -> list[Approval]:
    """The approved versions, newest first (an older copy of the sources may have none). `need_text`:
    each must have its approved text (not needed to compare the wizard's answers: `impact`)."""
    path = source_dir / APPROVALS_FILE
    if not path.is_file():
        return []
    found = []
    for entry in entries(path, "versions", problems):
        what = f"the version {entry.get('version', '?')!r}"
        if not check_fields(entry, path, {"version": str, "approved_by": str, "date": str}, {}, what, problems):
            continue
        try:
            dt.date.fromisoformat(entry["date"])
        except ValueError:
            problems.append(SourceProblem(path, entry.line_of("date"), f"the date {entry['date']!r} is not a date",
                                          'write it as "YYYY-MM-DD", e.g. "2010-02-25"'))
            continue
        if need_text and not (source_dir / APPROVED_DIR / f"{entry['version']}.txt").is_file():
            problems.append(SourceProblem(path, entry.line_of("version"),
                                          f"{what} has no approved text {APPROVED_DIR}/{entry['version']}.txt",
                                          f"record approvals with:\n      {APPROVE_COMMAND}"))
            continue
        found.append(Approval(entry["version"], entry["approved_by"], entry["date"], entry.line))
    return found


def _sentences(text: str, keep_case: bool = False) -> list[str]:
    return [s if keep_case else s.casefold() for s in SENTENCE_END.split(" ".join(text.split())) if s]


def approved_sentences(text: str, keep_case: bool = False) -> list[tuple[int, str]]:
    """(line, sentence) of an approved text, without its header lines; compared case-insensitively
    (the original sets headings in capitals, the site in title case) unless `keep_case`."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = BULLET.sub("", line.strip())
        if line and not HEADER_LINE.match(line):
            found += [(number, sentence) for sentence in _sentences(line, keep_case)]
    return found


def plain_text(policy: Policy) -> str:
    """The policy's wording as an approved text is kept: its title, then each heading, paragraph and
    list item on a line of its own (list items marked '- '), without clause ids."""
    lines = [policy.meta["title"].upper(), ""]
    for block in walk(policy.blocks):
        lines.append(("  " * block.level + "- " if block.kind == "item" else "") + " ".join(block.text.split()))
    return "\n".join(lines) + "\n"


def wording_problems(policy: Policy, approval: Approval, source_dir: Path) -> list[SourceProblem]:
    """Sentences of policy.md not in the approved text, and approved sentences policy.md lost."""
    approved_path = source_dir / approval.text_path
    approved = approved_sentences(approved_path.read_text(encoding="utf-8"))
    approved_set = {sentence for _, sentence in approved}
    current = [(1, sentence) for sentence in _sentences(policy.meta["title"])]
    for block in walk(policy.blocks):
        current += [(block.line, sentence) for sentence in _sentences(block.text)]
    current_set = {sentence for _, sentence in current}
    whose = f"the version approved by {approval.approved_by} on {approval.date}"
    fix = ("restore the approved wording; or, if this wording was approved, record who approved it and when, "
           f"in place of the capitals:\n      {APPROVE_COMMAND}")
    problems = [SourceProblem(policy.path, line or 1, f"this wording is not in {whose}: {sentence[:70]!r}", fix)
                for line, sentence in current if sentence not in approved_set]
    problems += [SourceProblem(approved_path, line, f"this approved sentence is no longer in policy.md: "
                                                    f"{sentence[:70]!r}", fix)
                 for line, sentence in approved if sentence not in current_set]
    return problems


def record_approval(source_dir: Path, policy: Policy, approved_by: str, date: str) -> Approval:
    """`build.py approve`: policy.md's current wording becomes an approved version."""
    dt.date.fromisoformat(date)  # ValueError when it is not a date
    if not approved_by.strip():
        raise ValueError("say who approved it, e.g. --by \"SMT\"")
    version = date
    (source_dir / APPROVED_DIR).mkdir(exist_ok=True)
    (source_dir / APPROVED_DIR / f"{version}.txt").write_text(plain_text(policy), encoding="utf-8")
    path = source_dir / APPROVALS_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip() == "versions:")
    lines[start + 1:start + 1] = [f"  - version: {json.dumps(version)}\n",
                                  f"    approved_by: {json.dumps(approved_by.strip())}\n",
                                  f"    date: {json.dumps(date)}\n"]
    path.write_text("".join(lines), encoding="utf-8")
    return Approval(version, approved_by.strip(), date, start + 2)
