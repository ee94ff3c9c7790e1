"""The site as staff read it: printed pages, the home page's first screen, permalinks that stay out of the way."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.from_policy import first_question, paragraph_clauses
from tests.html_text import normalise, read_html
from tests.test_policy_fidelity import seed_sentences

pytestmark = pytest.mark.browser


def test_the_printed_policy_has_every_sentence_and_no_navigation_or_permalink_signs(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}policy/")
    page.emulate_media(media="print")
    printed = normalise(page.evaluate("document.body.innerText"))
    for line, sentence, heading in seed_sentences():
        haystack, needle = (printed.casefold(), sentence.casefold()) if heading else (printed, sentence)
        assert needle in haystack, f"seed line {line} is not printed: {sentence!r}"
    assert "¶" not in printed
    for hidden in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"):
        expect(page.locator(hidden).first).to_be_hidden()


@pytest.mark.parametrize("path", ["", "glossary/", "related/", "examples/", "rules/", "history/"])
def test_other_pages_print_all_their_paragraphs(page: Page, site_url: str, path: str) -> None:
    page.goto(f"{site_url}{path}")
    paragraphs = page.locator("article p:visible").all_inner_texts()
    page.emulate_media(media="print")
    printed = normalise(page.evaluate("document.body.innerText"))
    missing = [p for p in paragraphs if normalise(p) and normalise(p).replace("¶", "").strip() not in printed]
    assert missing == [], path


@pytest.mark.parametrize("size", [(390, 844), (1366, 800)], ids=["phone", "desktop"])
def test_the_home_page_first_screen_leads_to_the_wizard_and_the_policy(browser: Browser, site_url: str,
                                                                       size: tuple[int, int]) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(site_url)
    wizard = page.locator("article a.md-button--primary", has_text="Am I allowed to post this?")
    policy = page.locator("article a.md-button", has_text="Read the policy")
    for link in (wizard, policy):
        expect(link).to_be_in_viewport(ratio=1)
        assert link.bounding_box()["height"] >= 44
    wizard.click()
    expect(page.locator(f"fieldset[data-question={first_question()}]")).to_be_visible()
    context.close()


def test_clause_permalinks_show_on_hover_and_focus_only(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}policy/")
    clause = paragraph_clauses()[1]
    link = page.locator(f"#{clause.id} > .clause-link")
    assert link.evaluate("e => getComputedStyle(e).opacity") == "0"
    page.locator(f"#{clause.id}").hover()
    assert link.evaluate("e => getComputedStyle(e).opacity") == "1"
    page.mouse.move(0, 0)
    link.focus()  # still reachable by keyboard, and visible when focused
    assert link.evaluate("e => getComputedStyle(e).opacity") == "1"


def test_rules_at_a_glance_leads_with_plain_titles_ids_second(site_dir: Path, rules_data: dict) -> None:
    html = (site_dir / "rules" / "index.html").read_text(encoding="utf-8")
    reader = read_html(html)
    ids = {o["id"] for o in rules_data["obligations"]} | {u["id"] for u in rules_data["unclear"]}
    headings = [a.get("id") for tag, a in reader.tags if tag == "h3"]
    assert set(headings) >= ids  # the anchors stay the ids, for links
    text = " ".join(reader.text)
    for rule in rules_data["obligations"] + rules_data["unclear"]:
        assert rule["title"] != rule["id"] and rule["title"] in text
    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    titles = [d["title"] for d in docs if d["location"].startswith("rules/#") and d["location"][7:] in ids]
    assert titles and not [t for t in titles if re.fullmatch(r"[a-z0-9-]+", t)], "search shows plain titles"


def test_pages_for_the_communications_team_are_grouped_apart(page: Page, site_url: str) -> None:
    page.goto(site_url)
    groups = page.locator(".md-nav--primary > .md-nav__list > .md-nav__item--section")
    expect(groups.nth(0)).to_contain_text("For staff")
    expect(groups.nth(1)).to_contain_text("For the communications team")
    comms = groups.nth(1).inner_text()
    assert "Rules at a glance" in comms and "Clause index" in comms and "The policy" not in comms
