"""The built site loads nothing from another host: no fonts, CDN scripts or analytics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.html_text import read_html

EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'");\s]+)""", re.IGNORECASE)
# Hosts that would mean a font, CDN or tracking load if they appear in any script or data file.
THIRD_PARTY_HOSTS = re.compile(r"fonts\.googleapis|fonts\.gstatic|unpkg\.com|cdn\.jsdelivr|cdnjs\.|"
                               r"google-analytics|googletagmanager|plausible\.io|matomo", re.IGNORECASE)
RESOURCE_ATTRIBUTES = {"src", "srcset", "poster", "data", "background"}
# <link rel=...> values that make the browser fetch something (canonical and alternate do not).
FETCHING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "apple-touch-icon",
                 "preconnect", "dns-prefetch"}


def external_resources(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    found = []
    if path.suffix == ".html":
        for tag, attributes in read_html(text).tags:
            for name, value in attributes.items():
                fetching_link = tag == "link" and FETCHING_RELS & set(attributes.get("rel", "").lower().split())
                is_resource = name in RESOURCE_ATTRIBUTES or (name == "href" and (fetching_link or tag == "use"))
                if is_resource and any(EXTERNAL.match(part) for part in value.split(",")):
                    found.append(f"<{tag} {name}={value!r}>")
    if path.suffix in (".html", ".css"):
        for url in CSS_URL.findall(text) + CSS_IMPORT.findall(text):
            if EXTERNAL.match(url):
                found.append(f"url({url})")
    if path.suffix in (".html", ".css", ".js", ".mjs", ".json", ".webmanifest"):
        found += [f"third-party host {m.group(0)!r}" for m in THIRD_PARTY_HOSTS.finditer(text)]
    return found


def built_files(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*") if p.is_file() and p.suffix in
                  (".html", ".css", ".js", ".mjs", ".json", ".webmanifest"))


def test_the_scan_recognises_external_resources(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
                    '<link rel="canonical" href="https://intranet.example/policy/">'
                    '<script src="//cdn.example.org/x.js"></script><a href="https://www.ontario.ca/">law</a>')
    found = external_resources(page)
    assert any("link href" in f for f in found) and any("script src" in f for f in found)
    assert not any("ontario" in f or "canonical" in f for f in found), "plain links are not loads"


def test_no_built_file_loads_an_external_resource(site_dir: Path) -> None:
    problems = {str(p.relative_to(site_dir)): external_resources(p) for p in built_files(site_dir)}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize("page", ["index.html", "policy/index.html"])
def test_pages_have_no_google_fonts(site_dir: Path, page: str) -> None:
    assert "fonts.g" not in (site_dir / page).read_text(encoding="utf-8")
