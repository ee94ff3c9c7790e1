"""Render the pages generated from `policy_source/` (Markdown, via Jinja2 templates)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jinja2

from sitegen.pages.diagram import in_words, interview_steps, render_svg
from sitegen.publishing.history import history_unavailable, policy_history
from sitegen.publishing.word_diff import word_diff
from sitegen.source.situations import worked
from sitegen.source.sources import Sources
from wizard import Engine, Rules
from wizard.graph import export_graph
from wizard.screens import screen_plan

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Site path of each generated page -> (its template, the sources it shows: for its last-updated date).
# The policy page's path is part of every clause URL.
GENERATED_PAGES = {
    "policy.md": ("policy.md.j2", ("policy_source/policy.md",)),
    "related.md": ("related.md.j2", ("policy_source/related.yaml",)),
    "glossary.md": ("glossary.md.j2", ("policy_source/glossary.yaml",)),
    "clauses.md": ("clauses.md.j2", ("policy_source/policy.md",)),
    "wizard.md": ("wizard.md.j2", ("policy_source/rules.yaml", "wizard")),
    "rules.md": ("rules.md.j2", ("policy_source/rules.yaml",)),
    "history.md": ("history.md.j2", ("policy_source",)),
    "examples.md": ("examples.md.j2", ("policy_source/scenarios", "policy_source/rules.yaml")),
    "self-check.md": ("self-check.md.j2", ("policy_source/scenarios", "policy_source/rules.yaml")),
    "privacy-breach.md": ("privacy-breach.md.j2", ("policy_source/rules.yaml", "policy_source/policy.md")),
}


def describe(condition: dict[str, Any]) -> str:
    """A compiled condition in words (Markdown), e.g. "`capacity` is `business` and `new_tool` is `yes`"."""
    def group(part: dict[str, list[str]]) -> str:
        return " and ".join(f"`{key}` is " + " or ".join(f"`{v}`" for v in values) for key, values in part.items())

    parts = [group(condition["all"])] if condition["all"] else []
    if condition["any"]:
        alternatives = " or ".join(group(g) for g in condition["any"])
        parts.append(f"({alternatives})" if parts else alternatives)
    return " and ".join(parts) if parts else "always, for every post"


def compact_json(value: Any) -> str:
    """JSON for a data- attribute (the template HTML-escapes it): the wizard's questions and graph."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def wizard_data(rules: dict[str, Any], engine: Engine | None = None) -> dict[str, Any]:
    """What the wizard page needs before Pyodide is ready: questions, screens and the interview graph."""
    questions = [{"key": q["key"], "text": q["text"], "help": q["help"], "clause": q["clause"],
                  "statement": q.get("statement"), "retired": "retired" in q,
                  "answers": [{"value": a["value"], "label": a["label"]} for a in q["answers"]]}
                 for q in rules["questions"]]
    graph = export_graph(engine or Engine(Rules.from_dict(rules)))
    plan = screen_plan(graph, rules["screens"])
    return {"questions": questions, "screens": rules["screens"], "graph": graph, "plan": plan,
            "most_screens": plan["most"][str(graph["root"])],
            "clauses": {cid: {"label": c["label"], "url": c["url"]} for cid, c in rules["clauses"].items()},
            "verdicts": rules["verdicts"], "policy": rules["policy"]}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined,
                             # The templates write Markdown, not HTML; HTML fragments use |e explicitly.
                             autoescape=False)  # noqa: S701
    env.globals["marker"] = lambda block: f" {{#{block.clause_id}}}" if block.clause_id else ""
    env.globals["describe"] = describe
    env.filters["compact_json"] = compact_json
    return env


_LAST: list = []  # [sources, pages] of the last call: `check` and the build render the same sources once


def by_version(changes: list, sources: Sources) -> list[tuple[dict[str, str], list]]:
    """The changes grouped under the approved version in force once each was made, newest first:
    ({version, approved_by, date, date_text}, changes)."""
    versions = [{"version": a.version, "approved_by": a.approved_by, "date": a.date,
                 "date_text": f"{dt.date.fromisoformat(a.date):%B} {dt.date.fromisoformat(a.date).day}, "
                              f"{dt.date.fromisoformat(a.date).year}"} for a in sources.approvals]
    if not versions:
        meta = sources.policy.meta
        versions = [{"version": str(meta["version"]), "approved_by": meta["approved_by"], "date": meta["approval_date"],
                     "date_text": sources.policy.approval_date_text}]
    groups: list[tuple[dict[str, str], list]] = [(version, []) for version in versions]
    known = [v["version"] for v in versions]
    for change in changes:  # each under the version in force once it was made (else the oldest)
        index = known.index(change.version) if change.version in known else len(versions) - 1
        groups[index][1].append(change)
    return [(version, grouped) for version, grouped in groups if grouped or version is versions[0]]


def render_pages(sources: Sources) -> dict[str, str]:
    """Markdown text of every generated page, keyed by its path in the site."""
    if _LAST and _LAST[0] is sources:
        return _LAST[1]
    env = _environment()
    rules = sources.rules.data
    labels = {v["id"]: v["label"] for v in rules["verdicts"]}
    env.globals["verdict_label"] = lambda verdict_id: f"**{labels[verdict_id]}**"
    env.globals["word_diff"] = word_diff  # escaped HTML
    engine = Engine(Rules.from_dict(rules))  # one engine: its interview states are built once for every page
    wizard = wizard_data(rules, engine)
    steps = interview_steps(engine)
    examples = [worked(s, engine) for s in sources.situations if "example" in s.publish]
    quiz = {"situations": [worked(s, engine) for s in sources.situations if "self-check" in s.publish],
            "verdicts": rules["verdicts"], "policy": rules["policy"]}
    first_key = wizard["graph"]["nodes"][wizard["graph"]["root"]][0]
    context = {"policy": sources.policy, "glossary": sources.glossary, "related": sources.related,
               "withdrawn": sources.withdrawn,
               "rules": rules, "wizard_data": wizard, "clauses": rules["clauses"],
               "diagram_svg": render_svg(steps), "diagram_words": in_words(steps),
               "examples": examples, "self_check": quiz,
               "question": next(q for q in rules["questions"] if q["key"] == first_key)}
    unavailable = history_unavailable()
    changes = [] if unavailable else policy_history(notes=sources.notes)
    context.update(unavailable=unavailable, changes=changes, versions=by_version(changes, sources))
    pages = {path: env.get_template(name).render(**context) for path, (name, _) in GENERATED_PAGES.items()}
    _LAST[:] = [sources, pages]
    return pages


def page_sources(src_uri: str) -> tuple[str, ...]:
    """The files a page is made from, relative to the project root."""
    return GENERATED_PAGES[src_uri][1] if src_uri in GENERATED_PAGES else (f"docs/{src_uri}",)


def abbreviations(sources: Sources) -> str:
    """Markdown abbreviation definitions for every glossary spelling (appended to each page)."""
    lines = []
    for term in sources.glossary:
        for spelling in term.spellings:
            lines.append(f"*[{spelling}]: {term.definition}")
    return "\n\n" + "\n".join(lines) + "\n"

