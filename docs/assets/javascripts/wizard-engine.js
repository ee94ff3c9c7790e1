/* Starts the wizard's rule engine (Python under Pyodide, in one module Web Worker) as early as
 * possible on every page, so it is usually ready before a reader reaches a result. Loaded from
 * <head> (overrides/main.html), once per full page load: mkdocs-material's instant navigation keeps
 * it, so there is one worker per tab. wizard.js talks to it through window.__wizardEngine.
 */
(() => {
  "use strict";

  // This file lives at <site>/assets/javascripts/, which gives the site root wherever it is hosted.
  const siteRoot = new URL("../../", document.currentScript.src);
  const state = { status: "starting", message: "", start: "", worker: null, pending: new Map(), nextId: 1 };
  const listeners = new Set();
  const notify = () => listeners.forEach((listener) => listener(state.status));
  const fail = (message) => {
    state.status = "failed";
    state.message = message;
    state.pending.forEach(({ reject }) => reject(new Error(message)));
    state.pending.clear();
    notify();
  };

  try {
    if (typeof WebAssembly !== "object") throw new Error("this browser does not run WebAssembly");
    state.worker = new Worker(new URL("assets/javascripts/wizard-worker.js", siteRoot), { type: "module" });
    state.worker.onmessage = ({ data }) => {
      if (data.type === "ready") {
        state.status = "ready";
        state.start = data.start; // "snapshot" or "scratch": how Python was started (tests, benchmarks)
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
    state.status = "failed";
    state.message = error.message;
  }

  window.__wizardEngine = {
    siteRoot,
    get status() { return state.status; },
    get message() { return state.message; },
    get start() { return state.start; },
    onChange(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    /* answers: a Map of question key -> answer value; resolves with the engine's result object. */
    evaluate(answers) {
      if (state.status === "failed") return Promise.reject(new Error(state.message));
      return new Promise((resolve, reject) => {
        const id = state.nextId++;
        state.pending.set(id, { resolve, reject });
        state.worker.postMessage({ id, answers: Object.fromEntries(answers) });
      });
    },
  };
})();
