"""Private and hardened: no request leaves the site, and the site works under a strict CSP."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

from sitegen.content_policy import inline_scripts
from tests.browser_checks import site_pages
from tests.test_wizard_browser import PYODIDE, click_through

pytestmark = pytest.mark.browser

# What a City web server can send; ARCHITECTURE.md gives it for nginx and Apache (and a test below
# holds the two to it).
STRICT_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; worker-src 'self'; "
              "connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
              "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
INTERVIEW = {"capacity": "business", "discloses_personal_info": "no", "harmful_content": "no",
             "uses_others_work": "no", "city_equipment": "yes", "approved_rep": "yes",
             "new_tool": "yes"}  # the checkbox screen: only "City device" ticked


def test_every_page_and_an_interview_request_only_the_site(browser: Browser, site_url: str, site_dir: Path) -> None:
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))  # workers' requests too
    page = context.new_page()
    for path in site_pages(site_dir):
        page.goto(f"{site_url}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{site_url}wizard/")
    click_through(page, INTERVIEW)
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "approval-required", timeout=PYODIDE)
    site = urlsplit(site_url).netloc
    assert any(url.endswith("/pyodide.asm.mjs") for url in requests), "the worker's requests are seen"
    assert [url for url in requests if urlsplit(url).netloc != site] == []
    context.close()


def test_a_full_interview_under_a_strict_content_security_policy(browser: Browser, serve_site) -> None:
    with serve_site({"Content-Security-Policy": STRICT_CSP}) as (_, url):
        context = browser.new_context()
        page = context.new_page()
        refused: list[str] = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("worker", lambda w: w.on("console", lambda m: refused.append(m.text)
                                         if "Content Security Policy" in m.text else None))
        response = page.goto(f"{url}wizard/")
        assert response.headers["content-security-policy"] == STRICT_CSP
        click_through(page, INTERVIEW)
        expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "approval-required", timeout=PYODIDE)
        expect(page.locator("[data-obligation=consult-before-new-tool]")).to_be_visible()
        box = page.locator("input.md-search__input")  # the site search still works too
        box.click()
        box.press_sequentially("LinkedIn")
        expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)
        assert refused == []
        context.close()


def test_without_wasm_unsafe_eval_the_page_says_the_engine_cannot_start(browser: Browser, serve_site) -> None:
    """The CSP test above is meaningful: drop 'wasm-unsafe-eval' and Pyodide is refused."""
    with serve_site({"Content-Security-Policy": STRICT_CSP.replace(" 'wasm-unsafe-eval'", "")}) as (_, url):
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}wizard/")
        expect(page.locator("[data-engine-error]")).to_be_visible(timeout=PYODIDE)
        context.close()


def test_the_server_configurations_in_the_guide_send_the_tested_policy() -> None:
    """The guide's nginx and Apache settings carry exactly the policy the interview is tested under,
    and nginx's repeats the headers where a location adds its own (nginx would drop them)."""
    guide = (Path(__file__).resolve().parent.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert f'add_header Content-Security-Policy "{STRICT_CSP}" always;' in guide
    assert f'Header always set Content-Security-Policy "{STRICT_CSP}"' in guide
    location = guide.split("location ~ ^/(pyodide|assets/wizard)/ {", 1)[1].split("}", 1)[0]
    assert "include snippets/policy-site-headers.conf;" in location and "add_header Cache-Control" in location


def test_every_built_page_carries_a_strict_policy_for_all_its_inline_scripts(site_dir: Path) -> None:
    """GitHub Pages sends no headers: each page's <meta> policy must allow exactly the site's own
    scripts, never inline script in general or eval."""
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        policies = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert len(policies) == 1, page
        directives = dict(d.strip().split(" ", 1) for d in policies[0].split(";"))
        scripts = directives["script-src"].split()
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
        assert inline_scripts(html) <= set(scripts), page
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
        assert html.index("Content-Security-Policy") < html.index("<script"), "the policy comes before any script"
