"""The site search: entries that land on clauses, the site's own ranking, and the searches staff make.

mkdocs-material's search indexes one entry per heading, so a query for "LinkedIn" would land on the
top of "Approved Business Purposes". After the build we replace the policy page's section entries
with one entry per clause, located at the clause's own anchor and titled with its label, and point
the theme's search box at the site's own ranking (docs/assets/javascripts/search-worker.js, which
says why). `check` runs the searches of policy_source/searches.yaml through that same ranking, in
Node, over the entries the build would make.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from sitegen.source.errors import SourceProblem
from sitegen.source.policy_text import Policy, walk
from sitegen.source.reference_data import ExpectedSearch, StaffWords

POLICY_LOCATION = "policy/"
# The theme boosts title matches 1000x, so a word in any heading beats a clause that says exactly
# what was asked. Clause titles are labels ("Scope, paragraph 2"), so we weigh titles more gently.
TITLE_BOOST = 10.0
# The site's search worker (docs/assets/javascripts/search-worker.js) multiplies a document's score by
# its boost: the policy's own words lead, over the pages that explain or apply them.
CLAUSE_BOOST = 2.0
# "What changed" quotes old and new wording: a record, rarely what a reader is searching for.
PAGE_BOOSTS = {"history/": 0.3, "examples/": 0.6}
ROOT = Path(__file__).resolve().parents[2]
SEARCH_WORKER = ROOT / "docs" / "assets" / "javascripts" / "search-worker.js"
RANKING = Path(__file__).resolve().parent / "search_ranking.cjs"  # runs SEARCH_WORKER's ranking in Node
THEME_WORKER = re.compile(r'"search": "(?P<base>[^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')


def _title(label: str, text: str, words: int = 16) -> str:
    """A result title that says what the clause is about: its label and its opening words."""
    opening = text.split()
    if not opening:
        return label
    return f"{label}: {' '.join(opening[:words])}{'…' if len(opening) > words else ''}"


def _entries(policy: Policy, staff_words: list[StaffWords]) -> list[dict[str, str]]:
    """One entry per clause, holding its own words and every sentence after it that has no id of its
    own (the Definitions' list of platforms, the related policies), so every sentence can be found
    and lands on its clause or the nearest clause above; plus the staff's words for that clause."""
    also: dict[str, list[str]] = {}
    for entry in staff_words:
        for clause in entry.clauses:
            also.setdefault(clause, []).extend(entry.words)
    entries: list[dict[str, str]] = []
    texts: list[list[str]] = []
    for block in walk(policy.blocks):
        if block.clause_id:
            clause = policy.clauses[block.clause_id]
            texts.append([] if block.kind == "heading" else [block.text])
            entries.append({"location": f"{POLICY_LOCATION}#{clause.id}", "title": clause.label, "id": clause.id,
                            "boost": CLAUSE_BOOST})
        elif texts:
            texts[-1].append(block.text)
    for entry, words in zip(entries, texts, strict=True):
        text = " ".join(words)
        entry["title"] = html.escape(_title(entry["title"], text))
        staff = also.get(entry.pop("id"), [])
        entry["text"] = html.escape(text + (f" (Staff also say: {', '.join(staff)}.)" if staff else ""))
    return entries


def split_policy_into_clauses(site_dir: Path, policy: Policy, staff_words: list[StaffWords]) -> None:
    index_path = site_dir / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    docs = index["docs"]
    first = next(i for i, doc in enumerate(docs) if doc["location"].startswith(POLICY_LOCATION))
    kept = [doc for doc in docs if not doc["location"].startswith(POLICY_LOCATION + "#")]
    page_entry = kept.index(docs[first])
    index["docs"] = with_page_boosts(kept[: page_entry + 1] + _entries(policy, staff_words) + kept[page_entry + 1:])
    index["config"]["fields"]["title"]["boost"] = TITLE_BOOST
    index_path.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")


def with_page_boosts(docs: list[dict]) -> list[dict]:
    for doc in docs:
        for page, boost in PAGE_BOOSTS.items():
            if doc["location"].startswith(page):
                doc["boost"] = boost
    return docs


def use_site_ranking(site_dir: Path) -> None:
    """Point the theme's search box at the site's own ranking, and drop the theme's (Lunr and its
    language files: 1.2 MB nothing loads any more). Fails loudly if a theme upgrade moved the setting."""
    pages = sorted(site_dir.rglob("*.html"))
    pointed = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        text, count = THEME_WORKER.subn(lambda m: f'"search": "{m["base"]}assets/javascripts/search-worker.js"', text)
        pointed += count
        page.write_text(text, encoding="utf-8")
    if pointed < len(pages):
        raise ValueError(f"only {pointed} of {len(pages)} pages name the theme's search worker as expected; "
                         "review sitegen/finishing/search_index.py (THEME_WORKER) against the new mkdocs-material")
    for folder in ("workers", "lunr"):
        shutil.rmtree(site_dir / "assets" / "javascripts" / folder, ignore_errors=True)


# -- checking the searches staff make ----------------------------------------------------------------

def first_results(docs: list[dict], queries: list[str], count: int = 3) -> list[list[str]]:
    """For each query, the locations of the first `count` results the search box shows (run in Node)."""
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("Node.js is needed to check the searches in searches.yaml; install Node.js 20+.")
    done = subprocess.run([node, str(RANKING), str(SEARCH_WORKER), str(count)], capture_output=True, text=True,
                          input=json.dumps({"docs": docs, "queries": queries}), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the search ranking failed in Node:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _plain(markdown: str) -> str:
    """Markdown or HTML as the words a reader sees, near enough for ranking."""
    text = re.sub(r"<[^>]+>", " ", markdown)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\{[#.:][^}]*\}|[*_`|>#]+", " ", text)
    return html.escape(" ".join(text.split()))


def _sections(location: str, markdown: str) -> list[dict]:
    """A page's entries as the theme's index makes them: the page, then one per heading."""
    if re.match(r"---\n(.*?\n)?search:\s*\n\s+exclude: true", markdown, re.S):
        return []
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    parts = re.split(r"^(#{1,6} .*)$", body, flags=re.M)
    entries = [{"location": location, "title": "", "text": _plain(parts[0])}]
    for heading, text in zip(parts[1::2], parts[2::2], strict=True):
        title = re.sub(r"\s*\{#[^}]*\}\s*$", "", heading.lstrip("#").strip())
        anchor = re.search(r"\{#([^}]*)\}", heading)
        slug = anchor[1] if anchor else re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        if heading.startswith("# ") and not entries[0]["title"]:
            entries[0].update(title=_plain(title), text=_plain(parts[0] + text))
        else:
            entries.append({"location": f"{location}#{slug}", "title": _plain(title), "text": _plain(text)})
    return entries


def expected_index(pages: dict[str, str], policy: Policy, staff_words: list[StaffWords]) -> list[dict]:
    """The entries the build's search index will hold: the policy's clauses exactly, every other page
    (generated from `pages`, or written in docs/) split at its headings as the theme splits it."""
    written = {p.relative_to(ROOT / "docs").as_posix(): p.read_text(encoding="utf-8")
               for p in sorted((ROOT / "docs").rglob("*.md"))}
    docs: list[dict] = []
    for path, markdown in sorted({**written, **pages}.items()):
        location = "" if path == "index.md" else path.removesuffix("index.md").removesuffix(".md") + "/"
        if location == POLICY_LOCATION:
            docs.append({"location": location, "title": "", "text": ""})
            docs += _entries(policy, staff_words)
        else:
            docs += _sections(location, markdown)
    return with_page_boosts(docs)



def search_problems(searches: list[ExpectedSearch], docs: list[dict], path: Path) -> list[SourceProblem]:
    """Each search of searches.yaml whose clause is not among the first three results, with what came up."""
    problems = []
    for search, found in zip(searches, first_results(docs, [s.query for s in searches]), strict=True):
        if f"{POLICY_LOCATION}#{search.clause}" in found:
            continue
        shown = ", ".join(location or "the home page" for location in found) or "nothing"
        problems.append(SourceProblem(
            path, search.line, f"searching for {search.query!r} does not bring up clause '{search.clause}' among "
            f"the first three results (they are: {shown})",
            f"in staff_words.yaml, add the words of this search to an entry for '{search.clause}'; or, if "
            "another clause answers the search better, name that one"))
    return problems
