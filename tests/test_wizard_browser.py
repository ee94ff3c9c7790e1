"""The wizard page in a real headless Chromium, against the built site served over HTTP.

No question, answer, verdict of a path or wording of the policy is written here: each test takes its
situation from policy_source/ when it runs (tests/from_policy.py; the page's screens as
tests/browser_checks.py works them out from the same graph the page embeds), and holds the page to
what the engine says about it.
"""

from __future__ import annotations

import base64
import collections
import functools
import gzip
import hashlib
import io
import json
import re
import statistics
import struct
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests import from_policy
from tests.browser_checks import (
    Answers,
    Screen,
    address,
    before,
    clickable,
    expected_sections,
    find,
    invalid_value,
    page_next,
    page_walk,
    reply,
)
from tests.from_policy import first_question, values, verdict_label
from tests.from_policy import question as policy_question
from tests.html_text import article_text, read_html
from tests.scenarios import load_scenarios
from tests.site_server import SiteHandler
from wizard import Engine
from wizard.graph import complete_paths, export_graph
from wizard.screens import screen_plan, screens_to_result

pytestmark = pytest.mark.browser
PYODIDE = 60_000  # ms: Pyodide starts in about 3-6 s here, but a loaded 2-core machine can be much slower
SCENARIOS = load_scenarios()
TITLE = "Am I allowed to post this?"  # the wizard page's own title (sitegen/pages/templates/wizard.md.j2)


def fragment(answers: dict[str, str]) -> str:
    """A link's fragment giving these answers, in the order given."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in answers.items())


def verdict(answers: Answers) -> str | None:
    return from_policy.result(answers).verdict


# -- situations, drawn from policy_source/ when a test asks (a test skips if the rules give none) --------

@functools.cache
def complete() -> Answers:
    """A whole interview a reader can click through, whatever its verdict."""
    return clickable()[0]


def not_allowed() -> Answers:
    return clickable("not-allowed")[0]


def approval() -> Answers:
    return clickable("approval-required")[0]


def ask_first() -> Answers:
    return clickable("ask-first")[0]


def engine_ready(page: Page) -> None:
    """Wait until the engine has started (polled: the pages' policy allows no eval, which Playwright's
    wait_for_function would need)."""
    deadline = time.monotonic() + PYODIDE / 1000
    while page.evaluate("window.__wizardEngine.status") != "ready":
        assert time.monotonic() < deadline, "the engine did not start"
        page.wait_for_timeout(100)


def set_hash(page: Page, answers: dict[str, str]) -> None:
    """Navigate within the page, as the browser's Back button or an edited link would."""
    page.evaluate("h => { location.hash = h; }", fragment(answers))


def question(page: Page):
    """A screen of one radio question (not one of several on a screen)."""
    return page.locator("#wizard-question > fieldset[data-question]")


def screen(page: Page):
    """The screen on show: one question, or several (radio or checkbox) with data-screen."""
    return page.locator("#wizard-question > fieldset, #wizard-question > [data-screen]")


def expect_screen(page: Page, shown: Screen, timeout: float = PYODIDE) -> None:
    """The page shows this screen: its group's id and exactly its keys, or its one question. (Waits as
    long as the engine may take: a link that answers beyond the build-time graph is the engine's to
    work out.)"""
    if shown.checkboxes or shown.several:
        expect(screen(page)).to_have_attribute("data-screen", shown.group["id"], timeout=timeout)
        expect(screen(page)).to_have_attribute("data-questions", " ".join(shown.keys))
    else:
        expect(question(page)).to_have_attribute("data-question", shown.keys[0], timeout=timeout)


def expect_first_question(page: Page) -> None:
    expect(question(page)).to_have_attribute("data-question", first_question())


def expect_chosen(page: Page, shown: Screen, answers: Answers) -> None:
    """The screen shows these answers selected (after Back or Change)."""
    given = reply(shown, answers)
    for key in shown.answered:
        if shown.checkboxes:
            box = screen(page).locator(f"input[type=checkbox][name={key}]")
            expect(box).to_be_checked() if given[key] == "yes" else expect(box).not_to_be_checked()
        else:
            expect(screen(page).locator(f"input[name={key}][value='{given[key]}']")).to_be_checked()


def choose(page: Page, key: str, value: str) -> None:
    expect(question(page)).to_have_attribute("data-question", key)
    question(page).locator(f"input[value='{value}']").check()
    page.locator("#wizard-next").click()


def answer_each(page: Page, answers: dict[str, str]) -> list[str]:
    """Answer a screen of several radio questions; the keys it asked. A question the answers leave
    out is one another answer on the screen makes moot (see screens_to_result): its first answer will do."""
    expect(page.locator("#wizard-question > div[data-screen]")).to_be_visible()
    keys = page.locator("#wizard-question > div[data-screen]").get_attribute("data-questions").split()
    for key in keys:
        value = answers.get(key, values(key)[0])
        page.locator(f"fieldset[data-question={key}] input[value='{value}']").check()
    page.locator("#wizard-next").click()
    return keys


def tick(page: Page, yes: list[str]) -> None:
    """Answer a checkbox screen: tick these keys (the others are "no"), or "None of these"."""
    expect(screen(page)).to_have_attribute("data-screen", re.compile(".+"))
    for key in yes:
        screen(page).locator(f"input[type=checkbox][name={key}]").check()
    if not yes:
        screen(page).locator("input[data-none]").check()
    page.locator("#wizard-next").click()


def on_show(page: Page) -> Screen:
    """The screen the page shows, read from its hooks."""
    current = screen(page)
    keys = current.get_attribute("data-questions") or current.get_attribute("data-question")
    return Screen(None, tuple(keys.split()))


def answer_screen(page: Page, answers: Answers) -> Answers:
    """Answer the screen on show as a reader with these answers would; what it gave (see `reply`)."""
    shown = on_show(page)
    given = reply(shown, answers)
    if shown.checkboxes:
        tick(page, [key for key in shown.keys if given[key] == "yes"])
    elif shown.several:
        answer_each(page, given)
    else:
        choose(page, shown.keys[0], given[shown.keys[0]])
    return given


def click_through(page: Page, answers: dict[str, str]) -> int:
    """Answer each screen from `answers` as a reader would, until the result; the number of screens.

    The next screen comes from the build-time graph within the click, so it is there when click() returns.
    """
    screens = 0
    while showing_a_screen(page):
        answer_screen(page, answers)
        screens += 1
    return screens


def showing_a_screen(page: Page) -> bool:
    """Wait until the page shows a screen or a result, and say which. (Answers beyond the build-time
    graph, as after a Change, are worked out by the engine: meanwhile the page shows neither.)"""
    expect(page.locator("#wizard-form:visible, #wizard-result[data-verdict]:visible")).to_have_count(1, timeout=PYODIDE)
    return page.locator("#wizard-form").is_visible()


@pytest.fixture(scope="module")
def shared_page(browser: Browser, site_url: str) -> Iterator[Page]:
    """One tab for many scenarios: Pyodide starts once, as it would for a reader."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}wizard/")
    yield page
    context.close()


@pytest.fixture(scope="module")
def policy_ids(site_dir: Path) -> set[str]:
    return set(read_html((site_dir / "policy" / "index.html").read_text(encoding="utf-8")).ids)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario_opened_as_a_link(shared_page: Page, site_url: str, policy_ids: set[str], scenario) -> None:
    page = shared_page
    set_hash(page, {})  # leave any previous result first
    expect_first_question(page)
    set_hash(page, scenario.answers)
    if scenario.verdict is None:
        expect(screen(page).first).to_be_visible()
        if (screen(page).get_attribute("data-question")) is None:
            expect(screen(page)).to_have_attribute("data-questions", re.compile(rf"\b{scenario.next}\b"))
        else:
            expect(question(page)).to_have_attribute("data-question", scenario.next)
        expect(page.locator("#wizard-result")).to_be_hidden()
        return
    result = page.locator("#wizard-result")
    expect(result).to_have_attribute("data-verdict", scenario.verdict, timeout=PYODIDE)
    shown = set(page.locator("[data-obligation]").evaluate_all("els => els.map(e => e.dataset.obligation)"))
    notes = set(page.locator("[data-unclear]").evaluate_all("els => els.map(e => e.dataset.unclear)"))
    if scenario.verdict != "not-allowed":  # a post that may not be made is not given its duties
        assert set(scenario.present) <= shown
    assert not set(scenario.absent) & shown
    assert set(scenario.unclear) <= notes and not set(scenario.not_unclear) & notes
    if scenario.ignored is not None:
        ignored = page.locator("[data-ignored]").evaluate_all("els => els.map(e => e.dataset.ignored)")
        assert sorted(ignored) == sorted(scenario.ignored)
    # Whatever stops or delays the post, and every note, names whom to ask.
    next_steps = page.locator(".wizard-next > li")
    assert next_steps.count() == page.locator(".wizard-next > li [data-ask]").count()
    if scenario.verdict != "allowed":
        assert next_steps.count() >= 1
    # Every obligation and note links to an existing clause anchor on the policy page.
    for link in page.locator("[data-obligation] a, [data-unclear] a").evaluate_all("els => els.map(e => e.href)"):
        parts = urlsplit(link)
        assert parts.path == "/policy/" and parts.netloc == urlsplit(site_url).netloc
        assert parts.fragment in policy_ids, link


def test_the_scenarios_take_the_screens_the_engine_counts(shared_page: Page, engine: Engine) -> None:
    """Clicking through every scenario a reader can answer screen by screen: the page shows as many
    screens as the count that `check` holds to the limits in rules.yaml."""
    page = shared_page
    counts = []
    for scenario in [s for s in SCENARIOS if s.verdict and screens_to_result(engine, s.answers) is not None]:
        set_hash(page, {})
        expect_first_question(page)
        count = click_through(page, scenario.answers)
        expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", scenario.verdict, timeout=PYODIDE)
        assert count == screens_to_result(engine, scenario.answers), scenario.name
        counts.append(count)
    print(f"\nscreens per scenario: {sorted(counts)}, median {statistics.median(counts)}")


def test_the_page_embeds_the_graph_and_screens_the_engine_exports(site_dir: Path, engine: Engine,
                                                                 rules_data: dict) -> None:
    html = (site_dir / "wizard" / "index.html").read_text(encoding="utf-8")
    root = next(a for tag, a in read_html(html).tags if a.get("id") == "wizard")
    data = json.loads(root["data-wizard"])
    assert data["graph"] == json.loads(json.dumps(export_graph(engine)))
    assert data["plan"] == screen_plan(data["graph"], rules_data["screens"])


def test_the_first_question_is_in_the_html(site_dir: Path) -> None:
    first = first_question()
    page = read_html((site_dir / "wizard" / "index.html").read_text(encoding="utf-8"))
    fieldsets = [a for tag, a in page.tags if tag == "fieldset"]
    radios = [a for tag, a in page.tags if tag == "input" and a.get("name") == first]  # not the palette toggle
    labels = {a["for"] for tag, a in page.tags if tag == "label" and "for" in a}
    assert fieldsets[0]["data-question"] == first
    assert [r["value"] for r in radios] == values(first)
    assert all(r["id"] in labels for r in radios)


def test_the_introduction_says_whom_the_policy_covers_and_whom_others_ask(site_dir: Path,
                                                                          policy_ids: set[str]) -> None:
    """The policy speaks of staff only: a volunteer or a contractor's employee is told it is not settled
    for them, and whom to ask, before answering as if it were."""
    html = (site_dir / "wizard" / "index.html").read_text(encoding="utf-8")
    assert ("If you volunteer for the City or work for a company it contracts with, the policy does not say "
            "whether it covers you: ask the Communications or Public Affairs Officer") in article_text(html)
    clauses = [a["href"] for tag, a in read_html(html).tags if tag == "a" and "../policy/#" in a.get("href", "")]
    assert clauses and all(href.split("#", 1)[1] in policy_ids for href in clauses)  # the scope's clause


def distinct_first_answer() -> str:
    """An answer to the first question whose next screen no other answer leads to (else the last one)."""
    first = first_question()
    shown = {value: page_next({first: value}) for value in values(first)}
    signature = {value: s and (s.group["id"] if s.group else s.keys) for value, s in shown.items()}
    unique = [v for v in values(first) if shown[v] and list(signature.values()).count(signature[v]) == 1]
    return (unique or values(first))[-1]


def test_without_javascript_the_first_question_can_be_answered(browser: Browser, site_url: str) -> None:
    first, value = first_question(), values(first_question())[-1]
    label = next(a["label"] for a in policy_question(first)["answers"] if a["value"] == value)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}wizard/")
    page.get_by_label(label, exact=True).check()
    page.locator("#wizard-next").click()
    expect(page).to_have_url(re.compile(rf"/wizard/\?{re.escape(fragment({first: value}))}$"))
    context.close()


def test_an_answer_given_before_the_script_runs_is_kept(browser: Browser, site_url: str) -> None:
    first, value = first_question(), distinct_first_answer()
    label = next(a["label"] for a in policy_question(first)["answers"] if a["value"] == value)
    context = browser.new_context()
    page = context.new_page()
    page.route("**/assets/javascripts/wizard.js", lambda route: (time.sleep(1.5), route.continue_()))
    page.goto(f"{site_url}wizard/", wait_until="commit")
    page.get_by_label(label, exact=True).check()
    page.wait_for_load_state("load")
    page.locator("#wizard-next").click()
    expect_screen(page, page_next({first: value}))
    context.close()


def test_every_step_shows_the_engines_next_question_and_an_honest_progress_line(
        page: Page, site_url: str, engine: Engine) -> None:
    """A full interview by clicking, for a spread of paths: each screen asks what the engine asks next,
    and "Question N of at most M" counts up and never promises fewer screens than the path takes."""
    paths = list(complete_paths(engine))
    page.goto(f"{site_url}wizard/")
    for answers in [*paths[:: max(1, len(paths) // 8)], paths[-1]]:
        set_hash(page, {})
        total = screens_to_result(engine, answers)
        walked: dict[str, str] = {}
        step = 0
        while (next_key := engine.evaluate(walked).next) is not None:
            step += 1
            progress = page.locator("#wizard-progress").inner_text()
            shown, most = map(int, re.fullmatch(r"Question (\d+) of at most (\d+)", progress).groups())
            assert shown == step and most >= total, (answers, progress)
            keys = on_show(page).keys
            assert next_key in keys
            given = answer_screen(page, answers)
            walked_before = dict(walked)
            for key in keys:  # follow the engine through the keys this screen answered
                if engine.evaluate(walked).next == key:
                    walked[key] = given[key]
            assert walked != walked_before
        assert step == total
        expected = engine.evaluate(answers).verdict
        expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", expected, timeout=PYODIDE)
        assert page.url.endswith("#" + address(answers))


def keyboard_answer(page: Page, value: str) -> None:
    """Choose a radio answer with the keyboard alone, from the question's legend, and press Enter."""
    page.keyboard.press("Tab")  # into the radio group
    values = question(page).locator("input").evaluate_all("els => els.map(e => e.value)")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(question(page).locator(f"input[value='{value}']")).to_be_checked()
    page.keyboard.press("Enter")  # submits the form


def keyboard_answer_each(page: Page, values: list[str]) -> None:
    """Answer a screen of several radio questions with the keyboard alone: Tab to each question's
    answers (past its policy link), the arrow keys to choose; then Enter."""
    fieldsets = page.locator("#wizard-question fieldset[data-question]")
    for number, value in enumerate(values):
        key = fieldsets.nth(number).get_attribute("data-question")
        while page.evaluate("() => document.activeElement.name || ''") != key:
            page.keyboard.press("Tab")
        options = fieldsets.nth(number).locator("input").evaluate_all("els => els.map(e => e.value)")
        for _ in range(options.index(value)):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        expect(fieldsets.nth(number).locator(f"input[value='{value}']")).to_be_checked()
    page.keyboard.press("Enter")  # submits the form


def keyboard_tick(page: Page, keys: tuple[str, ...], yes: list[str]) -> None:
    """Answer a checkbox screen by keyboard from its legend: Tab to each statement to tick (or to
    "None of these"), Space; then Enter."""
    at = -1
    for position in [keys.index(key) for key in yes] or [len(keys)]:
        for _ in range(position - at):
            page.keyboard.press("Tab")
        page.keyboard.press("Space")
        at = position
    for key in yes:
        expect(screen(page).locator(f"input[name={key}]")).to_be_checked()
    page.keyboard.press("Enter")


def keyboard_screen(page: Page, answers: Answers) -> None:
    """Answer the screen on show by keyboard alone, focus starting on its legend."""
    expect(page.locator("#wizard-legend")).to_be_focused()  # focus moves to the new screen's heading
    shown = on_show(page)
    given = reply(shown, answers)
    if shown.checkboxes:
        keyboard_tick(page, shown.keys, [key for key in shown.keys if given[key] == "yes"])
    elif shown.several:
        keyboard_answer_each(page, [given[key] for key in shown.keys])
    else:
        keyboard_answer(page, given[shown.keys[0]])


def ticked_then_none(answers: Answers, screens: list[Screen]):
    """For the keyboard test: a checkbox screen with a statement ticked, which answered "None of these"
    instead still ends the interview on the page, with a screen of several questions on the way."""
    for ticked in [s for s in screens if s.checkboxes and any(answers[k] == "yes" for k in s.answered)]:
        changed = {**answers, **{key: "no" for key in ticked.keys}}
        after, next_screen = page_walk(changed)
        kept = next((s for s in after if s.node == ticked.node), None)
        several = [s for s in after if s.several]
        key = next((k for k in ticked.answered if answers[k] == "yes" and kept and k in kept.answered), None)
        if next_screen is None and several and key:
            return ticked, key, {k: changed[k] for s in after for k in s.answered}, several[0]
    return None


def test_a_full_interview_by_keyboard_alone_with_a_checkbox_screen_change_and_back(page: Page, site_url: str) -> None:
    answers, screens = clickable(where=lambda a, s: ticked_then_none(a, s) is not None,
                                 what="with a ticked statement that can be changed to none")
    ticked, key, changed, several = ticked_then_none(answers, screens)
    page.goto(f"{site_url}wizard/")
    page.locator("#wizard-legend").focus()
    for _ in screens:
        keyboard_screen(page, answers)
    result = page.locator("#wizard-result")
    expect(result).to_have_attribute("data-verdict", verdict(answers), timeout=PYODIDE)
    expect(page.locator("#wizard-result-heading")).to_be_focused()
    expect(page.locator("#wizard-status")).to_contain_text(f"Result: {verdict_label(verdict(answers))}")
    # Change the checkbox screen by keyboard: its Change button, untick, tick "None of these".
    change = page.locator(f"[data-answer~={key}] button")
    change.focus()
    page.keyboard.press("Enter")
    expect(screen(page)).to_have_attribute("data-screen", ticked.group["id"])
    expect(page.locator("#wizard-legend")).to_be_focused()
    expect(screen(page).locator(f"input[name={key}]")).to_be_checked()
    none = screen(page).locator("input[data-none]")
    none.focus()
    page.keyboard.press("Space")
    expect(screen(page).locator(f"input[name={key}]")).not_to_be_checked()  # "None" is exclusive
    page.keyboard.press("Enter")
    expect(result).to_have_attribute("data-verdict", verdict(changed), timeout=PYODIDE)
    assert f"{key}=no" in page.url
    # Change a screen of several questions, then Cancel by keyboard: back to the result.
    page.locator(f"[data-answer~={several.answered[0]}] button").focus()
    page.keyboard.press("Enter")
    expect(screen(page)).to_have_attribute("data-screen", several.group["id"])
    expect_chosen(page, several, changed)
    page.locator("#wizard-back").focus()
    expect(page.locator("#wizard-back")).to_have_text("Cancel")
    page.keyboard.press("Enter")
    expect(result).to_have_attribute("data-verdict", verdict(changed), timeout=PYODIDE)


def test_back_is_hidden_on_the_first_question_and_returns_to_the_previous_screen(page: Page, site_url: str) -> None:
    answers, screens = clickable(where=lambda a, s: len(s) >= 5, what="in five screens or more")
    page.goto(f"{site_url}wizard/")
    expect(page.locator("#wizard-back")).to_be_hidden()
    expect(page.locator("#wizard-intro")).to_be_visible()  # the introduction, on the first question only
    answer_screen(page, answers)
    expect(page.locator("#wizard-intro")).to_be_hidden()
    for _ in range(3):
        answer_screen(page, answers)
    expect_screen(page, screens[4])
    page.go_back()  # the browser's own Back button steps back through the screens
    expect_screen(page, screens[3])
    page.go_back()
    expect_screen(page, screens[2])
    page.go_forward()
    page.go_forward()
    expect_screen(page, screens[4])
    page.locator("#wizard-back").click()  # the page's Back button: previous screen, answers kept selected
    expect_screen(page, screens[3])
    expect_chosen(page, screens[3], answers)
    expect(page.locator("#wizard-legend")).to_be_focused()
    page.locator("#wizard-back").click()
    expect_screen(page, screens[2])
    page.locator("#wizard-back").click()
    expect_screen(page, screens[1])
    expect_chosen(page, screens[1], answers)
    assert page.url.endswith(f"/wizard/#{address(before(screens, answers, 1))}")


def change_first_answer(shows: str):
    """A whole interview, and another answer to its first question after which the page asks the
    engine (answers beyond its graph) and shows a screen of `shows` ("checkboxes" or any) holding
    only questions not yet answered, while some earlier answers still count."""
    first = first_question()

    def search(answers: Answers, screens: list[Screen]):
        for value in values(first):
            changed = {**answers, first: value}
            shown = page_next(changed)
            if value == answers[first] or shown is None or shown.node is not None:
                continue
            kept = [k for k in from_policy.result(changed).answers if k != first and k in answers]
            if kept and (shown.checkboxes or shows != "checkboxes") and set(shown.keys).isdisjoint(answers):
                return answers, value, shown
        return None
    return find(search, f"changing the first answer to a screen of {shows}")


def test_change_reasks_only_what_the_new_path_needs(page: Page, site_url: str) -> None:
    answers, value, shown = change_first_answer("questions")
    first = first_question()
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(answers), timeout=PYODIDE)
    page.locator(f"[data-answer={first}] button", has_text="Change").click()
    expect(question(page)).to_have_attribute("data-question", first)
    expect(question(page).locator(f"input[value='{answers[first]}']")).to_be_checked()
    choose(page, first, value)
    # What the reader already said counts: the engine decides what is next, and the screen asks only
    # what is new for this path.
    expect(screen(page).first).to_be_visible(timeout=PYODIDE)
    expect_screen(page, shown)
    given = {**answers, first: value}
    while showing_a_screen(page):
        given.update(answer_screen(page, {}))
    final = from_policy.result(given)
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", final.verdict, timeout=PYODIDE)
    # The answers that still apply were kept; those off the new path were dropped.
    walked, rest = page_walk(given)
    kept = {k: given[k] for s in walked for k in s.answered} if rest is None else given
    assert page.url.endswith("#" + address(kept)), page.url
    for obligation in final.obligations:
        if final.verdict != from_policy.rules()["verdicts"][-1]["id"] or obligation.id in final.decisive:
            expect(page.locator(f"[data-obligation={obligation.id}]")).to_be_visible()
    expect(page.locator("[data-ignored]")).to_have_count(0)


def several_screen_link() -> tuple[Answers, Screen]:
    """Answers reached by clicking, after the first screen, that lead to a screen of several questions."""
    def search(answers: Answers, screens: list[Screen]):
        return next(((before(screens, answers, i), s) for i, s in enumerate(screens) if i and s.several), None)
    return find(search, "through a screen of several questions")


def checkbox_screen_link(where=lambda shown: True) -> tuple[Answers, Screen]:
    """Answers reached by clicking that lead to a checkbox screen (satisfying `where`)."""
    def search(answers: Answers, screens: list[Screen]):
        return next(((before(screens, answers, i), s) for i, s in enumerate(screens)
                     if s.checkboxes and where(s)), None)
    return find(search, "through a checkbox screen")


def test_continue_with_no_answer_shows_an_error_summary_linked_to_the_field(page: Page, site_url: str) -> None:
    link, several = several_screen_link()
    first = first_question()
    page.goto(f"{site_url}wizard/")
    page.locator("#wizard-next").click()
    summary = page.locator("#wizard-problem")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("alert")).to_contain_text("Select an answer")
    # GOV.UK: the title names the question, and says when there is an error
    assert page.title().startswith(f"Error: {policy_question(first)['text']} - {TITLE}"), page.title()
    expect(question(page).locator(".wizard-field-error")).to_contain_text("Select an answer")
    summary.get_by_role("link").click()
    expect(question(page).locator("input").first).to_be_focused()
    choose(page, first, link[first])
    expect(summary).to_be_hidden()
    assert page.title().startswith(f"{page.locator('#wizard-legend').text_content()} - {TITLE}"), page.title()
    set_hash(page, link)
    expect_screen(page, several)
    # A screen of several questions: one answered, so the summary links to each of the others.
    keys = several.keys
    answered, missing = keys[1], [k for k in keys if k != keys[1]]
    given = reply(several, link)
    page.locator(f"input[name={answered}][value='{given[answered]}']").check()
    page.locator("#wizard-next").click()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(len(missing))
    expect(summary.get_by_role("link").first).to_contain_text(policy_question(missing[0])["text"])
    for key in missing:
        expect(page.locator(f"fieldset[data-question={key}] .wizard-field-error")).to_be_visible()
    expect(page.locator(f"fieldset[data-question={answered}] .wizard-field-error")).to_have_count(0)
    assert page.title().startswith(f"Error: {several.group['text']}"), page.title()
    summary.get_by_role("link").last.click()
    expect(page.locator(f"input[name={missing[-1]}]").first).to_be_focused()
    if len(missing) > 1:
        page.locator(f"input[name={missing[0]}][value='{given[missing[0]]}']").check()  # its error goes
        page.locator("#wizard-next").click()
        expect(summary.get_by_role("link")).to_have_count(len(missing) - 1)
        expect(page.locator(f"fieldset[data-question={missing[0]}] .wizard-field-error")).to_have_count(0)
        expect(page.locator(f"fieldset[data-question={missing[0]}]")).not_to_have_class(re.compile("error"))
    # A checkbox screen with nothing ticked.
    link, boxes = checkbox_screen_link()
    set_hash(page, link)
    expect_screen(page, boxes)
    page.locator("#wizard-next").click()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_contain_text(boxes.group["none"])


def part_of_a_checkbox_screen() -> tuple[Answers, Screen]:
    """A link answering one statement of a checkbox screen "no", the screen still to answer."""
    def search(answers: Answers, screens: list[Screen]):
        for i, boxes in enumerate(screens):
            for key in boxes.keys[1:] if boxes.checkboxes else ():
                link = {**before(screens, answers, i), key: "no"}
                shown = page_next(link)
                if shown is not None and shown.checkboxes and shown.group["id"] == boxes.group["id"]:
                    return link, shown
        return None
    return find(search, "with a link answering part of a checkbox screen")


def all_of_a_checkbox_screen() -> tuple[Answers, Screen, Screen]:
    """A link answering every statement of a checkbox screen "no", with a screen after it."""
    def search(answers: Answers, screens: list[Screen]):
        for i, boxes in enumerate(screens):
            if boxes.checkboxes:
                link = {**before(screens, answers, i), **{key: "no" for key in boxes.keys}}
                after, shown = page_walk(link)
                if shown is not None and page_next(link) == shown and after[-1].node == boxes.node:
                    return link, boxes, shown
        return None
    return find(search, "with a link answering a whole checkbox screen, then a screen more")


def test_none_of_these_is_ticked_only_for_statements_the_reader_said_no_to(page: Page, site_url: str) -> None:
    """A reader who changes the first answer reaches statements they were never asked: they must not be
    answered "no" for them (a student would be recorded as not a student). GOV.UK: never pre-select."""
    answers, value, shown = change_first_answer("checkboxes")
    first = first_question()
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(answers), timeout=PYODIDE)
    page.locator(f"[data-answer={first}] button", has_text="Change").click()
    choose(page, first, value)
    expect(screen(page)).to_have_attribute("data-screen", shown.group["id"], timeout=PYODIDE)
    expect_screen(page, shown)
    expect(screen(page).locator("input:checked")).to_have_count(0)  # none of these was answered before
    page.locator("#wizard-next").click()
    expect(page.locator("#wizard-problem")).to_be_focused()  # nothing was answered for the reader
    # A link that answers part of a screen does not tick it either; one that answers all of it "no" does.
    link, shown = part_of_a_checkbox_screen()
    page.goto(f"{site_url}wizard/#{fragment(link)}")
    expect_screen(page, shown)
    expect(screen(page).locator("input:checked")).to_have_count(0)
    link, boxes, after = all_of_a_checkbox_screen()
    page.goto(f"{site_url}wizard/#{fragment(link)}")
    expect_screen(page, after)
    page.locator("#wizard-back").click()
    expect(screen(page)).to_have_attribute("data-screen", boxes.group["id"], timeout=PYODIDE)
    expect(screen(page).locator("input[data-none]")).to_be_checked()


def test_none_of_these_is_exclusive(page: Page, site_url: str) -> None:
    link, boxes = checkbox_screen_link(lambda shown: len(shown.keys) >= 2)
    page.goto(f"{site_url}wizard/#{fragment(link)}")
    expect_screen(page, boxes)
    one, other = boxes.keys[:2]
    page.locator(f"input[name={one}]").check()
    page.locator("input[data-none]").check()
    expect(page.locator(f"input[name={one}]")).not_to_be_checked()
    page.locator(f"input[name={other}]").check()
    expect(page.locator("input[data-none]")).not_to_be_checked()


def test_the_whole_answer_box_is_the_target_and_shows_what_is_chosen(page: Page, site_url: str) -> None:
    link, boxes = checkbox_screen_link(lambda shown: any(policy_question(k).get("help") for k in shown.keys))
    hinted = next(k for k in boxes.keys if policy_question(k).get("help"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site_url}wizard/#{fragment(link)}")
    expect_screen(page, boxes)
    box = screen(page).locator(".wizard-choice").filter(has=page.locator(f"input[name={hinted}]"))
    hint = box.locator(".wizard-choice-hint")
    hint.click()  # the hint, far from the checkbox itself, is part of the target
    expect(box.locator("input")).to_be_checked()
    bounds = box.bounding_box()
    page.mouse.click(bounds["x"] + bounds["width"] - 5, bounds["y"] + bounds["height"] / 2)  # its far edge
    expect(box.locator("input")).not_to_be_checked()
    box.locator("label").click()
    assert box.evaluate("e => getComputedStyle(e).borderTopWidth") == "2px"  # the chosen box stands out
    for target in screen(page).locator(".wizard-choice").all():
        assert target.bounding_box()["height"] >= 44
    for control in page.locator("#wizard-next, #wizard-back:visible").all():
        assert control.bounding_box()["height"] >= 44


def test_the_status_line_is_for_screen_readers_only(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(complete()), timeout=PYODIDE)
    status = page.locator("#wizard-status")
    expect(status).to_contain_text(f"Result: {verdict_label(verdict(complete()))}")
    bounds = status.bounding_box()
    assert bounds["width"] <= 1 and bounds["height"] <= 1


def result_sections(page: Page) -> list[str]:
    """The result's parts in reading order, by their headings and hooks."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '#wizard-result h2, #wizard-result h3, #wizard-summary h2, #wizard-print, #wizard-again')]
        .filter(e => e.offsetParent !== null).map(e => e.id === 'wizard-print' ? 'Print'
          : e.id === 'wizard-again' ? 'Start again' : e.textContent.trim())""")


def badge(verdict_id: str | None) -> str:
    """The badge the rules give a next step of this verdict ("" for none)."""
    verdicts = from_policy.rules()["verdicts"]
    return next(v["badge"] for v in verdicts if v["id"] == (verdict_id or verdicts[0]["id"]))


def test_a_not_allowed_result_says_what_stops_the_post_and_whom_to_ask_first(page: Page, site_url: str) -> None:
    def has_duties(answers: Answers, _) -> bool:
        found = from_policy.result(answers)
        return any(o.id not in found.decisive and not o.standing for o in found.obligations)
    answers = clickable("not-allowed", has_duties, "with duties it does not list")[0]
    found = from_policy.result(answers)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "not-allowed", timeout=PYODIDE)
    assert result_sections(page) == expected_sections(answers)
    assert found.decisive
    for number, obligation in enumerate(o for o in found.obligations if o.id in found.decisive):
        decisive = page.locator(f".wizard-next [data-obligation={obligation.id}]")
        expect(decisive.locator(".wizard-badge")).to_have_text(badge(obligation.verdict))
        expect(decisive.locator("[data-ask]")).to_contain_text(obligation.ask)
        if number == 0:
            assert decisive.bounding_box()["y"] < 844, "what stops the post is on the phone's first screen"
    # No duties are listed for a post that may not be made; the standing reminders are compact.
    for obligation in found.obligations:
        if obligation.standing:
            expect(page.locator(f".wizard-standing [data-obligation={obligation.id}]")).to_be_visible()
        elif obligation.id not in found.decisive:
            expect(page.locator(f"[data-obligation={obligation.id}]")).to_have_count(0)


def test_an_approval_result_lists_next_steps_then_the_other_rules(page: Page, site_url: str) -> None:
    def fits(answers: Answers, _) -> bool:
        found = from_policy.result(answers)
        return bool(found.unclear) and any(o.id not in found.decisive and not o.standing for o in found.obligations)
    answers = clickable("approval-required", fits, "with a note and other rules")[0]
    found = from_policy.result(answers)
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "approval-required", timeout=PYODIDE)
    assert result_sections(page) == expected_sections(answers)
    assert "Other rules that apply" in result_sections(page)
    label = verdict_label("approval-required")
    assert page.title().startswith(f"Result: {label} - {TITLE}"), page.title()
    next_steps = page.locator(".wizard-next > li")
    steps = [o for o in found.obligations if o.id in found.decisive] + found.unclear
    badges = next_steps.locator(".wizard-badge").all_inner_texts()
    assert badges == [badge(o.verdict) for o in steps if badge(o.verdict)]
    assert next_steps.count() == next_steps.locator("[data-ask]").count() == len(steps)
    for note in found.unclear:
        expect(page.locator(f".wizard-next [data-unclear={note.id}]")).to_be_visible()


def banner_colours(page: Page, answers: dict[str, str], verdict: str) -> tuple[str, str]:
    set_hash(page, answers)
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict, timeout=PYODIDE)
    return tuple(page.locator(".wizard-verdict").evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderLeftColor]"))


def test_each_verdict_has_its_own_banner_and_only_not_allowed_is_red(page: Page, site_url: str) -> None:
    examples = {"not-allowed": not_allowed(), "approval-required": approval(), "ask-first": ask_first()}
    page.goto(f"{site_url}wizard/")
    colours = {v: banner_colours(page, answers, v) for v, answers in examples.items()}
    assert len(set(colours.values())) == 3
    red = colours["not-allowed"][1]
    assert colours["approval-required"][1] != red and colours["ask-first"][1] != red
    for verdict in ("approval-required", "ask-first"):  # amber: more red than green, little blue
        r, g, b = map(int, re.findall(r"\d+", colours[verdict][1])[:3])
        assert r > g > b and b < 40, (verdict, colours[verdict])


def test_the_result_prints_as_a_one_page_record_that_can_be_reopened(page: Page, site_url: str) -> None:
    answers = clickable("approval-required", lambda a, _: any(
        o.id in from_policy.result(a).decisive and o.url for o in from_policy.result(a).obligations))[0]
    cited = next(o for o in from_policy.result(answers).obligations if o.id in from_policy.result(answers).decisive)
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "approval-required", timeout=PYODIDE)
    link = page.url
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", "#wizard-done", ".wizard-change"):
        expect(page.locator(hidden).first).to_be_hidden()
    record = page.locator(".wizard-record")
    expect(record).to_be_visible()
    expect(record).to_contain_text(f"version {from_policy.rules()['policy']['version']}")
    expect(record).to_contain_text(re.compile(r"Checked on \d{4}-\d{2}-\d{2}"))
    expect(record).to_contain_text(site_url)
    expect(record.locator(".wizard-record-link")).to_contain_text(link)
    expect(page.locator("#wizard-summary")).to_be_visible()
    # Printed links show where they point, so the paper record still cites each clause.
    printed = page.locator(f".wizard-next [data-obligation={cited.id}] a").evaluate(
        "a => getComputedStyle(a, '::after').content")
    assert cited.url in printed
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.md-content *')]
        .filter(e => e.offsetParent !== null && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 10 * 96 / 72 - 0.01, f"printed text of {smallest:.2f}px is under 10 pt"
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the record fits on one page"


def test_the_record_is_dated_in_the_readers_own_time_zone(browser: Browser, site_url: str) -> None:
    """At 9:30 pm in Hamilton it is already tomorrow in UTC: the printed record must not say so."""
    context = browser.new_context(timezone_id="America/Toronto")
    page = context.new_page()
    page.clock.set_fixed_time("2026-11-28T02:30:00Z")
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(complete()), timeout=PYODIDE)
    expect(page.locator(".wizard-record")).to_contain_text("Checked on 2026-11-27 ")
    context.close()


def listed_rows(screens: list[Screen], answers: Answers) -> int:
    """The summary rows whose answer is a list: ticked statements, and questions asked together."""
    return sum(1 for s in screens if len(s.answered) > 1 and (
        not s.checkboxes or any(answers[k] == "yes" for k in s.answered)))


def test_each_answer_row_has_change_beside_the_answer(page: Page, site_url: str) -> None:
    """GOV.UK's summary list: the answer, and Change on its first line; the statements ticked on a
    checkbox screen are a list whose bullets stay inside the row."""
    def ticked(answers: Answers, screens: list[Screen]) -> str | None:
        return next((k for s in screens if s.checkboxes and len(s.answered) > 1 for k in s.answered
                     if answers[k] == "yes"), None)
    answers, screens = clickable(where=lambda a, s: ticked(a, s) is not None and any(
        len(x.answered) == 1 for x in s), what="with ticked statements and a question of its own")
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(answers), timeout=PYODIDE)
    rows = page.locator("#wizard-answers .wizard-answer")
    expect(rows).to_have_count(len(screens))
    expect(rows.filter(has=page.locator("dd li"))).to_have_count(listed_rows(screens, answers))
    ticked_row = page.locator(f"#wizard-answers .wizard-answer[data-answer~={ticked(answers, screens)}]")
    plain = rows.filter(has_not=page.locator("dd li")).first
    for row, first_line in ((ticked_row, ticked_row.locator("dd li").first), (plain, plain.locator("dd"))):
        line, change = first_line.bounding_box(), row.locator(".wizard-change").bounding_box()
        assert change["x"] > line["x"] and abs(change["y"] + change["height"] / 2 - line["y"]) < change["height"], \
            (line, change)
    item, answer = ticked_row.locator("dd li").first.bounding_box(), ticked_row.locator("dd").bounding_box()
    assert item["x"] - answer["x"] >= 12, "the bullet needs room inside the row's border"


def other_question() -> str:
    """A question asked in some interview, not the first."""
    return next(k for k in from_policy.keys(retired=False) if k != first_question())


def test_loading_and_link_errors_speak_plainly(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    held: list[Route] = []
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    loading = page.locator("#wizard-loading")
    expect(loading).to_have_text("Working out your answer…")
    assert "engine" not in page.locator("#wizard").inner_text().lower()
    first, key = first_question(), other_question()
    wrong = invalid_value(key)
    page.goto(f"{site_url}wizard/#{fragment({first: values(first)[0], key: wrong})}")
    error = page.locator("#wizard-error [data-error]").first
    expect(error.locator("p").first).to_have_text(
        f"The link gives “{wrong}” as the answer to “{policy_question(key)['text']}”, which is not one of its answers.")
    expect(error.locator("p").nth(1)).to_have_text(
        f"Technical detail: {key}={wrong}. Valid values: {', '.join(values(key))}.")
    context.close()


@pytest.mark.parametrize("size", [(390, 844), (1366, 800)], ids=["phone", "desktop"])
def test_a_complete_link_opens_without_layout_shift(browser: Browser, site_url: str, size: tuple[int, int]) -> None:
    answers = approval()
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.add_init_script("""window.__cls = 0; new PerformanceObserver(list => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
    }).observe({type: "layout-shift", buffered: true});""")
    page = context.new_page()
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "approval-required", timeout=PYODIDE)
    page.wait_for_timeout(500)
    cls = page.evaluate("window.__cls")
    assert cls < 0.1, f"cumulative layout shift {cls:.3f}"
    context.close()


def test_a_search_result_link_is_not_mistaken_for_answers(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/?h=allowed+post")  # mkdocs-material's search adds ?h= to highlight terms
    expect_first_question(page)
    expect(page.locator("#wizard-error")).to_be_hidden()


def test_the_skip_link_and_the_heading_link_keep_the_result(page: Page, site_url: str) -> None:
    """Following an in-page link (the first Tab stop, or the title's ¶) moves the reader, not the answers."""
    answers = approval()
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    result = page.locator("#wizard-result")
    expect(result).to_have_attribute("data-verdict", "approval-required", timeout=PYODIDE)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_be_focused()  # the next Tab goes on from the content, as a skip link should
    header = page.locator(".md-header").bounding_box()
    title = page.locator("h1").bounding_box()
    assert title["y"] >= header["y"] + header["height"], "the title is hidden under the sticky header"
    page.emulate_media(media="print")  # the focus ring is for the screen, not the printed record
    assert page.locator("h1").evaluate("el => getComputedStyle(el).outlineStyle") == "none"
    page.emulate_media(media="screen")
    page.locator("h1 .headerlink").click()
    expect(page.locator("#wizard-error")).to_be_hidden()
    expect(result).to_be_visible()
    expect(result).to_have_attribute("data-verdict", "approval-required")
    assert page.url.endswith(f"/wizard/#{fragment(answers)}")  # a reload or a copied link keeps them
    page.reload()
    expect(result).to_have_attribute("data-verdict", "approval-required", timeout=PYODIDE)


def several_screens() -> tuple[Answers, list[Screen]]:
    """A whole interview of at least three screens, for tests that watch each screen come."""
    return clickable(where=lambda _, screens: len(screens) >= 3, what="in three screens or more")


def test_on_a_phone_each_next_question_shows_below_the_sticky_header(browser: Browser, site_url: str) -> None:
    """Continue is below the fold on a phone; the next question's text, which takes the focus, must not
    land under the header that stays at the top of the screen. Nor must the result's heading."""
    answers, screens = several_screens()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site_url}wizard/")
    expect(page.locator("h1 > .headerlink")).to_be_hidden()  # it wrapped onto a blank line of its own
    header = page.locator(".md-header").bounding_box()
    for shown in screens[:-1]:
        answer_screen(page, answers)
        expect(page.locator("#wizard-legend")).to_be_focused()
        assert page.locator("#wizard-legend").bounding_box()["y"] >= header["y"] + header["height"], shown
        # "Question 3 of at most 5" shows with its question
        assert page.locator("#wizard-progress").bounding_box()["y"] >= header["y"] + header["height"], shown
    answer_screen(page, answers)
    heading = page.locator("#wizard-result h2").first
    expect(heading).to_be_focused(timeout=PYODIDE)
    assert heading.bounding_box()["y"] >= header["y"] + header["height"]
    context.close()


def test_a_link_to_the_title_starts_at_the_first_question(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/#am-i-allowed-to-post-this")
    expect_first_question(page)
    expect(page.locator("#wizard-error")).to_be_hidden()


def test_query_string_answers_move_into_the_fragment(page: Page, site_url: str) -> None:
    link = dict(from_policy.asked(several_screens()[0])[:2])
    page.goto(f"{site_url}wizard/?{fragment(link)}")
    expect_screen(page, page_next(link))
    assert page.url.endswith(f"/wizard/#{fragment(link)}")


HOSTILE = {  # what a link may carry; {first} is the first question, {other} another, {value} an answer of {first}
    "markup-in-a-value": "{first}=<img src=x onerror=window.__pwned=1>",
    "script-as-a-key": "<script>window.__pwned=1</script>=yes",
    "an-unknown-value": "{first}={value}&{other}={wrong}",
    "a-broken-escape": "{first}=%E0%A4%A&x",
    "a-key-alone": "{first}",
    "answered-twice": "{first}={value}&{first}={second}",
}


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_a_bad_link_shows_the_valid_answers_and_runs_nothing(page: Page, site_url: str, hostile: str) -> None:
    first, other = first_question(), other_question()
    link = HOSTILE[hostile].format(first=first, other=other, value=values(first)[0], second=values(first)[-1],
                                   wrong=invalid_value(other))
    page.goto(f"{site_url}wizard/#{link}")
    error = page.locator("#wizard-error")
    expect(error).to_be_visible()
    expect(error.locator("[data-error]").first).to_be_visible()
    text = error.inner_text()
    assert "Valid keys" in text or "Valid values" in text or "answered twice" in text
    assert error.locator("img, script").count() == 0
    assert page.evaluate("window.__pwned") is None
    expect(page.locator("#wizard-result")).to_be_hidden()
    error.get_by_role("button", name="Start again").click()
    expect_first_question(page)


def test_a_links_words_are_echoed_short_and_plain(page: Page, site_url: str) -> None:
    """A link can carry any text: it is shown at most 40 characters long, without the control and
    right-to-left override characters that make text read differently from what it is."""
    notice = "IT%20Security%20notice%3A%20your%20account%20is%20locked.%20Call%20555-0100%20now%20to%20unlock"
    page.goto(f"{site_url}wizard/#{first_question()}={notice}&{other_question()}=%E2%80%AEexe.txt")
    errors = page.locator("#wizard-error [data-error]")
    expect(errors).to_have_count(2)
    text = page.locator("#wizard-error").inner_text()
    assert "IT Security notice: your account is loc…" in text and "Call 555" not in text
    assert "\u202e" not in text and "exe.txt" in text


def test_many_problems_are_counted_and_a_huge_link_is_refused_at_once(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/#" + "&".join(f"colour{n}=blue" for n in range(7)))
    expect(page.locator("#wizard-error [data-error]")).to_have_count(3)
    expect(page.locator("#wizard-error [data-more-errors]")).to_have_text("The link has 4 more problems like these.")
    page.goto(f"{site_url}wizard/#" + "&".join(f"k{n}=v" for n in range(20_000)))  # refused unread
    expect(page.locator("#wizard-error [data-error]")).to_have_count(1)
    expect(page.locator("#wizard-error [data-error]")).to_contain_text("too long")
    page.locator("#wizard-error").get_by_role("button", name="Start again").click()
    expect_first_question(page)


def test_instant_navigation_keeps_one_engine_per_tab(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}policy/")
    page.evaluate("window.__sameDocument = true")
    page.locator(".md-nav__link", has_text=TITLE).first.click()
    expect_first_question(page)
    assert page.evaluate("window.__sameDocument") is True, "the wizard was reached by instant navigation"
    click_through(page, complete())
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(complete()), timeout=PYODIDE)
    page.locator(".md-nav__link", has_text="Rules at a glance").first.click()
    page.locator(".md-nav__link", has_text=TITLE).first.click()
    expect_first_question(page)
    assert page.evaluate("window.__sameDocument") is True
    assert len([w for w in page.workers if "/wizard-worker.js" in w.url]) == 1


def record_engine_requests(page: Page) -> None:
    """From now on, window.__asked lists the answers of each request the page makes of the engine."""
    page.evaluate("""() => {
      window.__asked = [];
      const engine = window.__wizardEngine;
      const evaluate = engine.evaluate.bind(engine);
      engine.evaluate = (answers) => { window.__asked.push(Object.fromEntries(answers)); return evaluate(answers); };
    }""")


def test_questions_never_wait_for_the_engine_only_the_result_does(browser: Browser, site_url: str) -> None:
    answers, screens = several_screens()
    context = browser.new_context()
    page = context.new_page()
    release: list[Route] = []
    page.route("**/pyodide.asm.wasm", lambda route: release.append(route))  # hold Pyodide back
    page.goto(f"{site_url}wizard/")
    record_engine_requests(page)
    for _ in screens[:-1]:
        answer_screen(page, answers)
        expect(page.locator("#wizard-status")).to_be_empty()  # no "working out" while questions flow
        expect(page.locator("#wizard-loading")).to_be_hidden()
    assert page.evaluate("window.__asked") == [], "nothing is queued for an engine that is still starting"
    answer_screen(page, answers)
    expect(page.locator("#wizard-loading")).to_have_text("Working out your answer…")
    expect(page.locator("#wizard")).to_have_class(re.compile("wizard--waiting"))
    assert page.evaluate("window.__wizardEngine.status") == "starting"
    page.wait_for_timeout(200)
    assert release, "Pyodide's WebAssembly was requested as soon as the page opened"
    release[0].continue_()
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(answers), timeout=PYODIDE)
    expect(page.locator("#wizard-status")).to_contain_text(f"Result: {verdict_label(verdict(answers))}")
    expect(page.locator("#wizard-loading")).to_be_hidden()
    context.close()


def test_a_ready_engine_works_through_each_answer_while_the_reader_reads_on(page: Page, site_url: str) -> None:
    """So the last answer's verdict waits neither for the states on the reader's path nor for V8's
    first slow run of Python after the engine went idle (about 10 ms less at a reader's pace)."""
    answers, screens = several_screens()
    page.goto(f"{site_url}wizard/")
    engine_ready(page)
    record_engine_requests(page)
    so_far: dict[str, str] = {}
    for _ in screens[:-1]:
        so_far.update(answer_screen(page, answers))
        assert page.evaluate("window.__asked.at(-1)") == so_far
    assert len(page.evaluate("window.__asked")) == len(screens) - 1
    last = answer_screen(page, answers)
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(answers), timeout=PYODIDE)
    asked = page.evaluate("window.__asked.at(-1)")
    assert asked == answers and set(screens[-1].answered) <= set(last), (asked, last)


def test_when_pyodide_cannot_load_the_page_says_so_and_links_the_rules(browser: Browser, site_url: str) -> None:
    link = dict(from_policy.asked(several_screens()[0])[:1])
    context = browser.new_context()
    page = context.new_page()
    page.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="not here"))
    page.goto(f"{site_url}wizard/#{fragment(link)}")
    failure = page.locator("[data-engine-error]")
    expect(failure).to_be_visible(timeout=PYODIDE)
    expect(failure.get_by_role("link", name="Rules at a glance")).to_have_attribute("href", f"{site_url}rules/")
    expect_screen(page, page_next(link))  # the questions still work
    context.close()


def test_every_request_of_an_interview_stays_on_the_site(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    hosts: set[str] = set()
    context.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page = context.new_page()
    page.goto(f"{site_url}wizard/")
    click_through(page, not_allowed())
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "not-allowed", timeout=PYODIDE)
    assert hosts == {urlsplit(site_url).netloc}
    context.close()


def started_from(browser: Browser, site_url: str, route=None, page_script: str = "") -> str:
    """How the engine started ("snapshot" or "scratch") on a fresh tab, after it gave a verdict.
    `page_script` runs first in the page (not in the worker)."""
    context = browser.new_context()
    page = context.new_page()
    if route:
        page.route(*route)
    if page_script:
        page.add_init_script(page_script)
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(complete()), timeout=PYODIDE)
    how = page.evaluate("window.__wizardEngine.start")
    context.close()
    return how


def test_the_page_records_the_sha256_of_each_file_the_engine_fetches(site_dir: Path) -> None:
    html = (site_dir / "wizard" / "index.html").read_text(encoding="utf-8")
    meta = next(a for tag, a in read_html(html).tags if tag == "meta" and a.get("name") == "wizard-integrity")
    recorded = dict(item.split("=", 1) for item in meta["content"].split())
    assert set(recorded) == {"wizard-worker.js", "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
                             "python_stdlib.zip", "pyodide-lock.json", "wizard.zip", "stdlib-after-snapshot.zip",
                             "snapshot-delta.mjs", "engine.snapshot.gz", "engine.snapshot"}
    for name, expected in recorded.items():
        if name.startswith("engine.snapshot"):
            continue  # made after the pages: the next test
        [path] = site_dir.rglob(name)
        digest = base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()
        assert expected == f"sha256-{digest}", name


def altered_copy(path: Path) -> bytes:
    """The file changed as a tampered server might: a script still valid (a line added), data one byte off."""
    if path.suffix in (".js", ".mjs"):
        return path.read_bytes() + b"\n// altered\n"
    altered = bytearray(path.read_bytes())
    altered[len(altered) // 2] ^= 0xFF
    return bytes(altered)


@pytest.mark.parametrize("name", ["wizard.zip", "pyodide.asm.wasm", "wizard-worker.js", "pyodide.mjs",
                                  "pyodide.asm.mjs"])
def test_an_altered_engine_file_is_never_run(browser: Browser, site_url: str, site_dir: Path, name: str) -> None:
    """A download that differs from what the build recorded (a broken proxy, a tampered server) is
    refused: the page says the engine cannot start rather than answering from other rules."""
    [path] = site_dir.rglob(name)
    altered = altered_copy(path)
    context = browser.new_context()
    page = context.new_page()
    page.route(f"**/{name}*", lambda route: route.fulfill(body=altered, content_type=(
        "text/javascript" if name.endswith("js") else "application/octet-stream")))
    page.route("**/engine.snapshot.gz", lambda route: route.fulfill(status=404))  # the start that fetches both
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    expect(page.locator("[data-engine-error]")).to_be_visible(timeout=PYODIDE)
    expect(page.locator("#wizard-result")).not_to_have_attribute("data-verdict", re.compile(".+"))
    context.close()


def test_a_stalled_snapshot_download_falls_back_to_starting_python(browser: Browser, site_url: str) -> None:
    """A snapshot that never arrives (a proxy holding it, say) must not leave the reader waiting:
    after a few seconds without a byte the page drops it and Python starts without it."""
    held: list[Route] = []
    assert started_from(browser, site_url, ("**/engine.snapshot.gz", lambda route: held.append(route))) == "scratch"
    assert held, "the snapshot was requested and held"


def test_an_engine_that_cannot_start_in_time_says_so(browser: Browser, site_url: str) -> None:
    """If Pyodide itself never arrives, the reader is told the engine cannot start, with the rules
    page to fall back on, instead of waiting for ever."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("window.__wizardStartLimit = 3000;")
    held: list[Route] = []
    page.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    failure = page.locator("[data-engine-error]")
    expect(failure).to_be_visible(timeout=PYODIDE)
    expect(page.locator("#wizard-loading")).to_be_hidden()
    expect(page.locator("#wizard-error")).to_contain_text("did not start within 3 seconds")
    context.close()


def test_the_engine_starts_from_the_build_snapshot(browser: Browser, site_url: str) -> None:
    assert started_from(browser, site_url) == "snapshot"


def test_if_the_page_cannot_compile_the_webassembly_the_worker_still_starts_from_the_snapshot(
        browser: Browser, site_url: str) -> None:
    """The page compiles Pyodide's WebAssembly for the worker; when it cannot, the worker has Pyodide
    instantiate the file itself."""
    failing = "WebAssembly.compileStreaming = () => Promise.reject(new Error('not here'));"
    assert started_from(browser, site_url, page_script=failing) == "snapshot"


def test_a_page_that_cannot_gunzip_the_snapshot_starts_python_from_scratch(browser: Browser, site_url: str) -> None:
    assert started_from(browser, site_url, page_script="delete window.DecompressionStream;") == "scratch"


def test_without_the_snapshot_python_starts_from_scratch(browser: Browser, site_url: str) -> None:
    missing = ("**/engine.snapshot.gz", lambda route: route.fulfill(status=404, body=""))
    assert started_from(browser, site_url, missing) == "scratch"


def test_an_engine_zip_other_than_the_recorded_one_is_never_run(browser: Browser, site_url: str,
                                                                site_dir: Path) -> None:
    """E.g. a stale cached copy after the rules changed: the same files, zipped on another day. Its
    SHA-256 differs from the one the page records, so neither start uses it, snapshot or not."""
    original = zipfile.ZipFile(io.BytesIO(next(site_dir.glob("assets/wizard/*/wizard.zip")).read_bytes()))
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        for info in original.infolist():
            archive.writestr(zipfile.ZipInfo(info.filename, (2011, 1, 1, 0, 0, 0)), original.read(info))
    context = browser.new_context()
    page = context.new_page()
    page.route("**/wizard.zip", lambda route: route.fulfill(body=other.getvalue()))
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    expect(page.locator("[data-engine-error]")).to_be_visible(timeout=PYODIDE)
    expect(page.locator("[data-engine-error]")).to_contain_text("cannot work out answers")
    context.close()


def test_a_snapshot_the_server_already_decoded_is_still_used(browser: Browser, site_url: str, site_dir: Path) -> None:
    """Some servers send .gz files with Content-Encoding: gzip, so the worker receives the plain bytes."""
    plain = gzip.decompress(next(site_dir.glob("assets/wizard/*/engine.snapshot.gz")).read_bytes())
    decoded = ("**/engine.snapshot.gz", lambda route: route.fulfill(body=plain))
    assert started_from(browser, site_url, decoded) == "snapshot"


def stored_pages(stored: bytes) -> tuple[list[int], int]:
    """The pages of Pyodide's snapshot the file stores, and where the first one starts in it
    (snapshot-delta.mjs: a 48-byte header, a bitmap of the 4 kB pages stored, then those pages)."""
    length = struct.unpack_from("<I", stored, 4)[0]
    pages = -(-length // 4096)
    bitmap = stored[48:48 + -(-pages // 32) * 4]
    return [page for page in range(pages) if bitmap[page >> 3] & (1 << (page & 7))], 48 + len(bitmap)


def test_a_snapshot_that_pyodide_would_rebuild_wrongly_is_never_used(browser: Browser, site_url: str,
                                                                    site_dir: Path) -> None:
    """The snapshot stores Python's static data as its XOR with Pyodide's starting memory (the data in
    pyodide.asm.wasm). Rebuilt against other starting bytes (here: one byte changed in the stored
    XOR, as another Pyodide binary would give) the memory would be wrong: the worker checks it
    against the SHA-256 the build recorded and starts Python instead."""
    stored = bytearray(gzip.decompress(next(site_dir.glob("assets/wizard/*/engine.snapshot.gz")).read_bytes()))
    assert stored[:4] == b"HSD2"
    start, end = struct.unpack_from("<II", stored, 8)
    pages, data = stored_pages(stored)
    memory_at = struct.unpack_from("<I", stored, data + 4)[0]  # Pyodide's header (page 0) says where
    index, page = next((index, page) for index, page in enumerate(pages)
                       if memory_at + start <= page * 4096 and (page + 1) * 4096 <= memory_at + end)
    stored[data + index * 4096 + 100] ^= 0xFF  # a byte of the static data Python changed
    assert pages[0] == 0 and page > 0
    changed = ("**/engine.snapshot.gz", lambda route: route.fulfill(body=bytes(stored)))
    assert started_from(browser, site_url, changed) == "scratch"


def test_a_snapshot_altered_anywhere_is_never_used(browser: Browser, site_url: str, site_dir: Path) -> None:
    """One byte changed in Python's memory (here in the last page the file stores, far from the static
    data the rebuild checks) could change an answer: the whole file is checked against the SHA-256
    the build recorded in the page, and Python starts afresh instead."""
    stored = bytearray(gzip.decompress(next(site_dir.glob("assets/wizard/*/engine.snapshot.gz")).read_bytes()))
    stored[-100] ^= 0xFF
    altered = ("**/engine.snapshot.gz", lambda route: route.fulfill(body=gzip.compress(bytes(stored))))
    assert started_from(browser, site_url, altered) == "scratch"


def test_the_page_records_the_snapshots_sha256_as_served_and_decoded(site_dir: Path) -> None:
    html = (site_dir / "wizard" / "index.html").read_text(encoding="utf-8")
    meta = next(a for tag, a in read_html(html).tags if tag == "meta" and a.get("name") == "wizard-integrity")
    recorded = dict(item.split("=", 1) for item in meta["content"].split())
    served = next(site_dir.glob("assets/wizard/*/engine.snapshot.gz")).read_bytes()
    for name, content in (("engine.snapshot.gz", served), ("engine.snapshot", gzip.decompress(served))):
        assert recorded[name] == "sha256-" + base64.b64encode(hashlib.sha256(content).digest()).decode()


def test_a_snapshot_cut_short_is_never_used(browser: Browser, site_url: str, site_dir: Path) -> None:
    """A download that ends early (a proxy's size limit, say) must not hang the start."""
    stored = gzip.decompress(next(site_dir.glob("assets/wizard/*/engine.snapshot.gz")).read_bytes())
    cut = ("**/engine.snapshot.gz", lambda route: route.fulfill(body=stored[:len(stored) // 2]))
    assert started_from(browser, site_url, cut) == "scratch"


def test_the_snapshot_is_used_whichever_file_arrives_first(browser: Browser, site_url: str) -> None:
    """Pyodide's loader makes a small helper WebAssembly module of its own as soon as it loads; when
    the loader arrives last, the worker is already watching for the interpreter's instantiation and
    must not take the helper for it."""
    context = browser.new_context()
    page = context.new_page()
    held: list[Route] = []
    # Held the first time (the worker's check); routing turns the browser's cache off, so the import
    # that follows is a second request, let through.
    page.route("**/pyodide.mjs", lambda route: route.continue_() if held else held.append(route))
    with page.expect_request_finished(lambda request: request.url.endswith("engine.snapshot.gz")):
        page.goto(f"{site_url}wizard/#{fragment(complete())}")
    page.wait_for_timeout(200)  # the worker reads the snapshot's headers and starts watching
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(complete()), timeout=PYODIDE)
    assert page.evaluate("window.__wizardEngine.start") == "snapshot"
    context.close()


def test_a_first_visit_downloads_each_engine_file_once(browser: Browser, site_url: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The page compiles Pyodide's WebAssembly for the worker, alongside Pyodide's loader, and
    Pyodide's own request for it gets a stand-in: the 3.5 MB must not cross the network twice."""
    served: collections.Counter[str] = collections.Counter()
    send_head = SiteHandler.send_head

    def counted(handler: SiteHandler):
        served[urlsplit(handler.path).path] += 1
        return send_head(handler)

    monkeypatch.setattr(SiteHandler, "send_head", counted)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(complete()), timeout=PYODIDE)
    page.wait_for_load_state("networkidle")
    context.close()
    engine_files = {path: count for path, count in served.items() if path.startswith(("/pyodide/", "/assets/wizard/"))}
    assert any(path.endswith("pyodide.asm.wasm") for path in engine_files)
    assert all(count == 1 for count in engine_files.values()), engine_files


def test_the_snapshot_is_used_at_a_plain_http_intranet_address(browser_type, browser_type_launch_args: dict,
                                                                site_url: str) -> None:
    """Browsers offer crypto.subtle only to HTTPS and localhost; at an intranet address over plain
    HTTP the worker checks the snapshot with its own SHA-256 and still starts from it."""
    args = [*browser_type_launch_args["args"], "--host-resolver-rules=MAP intranet.test 127.0.0.1"]
    intranet = browser_type.launch(**{**browser_type_launch_args, "args": args})
    try:
        page = intranet.new_page()
        page.goto(f"http://intranet.test:{urlsplit(site_url).port}/wizard/#{fragment(complete())}")
        assert page.evaluate("window.isSecureContext") is False
        expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(complete()), timeout=PYODIDE)
        assert page.evaluate("window.__wizardEngine.start") == "snapshot"
    finally:
        intranet.close()
