/* "Check your understanding": a self-check for new hires, and a record of completion to print.
 *
 * Everything happens in this page. The situations and their right answers were worked out by the
 * wizard's engine at build time (and checked there), so no Pyodide is needed; nothing the reader
 * chooses or types is sent, stored or remembered after the page is closed.
 */
(() => {
  "use strict";

  const { el, button, onEveryPage } = window.siteDom; // dom.js

  class SelfCheck {
    constructor(root, data) {
      this.root = root;
      this.data = data;
      this.siteRoot = new URL("../", location.href); // this page lives at <site>/self-check/
      this.chosen = []; // the reader's verdict for each situation, in order
    }

    start() {
      this.started = false; // the first situation appears with the page: focus stays where the reader is
      this.show(0);
      this.started = true;
    }

    /* Replace the content and move focus to its heading, so keyboard and screen reader users follow. */
    screen(...children) {
      this.root.replaceChildren(...children.flat().filter(Boolean));
      const heading = this.root.querySelector("h2");
      heading.setAttribute("tabindex", "-1");
      if (this.started) heading.focus();
    }

    verdict(id) { return this.data.verdicts.find((v) => v.id === id); }

    clauseLink(item) {
      return el("a", { href: new URL(item.url, this.siteRoot).href }, item.clause);
    }

    show(index) {
      const item = this.data.situations[index];
      const total = this.data.situations.length;
      const problem = el("div", { class: "wizard-error-summary", tabindex: "-1", hidden: true });
      const options = this.data.verdicts.map((v) => {
        const id = `check-${item.id}-${v.id}`;
        return el("div", { class: "wizard-choice" }, el("input", { type: "radio", name: "verdict", id, value: v.id }),
          el("label", { for: id }, el("strong", {}, v.label), el("span", { class: "self-check-meaning" }, ` ${v.summary}`)));
      });
      const form = el("form", { class: "self-check-form", novalidate: true },
        problem,
        el("fieldset", { class: "wizard-question", "data-check-item": item.id },
          el("legend", {}, "What would the wizard answer?"),
          el("div", { class: "wizard-choices" }, options)),
        el("div", { class: "wizard-actions" },
          el("button", { type: "submit", class: "md-button md-button--primary" }, "Check my answer")));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const picked = form.querySelector("input:checked");
        if (!picked) {
          const link = el("a", { href: `#${options[0].querySelector("input").id}` }, "Select an answer");
          link.addEventListener("click", (e) => { e.preventDefault(); options[0].querySelector("input").focus(); });
          problem.replaceChildren(el("h3", { class: "wizard-error-summary__title" }, "There is a problem"),
            el("ul", {}, el("li", {}, link)));
          problem.hidden = false;
          problem.focus();
          return;
        }
        this.chosen[index] = picked.value;
        this.feedback(index);
      });
      this.screen(
        el("p", { class: "wizard-progress" }, `Situation ${index + 1} of ${total}`),
        el("h2", {}, item.name),
        el("p", {}, item.description),
        this.answersList(item),
        form);
    }

    answersList(item) {
      return el("details", { class: "self-check-answers" },
        el("summary", {}, "What they answered in the wizard"),
        el("dl", {}, item.answers.map(([question, answer]) => el("div", {}, el("dt", {}, question), el("dd", {}, answer)))));
    }

    feedback(index) {
      const item = this.data.situations[index];
      const right = this.chosen[index] === item.verdict;
      const last = index === this.data.situations.length - 1;
      this.screen(
        el("p", { class: "wizard-progress" }, `Situation ${index + 1} of ${this.data.situations.length}`),
        el("div", { class: `self-check-feedback self-check-feedback--${right ? "correct" : "incorrect"}`,
          "data-feedback": right ? "correct" : "incorrect" },
          el("h2", {}, right ? `Right: ${item.verdict_label}` : `Not quite: the answer is ${item.verdict_label}`),
          right ? null : el("p", {}, `You chose ${this.verdict(this.chosen[index]).label}.`),
          el("p", {}, `${item.summary} ${item.why}`)),
        el("h3", {}, item.name),
        item.applies.length ? [el("p", {}, "What applies:"), el("ul", { class: "self-check-applies" },
          item.applies.map((rule) => el("li", {}, rule.badge ? el("strong", {}, `${rule.badge}: `) : null, `${rule.text} `,
            rule.ask ? `Ask: ${rule.ask}. ` : null, "(", this.clauseLink(rule), ")")))] : null,
        el("p", {}, el("a", { href: new URL(item.link, this.siteRoot).href }, "Open this situation in the wizard")),
        el("div", { class: "wizard-actions" },
          button(last ? "See your score" : "Next situation", () => (last ? this.score() : this.show(index + 1)),
            { class: "md-button md-button--primary" })));
    }

    score() {
      const items = this.data.situations;
      const right = items.filter((item, i) => this.chosen[i] === item.verdict).length;
      this.right = right;
      const name = el("input", { type: "text", id: "self-check-name", autocomplete: "name", maxlength: "120" });
      const form = el("form", { class: "self-check-form", novalidate: true },
        el("div", { class: "self-check-field" },
          el("label", { for: "self-check-name" }, "Your name, for the record (optional)"),
          el("p", { class: "wizard-help", id: "self-check-name-hint" },
            "It stays in this page: it is not sent or saved anywhere."),
          name),
        el("div", { class: "wizard-actions" },
          el("button", { type: "submit", class: "md-button md-button--primary" }, "Show my record of completion"),
          button("Start again", () => { this.chosen = []; this.show(0); }, { class: "md-button" })));
      name.setAttribute("aria-describedby", "self-check-name-hint");
      form.addEventListener("submit", (event) => { event.preventDefault(); this.record(name.value.trim()); });
      this.screen(
        el("h2", { id: "self-check-score" }, `You got ${right} of ${items.length} right`),
        el("ul", { class: "self-check-results" }, items.map((item, i) => el("li", {
          "data-result": this.chosen[i] === item.verdict ? "correct" : "incorrect" },
          el("strong", {}, this.chosen[i] === item.verdict ? "Right: " : "Not quite: "),
          `${item.name}: ${item.verdict_label}`,
          this.chosen[i] === item.verdict ? "" : ` (you chose ${this.verdict(this.chosen[i]).label})`))),
        el("p", {}, "Read the ", el("a", { href: new URL("examples/", this.siteRoot).href }, "worked examples"),
          " for more situations, or try your own in the ",
          el("a", { href: new URL("wizard/", this.siteRoot).href }, "wizard"), "."),
        form);
    }

    record(name) {
      const policy = this.data.policy;
      const today = new Date().toISOString().slice(0, 10);
      const print = button("Print this record", () => window.print(), { class: "md-button md-button--primary" });
      this.root.classList.add("self-check--record");
      this.screen(
        el("section", { id: "self-check-record", class: "self-check-record", "aria-labelledby": "self-check-record-title" },
          el("h2", { id: "self-check-record-title" }, "Record of completion"),
          el("dl", {},
            el("div", {}, el("dt", {}, "Name"), el("dd", { "data-record": "name" }, name || "(not given)")),
            el("div", {}, el("dt", {}, "Date"), el("dd", { "data-record": "date" }, today)),
            el("div", {}, el("dt", {}, "Policy"), el("dd", { "data-record": "policy" },
              `${policy.title}, version ${policy.version}, approved ${policy.approval_date_text}`)),
            el("div", {}, el("dt", {}, "Self-check"), el("dd", { "data-record": "score" },
              `${this.right} of ${this.data.situations.length} situations answered as the wizard answers them`)),
            el("div", {}, el("dt", {}, "Site"), el("dd", { "data-record": "site" }, this.siteRoot.href))),
          el("p", { class: "self-check-private" }, "This record was made in the reader's web browser. Nothing ",
            "entered or chosen in the self-check, the name included, was sent or recorded anywhere else.")),
        el("div", { class: "wizard-actions" }, print,
          button("Back to your score", () => { this.root.classList.remove("self-check--record"); this.score(); },
            { class: "md-button" })));
    }
  }

  onEveryPage("self-check", "selfCheck", (root, data) => new SelfCheck(root, data).start());
})();
