"""Which question comes next, and what applies once the answers are in.

The engine asks a question only when its answer can still change the result on the reader's path
(some obligation, verdict or unclear note that mentions it is not yet decided by the answers so far),
and asks nothing more once the strictest verdict is settled: a reader who may not make a post is
told why and whom to ask, not the duties of that post.

The order is worked out from the rules, never routed by hand. At each point the questions that can
still change the result are ordered: first those of a screen the reader has started (a screen of the
site's wizard is finished once started); then those that an earlier answer has made decisive (one
answer to them would settle the strictest verdict, which no answer could before), the likeliest to
settle first; then the rest, in the order the rules list them. Answers already given count, whatever
order they arrive in: at each point the first question in that order that the reader has already
answered is taken, and only when none is does the interview ask. So a link that settles the verdict
gets it at once, and a set of answers has one result however it is written. Answers the path never
uses are ignored, and reported as such.

Every point of the interview is a `Step`, built the first time a path reaches it and kept: it knows
its questions in order, everything the answers so far settle, and its children by (key, value).
Evaluating is then a walk down those steps, a dictionary lookup per answer, which matters because the
exhaustive tests, the benchmark and the impact report walk every state of the interview.
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
    open: list[str] = field(default_factory=list)  # the questions that can still change it, next first

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (the CLI's --json and the browser); by hand, since
        dataclasses.asdict deep-copies every value and the browser asks on every verdict."""
        def items(applied: list[Applied]) -> list[dict[str, Any]]:
            return [{**vars(a), "because": [vars(r) for r in a.because]} for a in applied]

        return {"verdict": self.verdict, "next": self.next, "obligations": items(self.obligations),
                "unclear": items(self.unclear), "ignored": list(self.ignored), "answers": dict(self.answers),
                "implied": list(self.implied), "decisive": list(self.decisive), "open": list(self.open)}


@dataclass(frozen=True)
class _Outcome:
    """What a point of the interview settles: worked out only for points a result is asked for."""

    obligations: tuple[tuple[Obligation, str], ...]  # each that applies, with the verdict it calls for here
    unclear: tuple[Unclear, ...]
    verdict: str | None
    decisive: tuple[str, ...]


@dataclass(eq=False)
class Step:
    """One point of the interview: the answers used so far and the questions still open."""

    answered: dict[str, str]  # by the reader
    known: dict[str, str]  # answered and implied
    implied: tuple[str, ...]
    order: tuple[str, ...]  # the questions that can still change the result, in the order they are taken
    children: dict[tuple[str, str], Step] = field(default_factory=dict)
    outcome: _Outcome | None = None
    applied: tuple[tuple[Applied, ...], tuple[Applied, ...]] | None = None  # for a Result: texts and reasons

    @property
    def next(self) -> str | None:
        return self.order[0] if self.order else None


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
        self._position = {key: position for position, key in enumerate(self._asked)}
        self._group_of = {key: position for position, key in enumerate(self._asked)}
        for screen in rules.screens:  # a screen's questions share the position of its first
            for key in screen.keys:
                self._group_of[key] = self._position.get(screen.keys[0], 0)
        self._decisive_at_start = frozenset(k for k in self._asked if self._settling_share(k, {}) > 0)
        self._steps: dict[tuple[State, tuple[str, ...]], Step] = {}
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
        """The question asked next after these answers (given in any order); None when done."""
        return self._reach(known).next

    def _settling_share(self, key: str, known: Answers) -> float:
        """The share of `key`'s answers that would settle the strictest verdict, given `known`."""
        values = self.values_of[key]
        return sum(self.verdict_settled(self._with_implications({**known, key: v})[0]) for v in values) / len(values)

    def _order(self, known: dict[str, str], answered: Mapping[str, str]) -> tuple[str, ...]:
        """The questions that can still change the result, in the order they are taken (see above)."""
        if self.verdict_settled(known):
            return ()
        open_keys = [key for key in self._asked if key not in known and self._can_change(key, known)]
        started = {self._group_of[k] for k in answered if k in self._group_of}
        urgency: dict[int, float] = {}  # screen -> how likely one answer on it settles the verdict
        for key in open_keys:
            if key not in self._decisive_at_start and (share := self._settling_share(key, known)):
                group = self._group_of[key]
                urgency[group] = max(urgency.get(group, 0.0), share)

        def rank(key: str) -> tuple[int, float, int, int]:
            group = self._group_of[key]
            tier = 0 if group in started else 1 if group in urgency else 2
            return tier, -urgency.get(group, 0.0), group, self._position[key]

        return tuple(sorted(open_keys, key=rank))

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

    def _step(self, answered: dict[str, str]) -> Step:
        known, implied = self._with_implications(answered)
        cache_key = (frozenset(known.items()), implied)
        if cache_key not in self._steps:
            self._steps[cache_key] = Step(answered, known, implied, self._order(known, answered))
        return self._steps[cache_key]

    def outcome(self, step: Step) -> _Outcome:
        """The obligations, notes and (once no question is open) the verdict at this point."""
        if step.outcome is None:
            known = step.known
            applying = [rule for rule, predicate in self._rule_predicates
                        if self._decide.settled(predicate, known) is True]
            obligations = tuple((rule, self._verdict_of(rule, known)) for rule in applying
                                if isinstance(rule, Obligation))
            unclear = tuple(rule for rule in applying if isinstance(rule, Unclear))
            verdict, decisive = None, ()
            if not step.order:
                verdicts = [v for _, v in obligations] + [self.rules.unclear_verdict] * len(unclear)
                verdict = max(verdicts, key=self._rank.__getitem__, default=self._least)
                if verdict != self._least:
                    decisive = tuple(o.id for o, v in obligations if v == verdict)
            step.outcome = _Outcome(obligations, unclear, verdict, decisive)
        return step.outcome

    def _verdict_of(self, obligation: Obligation, known: Answers) -> str:
        """The verdict an applying obligation calls for here (`verdict_when` can narrow it)."""
        if obligation.verdict_when is not None and not holds((obligation.verdict_when,), known):
            return self._least
        return obligation.verdict

    def child(self, step: Step, key: str, value: str) -> Step:
        """The point reached from `step` by answering `key` (one of its open questions) with `value`."""
        found = step.children.get((key, value))
        if found is None:
            found = step.children[key, value] = self._step({**step.answered, key: value})
        return found

    @property
    def root(self) -> Step:
        return self._root

    @property
    def states(self) -> int:
        """How many points of the interview have been built so far (all of them, once walked)."""
        return len(self._steps)

    def _reach(self, answers: Mapping[str, str]) -> Step:
        """Follow the interview through the given answers, in the interview's order whatever theirs."""
        step = self._root
        while True:
            key = next((k for k in step.order if k in answers), None)
            if key is None:
                return step
            step = self.child(step, key, answers[key])

    def reach(self, answers: Mapping[str, str]) -> Step:
        """The point of the interview these answers reach (checked first): for tools that walk many
        situations and need only what is settled there (`outcome`), not a full Result."""
        self.check(answers)
        return self._reach(answers)

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
        outcome = self.outcome(step)
        if step.applied is None:
            step.applied = (tuple(self._applied(rule, step.known, step.implied) for rule, _ in outcome.obligations),
                            tuple(self._applied(rule, step.known, step.implied) for rule in outcome.unclear))
        obligations, unclear = step.applied
        return Result(verdict=outcome.verdict, next=step.next, obligations=list(obligations),
                      unclear=list(unclear), ignored=[k for k in answers if k not in step.answered],
                      answers=dict(step.known), implied=list(step.implied), decisive=list(outcome.decisive),
                      open=list(step.order))

    def _applied(self, rule: Obligation | Unclear, known: Answers, implied: tuple[str, ...]) -> Applied:
        conditions: list[Condition] = [rule.when]
        if isinstance(rule, Obligation):
            verdict = self._verdict_of(rule, known)
            if rule.verdict_when is not None and verdict != self._least:
                conditions.append(rule.verdict_when)
        else:
            verdict = self.rules.unclear_verdict
        because = tuple(Reason(k, v, self.questions[k].answer(v).because, k in implied)
                        for condition in conditions for k, v in matched(condition, known))
        clause = self.rules.clauses[rule.clause]
        return Applied(id=rule.id, text=rule.text, clause=rule.clause, clause_label=clause.label, url=clause.url,
                       because=because, verdict=verdict, ask=rule.ask, standing=not rule.when.keys)
