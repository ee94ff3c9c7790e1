"""Which question comes next, and what applies once the answers are in.

The engine asks a question only when its answer can still change the result on the reader's path:
some obligation, verdict or unclear note mentioning it is not yet decided by the answers so far.
Questions are considered in the order the rules list them. Answers to questions the path never
reaches are ignored, and reported as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from wizard.conditions import Answers, Predicate, completions, holds, matched, predicate_keys, settled
from wizard.model import Condition, Obligation, Question, Rules, Unclear

State = frozenset[tuple[str, str]]  # the answers used so far, as a hashable cache key


class AnswerError(ValueError):
    """An answer the rules do not know: an unknown question key, or a value the question does not take."""

    def __init__(self, message: str, key: str, value: str | None, valid: list[str]):
        super().__init__(message)
        self.key, self.value, self.valid = key, value, valid


@dataclass(frozen=True)
class Reason:
    """One answer that made an obligation or note apply ("because you will post from City equipment")."""

    key: str
    value: str
    because: str
    implied: bool = False  # taken as given for this path, not answered by the reader


@dataclass(frozen=True)
class Applied:
    """An obligation or unclear note that applies, with its clause and why it applies."""

    id: str
    text: str
    clause: str
    clause_label: str
    url: str
    because: tuple[Reason, ...]
    verdict: str | None = None  # obligations: the verdict this obligation calls for
    ask: str | None = None  # unclear notes: who to ask


@dataclass
class Result:
    verdict: str | None  # None while questions remain
    next: str | None  # the next question's key, None when the path is complete
    obligations: list[Applied] = field(default_factory=list)
    unclear: list[Applied] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # the answers this path used, implied ones too
    implied: list[str] = field(default_factory=list)
    decisive: list[str] = field(default_factory=list)  # obligations that set a verdict stricter than the least

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Engine:
    """The rules, prepared once for fast repeated questions (the browser asks on every step)."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.questions: dict[str, Question] = {q.key: q for q in rules.questions}
        self.values_of = {q.key: q.values for q in rules.questions}
        self._strictness = {v.id: rank for rank, v in enumerate(rules.verdicts)}
        predicates: list[Predicate] = []
        for obligation in rules.obligations:
            predicates.append((obligation.when,))
            if obligation.verdict_when is not None:
                predicates.append((obligation.when, obligation.verdict_when))
        predicates.extend((note.when,) for note in rules.unclear)
        self._predicates_of = {key: [(p, predicate_keys(p) - {key}) for p in predicates if key in predicate_keys(p)]
                               for key in self.questions}
        # The interview has few distinct states, and the browser and the benchmarks ask about the same
        # ones again and again, so decisions are memoised per state.
        self._next_cache: dict[State, str | None] = {}
        self._matters_cache: dict[tuple[str, State], bool] = {}
        self._implied_cache: dict[State, tuple[tuple[str, str], ...]] = {}
        self._applied_cache: dict[State, tuple[tuple[Applied, ...], tuple[Applied, ...]]] = {}

    # -- validating answers ---------------------------------------------------------------------

    def check(self, answers: Mapping[str, str]) -> None:
        """Raise AnswerError naming the valid keys or values for the first unknown key or value."""
        for key, value in answers.items():
            if key not in self.questions:
                valid = list(self.questions)
                raise AnswerError(f"Unknown question key {key!r}. Valid keys: {', '.join(valid)}.", key, value, valid)
            if value not in self.values_of[key]:
                valid = list(self.values_of[key])
                raise AnswerError(f"{value!r} is not an answer to {key!r}. Valid values: {', '.join(valid)}.",
                                  key, value, valid)

    # -- the path through the questions ---------------------------------------------------------

    def matters(self, key: str, known: Answers) -> bool:
        """Whether answering `key` can still change some obligation, verdict or note, given `known`."""
        cache_key = (key, frozenset(known.items()))
        if cache_key not in self._matters_cache:
            self._matters_cache[cache_key] = any(
                len({holds(predicate, {**answers, key: v}) for v in self.values_of[key]}) > 1
                for predicate, others in self._predicates_of[key]
                for answers in completions(others, known, self.values_of))
        return self._matters_cache[cache_key]

    def next_question(self, known: Answers) -> str | None:
        """The first question, in rule order, that is unanswered and still matters; None when done."""
        state = frozenset(known.items())
        if state not in self._next_cache:
            self._next_cache[state] = next(
                (q.key for q in self.rules.questions if q.key not in known and self.matters(q.key, known)), None)
        return self._next_cache[state]

    def _implications(self, known: dict[str, str]) -> list[str]:
        """Fill in answers the rules take as given on this path; returns their keys."""
        state = frozenset(known.items())
        if state not in self._implied_cache:
            self._implied_cache[state] = tuple(
                (q.key, q.implied.value) for q in self.rules.questions
                if q.implied and q.key not in known and settled((q.implied.when,), known, self.values_of) is True)
        known.update(self._implied_cache[state])
        return [key for key, _ in self._implied_cache[state]]

    def walk(self, answers: Answers) -> tuple[dict[str, str], list[str], str | None]:
        """Follow the interview through the given answers: (answers used, implied keys, next key)."""
        known: dict[str, str] = {}
        implied: list[str] = []
        while True:
            implied += self._implications(known)
            key = self.next_question(known)
            if key is None or key not in answers:
                return known, implied, key
            known[key] = answers[key]

    # -- the result -----------------------------------------------------------------------------

    def evaluate(self, answers: Mapping[str, str]) -> Result:
        """The result for these answers: the verdict when complete, otherwise the next question.

        Partial answers give the obligations and notes already certain, and no verdict yet.
        """
        self.check(answers)
        known, implied, next_key = self.walk(answers)
        ignored = [k for k in answers if k in implied or (k not in known and not self.matters(k, known))]
        obligations, unclear = self._what_applies(known, implied)
        result = Result(verdict=None, next=next_key, obligations=list(obligations), unclear=list(unclear),
                        ignored=ignored, answers=known, implied=implied)
        if next_key is None:
            least = self.rules.verdicts[0].id
            result.verdict = max((o.verdict for o in obligations), key=self._strictness.get, default=least)
            if result.verdict != least:
                result.decisive = [o.id for o in obligations if o.verdict == result.verdict]
        return result

    def _what_applies(self, known: dict[str, str], implied: list[str]) -> tuple[tuple[Applied, ...], ...]:
        """The obligations and unclear notes the known answers already settle as applying."""
        state = frozenset(known.items())
        if state not in self._applied_cache:
            self._applied_cache[state] = tuple(
                tuple(self._applied(rule, known, implied) for rule in rules
                      if settled((rule.when,), known, self.values_of) is True)
                for rules in (self.rules.obligations, self.rules.unclear))
        return self._applied_cache[state]

    def _applied(self, rule: Obligation | Unclear, known: Answers, implied: list[str]) -> Applied:
        conditions: list[Condition] = [rule.when]
        verdict = None
        if isinstance(rule, Obligation):
            verdict = rule.verdict
            if rule.verdict_when is not None:
                if holds((rule.verdict_when,), known):
                    conditions.append(rule.verdict_when)
                else:
                    verdict = self.rules.verdicts[0].id
        because = tuple(Reason(k, v, self.questions[k].answer(v).because, k in implied)
                        for condition in conditions for k, v in matched(condition, known))
        clause = self.rules.clauses[rule.clause]
        return Applied(id=rule.id, text=rule.text, clause=rule.clause, clause_label=clause.label, url=clause.url,
                       because=because, verdict=verdict, ask=getattr(rule, "ask", None))
