/* Starts the wizard's rule engine (Python under Pyodide, in one module Web Worker) when a reader
 * needs it, and not before: at once on the wizard page, and on any other page only when the reader
 * shows they are heading there (pointing at, focusing or touching a link to the wizard). A reader who
 * only reads the policy downloads none of Pyodide's megabytes. Loaded from <head>
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
  const workerURL = new URL("assets/javascripts/wizard-worker.js", siteRoot);
  if (pyodideDir && engineDir) workerURL.search = new URLSearchParams({ pyodide: pyodideDir, engine: engineDir });
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
      state.worker = new Worker(workerURL, { type: "module" });
      state.worker.onmessage = ({ data }) => {
        if (data.type === "ready") {
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
      state.worker.onerror = (event) => fail(event.message || "the rule engine could not be loaded");
    } catch (error) {
      fail(error.message);
    }
    notify();
  };

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
