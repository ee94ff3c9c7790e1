"""Which question comes next, and what applies once the answers are in.

The engine asks a question only when its answer can still change the result on the reader's path
(some obligation, verdict or unclear note that mentions it is not yet decided by the answers so far),
and asks nothing more once the strictest verdict is settled: a reader who may not make a post is
told why and whom to ask, not the duties of that post. Questions are considered in the order the
rules list them. Answers to questions the path never reaches are ignored, and reported as such.

Every point of the interview is a `_Step`, built the first time a path reaches it and kept: it knows
its next question, which answers it ignores and everything the answers so far settle. Evaluating is
then a walk down those steps, a dictionary lookup per question, which matters because the exhaustive
tests, the benchmark and the impact report evaluate every combination of answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.conditions import Answers, Decisions, Predicate, holds, matched, predicate_keys
from wizard.model import Condition, Obligation, Rules, Unclear

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
    """An obligation or unclear note that applies, with its clause, why it applies and whom to ask."""

    id: str
    text: str
    clause: str
    clause_label: str
    url: str
    because: tuple[Reason, ...]
    verdict: str | None = None  # the verdict this obligation or note calls for
    ask: str | None = None  # whom to ask (every note, and every obligation stricter than the least verdict)
    standing: bool = False  # applies to every post whatever the answers: a standing reminder


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
        """The result as JSON-ready data (the CLI's --json and the browser); by hand, since
        dataclasses.asdict deep-copies every value and the browser asks on every verdict."""
        def items(applied: list[Applied]) -> list[dict[str, Any]]:
            return [{**vars(a), "because": [vars(r) for r in a.because]} for a in applied]

        return {"verdict": self.verdict, "next": self.next, "obligations": items(self.obligations),
                "unclear": items(self.unclear), "ignored": list(self.ignored), "answers": dict(self.answers),
                "implied": list(self.implied), "decisive": list(self.decisive)}


@dataclass(eq=False)
class _Step:
    """One point of the interview: the answers used so far and everything they settle."""

    answered: dict[str, str]  # by the reader
    known: dict[str, str]  # answered and implied
    implied: tuple[str, ...]
    next: str | None
    ignores: frozenset[str]  # keys whose answers change nothing from here on
    obligations: tuple[Applied, ...]
    unclear: tuple[Applied, ...]
    verdict: str | None
    decisive: tuple[str, ...]
    children: dict[str, _Step] = field(default_factory=dict)


class Engine:
    """The rules, prepared once for fast repeated questions (the browser asks on every step)."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.questions = {q.key: q for q in rules.questions}
        self.values_of = {q.key: q.values for q in rules.questions}
        self._valid = frozenset((key, value) for key, values in self.values_of.items() for value in values)
        self._rank = {v.id: rank for rank, v in enumerate(rules.verdicts)}
        self._least, self._strictest = rules.verdicts[0].id, rules.verdicts[-1].id
        self._asked = [q.key for q in rules.questions if q.retired is None]
        predicates: list[Predicate] = []
        strictest: list[Predicate] = []  # any of these settled means nothing more can change the verdict
        for obligation in rules.obligations:
            predicates.append((obligation.when,))
            verdict_predicate = (obligation.when,)
            if obligation.verdict_when is not None:
                verdict_predicate = (obligation.when, obligation.verdict_when)
                predicates.append(verdict_predicate)
            if obligation.verdict == self._strictest:
                strictest.append(verdict_predicate)
        predicates.extend((note.when,) for note in rules.unclear if not note.only_if_asked)
        if rules.unclear_verdict == self._strictest:
            strictest.extend((note.when,) for note in rules.unclear)
        self._strictest_predicates = strictest
        self._predicates_of = {key: [p for p in predicates if key in predicate_keys(p)] for key in self.questions}
        self._rule_predicates = [(rule, (rule.when,)) for rule in (*rules.obligations, *rules.unclear)]
        self._implying = [(q, (q.implied.when,)) for q in rules.questions if q.implied is not None]
        self._decide = Decisions(self.values_of)
        self._steps: dict[tuple[State, tuple[str, ...]], _Step] = {}
        self._root = self._step({})

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

    def verdict_settled(self, known: Answers) -> bool:
        """Whether the known answers already settle the strictest verdict, so nothing else can matter."""
        return any(self._decide.settled(p, known) is True for p in self._strictest_predicates)

    def _can_change(self, key: str, known: Answers) -> bool:
        """Whether some answer to `key` decides an obligation, verdict or note differently from another."""
        return any(self._decide.changes(predicate, key, known) for predicate in self._predicates_of[key])

    def next_question(self, known: Answers) -> str | None:
        """The first question, in rule order, that is unanswered and still matters; None when done."""
        return None if self.verdict_settled(known) else self._first_open(known)

    def _first_open(self, known: Answers) -> str | None:
        """The first question, in rule order, that is unanswered and can still change something."""
        return next((key for key in self._asked if key not in known and self._can_change(key, known)), None)

    def _with_implications(self, answered: Answers) -> tuple[dict[str, str], tuple[str, ...]]:
        """The answers plus those the rules take as given on this path, and the implied keys."""
        known, implied = dict(answered), []
        changed = True
        while changed:  # one implication can enable another (business -> speaks for the City -> identifies)
            changed = False
            for question, predicate in self._implying:
                if question.key not in known and self._decide.settled(predicate, known) is True:
                    known[question.key] = question.implied.value
                    implied.append(question.key)
                    changed = True
        return known, tuple(implied)

    def _step(self, answered: dict[str, str]) -> _Step:
        known, implied = self._with_implications(answered)
        cache_key = (frozenset(known.items()), implied)
        if cache_key in self._steps:
            return self._steps[cache_key]
        done = self.verdict_settled(known)
        next_key = None if done else self._first_open(known)
        ignores = frozenset(implied).union(
            k for k in self.questions if k not in known and (done or not self._can_change(k, known)))
        obligations, unclear = self._what_applies(known, implied)
        verdict, decisive = None, ()
        if next_key is None:
            verdicts = [o.verdict or self._least for o in obligations] + [u.verdict or self._least for u in unclear]
            verdict = max(verdicts, key=self._rank.__getitem__, default=self._least)
            if verdict != self._least:
                decisive = tuple(o.id for o in obligations if o.verdict == verdict)
        step = _Step(answered, known, implied, next_key, ignores, obligations, unclear, verdict, decisive)
        self._steps[cache_key] = step
        return step

    def _reach(self, answers: Mapping[str, str]) -> _Step:
        """Follow the interview through the given answers, as far as they go."""
        step = self._root
        while step.next is not None:
            value = answers.get(step.next)
            if value is None:
                break
            child = step.children.get(value)
            if child is None:
                child = step.children[value] = self._step({**step.answered, step.next: value})
            step = child
        return step

    def walk(self, answers: Answers) -> tuple[dict[str, str], list[str], str | None]:
        """Follow the interview through the given answers: (answers used, implied keys, next key)."""
        self.check(answers)
        step = self._reach(answers)
        return dict(step.known), list(step.implied), step.next

    # -- the result -----------------------------------------------------------------------------

    def evaluate(self, answers: Mapping[str, str]) -> Result:
        """The result for these answers: the verdict when complete, otherwise the next question.

        Partial answers give the obligations and notes already certain, and no verdict yet.
        """
        try:
            known_answers = self._valid.issuperset(answers.items())
        except TypeError:  # an unhashable value, e.g. a list from a hand-edited JSON request
            known_answers = False
        if not known_answers:
            self.check(answers)
        step = self._reach(answers)
        return Result(verdict=step.verdict, next=step.next, obligations=list(step.obligations),
                      unclear=list(step.unclear), ignored=[k for k in answers if k in step.ignores],
                      answers=dict(step.known), implied=list(step.implied), decisive=list(step.decisive))

    def _what_applies(self, known: dict[str, str],
                      implied: tuple[str, ...]) -> tuple[tuple[Applied, ...], tuple[Applied, ...]]:
        """The obligations and unclear notes the known answers already settle as applying."""
        applying = [rule for rule, predicate in self._rule_predicates if self._decide.settled(predicate, known) is True]
        return (tuple(self._applied(rule, known, implied) for rule in applying if isinstance(rule, Obligation)),
                tuple(self._applied(rule, known, implied) for rule in applying if isinstance(rule, Unclear)))

    def _applied(self, rule: Obligation | Unclear, known: Answers, implied: tuple[str, ...]) -> Applied:
        conditions: list[Condition] = [rule.when]
        if isinstance(rule, Obligation):
            verdict = rule.verdict
            if rule.verdict_when is not None:
                if holds((rule.verdict_when,), known):
                    conditions.append(rule.verdict_when)
                else:
                    verdict = self._least
        else:
            verdict = self.rules.unclear_verdict
        because = tuple(Reason(k, v, self.questions[k].answer(v).because, k in implied)
                        for condition in conditions for k, v in matched(condition, known))
        clause = self.rules.clauses[rule.clause]
        return Applied(id=rule.id, text=rule.text, clause=rule.clause, clause_label=clause.label, url=clause.url,
                       because=because, verdict=verdict, ask=rule.ask, standing=not rule.when.keys)
