"""The README stays a newcomer's page: short, with screenshots a script keeps current."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from sitegen.finishing import screenshots
from sitegen.source.sources import load_sources

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_the_readme_is_at_most_250_lines_and_shows_both_screenshots() -> None:
    assert len(README.splitlines()) <= 250
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", README)
    assert images == ["screenshots/wizard-result.png", "screenshots/policy-page.png"]
    for image in images:
        assert png_size(ROOT / image) == (screenshots.SIZE["width"], screenshots.SIZE["height"])
    assert "python3 build.py screenshots" in README


@pytest.mark.browser
def test_the_screenshot_script_photographs_the_built_site(browser, site_dir: Path, tmp_path: Path) -> None:
    made = screenshots.take(site_dir, load_sources(allow_unreviewed=True), tmp_path, browser)
    assert [path.name for path in made] == ["wizard-result.png", "policy-page.png"]
    assert all(png_size(path) == (1366, 800) for path in made)
