"""A Markdown extension: a paragraph or list item ending in `{#clause-id}` becomes a linkable clause.

The element gets `id="clause-id"` and class `clause`, and a visible permalink so staff can copy a
link to exactly that clause. (attr_list cannot put ids on list items, hence this small extension.)
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

MARKER = re.compile(r"\s*\{#([a-z0-9]+(?:-[a-z0-9]+)*)\}\s*$")
BLOCK_TAGS = {"ul", "ol", "p", "div", "blockquote", "pre", "table"}


def _own_text_end(element: Element) -> tuple[Element | None, str]:
    """Where the element's own inline text ends: (element holding it as tail, or None for .text)."""
    children = list(element)
    first_block = next((i for i, child in enumerate(children) if child.tag in BLOCK_TAGS), len(children))
    if first_block == 0:
        return None, element.text or ""
    holder = children[first_block - 1]
    return holder, holder.tail or ""


class ClauseAnchors(Treeprocessor):
    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag not in ("p", "li"):
                continue
            holder, text = _own_text_end(element)
            match = MARKER.search(text)
            if not match:
                continue
            clause_id = match.group(1)
            kept = text[: match.start()]
            if holder is None:
                element.text = kept
            else:
                holder.tail = kept
            element.set("id", clause_id)
            element.set("class", " ".join(filter(None, [element.get("class"), "clause"])))
            link = Element("a", {"class": "clause-link", "href": f"#{clause_id}",
                                       "title": "Permanent link to this clause",
                                       "aria-label": f"Permanent link to clause {clause_id}"})
            link.text = "¶"
            link.tail = ""
            position = 0 if holder is None else list(element).index(holder) + 1
            element.insert(position, link)
            if holder is None:
                element.text = kept.rstrip() + " "
            else:
                holder.tail = kept.rstrip() + " "


class ClauseAnchorsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API name
        # After the inline patterns (20), so the marker is plain text by then.
        md.treeprocessors.register(ClauseAnchors(md), "clause_anchors", 15)


def makeExtension(**kwargs: object) -> ClauseAnchorsExtension:  # noqa: N802 - Markdown's API name
    """What `markdown_extensions: [sitegen.pages.clause_anchors]` in mkdocs.yml loads."""
    return ClauseAnchorsExtension(**kwargs)
