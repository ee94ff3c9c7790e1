// The wizard's rule engine: the Python package `wizard`, run by self-hosted Pyodide in a module
// Web Worker so the page never freezes. Pyodide 314 supports only module workers.
// Messages in:  {id, answers}           (answers: {question key: answer value})
// Messages out: {type: "ready"} | {type: "failed", message} | {type: "result", id, result | failed}
import { loadPyodide } from "../../pyodide/pyodide.mjs";

const messageOf = (error) => String((error && error.message) || error);

// Pyodide 314's loader catches a failed WebAssembly instantiation (the .wasm not downloaded, or
// blocked) and only logs "wasm instantiation failed!" with console.warn; its promise never settles.
// Watch for that warning during start-up so the reader is told instead of waiting forever.
let startFailed;
const failedStart = new Promise((_, reject) => { startFailed = reject; });
const warn = console.warn;
console.warn = (...args) => {
  if (String(args[0]).includes("wasm instantiation failed")) startFailed(new Error("Pyodide's WebAssembly could not be loaded"));
  warn.apply(console, args);
};

// The smallest valid WebAssembly module: compiling it fails at once where WebAssembly is blocked
// (for example a Content-Security-Policy without 'wasm-unsafe-eval').
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

const PYODIDE_URL = new URL("../../pyodide/", import.meta.url).href;

const engine = (async () => {
  await WebAssembly.compile(EMPTY_MODULE);
  const [pyodide, archive] = await Promise.all([
    // packageBaseUrl: never fall back to Pyodide's CDN (the engine loads no packages anyway).
    Promise.race([loadPyodide({ indexURL: PYODIDE_URL, packageBaseUrl: PYODIDE_URL }), failedStart]),
    fetch(new URL("../wizard/wizard.zip", import.meta.url)).then((response) => {
      if (!response.ok) throw new Error(`the wizard's rules could not be downloaded (HTTP ${response.status})`);
      return response.arrayBuffer();
    }),
  ]);
  pyodide.unpackArchive(archive, "zip", { extractDir: "/home/pyodide/wizard-app" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/wizard-app')");
  console.warn = warn;
  return pyodide.pyimport("wizard.browser");
})();

engine.then(
  () => postMessage({ type: "ready" }),
  (error) => postMessage({ type: "failed", message: messageOf(error) }),
);

onmessage = async ({ data }) => {
  try {
    const browser = await engine;
    const result = JSON.parse(browser.evaluate_json(JSON.stringify(data.answers)));
    postMessage({ type: "result", id: data.id, result });
  } catch (error) {
    postMessage({ type: "result", id: data.id, failed: messageOf(error) });
  }
};
