/* The site search's ranking, in the theme's own search box: a drop-in for mkdocs-material's search
 * worker (same messages: SETUP with the index, READY, QUERY with the words typed, RESULT with groups
 * of documents), which the build points the theme at (sitegen/finishing/search_index.py).
 *
 * Why not the theme's: it puts a wildcard after every word, so "a", "to" and "I" match half the
 * policy, and it groups every clause under its page and folds all but the best one away. Here:
 *  - common words ("can", "I", "the") never decide the ranking; each other word counts by how rare
 *    it is (BM25), in the title a little more than in the text;
 *  - a document holding more of the words ranks above one holding fewer, and the words together
 *    (a phrase, or close) above the same words scattered;
 *  - a clause outranks the page that holds it, and each result is shown, none folded away;
 *  - a question such as "can I post ..." is also offered the wizard, first.
 * Only the last word, still being typed, matches as a prefix. Plain script: it runs as the theme's
 * classic worker, and in Node for the checks (module.exports at the end).
 */
"use strict";

// Common English words, which say nothing about what a reader is looking for.
const STOP_WORDS = new Set(("a about above after again against all am an and any are as at be because been before "
  + "being below between both but by can could did do does doing down during each few for from further had has "
  + "have having he her here hers herself him himself his how i if in into is it its itself just let me might "
  + "more most must my myself no nor not of off on once only or other our ours ourselves out over same she "
  + "should so some such than that the their theirs them themselves then there these they this those through "
  + "to too under until up very was we were what when where which while who whom why will with would you your "
  + "yours yourself yourselves").split(" "));
// A query that asks whether something may be done: the wizard answers those for the reader's case.
const ASKS_PERMISSION = /^\s*(?:can|may|could|am|is|are|should|do|does)\s+(?:i|we|you|staff|employees?|my|our)\b|\ballowed\b|\bpermitted\b/i;
const WIZARD = "wizard/";
const TITLE_WEIGHT = 2.5;
const K1 = 1.2;
const B = 0.75;

const stripTags = (html) => html.replace(/<[^>]*>/g, " ").replace(/&nbsp;/g, " ")
  .replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" })[name]);
const escapeHTML = (text) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/* Words of a text with where each starts and ends, lower case, apostrophes and accents kept. */
function words(text) {
  const found = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu)) {
    found.push({ word: match[0].toLowerCase().replace(/’/g, "'"), start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/* A light English stemmer: enough that "post", "posts" and "posting", or "policy" and "policies", meet. */
function stem(word) {
  let w = word.replace(/'s$/, "");
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith("ed") && w.length > 4) w = w.slice(0, -2);
  if (/(.)\1$/.test(w) && !/(ll|ss|ee)$/.test(w)) w = w.slice(0, -1); // "stopped" -> "stop"
  return w.replace(/e$/, ""); // "use", "used", "using" -> "us"
}

/* The index: per document its fields' stems with positions; per stem, the documents holding it. */
function buildIndex(docs) {
  const entries = docs.map((doc) => {
    const title = stripTags(doc.title || "");
    const text = stripTags(doc.text || "");
    const fields = { title: words(title).map((w) => stem(w.word)), text: words(text).map((w) => stem(w.word)) };
    return { doc, title, text, fields };
  });
  const postings = new Map();
  entries.forEach((entry, index) => {
    for (const stemmed of new Set([...entry.fields.title, ...entry.fields.text])) {
      if (!postings.has(stemmed)) postings.set(stemmed, []);
      postings.get(stemmed).push(index);
    }
  });
  const average = (name) => entries.reduce((sum, e) => sum + e.fields[name].length, 0) / Math.max(entries.length, 1);
  const paths = new Set(docs.filter((doc) => doc.location.includes("#")).map((doc) => doc.location.split("#")[0]));
  return { entries, postings, averages: { title: average("title") || 1, text: average("text") || 1 }, paths };
}

/* The words of a query that count, each with the stems it matches (the last, unfinished, as a prefix). */
function queryTerms(index, query) {
  const typed = words(query);
  const meaningful = typed.filter((w) => !STOP_WORDS.has(w.word));
  const chosen = meaningful.length ? meaningful : typed;
  const stillTyping = !/\s$/.test(query);
  return chosen.map((w, i) => {
    const stemmed = stem(w.word);
    const last = stillTyping && i === chosen.length - 1 && w === typed[typed.length - 1];
    // A word still being typed also matches the words it begins, at half weight: "time" finds
    // "timely" too, but below "time" itself.
    const prefixed = last && w.word.length >= 2
      ? [...index.postings.keys()].filter((s) => s !== stemmed && s.startsWith(w.word)) : [];
    return { word: w.word, stems: new Set([stemmed, ...prefixed]), exact: stemmed };
  });
}

function bm25(frequency, length, average, documents, holding) {
  const idf = Math.log(1 + (documents - holding + 0.5) / (holding + 0.5));
  return idf * (frequency * (K1 + 1)) / (frequency + K1 * (1 - B + B * length / average));
}

/* The smallest number of words in the text that holds one of each matched term; Infinity if one is missing. */
function span(positions) {
  if (positions.some((p) => !p.length)) return Infinity;
  const events = positions.flatMap((list, term) => list.map((at) => [at, term])).sort((a, b) => a[0] - b[0]);
  const counts = new Array(positions.length).fill(0);
  let covered = 0;
  let best = Infinity;
  let left = 0;
  for (const [at, term] of events) {
    if (counts[term]++ === 0) covered++;
    while (covered === positions.length) {
      best = Math.min(best, at - events[left][0] + 1);
      if (--counts[events[left][1]] === 0) covered--;
      left++;
    }
  }
  return best;
}

function score(index, entry, terms) {
  const documents = index.entries.length;
  let total = 0;
  let matched = 0;
  const positions = terms.map(() => []);
  terms.forEach((term, t) => {
    let termScore = 0;
    for (const stemmed of term.stems) {
      const holding = index.postings.get(stemmed)?.length || 0;
      if (!holding) continue;
      for (const name of ["title", "text"]) {
        const field = entry.fields[name];
        let frequency = 0;
        field.forEach((s, at) => {
          if (s !== stemmed) return;
          frequency++;
          if (name === "text") positions[t].push(at);
        });
        if (frequency) {
          termScore = Math.max(termScore, (name === "title" ? TITLE_WEIGHT : 1) * (stemmed === term.exact ? 1 : 0.5)
            * bm25(frequency, field.length, index.averages[name], documents, holding));
        }
      }
    }
    if (termScore > 0) matched++;
    total += termScore;
  });
  if (!matched) return { score: 0, matched };
  const coverage = matched / terms.length;
  let result = total * coverage * coverage;
  if (terms.length > 1) { // the words together rank above the same words scattered
    const found = positions.filter((p) => p.length);
    const width = found.length > 1 ? span(found) : Infinity;
    if (width !== Infinity) result *= 1 + found.length / width;
  }
  const location = entry.doc.location;
  if (!location.includes("#") && index.paths.has(location)) result *= 0.5; // a page, below its own clauses
  result *= entry.doc.boost || 1; // set by the build: the policy's clauses over pages derived from them
  return { score: result, matched };
}

/* The text around the first match, about 30 words, with every matched word marked. */
function teaser(text, terms, length = 30) {
  const all = words(text);
  const hit = (w) => terms.some((term) => term.stems.has(stem(w.word)));
  const first = Math.max(all.findIndex(hit), 0);
  const from = Math.max(first - 8, 0);
  const to = Math.min(from + length, all.length);
  if (!all.length) return "";
  let html = from > 0 ? "… " : "";
  let cursor = all[from].start;
  for (let i = from; i < to; i++) {
    const w = all[i];
    html += escapeHTML(text.slice(cursor, w.start));
    const original = escapeHTML(text.slice(w.start, w.end));
    html += hit(w) ? `<mark data-md-highlight>${original}</mark>` : original;
    cursor = w.end;
  }
  return html + (to < all.length ? " …" : escapeHTML(text.slice(cursor)));
}

const marked = (text, terms) => words(text).reduceRight((html, w) => {
  if (!terms.some((term) => term.stems.has(stem(w.word)))) return html;
  return `${html.slice(0, w.start)}\u0000${html.slice(w.start, w.end)}\u0001${html.slice(w.end)}`;
}, text);
const markedTitle = (text, terms) => escapeHTML(marked(text, terms))
  .replace(/\u0000/g, "<mark data-md-highlight>").replace(/\u0001/g, "</mark>");

/* Ranked results, as the theme shows them: groups of documents, each group one result. */
function search(index, query, limit = 50) {
  const terms = queryTerms(index, query);
  if (!terms.length) return { items: [] };
  const ranked = index.entries
    .map((entry) => ({ entry, ...score(index, entry, terms) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
  const byLocation = new Map(index.entries.map((entry) => [entry.doc.location, entry]));
  if (ASKS_PERMISSION.test(query) && byLocation.has(WIZARD)) {
    const wizard = ranked.findIndex((r) => r.entry.doc.location === WIZARD);
    const offered = wizard >= 0 ? ranked.splice(wizard, 1)[0] : { entry: byLocation.get(WIZARD), matched: 0 };
    ranked.unshift({ ...offered, score: (ranked[0]?.score || 1) * 2, offered: true });
  }
  const items = ranked.map(({ entry, score: value, offered }) => {
    // Which words it holds (the theme lists the others as missing); none for the wizard when offered
    // for the question itself, not for its words.
    const terms_ = offered ? {} : Object.fromEntries(terms.map((term) => [term.word,
      entry.fields.title.some((s) => term.stems.has(s)) || entry.fields.text.some((s) => term.stems.has(s))]));
    const item = { location: entry.doc.location, title: markedTitle(entry.title, terms),
                   text: teaser(entry.text, terms), score: value, terms: terms_ };
    // A section is shown under the name of its page (the theme folds any other sections of a group away).
    const page = entry.doc.location.includes("#") ? byLocation.get(entry.doc.location.split("#")[0]) : null;
    return page ? [item, { location: page.doc.location, title: escapeHTML(page.title), text: "", score: 0, terms: {} }]
      : [item];
  });
  return { items };
}

if (typeof module !== "undefined") {
  module.exports = { buildIndex, search, stem, STOP_WORDS };
} else {
  let index = null;
  self.addEventListener("message", ({ data }) => {
    if (data.type === 0) { // SETUP
      index = buildIndex(data.data.docs);
      self.postMessage({ type: 1 }); // READY
    } else if (data.type === 2) { // QUERY
      try {
        self.postMessage({ type: 3, data: index ? search(index, data.data) : { items: [] } }); // RESULT
      } catch (error) {
        console.warn("The search could not read this query.", error);
        self.postMessage({ type: 3, data: { items: [] } });
      }
    }
  });
}
