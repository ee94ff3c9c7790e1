"""The published policy says exactly what the approved policy says, sentence by sentence.

The baseline is the newest approved version's text, recorded in policy_source/ (approvals.yaml and
approved/VERSION.txt, kept by `build.py approve`). `check` holds policy.md to it both ways; this test
holds the page readers see to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.source.approvals import approved_sentences
from sitegen.source.sources import SOURCE_DIR, load_sources
from tests.html_text import article_text

SOURCES = load_sources(allow_unreviewed=True)
NEWEST = SOURCES.approvals[0]
APPROVED_TEXT = (SOURCE_DIR / NEWEST.text_path).read_text(encoding="utf-8")
APPROVED = approved_sentences(APPROVED_TEXT)
HEADINGS = {SOURCES.policy.meta["title"].casefold()} | {
    block.text.casefold() for block in SOURCES.policy.blocks if block.kind == "heading"}


def seed_sentences() -> list[tuple[int, str, bool]]:
    """(line, sentence as approved, whether it is a heading) for every sentence of the approved text:
    headings may differ in case on the site (the original sets them in capitals)."""
    return [(line, sentence, sentence.casefold() in HEADINGS)
            for line, sentence in approved_sentences(APPROVED_TEXT, keep_case=True)]


@pytest.fixture(scope="module")
def policy_text(site_dir: Path) -> str:
    return article_text((site_dir / "policy" / "index.html").read_text(encoding="utf-8")).casefold()


def test_the_approved_text_has_the_policy_in_it() -> None:
    assert len(APPROVED) >= 10
    assert APPROVED[0][1] == SOURCES.policy.meta["title"].casefold()


@pytest.mark.parametrize(("line", "sentence"), APPROVED, ids=[f"line{n}-{s[:30]}" for n, s in APPROVED])
def test_every_approved_sentence_is_on_the_policy_page(policy_text: str, line: int, sentence: str) -> None:
    assert sentence in policy_text, \
        f"{NEWEST.text_path} line {line}: sentence missing or altered on the policy page: {sentence!r}"


def test_the_page_shows_the_version_in_force(site_dir: Path) -> None:
    page = (site_dir / "policy" / "index.html").read_text(encoding="utf-8")
    assert f'<time datetime="{NEWEST.date}">' in page and f"<dd>{NEWEST.approved_by}</dd>" in page
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert f"approved by {NEWEST.approved_by} on {SOURCES.policy.approval_date_text}" in home
    assert "POLICY_APPROVED_BY" not in home and "POLICY_APPROVAL_DATE" not in home
