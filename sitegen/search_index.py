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


def _entries(blocks: list[Block], policy: Policy) -> list[dict[str, str]]:
    entries = []
    for block in blocks:
        if block.clause_id:
            clause = policy.clauses[block.clause_id]
            text = "" if block.kind == "heading" else block.full_text()
            entries.append({"location": f"{POLICY_LOCATION}#{clause.id}",
                            "title": html.escape(_title(clause.label, text)), "text": html.escape(text)})
        entries.extend(_entries(block.children, policy))
    return entries


def split_policy_into_clauses(site_dir: Path, policy: Policy) -> None:
    index_path = site_dir / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    docs = index["docs"]
    first = next(i for i, doc in enumerate(docs) if doc["location"].startswith(POLICY_LOCATION))
    kept = [doc for doc in docs if not doc["location"].startswith(POLICY_LOCATION + "#")]
    page_entry = kept.index(docs[first])
    index["docs"] = kept[: page_entry + 1] + _entries(policy.blocks, policy) + kept[page_entry + 1:]
    index["config"]["fields"]["title"]["boost"] = TITLE_BOOST
    index_path.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
