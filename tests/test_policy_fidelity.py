"""The published policy says exactly what the approved policy says, sentence by sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.html_text import article_text, normalise

SEED = Path(__file__).parent / "fixtures" / "seed-policy.txt"
# The PDF conversion left stray "o" bullet markers on two nested items; they are list markup, not words.
BULLET = re.compile(r"^-\s+(o\s+)?")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def seed_sentences() -> list[tuple[int, str, bool]]:
    """(line, sentence, is_heading) for every sentence of the original policy text."""
    found = []
    for number, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), start=1):
        line = BULLET.sub("", line.strip())
        if not line:
            continue
        # Headings are in capitals in the original; the site sets them in title case.
        is_heading = line.isupper() or line == "Responsibilities:"
        for sentence in SENTENCE_END.split(line):
            found.append((number, normalise(sentence), is_heading))
    return found


@pytest.fixture(scope="module")
def policy_text(site_dir: Path) -> str:
    return article_text((site_dir / "policy" / "index.html").read_text(encoding="utf-8"))


def test_the_original_text_is_the_fixture_we_expect() -> None:
    sentences = seed_sentences()
    assert len(sentences) == 89
    assert sentences[0] == (1, "CORPORATE SOCIAL MEDIA POLICY", True)


@pytest.mark.parametrize(("line", "sentence", "is_heading"), seed_sentences(),
                         ids=[f"line{n}-{s[:30]}" for n, s, _ in seed_sentences()])
def test_every_sentence_of_the_policy_is_on_the_policy_page(
        policy_text: str, line: int, sentence: str, is_heading: bool) -> None:
    haystack, needle = (policy_text.casefold(), sentence.casefold()) if is_heading else (policy_text, sentence)
    assert needle in haystack, f"seed line {line}: sentence missing or altered on the policy page: {sentence!r}"
