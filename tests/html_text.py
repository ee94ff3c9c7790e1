"""Read built HTML the way a reader sees it: visible text, ids, links, resource URLs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

PERMALINK_CLASSES = {"headerlink", "clause-link"}
BLOCK_TAGS = {"p", "li", "ul", "ol", "dl", "dt", "dd", "div", "h1", "h2", "h3", "h4", "h5", "h6",
              "table", "tr", "td", "th", "section", "br", "legend", "fieldset"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._skip: list[str] = []
        self._in_article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        classes = set(attributes.get("class", "").split())
        if self._skip or classes & PERMALINK_CLASSES or tag in ("script", "style"):
            self._skip.append(tag)
        if tag == "article":
            self._in_article += 1
        if tag in BLOCK_TAGS:
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        if tag == "article":
            self._in_article -= 1
        if tag in BLOCK_TAGS:
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if self._in_article and not self._skip:
            self.text.append(data)


def read_html(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def article_text(html: str) -> str:
    """The page's main text, without permalink signs, whitespace collapsed."""
    return normalise("".join(read_html(html).text))
