"""Private and hardened: no request leaves the site, and the site works under a strict CSP."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

from sitegen.finishing.content_policy import inline_scripts
from tests import from_policy
from tests.browser_checks import Answers, clickable, site_pages
from tests.nginx_server import guide_server_block
from tests.test_wizard_browser import PYODIDE, click_through

pytestmark = pytest.mark.browser


def interview() -> Answers:
    """A whole interview, clicked through a checkbox screen with a statement ticked, that needs approval."""
    return clickable("approval-required", lambda answers, screens: any(
        s.checkboxes and any(answers[k] == "yes" for k in s.answered) for s in screens), "with a ticked statement")[0]


def search_word() -> str:
    """A word of the policy's title: the site search must find it."""
    return max(from_policy.rules()["policy"]["title"].split(), key=len)


def test_every_page_and_an_interview_request_only_the_site(browser: Browser, site_url: str, site_dir: Path) -> None:
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))  # workers' requests too
    page = context.new_page()
    for path in site_pages(site_dir):
        page.goto(f"{site_url}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{site_url}wizard/")
    click_through(page, interview())
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "approval-required", timeout=PYODIDE)
    site = urlsplit(site_url).netloc
    assert any(url.endswith("/pyodide.asm.mjs") for url in requests), "the worker's requests are seen"
    assert [url for url in requests if urlsplit(url).netloc != site] == []
    context.close()


def served_policy(site_dir: Path) -> str:
    """The Content-Security-Policy header the build wrote for servers (server-headers/nginx.conf)."""
    config = (site_dir / "server-headers" / "nginx.conf").read_text(encoding="utf-8")
    return re.search(r'add_header Content-Security-Policy "([^"]+)" always;', config)[1]


def test_a_full_interview_under_nginx_with_the_guides_headers(browser: Browser, nginx_url: str,
                                                                 site_dir: Path) -> None:
    """Debian's nginx, configured as ARCHITECTURE.md says, sends the policy as a header too: the
    interview (page and worker) and the search run with nothing refused."""
    context = browser.new_context()
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("worker", lambda w: w.on("console", lambda m: refused.append(m.text)
                                     if "Content Security Policy" in m.text else None))
    response = page.goto(f"{nginx_url}wizard/")
    assert response.headers["content-security-policy"] == served_policy(site_dir)
    click_through(page, interview())
    expect(page.locator("#wizard-result")).to_have_attribute("data-verdict", "approval-required", timeout=PYODIDE)
    for decisive in from_policy.result(interview()).decisive:
        expect(page.locator(f".wizard-next [data-obligation={decisive}]")).to_be_visible()
    box = page.locator("input.md-search__input")  # the site search still works too
    box.click()
    box.press_sequentially(search_word())
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)
    assert refused == []
    context.close()


def test_without_wasm_unsafe_eval_the_page_says_the_engine_cannot_start(browser: Browser, serve_site,
                                                                          site_dir: Path) -> None:
    """The test above is meaningful: drop 'wasm-unsafe-eval' from the header and Pyodide is refused."""
    policy = served_policy(site_dir)
    assert " 'wasm-unsafe-eval'" in policy
    with serve_site({"Content-Security-Policy": policy.replace(" 'wasm-unsafe-eval'", "")}) as (_, url):
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}wizard/")
        expect(page.locator("[data-engine-error]")).to_be_visible(timeout=PYODIDE)
        context.close()


def test_the_servers_get_the_pages_policy_and_the_headers_only_a_server_can_send(site_dir: Path) -> None:
    """server-headers/ holds, for nginx and Apache, the very policy of the pages plus framing,
    nosniff, referrer and HSTS; the guide includes it where nginx would otherwise drop it."""
    html = (site_dir / "wizard" / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)[1]
    assert served_policy(site_dir) == f"{meta}; frame-ancestors 'none'"
    apache = (site_dir / "server-headers" / "apache.conf").read_text(encoding="utf-8")
    assert f'Header always set Content-Security-Policy "{meta}; frame-ancestors \'none\'"' in apache
    for config in (apache, (site_dir / "server-headers" / "nginx.conf").read_text(encoding="utf-8")):
        for header in ("X-Content-Type-Options", "Referrer-Policy", "Strict-Transport-Security"):
            assert header in config
    guide = guide_server_block()
    location = guide.split("location ~ ^/(pyodide|assets/wizard)/ {", 1)[1].split("}", 1)[0]
    include = "include /srv/policy-site/server-headers/nginx.conf;"
    assert include in guide.split("location", 1)[0] and include in location and "add_header Cache-Control" in location


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


def test_every_script_of_the_site_carries_its_sha256(site_dir: Path) -> None:
    """Each <script src> of the site's own files names the file's hash (`integrity`): bytes that
    differ from the build's are refused by the browser, not run."""
    checked = 0
    for page in sorted(site_dir.rglob("*.html")):
        for tag in re.findall(r"<script [^>]*src=[^>]*>", page.read_text(encoding="utf-8")):
            src = re.search(r'src="([^"]+)"', tag)[1]
            script = site_dir / src.lstrip("/") if src.startswith("/") else (page.parent / src).resolve()
            digest = base64.b64encode(hashlib.sha256(script.read_bytes()).digest()).decode()
            assert f'integrity="sha256-{digest}"' in tag, (page, src)
            checked += 1
    assert checked >= 5 * len(list(site_dir.rglob("*.html")))


def test_an_altered_page_script_is_refused(browser: Browser, site_url: str, site_dir: Path) -> None:
    """The engine starter changed on the server (a line added, still valid JavaScript) never runs."""
    original = (site_dir / "assets" / "javascripts" / "wizard-engine.js").read_bytes()
    context = browser.new_context()
    page = context.new_page()
    page.route("**/wizard-engine.js", lambda route: route.fulfill(body=original + b"\n// altered\n",
                                                                  content_type="text/javascript"))
    page.goto(f"{site_url}wizard/")
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__wizardEngine") == "undefined"
    context.close()
