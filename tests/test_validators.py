"""Independent checkers on every page: the W3C Nu HTML checker and pa11y (HTML_CodeSniffer, WCAG 2 AA).

axe-core (with its best practices) runs in the browser tests; these catch what it does not.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sitegen.setup_env import find_chromium
from tests.browser_checks import site_pages

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PA11Y = ROOT / "node_modules" / ".bin" / "pa11y"
# The theme's hidden checkboxes carry autocomplete="off" (a Firefox workaround); accepted as it is.
ACCEPTED = ("Attribute “autocomplete” is only allowed when the input type is",)


def nu_errors(files: list[Path]) -> list[str]:
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML checker; `python3 build.py test` installs it"
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr)["messages"]
    return [f"{Path(m['url']).name if 'url' in m else '?'}:{m.get('lastLine')}: {m['message']}" for m in messages
            if m.get("type") == "error" and not m["message"].startswith(ACCEPTED)]


def test_every_page_passes_the_nu_html_checker(site_dir: Path) -> None:
    assert nu_errors(sorted(site_dir.rglob("*.html"))) == []


def test_the_nu_html_checker_really_reports_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div>nested</p>", encoding="utf-8")
    assert nu_errors([broken])


def pa11y(url: str, tmp_path: Path) -> list[dict]:
    config = tmp_path / "pa11y.json"
    config.write_text(json.dumps({
        "chromeLaunchConfig": {"executablePath": find_chromium(),
                               "args": ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]},
        "runner": ["htmlcs"], "standard": "WCAG2AA", "timeout": 90_000}), encoding="utf-8")
    done = subprocess.run([str(PA11Y), "--config", str(config), "--reporter", "json", url],
                          capture_output=True, text=True, timeout=180)
    assert done.stdout.strip().startswith("["), done.stderr
    return json.loads(done.stdout)


@pytest.mark.browser
def test_every_page_passes_pa11y(site_url: str, site_dir: Path, tmp_path: Path) -> None:
    found = {}
    for path in site_pages(site_dir):
        issues = pa11y(f"{site_url}{path}", tmp_path)
        found[path] = [f"{i['code']}: {i['selector']}: {i['message']}" for i in issues if i["type"] == "error"]
    assert {path: issues for path, issues in found.items() if issues} == {}


@pytest.mark.browser
def test_pa11y_really_reports_errors(serve_site, site_dir: Path, tmp_path: Path) -> None:
    page = site_dir / "__pa11y_check.html"
    page.write_text("<!doctype html><html lang=en><title>x</title><form><input type=text></form>", encoding="utf-8")
    try:
        with serve_site() as (_, url):
            assert pa11y(f"{url}__pa11y_check.html", tmp_path)
    finally:
        page.unlink()
