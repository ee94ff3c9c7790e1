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

  /* Start a page's script on every page view, instant navigation included: once per element whose
     `data-<key>` holds its JSON data. */
  const onEveryPage = (id, key, start) => {
    const init = () => {
      const root = document.getElementById(id);
      if (!root || !root.dataset[key] || root.dataset.started) return;
      root.dataset.started = "true";
      start(root, JSON.parse(root.dataset[key]));
    };
    if (typeof document$ !== "undefined") document$.subscribe(init); // mkdocs-material, incl. instant navigation
    else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
    else init();
  };

  return { el, button, onEveryPage };
})();
