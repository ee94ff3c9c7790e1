"""Served by Debian's nginx as ARCHITECTURE.md configures it: every response carries the headers,
the engine's versioned folders included, and the pre-compressed copies go out with their own type."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.test_hardening import served_policy


def fetch(url: str, gzip: bool = True) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def engine_files(site_dir: Path) -> list[str]:
    """Pyodide's files and the engine's, as paths under the site."""
    folders = [*site_dir.glob("pyodide/*"), *site_dir.glob("assets/wizard/*")]
    return sorted(f.relative_to(site_dir).as_posix() for folder in folders for f in folder.iterdir()
                  if f.suffix != ".gz")


def page_and_script_paths() -> list[str]:
    return ["", "policy/", "wizard/", "assets/javascripts/wizard-worker.js", "search/search_index.json",
            "no-such-page/"]


def test_every_kind_of_response_carries_the_builds_headers(nginx_url: str, site_dir: Path) -> None:
    policy = served_policy(site_dir)
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    paths = page_and_script_paths() + engine_files(site_dir)
    assert any(p.endswith("pyodide.asm.wasm") for p in paths) and any(p.endswith("wizard.zip") for p in paths)
    for path in paths:
        try:
            _, headers, _ = fetch(nginx_url + path)
        except urllib.error.HTTPError as error:  # the 404 page: headers all the same
            assert path == "no-such-page/", (path, error)
            headers = {k.lower(): v for k, v in error.headers.items()}
        assert headers.get("content-security-policy") == policy, path
        assert headers.get("x-content-type-options") == "nosniff", path
        assert headers.get("referrer-policy") == "no-referrer", path
        assert headers.get("strict-transport-security") == "max-age=31536000", path
        engine = path.startswith(("pyodide/", "assets/wizard/"))
        assert ("immutable" in headers.get("cache-control", "")) == engine, path


@pytest.mark.parametrize(("suffix", "media_type"), [("pyodide.asm.wasm", "application/wasm"),
                                                     ("pyodide.asm.mjs", "text/javascript"),
                                                     ("snapshot-delta.mjs", "text/javascript")])
def test_the_big_files_go_out_pre_compressed_with_their_own_type(nginx_url: str, site_dir: Path,
                                                                  suffix: str, media_type: str) -> None:
    path = next(p for p in engine_files(site_dir) if p.endswith(suffix))
    _, headers, body = fetch(nginx_url + path)
    assert headers["content-type"] == media_type
    assert headers.get("content-encoding") == "gzip"
    assert body == (site_dir / f"{path}.gz").read_bytes()
    _, plain_headers, plain = fetch(nginx_url + path, gzip=False)
    assert "content-encoding" not in plain_headers and plain == (site_dir / path).read_bytes()

