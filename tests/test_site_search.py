"""Staff find clauses with the site's own search, in a real browser, in their own words too.

The searches, and the clause each must bring up, are the communications team's: they live in
policy_source/searches.yaml (which `build.py check` also runs). Results are read as the search box
shows them: a result folded under "more on this page" does not count.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from sitegen.source.sources import load_sources

pytestmark = pytest.mark.browser

SEARCHES = load_sources(allow_unreviewed=True).searches


def visible_results(page: Page, query: str) -> list[str]:
    """The results the search box shows for `query`, best first: for each, the address of its most
    specific link a reader can see (the clause, not the page it is shown under), without the site."""
    box = page.locator("input.md-search__input")
    box.fill("")
    box.click()
    box.press_sequentially(query)
    expect(page.locator(".md-search-result__item").first).to_be_attached(timeout=15_000)
    read = """() => [...document.querySelectorAll('.md-search-result__item')].map((item) => {
        const links = [...item.querySelectorAll('a.md-search-result__link')].filter((a) => !a.closest('details'));
        const url = new URL(links[links.length - 1].href);
        return url.pathname.replace(new URL(document.baseURI).pathname.replace(/[^/]*$/, ''), '')
          .replace(/^\\//, '') + url.hash;
    })"""
    # The box asks again at every key: wait until what it shows has settled for the whole query.
    deadline = time.monotonic() + 15
    previous = page.evaluate(read)
    while True:
        page.wait_for_timeout(150)
        current = page.evaluate(read)
        if current == previous and box.input_value() == query:
            return current
        if time.monotonic() > deadline:
            raise AssertionError(f"the results for {query!r} never settled: {current}")
        previous = current


@pytest.fixture(scope="module")
def search_page(browser, site_url: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url)
    yield page
    context.close()


def test_the_team_keeps_at_least_25_searches() -> None:
    assert len(SEARCHES) >= 25


@pytest.mark.parametrize("search", SEARCHES, ids=[s.query for s in SEARCHES])
def test_a_staff_search_shows_its_clause_among_the_first_three(search_page: Page, search) -> None:
    found = visible_results(search_page, search.query)
    assert f"policy/#{search.clause}" in found[:3], f"{search.query!r}: {found[:5]}"
    assert search_page.locator(".md-search-result__more").count() == 0, "no result is folded away"


def test_a_question_about_posting_offers_the_wizard_first(search_page: Page) -> None:
    assert visible_results(search_page, "can I post a photo of my team")[0] == "wizard/"
    assert "wizard/" not in visible_results(search_page, "photo")[:1]


def test_common_words_alone_do_not_match_everything(search_page: Page) -> None:
    """"to", "a" and "the" in a query change nothing: the rare words decide."""
    first = SEARCHES[0].query
    assert visible_results(search_page, f"the {first} to a")[:3] == visible_results(search_page, first)[:3]


def test_a_result_lands_on_the_clause(page: Page, site_url: str) -> None:
    search = SEARCHES[0]
    page.goto(site_url)
    assert f"policy/#{search.clause}" in visible_results(page, search.query)
    link = page.locator(f"a.md-search-result__link[href*='#{search.clause}']").last
    link.click()
    expect(page).to_have_url(re.compile(rf"{re.escape(site_url)}policy/(\?h=[^#]*)?#{search.clause}$"))
    expect(page.locator(f"[id='{search.clause}']")).to_be_in_viewport()
