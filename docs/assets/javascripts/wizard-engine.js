/* Starts the wizard's rule engine (Python under Pyodide, in one module Web Worker) when a reader
 * needs it, and not before: at once on the wizard page, and on any other page only when the reader
 * shows they are heading there (pointing at, focusing or touching a link to the wizard). A reader who
 * only reads the policy downloads none of Pyodide's megabytes. Once started, it also fetches the
 * worker's two big files for it (downloadForWorker, below). Loaded from <head>
 * (overrides/main.html), once per full page load: mkdocs-material's instant navigation keeps it, so
 * there is at most one worker per tab. wizard.js talks to it through window.__wizardEngine.
 */
(() => {
  "use strict";

  // This file lives at <site>/assets/javascripts/, which gives the site root wherever it is hosted.
  const siteRoot = new URL("../../", document.currentScript.src);
  const wizardPage = new URL("wizard/", siteRoot);
  // The versioned folders of Pyodide and of the engine (overrides/main.html), passed on to the worker.
  const [pyodideDir, engineDir] = (document.querySelector('meta[name="wizard-engine"]')?.content || "").split(" ");
  const pyodideBase = new URL(pyodideDir || "pyodide/", siteRoot);
  const engineBase = new URL(engineDir || "assets/wizard/", siteRoot);
  // The SHA-256 the build recorded for each data file the engine fetches ("name=sha256-... ..."):
  // fetched with `integrity`, a file whose bytes differ is refused by the browser, never run.
  const integrityList = document.querySelector('meta[name="wizard-integrity"]')?.content || "";
  const integrity = Object.fromEntries(integrityList.split(" ").filter(Boolean)
    .map((item) => [item.slice(0, item.indexOf("=")), item.slice(item.indexOf("=") + 1)]));
  const workerURL = new URL("assets/javascripts/wizard-worker.js", siteRoot);
  workerURL.search = new URLSearchParams({ pyodide: pyodideBase.href, engine: engineBase.href, integrity: integrityList });
  // Time limits, so a download that stalls never leaves a reader on "Working out your answer…": a
  // snapshot that sends nothing for SNAPSHOT_STALL ms is dropped and Python starts without it; an
  // engine not ready after START_LIMIT ms is reported as unable to start. (Tests may shorten the
  // second through window.__wizardStartLimit, set before this script runs.)
  const SNAPSHOT_STALL = 8000;
  const START_LIMIT = window.__wizardStartLimit || 120000;
  const state = { status: "idle", message: "", start: "", memory: null, worker: null, pending: new Map(), nextId: 1 };
  const listeners = new Set();
  const notify = () => listeners.forEach((listener) => listener(state.status));
  const fail = (message) => {
    state.status = "failed";
    state.message = message;
    state.pending.forEach(({ reject }) => reject(new Error(message)));
    state.pending.clear();
    notify();
  };

  const start = () => {
    if (state.status !== "idle") return;
    state.status = "starting";
    stopWatching();
    try {
      if (typeof WebAssembly !== "object") throw new Error("this browser does not run WebAssembly");
      const downloads = downloadForWorker();
      setTimeout(() => {
        if (state.status !== "starting") return;
        state.worker?.terminate();
        downloads.stopSnapshot();
        fail(`the rule engine did not start within ${Math.round(START_LIMIT / 1000)} seconds`);
      }, START_LIMIT);
      state.worker = new Worker(workerURL, { type: "module" });
      // A worker cannot be given `integrity`: its script is checked alongside (from the browser's
      // cache, usually), and the engine counts as ready only once it has matched the build's record.
      const workerChecked = integrity["wizard-worker.js"]
        ? fetch(workerURL, { integrity: integrity["wizard-worker.js"] }).then((response) => response.ok, () => false)
        : Promise.resolve(true);
      workerChecked.then((intact) => {
        if (intact || state.status === "failed") return;
        state.worker.terminate();
        downloads.stopSnapshot();
        fail("the rule engine's script could not be downloaded intact (a broken download, or a file that "
          + "differs from the one the site published)");
      });
      downloads.sendTo(state.worker);
      const receive = (data) => {
        if (data.type === "snapshot-unused") {
          downloads.stopSnapshot();
        } else if (data.type === "ready") {
          state.status = "ready";
          state.start = data.start; // "snapshot" or "scratch": how Python was started (tests, benchmarks)
          state.memory = data.memory; // bytes of WebAssembly memory (benchmarks)
          notify();
        } else if (data.type === "failed") {
          fail(data.message);
        } else if (data.type === "result") {
          const request = state.pending.get(data.id);
          state.pending.delete(data.id);
          if (request) data.failed ? request.reject(new Error(data.failed)) : request.resolve(data.result);
        }
      };
      // Nothing the worker says counts until its script has matched the build's record.
      state.worker.onmessage = ({ data }) => workerChecked.then((intact) => intact && receive(data));
      state.worker.onerror = (event) => fail(event.message || "the rule engine could not be loaded");
    } catch (error) {
      fail(error.message);
    }
    notify();
  };

  /* The engine's two big files are fetched here, on the page's thread, and handed to the worker:
     Pyodide's WebAssembly compiled as it streams in (one message: the module, or null if that
     failed), and the snapshot gunzipped as it arrives (messages {snapshot: {ok}}, then {chunk}s,
     then {end} or {failed}). The worker's own thread is left free for what only it can do, loading
     Pyodide's 1.3 MB of JavaScript: measured side by side, a second visit's verdict comes about
     10 % sooner (README, "Lowering the floor"). The gunzipping goes 64 kB at a time, each piece in
     a task of its own, so a reader's click never waits behind it. */
  function downloadForWorker() {
    const compiled = typeof WebAssembly.compileStreaming === "function"
      ? WebAssembly.compileStreaming(fetch(new URL("pyodide.asm.wasm", pyodideBase),
        { integrity: integrity["pyodide.asm.wasm"] || "" })).catch(() => null)
      : Promise.resolve(null);
    const snapshotDownload = new AbortController();
    let progress = performance.now();
    const watchdog = setInterval(() => {
      if (performance.now() - progress > SNAPSHOT_STALL) snapshotDownload.abort(new Error("the download stalled"));
    }, 1000);
    snapshotDownload.signal.addEventListener("abort", () => clearInterval(watchdog));
    const snapshot = typeof DecompressionStream === "function"
      ? fetch(new URL("engine.snapshot.gz", engineBase), { signal: snapshotDownload.signal }).catch(() => null)
      : Promise.resolve(null);
    return {
      sendTo(worker) {
        compiled.then((module) => worker.postMessage({ wasm: module }));
        const send = (message, bytes) => worker.postMessage({ snapshot: message }, bytes ? transferable(bytes) : []);
        snapshot.then(async (response) => {
          progress = performance.now();
          send({ ok: Boolean(response?.ok) });
          if (!response?.ok) return;
          const arrived = []; // the bytes as the server sent them, for the whole-file check
          for await (const bytes of plainBytes(response.body, arrived)) {
            progress = performance.now();
            send({ chunk: bytes }, bytes);
          }
          // The worker cannot finish rebuilding the snapshot before this end (it reads to the end of
          // the stream first): a file that differs from what the build recorded is never used.
          if (!(await recorded(arrived))) {
            send({ failed: "it differs from the snapshot the site published" });
            return;
          }
          send({ end: true });
        }).catch((error) => send({ failed: String(error?.message || error) }))
          .finally(() => clearInterval(watchdog));
      },
      stopSnapshot: () => snapshotDownload.abort(),
    };
  }
  /* Whether the snapshot's bytes, as they arrived, are the file the build recorded: gzipped as
     served, or already decoded by the server (both SHA-256 are in the page). */
  async function recorded(pieces) {
    const all = new Uint8Array(pieces.reduce((size, piece) => size + piece.length, 0));
    pieces.reduce((at, piece) => { all.set(piece, at); return at + piece.length; }, 0);
    const expected = integrity[all[0] === 0x1f && all[1] === 0x8b ? "engine.snapshot.gz" : "engine.snapshot"];
    if (!expected?.startsWith("sha256-")) return false;
    const digest = self.crypto?.subtle && self.isSecureContext
      ? new Uint8Array(await crypto.subtle.digest("SHA-256", all))
      : (await import(new URL("snapshot-delta.mjs", engineBase).href)).sha256InScript(all);
    return `sha256-${btoa(String.fromCharCode(...digest))}` === expected;
  }
  const transferable = (bytes) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer] : []);
  const nextTask = () => new Promise((resolve) => { // unlike setTimeout, never clamped to 4 ms
    const channel = new MessageChannel();
    channel.port1.onmessage = resolve;
    channel.port2.postMessage(null);
  });

  /* The snapshot's bytes, gunzipped on the way. It ships gzipped; a server may already have decoded
     it (then it lacks gzip's magic bytes). */
  async function* plainBytes(body, arrived) {
    const pieces = slices(body, 1 << 16, arrived);
    const first = await pieces.next();
    if (first.done) return;
    if (first.value[0] !== 0x1f || first.value[1] !== 0x8b) {
      yield first.value;
      yield* pieces;
      return;
    }
    const gunzip = new DecompressionStream("gzip");
    const writer = gunzip.writable.getWriter();
    const feeding = (async () => {
      for (let piece = first; !piece.done; piece = await pieces.next()) {
        await writer.write(piece.value);
        await nextTask();
      }
      await writer.close();
    })();
    feeding.catch(() => {}); // the same error fails the reading below
    const reader = gunzip.readable.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
    await feeding;
  }
  async function* slices(body, size, arrived) {
    const reader = body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      arrived.push(read.value); // kept as read: the slices below may be handed to the worker
      for (let at = 0; at < read.value.length; at += size) yield read.value.slice(at, at + size);
    }
  }

  /* Intent: a pointer over, focus on, or touch of a link to the wizard page starts the engine, so
     it has a head start of a few hundred milliseconds before the reader even arrives. */
  const leadsToWizard = (target) => {
    const link = target instanceof Element ? target.closest("a[href]") : null;
    if (!link) return false;
    const url = new URL(link.href, location.href);
    return url.origin === wizardPage.origin && url.pathname === wizardPage.pathname;
  };
  const INTENT = ["pointerover", "focusin", "touchstart"];
  const onIntent = (event) => { if (leadsToWizard(event.target)) start(); };
  function stopWatching() { INTENT.forEach((type) => document.removeEventListener(type, onIntent, true)); }

  if (location.pathname === wizardPage.pathname) start();
  else INTENT.forEach((type) => document.addEventListener(type, onIntent, { capture: true, passive: true }));

  window.__wizardEngine = {
    siteRoot,
    launch: start, // the wizard page calls it too: a reader may arrive by instant navigation without intent
    get status() { return state.status; },
    get message() { return state.message; },
    get start() { return state.start; }, // how Python started: "snapshot" or "scratch"
    get memory() { return state.memory; },
    onChange(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    /* answers: a Map of question key -> answer value; resolves with the engine's result object. */
    evaluate(answers) {
      start();
      if (state.status === "failed") return Promise.reject(new Error(state.message));
      return new Promise((resolve, reject) => {
        const id = state.nextId++;
        state.pending.set(id, { resolve, reject });
        state.worker.postMessage({ id, answers: Object.fromEntries(answers) });
      });
    },
  };
})();
