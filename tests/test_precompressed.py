"""The big Pyodide files are shipped pre-compressed, and a gzip_static-style server serves them."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

import pytest

from sitegen.browser_assets import PRECOMPRESS


@pytest.mark.parametrize("name", PRECOMPRESS)
def test_precompressed_copy_matches_the_original(site_dir: Path, name: str) -> None:
    original = (site_dir / name).read_bytes()
    compressed = (site_dir / f"{name}.gz").read_bytes()
    assert gzip.decompress(compressed) == original
    assert len(compressed) < len(original)


def test_wasm_is_served_compressed_with_its_mime_type(site_url: str, site_dir: Path) -> None:
    request = urllib.request.Request(f"{site_url}pyodide/pyodide.asm.wasm", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"] == "application/wasm"
        assert response.headers["Content-Encoding"] == "gzip"
        body = response.read()
    assert gzip.decompress(body) == (site_dir / "pyodide" / "pyodide.asm.wasm").read_bytes()
    assert len(body) < 0.5 * (site_dir / "pyodide" / "pyodide.asm.wasm").stat().st_size
