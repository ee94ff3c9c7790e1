"""WCAG 2.0 AA (Ontario's AODA) in a real browser: axe-core on every page and every wizard state."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser_checks import axe_violations, site_pages
from tests.test_wizard_browser import PYODIDE, choose, fragment, question
from wizard import Engine

pytestmark = pytest.mark.browser

VERDICT_EXAMPLES = {
    "allowed": {"capacity": "peers", "identifies_city": "yes", "city_equipment": "no", "speaks_for_city": "no",
                "discloses_city_business": "yes", "discloses_personal_info": "no", "restricted_community": "no",
                "privacy_breach": "yes"},
    "approval-required": {"capacity": "business", "city_equipment": "yes", "approved_rep": "no", "student": "no",
                          "discloses_personal_info": "no", "new_tool": "yes", "new_campaign": "no",
                          "external_discussion": "no", "restricted_community": "no", "privacy_breach": "no"},
    "not-allowed": {"capacity": "personal", "identifies_city": "yes", "speaks_for_city": "no",
                    "discloses_city_business": "yes", "discloses_personal_info": "no", "discloses_third_party": "no",
                    "restricted_community": "no", "privacy_breach": "no", "student": "yes"},
}


def test_axe_really_runs_and_reports(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.evaluate("document.querySelector('article').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")
    assert any(v.startswith("image-alt") for v in axe_violations(page))


def test_every_page_of_the_site_has_no_axe_violations(page: Page, site_url: str, site_dir: Path) -> None:
    pages = site_pages(site_dir)
    assert set(pages) >= {"", "policy/", "wizard/", "rules/", "related/", "glossary/", "clauses/", "404.html"}
    found = {}
    for path in pages:
        page.goto(f"{site_url}{path}")
        found[path] = axe_violations(page)
    assert {path: v for path, v in found.items() if v} == {}


def question_states(engine: Engine) -> dict[str, dict[str, str]]:
    """For each question, the shortest answers that lead to it being asked."""
    states: dict[str, dict[str, str]] = {}
    frontier: list[dict[str, str]] = [{}]
    while frontier:
        answers = frontier.pop(0)
        key = engine.evaluate(answers).next
        if key is None:
            continue
        states.setdefault(key, answers)
        frontier.extend({**answers, key: value} for value in engine.values_of[key])
    return states


def test_every_question_screen(page: Page, site_url: str, engine: Engine) -> None:
    states = question_states(engine)
    assert set(states) == set(engine.values_of)  # every question is asked on some path
    page.goto(f"{site_url}wizard/")
    for key, answers in states.items():
        page.evaluate("h => { location.hash = h; }", fragment(answers))
        expect(question(page)).to_have_attribute("data-question", key)
        assert axe_violations(page) == [], key


@pytest.mark.parametrize("verdict", list(VERDICT_EXAMPLES))
def test_a_result_of_each_verdict(page: Page, site_url: str, verdict: str) -> None:
    page.goto(f"{site_url}wizard/#{fragment(VERDICT_EXAMPLES[verdict])}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict, timeout=PYODIDE)
    assert axe_violations(page) == []


def test_the_error_state(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/#capacity=volunteer&colour=blue")
    expect(page.locator("#wizard-error [data-error]").first).to_be_visible()
    assert axe_violations(page) == []


def test_the_loading_state(page: Page, site_url: str) -> None:
    held: list[Route] = []
    page.route("**/pyodide/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(f"{site_url}wizard/#{fragment(VERDICT_EXAMPLES['allowed'])}")
    expect(page.locator("#wizard-status")).to_contain_text("Getting your result ready")
    assert axe_violations(page) == []
    held[0].continue_()


def test_the_engine_failure_state(page: Page, site_url: str) -> None:
    page.route("**/pyodide/pyodide.asm.wasm", lambda route: route.fulfill(status=404))
    page.goto(f"{site_url}wizard/")
    expect(page.locator("[data-engine-error]")).to_be_visible(timeout=PYODIDE)
    assert axe_violations(page) == []


def test_status_and_result_are_announced_to_screen_readers(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/")
    status = page.locator("#wizard-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    for key, value in VERDICT_EXAMPLES["not-allowed"].items():
        if key != "student":
            choose(page, key, value)
    expect(status).to_have_text(re.compile(r"^Result: Not allowed\."), timeout=PYODIDE)


def test_focus_is_visible_and_never_trapped(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/")
    choose(page, "capacity", "business")
    legend = page.locator("#wizard-legend")
    expect(legend).to_be_focused()
    assert legend.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    radio = question(page).locator("input").first
    page.keyboard.press("Tab")
    expect(radio).to_be_focused()
    assert radio.evaluate("e => getComputedStyle(e.closest('.wizard-choice')).outlineStyle") != "none"
    # Keep pressing Tab: focus must leave the wizard and reach the page footer.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.md-footer')"):
            break
    else:
        pytest.fail("keyboard focus never left the wizard")
