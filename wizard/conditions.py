"""Evaluating flat conditions against answers, including answers not known yet."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

from wizard.model import Condition, Group

Answers = Mapping[str, str]
Predicate = tuple[Condition, ...]  # all of these conditions


def _group_holds(group: Group, answers: Answers) -> bool:
    return all(answers.get(key) in values for key, values in group.items())


def holds(predicate: Predicate, answers: Answers) -> bool:
    """True when every condition holds for these answers (a missing answer matches nothing)."""
    return all(_group_holds(c.all, answers) and (not c.any or any(_group_holds(g, answers) for g in c.any))
               for c in predicate)


def predicate_keys(predicate: Predicate) -> frozenset[str]:
    return frozenset().union(*(c.keys for c in predicate))


def completions(keys: Iterable[str], known: Answers, values_of: Mapping[str, tuple[str, ...]]):
    """Every way of answering the given keys that `known` does not answer yet, merged into `known`."""
    open_keys = [k for k in keys if k not in known]
    for combination in itertools.product(*(values_of[k] for k in open_keys)):
        yield {**known, **dict(zip(open_keys, combination, strict=True))}


def settled(predicate: Predicate, known: Answers, values_of: Mapping[str, tuple[str, ...]]) -> bool | None:
    """True or False when the known answers already decide the predicate, None while they do not."""
    outcomes = {holds(predicate, answers)
                for answers in completions(predicate_keys(predicate), known, values_of)}
    return outcomes.pop() if len(outcomes) == 1 else None


def matched(condition: Condition, answers: Answers) -> list[tuple[str, str]]:
    """The answers that made the condition hold: the `all` part and every `any` group that holds."""
    pairs = [(key, answers[key]) for key in condition.all]
    for group in condition.any:
        if _group_holds(group, answers):
            pairs.extend((key, answers[key]) for key in group)
    return list(dict.fromkeys(pairs))
