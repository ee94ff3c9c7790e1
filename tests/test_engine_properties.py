"""Properties that must hold for every possible set of answers, not just the scenarios.

Every full set of answers follows exactly one complete path of the interview (at each point the
question asked is answered), and two sets that reach the same point have the same result. So the
tests walk the interview's complete paths, each standing for every combination of the answers it
never asks (its weight), instead of evaluating every combination: the checks grow with the
interview, not with the number of combinations. The weights add up to every combination, once.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import asdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.source.sources import load_sources
from wizard import AnswerError, Engine, Result
from wizard.graph import complete_paths, complete_steps, export_graph, sample_paths


def outcome(result: Result) -> tuple:
    return (result.verdict, result.next, tuple(o.id for o in result.obligations),
            tuple(u.id for u in result.unclear))


def strictest(engine: Engine, verdicts: list[str]) -> str:
    order = [v.id for v in engine.rules.verdicts]
    return max(verdicts, key=order.index, default=order[0])


def standing(engine: Engine) -> set[str]:
    """The obligations that apply to every post whatever the answers (`when: always`)."""
    return {o.id for o in engine.rules.obligations if not o.when.keys}


@pytest.fixture(scope="module")
def all_paths(engine: Engine) -> list[tuple[dict[str, str], Result, int]]:
    """(the reader's answers, the result, how many full combinations of answers end there)."""
    paths = []
    for step in complete_steps(engine):
        answers = dict(step.answered)
        unasked = [k for k in engine.values_of if k not in step.answered]  # implied ones too
        weight = math.prod(len(engine.values_of[k]) for k in unasked)
        paths.append((answers, engine.evaluate(answers), weight))
    return paths


def completed(engine: Engine, answers: dict[str, str], seed: int) -> dict[str, str]:
    """The path's answers plus an answer to every other key: one combination the path stands for."""
    chooser = random.Random(seed)
    return {**{k: chooser.choice(v) for k, v in engine.values_of.items()}, **answers}


def test_the_paths_stand_for_every_combination_of_answers_once(engine: Engine, all_paths) -> None:
    combinations = math.prod(len(values) for values in engine.values_of.values())
    print(f"\n{combinations:,} combinations of answers, {engine.states:,} interview states, "
          f"{len(all_paths):,} complete paths")
    assert sum(weight for _, _, weight in all_paths) == combinations


def test_every_combination_gets_the_result_of_its_path(engine: Engine, all_paths) -> None:
    for number, (answers, result, _) in enumerate(all_paths[::7]):
        full = completed(engine, answers, number)
        assert outcome(engine.evaluate(full)) == outcome(result), full


def test_every_full_set_of_answers_gets_a_verdict(engine: Engine, all_paths) -> None:
    verdicts = {v.id for v in engine.rules.verdicts}
    assert all(r.verdict in verdicts and r.next is None for _, r, _ in all_paths)


def test_the_verdict_is_the_strictest_of_the_obligations_and_the_notes(engine: Engine, all_paths) -> None:
    for answers, result, _ in all_paths:
        verdicts = [o.verdict for o in result.obligations] + [engine.rules.unclear_verdict] * bool(result.unclear)
        assert result.verdict == strictest(engine, verdicts), answers


def test_nothing_is_asked_once_not_allowed_is_settled(engine: Engine) -> None:
    """At every point of every interview where a question is asked, nothing yet forbids the post."""
    for answers in complete_paths(engine):
        prefix: dict[str, str] = {}
        for key in answers:  # the reader's answers, in the order they were asked
            before = engine.evaluate(prefix)
            assert before.next == key
            assert not [o.id for o in before.obligations if o.verdict == engine.rules.verdicts[-1].id], (prefix, key)
            prefix[key] = answers[key]
        assert engine.evaluate(prefix).next is None


def test_answers_to_questions_never_asked_change_nothing(engine: Engine, all_paths) -> None:
    for number, (answers, result, _) in enumerate(all_paths[::3]):
        full = completed(engine, answers, number)
        full_result = engine.evaluate(full)
        assert set(full_result.ignored) == set(full) - set(answers)
        assert outcome(full_result) == outcome(result)


def test_answers_count_whatever_order_they_are_given_in(engine: Engine, all_paths) -> None:
    for number, (answers, result, _) in enumerate(all_paths[::11]):
        items = list(completed(engine, answers, number).items())
        random.Random(number).shuffle(items)
        one, other = (engine.evaluate(dict(order)).to_dict() for order in (items, reversed(items)))
        assert sorted(one.pop("ignored")) == sorted(other.pop("ignored"))  # listed in the order given
        assert one == other
        assert outcome(engine.evaluate(dict(items))) == outcome(result)


def test_retired_questions_are_always_ignored(engine: Engine, all_paths) -> None:
    retired = {q.key: q.values[0] for q in engine.rules.questions if q.retired}
    for answers, _, _ in all_paths[::5]:
        assert set(retired) <= set(engine.evaluate({**answers, **retired}).ignored)


def test_the_standing_reminders_are_always_present(engine: Engine, all_paths) -> None:
    for answers, result, _ in all_paths:
        assert {o.id for o in result.obligations} >= standing(engine), answers


def test_whatever_stops_or_delays_a_post_names_whom_to_ask(engine: Engine, all_paths) -> None:
    least = engine.rules.verdicts[0].id
    for answers, result, _ in all_paths:
        for item in result.obligations:
            assert item.verdict == least or item.ask, (answers, item.id)
        for note in result.unclear:
            assert note.ask and note.verdict == engine.rules.unclear_verdict, (answers, note.id)
        assert set(result.decisive) <= {o.id for o in result.obligations if o.ask}


def test_every_obligation_and_note_cites_an_existing_clause(engine: Engine, all_paths) -> None:
    clauses = load_sources().policy.clauses
    cited = {item.clause for _, result, _ in all_paths for item in result.obligations + result.unclear}
    assert cited <= set(clauses)
    for _answers, result, _ in all_paths[::101]:
        for item in result.obligations + result.unclear:
            assert item.url == f"policy/#{item.clause}"
    for question in engine.rules.questions:
        assert question.clause in clauses


def test_every_obligation_and_note_applies_somewhere(engine: Engine, all_paths) -> None:
    applied = {item.id for _, r, _ in all_paths for item in r.obligations + r.unclear}
    assert applied == {o.id for o in engine.rules.obligations} | {u.id for u in engine.rules.unclear}


def test_every_verdict_is_reached(engine: Engine, all_paths) -> None:
    assert {r.verdict for _, r, _ in all_paths} == {v.id for v in engine.rules.verdicts}


def test_every_question_asked_can_change_the_result(engine: Engine) -> None:
    """Walk the whole interview tree: at each question, different answers lead to different outcomes."""
    memo: dict[int, frozenset] = {}

    def outcomes(step) -> frozenset:
        if id(step) not in memo:
            if step.next is None:
                memo[id(step)] = frozenset([outcome(engine.evaluate(step.answered))])
            else:
                branches = [outcomes(engine.child(step, step.next, v)) for v in engine.values_of[step.next]]
                assert len(set(branches)) > 1, f"{step.next} is asked after {step.known} but cannot change the result"
                memo[id(step)] = frozenset().union(*branches)
        return memo[id(step)]

    outcomes(engine.root)


def test_the_exported_graph_asks_what_the_engine_asks_on_every_path(engine: Engine) -> None:
    graph = export_graph(engine)
    for answers in complete_paths(engine):
        node, walked = graph["nodes"][graph["root"]], {}
        while node is not None:
            key, children = node
            assert engine.evaluate(walked).next == key
            walked[key] = answers[key]
            node = graph["nodes"][children[answers[key]]]
        assert engine.evaluate(walked).next is None


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_partial_answers_give_a_consistent_result(engine: Engine, data: st.DataObject) -> None:
    keys = data.draw(st.lists(st.sampled_from(list(engine.values_of)), unique=True))
    answers = {k: data.draw(st.sampled_from(engine.values_of[k])) for k in keys}
    result = engine.evaluate(answers)
    assert (result.verdict is None) == (result.next is not None)
    assert result.next is None or result.next not in result.answers
    assert {o.id for o in result.obligations} >= standing(engine)
    assert set(result.ignored) <= set(answers)
    assert result.next is None or result.next not in answers  # answers already given are used first


@settings(max_examples=100, deadline=None)
@given(key=st.text(min_size=1, max_size=20), value=st.text(max_size=20))
def test_unknown_keys_and_values_are_errors_that_name_the_valid_ones(engine: Engine, key: str, value: str) -> None:
    if key in engine.values_of and value in engine.values_of[key]:
        return
    with pytest.raises(AnswerError) as caught:
        engine.evaluate({key: value})
    valid = list(engine.values_of) if key not in engine.values_of else list(engine.values_of[key])
    assert caught.value.valid == valid
    assert all(v in str(caught.value) for v in valid)


def test_the_json_of_a_result_holds_every_field(engine: Engine, all_paths) -> None:
    """to_dict is written by hand for speed: it must say exactly what the dataclasses say."""
    for _answers, result, _ in all_paths[::97]:
        assert json.dumps(result.to_dict()) == json.dumps(asdict(result))


def test_the_warm_up_paths_are_real_complete_interviews(engine: Engine) -> None:
    """The browser's engine evaluates these while the reader answers (wizard/browser.py): each must be
    a path a reader could take to a verdict, and together they start from every first answer."""
    paths = sample_paths(engine)
    every_path = [json.dumps(path, sort_keys=True) for path in complete_paths(engine)]
    first = engine.walk({})[2]
    assert {path[first] for path in paths} == set(engine.values_of[first])
    for path in paths:
        assert json.dumps(path, sort_keys=True) in every_path
        assert engine.evaluate(path).verdict is not None
    assert len({result for result in (engine.evaluate(path).verdict for path in paths)}) >= 3  # varied code paths
