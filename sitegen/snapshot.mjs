// Make a Pyodide memory snapshot with the wizard engine already imported, at build time.
// Usage: node sitegen/snapshot.mjs PYODIDE_DIR ENGINE_ZIP OUTPUT ARCHIVE_SHA256
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
writeFileSync(output, await encode(pyodide.makeMemorySnapshot(), initial));
