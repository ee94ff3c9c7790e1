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


class Decisions:
    """`settled` and "can this answer change it" for the rules' predicates, memoised.

    The memo is keyed on only the answers a predicate reads: interview states differ mostly in
    answers a given rule never looks at, so thousands of enumerations become a few hundred.
    """

    def __init__(self, values_of: Mapping[str, tuple[str, ...]]):
        self.values_of = values_of
        self._reads: dict[int, tuple[Predicate, tuple[str, ...]]] = {}  # keeps each predicate (and its id) alive
        self._settled: dict[tuple[int, tuple[str | None, ...]], bool | None] = {}
        self._changes: dict[tuple[int, str, tuple[str | None, ...]], bool] = {}

    def _view(self, predicate: Predicate, known: Answers) -> tuple[int, tuple[str | None, ...]]:
        entry = self._reads.get(id(predicate))
        if entry is None:
            entry = self._reads[id(predicate)] = (predicate, tuple(sorted(predicate_keys(predicate))))
        return id(predicate), tuple(known.get(key) for key in entry[1])

    def settled(self, predicate: Predicate, known: Answers) -> bool | None:
        """True or False once the known answers decide the predicate, None while they do not."""
        memo = self._view(predicate, known)
        if memo not in self._settled:
            self._settled[memo] = settled(predicate, known, self.values_of)
        return self._settled[memo]

    def changes(self, predicate: Predicate, key: str, known: Answers) -> bool:
        """Whether some answer to `key` decides the predicate differently from another, given `known`."""
        predicate_id, view = self._view(predicate, known)
        memo = (predicate_id, key, view)
        if memo not in self._changes:
            others = predicate_keys(predicate) - {key}
            self._changes[memo] = any(len({holds(predicate, {**answers, key: v}) for v in self.values_of[key]}) > 1
                                      for answers in completions(others, known, self.values_of))
        return self._changes[memo]
