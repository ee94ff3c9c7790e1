"""The wizard page in a real headless Chromium, against the built site served over HTTP."""

from __future__ import annotations

import gzip
import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.html_text import read_html
from tests.scenarios import load_scenarios
from wizard import Engine
from wizard.graph import complete_paths, export_graph

pytestmark = pytest.mark.browser
PYODIDE = 60_000  # ms: Pyodide starts in about 3-6 s here, but a loaded 2-core machine can be much slower
SCENARIOS = load_scenarios()


def fragment(answers: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in answers.items())


def set_hash(page: Page, answers: dict[str, str]) -> None:
    """Navigate within the page, as the browser's Back button or an edited link would."""
    page.evaluate("h => { location.hash = h; }", fragment(answers))


def question(page: Page):
    return page.locator("fieldset[data-question]")


def choose(page: Page, key: str, value: str) -> None:
    expect(question(page)).to_have_attribute("data-question", key)
    question(page).locator(f"input[value='{value}']").check()
    page.locator("#wizard-next").click()


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
    set_hash(page, {"capacity": "personal"})  # leave any previous result first
    expect(question(page)).to_have_attribute("data-question", "identifies_city")
    set_hash(page, scenario.answers)
    if scenario.verdict is None:
        expect(question(page)).to_have_attribute("data-question", scenario.next)
        expect(page.locator("#wizard-result")).to_be_hidden()
        return
    result = page.locator("#wizard-result")
    expect(result).to_have_attribute("data-verdict", scenario.verdict, timeout=PYODIDE)
    shown = set(page.locator("[data-obligation]").evaluate_all("els => els.map(e => e.dataset.obligation)"))
    notes = set(page.locator("[data-unclear]").evaluate_all("els => els.map(e => e.dataset.unclear)"))
    assert set(scenario.present) <= shown
    assert not set(scenario.absent) & shown
    assert set(scenario.unclear) <= notes and not set(scenario.not_unclear) & notes
    if scenario.ignored is not None:
        ignored = page.locator("[data-ignored]").evaluate_all("els => els.map(e => e.dataset.ignored)")
        assert sorted(ignored) == sorted(scenario.ignored)
    # Every obligation and note links to an existing clause anchor on the policy page.
    for link in page.locator("[data-obligation] a, [data-unclear] a").evaluate_all("els => els.map(e => e.href)"):
        parts = urlsplit(link)
        assert parts.path == "/policy/" and parts.netloc == urlsplit(site_url).netloc
        assert parts.fragment in policy_ids, link


def test_the_page_embeds_the_graph_the_engine_exports(site_dir: Path, engine: Engine) -> None:
    html = (site_dir / "wizard" / "index.html").read_text(encoding="utf-8")
    root = next(a for tag, a in read_html(html).tags if a.get("id") == "wizard")
    assert json.loads(root["data-wizard"])["graph"] == json.loads(json.dumps(export_graph(engine)))


def test_the_first_question_is_in_the_html(site_dir: Path) -> None:
    page = read_html((site_dir / "wizard" / "index.html").read_text(encoding="utf-8"))
    fieldsets = [a for tag, a in page.tags if tag == "fieldset"]
    radios = [a for tag, a in page.tags if tag == "input" and a.get("type") == "radio"]
    labels = {a["for"] for tag, a in page.tags if tag == "label" and "for" in a}
    assert fieldsets[0]["data-question"] == "capacity"
    assert [r["value"] for r in radios] == ["personal", "business", "peers"]
    assert all(r["id"] in labels for r in radios)


def test_without_javascript_the_first_question_can_be_answered(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}wizard/")
    page.get_by_label("Peer-to-peer professional consultation").check()
    page.locator("#wizard-next").click()
    expect(page).to_have_url(re.compile(r"/wizard/\?capacity=peers$"))
    context.close()


def test_an_answer_given_before_the_script_runs_is_kept(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.route("**/assets/javascripts/wizard.js", lambda route: (time.sleep(1.5), route.continue_()))
    page.goto(f"{site_url}wizard/", wait_until="commit")
    page.get_by_label("For approved City of Hamilton business").check()
    page.wait_for_load_state("load")
    page.locator("#wizard-next").click()
    expect(question(page)).to_have_attribute("data-question", "city_equipment")
    context.close()


def test_every_step_asks_what_the_engine_asks(page: Page, site_url: str, engine: Engine) -> None:
    """A full interview by clicking, for a spread of paths: each screen shows the engine's next question."""
    paths = list(complete_paths(engine))
    page.goto(f"{site_url}wizard/")
    for answers in [*paths[:: len(paths) // 6], paths[-1]]:
        if page.locator("#wizard-result").is_visible():
            page.locator("#wizard-result button", has_text="Start again").click()
        walked: dict[str, str] = {}
        for key, value in answers.items():
            assert engine.evaluate(walked).next == key
            choose(page, key, value)
            walked[key] = value
        expected = engine.evaluate(answers).verdict
        expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", expected, timeout=PYODIDE)
        assert page.url.endswith("#" + fragment({k: answers[k] for k in engine.values_of if k in answers}))


def test_a_full_interview_by_keyboard_alone(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/")
    choices = {"capacity": "personal", "identifies_city": "no", "city_equipment": "no", "speaks_for_city": "no",
               "discloses_city_business": "no", "discloses_personal_info": "no", "discloses_third_party": "no",
               "restricted_community": "no", "privacy_breach": "no"}
    page.locator("fieldset[data-question] input").first.focus()
    for step, (key, value) in enumerate(choices.items()):
        expect(question(page)).to_have_attribute("data-question", key)
        if step:
            expect(page.locator("#wizard-legend")).to_be_focused()  # focus moves to the new question
            page.keyboard.press("Tab")  # into the radio group
        radios = question(page).locator("input")
        values = radios.evaluate_all("els => els.map(e => e.value)")
        for _ in range(values.index(value)):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        expect(question(page).locator(f"input[value='{value}']")).to_be_checked()
        page.keyboard.press("Enter")  # submits the form
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "allowed", timeout=PYODIDE)
    expect(page.locator("#wizard-result-heading")).to_be_focused()
    expect(page.locator("#wizard-status")).to_contain_text("Result: Allowed")


def test_back_returns_to_the_previous_question_with_its_answer(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/")
    choose(page, "capacity", "business")
    choose(page, "city_equipment", "yes")
    expect(question(page)).to_have_attribute("data-question", "approved_rep")
    page.go_back()  # the browser's own Back button steps back through the answers
    expect(question(page)).to_have_attribute("data-question", "city_equipment")
    page.go_back()
    expect(question(page)).to_have_attribute("data-question", "capacity")
    page.go_forward()
    page.go_forward()
    expect(question(page)).to_have_attribute("data-question", "approved_rep")
    page.locator("#wizard-back").click()  # the page's Back button: previous question, answer kept selected
    expect(question(page)).to_have_attribute("data-question", "city_equipment")
    expect(question(page).locator("input[value='yes']")).to_be_checked()
    expect(page.locator("#wizard-legend")).to_be_focused()
    assert page.url.endswith("/wizard/#capacity=business")


def test_change_reasks_only_what_the_new_path_needs(page: Page, site_url: str) -> None:
    answers = {"capacity": "personal", "identifies_city": "no", "city_equipment": "no", "speaks_for_city": "no",
               "discloses_city_business": "no", "discloses_personal_info": "no", "discloses_third_party": "no",
               "restricted_community": "yes", "privacy_breach": "yes"}
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "allowed", timeout=PYODIDE)
    page.locator("[data-answer=capacity] button", has_text="Change").click()
    expect(question(page)).to_have_attribute("data-question", "capacity")
    expect(question(page).locator("input[value='personal']")).to_be_checked()
    choose(page, "capacity", "business")
    # Business skips identification and never asks about speaking for the City or personal disclosures;
    # City equipment was already answered, so the next new question is about approval.
    expect(question(page)).to_have_attribute("data-question", "approved_rep")
    for key, value in (("approved_rep", "yes"), ("student", "no"),  # discloses_personal_info: kept, not re-asked
                       ("new_tool", "no"), ("new_campaign", "no"), ("external_discussion", "no")):
        choose(page, key, value)
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "allowed", timeout=PYODIDE)
    # The answers that still apply were kept; those off the new path were dropped.
    assert page.url.endswith("#capacity=business&city_equipment=no&approved_rep=yes&student=no"
                             "&discloses_personal_info=no&new_tool=no&new_campaign=no&external_discussion=no"
                             "&restricted_community=yes&privacy_breach=yes")
    expect(page.locator("[data-obligation=not-off-the-record]")).to_be_visible()
    expect(page.locator("[data-ignored]")).to_have_count(0)


def test_a_search_result_link_is_not_mistaken_for_answers(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/?h=allowed+post")  # mkdocs-material's search adds ?h= to highlight terms
    expect(question(page)).to_have_attribute("data-question", "capacity")
    expect(page.locator("#wizard-error")).to_be_hidden()


def test_query_string_answers_move_into_the_fragment(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}wizard/?capacity=peers&identifies_city=yes")
    expect(question(page)).to_have_attribute("data-question", "city_equipment")
    assert page.url.endswith("/wizard/#capacity=peers&identifies_city=yes")


@pytest.mark.parametrize("hostile", [
    "capacity=<img src=x onerror=window.__pwned=1>",
    "<script>window.__pwned=1</script>=yes",
    "capacity=personal&student=maybe",
    "capacity=%E0%A4%A&x",
    "capacity",
    "capacity=personal&capacity=business",
])
def test_a_bad_link_shows_the_valid_answers_and_runs_nothing(page: Page, site_url: str, hostile: str) -> None:
    page.goto(f"{site_url}wizard/#{hostile}")
    error = page.locator("#wizard-error")
    expect(error).to_be_visible()
    expect(error.locator("[data-error]").first).to_be_visible()
    text = error.inner_text()
    assert "Valid keys" in text or "Valid values" in text or "answered twice" in text
    assert error.locator("img, script").count() == 0
    assert page.evaluate("window.__pwned") is None
    expect(page.locator("#wizard-result")).to_be_hidden()
    error.get_by_role("button", name="Start again").click()
    expect(question(page)).to_have_attribute("data-question", "capacity")


def test_instant_navigation_keeps_one_engine_per_tab(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}policy/")
    page.evaluate("window.__sameDocument = true")
    page.locator(".md-nav__link", has_text="Am I allowed to post this?").first.click()
    expect(question(page)).to_have_attribute("data-question", "capacity")
    assert page.evaluate("window.__sameDocument") is True, "the wizard was reached by instant navigation"
    for key, value in (("capacity", "peers"), ("identifies_city", "no"), ("city_equipment", "no"),
                       ("speaks_for_city", "no"), ("discloses_city_business", "no"), ("discloses_personal_info", "no"),
                       ("discloses_third_party", "no"), ("restricted_community", "no"), ("privacy_breach", "no")):
        choose(page, key, value)
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "allowed", timeout=PYODIDE)
    page.locator(".md-nav__link", has_text="Rules at a glance").first.click()
    page.locator(".md-nav__link", has_text="Am I allowed to post this?").first.click()
    expect(question(page)).to_have_attribute("data-question", "capacity")
    assert page.evaluate("window.__sameDocument") is True
    assert len([w for w in page.workers if w.url.endswith("/wizard-worker.js")]) == 1


def test_questions_never_wait_for_the_engine_only_the_result_does(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    release: list[Route] = []
    page.route("**/pyodide/pyodide.asm.wasm", lambda route: release.append(route))  # hold Pyodide back
    page.goto(f"{site_url}wizard/")
    for key, value in (("capacity", "personal"), ("identifies_city", "yes"), ("speaks_for_city", "no"),
                       ("discloses_city_business", "no"), ("discloses_personal_info", "no"),
                       ("discloses_third_party", "no"), ("restricted_community", "no")):
        choose(page, key, value)
        expect(page.locator("#wizard-status")).to_be_empty()  # no "getting ready" while questions flow
    choose(page, "privacy_breach", "no")
    expect(page.locator("#wizard-status")).to_contain_text("Getting your result ready")
    expect(page.locator("#wizard")).to_have_class(re.compile("wizard--waiting"))
    assert page.evaluate("window.__wizardEngine.status") == "starting"
    page.wait_for_timeout(200)
    assert release, "Pyodide's WebAssembly was requested as soon as the page opened"
    release[0].continue_()
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "allowed", timeout=PYODIDE)
    expect(page.locator("#wizard-status")).to_contain_text("Result: Allowed")
    context.close()


def test_when_pyodide_cannot_load_the_page_says_so_and_links_the_rules(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.route("**/pyodide/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="not here"))
    page.goto(f"{site_url}wizard/#capacity=personal")
    failure = page.locator("[data-engine-error]")
    expect(failure).to_be_visible(timeout=PYODIDE)
    expect(failure.get_by_role("link", name="Rules at a glance")).to_have_attribute("href", f"{site_url}rules/")
    expect(question(page)).to_have_attribute("data-question", "identifies_city")  # questions still work
    context.close()


def test_the_result_prints_as_a_clean_record(page: Page, site_url: str) -> None:
    answers = {"capacity": "business", "city_equipment": "yes", "approved_rep": "no", "student": "yes",
               "discloses_personal_info": "no", "new_tool": "no", "new_campaign": "no", "external_discussion": "no",
               "restricted_community": "no", "privacy_breach": "no"}
    page.goto(f"{site_url}wizard/#{fragment(answers)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "not-allowed", timeout=PYODIDE)
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", "#wizard-result .wizard-actions",
                   ".wizard-change"):
        expect(page.locator(hidden).first).to_be_hidden()
    record = page.locator(".wizard-record")
    expect(record).to_be_visible()
    expect(record).to_contain_text("version 2010-02-25")
    expect(record).to_contain_text(re.compile(r"Checked on \d{4}-\d{2}-\d{2}"))
    expect(page.locator("#wizard-summary")).to_be_visible()
    clause_link = page.locator("[data-obligation=students-cannot-represent] a")
    # Printed links show where they point, so the paper record still cites each clause.
    printed = clause_link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "policy/#representatives-non-student" in printed
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the record fits on one page"


def test_every_request_of_an_interview_stays_on_the_site(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    hosts: set[str] = set()
    context.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page = context.new_page()
    page.goto(f"{site_url}wizard/")
    for key, value in (("capacity", "personal"), ("identifies_city", "yes"), ("speaks_for_city", "yes"),
                       ("approved_rep", "no"), ("discloses_city_business", "no"), ("discloses_personal_info", "no"),
                       ("discloses_third_party", "no"), ("restricted_community", "no"), ("privacy_breach", "no")):
        choose(page, key, value)
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "not-allowed", timeout=PYODIDE)
    assert hosts == {urlsplit(site_url).netloc}
    context.close()


COMPLETE = {"capacity": "peers", "identifies_city": "no", "city_equipment": "no", "speaks_for_city": "no",
            "discloses_city_business": "no", "discloses_personal_info": "no", "discloses_third_party": "no",
            "restricted_community": "no", "privacy_breach": "no"}


def started_from(browser: Browser, site_url: str, route=None) -> str:
    """How the engine started ("snapshot" or "scratch") on a fresh tab, after it gave a verdict."""
    context = browser.new_context()
    page = context.new_page()
    if route:
        page.route(*route)
    page.goto(f"{site_url}wizard/#{fragment(COMPLETE)}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "allowed", timeout=PYODIDE)
    how = page.evaluate("window.__wizardEngine.start")
    context.close()
    return how


def test_the_engine_starts_from_the_build_snapshot(browser: Browser, site_url: str) -> None:
    assert started_from(browser, site_url) == "snapshot"


def test_without_the_snapshot_python_starts_from_scratch(browser: Browser, site_url: str) -> None:
    missing = ("**/assets/wizard/engine.snapshot.gz", lambda route: route.fulfill(status=404, body=""))
    assert started_from(browser, site_url, missing) == "scratch"


def test_a_snapshot_of_another_engine_is_never_used(browser: Browser, site_url: str, site_dir: Path) -> None:
    """E.g. a stale cached snapshot after the rules changed: its engine zip differs from the served one."""
    original = zipfile.ZipFile(io.BytesIO((site_dir / "assets" / "wizard" / "wizard.zip").read_bytes()))
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        for info in original.infolist():
            archive.writestr(zipfile.ZipInfo(info.filename, (2011, 1, 1, 0, 0, 0)), original.read(info))
    served = ("**/assets/wizard/wizard.zip", lambda route: route.fulfill(body=other.getvalue()))
    assert started_from(browser, site_url, served) == "scratch"


def test_a_snapshot_the_server_already_decoded_is_still_used(browser: Browser, site_url: str, site_dir: Path) -> None:
    """Some servers send .gz files with Content-Encoding: gzip, so the worker receives the plain bytes."""
    plain = gzip.decompress((site_dir / "assets" / "wizard" / "engine.snapshot.gz").read_bytes())
    decoded = ("**/assets/wizard/engine.snapshot.gz", lambda route: route.fulfill(body=plain))
    assert started_from(browser, site_url, decoded) == "snapshot"
