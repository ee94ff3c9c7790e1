"""The big Pyodide files are shipped pre-compressed, and a gzip_static-style server serves them."""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitegen.engine_assets.browser_assets import PRECOMPRESS, EngineSnapshot, engine_zip
from sitegen.source.sources import load_sources


@pytest.mark.parametrize("pattern", PRECOMPRESS)
def test_precompressed_copy_matches_the_original(site_dir: Path, pattern: str) -> None:
    [source] = site_dir.glob(pattern)
    original = source.read_bytes()
    compressed = source.with_name(source.name + ".gz").read_bytes()
    assert gzip.decompress(compressed) == original
    assert len(compressed) < len(original)


def test_wasm_is_served_compressed_with_its_mime_type(site_url: str, site_dir: Path) -> None:
    [wasm] = site_dir.glob("pyodide/*/pyodide.asm.wasm")
    path = wasm.relative_to(site_dir).as_posix()
    request = urllib.request.Request(f"{site_url}{path}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"] == "application/wasm"
        assert response.headers["Content-Encoding"] == "gzip"
        body = response.read()
    assert gzip.decompress(body) == wasm.read_bytes()
    assert len(body) < 0.5 * wasm.stat().st_size


def test_a_compressed_copy_can_be_revalidated_like_nginx_serves_it(site_url: str, site_dir: Path) -> None:
    """The test server stands in for nginx's gzip_static, which sends the .gz file's Last-Modified:
    a second visit revalidates the theme's scripts (304) instead of downloading them again."""
    [bundle] = site_dir.glob("assets/javascripts/bundle.*.min.js")
    url = f"{site_url}{bundle.relative_to(site_dir).as_posix()}"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Content-Type"] == "text/javascript"
        modified = response.headers["Last-Modified"]
    again = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", "If-Modified-Since": modified})
    with pytest.raises(urllib.error.HTTPError) as revalidated:
        urllib.request.urlopen(again)
    assert revalidated.value.code == 304


def test_the_engine_files_live_in_versioned_folders(site_dir: Path) -> None:
    """Servers can cache them for a year: a new Pyodide or new rules means a new address."""
    version = json.loads((Path(__file__).parent.parent / "node_modules" / "pyodide" / "package.json").read_text())
    assert (site_dir / "pyodide" / version["version"] / "pyodide.asm.wasm").is_file()
    [engine] = site_dir.glob("assets/wizard/*/wizard.zip")
    for name in ("engine.snapshot.gz", "stdlib-after-snapshot.zip", "snapshot-delta.mjs"):
        assert (engine.parent / name).is_file(), name
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    folder = engine.parent.relative_to(site_dir).as_posix()
    assert f'<meta name="wizard-engine" content="pyodide/{version["version"]}/ {folder}/">' in html


def test_pyodides_lock_file_lists_no_package_the_site_does_not_serve(site_dir: Path) -> None:
    """Pyodide reads the lock file on every start; the site serves no package, so it lists none
    (120 kB less to parse) but keeps what Pyodide checks (the ABI version)."""
    pyodide = Path(__file__).parent.parent / "node_modules" / "pyodide"
    installed = json.loads((pyodide / "pyodide-lock.json").read_text())
    [published] = site_dir.glob("pyodide/*/pyodide-lock.json")
    lock = json.loads(published.read_text())
    assert installed["packages"] and lock["packages"] == {}
    assert lock["info"] == installed["info"]
    assert not list(site_dir.glob("pyodide/*/*.whl"))


def test_the_snapshot_is_the_same_size_on_every_build(site_dir: Path) -> None:
    """Made while the pages render; a fixed hash seed keeps its size steady (the 9 MB download budget)."""
    archive = (next(site_dir.glob("assets/wizard/*/wizard.zip"))).read_bytes()
    built = next(site_dir.glob("assets/wizard/*/engine.snapshot.gz")).read_bytes()
    again = EngineSnapshot(archive).result()
    assert abs(len(again) - len(built)) < 1000


def test_the_snapshot_leaves_out_what_freed_objects_left_in_memory(site_dir: Path) -> None:
    """The build zeroes the C heap's free chunks before the snapshot (sitegen/engine_assets/snapshot.mjs): left
    as they were, they hold about 3 MB of dead objects, 1 MB of download once gzipped (4.7 MB)."""
    snapshot = next(site_dir.glob("assets/wizard/*/engine.snapshot.gz")).stat().st_size
    assert snapshot < 4_200_000, f"the snapshot grew to {snapshot:,} bytes"


def test_a_failed_build_stops_the_snapshot_and_leaves_no_files() -> None:
    job = EngineSnapshot(engine_zip(load_sources().rules.data))
    work = Path(job._work.name)
    assert work.is_dir()
    job.cancel()
    assert job._node.poll() is not None and not work.exists()
