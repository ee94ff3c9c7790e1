"""The snapshot's file format helpers (sitegen/snapshot-delta.mjs), run in Node against Python's own."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parent.parent / "sitegen" / "snapshot-delta.mjs"


@pytest.mark.parametrize("length", [0, 1, 55, 56, 63, 64, 65, 1000, 100_003])
def test_the_scripts_own_sha256_is_sha256(length: int) -> None:
    """Used where browsers offer no crypto.subtle (a plain-HTTP intranet): it must be the real thing."""
    node = shutil.which("node")
    assert node, "Node.js is needed (the build needs it too)"
    script = (f"import {{ sha256InScript }} from {json.dumps(MODULE.as_uri())};\n"
              f"const bytes = new Uint8Array({length}).map((_, i) => (i * 31 + 7) & 255);\n"
              "process.stdout.write(Buffer.from(sha256InScript(bytes)).toString('hex'));\n")
    done = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    expected = hashlib.sha256(bytes((i * 31 + 7) & 255 for i in range(length))).hexdigest()
    assert done.stdout == expected
