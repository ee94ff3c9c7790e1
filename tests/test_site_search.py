"""Staff find clauses with the site's own search, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

QUERIES = {
    "privacy breach": "responsibilities-staff",       # Responsibilities: report a privacy breach
    "student": "representatives-non-student",          # Definitions of representatives: non-student employees
    "LinkedIn": "peer-consultation-note",              # the peer-to-peer Note
}


@pytest.mark.parametrize(("query", "clause_id"), QUERIES.items(), ids=list(QUERIES))
def test_search_lands_on_the_clause(page: Page, site_url: str, query: str, clause_id: str) -> None:
    page.goto(site_url)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query)
    first_section = page.locator(".md-search-result__item").first.locator("a.md-search-result__link").nth(1)
    expect(first_section).to_have_attribute("href", f"{site_url}policy/?h={query.lower().replace(' ', '+')}"
                                            f"#{clause_id}", timeout=15_000)
    first_section.click()
    expect(page.locator(f"#{clause_id}")).to_be_in_viewport()
