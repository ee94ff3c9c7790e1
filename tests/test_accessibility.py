"""WCAG 2.0 AA (Ontario's AODA) in a real browser: axe-core on every page and every wizard state."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser_checks import axe_violations, clickable, find, invalid_value, page_next, page_walk, site_pages
from tests.from_policy import example, first_question, values, verdict_label
from tests.test_wizard_browser import PYODIDE, click_through, complete, expect_screen, fragment, screen
from wizard import Engine

pytestmark = pytest.mark.browser
VERDICTS = ["allowed", "ask-first", "approval-required", "not-allowed"]  # the vocabulary's verdicts


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


def screen_states(engine: Engine) -> dict[str, dict[str, str]]:
    """For each question, the shortest answers that lead to the screen that asks it."""
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


def test_every_question_screen_and_its_error_summary(page: Page, site_url: str, engine: Engine,
                                                     rules_data: dict) -> None:
    grouped = {key for group in rules_data["screens"] for key in group["keys"]}
    states = screen_states(engine)
    asked = {q.key for q in engine.rules.questions if not q.retired}
    assert set(states) == asked  # every question is asked on some path
    page.goto(f"{site_url}wizard/")
    checked_screens = set()
    for key, answers in states.items():
        page.evaluate("h => { location.hash = h; }", fragment(answers))
        if key in grouped:
            expect(screen(page)).to_have_attribute("data-questions", re.compile(rf"\b{key}\b"))
        else:
            expect(screen(page)).to_have_attribute("data-question", key)
        signature = screen(page).get_attribute("data-screen") or key
        if signature in checked_screens:
            continue
        checked_screens.add(signature)
        assert axe_violations(page) == [], key
        page.locator("#wizard-next").click()  # nothing chosen: the error summary state
        expect(page.locator("#wizard-problem")).to_be_visible()
        assert axe_violations(page) == [], f"{key}, error summary"


@pytest.mark.parametrize("verdict", VERDICTS)
def test_a_result_of_each_verdict(page: Page, site_url: str, verdict: str) -> None:
    page.goto(f"{site_url}wizard/#{fragment(example(verdict))}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict, timeout=PYODIDE)
    assert axe_violations(page) == []


def test_the_error_state(page: Page, site_url: str) -> None:
    first = first_question()
    page.goto(f"{site_url}wizard/#{first}={invalid_value(first)}&colour=blue")
    expect(page.locator("#wizard-error [data-error]").first).to_be_visible()
    assert axe_violations(page) == []


def test_the_loading_state(page: Page, site_url: str) -> None:
    held: list[Route] = []
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    expect(page.locator("#wizard-loading")).to_have_text("Working out your answer…")
    assert axe_violations(page) == []
    held[0].continue_()


def test_the_engine_failure_state(page: Page, site_url: str) -> None:
    page.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404))
    page.goto(f"{site_url}wizard/")
    expect(page.locator("[data-engine-error]")).to_be_visible(timeout=PYODIDE)
    assert axe_violations(page) == []


def test_status_and_result_are_announced_to_screen_readers(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/")
    status = page.locator("#wizard-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    click_through(page, clickable("not-allowed")[0])
    expect(status).to_have_text(re.compile(rf"^Result: {re.escape(verdict_label('not-allowed'))}\."), timeout=PYODIDE)


def test_focus_is_visible_and_never_trapped(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/#{first_question()}={values(first_question())[0]}")
    legend = page.locator("#wizard-legend")
    legend.focus()
    expect(legend).to_be_focused()
    assert legend.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    radio = screen(page).locator("input").first
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


def ticked_then_another_screen():
    """A link to a checkbox screen whose first statement, ticked alone, leads to another screen."""
    def search(answers, screens):
        for i, boxes in enumerate(screens):
            link = {k: answers[k] for s in screens[:i] for k in s.answered}
            ticked = {**link, **{k: "yes" if k == boxes.keys[0] else "no" for k in boxes.keys}}
            shown = page_walk(link)[1]
            if boxes.checkboxes and shown and shown.node == boxes.node and page_next(ticked) is not None:
                return link, boxes
        return None
    return find(search, "with a checkbox screen that leads to another")


def test_every_page_in_the_dark_palette_has_no_axe_violations(browser, site_url: str, site_dir: Path) -> None:
    """The palette follows the reader's system setting; the dark one must pass as well as the light one."""
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    found = {}
    for path in site_pages(site_dir):
        page.goto(f"{site_url}{path}")
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate", path
        found[path] = axe_violations(page)
    for verdict in VERDICTS:
        page.goto(f"{site_url}wizard/#{fragment(example(verdict))}")
        expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict, timeout=PYODIDE)
        found[f"wizard result {verdict}"] = axe_violations(page)
    link, boxes = ticked_then_another_screen()
    page.goto(f"{site_url}wizard/#{fragment(link)}")
    expect_screen(page, boxes)
    screen(page).locator(f"input[name={boxes.keys[0]}]").check()
    found["checkbox screen, chosen"] = axe_violations(page)
    page.locator("#wizard-next").click()
    expect(screen(page)).not_to_have_attribute("data-questions", " ".join(boxes.keys))
    page.locator("#wizard-next").click()
    expect(page.locator("#wizard-problem")).to_be_visible()
    found["error summary"] = axe_violations(page)
    context.close()
    assert {where: v for where, v in found.items() if v} == {}


def test_the_reader_can_switch_palettes(page: Page, site_url: str) -> None:
    page.goto(site_url)
    before = page.evaluate("document.body.dataset.mdColorScheme")
    page.locator("[data-md-component=palette] label:visible").first.click()  # the header's toggle
    expect(page.locator("body")).not_to_have_attribute("data-md-color-scheme", before)
