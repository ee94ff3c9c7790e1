"""Edits to a copy of policy_source/, found in the sources as they are when the test runs.

The communications team may reword, renumber or rename anything in policy_source/ (docs/updating), so a
test that breaks or amends the sources never searches for a snippet of today's policy: it chooses what
to edit by its structure ("the second clause id", "an obligation that can stop a post and names whom
to ask", "a word of a clause a rule cites"), edits that line, and computes from what it found the
file, line and message it expects. YAML is chosen with the loaders' own line numbers (LineDict) and
edited line by line, so comments, folding and quoting stay as the team wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sitegen.source.errors import SourceError
from sitegen.source.policy_text import Clause, parse_policy
from sitegen.source.rules_source import Citation
from sitegen.source.sources import Sources, load_sources
from sitegen.source.yaml_source import LineDict, load_yaml

ID_AT_END = re.compile(r"\s*\{#([a-z0-9-]+)\}\s*$")


# --- Lines -------------------------------------------------------------------------------------------

def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines), encoding="utf-8")


def line_text(path: Path, line: int) -> str:
    return read_lines(path)[line - 1]


def replace_on_line(path: Path, line: int, old: str, new: str) -> None:
    """Replace the first `old` on 1-based `line`, which must hold it."""
    lines = read_lines(path)
    assert old in lines[line - 1], f"{old!r} is not on {path.name}:{line}: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    write_lines(path, lines)


def indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def field_span(lines: list[str], line: int) -> tuple[int, int]:
    """0-based [start, end) of the YAML key on 1-based `line` and its continuation lines (a folded or
    flow value written over several lines)."""
    start = line - 1
    own = indent(lines[start].replace("- ", "  ", 1) if lines[start].lstrip().startswith("- ") else lines[start])
    end = start + 1
    while end < len(lines):
        following = next((ln for ln in lines[end:] if ln.strip() and not ln.lstrip().startswith("#")), "")
        if not following or indent(following) <= own:  # blank lines and comments before the next key stay
            break
        end += 1
    return start, end


def entry_span(lines: list[str], line: int) -> tuple[int, int]:
    """0-based [start, end) of the list entry starting (`- `) on 1-based `line`, without the blank lines
    and comments that follow it."""
    start = line - 1
    dash = indent(lines[start])
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].lstrip().startswith("#")
                                or indent(lines[end]) > dash):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return start, end


def delete_field(path: Path, entry: LineDict, name: str) -> int:
    """Remove the key `name` of a YAML mapping, with its value; the number of lines removed."""
    lines = read_lines(path)
    start, end = field_span(lines, entry.line_of(name))
    assert lines[start].lstrip().removeprefix("- ").startswith(f"{name}:"), lines[start]
    del lines[start:end]
    write_lines(path, lines)
    return end - start


def delete_entry(path: Path, entry: LineDict) -> str:
    """Remove a list entry (and the blank lines after it); the text removed."""
    lines = read_lines(path)
    start, end = entry_span(lines, entry.line)
    while end < len(lines) and not lines[end].strip():
        end += 1
    removed = "".join(lines[start:end])
    del lines[start:end]
    write_lines(path, lines)
    return removed


def insert_into_text(path: Path, entry: LineDict, name: str, words: str) -> int:
    """Put `words` at the start of the text in key `name` (inline or folded); the line it is on."""
    lines = read_lines(path)
    line = entry.line_of(name)
    head = lines[line - 1]
    match = re.match(rf"^(\s*(?:- )?{re.escape(name)}:\s*)(.*)$", head.rstrip("\n"))
    assert match, head
    value = match.group(2)
    if not value or value[0] in ">|":  # a block scalar: the text starts on the next line
        line += 1
        text = lines[line - 1]
        lines[line - 1] = " " * indent(text) + words + " " + text.lstrip(" ")
    elif value[0] not in "'\"" and (words[0] in "[]{}!&*#|>'\"%@`,?:-" or ": " in words + " " or " #" in words):
        # Plain text cannot start with a YAML indicator, nor hold ": " or " #": write a folded block instead.
        key_indent = indent(match.group(1))
        lines[line - 1] = match.group(1).rstrip() + " >-\n" + " " * (key_indent + 2) + words + " " + value + "\n"
        line += 1
    else:
        quote = value[0] if value[0] in "'\"" else ""
        lines[line - 1] = match.group(1) + quote + words + " " + value[len(quote):] + "\n"
    write_lines(path, lines)
    return line


# --- YAML entries --------------------------------------------------------------------------------------

def entries(path: Path, section: str) -> list[LineDict]:
    """The list under a top-level key of a YAML source, each entry knowing its lines."""
    return list(load_yaml(path).get(section) or [])


def rule_entries(rules_path: Path, section: str = "obligations") -> list[LineDict]:
    return entries(rules_path, section)


def top_level_line(path: Path, key: str) -> int:
    return load_yaml(path).line_of(key)


def condition_groups(when: Any) -> Iterator[dict[str, Any]]:
    """The 'key: value' groups of a raw condition: its own keys, then each `any` group."""
    if isinstance(when, dict):
        yield {k: v for k, v in when.items() if k != "any"}
        yield from (g for g in when.get("any", []) if isinstance(g, dict))


def one_line_condition(rule: LineDict) -> bool:
    """The rule's `when` is written on the line of its key (`when: {...}`)."""
    when = rule.get("when")
    return isinstance(when, LineDict) and when.line == rule.line_of("when")


VALUE = r'("[^"]*"|\'[^\']*\'|\[[^\]]*\]|[^,}\s]+)'


def condition_item(text: str, key: str) -> re.Match[str]:
    """Where `key: value` is written in a line of a condition."""
    found = re.search(rf"(?<![\w-]){re.escape(key)}: {VALUE}", text)
    assert found, f"{key!r} is not written on {text!r}"
    return found


def yaml_value(values: list[str]) -> str:
    quoted = [f'"{v}"' for v in values]
    return quoted[0] if len(quoted) == 1 else f"[{', '.join(quoted)}]"


# --- Policy ----------------------------------------------------------------------------------------------

@dataclass
class PolicyLine:
    """A clause written on one line of policy.md and ending with its `{#id}`."""

    id: str
    line: int
    kind: str  # "heading", "paragraph" or "item"
    text: str  # the line without its id


def one_line_clauses(policy_path: Path) -> list[PolicyLine]:
    policy = parse_policy(policy_path)
    lines = read_lines(policy_path)
    found = []

    def visit(blocks: list[Any]) -> None:
        for block in blocks:
            if block.clause_id:
                written = lines[block.line - 1].rstrip("\n")
                match = ID_AT_END.search(written)
                if match and match.group(1) == block.clause_id:
                    found.append(PolicyLine(block.clause_id, block.line, block.kind, written[:match.start()]))
            visit(block.children)

    visit(policy.blocks)
    return sorted(found, key=lambda c: c.line)


# --- An amendment of the policy's wording --------------------------------------------------------------------

@dataclass
class Amendment:
    """One word of a cited clause replaced by another."""

    clause: Clause  # as it was
    rules: list[Citation]  # the rules citing it, in the order of rules.yaml
    old: str
    new: str
    before: tuple[str, str]  # the words either side of the change
    line_after: str = field(default="")

    @property
    def old_words(self) -> str:
        return f"{self.before[0]} {self.old} {self.before[1]}"

    @property
    def new_words(self) -> str:
        return f"{self.before[0]} {self.new} {self.before[1]}"

    def named_rules(self) -> str:
        """The rules as `check` lists them."""
        return "; ".join(f"{c.kind} '{c.name}' (line {c.line})" for c in self.rules)


REPLACEMENTS = ("usually", "generally", "mostly")


def _protected_words(sources: Sources) -> set[str]:
    """Words whose change could change more than the wording: defined terms, names of related
    documents, staff words and the expected searches (each has its own test)."""
    phrases = [p for t in sources.glossary for p in (t.term, *t.spellings)]
    phrases += [m for d in sources.related for m in (d.name, *d.mentioned_as)]
    phrases += [w for s in sources.staff_words for w in s.words] + [s.query for s in sources.searches]
    return {word.casefold() for phrase in phrases for word in re.findall(r"[A-Za-z]+", phrase)}


def _checks_pass(source_dir: Path) -> bool:
    """Everything `check` holds the sources to, except the review, approval and note a change of wording
    asks for (what an amendment is expected to need)."""
    from sitegen.finishing.search_index import expected_index, search_problems
    from sitegen.pages.render import render_pages

    try:
        sources = load_sources(source_dir, allow_unreviewed=True)
    except SourceError:
        return False
    docs = expected_index(render_pages(sources), sources.policy, sources.staff_words)
    return not search_problems(sources.searches, docs, source_dir / "searches.yaml")


def amend_cited_clause(source_dir: Path,
                       choose: Callable[[Clause, list[Citation]], bool] = lambda clause, rules: True,
                       what: str = "") -> Amendment:
    """Replace one plain word of a clause that rules cite (the first that `choose` accepts), so that
    nothing but the wording changes: every other check still passes. Clauses cited by a single rule
    are tried first. Skips the test when no clause can be amended so."""
    sources = load_sources(source_dir, allow_unreviewed=True)
    policy_path = source_dir / "policy.md"
    citing: dict[str, list[Citation]] = {}
    for citation in sources.rules.citations:
        citing.setdefault(citation.clause, []).append(citation)
    protected = _protected_words(sources)
    written = {c.id: c for c in one_line_clauses(policy_path)}
    candidates = [c for c in sources.policy.clauses.values()
                  if c.id in citing and c.id in written and written[c.id].kind != "heading"
                  and choose(c, citing[c.id])]
    candidates.sort(key=lambda c: len(citing[c.id]) != 1)
    original = policy_path.read_text(encoding="utf-8")
    for clause in candidates:
        words = written[clause.id].text.split()
        for i in range(1, len(words) - 1):
            prev, word, after = words[i - 1:i + 2]
            if not all(re.fullmatch(r"[A-Za-z]+", w) and w.casefold() not in protected for w in (prev, word, after)):
                continue
            if not word.islower() or written[clause.id].text.count(f" {word} ") != 1:
                continue
            new = next(r for r in REPLACEMENTS if r not in written[clause.id].text.split())
            lines = read_lines(policy_path)
            lines[clause.line - 1] = re.sub(rf"(?<!\S){prev} {word} {after}(?!\S)", f"{prev} {new} {after}",
                                            lines[clause.line - 1], count=1)
            write_lines(policy_path, lines)
            if _checks_pass(source_dir):
                return Amendment(clause, citing[clause.id], word, new, (prev, after),
                                 line_text(policy_path, clause.line))
            policy_path.write_text(original, encoding="utf-8")
    pytest.skip(f"no clause cited by the rules {what} has a word that can change alone".replace("  ", " "))
