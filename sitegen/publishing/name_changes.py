"""What a change does to the public names, each named for what it is: new names, retired questions,
withdrawn clauses, and the removals and renames that `check` refuses (links and saved results use
every published name, see policy_source/published.yaml).

The impact report leads with these, because "576 situations flip each way" is what a renamed question
looks like to the answer comparison, and a withdrawn clause changes no answer at all.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sitegen.source.published_names import names_in_rules

KINDS = {"verdicts": "verdict", "obligations": "obligation", "unclear": "ask-first note"}
REFUSED = ("removed", "renamed")


@dataclass(frozen=True)
class Names:
    """The public names of one version of the sources."""

    rules: dict[str, Any]
    clauses: tuple[str, ...] = ()
    withdrawn: dict[str, str | None] | None = None  # withdrawn clause id -> the clause that replaced it

    @property
    def retired(self) -> set[str]:
        return {q["key"] for q in self.rules.get("questions", []) if q.get("retired")}


@dataclass(frozen=True)
class NameChange:
    kind: str  # question, answer, obligation, ask-first note, verdict, clause
    name: str
    change: str  # added, retired, withdrawn, removed or renamed
    detail: str = ""  # renamed: the new name; an answer: its question; withdrawn: the replacement, if any

    @property
    def refused(self) -> bool:
        """`check` fails on this change: a published name must never disappear."""
        return self.change in REFUSED

    def sentence(self) -> str:
        name = f"{self.kind} `{self.name}`" + (f" of question `{self.detail}`" if self.kind == "answer" else "")
        if self.change == "added":
            return f"New {name}."
        if self.change == "retired":
            return f"Retired {name}: no longer asked; links that use it keep working."
        if self.change == "withdrawn":
            replaced = f", replaced by `{self.detail}`" if self.detail else ""
            return (f"Withdrawn {name}{replaced}: its address now says it was removed and links to "
                    "\"What changed\".")
        if self.change == "renamed":
            return (f"**Renamed** {name} to `{self.detail}`: refused, since links and saved results use the old "
                    "name (`python3 build.py check` says what to do instead).")
        return (f"**Removed** {name}: refused, since links and saved results use it (`python3 build.py check` "
                "says what to do instead).")


def _gone(kind: str, old: list[str], new: list[str], detail: str = "") -> list[NameChange]:
    """Removed names, each called a rename when one new name of the same kind is close to it."""
    added = [name for name in new if name not in old]
    changes = []
    for name in old:
        if name not in new:
            close = difflib.get_close_matches(name, added, n=1, cutoff=0.6)
            changes.append(NameChange(kind, name, "renamed", close[0]) if close and kind != "answer"
                           else NameChange(kind, name, "removed", detail))
    return changes


def _compare(kind: str, old: list[str], new: list[str], detail: str = "") -> list[NameChange]:
    renamed_to = {c.detail for c in _gone(kind, old, new) if c.change == "renamed"}
    return [*_gone(kind, old, new, detail),
            *(NameChange(kind, name, "added", detail) for name in new if name not in old and name not in renamed_to)]


def name_changes(base: Names, head: Names) -> list[NameChange]:
    """Every change to the public names from `base` to `head`, in the vocabulary's order."""
    before, after = names_in_rules(base.rules), names_in_rules(head.rules)
    changes = _compare("question", list(before["questions"]), list(after["questions"]))
    changes += [NameChange("question", key, "retired") for key in after["questions"]
                if key in head.retired and key not in base.retired]
    for key, values in after["questions"].items():
        if key in before["questions"]:
            changes += _compare("answer", before["questions"][key], values, key)
    for kind, what in KINDS.items():
        changes += _compare(what, before[kind], after[kind])
    withdrawn_before, withdrawn_now = base.withdrawn or {}, head.withdrawn or {}
    newly_withdrawn = [c for c in withdrawn_now if c not in withdrawn_before and c in base.clauses]
    changes += [NameChange("clause", c, "withdrawn", withdrawn_now[c] or "") for c in newly_withdrawn]
    changes += _compare("clause", [c for c in base.clauses if c not in newly_withdrawn], list(head.clauses))
    return changes
