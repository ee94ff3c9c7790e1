"""The steps that finish a site the generator has written, in order (`build.py build` runs them).

Each changes the built files in place; the order matters: the pages' scripts are hashed last, after
every step that changes them, and the compressed copies are made from the final files.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from sitegen.engine_assets import browser_assets
from sitegen.finishing import content_policy, offline_assets, search_index, theme_fixes
from sitegen.source.sources import Sources


def keyboard_definitions(html: str) -> str:
    """Make defined terms reachable by keyboard, so their definitions show on focus, not only hover.

    Not inside a link: the link itself takes the focus there (and HTML forbids a focusable element
    inside another)."""
    html = re.sub(r"<abbr title=", '<abbr tabindex="0" title=', html)
    return re.sub(r"<a\b[^>]*>.*?</a>", lambda link: link.group(0).replace('<abbr tabindex="0" ', "<abbr "),
                  html, flags=re.DOTALL)


def fix_pages(site_dir: Path) -> None:
    """The theme's markup fixed where the validators ask, and defined terms focusable, on every page."""
    for page in sorted(site_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        page.write_text(keyboard_definitions(theme_fixes.fix_page(html)), encoding="utf-8")


def finish(site_dir: Path, sources: Sources, engine_dir: str, snapshot: bytes | None, site_url: str) -> None:
    """Finish the site in `site_dir`. `snapshot`: the engine's gzipped snapshot, or None (previews)."""
    fix_pages(site_dir)
    if snapshot is not None:
        (site_dir / engine_dir / "engine.snapshot.gz").write_bytes(snapshot)
        browser_assets.record_snapshot_integrity(site_dir, snapshot)
    search_index.split_policy_into_clauses(site_dir, sources.policy, sources.staff_words)
    search_index.use_site_ranking(site_dir)
    offline_assets.strip_cdn_fallbacks(site_dir)
    # Last: the pages and their scripts must not change after they are hashed.
    content_policy.add_script_integrity(site_dir, urlsplit(site_url or "/").path or "/")
    content_policy.add_content_policy(site_dir)
    browser_assets.precompress(site_dir)
