/* "Am I allowed to post this?": the page side of the wizard.
 *
 * The rules live in Python (the `wizard` package, run by Pyodide in a Web Worker). This file holds
 * no rules: it shows the next screen from the interview graph and screen plan the same engine
 * exported at build time (so no answer ever waits for Pyodide), keeps the answers in the URL
 * fragment (one key=value per answer), and shows the result the engine returns, what to do next
 * first. The engine itself is started from <head> by wizard-engine.js.
 */
(() => {
  "use strict";

  const engine = window.__wizardEngine; // started from <head> by wizard-engine.js
  const SITE_ROOT = engine.siteRoot;

  const { el, button, onEveryPage } = window.siteDom; // dom.js
  const MAX_LINK = 2000;  // characters of answers in a link: every answer at once takes about 600
  const SHOWN_PROBLEMS = 3;
  // What a link says is echoed back only as plain, short text: no control or bidirectional-override
  // characters (they can make "exe.txt" read as "txt.exe"), at most 40 characters.
  const shown = (text) => {
    const plain = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "");
    return plain.length > 40 ? `${plain.slice(0, 39)}…` : plain;
  };
  const sentence = (items) => items.length < 2 ? items.join("")
    : `${items.slice(0, -1).join("; ")} and ${items[items.length - 1]}`;

  /* ---------------------------------------------------------------- the interview */

  class Wizard {
    constructor(root, data) {
      this.root = root;
      this.data = data;
      this.questions = new Map(data.questions.map((q) => [q.key, q]));
      this.screenOf = new Map(data.screens.flatMap((s) => s.keys.map((key) => [key, s])));
      this.verdicts = new Map(data.verdicts.map((v) => [v.id, v]));
      const $ = (id) => root.querySelector(`#${id}`);
      Object.assign(this, {
        form: $("wizard-form"), status: $("wizard-status"), error: $("wizard-error"), problem: $("wizard-problem"),
        progress: $("wizard-progress"), questionBox: $("wizard-question"), back: $("wizard-back"),
        intro: $("wizard-intro"), loading: $("wizard-loading"), result: $("wizard-result"),
        summary: $("wizard-summary"), summaryList: $("wizard-answers"), done: $("wizard-done"),
      });
      this.answers = new Map();
      this.editing = null;         // graph node of the screen being changed from "Your answers"
      this.remembered = new Map(); // answers to pre-select after Back
      this.fromLink = true;        // answers came from the URL, so ignored ones are worth showing
      this.request = 0;
    }

    start() {
      engine.launch(); // at once on the wizard page, however the reader arrived
      this.title = document.title;
      this.form.noValidate = true; // our own error summary replaces the browser's tooltip
      this.form.addEventListener("submit", (event) => { event.preventDefault(); this.answer(); });
      this.back.addEventListener("click", () => this.goBack());
      this.root.querySelector("#wizard-again").addEventListener("click", () => this.startAgain());
      this.root.querySelector("#wizard-print").addEventListener("click", () => window.print());
      this.onPopState = () => {
        if (this.detached()) return;
        this.editing = null;
        this.fromLink = true;
        this.load();
        this.render(true);
      };
      window.addEventListener("popstate", this.onPopState);
      this.onLinkClick = (event) => { if (!this.detached()) this.goToPlace(event); };
      document.addEventListener("click", this.onLinkClick, true); // before the theme's instant navigation
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
      document.removeEventListener("click", this.onLinkClick, true);
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
      const fragment = this.placeOnPage() ? "" : location.hash.slice(1);
      if (fragment.length > MAX_LINK) {
        this.errors.push(["This link is too long to be a link to the wizard's answers, so it was not read.",
          `${fragment.length.toLocaleString("en-CA")} characters; a wizard link has at most ${MAX_LINK.toLocaleString("en-CA")}.`]);
        return;
      }
      const params = new URLSearchParams(fragment);
      for (const [key, value] of params) {
        const question = this.questions.get(key);
        if (!question) {
          this.errors.push([`The link asks about “${shown(key)}”, which is not one of the wizard's questions.`,
            `Valid keys: ${[...this.questions.keys()].join(", ")}.`]);
        } else if (!question.answers.some((a) => a.value === value)) {
          this.errors.push([`The link gives “${shown(value)}” as the answer to “${question.text}”, which is not ` +
            "one of its answers.", `${key}=${shown(value)}. Valid values: ${question.answers.map((a) => a.value).join(", ")}.`]);
        } else if (this.answers.has(key) && this.answers.get(key) !== value) {
          this.errors.push([`The link answers “${question.text}” twice, differently.`,
            `“${key}” is answered twice in the link; give it one answer.`]);
        } else {
          this.answers.set(key, value);
        }
      }
    }

    /* Follow the build-time graph through the answers, screen by screen: the screens answered,
       the keys on the path, and the next screen (its graph node and keys), if any. The graph holds
       the interview as a reader answers it; answers it has not reached yet (a link's, or answers
       kept after a Change) may settle more, so then `offGraph` is set and the engine decides. */
    walk(answers = this.answers) {
      const { nodes, root } = this.data.graph;
      const screens = [];
      const path = [];
      let index = root;
      while (nodes[index] !== null) {
        const keys = this.data.plan.keys[index];
        const start = index;
        const answered = [];
        while (nodes[index] !== null && keys.includes(nodes[index][0])) {
          const [key, children] = nodes[index];
          if (!answers.has(key)) {
            // Answers to a finished screen's other questions were made moot on it; any other answer
            // the graph has not reached may still count.
            const finished = new Set(screens.flatMap((s) => s.keys));
            const offGraph = [...answers.keys()].some((k) => !path.includes(k) && !answered.includes(k)
              && !finished.has(k) && !this.questions.get(k).retired);
            return { screens, path: [...path, ...answered], next: { node: start, keys }, offGraph };
          }
          answered.push(key);
          index = children[answers.get(key)];
        }
        screens.push({ node: start, keys, answered });
        path.push(...answered);
      }
      return { screens, path, next: null, offGraph: false };
    }

    /* A fragment that names an element of this page (the skip link's target, a heading's ¶ link)
       is a place to scroll to, not answers. */
    placeOnPage(hash = location.hash) {
      const id = hash.slice(1);
      if (!id || id.includes("=")) return null;
      try {
        return document.getElementById(decodeURIComponent(id));
      } catch { // a malformed %-escape: not an element id
        return null;
      }
    }

    /* The skip link and the title's ¶ move the reader to a place on the page. Followed as links they
       would replace the answers in the address, so the wizard moves focus there itself. Its own links
       (the error summary's) handle themselves. */
    goToPlace(event) {
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!link || link.target || this.root.contains(link) || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const url = new URL(link.href);
      if (url.origin !== location.origin || url.pathname !== location.pathname) return;
      const place = this.placeOnPage(url.hash);
      if (!place) return;
      event.preventDefault();
      event.stopPropagation();
      if (!place.matches("a[href], button, input, select, textarea, [tabindex]")) place.setAttribute("tabindex", "-1");
      place.focus({ preventScroll: true });
      place.scrollIntoView(); // below the sticky header: site.css gives focused places a scroll margin
    }

    address(answers) {
      const fragment = this.fragment(answers);
      return fragment ? `${location.pathname}#${fragment}` : location.pathname;
    }

    fragment(answers) {
      return this.data.questions.filter((q) => answers.has(q.key))
        .map((q) => `${encodeURIComponent(q.key)}=${encodeURIComponent(answers.get(q.key))}`).join("&");
    }

    commit(answers) {
      this.answers = answers;
      history.pushState(null, "", this.address(answers));
    }

    /* Continue: read the screen, or show the error summary when something was not answered. */
    answer() {
      performance.mark("wizard:answered");
      const checkboxes = this.questionBox.querySelector("fieldset[data-screen]");
      const answers = new Map(this.answers);
      if (checkboxes) {
        const boxes = [...checkboxes.querySelectorAll("input[type=checkbox][name]")];
        if (!boxes.some((box) => box.checked) && !checkboxes.querySelector("input[data-none]").checked) {
          return this.showProblems([[checkboxes, "Select all that apply, or select “None of these”"]]);
        }
        for (const box of boxes) answers.set(box.name, box.checked ? "yes" : "no");
      } else {
        const problems = [];
        for (const fieldset of this.questionBox.querySelectorAll("fieldset[data-question]")) {
          const chosen = fieldset.querySelector("input[type=radio]:checked");
          if (chosen) answers.set(chosen.name, chosen.value);
          else problems.push([fieldset, `Select an answer to “${this.questions.get(fieldset.dataset.question).text}”`]);
        }
        if (problems.length) return this.showProblems(problems);
      }
      this.editing = null;
      this.fromLink = false;
      const { next, path } = this.walk(answers);
      if (next === null) { // complete: keep only the answers on the reader's path
        for (const answered of [...answers.keys()]) if (!path.includes(answered)) answers.delete(answered);
      }
      this.commit(answers);
      this.render(true);
    }

    /* GOV.UK's error summary: at the top, focused, a link to each unanswered question; the message by
       each field too. */
    showProblems(problems) {
      for (const fieldset of this.questionBox.querySelectorAll(".wizard-question--error")) { // answered since
        fieldset.classList.remove("wizard-question--error");
        fieldset.querySelector(".wizard-field-error")?.remove();
        fieldset.setAttribute("aria-describedby", fieldset.querySelector(".wizard-help").id);
      }
      const items = problems.map(([fieldset, message], number) => {
        const first = fieldset.querySelector("input");
        const link = el("a", { href: `#${first.id}` }, message);
        link.addEventListener("click", (event) => { // the theme's own anchor handling must not move focus away
          event.preventDefault();
          event.stopPropagation();
          first.focus();
          setTimeout(() => first.focus());
        });
        fieldset.classList.add("wizard-question--error");
        fieldset.querySelector(".wizard-field-error")?.remove();
        const id = `wizard-field-error-${number}`;
        const help = fieldset.querySelector(".wizard-help");
        help.after(el("p", { class: "wizard-field-error", id }, el("span", { class: "visually-hidden" }, "Error: "), message));
        fieldset.setAttribute("aria-describedby", `${help.id} ${id}`);
        return el("li", {}, link);
      });
      this.problem.replaceChildren(el("div", { role: "alert" },
        el("h2", { class: "wizard-error-summary__title" }, "There is a problem"), el("ul", {}, items)));
      document.title = `Error: ${this.screenTitle}`;
      this.problem.hidden = false;
      this.problem.focus();
    }

    goBack() {
      if (this.editing !== null) {
        this.editing = null;
      } else if (this.walk().offGraph) { // back to the last screen the graph knows
        const { path } = this.walk();
        const answers = new Map([...this.answers].filter(([key]) => path.includes(key)));
        for (const [key, value] of this.answers) if (!answers.has(key)) this.remembered.set(key, value);
        this.commit(answers);
      } else {
        const { screens } = this.walk();
        const last = screens[screens.length - 1];
        if (!last) return;
        const answers = new Map(this.answers);
        for (const key of last.answered) {
          this.remembered.set(key, answers.get(key));
          answers.delete(key);
        }
        this.commit(answers);
      }
      this.render(true);
    }

    change(screen) {
      if (screen.node === null) { // an answer the engine took beyond the graph: ask it again
        const answers = new Map(this.answers);
        for (const key of screen.answered) {
          this.remembered.set(key, answers.get(key));
          answers.delete(key);
        }
        this.fromLink = false;
        this.commit(answers);
      } else {
        this.editing = screen.node;
      }
      this.render(true);
    }

    startAgain() {
      this.editing = null;
      this.errors = [];
      this.remembered.clear();
      this.commit(new Map());
      this.render(true);
    }

    say(text) {
      this.status.textContent = "";
      if (text) requestAnimationFrame(() => { this.status.textContent = text; });
    }

    /* GOV.UK: the page title names the question on screen (or the result), so a screen reader's
       first words and the browser's history say where the reader is. */
    retitle(heading) {
      this.screenTitle = heading ? `${heading} - ${this.title}` : this.title;
      document.title = this.screenTitle;
    }

    render(moveFocus) {
      this.request += 1; // what this render shows supersedes any engine answer still on its way
      this.retitle(null);
      this.error.hidden = true;
      this.error.replaceChildren();
      this.problem.hidden = true;
      if (this.errors.length) return this.showLinkErrors();
      const walked = this.walk();
      const editing = walked.screens.find((s) => s.node === this.editing);
      if (walked.offGraph && !editing) return this.consult(walked, moveFocus);
      const screen = editing || walked.next;
      this.renderSummary(walked.screens);
      this.intro.hidden = walked.screens.length > 0 || screen === null;
      if (screen) {
        const step = editing ? walked.screens.indexOf(editing) + 1 : walked.screens.length + 1;
        this.showScreen(screen, `Question ${step} of at most ${step - 1 + this.data.plan.most[screen.node]}`,
          walked.screens.length === 0 && !editing, editing ? "Cancel" : "Back", moveFocus);
        // While the reader reads the question, the engine works through the answers so far (the
        // result is not needed): the states on this path are built, and V8's first slow run of
        // Python after the engine went idle happens now rather than after the last answer.
        if (engine.status === "ready" && walked.screens.length) engine.evaluate(this.answers).catch(() => {});
      } else {
        this.form.hidden = true;
        this.showResult(moveFocus);
      }
    }

    showScreen(screen, progress, first, backLabel, moveFocus) {
      this.root.classList.remove("wizard--opening", "wizard--waiting");
      this.loading.hidden = true;
      this.showing(false);
      this.form.hidden = false;
      this.progress.textContent = progress;
      this.questionBox.replaceChildren(this.renderScreen(screen));
      const legend = this.questionBox.querySelector("#wizard-legend");
      this.retitle(legend.textContent);
      this.back.hidden = first;
      this.back.textContent = backLabel;
      this.say(this.engineProblem());
      if (moveFocus) { // the progress line above the question shows too (site.css: below the sticky header)
        this.progress.scrollIntoView({ block: "nearest" });
        legend.focus({ preventScroll: true });
      }
      performance.mark("wizard:question-shown");
    }

    /* Answers the graph has not reached may settle the post, or make some questions moot: the engine
       takes every answer given, whatever its order, and says what is next (or the result). */
    async consult(walked, moveFocus) {
      this.form.hidden = true;
      this.showing(false);
      this.intro.hidden = true;
      this.renderSummary(walked.screens);
      const result = await this.engineResult();
      if (!result) return;
      const used = Object.keys(result.answers).filter((key) => !result.implied.includes(key)
        && !walked.path.includes(key));
      this.renderSummary(walked.screens, used.map((key) => ({ node: null, keys: [key], answered: [key] })));
      if (result.next === null) return this.showResult(moveFocus, result);
      const group = this.screenOf.get(result.next);
      const keys = group ? group.keys.filter((key) => result.open.includes(key)) : [result.next];
      this.showScreen({ node: null, keys }, `Question ${walked.screens.length + used.length + 1}`, false, "Back",
        moveFocus);
    }

    /* Result parts are shown together once the result is in, so nothing on screen moves while it loads. */
    showing(result) {
      this.result.hidden = !result;
      this.summary.hidden = !result;
      this.done.hidden = !result;
      if (!result) this.result.removeAttribute("data-verdict");
    }

    chosen(key) {
      return this.answers.get(key) ?? this.remembered.get(key);
    }

    renderScreen(screen) {
      const group = this.screenOf.get(screen.keys[0]);
      if (group && group.none) return this.renderCheckboxes(screen);
      if (screen.keys.length === 1) return this.renderQuestion(screen.keys[0], { main: true });
      // Questions about one thing, each with its own answers, under the screen's heading (GOV.UK:
      // a page heading, then one fieldset per question, each legend naming its question).
      return el("div", { class: "wizard-screen", "data-screen": group.id, "data-questions": screen.keys.join(" ") },
        el("h2", { id: "wizard-legend", class: "wizard-screen-title", tabindex: "-1" }, group.text),
        el("p", { class: "wizard-help wizard-screen-help" }, group.help),
        screen.keys.map((key) => this.renderQuestion(key, { main: false })));
    }

    renderQuestion(key, { main }) {
      const question = this.questions.get(key);
      const clause = this.data.clauses[question.clause];
      const helpId = main ? "wizard-help" : `wizard-help-${key}`;
      return el("fieldset", { class: "wizard-question", "data-question": question.key, "aria-describedby": helpId },
        el("legend", main ? { id: "wizard-legend", tabindex: "-1" } : { class: "wizard-question-legend" }, question.text),
        el("p", { class: "wizard-help", id: helpId }, question.help),
        el("div", { class: "wizard-choices" }, question.answers.map((answer) => this.choice("radio", {
          name: question.key, id: `answer-${question.key}-${answer.value}`, value: answer.value,
          checked: answer.value === this.chosen(question.key) }, answer.label))),
        clause ? el("p", { class: "wizard-source" }, "From the policy: ",
          el("a", { href: new URL(clause.url, SITE_ROOT).href }, clause.label)) : null);
    }

    renderCheckboxes(screen) {
      const group = this.screenOf.get(screen.keys[0]);
      const boxes = screen.keys.map((key) => {
        const question = this.questions.get(key);
        return this.choice("checkbox", { name: key, id: `answer-${key}`, value: "yes",
          checked: this.chosen(key) === "yes" }, question.statement, question.help);
      });
      // Ticked only if the reader said no to every statement here. A screen reached by changing an
      // earlier answer may hold statements they were never asked: those are not answered for them.
      const none = this.choice("checkbox", { id: "answer-none", "data-none": true,
        checked: screen.keys.every((key) => this.chosen(key) === "no") }, group.none);
      const fieldset = el("fieldset", { class: "wizard-question", "data-screen": group.id,
        "data-questions": screen.keys.join(" "), "aria-describedby": "wizard-help" },
        el("legend", { id: "wizard-legend", tabindex: "-1" }, group.text),
        el("p", { class: "wizard-help", id: "wizard-help" }, group.help),
        el("div", { class: "wizard-choices" }, boxes, el("p", { class: "wizard-or" }, "or"), none));
      // "None of these" is exclusive: it clears the others, and any other clears it.
      fieldset.addEventListener("change", (event) => {
        if (!event.target.checked) return;
        const isNone = event.target.hasAttribute("data-none");
        fieldset.querySelectorAll("input[type=checkbox]").forEach((box) => {
          if (box !== event.target && box.hasAttribute("data-none") !== isNone) box.checked = false;
        });
      });
      return fieldset;
    }

    /* One answer box: the whole box is the click target, and it shows when it is chosen. */
    choice(type, attributes, label, hint) {
      const hintId = hint ? `${attributes.id}-hint` : null;
      const input = el("input", { type, ...attributes, "aria-describedby": hintId });
      const box = el("div", { class: `wizard-choice wizard-choice--${type}` }, input,
        el("label", { for: attributes.id }, label),
        hint ? el("p", { class: "wizard-choice-hint", id: hintId }, hint) : null);
      box.addEventListener("click", (event) => { if (event.target === box || event.target.id === hintId) input.click(); });
      return box;
    }

    renderSummary(screens, beyond = []) {
      const row = (screen, question, answer) => el("div", { class: "wizard-answer", "data-answer": screen.answered.join(" ") },
        el("dt", {}, question),
        el("dd", {}, answer, button("Change", () => this.change(screen),
          { class: "wizard-change", "aria-label": `Change your answer to: ${question}` })));
      const label = (key) => this.questions.get(key).answers.find((a) => a.value === this.answers.get(key)).label;
      this.summaryList.replaceChildren(...[...screens, ...beyond].flatMap((screen) => {
        const group = this.screenOf.get(screen.keys[0]);
        if (group && group.none && screen.answered.length > 1) {
          const ticked = screen.answered.filter((key) => this.answers.get(key) === "yes")
            .map((key) => this.questions.get(key).statement);
          return [row(screen, group.text, ticked.length ? el("ul", {}, ticked.map((text) => el("li", {}, text))) : group.none)];
        }
        if (screen.answered.length > 1) { // questions asked together: one row each, one Change for the screen
          return [row(screen, group.text, el("ul", {}, screen.answered.map((key) =>
            el("li", {}, `${this.questions.get(key).text} `, el("strong", {}, label(key))))))];
        }
        return [row(screen, this.questions.get(screen.keys[0]).text, label(screen.answered[0]))];
      }));
    }

    showLinkErrors() {
      this.root.classList.remove("wizard--opening");
      this.form.hidden = true;
      this.showing(false);
      this.intro.hidden = true;
      this.error.replaceChildren(
        el("p", { class: "admonition-title" }, "This link has an answer the wizard does not recognise"),
        el("ul", {}, this.errors.slice(0, SHOWN_PROBLEMS).map(([plain, detail]) => el("li", { "data-error": "" },
          el("p", {}, plain), el("p", { class: "wizard-error-detail" }, `Technical detail: ${detail}`)))),
        this.errors.length > SHOWN_PROBLEMS
          ? el("p", { "data-more-errors": this.errors.length - SHOWN_PROBLEMS },
            `The link has ${this.errors.length - SHOWN_PROBLEMS} more ${this.errors.length - SHOWN_PROBLEMS === 1 ? "problem" : "problems"} like these.`)
          : null,
        el("p", {}, "You can start again and answer the questions yourself."),
        button("Start again", () => this.startAgain(), { class: "md-button" }));
      this.error.hidden = false;
      this.say("This link has an answer the wizard does not recognise.");
    }

    engineProblem() {
      return engine.status === "failed" ? "The wizard cannot work out answers in this browser." : "";
    }

    engineChanged() {
      if (this.detached()) return;
      if (engine.status === "failed") this.showEngineFailure();
    }

    showEngineFailure() {
      this.root.classList.remove("wizard--opening", "wizard--waiting");
      this.loading.hidden = true;
      const rulesLink = el("a", { href: new URL("rules/", SITE_ROOT).href }, "Rules at a glance");
      this.error.replaceChildren(el("p", { "data-engine-error": "" },
        "The wizard cannot work out answers in this browser. You can still answer the questions, but the ",
        "result cannot be shown here. Every rule the wizard applies is listed on ", rulesLink, "."),
        el("p", { class: "wizard-error-detail" }, `Technical detail: ${engine.message}`));
      this.error.hidden = false;
    }

    /* The engine's result for the answers so far, saying "Working out your answer…" while it starts;
       null when it cannot work one out (the page says so) or the reader moved on meanwhile. */
    async engineResult() {
      const request = ++this.request;
      if (engine.status !== "ready" && engine.status !== "failed") {
        this.root.classList.add("wizard--waiting");
        this.loading.hidden = false;
        this.say("Working out your answer…");
      }
      let result;
      try {
        result = await engine.evaluate(this.answers);
      } catch (error) {
        this.loading.hidden = true;
        this.showEngineFailure();
        this.say(this.engineProblem());
        return null;
      }
      return request !== this.request || this.detached() ? null : result;
    }

    /* `known`: a result already worked out for these answers (consult's). */
    async showResult(moveFocus, known = null) {
      this.showing(false);
      const result = known || await this.engineResult();
      if (!result) return;
      this.root.classList.remove("wizard--waiting", "wizard--opening");
      this.loading.hidden = true;
      this.renderResult(result);
      this.showing(true);
      if (moveFocus) this.result.querySelector("h2").focus();
      performance.mark("wizard:result-shown");
    }

    renderResult(result) {
      const verdict = this.verdicts.get(result.verdict);
      const least = this.data.verdicts[0].id;
      const strictest = this.data.verdicts[this.data.verdicts.length - 1].id;
      const policy = this.data.policy;
      // Built from the page's own clause list, never from the worker's text: an engine that was
      // tampered with cannot put a link of its own on the page.
      const link = (item) => {
        const clause = this.data.clauses[item.clause];
        return clause ? el("a", { href: new URL(clause.url, SITE_ROOT).href, "data-ref": clause.url }, clause.label)
          : el("span", {}, "the policy");
      };
      const because = (reasons) => reasons.map((r) => r.because).join(" and ");
      const decisive = result.obligations.filter((o) => result.decisive.includes(o.id));
      const deciding = [...decisive, ...(result.verdict === "ask-first" || !decisive.length ? result.unclear : [])];
      const why = deciding.length ? `This is because ${sentence([...new Set(deciding.map((o) => because(o.because)))])}.`
        : "Nothing you described needs approval first, needs checking, or is prohibited.";
      const item = (o, attribute, { ask = true, badge = true } = {}) => {
        const label = this.verdicts.get(o.verdict || least);
        return el("li", { [attribute]: o.id, class: `wizard-item wizard-item--${o.verdict || least}` },
          badge && label.badge ? el("strong", { class: `wizard-badge wizard-badge--${o.verdict}` }, label.badge) : null,
          el("p", { class: "wizard-item-text" }, o.text),
          ask && o.ask ? el("p", { class: "wizard-ask", "data-ask": "" }, el("strong", {}, "Ask: "), `${o.ask}.`) : null,
          o.because.length ? el("p", { class: "wizard-why" }, `Why: because ${because(o.because)}.`) : null,
          el("p", { class: "wizard-clause" }, "From the policy: ", link(o)));
      };
      const others = result.obligations.filter((o) => !result.decisive.includes(o.id) && !o.standing);
      const standing = result.obligations.filter((o) => o.standing);
      const now = new Date(); // the reader's own date: a result checked in the evening is not dated tomorrow
      const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
      const address = new URL(SITE_ROOT.href).href;

      this.result.className = `wizard-result wizard-result--${result.verdict}`;
      this.result.dataset.verdict = result.verdict;
      const parts = [
        el("div", { class: `wizard-verdict wizard-verdict--${result.verdict}` },
          el("h2", { id: "wizard-result-heading", tabindex: "-1" }, verdict.label),
          el("p", { class: "wizard-verdict-summary" }, verdict.summary),
          el("p", { class: "wizard-verdict-why" }, why)),
        decisive.length || result.unclear.length ? [
          el("h3", {}, "What to do next"),
          el("ul", { class: "wizard-next wizard-items" },
            decisive.map((o) => item(o, "data-obligation")), result.unclear.map((u) => item(u, "data-unclear"))),
        ] : null,
        others.length && result.verdict !== strictest ? [
          el("h3", {}, decisive.length || result.unclear.length ? "Other rules that apply" : "Rules that apply"),
          el("ul", { class: "wizard-items" }, others.map((o) => item(o, "data-obligation", { ask: false, badge: false }))),
        ] : null,
        standing.length ? [
          el("h3", {}, "Always remember"),
          el("ul", { class: "wizard-standing" }, standing.map((o) => el("li", { "data-obligation": o.id, class: "wizard-item" },
            `${o.text} `, el("span", { class: "wizard-clause" }, "(", link(o), ")")))),
        ] : null,
        result.ignored.length && this.fromLink ? [
          el("h3", {}, "Answers not needed"),
          el("p", {}, "The link answered these questions, but they do not matter for your situation, so they were ignored:"),
          el("ul", {}, result.ignored.map((key) => el("li", { "data-ignored": key },
            `${this.questions.get(key).text} (${key}=${this.answers.get(key)})`))),
        ] : null,
        el("div", { class: "wizard-record" },
          el("p", {}, `Checked on ${today} against the ${policy.title}, version ${policy.version} `,
            `(approved ${policy.approval_date_text}), at ${address}`),
          el("p", { class: "wizard-record-link" }, "To open this result again: ", el("span", {}, location.href)))];
      this.result.replaceChildren(...parts.flat().filter((part) => part));
      this.retitle(`Result: ${verdict.label}`);
      this.say(`Result: ${verdict.label}. ${verdict.summary}`);
    }
  }

  /* ---------------------------------------------------------------- start on every page view */

  onEveryPage("wizard", "wizard", (root, data) => new Wizard(root, data).start());
})();
