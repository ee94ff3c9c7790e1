// Make a Pyodide memory snapshot with the wizard engine already imported, at build time.
// Usage: node sitegen/engine_assets/snapshot.mjs PYODIDE_DIR ENGINE_ZIP OUTPUT ARCHIVE_SHA256
// The worker (docs/assets/javascripts/wizard-worker.js) restores it instead of starting Python from
// scratch, and uses it only when ARCHIVE_SHA256 matches the engine zip it downloaded. The memory is
// stored as snapshot-delta.mjs describes.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { encode, watchInstantiation } from "./snapshot-delta.mjs";

const [pyodideDir, zipPath, output, archiveSha256] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(`${pyodideDir}/pyodide.mjs`).href);
let initial = null;
watchInstantiation((memory) => { initial = new Uint8Array(memory.buffer).slice(); });
// A fixed hash seed makes the snapshot the same on every build (the engine hashes only the reader's own answers).
const pyodide = await loadPyodide({ indexURL: `${pyodideDir}/`, _makeSnapshot: true, env: { PYTHONHASHSEED: "0" } });
if (initial === null) throw new Error("Pyodide's WebAssembly memory was not seen at instantiation");
pyodide.unpackArchive(new Uint8Array(readFileSync(zipPath)), "zip", { extractDir: "/home/pyodide/wizard-app" });
pyodide.runPython(`
import sys
sys.path.insert(0, "/home/pyodide/wizard-app")
import wizard.browser
wizard.browser.ARCHIVE_SHA256 = "${archiveSha256}"
# The engine builds each interview state on first use: built here, they are in the snapshot.
for answers in wizard.browser.warm_up_answers():
    wizard.browser.evaluate_json(answers)
`);
zeroFreeMemory(pyodide._module);
writeFileSync(output, await encode(pyodide.makeMemorySnapshot(), initial));

/* The C heap's free chunks still hold what freed objects left there (about 3 MB). Zeroed, most of
   their pages are all zeros, which the file leaves out: about 1 MB less to download and inflate.
   Only memory that malloc hands out is written, and all of it is freed again, so the heap stays as
   consistent as it was. Never more than the memory already has: the snapshot keeps its size. */
function zeroFreeMemory(module) {
  const top = module._sbrk(0); // malloc's memory ends here; beyond it, memory was never used
  const taken = [];
  for (let size = 1 << 22; size >= 8; size >>= 1) {
    if (top + size + 65536 > module.HEAPU8.length) continue; // might need more memory
    for (;;) {
      const pointer = module._malloc(size);
      if (!pointer) break;
      if (pointer + size > top) { // new memory from sbrk: zeros already
        module._free(pointer);
        break;
      }
      module.HEAPU8.fill(0, pointer, pointer + size);
      taken.push(pointer);
    }
  }
  taken.forEach((pointer) => module._free(pointer));
  module._malloc_trim(0);
}
