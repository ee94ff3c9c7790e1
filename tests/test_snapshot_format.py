"""The snapshot's file format helpers (sitegen/engine_assets/snapshot-delta.mjs), run in Node against Python's own."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest

from sitegen.engine_assets.browser_assets import SNAPSHOT_CODE

MODULE = SNAPSHOT_CODE[1]  # sitegen/engine_assets/snapshot-delta.mjs


def run_in_node(script: str) -> str:
    """What an ES module script prints, run by Node."""
    node = shutil.which("node")
    assert node, "Node.js is needed (the build needs it too)"
    return subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("length", [0, 1, 55, 56, 63, 64, 65, 1000, 100_003])
def test_the_scripts_own_sha256_is_sha256(length: int) -> None:
    """Used where browsers offer no crypto.subtle (a plain-HTTP intranet): it must be the real thing."""
    script = (f"import {{ sha256InScript }} from {json.dumps(MODULE.as_uri())};\n"
              f"const bytes = new Uint8Array({length}).map((_, i) => (i * 31 + 7) & 255);\n"
              "process.stdout.write(Buffer.from(sha256InScript(bytes)).toString('hex'));\n")
    expected = hashlib.sha256(bytes((i * 31 + 7) & 255 for i in range(length))).hexdigest()
    assert run_in_node(script) == expected


ROUND_TRIP = """
import { decode, encode, SnapshotMismatch } from %(module)s;
const PAGE = 4096, AT = 144;  // Pyodide's snapshot: its header (memory offset in the second word), then the memory
// The starting memory: the binary's static data from 1 kB to 40 kB, zeros after.
const initial = new Uint8Array(24 * PAGE);
for (let i = 1024; i < 40000; i += 1) initial[i] = (i * 7 + 3) & 255;
// Python's memory at the snapshot: two pages of that data changed, a heap above it, zero pages between.
const memory = initial.slice();
for (let i = 5 * PAGE + 10; i < 5 * PAGE + 30; i += 1) memory[i] ^= 0x5a;
memory[9 * PAGE + 4095] = 1;
for (let i = 16 * PAGE; i < 18 * PAGE + 100; i += 1) memory[i] = (i * 13) & 255;
const snapshot = new Uint8Array(AT + memory.length);
new DataView(snapshot.buffer).setUint32(4, AT, true);
snapshot.set(memory, AT);
const file = await encode(snapshot, initial);
const chunks = (bytes) => new ReadableStream({  // as a download delivers it: in uneven pieces
  start(controller) {
    for (let at = 0; at < bytes.length; at += 1000) controller.enqueue(bytes.slice(at, at + 1000));
    controller.close();
  },
});
const restored = async (startingMemory) => {
  const read = await decode(chunks(file));
  try {
    await read.restore(startingMemory);
  } catch (error) {
    return error instanceof SnapshotMismatch ? "mismatch" : String(error);
  }
  return read.snapshot.every((byte, i) => byte === snapshot[i]) ? "same" : "different";
};
const otherBinary = (page) => { const other = initial.slice(); other[page * PAGE + 7] ^= 1; return other; };
process.stdout.write(JSON.stringify({
  size: file.length,
  same: await restored(initial),
  untouchedPageDiffers: await restored(otherBinary(2)),
  changedPageDiffers: await restored(otherBinary(5)),
}));
"""


def test_a_snapshot_reads_back_exactly_and_only_over_its_own_binary() -> None:
    """Encoded by the build and decoded by the worker (in uneven pieces, as it downloads), the memory
    comes back byte for byte. Over another binary's starting memory it is refused, whether that
    binary differs in a page Python changed or one it left alone."""
    result = json.loads(run_in_node(ROUND_TRIP % {"module": json.dumps(MODULE.as_uri())}))
    assert result == {"size": result["size"], "same": "same", "untouchedPageDiffers": "mismatch",
                      "changedPageDiffers": "mismatch"}
    assert result["size"] < 8 * 4096  # only the pages that are not zeros once XORed are stored
