"""The README's table of the public vocabulary, written from the rules (`python3 build.py names`).

Question keys, answer values, verdicts, obligation and note ids are a public contract, documented in
the README. The table between the two markers is written from policy_source/rules.yaml, so a new
name the communications team publishes is documented by the same command that records it, and
`check` says when the README is behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sitegen.source.errors import SourceProblem

README = Path(__file__).resolve().parents[2] / "README.md"
START = "<!-- vocabulary: written by `python3 build.py names` from policy_source/rules.yaml; do not edit -->"
END = "<!-- /vocabulary -->"


def _names(items: list[str]) -> str:
    return ", ".join(f"`{item}`" for item in items)


def vocabulary(rules: dict[str, Any]) -> str:
    """The block: one row per question, then the verdicts, obligations and ask-first notes."""
    lines = [START, "", "| Question key | Values | Asks |", "|---|---|---|"]
    for question in rules["questions"]:
        asks = " ".join(question["text"].split())
        if question.get("retired"):
            asks = f"No longer asked: {' '.join(question['retired'].split())}"
        lines.append(f"| `{question['key']}` | {_names([a['value'] for a in question['answers']])} | "
                     f"{asks.replace('|', '/')} |")
    lines += ["", f"Verdicts, least strict first: {_names([v['id'] for v in rules['verdicts']])}.", "",
              f"Obligations: {_names([o['id'] for o in rules['obligations']])}.", "",
              f"Ask-first notes (`unclear`): {_names([u['id'] for u in rules['unclear']])}.", "", END]
    return "\n".join(lines)


def _block(text: str) -> tuple[int, int] | None:
    start, end = text.find(START), text.find(END)
    return (start, end + len(END)) if start >= 0 and end > start else None


def readme_problems(rules: dict[str, Any], readme: Path = README) -> list[SourceProblem]:
    """A problem when the README's vocabulary is not the rules' (a name added, a question's words changed)."""
    text = readme.read_text(encoding="utf-8")
    block = _block(text)
    if block is None:
        return [SourceProblem(readme, 1, "the README has no vocabulary block",
                              f"put the lines {START} and {END} where the table goes, then run:\n"
                              "      python3 build.py names")]
    if text[block[0]:block[1]] == vocabulary(rules):
        return []
    return [SourceProblem(readme, text[:block[0]].count("\n") + 1, "the README's vocabulary table is not the "
                          "rules' (a name or a question's words changed)", "run:\n      python3 build.py names")]


def write_readme(rules: dict[str, Any], readme: Path = README) -> bool:
    """Rewrite the README's vocabulary block from the rules; whether anything changed."""
    text = readme.read_text(encoding="utf-8")
    block = _block(text)
    if block is None:
        return False
    updated = text[:block[0]] + vocabulary(rules) + text[block[1]:]
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
    return updated != text
