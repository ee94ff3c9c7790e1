/* "Am I allowed to post this?": the page side of the wizard.
 *
 * The rules live in Python (the `wizard` package, run by Pyodide in a Web Worker). This file holds
 * no rules: it shows the next question from the interview graph the same engine exported at build
 * time (so no answer ever waits for Pyodide), keeps the answers in the URL fragment, and shows the
 * result the engine returns. The engine itself is started from <head> by wizard-engine.js.
 */
(() => {
  "use strict";

  const engine = window.__wizardEngine; // started from <head> by wizard-engine.js
  const SITE_ROOT = engine.siteRoot;

  /* ---------------------------------------------------------------- small DOM helpers */

  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.flat().filter((child) => child !== null && child !== undefined));
    return node;
  };

  /* ---------------------------------------------------------------- the interview */

  class Wizard {
    constructor(root, data) {
      this.root = root;
      this.data = data;
      this.questions = new Map(data.questions.map((q) => [q.key, q]));
      this.form = root.querySelector("#wizard-form");
      this.status = root.querySelector("#wizard-status");
      this.error = root.querySelector("#wizard-error");
      this.questionBox = root.querySelector("#wizard-question");
      this.back = root.querySelector("#wizard-back");
      this.result = root.querySelector("#wizard-result");
      this.summary = root.querySelector("#wizard-summary");
      this.summaryList = root.querySelector("#wizard-answers");
      this.answers = new Map();
      this.editing = null;        // key of the question being changed from the summary
      this.remembered = new Map(); // answers to pre-select after Back
      this.fromLink = true;       // answers came from the URL, so ignored ones are worth showing
      this.request = 0;
    }

    start() {
      this.form.addEventListener("submit", (event) => { event.preventDefault(); this.answer(); });
      this.back.addEventListener("click", () => this.goBack());
      this.onPopState = () => {
        if (this.detached()) return;
        this.editing = null;
        this.fromLink = true;
        this.load();
        this.render(true);
      };
      window.addEventListener("popstate", this.onPopState);
      this.stopListening = engine.onChange(() => this.engineChanged());
      const preselected = this.form.querySelector("input[type=radio]:checked"); // chosen before the script ran
      this.load();
      if (preselected && !this.answers.size) this.remembered.set(preselected.name, preselected.value);
      this.render(false);
      this.engineChanged();
      performance.mark("wizard:interactive"); // bench/: first question ready for input
    }

    /* A reader navigated away (instant navigation): stop listening to this page's events. */
    detached() {
      if (this.root.isConnected) return false;
      window.removeEventListener("popstate", this.onPopState);
      this.stopListening();
      return true;
    }

    /* Read answers from the fragment; answers in the query string move into the fragment.
       ("h" is mkdocs-material's search-highlight parameter, not an answer.) */
    load() {
      const query = new URLSearchParams(location.search);
      query.delete("h");
      if ([...query.keys()].length) history.replaceState(null, "", `${location.pathname}#${query}`);
      this.answers = new Map();
      this.errors = [];
      const params = new URLSearchParams(location.hash.slice(1));
      for (const [key, value] of params) {
        const question = this.questions.get(key);
        if (!question) {
          this.errors.push(`Unknown question key “${key}”. Valid keys: ${[...this.questions.keys()].join(", ")}.`);
        } else if (!question.answers.some((a) => a.value === value)) {
          this.errors.push(`“${value}” is not an answer to “${key}”. Valid values: ` +
            `${question.answers.map((a) => a.value).join(", ")}.`);
        } else if (this.answers.has(key) && this.answers.get(key) !== value) {
          this.errors.push(`“${key}” is answered twice in the link; give it one answer.`);
        } else {
          this.answers.set(key, value);
        }
      }
    }

    /* Follow the build-time interview graph through the answers: the questions on the path, and the next. */
    walk(answers = this.answers) {
      const { nodes, root } = this.data.graph;
      const path = [];
      let node = nodes[root];
      while (node !== null) {
        const [key, children] = node;
        if (!answers.has(key)) return { path, next: key };
        path.push(key);
        node = nodes[children[answers.get(key)]];
      }
      return { path, next: null };
    }

    fragment(answers) {
      return this.data.questions.filter((q) => answers.has(q.key))
        .map((q) => `${encodeURIComponent(q.key)}=${encodeURIComponent(answers.get(q.key))}`).join("&");
    }

    commit(answers) {
      this.answers = answers;
      const fragment = this.fragment(answers);
      history.pushState(null, "", fragment ? `${location.pathname}#${fragment}` : location.pathname);
    }

    answer() {
      performance.mark("wizard:answered");
      const key = this.questionBox.querySelector("fieldset").dataset.question;
      const chosen = this.questionBox.querySelector("input[type=radio]:checked");
      if (!chosen) {
        this.say("Choose an answer to continue.");
        this.questionBox.querySelector("input[type=radio]").focus();
        return;
      }
      const answers = new Map(this.answers);
      answers.set(key, chosen.value);
      this.editing = null;
      this.fromLink = false;
      const { next, path } = this.walk(answers);
      if (next === null) { // complete: keep only the answers on the reader's path
        for (const answered of [...answers.keys()]) if (!path.includes(answered)) answers.delete(answered);
      }
      this.commit(answers);
      this.render(true);
    }

    goBack() {
      if (this.editing) {
        this.editing = null;
      } else {
        const { path } = this.walk();
        const last = path[path.length - 1];
        if (last === undefined) return;
        const answers = new Map(this.answers);
        this.remembered.set(last, answers.get(last));
        answers.delete(last);
        this.commit(answers);
      }
      this.render(true);
    }

    change(key) {
      this.editing = key;
      this.render(true);
    }

    startAgain() {
      this.editing = null;
      this.remembered.clear();
      this.commit(new Map());
      this.render(true);
    }

    say(text) {
      this.status.textContent = "";
      if (text) requestAnimationFrame(() => { this.status.textContent = text; });
    }

    render(moveFocus) {
      this.error.hidden = true;
      this.error.replaceChildren();
      if (this.errors.length) return this.showLinkErrors();
      const { path, next } = this.walk();
      const key = this.editing || next;
      this.renderSummary(path);
      if (key !== null) {
        this.result.hidden = true;
        this.result.removeAttribute("data-verdict");
        this.form.hidden = false;
        const step = this.editing ? path.indexOf(key) + 1 : path.length + 1;
        const chosen = this.answers.get(key) || this.remembered.get(key);
        this.questionBox.replaceChildren(this.renderQuestion(this.questions.get(key), step, chosen));
        this.back.hidden = path.length === 0 && !this.editing;
        this.back.textContent = this.editing ? "Cancel" : "Back";
        this.say(this.engineProblem());
        if (moveFocus) this.questionBox.querySelector("legend").focus();
        performance.mark("wizard:question-shown");
      } else {
        this.form.hidden = true;
        this.showResult(moveFocus);
      }
    }

    renderQuestion(question, step, chosen) {
      const clause = this.data.clauses[question.clause];
      return el("fieldset", { class: "wizard-question", "data-question": question.key, "aria-describedby": "wizard-help" },
        el("legend", { id: "wizard-legend", tabindex: "-1" },
          el("span", { class: "wizard-step" }, `Question ${step}`), ` ${question.text}`),
        el("p", { class: "wizard-help", id: "wizard-help" }, question.help),
        el("div", { class: "wizard-choices" }, question.answers.map((answer) => {
          const id = `answer-${question.key}-${answer.value}`;
          return el("div", { class: "wizard-choice" },
            el("input", { type: "radio", name: question.key, id, value: answer.value, required: true,
              checked: answer.value === chosen }),
            el("label", { for: id }, answer.label));
        })),
        el("p", { class: "wizard-source" }, "From the policy: ",
          el("a", { href: new URL(clause.url, SITE_ROOT).href }, clause.label)));
    }

    renderSummary(path) {
      this.summary.hidden = path.length === 0;
      this.summaryList.replaceChildren(...path.map((key) => {
        const question = this.questions.get(key);
        const answer = question.answers.find((a) => a.value === this.answers.get(key));
        const button = el("button", { type: "button", class: "wizard-change",
          "aria-label": `Change your answer to: ${question.text}` }, "Change");
        button.addEventListener("click", () => this.change(key));
        return el("div", { class: "wizard-answer", "data-answer": key },
          el("dt", {}, question.text), el("dd", {}, answer.label, " ", button));
      }));
    }

    showLinkErrors() {
      this.form.hidden = true;
      this.result.hidden = true;
      this.summary.hidden = true;
      const again = el("button", { type: "button", class: "md-button" }, "Start again");
      again.addEventListener("click", () => { this.errors = []; this.startAgain(); });
      this.error.replaceChildren(
        el("p", { class: "admonition-title", "data-error": "" }, "This wizard link has answers the wizard does not know."),
        el("ul", {}, this.errors.map((message) => el("li", { "data-error": "" }, message))),
        again);
      this.error.hidden = false;
      this.say("This wizard link has answers the wizard does not know.");
    }

    engineProblem() {
      return engine.status === "failed" ? `The rule engine could not start in this browser (${engine.message}).` : "";
    }

    engineChanged() {
      if (this.detached()) return;
      if (engine.status === "failed") this.showEngineFailure();
    }

    showEngineFailure() {
      const rulesLink = el("a", { href: new URL("rules/", SITE_ROOT).href }, "Rules at a glance");
      this.error.replaceChildren(el("p", { "data-engine-error": "" },
        `The wizard's rule engine could not start in this browser (${engine.message}). `,
        "You can still answer the questions, but the result cannot be worked out here. Every rule the wizard ",
        "applies is listed on ", rulesLink, "."));
      this.error.hidden = false;
    }

    async showResult(moveFocus) {
      const request = ++this.request;
      this.result.hidden = true;
      if (engine.status !== "ready" && engine.status !== "failed") {
        this.root.classList.add("wizard--waiting");
        this.say("Getting your result ready: the rule engine is still starting…");
      }
      let result;
      try {
        result = await engine.evaluate(this.answers);
      } catch (error) {
        this.root.classList.remove("wizard--waiting");
        this.showEngineFailure();
        this.say(this.engineProblem());
        return;
      }
      if (request !== this.request || this.detached()) return; // the reader moved on meanwhile
      this.root.classList.remove("wizard--waiting");
      this.renderResult(result);
      if (moveFocus) this.result.querySelector("h2").focus();
      performance.mark("wizard:result-shown");
    }

    renderResult(result) {
      const verdict = this.data.verdicts.find((v) => v.id === result.verdict);
      const policy = this.data.policy;
      const link = (item) => el("a", { href: new URL(item.url, SITE_ROOT).href, "data-ref": item.url }, item.clause_label);
      const because = (reasons) => reasons.map((r) => r.because).join(" and ");
      const decisive = result.obligations.filter((o) => result.decisive.includes(o.id));
      const why = decisive.length
        ? `This is because ${[...new Set(decisive.map((o) => because(o.because)))].join("; and ")}.`
        : "Nothing you described needs approval first or is prohibited.";
      const today = new Date().toISOString().slice(0, 10);
      const restart = el("button", { type: "button", class: "md-button" }, "Start again");
      restart.addEventListener("click", () => this.startAgain());
      const print = el("button", { type: "button", class: "md-button" }, "Print this result");
      print.addEventListener("click", () => window.print());

      this.result.className = `wizard-result wizard-result--${result.verdict}`;
      this.result.dataset.verdict = result.verdict;
      const parts = [
        el("p", { class: "wizard-record" }, `Checked on ${today} against the ${policy.title}, version `,
          `${policy.version} (approved ${policy.approval_date_text}).`),
        el("div", { class: "wizard-verdict" },
          el("h2", { id: "wizard-result-heading", tabindex: "-1" }, verdict.label),
          el("p", {}, `${verdict.summary} ${why}`)),
        el("h3", {}, "What applies to you"),
        el("ul", { class: "wizard-obligations" }, result.obligations.map((o) =>
          el("li", { "data-obligation": o.id, class: `wizard-obligation wizard-obligation--${o.verdict}` },
            el("p", { class: "wizard-obligation-text" }, o.text),
            el("p", { class: "wizard-why" }, o.because.length ? `Why: because ${because(o.because)}.`
              : "Why: this applies to every post."),
            el("p", { class: "wizard-clause" }, "From the policy: ", link(o))))),
        result.unclear.length ? [
          el("h3", {}, "Not settled by the policy"),
          el("p", {}, "The policy does not settle part of your situation. Ask before you post."),
          el("ul", { class: "wizard-unclear" }, result.unclear.map((u) =>
            el("li", { "data-unclear": u.id },
              el("p", {}, u.text), el("p", {}, `Ask: ${u.ask}.`),
              el("p", { class: "wizard-clause" }, "From the policy: ", link(u))))),
        ] : null,
        result.ignored.length && this.fromLink ? [
          el("h3", {}, "Answers not needed"),
          el("p", {}, "The link answered these questions, but they do not matter for your situation, so they were ignored:"),
          el("ul", {}, result.ignored.map((key) => el("li", { "data-ignored": key },
            `${this.questions.get(key).text} (${key}=${this.answers.get(key)})`))),
        ] : null,
        el("div", { class: "wizard-actions" }, restart, print)];
      this.result.replaceChildren(...parts.flat().filter((part) => part));
      this.result.hidden = false;
      this.say(`Result: ${verdict.label}. ${verdict.summary}`);
    }
  }

  /* ---------------------------------------------------------------- start on every page view */

  const init = () => {
    const root = document.getElementById("wizard");
    if (!root || !root.dataset.wizard || root.dataset.started) return;
    root.dataset.started = "true";
    new Wizard(root, JSON.parse(root.dataset.wizard)).start();
  };
  if (typeof document$ !== "undefined") document$.subscribe(init); // mkdocs-material, incl. instant navigation
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
