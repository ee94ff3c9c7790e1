/* Small DOM helpers shared by the wizard (wizard.js) and the self-check (self-check.js). */
window.siteDom = (() => {
  "use strict";

  /* An element with attributes (false, null and undefined ones left out) and children. */
  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
    return node;
  };

  const button = (text, onClick, attributes = {}) => {
    const node = el("button", { type: "button", ...attributes }, text);
    node.addEventListener("click", onClick);
    return node;
  };

  return { el, button };
})();
