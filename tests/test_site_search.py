"""Staff find clauses with the site's own search, in a real browser, in their own words too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# What staff type, and the clause that answers it. Several use words the policy does not
# (policy_source/staff_words.yaml): "supplier", "work phone", "fired", "reporter".
QUERIES = {
    "privacy breach": "responsibilities-staff",
    "student": "representatives-non-student",
    "LinkedIn": "peer-consultation-note",
    "YouTube": "definitions-social-media",
    "business case": "scope-approved-staff",
    "supplier": "personal-use-third-party",
    "work phone": "condition-b-city-equipment",
    "chat room": "definitions-social-media",
    "spokesperson": "personal-use-spokespersons",
    "fired": "breach-consequences",
    "password": "definitions-restricted-access",
    "reporter": "scope-external-discussions",
    "Facebook": "definitions-social-media",
    "deleted": "caution-permanent",
    "position title": "business-use-identify-and-new-tools",
    "copyright": "caution-laws-apply-online",
    "Instagram": "definitions-social-media",
}


def results(page: Page, site_url: str, query: str) -> list[str]:
    """The sections the search box offers, best first, as paths with their anchor."""
    box = page.locator("input.md-search__input")
    box.fill("")
    box.click()
    box.press_sequentially(query)
    links = page.locator(".md-search-result__item a.md-search-result__link")
    expect(links.first).to_be_attached(timeout=15_000)
    page.wait_for_timeout(300)  # the worker may refine the list as the last keys arrive
    hrefs = links.evaluate_all("els => els.map(e => e.href)")
    return [h.replace(site_url, "").split("?")[0] + "#" + h.split("#")[1] for h in hrefs if "#" in h]


@pytest.fixture(scope="module")
def search_page(browser, site_url: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url)
    yield page
    context.close()


@pytest.mark.parametrize(("query", "clause_id"), QUERIES.items(), ids=list(QUERIES))
def test_a_staff_query_finds_its_clause_in_the_top_three(search_page: Page, site_url: str, query: str,
                                                          clause_id: str) -> None:
    found = results(search_page, site_url, query)
    assert f"policy/#{clause_id}" in found[:3], f"{query!r}: {found[:5]}"


def test_a_result_lands_on_the_clause(page: Page, site_url: str) -> None:
    page.goto(site_url)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("LinkedIn")
    link = page.locator("a.md-search-result__link[href*='#peer-consultation-note']").first
    expect(link).to_be_attached(timeout=15_000)
    link.click()
    expect(page.locator("#peer-consultation-note")).to_be_in_viewport()
