"""Keep the built site free of third-party loads, for an intranet under privacy law.

mkdocs-material's bundle can fetch two scripts from a CDN: a ResizeObserver polyfill (only in
browsers from before 2020) and Mermaid (only on pages with diagrams; this site has none). Its
privacy plugin would download them at build time, which needs internet access we do not have, so
we point both loaders at an empty inline script instead and drop the source maps that quote them.
"""

from __future__ import annotations

from pathlib import Path

CDN_FALLBACKS = (
    "https://unpkg.com/resize-observer-polyfill",
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js",
)
EMPTY_SCRIPT = "data:text/javascript,"


def strip_cdn_fallbacks(site_dir: Path) -> None:
    scripts = site_dir / "assets" / "javascripts"
    for bundle in scripts.glob("bundle.*.min.js"):
        text = bundle.read_text(encoding="utf-8")
        for url in CDN_FALLBACKS:
            text = text.replace(f'"{url}"', f'"{EMPTY_SCRIPT}"')
        bundle.write_text(text, encoding="utf-8")
    for source_map in scripts.glob("*.map"):
        source_map.unlink()
