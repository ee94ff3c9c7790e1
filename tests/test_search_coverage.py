"""Every sentence of the policy can be found with the site's search, and lands where it is written."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from sitegen.source.sources import load_sources
from tests.html_text import _Reader, normalise
from tests.test_policy_fidelity import seed_sentences

CLAUSES = set(load_sources().policy.clauses)
SENTENCES = [(line, sentence) for line, sentence, heading in seed_sentences() if not heading]


class _ClauseReader(_Reader):
    """The policy page's text, cut at each clause anchor: what a reader sees under each clause."""

    def __init__(self) -> None:
        super().__init__()
        self.cuts: list[tuple[int, str]] = [(0, "")]  # (position in self.text, clause id starting there)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        identifier = dict(attrs).get("id")
        if identifier in CLAUSES:
            self.cuts.append((len(self.text), identifier))
        super().handle_starttag(tag, attrs)

    def under(self) -> dict[str, str]:
        ends = [position for position, _ in self.cuts[1:]] + [len(self.text)]
        return {clause: normalise("".join(self.text[start:end]))
                for (start, clause), end in zip(self.cuts, ends, strict=True)}


@pytest.fixture(scope="module")
def index(site_dir: Path) -> dict[str, str]:
    """Search entries of the policy page: clause id -> the text the search holds for it."""
    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return {doc["location"].partition("#")[2]: normalise(html.unescape(f"{doc['title']} {doc['text']}"))
            for doc in docs if doc["location"].startswith("policy/")}  # "" is the page's own entry


@pytest.fixture(scope="module")
def page(site_dir: Path) -> dict[str, str]:
    reader = _ClauseReader()
    reader.feed((site_dir / "policy" / "index.html").read_text(encoding="utf-8"))
    return reader.under()


@pytest.mark.parametrize(("line", "sentence"), SENTENCES, ids=[f"line{n}-{s[:30]}" for n, s in SENTENCES])
def test_every_sentence_is_in_the_search_index_under_its_clause(index: dict[str, str], page: dict[str, str],
                                                                 line: int, sentence: str) -> None:
    found = [clause for clause, text in index.items() if sentence in text]
    assert found, f"seed line {line} cannot be found with the search: {sentence!r}"
    shown_under = [clause for clause, text in page.items() if sentence in text]
    assert found[0] in shown_under, (f"seed line {line} is indexed under {found[0]} but shown under {shown_under} "
                                     "on the policy page")


def test_staff_words_are_in_the_index_of_their_clauses(index: dict[str, str]) -> None:
    for entry in load_sources().staff_words:
        for clause in entry.clauses:
            assert all(word in index[clause] for word in entry.words), clause


def test_the_wizard_pages_controls_are_not_search_text(site_dir: Path) -> None:
    """A search for "work phone" once offered the wizard first, quoting "Working out your answer… Print
    this result Start again": its messages, buttons and result area are the page's machinery, not text."""
    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    entries = [doc for doc in docs if doc["location"].startswith("wizard/")]
    # One entry, the page itself: no result for the hidden "Your answers" section a search would land on.
    assert [doc["location"] for doc in entries] == ["wizard/"]
    wizard = html.unescape(f"{entries[0]['title']} {entries[0]['text']}")
    assert "Answer a few questions about what you want to post" in wizard  # the page is still found
    for control in ("Working out your answer", "Print this result", "Start again", "Continue"):
        assert control not in wizard, control
