"""Every clause can be linked to: one anchor per clause id, with a visible permalink."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sitegen.source.sources import load_sources
from tests.html_text import read_html

CLAUSES = load_sources().policy.clauses


@pytest.fixture(scope="module")
def policy_page(site_dir: Path):
    return read_html((site_dir / "policy" / "index.html").read_text(encoding="utf-8"))


def test_the_clauses_the_sources_cite_have_ids() -> None:
    """Every clause a rule, a defined term, a related document, staff words or a search points at."""
    sources = load_sources()
    cited = {c.clause for c in sources.rules.citations} | {t.clause for t in sources.glossary} | {
        c for d in sources.related for c in d.clauses} | {c for w in sources.staff_words for c in w.clauses} | {
        s.clause for s in sources.searches}
    assert {c.clause for c in sources.rules.citations}, "the rules cite no clause"
    assert cited <= set(CLAUSES)


@pytest.mark.parametrize("clause_id", list(CLAUSES))
def test_clause_id_resolves_to_exactly_one_anchor(policy_page, clause_id: str) -> None:
    assert Counter(policy_page.ids)[clause_id] == 1


@pytest.mark.parametrize("clause_id", list(CLAUSES))
def test_clause_has_a_visible_permalink(policy_page, clause_id: str) -> None:
    links = [a for tag, a in policy_page.tags if tag == "a" and a.get("href") == f"#{clause_id}"
             and {"headerlink", "clause-link"} & set(a.get("class", "").split())]
    assert len(links) == 1


def test_no_id_is_used_twice_on_the_policy_page(policy_page) -> None:
    assert [i for i, n in Counter(policy_page.ids).items() if n > 1] == []


def test_clause_index_lists_every_clause(site_dir: Path) -> None:
    page = read_html((site_dir / "clauses" / "index.html").read_text(encoding="utf-8"))
    linked = {a["href"].split("#")[1] for tag, a in page.tags if tag == "a" and "policy/#" in a.get("href", "")}
    assert linked == set(CLAUSES)
