"""Readers pay only for what they use: no Pyodide on policy pages until the reader heads for the wizard."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser_checks import site_pages
from tests.from_policy import first_question
from tests.test_wizard_browser import PYODIDE, complete, engine_ready, fragment, question, verdict

pytestmark = pytest.mark.browser
ENGINE_FILES = ("/pyodide/", "/assets/wizard/", "wizard-worker.js")


def engine_requests(urls: list[str]) -> list[str]:
    return [url for url in urls if any(part in url for part in ENGINE_FILES)]


def test_no_page_but_the_wizard_fetches_the_engine(browser: Browser, site_url: str, site_dir: Path) -> None:
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    pages = [p for p in site_pages(site_dir) if p != "wizard/"]
    assert {"", "policy/", "examples/", "self-check/", "rules/", "history/"} <= set(pages)
    for path in pages:
        page.goto(f"{site_url}{path}")
        page.wait_for_load_state("networkidle")
        assert engine_requests(requests) == [], path
        assert page.evaluate("window.__wizardEngine.status") == "idle", path
    context.close()


@pytest.mark.parametrize("how", ["hover", "focus"])
def test_heading_for_the_wizard_starts_the_engine(browser: Browser, site_url: str, how: str) -> None:
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert engine_requests(requests) == []
    link = page.locator(".home-start a", has_text="Am I allowed to post this?")
    link.hover() if how == "hover" else link.focus()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__wizardEngine.status") in ("starting", "ready")
    link.click()  # instant navigation keeps the worker that was started
    expect(question(page)).to_have_attribute("data-question", first_question())  # the first question at once
    engine_ready(page)
    assert engine_requests(requests)
    context.close()


def test_the_wizard_page_starts_the_engine_at_once(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{site_url}wizard/", wait_until="domcontentloaded")
    assert page.evaluate("window.__wizardEngine.status") in ("starting", "ready")
    page.wait_for_timeout(300)
    assert any("/pyodide/" in url for url in requests)
    context.close()


def test_a_result_asked_for_while_pyodide_still_downloads_is_not_lost(browser: Browser, site_url: str) -> None:
    """The worker takes requests from its first moment, even while its Pyodide loader is on the way."""
    context = browser.new_context()
    page = context.new_page()
    page.route("**/pyodide.mjs", lambda route: (time.sleep(1.5), route.continue_()))
    page.goto(f"{site_url}wizard/#{fragment(complete())}")
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", verdict(complete()), timeout=PYODIDE)
    context.close()


def test_the_engine_starter_does_not_wait_for_the_stylesheets(site_dir: Path) -> None:
    """A script after a stylesheet waits until the stylesheet has loaded: on the wizard page the
    engine starter comes first, so Pyodide's start overlaps the page's own loading."""
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 10
    for html in pages:
        head = html.read_text(encoding="utf-8").split("</head>")[0]
        starter = head.find("wizard-engine.js")
        assert 0 < starter < head.find('rel="stylesheet"'), html
