"""The rules as typed, immutable data, read from the compiled rules JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Group = Mapping[str, frozenset[str]]  # every key must have one of its values


@dataclass(frozen=True)
class Condition:
    """All of `all`, and (when `any` is not empty) at least one group of `any`. Nothing nests deeper."""

    all: Group
    any: tuple[Group, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.all).union(*(group.keys() for group in self.any))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Condition:
        return cls(_group(data.get("all", {})), tuple(_group(g) for g in data.get("any", [])))


def _group(data: Mapping[str, Any]) -> Group:
    return {key: frozenset(values) for key, values in data.items()}


@dataclass(frozen=True)
class Answer:
    value: str
    label: str
    because: str  # completes "... because ___", e.g. "you will post using City equipment"


@dataclass(frozen=True)
class Implication:
    """An answer taken as given without asking, when `when` holds (e.g. business posts identify you)."""

    when: Condition
    value: str


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str
    clause: str
    answers: tuple[Answer, ...]
    implied: Implication | None = None
    retired: str | None = None  # why it is no longer asked; the key stays valid for old links


    @property
    def values(self) -> tuple[str, ...]:
        return tuple(a.value for a in self.answers)

    def answer(self, value: str) -> Answer:
        return next(a for a in self.answers if a.value == value)


@dataclass(frozen=True)
class Obligation:
    id: str
    text: str
    clause: str
    when: Condition
    verdict: str
    verdict_when: Condition | None = None  # None: the verdict applies whenever the obligation does
    ask: str | None = None  # whom to ask; required whenever the verdict can be stricter than the least


@dataclass(frozen=True)
class Unclear:
    id: str
    text: str
    ask: str
    clause: str
    when: Condition
    only_if_asked: bool = False  # never by itself a reason to ask a question (e.g. "not sure" of one answer)


@dataclass(frozen=True)
class Verdict:
    id: str
    label: str
    summary: str
    badge: str = ""  # how an obligation or note calling for this verdict is labelled, e.g. "Stops this post"


@dataclass(frozen=True)
class Screen:
    """Questions the site asks together: as checkboxes (an unticked box is "no"), or one below the other."""

    keys: tuple[str, ...]
    checkboxes: bool


@dataclass(frozen=True)
class ClauseRef:
    id: str
    label: str
    url: str  # relative to the site root, e.g. "policy/#personal-use-third-party"
    text: str = ""  # the clause's own words, so a reader without the site can read what is cited
    line: int = 0  # its line in policy_source/policy.md


@dataclass(frozen=True)
class Rules:
    policy: Mapping[str, str]
    verdicts: tuple[Verdict, ...]  # least strict first
    unclear_verdict: str  # the verdict an applying unclear note calls for (at least)
    questions: tuple[Question, ...]  # in the order they are asked
    screens: tuple[Screen, ...]  # questions asked together on one screen of the site
    obligations: tuple[Obligation, ...]
    unclear: tuple[Unclear, ...]
    clauses: Mapping[str, ClauseRef]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rules:
        """Build the model from compiled rules (as written by sitegen.rules_source.compile_rules)."""
        questions = tuple(
            Question(q["key"], q["text"], q["help"], q["clause"],
                     tuple(Answer(a["value"], a["label"], a["because"]) for a in q["answers"]),
                     Implication(Condition.from_dict(q["implied"]["when"]), q["implied"]["value"])
                     if q.get("implied") else None, q.get("retired"))
            for q in data["questions"])
        obligations = tuple(
            Obligation(o["id"], o["text"], o["clause"], Condition.from_dict(o["when"]), o["verdict"],
                       Condition.from_dict(o["verdict_when"]) if o.get("verdict_when") else None, o.get("ask"))
            for o in data["obligations"])
        unclear = tuple(Unclear(u["id"], u["text"], u["ask"], u["clause"], Condition.from_dict(u["when"]),
                                bool(u.get("only_if_asked")))
                        for u in data["unclear"])
        return cls(policy=dict(data["policy"]),
                   verdicts=tuple(Verdict(v["id"], v["label"], v["summary"], v.get("badge", ""))
                                  for v in data["verdicts"]),
                   unclear_verdict=data["unclear_verdict"],
                   questions=questions, obligations=obligations, unclear=unclear,
                   screens=tuple(Screen(tuple(screen["keys"]), "none" in screen) for screen in data.get("screens", [])),
                   clauses={cid: ClauseRef(cid, c["label"], c["url"], c.get("text", ""), c.get("line", 0))
                            for cid, c in data["clauses"].items()})
