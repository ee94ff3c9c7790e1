"""The README's two screenshots, made from the built site so they stay current (`build.py screenshots`).

The wizard's result is shown for the first worked example whose verdict asks for approval (the most
telling result: obligations, whom to ask, clause links), the policy page at its top. Desktop size,
in the system Chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from sitegen.setup_env import find_chromium
from sitegen.source.sources import Sources

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "screenshots"
SIZE = {"width": 1366, "height": 800}


def example_answers(sources: Sources) -> dict[str, str]:
    """The answers of the first worked example that needs approval (else the first worked example)."""
    examples = [s for s in sources.situations if "example" in s.publish and s.verdict]
    chosen = next((s for s in examples if s.verdict == "approval-required"), examples[0])
    return chosen.answers


def take(site_dir: Path, sources: Sources, folder: Path = FOLDER, browser: Browser | None = None) -> list[Path]:
    """Serve `site_dir`, photograph the wizard's result and the policy page into `folder`. With no
    `browser` given, the system Chromium is started (and stopped) here."""
    from playwright.sync_api import sync_playwright

    if browser is not None:
        return _photograph(site_dir, sources, folder, browser)
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("Chromium is needed for the screenshots: apt-get install -y chromium, "
                                "or set CHROMIUM_PATH")
    with sync_playwright() as playwright:
        started = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            return _photograph(site_dir, sources, folder, started)
        finally:
            started.close()


def _photograph(site_dir: Path, sources: Sources, folder: Path, browser: Browser) -> list[Path]:
    from playwright.sync_api import expect

    from tests.site_server import serve

    folder.mkdir(parents=True, exist_ok=True)
    made = [folder / "wizard-result.png", folder / "policy-page.png"]
    with serve(site_dir) as (_, url):
        page = browser.new_page(viewport=SIZE)
        page.goto(f"{url}wizard/#{urlencode(example_answers(sources))}")
        result = page.locator("#wizard-result[data-verdict]")
        expect(result).to_be_visible(timeout=60_000)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        # The verdict at the top, just under the sticky header.
        page.evaluate("window.scrollTo(0, document.querySelector('#wizard-result').getBoundingClientRect().top"
                      " + window.scrollY - 72)")
        page.wait_for_timeout(800)  # the theme's header fades to the page title as the page scrolls
        page.screenshot(path=made[0])
        page.goto(f"{url}policy/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=made[1])
        page.close()
    return made
