"""The examples tests need, drawn from policy_source/ when they run: never written into a test.

The communications team may change any wording, rule, question or situation, and a passing
`python3 build.py check` must mean a passing CI (docs/updating). So a test that needs "a post that is
not allowed", "the first question" or "a rule that names whom to ask" asks for it here, and checks the
code's behaviour against what the sources say, not against today's policy.

Examples come from the team's own situations (policy_source/scenarios) first, then from the
interview's complete paths as the engine walks them. A test whose example the rules can no longer give
(no path at all ends "not allowed", say) is skipped, naming what is missing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import pytest

from sitegen.source.sources import Sources, load_sources
from tests.scenarios import Scenario, load_scenarios
from wizard import Engine, Result, Rules
from wizard.graph import complete_paths

Answers = dict[str, str]


@functools.cache
def sources() -> Sources:
    return load_sources()


def rules() -> dict[str, Any]:
    """The compiled rules, as the site and the command line get them."""
    return sources().rules.data


@functools.cache
def engine() -> Engine:
    return Engine(Rules.from_dict(rules()))


def result(answers: Answers) -> Result:
    return engine().evaluate(answers)


def question(key: str) -> dict[str, Any]:
    return next(q for q in rules()["questions"] if q["key"] == key)


def values(key: str) -> list[str]:
    return [a["value"] for a in question(key)["answers"]]


def keys(*, retired: bool | None = None) -> list[str]:
    """Question keys in the rules' order: all, only the asked ones (retired=False) or only the retired."""
    return [q["key"] for q in rules()["questions"] if retired is None or bool(q.get("retired")) == retired]


def obligation(identifier: str) -> dict[str, Any]:
    return next(o for o in rules()["obligations"] + rules()["unclear"] if o["id"] == identifier)


def verdict_label(verdict: str) -> str:
    return next(v["label"] for v in rules()["verdicts"] if v["id"] == verdict)


def first_question() -> str:
    """The question every interview starts with."""
    first = engine().walk({})[2]
    assert first is not None, "the rules ask no question at all"
    return first


def asked(answers: Answers) -> list[tuple[str, str]]:
    """The answers of a path in the order the interview asks them (the order a reader clicks through)."""
    order, known = [], {}
    while (key := engine().walk(known)[2]) is not None and key in answers:
        known[key] = answers[key]
        order.append((key, answers[key]))
    return order


def fragment(answers: Answers) -> str:
    """The wizard's address fragment for these answers, in the order the interview asks them."""
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in asked(answers))


@functools.cache
def situations() -> tuple[Scenario, ...]:
    return tuple(load_scenarios())


@functools.cache
def _walked() -> tuple[Answers, ...]:
    return tuple(complete_paths(engine()))


def _candidates() -> Iterable[Answers]:
    yield from (s.answers for s in situations() if s.verdict is not None and s.next is None)
    yield from _walked()


def example(verdict: str | None = None, where: Callable[[Result], bool] = lambda _: True,
            what: str = "") -> Answers:
    """Answers to a whole interview whose result has `verdict` and satisfies `where`: the team's
    situations first, then the walked paths. Skips the calling test when the rules give none."""
    for answers in _candidates():
        found = result(answers)
        if found.next is None and verdict in (None, found.verdict) and where(found):
            return dict(answers)
    pytest.skip(f"no path through the interview ends {verdict or 'anywhere'} {what}".strip())


def partial(where: Callable[[Result], bool] = lambda _: True, what: str = "") -> Answers:
    """Answers that leave questions to ask (a prefix of a walked path), satisfying `where`."""
    for answers in _candidates():
        path = asked(answers)
        for length in range(1, len(path)):
            prefix = dict(path[:length])
            if where(result(prefix)):
                return prefix
    pytest.skip(f"no unfinished path {what}".strip())


def ids(applied: Iterable[Any]) -> set[str]:
    return {a.id for a in applied}


def paragraph_clauses() -> list[Any]:
    """Clauses that are a whole plain paragraph of policy.md (not a heading or a list item), in order."""
    policy = sources().policy
    lines = policy.path.read_text(encoding="utf-8").splitlines()
    return [c for c in policy.clauses.values()
            if lines[c.line - 1][:1].isalpha() and lines[c.line - 1].rstrip().endswith("{#" + c.id + "}")]
