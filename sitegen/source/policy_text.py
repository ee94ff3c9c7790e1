"""Parse `policy_source/policy.md`: the policy's wording, its metadata and its clause ids.

The format is deliberately small so the comms team can edit it in any text editor:

* a front-matter block (`---`) with title, developed_by, approved_by, approval_date, version;
* `## Heading {#id}` for major sections and `### Heading {#id}` for subsections;
* paragraphs, one per line (or several lines, joined), ending with `{#id}`;
* list items `- text` (nested items indented four spaces), optionally ending with `{#id}`.

A clause id is the stable anchor on the site: it must not change when the wording changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.source.errors import SourceProblem, raise_if_any

ID_AT_END = re.compile(r"\s*\{#([^}\s]*)\}\s*$")
VALID_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ITEM = re.compile(r"^( *)- (.*)$")
HEADING = re.compile(r"^(#{2,3}) (.*)$")
# Who approved it, when and the version are in approvals.yaml (older copies kept them here too).
META_FIELDS = ("title", "developed_by")


@dataclass
class Block:
    """A heading, paragraph or list item: the unit a rule can cite when it has an id."""

    kind: str  # "heading", "paragraph" or "item"
    text: str
    line: int
    clause_id: str | None
    level: int = 0  # heading: 2 or 3; item: nesting depth (0 or 1)
    section: str = ""  # id of the nearest heading above
    children: list[Block] = field(default_factory=list)

    def full_text(self) -> str:
        """The wording a rule citing this block depends on: the block and what is nested under it."""
        return " ".join([self.text, *(c.full_text() for c in self.children)])


@dataclass
class Clause:
    """A citable block: its id, a human label, where it is, and a fingerprint of its wording."""

    id: str
    label: str
    text: str
    line: int
    section: str

    @property
    def fingerprint(self) -> str:
        normalised = " ".join(self.text.split())
        return hashlib.sha256(normalised.encode()).hexdigest()[:12]


@dataclass
class Policy:
    meta: dict[str, str]
    blocks: list[Block]  # top-level blocks in reading order (items nest their children)
    clauses: dict[str, Clause]
    path: Path

    @property
    def approval_date_text(self) -> str:
        """The approval date written as the policy writes it, e.g. 'February 25, 2010'."""
        date = dt.date.fromisoformat(self.meta["approval_date"])
        return f"{date:%B} {date.day}, {date.year}"


def _split_front_matter(lines: list[str], path: Path) -> tuple[dict[str, str], int]:
    problems: list[SourceProblem] = []
    if not lines or lines[0].strip() != "---":
        raise_if_any([SourceProblem(path, 1, "the file does not start with a front-matter block",
                                    "start the file with '---', the metadata lines, then '---'")])
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        key, sep, value = line.partition(":")
        if not sep:
            problems.append(SourceProblem(path, number, f"metadata line {line!r} has no ':'",
                                          "write metadata as 'name: value'"))
            continue
        meta[key.strip()] = value.strip().strip('"')
    else:
        raise_if_any([SourceProblem(path, 1, "the front-matter block is never closed",
                                    "add a line '---' after the metadata")])
    for name in META_FIELDS:
        if not meta.get(name):
            problems.append(SourceProblem(path, 1, f"metadata '{name}' is missing",
                                          f"add '{name}: ...' to the front matter"))
    if meta.get("approval_date"):
        try:
            dt.date.fromisoformat(meta["approval_date"])
        except ValueError:
            problems.append(SourceProblem(path, 1, f"approval_date {meta['approval_date']!r} is not a date",
                                          "write it as YYYY-MM-DD, e.g. 2010-02-25"))
    raise_if_any(problems)
    return meta, number


def _take_id(text: str) -> tuple[str, str | None]:
    match = ID_AT_END.search(text)
    if not match:
        return text.rstrip(), None
    return text[: match.start()].rstrip(), match.group(1)


def parse_policy(path: Path) -> Policy:
    """Read the policy source, or raise SourceError listing every problem with its line."""
    return parse_policy_text(path.read_text(encoding="utf-8"), path)


def parse_policy_text(text: str, path: Path) -> Policy:
    """Parse policy source text (also old versions from git); `path` is only for error messages."""
    lines = text.splitlines()
    meta, body_start = _split_front_matter(lines, path)
    problems: list[SourceProblem] = []
    blocks: list[Block] = []
    section = ""
    paragraph: Block | None = None
    parent_item: Block | None = None

    for number, raw in enumerate(lines[body_start:], start=body_start + 1):
        if not raw.strip():
            paragraph = None
            continue
        heading, item = HEADING.match(raw), ITEM.match(raw)
        if heading:
            text, cid = _take_id(heading.group(2))
            block = Block("heading", text, number, cid, level=len(heading.group(1)))
            section = cid or section
            blocks.append(block)
            paragraph = parent_item = None
        elif item:
            depth = len(item.group(1)) // 4
            text, cid = _take_id(item.group(2))
            block = Block("item", text, number, cid, level=depth)
            if depth == 0:
                blocks.append(block)
                parent_item = block
            elif parent_item is not None and depth == 1:
                parent_item.children.append(block)
            else:
                problems.append(SourceProblem(path, number, "this list item is indented but has no item above it",
                                              "indent nested items by exactly four spaces under a '- ' item"))
                continue
            paragraph = None
        elif paragraph is not None and paragraph.clause_id is None:
            text, cid = _take_id(raw)
            paragraph.text += " " + text.strip()
            paragraph.clause_id = cid
            continue
        else:
            text, cid = _take_id(raw.strip())
            block = Block("paragraph", text, number, cid)
            blocks.append(block)
            paragraph, parent_item = block, None
        block.section = section if block.kind != "heading" else (cid or "")

    clauses = _collect_clauses(blocks, path, problems)
    raise_if_any(problems)
    return Policy(meta=meta, blocks=blocks, clauses=clauses, path=path)


def walk(blocks: list[Block]) -> Iterator[Block]:
    """The blocks in reading order, nested list items after their parent."""
    for block in blocks:
        yield block
        yield from walk(block.children)


def _section_text(blocks: list[Block], start: int) -> str:
    """What a rule citing a heading depends on: the heading and the headings of its subsections (the
    section's outline), not the paragraphs under it, which are clauses of their own. So rewording a
    paragraph asks to re-read only the rules that cite that paragraph."""
    heading = blocks[start]
    parts = [heading.text]
    for block in blocks[start + 1:]:
        if block.kind == "heading" and block.level <= heading.level:
            break
        if block.kind == "heading":
            parts.append(block.text)
    return " ".join(parts)


def _collect_clauses(blocks: list[Block], path: Path, problems: list[SourceProblem]) -> dict[str, Clause]:
    clauses: dict[str, Clause] = {}
    titles = {b.clause_id: b.text.rstrip(":") for b in blocks if b.kind == "heading" and b.clause_id}
    paragraphs: dict[str, int] = {}
    list_label, item_number = "", 0
    for block in walk(blocks):
        if block.kind == "paragraph":
            paragraphs[block.section] = paragraphs.get(block.section, 0) + 1
            label = f"{titles.get(block.section, 'Policy')}, paragraph {paragraphs[block.section]}"
            list_label, item_number = label, 0
        elif block.kind == "heading":
            label = block.text.rstrip(":")
            list_label, item_number = label, 0
        elif block.level == 0:
            item_number += 1
            label = f"{list_label}, item {item_number}"
        else:
            label = f"{list_label}, item {item_number}, sub-item"
        if block.clause_id is None:
            if block.kind != "item":
                problems.append(SourceProblem(
                    path, block.line, f"this {block.kind} has no clause id",
                    "end the line with a new, unique id in braces, e.g. {#scope-training}"))
            continue
        cid = block.clause_id
        if not VALID_ID.fullmatch(cid):
            problems.append(SourceProblem(
                path, block.line, f"clause id {{#{cid}}} is not a valid id",
                "use lower-case letters, digits and single hyphens, e.g. {#personal-use-third-party}"))
            continue
        if cid in clauses:
            problems.append(SourceProblem(
                path, block.line, f"clause id {{#{cid}}} is already used on line {clauses[cid].line}",
                "give this clause a new id; never reuse or change an id that rules or links may cite"))
            continue
        text = _section_text(blocks, blocks.index(block)) if block.kind == "heading" else block.full_text()
        clauses[cid] = Clause(cid, label, text, block.line, block.section)
    return clauses
