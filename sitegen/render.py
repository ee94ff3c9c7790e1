"""Render the pages generated from `policy_source/` (Markdown, via Jinja2 templates)."""

from __future__ import annotations

from pathlib import Path

import jinja2

from sitegen.policy_text import Block
from sitegen.sources import Sources

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Site path of each generated page -> its template. The policy page's path is part of every clause URL.
GENERATED_PAGES = {
    "policy.md": "policy.md.j2",
    "related.md": "related.md.j2",
    "glossary.md": "glossary.md.j2",
    "clauses.md": "clauses.md.j2",
}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined,
                             # The templates write Markdown, not HTML; HTML fragments use |e explicitly.
                             autoescape=False)  # noqa: S701
    env.globals["marker"] = lambda block: f" {{#{block.clause_id}}}" if block.clause_id else ""
    return env


def render_pages(sources: Sources) -> dict[str, str]:
    """Markdown text of every generated page, keyed by its path in the site."""
    env = _environment()
    context = {"policy": sources.policy, "glossary": sources.glossary, "related": sources.related}
    return {path: env.get_template(name).render(**context) for path, name in GENERATED_PAGES.items()}


def abbreviations(sources: Sources) -> str:
    """Markdown abbreviation definitions for every glossary spelling (appended to each page)."""
    lines = []
    for term in sources.glossary:
        for spelling in term.spellings:
            lines.append(f"*[{spelling}]: {term.definition}")
    return "\n\n" + "\n".join(lines) + "\n"


__all__ = ["GENERATED_PAGES", "Block", "abbreviations", "render_pages"]
