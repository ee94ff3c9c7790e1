"""New hires learn by example, in a real Chromium: worked examples, the self-check and its record."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from sitegen.source.sources import load_sources
from tests.browser_checks import axe_violations
from tests.from_policy import first_question, rules
from tests.test_wizard_browser import PYODIDE, complete, fragment, verdict

pytestmark = pytest.mark.browser
EXAMPLES = [s for s in load_sources().situations if "example" in s.publish]
QUIZ = [s for s in load_sources().situations if "self-check" in s.publish]
WRONG = {"allowed": "not-allowed", "ask-first": "allowed", "approval-required": "allowed", "not-allowed": "allowed"}


@pytest.fixture(scope="module")
def examples_page(browser: Browser, site_url: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}examples/")
    yield page
    context.close()


@pytest.mark.parametrize("example", EXAMPLES, ids=[s.id for s in EXAMPLES])
def test_every_published_example_opens_in_the_wizard_with_its_stated_verdict(examples_page: Page, site_url: str,
                                                                             example) -> None:
    page = examples_page
    if urlsplit(page.url).path != "/examples/":
        page.goto(f"{site_url}examples/")
    section = page.locator(f"[data-example={example.id}]")
    expect(section).to_have_attribute("data-verdict", example.verdict)
    section.get_by_role("link", name="Open this situation in the wizard").click()
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", example.verdict, timeout=PYODIDE)
    page.go_back()


def test_the_examples_page_has_no_axe_violations_on_a_phone(page: Page, site_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site_url}examples/")
    assert axe_violations(page) == []


def answer(page: Page, verdict: str, keyboard: bool = False) -> None:
    if keyboard:
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # past the "What they answered" summary, into the radio group
        values = page.locator("#self-check input[type=radio]").evaluate_all("els => els.map(e => e.value)")
        for _ in range(values.index(verdict)):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        page.keyboard.press("Enter")
    else:
        page.locator(f"#self-check input[value={verdict}]").check()
        page.get_by_role("button", name="Check my answer").click()


def test_the_self_check_scores_right_and_wrong_answers_and_prints_a_record_sending_nothing(
        browser: Browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site_url}self-check/")
    page.wait_for_load_state("networkidle")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))  # from here on, nothing may be sent
    assert axe_violations(page) == []
    page.get_by_role("button", name="Check my answer").click()  # nothing chosen: the error summary
    expect(page.locator("#self-check .wizard-error-summary")).to_be_focused()
    assert axe_violations(page) == []
    wrong = {n for n in (0, 3) if n < len(QUIZ)}  # the first answered wrong, the second right
    for number, situation in enumerate(QUIZ):
        expect(page.locator("#self-check .wizard-progress")).to_have_text(f"Situation {number + 1} of {len(QUIZ)}")
        answer(page, WRONG[situation.verdict] if number in wrong else situation.verdict)
        feedback = page.locator("[data-feedback]")
        expect(feedback).to_have_attribute("data-feedback", "incorrect" if number in wrong else "correct")
        expect(feedback.locator("h2")).to_be_focused()
        if number in (0, 1):
            assert axe_violations(page) == []
        expect(page.locator("#self-check a", has_text="Open this situation in the wizard")).to_have_attribute(
            "href", re.compile(rf"/wizard/#{first_question()}="))
        page.locator("#self-check button.md-button--primary").click()
    score = page.locator("#self-check-score")
    expect(score).to_have_text(f"You got {len(QUIZ) - len(wrong)} of {len(QUIZ)} right")
    expect(page.locator("[data-result=incorrect]")).to_have_count(len(wrong))
    assert axe_violations(page) == []
    page.get_by_label("Your name, for the record (optional)").fill("Ada Lovelace")
    page.get_by_role("button", name="Show my record of completion").click()
    record = page.locator("#self-check-record")
    expect(record.locator("[data-record=name]")).to_have_text("Ada Lovelace")
    expect(record.locator("[data-record=date]")).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    policy = rules()["policy"]
    expect(record.locator("[data-record=policy]")).to_contain_text(
        f"version {policy['version']}, approved {policy['approval_date_text']}")
    expect(record.locator("[data-record=score]")).to_contain_text(f"{len(QUIZ) - len(wrong)} of {len(QUIZ)}")
    expect(record.locator("[data-record=site]")).to_have_text(site_url)
    expect(record).to_contain_text("was sent or recorded anywhere else")
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    printed = page.evaluate("document.body.innerText")
    assert "Record of completion" in printed and "Ada Lovelace" in printed
    assert "Check your understanding" not in printed.split("Record of completion")[1]
    for hidden in (".md-header", ".md-footer", "#self-check .wizard-actions"):
        expect(page.locator(hidden).first).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the record fits on one page"
    assert requests == [], f"the self-check sent requests: {requests}"
    context.close()


def test_the_self_check_by_keyboard_alone(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}self-check/")
    page.locator("#self-check h2").first.focus()
    for situation in QUIZ:
        answer(page, situation.verdict, keyboard=True)
        expect(page.locator("[data-feedback]")).to_have_attribute("data-feedback", "correct")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        while page.evaluate("document.activeElement.tagName") != "BUTTON":
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
    expect(page.locator("#self-check-score")).to_have_text(f"You got {len(QUIZ)} of {len(QUIZ)} right")
    expect(page.locator("#self-check-score")).to_be_focused()
    page.keyboard.press("Tab")  # the results' links, then the name field
    while page.evaluate("document.activeElement.id") != "self-check-name":
        page.keyboard.press("Tab")
    page.keyboard.type("Grace Hopper")
    page.keyboard.press("Enter")
    expect(page.locator("[data-record=name]")).to_have_text("Grace Hopper")


def test_the_site_points_new_hires_to_learning(page: Page, site_url: str, site_dir: Path) -> None:
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(complete()), timeout=PYODIDE)
    learn = page.locator(".wizard-learn")
    expect(learn.get_by_role("link", name="worked examples")).to_be_visible()
    expect(learn.get_by_role("link", name="check your understanding")).to_be_visible()
