"""Helpers for browser checks: every page of the built site, and axe-core run inside the page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]  # and axe's best practices


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to the site root ("" is the home page)."""
    pages = []
    for html in sorted(site_dir.rglob("*.html")):
        relative = html.relative_to(site_dir).as_posix()
        pages.append(relative.removesuffix("index.html"))
    return pages


def axe_violations(page: Page) -> list[str]:
    """Run axe-core (pinned in package.json) in the page; one line per violation and element."""
    # Let running transitions end first (the theme's header fades its title while the page scrolls,
    # a moment after focus moves).
    page.wait_for_timeout(250)
    page.evaluate("""() => Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)  // not the loading spinner
        .map(a => a.finished.catch(() => null)))""")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    results = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return result.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))}));
    }""", WCAG_AA)
    return [f"{v['id']} ({v['help']}): {node}" for v in results for node in v["nodes"]]
