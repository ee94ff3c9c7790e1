"""What the browser needs to run the wizard: the engine as a zip, and Pyodide's core, self-hosted."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
# Pyodide's core only: no package wheels, so nothing is ever fetched from a CDN.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
# The modules the browser imports; the CLI (cli.py, __main__.py) stays out of the download.
ENGINE_MODULES = ("__init__.py", "conditions.py", "engine.py", "graph.py", "model.py", "browser.py")
ZIP_DATE = (2010, 2, 25, 0, 0, 0)  # fixed timestamps keep the zip byte-identical between builds


def engine_zip(rules: dict[str, Any]) -> bytes:
    """The `wizard` package and the compiled rules, as one zip for `pyodide.unpackArchive`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ENGINE_MODULES:
            source = (ROOT / "wizard" / name).read_text(encoding="utf-8")
            archive.writestr(zipfile.ZipInfo(f"wizard/{name}", ZIP_DATE), source)
        archive.writestr(zipfile.ZipInfo("rules.json", ZIP_DATE), json.dumps(rules, separators=(",", ":")))
    return buffer.getvalue()


# Pyodide's loader falls back to this CDN for packages missing from the local distribution. The
# wizard loads none, and the worker also sets packageBaseUrl to our own copy; removing the default
# keeps every address of another host out of the built site.
CDN_DEFAULT = "`https://cdn.jsdelivr.net/pyodide/v${U}/full/`"


def pyodide_loader() -> str:
    """pyodide.mjs without its CDN default; fails the build if a Pyodide upgrade moved that code."""
    text = (PYODIDE_DIR / "pyodide.mjs").read_text(encoding="utf-8")
    if text.count(CDN_DEFAULT) != 1:
        raise ValueError("pyodide.mjs no longer has the expected CDN default; review "
                         "sitegen/engine_assets/browser_assets.py (CDN_DEFAULT) against the new Pyodide release")
    return text.replace(CDN_DEFAULT, '"./"')


def pyodide_lock() -> str:
    """pyodide-lock.json without its package list.

    The site serves Pyodide's core and none of the 357 packages the list names, so a loader could
    never fetch them anyway; Pyodide still needs the file's `info` (it checks the ABI version). Every
    start then reads a few hundred bytes instead of parsing 120 kB.
    """
    lock = json.loads((PYODIDE_DIR / "pyodide-lock.json").read_text(encoding="utf-8"))
    return json.dumps({**lock, "packages": {}}, indent=1)


def pyodide_files() -> list[Path]:
    """The Pyodide core files from the pinned npm package; a missing one means `npm ci` did not run."""
    missing = [name for name in PYODIDE_FILES if not (PYODIDE_DIR / name).is_file()]
    if missing:
        raise FileNotFoundError(f"Pyodide is not installed ({', '.join(missing)} missing from {PYODIDE_DIR}). "
                                "Run `python3 build.py setup` (it runs `npm ci`).")
    return [PYODIDE_DIR / name for name in PYODIDE_FILES]


def empty_stdlib() -> bytes:
    """What the snapshot start gets as Python's standard library: an empty zip.

    The snapshot already holds every module the engine imports (nothing is imported after it, as the
    browser tests show over every scenario), and Pyodide only writes this file where the library zip
    goes. Saves readers the 2.5 MB python_stdlib.zip on the usual start; a start from scratch still
    downloads the real one.
    """
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    return buffer.getvalue()


# The code that makes the snapshot and fixes its format (read back by the worker).
HERE = Path(__file__).resolve().parent
SNAPSHOT_CODE = (HERE / "snapshot.mjs", HERE / "snapshot-delta.mjs")


class EngineSnapshot:
    """A Pyodide memory snapshot with the engine imported, made in the background (Node, then gzip:
    about 5 s) while MkDocs renders the pages: the worker starts ~3x faster from it.

    Made from the same engine zip; it records the zip's SHA-256, so a browser never uses a snapshot of
    another engine or other rules (say, a stale cached copy). Stored as sitegen/engine_assets/snapshot-delta.mjs
    describes and gzipped (31 MB to 4.7 MB), then decompressed by the worker, because many servers
    would not compress an unknown type.
    """

    def __init__(self, archive: bytes):
        node = shutil.which("node")
        if node is None:
            raise FileNotFoundError("Node.js is needed to build the wizard's Pyodide snapshot; install Node.js 20+.")
        self._work = tempfile.TemporaryDirectory()
        zip_path, self._output = Path(self._work.name) / "wizard.zip", Path(self._work.name) / "engine.snapshot"
        zip_path.write_bytes(archive)
        self._node = subprocess.Popen(
            [node, str(SNAPSHOT_CODE[0]), str(PYODIDE_DIR), str(zip_path), str(self._output),
             hashlib.sha256(archive).hexdigest()], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._pool = ThreadPoolExecutor(max_workers=1)  # zlib releases the GIL: pages go on rendering
        self._gzipped = self._pool.submit(self._finish)

    def _finish(self) -> bytes:
        _, errors = self._node.communicate()
        if self._node.returncode != 0:
            # Node prints the whole minified line an error came from; keep the lines a person can read.
            readable = "\n".join(line for line in errors.splitlines() if len(line) < 500)
            raise RuntimeError(f"Making the wizard's Pyodide snapshot failed:\n{readable[-3000:]}")
        return gzip.compress(self._output.read_bytes(), compresslevel=9, mtime=0)

    def result(self) -> bytes:
        """The gzipped snapshot, once made; RuntimeError with Node's message if it failed."""
        try:
            return self._gzipped.result()
        finally:
            self._pool.shutdown()
            self._work.cleanup()

    def cancel(self) -> None:
        """The build failed elsewhere: stop Node and remove its files."""
        self._node.kill()
        self._pool.shutdown()
        self._work.cleanup()


def integrity(content: bytes) -> str:
    """Subresource Integrity metadata for a file's bytes: "sha256-<base64>"."""
    return "sha256-" + base64.b64encode(hashlib.sha256(content).digest()).decode()


WORKER = ROOT / "docs" / "assets" / "javascripts" / "wizard-worker.js"


def engine_integrity(archive: bytes) -> str:
    """The SHA-256 of each file the engine runs, as the page's `wizard-integrity` meta says it:
    "name=sha256-... name=sha256-...". The worker script (checked by wizard-engine.js), Pyodide's
    loader and runtime, the snapshot's reader (checked before the worker imports them) and the data
    files (fetched with `integrity`): the browser refuses bytes that differ, so a corrupted or
    altered download is never run."""
    files = {"wizard-worker.js": WORKER.read_bytes(),
             "pyodide.mjs": pyodide_loader().encode(),
             "pyodide.asm.mjs": (PYODIDE_DIR / "pyodide.asm.mjs").read_bytes(),
             "pyodide.asm.wasm": (PYODIDE_DIR / "pyodide.asm.wasm").read_bytes(),
             "python_stdlib.zip": (PYODIDE_DIR / "python_stdlib.zip").read_bytes(),
             "pyodide-lock.json": pyodide_lock().encode(), "wizard.zip": archive,
             "stdlib-after-snapshot.zip": empty_stdlib(),
             "snapshot-delta.mjs": SNAPSHOT_CODE[1].read_bytes()}
    recorded = " ".join(f"{name}={integrity(content)}" for name, content in files.items())
    return f"{recorded} {SNAPSHOT_PENDING}"


# The snapshot is made while the pages render: its two hashes (as served, gzipped, and as some servers
# send it, decoded) replace this in every page once it exists (`record_snapshot_integrity`). Left
# as it is (previews make no snapshot), it matches no file, so no snapshot is ever used unchecked.
SNAPSHOT_PENDING = "engine.snapshot.gz=sha256-pending engine.snapshot=sha256-pending"


def record_snapshot_integrity(site_dir: Path, snapshot_gz: bytes) -> None:
    """Put the snapshot's SHA-256 (gzipped and decoded) into every built page."""
    recorded = (f"engine.snapshot.gz={integrity(snapshot_gz)} "
                f"engine.snapshot={integrity(gzip.decompress(snapshot_gz))}")
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if SNAPSHOT_PENDING in text:
            page.write_text(text.replace(SNAPSHOT_PENDING, recorded), encoding="utf-8")


def asset_folders(archive: bytes) -> dict[str, str]:
    """Where the engine's big files live, named by version so servers can cache them for a year.

    Pyodide's files change only with its pinned version; the engine zip, snapshot and stub library
    change with the rules and the engine (and the snapshot with Pyodide and with the code that
    writes it), so their folder is named by a hash of all three. A new version is a new address: no
    reader ever gets a stale cached copy.
    """
    version = json.loads((PYODIDE_DIR / "package.json").read_text(encoding="utf-8"))["version"]
    snapshot_format = b"".join(path.read_bytes() for path in SNAPSHOT_CODE)  # a new format, a new address
    engine = hashlib.sha256(archive + version.encode() + snapshot_format).hexdigest()[:12]
    return {"pyodide": f"pyodide/{version}/", "engine": f"assets/wizard/{engine}/"}


# Files worth serving compressed (every page loads the theme's); python_stdlib.zip is already compressed.
PRECOMPRESS = ("pyodide/*/pyodide.asm.wasm", "pyodide/*/pyodide.asm.mjs", "pyodide/*/pyodide.mjs",
               "search/search_index.json", "assets/wizard/*/snapshot-delta.mjs",
               "assets/stylesheets/main.*.min.css", "assets/javascripts/bundle.*.min.js",
               "assets/javascripts/wizard.js", "assets/stylesheets/policy-site.css")


def precompress(site_dir: Path) -> None:
    """Write `.gz` beside the big files, for servers that serve them as-is (nginx `gzip_static on`)."""
    for pattern in PRECOMPRESS:
        for source in site_dir.glob(pattern):
            source.with_name(source.name + ".gz").write_bytes(
                gzip.compress(source.read_bytes(), compresslevel=9, mtime=0))
