"""A clause's old and new wording as one text with the words that changed marked, for "What changed".

Deleted words are in <del>, inserted ones in <ins>, each announced to screen readers ("deleted:",
"inserted:"), since strike-through and underline are not read out. Long unchanged stretches are
shortened to a few words either side of each change, so a three-word edit does not reprint a
whole section.
"""

from __future__ import annotations

import difflib
import html
import re

CONTEXT = 12  # unchanged words kept either side of a change
HIDDEN = '<span class="visually-hidden">{}</span>'


def _words(text: str) -> list[str]:
    """Words with the space after them, so joining them gives the text back."""
    return re.findall(r"\S+\s*", text)


def _marked(tag: str, words: list[str]) -> str:
    text = "".join(words)
    trailing = text[len(text.rstrip()):]
    label = "deleted: " if tag == "del" else "inserted: "
    return f"<{tag}>{HIDDEN.format(label)}{html.escape(text.rstrip())}</{tag}>{trailing}"


def _unchanged(words: list[str], first: bool, last: bool) -> str:
    """An unchanged stretch, shortened in the middle (or at the ends of the text) when long."""
    keep_start = 0 if first else CONTEXT
    keep_end = 0 if last else CONTEXT
    if len(words) <= keep_start + keep_end + 3:
        return html.escape("".join(words))
    head = html.escape("".join(words[:keep_start]))
    tail = html.escape("".join(words[len(words) - keep_end:]) if keep_end else "")
    return f"{head}… {tail}" if head or tail else "… "


def word_diff(before: str, after: str) -> str:
    """HTML of `after` with what changed from `before` marked; escaped, ready for the page."""
    old, new = _words(before), _words(after)
    matcher = difflib.SequenceMatcher(a=[w.strip() for w in old], b=[w.strip() for w in new], autojunk=False)
    opcodes = matcher.get_opcodes()
    parts = []
    for index, (tag, a1, a2, b1, b2) in enumerate(opcodes):
        if tag == "equal":
            parts.append(_unchanged(new[b1:b2], first=index == 0, last=index == len(opcodes) - 1))
            continue
        if tag in ("delete", "replace"):
            parts.append(_marked("del", old[a1:a2]).rstrip() + " " if tag == "replace" else _marked("del", old[a1:a2]))
        if tag in ("insert", "replace"):
            parts.append(_marked("ins", new[b1:b2]))
    return "".join(parts).strip()
