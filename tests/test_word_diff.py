"""What changed in a clause's wording, word by word (sitegen/publishing/word_diff.py)."""

from __future__ import annotations

import re

from sitegen.publishing.word_diff import CONTEXT, word_diff


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_only_the_changed_words_are_marked_and_announced() -> None:
    marked = word_diff("Posts are often permanent.", "Posts are usually permanent.")
    assert marked == ('Posts are <del><span class="visually-hidden">deleted: </span>often</del> '
                      '<ins><span class="visually-hidden">inserted: </span>usually</ins> permanent.')


def test_a_new_or_removed_clause_is_one_insertion_or_deletion() -> None:
    assert plain(word_diff("", "A new clause.")) == "inserted: A new clause."
    assert plain(word_diff("An old clause.", "")) == "deleted: An old clause."


def test_long_unchanged_stretches_are_shortened_around_the_change() -> None:
    words = [f"w{n}" for n in range(200)]
    marked = word_diff(" ".join(words), " ".join(words).replace("w100", "changed"))
    shown = plain(marked).split()
    assert shown.count("…") == 2 and len(shown) <= 2 * CONTEXT + 6
    assert "w99" in shown and "w101" in shown and "w0" not in shown and "w199" not in shown


def test_text_is_escaped() -> None:
    assert "&lt;script&gt;" in word_diff("a", "a <script>")
    assert "<script>" not in word_diff("<script> a", "a")
