// The wizard's rule engine: the Python package `wizard`, run by self-hosted Pyodide in a module
// Web Worker so the page never freezes. Pyodide 314 supports only module workers.
// Messages in:  {id, answers}           (answers: {question key: answer value})
//               {wasm}, {snapshot}       (Pyodide's compiled WebAssembly and the snapshot's bytes, which
//                                         the page downloads for the worker: see wizard-engine.js)
// Messages out: {type: "ready", start, memory} | {type: "failed", message} | {type: "result", id, result | failed}
//               | {type: "snapshot-unused"} (the page may stop downloading it)
// The page passes the versioned folders of Pyodide and of the engine, as addresses (see wizard-engine.js).
const params = new URL(import.meta.url).searchParams;
const SITE = new URL("../../", import.meta.url);
const PYODIDE_URL = new URL(params.get("pyodide"), SITE).href; // the page always passes both
const ENGINE_URL = new URL(params.get("engine"), SITE).href;
// The SHA-256 the build recorded for each data file fetched here (wizard-engine.js passes the page's
// list): every fetch of one of them carries it, so the browser refuses bytes that differ.
const ENGINE_FILES = new Set(["wizard.zip", "stdlib-after-snapshot.zip", "snapshot-delta.mjs"]);
const INTEGRITY = new Map((params.get("integrity") || "").split(" ").filter(Boolean).map((item) => {
  const name = item.slice(0, item.indexOf("="));
  const url = new URL(name, ENGINE_FILES.has(name) ? ENGINE_URL : PYODIDE_URL);
  return [url.href, item.slice(item.indexOf("=") + 1)];
}));
const nativeFetch = self.fetch.bind(self); // before Pyodide's own requests are routed below
const fetchChecked = (resource, options = {}) => {
  const expected = INTEGRITY.get(new URL(resource instanceof Request ? resource.url : resource, SITE).href);
  return nativeFetch(resource, expected ? { ...options, integrity: expected } : options);
};
// A module is imported only once its bytes have matched the build's record: fetched first with its
// `integrity` (the browser refuses bytes that differ), then imported from the browser's cache, which
// now holds exactly those bytes. Without a record (a preview) it is imported as it is.
const importChecked = async (url) => {
  if (INTEGRITY.has(url)) {
    let response;
    try {
      response = await fetchChecked(url);
    } catch {
      throw new Error(`${url.slice(url.lastIndexOf("/") + 1)} could not be downloaded intact (a broken `
        + "download, or a file that differs from the one the site published)");
    }
    if (!response.ok) throw new Error(`${url} could not be downloaded (HTTP ${response.status})`);
    await response.arrayBuffer();
  }
  return import(url);
};
// No top-level await: the module must finish evaluating (and set onmessage below) at once, or a
// request the page sends while Pyodide's loader is still downloading could be dispatched to no one.
const loader = importChecked(`${PYODIDE_URL}pyodide.mjs`);
// Pyodide's runtime, which its loader would import unchecked: checked here and handed to it.
const runtime = importChecked(`${PYODIDE_URL}pyodide.asm.mjs`);
// How the snapshot is stored (sitegen/engine_assets/snapshot-delta.mjs), versioned with it: fetched alongside the loader.
const snapshotDelta = importChecked(new URL("snapshot-delta.mjs", ENGINE_URL).href);
runtime.catch(() => {}); // awaited, and reported, by whichever start uses it
snapshotDelta.catch(() => {});
const APP_DIR = "/home/pyodide/wizard-app";
const messageOf = (error) => String((error && error.message) || error);

// Pyodide 314's loader catches a failed WebAssembly instantiation (the .wasm not downloaded, or
// blocked, or a snapshot that does not match it) and only logs "wasm instantiation failed!" with
// console.warn; its promise never settles. Watch for that warning during each start so the reader is
// told, or the next way to start is tried, instead of waiting forever.
class StartFailure extends Error {}
let instantiationFailed = () => {};
const warn = console.warn;
console.warn = (...args) => {
  if (String(args[0]).includes("wasm instantiation failed")) instantiationFailed();
  warn.apply(console, args);
};

// The smallest valid WebAssembly module: compiling it fails at once where WebAssembly is blocked
// (for example a Content-Security-Policy without 'wasm-unsafe-eval').
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const wasmBlocked = (() => { // the reason, or null
  try {
    new WebAssembly.Module(EMPTY_MODULE); // compiled only to see whether it may be
    return null;
  } catch (error) {
    return error;
  }
})();

// Pyodide compiles its 9.6 MB of WebAssembly only once its 1.3 MB of JavaScript has loaded. The page
// (wizard-engine.js) downloads and compiles it from the start instead, alongside, and sends the
// module here; Pyodide is handed that module: its own request for the file gets an empty stand-in
// (so the file crosses the network once), and its instantiation of that stand-in gets the compiled
// module (or, if compiling failed, the real file, instantiated as usual). Other WebAssembly is left alone.
const WASM_URL = new URL("pyodide.asm.wasm", PYODIDE_URL).href;
const fetchFromNetwork = fetchChecked;
let receiveModule = () => {};
const compiled = wasmBlocked === null ? new Promise((resolve) => { receiveModule = resolve; }) : null;
const standIns = new WeakSet();
self.fetch = (resource, options) => {
  if (compiled === null || new URL(resource instanceof Request ? resource.url : resource, SITE).href !== WASM_URL) {
    return fetchFromNetwork(resource, options);
  }
  const standIn = new Response(null, { headers: { "Content-Type": "application/wasm" } });
  standIns.add(standIn);
  return Promise.resolve(standIn);
};
const { instantiate, instantiateStreaming } = WebAssembly;
WebAssembly.instantiateStreaming = async (source, imports) => {
  const response = await source;
  if (!standIns.has(response)) return instantiateStreaming.call(WebAssembly, response, imports);
  const module = await compiled;
  if (!module) return instantiateStreaming.call(WebAssembly, fetchFromNetwork(WASM_URL), imports);
  return { module, instance: await instantiate.call(WebAssembly, module, imports) };
};

/* The snapshot's plain bytes, as the page sends them (wizard-engine.js): `available` resolves to
   whether it could be downloaded, `bytes` is the stream of them. */
const snapshotFromPage = (() => {
  let settle;
  let controller;
  const available = new Promise((resolve) => { settle = resolve; });
  const bytes = new ReadableStream({ start(control) { controller = control; } });
  const accept = ({ ok, chunk, end, failed }) => {
    if (ok !== undefined) settle(ok);
    else if (chunk) controller.enqueue(chunk);
    else if (end) controller.close();
    else if (failed !== undefined) {
      settle(false);
      controller.error(new Error(`the snapshot could not be downloaded: ${failed}`));
    }
  };
  return { available, bytes, accept };
})();

/* `whyFailed` names a cause of a failed instantiation that another start may not share; without one,
   the WebAssembly itself failed and no start would work. */
const start = async (options, whyFailed = () => null) => {
  const { loadPyodide } = await loader;
  const createPyodideModule = (await runtime).default;
  const failed = new Promise((_, reject) => {
    instantiationFailed = () => reject(whyFailed() ?? new StartFailure("Pyodide's WebAssembly could not be loaded"));
  });
  // packageBaseUrl: never fall back to Pyodide's CDN (the engine loads no packages anyway).
  return Promise.race([loadPyodide({ indexURL: PYODIDE_URL, packageBaseUrl: PYODIDE_URL, createPyodideModule,
    ...options }), failed]);
};

const hex = (bytes) => [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");

/* Fastest: restore the build's memory snapshot, with the engine already imported (about 3x faster
   than starting Python). Used only if it was made from the very engine zip this site serves, and,
   once its memory is rebuilt from the way it is stored, only if that is exact. */
async function fromSnapshot(archive) {
  if (!(await snapshotFromPage.available)) return null;
  let mismatch = null;
  let unwatch = () => {};
  try {
    const { decode, sha256, watchInstantiation } = await snapshotDelta;
    const stored = decode(snapshotFromPage.bytes); // resolves once its header is read; Pyodide starts meanwhile
    unwatch = watchInstantiation(async (memory) => {
      try {
        await (await stored)?.restore(new Uint8Array(memory.buffer));
      } catch (error) {
        mismatch = error;
        throw error;
      }
    });
    // The snapshot holds every module the engine imports: the 2.5 MB standard library zip is not needed.
    const stdLibURL = new URL("stdlib-after-snapshot.zip", ENGINE_URL).href;
    const snapshot = stored.then((read) => read?.snapshot ?? Promise.reject(new Error("not a snapshot of this site")));
    snapshot.catch(() => {}); // Pyodide may fail before it asks for it; reported below either way
    const pyodide = await start({ _loadSnapshot: snapshot, stdLibURL }, () => mismatch);
    const browser = pyodide.pyimport("wizard.browser");
    if (browser.ARCHIVE_SHA256 !== hex(await sha256(new Uint8Array(await archive)))) return null; // a stale snapshot
    return { browser, pyodide };
  } catch (error) {
    if (error instanceof StartFailure) throw error; // no start would work: tell the reader
    warn.call(console, "The wizard's Pyodide snapshot could not be used; starting Python instead.", error);
    postMessage({ type: "snapshot-unused" }); // the page stops downloading it
    return null;
  } finally {
    unwatch();
  }
}

async function fromScratch(archive) {
  const engineZip = await archive; // no Python start without the rules
  const pyodide = await start({});
  pyodide.unpackArchive(engineZip, "zip", { extractDir: APP_DIR });
  pyodide.runPython(`import sys; sys.path.insert(0, '${APP_DIR}')`);
  return { browser: pyodide.pyimport("wizard.browser"), pyodide };
}

const engine = (async () => {
  if (wasmBlocked) throw wasmBlocked;
  const archive = fetchChecked(new URL("wizard.zip", ENGINE_URL).href).then((response) => {
    if (!response.ok) throw new Error(`the wizard's rules could not be downloaded (HTTP ${response.status})`);
    return response.arrayBuffer();
  }, () => {
    throw new Error("the wizard's rules could not be downloaded intact (a broken download, or a file that "
      + "differs from the one the site published)");
  });
  archive.catch(() => {}); // awaited, and reported, by whichever start uses it
  const snapshotted = await fromSnapshot(archive);
  const { browser, pyodide } = snapshotted || await fromScratch(archive);
  console.warn = warn;
  // The engine's WebAssembly memory, for the benchmark (Pyodide exposes no public figure for it).
  const memory = pyodide._module && pyodide._module.HEAP8 ? pyodide._module.HEAP8.byteLength : null;
  return { browser, start: snapshotted ? "snapshot" : "scratch", memory };
})();

engine.then(
  ({ browser, start: how, memory }) => {
    postMessage({ type: "ready", start: how, memory });
    // A task later: a reader's request already waiting (a link with every answer) goes first.
    setTimeout(() => {
      try {
        warmUp(browser.warm_up_answers().toJs());
      } catch (error) { // only slower: the reader's own evaluation does the warming
        warn.call(console, "The wizard's engine could not be warmed up.", error);
      }
    });
  },
  (error) => postMessage({ type: "failed", message: messageOf(error) }),
);

/* Evaluate a few answer sets while the reader is still answering (see warm_up_answers), one per
   task, so a reader's own request is never held up by more than one of them. */
function warmUp(sets) {
  if (!sets.length) return;
  setTimeout(() => {
    engine.then(({ browser }) => browser.evaluate_json(sets[0])).catch(() => {});
    warmUp(sets.slice(1));
  });
}

onmessage = async ({ data }) => {
  if ("wasm" in data) return receiveModule(data.wasm);
  if ("snapshot" in data) return snapshotFromPage.accept(data.snapshot);
  try {
    const { browser } = await engine;
    const result = JSON.parse(browser.evaluate_json(JSON.stringify(data.answers)));
    postMessage({ type: "result", id: data.id, result });
  } catch (error) {
    postMessage({ type: "result", id: data.id, failed: messageOf(error) });
  }
};
