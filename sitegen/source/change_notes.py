"""Change notes: what each change to the policy's wording or the wizard's rules means, for staff.

"What changed" shows these notes, written by whoever made the change, never commit messages. Each
note records the state of the sources it describes (`sources:`, a fingerprint of policy.md and
rules.yaml, written by `python3 build.py note`), so a note stays attached to its change in git
history, and `check` knows when a change has no note yet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from sitegen.source.errors import SourceProblem
from sitegen.source.reference_data import check_fields, entries, words
from sitegen.source.yaml_source import load_yaml

NOTES_FILE = "changes.yaml"
DESCRIBED = ("policy.md", "rules.yaml")  # the sources whose changes need a note
SOURCES_LINE = re.compile(r"^(\s*)sources:\s*\S*\s*$")


@dataclass
class ChangeNote:
    date: str
    summary: str
    sources: str | None  # fingerprint of the described sources, None until `build.py note` writes it
    line: int


def sources_fingerprint(texts: dict[str, bytes]) -> str:
    """A fingerprint of policy.md and rules.yaml together (as files or as read from git)."""
    digest = hashlib.sha256()
    for name in DESCRIBED:
        digest.update(name.encode() + b"\0" + texts.get(name, b""))
    return digest.hexdigest()[:12]


def current_fingerprint(source_dir: Path) -> str:
    return sources_fingerprint({name: (source_dir / name).read_bytes() for name in DESCRIBED
                                if (source_dir / name).is_file()})


def load_notes(source_dir: Path, problems: list[SourceProblem]) -> list[ChangeNote]:
    """The notes in changes.yaml, newest first; problems (bad dates, missing fields) are appended."""
    path = source_dir / NOTES_FILE
    if not path.is_file():
        return []
    notes = []
    for entry in entries(path, "changes", problems):
        if isinstance(entry.get("date"), dt.date):  # written unquoted, YAML reads it as a date
            entry["date"] = entry["date"].isoformat()
        if not check_fields(entry, path, {"date": str, "summary": str}, {"sources": str}, "a change note", problems):
            continue
        try:
            dt.date.fromisoformat(str(entry["date"]))
        except ValueError:
            problems.append(SourceProblem(path, entry.line_of("date"), f"the date {entry['date']!r} is not a date",
                                          "write it as YYYY-MM-DD, e.g. 2026-03-02"))
        sources = entry.get("sources")
        notes.append(ChangeNote(str(entry["date"]), words(str(entry["summary"])), str(sources) if sources else None,
                                entry.line))
    return notes


def missing_note(source_dir: Path, notes: list[ChangeNote]) -> list[SourceProblem]:
    """A problem when policy.md or rules.yaml changed since the newest note described them."""
    path = source_dir / NOTES_FILE
    current = current_fingerprint(source_dir)
    if notes and notes[0].sources == current:
        return []
    if notes and notes[0].sources is None:
        return [SourceProblem(path, notes[0].line, "the newest change note does not yet record the change it "
                              "describes", "run:\n      python3 build.py note")]
    return [SourceProblem(path, 1, "the policy's wording or the wizard's rules changed, but no change note says "
                          "what the change means for staff",
                          "say it in plain words for staff, in place of the capitals, and run:\n"
                          '      python3 build.py note --summary "WHAT CHANGED FOR STAFF"')]


def record_note(source_dir: Path) -> ChangeNote:
    """`build.py note`: write the current fingerprint into the newest note, which must not have one yet."""
    path = source_dir / NOTES_FILE
    problems: list[SourceProblem] = []
    notes = load_notes(source_dir, problems)
    if problems or not notes:
        raise ValueError("changes.yaml has no usable note: add one at the top of 'changes:' first")
    newest = notes[0]
    if newest.sources is not None:
        raise ValueError(f"the newest note (line {newest.line}) already records a change: add a new note for "
                         "this change at the top of 'changes:' first")
    data = load_yaml(path)
    entry = data["changes"][0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max(entry.key_lines.values())  # the note's last key; its value may continue on later lines
    while last < len(lines) and lines[last].startswith(" " * 4) and lines[last].strip():
        last += 1
    indent = re.match(r"\s*", lines[entry.line_of("summary") - 1]).group(0)
    lines.insert(last, f"{indent}sources: {current_fingerprint(source_dir)}\n")
    path.write_text("".join(lines), encoding="utf-8")
    newest.sources = current_fingerprint(source_dir)
    return newest


def add_note(source_dir: Path, summary: str, date: str) -> ChangeNote:
    """`build.py note --summary`: a new note at the top of changes.yaml, recording the change it describes."""
    text = " ".join(summary.split())
    if not text:
        raise ValueError("the summary is empty: say in plain words what the change means for staff")
    path = source_dir / NOTES_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "changes:"), None)
    if start is None:
        raise ValueError("changes.yaml has no 'changes:' list")
    wrapped = textwrap.wrap(text, width=96, break_long_words=False, break_on_hyphens=False)
    fingerprint = current_fingerprint(source_dir)
    entry = [f'  - date: "{date}"\n', "    summary: >-\n", *(f"      {line}\n" for line in wrapped),
             f"    sources: {fingerprint}\n"]
    lines[start + 1:start + 1] = entry
    path.write_text("".join(lines), encoding="utf-8")
    return ChangeNote(date, text, fingerprint, start + 2)
