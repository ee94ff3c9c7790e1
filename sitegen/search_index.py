"""Make the site search land on clauses, not just on sections.

mkdocs-material's search indexes one entry per heading, so a query for "LinkedIn" would land on the
top of "Approved Business Purposes". After the build we replace the policy page's section entries
with one entry per clause, located at the clause's own anchor and titled with its label.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from sitegen.policy_text import Block, Policy
from sitegen.reference_data import StaffWords

POLICY_LOCATION = "policy/"
# The theme boosts title matches 1000x, so a word in any heading beats a clause that says exactly
# what was asked. Clause titles are labels ("Scope, paragraph 2"), so we weigh titles more gently.
TITLE_BOOST = 10.0


def _title(label: str, text: str, words: int = 16) -> str:
    """A result title that says what the clause is about: its label and its opening words."""
    opening = text.split()
    if not opening:
        return label
    return f"{label}: {' '.join(opening[:words])}{'…' if len(opening) > words else ''}"


def _flatten(blocks: list[Block]) -> list[Block]:
    """The blocks in reading order, nested list items after their parent."""
    return [b for block in blocks for b in (block, *_flatten(block.children))]


def _entries(policy: Policy, staff_words: list[StaffWords]) -> list[dict[str, str]]:
    """One entry per clause, holding its own words and every sentence after it that has no id of its
    own (the Definitions' list of platforms, the related policies), so every sentence can be found
    and lands on its clause or the nearest clause above; plus the staff's words for that clause."""
    also: dict[str, list[str]] = {}
    for entry in staff_words:
        for clause in entry.clauses:
            also.setdefault(clause, []).extend(entry.words)
    entries: list[dict[str, str]] = []
    texts: list[list[str]] = []
    for block in _flatten(policy.blocks):
        if block.clause_id:
            clause = policy.clauses[block.clause_id]
            texts.append([] if block.kind == "heading" else [block.text])
            entries.append({"location": f"{POLICY_LOCATION}#{clause.id}", "title": clause.label, "id": clause.id})
        elif texts:
            texts[-1].append(block.text)
    for entry, words in zip(entries, texts, strict=True):
        text = " ".join(words)
        entry["title"] = html.escape(_title(entry["title"], text))
        staff = also.get(entry.pop("id"), [])
        entry["text"] = html.escape(text + (f" (Staff also say: {', '.join(staff)}.)" if staff else ""))
    return entries


def split_policy_into_clauses(site_dir: Path, policy: Policy, staff_words: list[StaffWords]) -> None:
    index_path = site_dir / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    docs = index["docs"]
    first = next(i for i, doc in enumerate(docs) if doc["location"].startswith(POLICY_LOCATION))
    kept = [doc for doc in docs if not doc["location"].startswith(POLICY_LOCATION + "#")]
    page_entry = kept.index(docs[first])
    index["docs"] = kept[: page_entry + 1] + _entries(policy, staff_words) + kept[page_entry + 1:]
    index["config"]["fields"]["title"]["boost"] = TITLE_BOOST
    index_path.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
