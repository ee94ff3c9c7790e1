"""Properties that must hold for every possible set of answers, not just the scenarios."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import asdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.sources import load_sources
from wizard import AnswerError, Engine, Result
from wizard.graph import complete_paths, export_graph, sample_paths

STANDING = {"submissions-permanent", "laws-apply-online", "maintain-favourable-image", "breach-consequences",
            "report-privacy-breach"}


def every_combination(engine: Engine) -> Iterator[dict[str, str]]:
    """Every full set of answers a reader could give, to every key (retired ones included)."""
    keys = list(engine.values_of)
    for values in itertools.product(*(engine.values_of[k] for k in keys)):
        yield dict(zip(keys, values, strict=True))


def outcome(result: Result) -> tuple:
    return (result.verdict, result.next, tuple(o.id for o in result.obligations),
            tuple(u.id for u in result.unclear))


def strictest(engine: Engine, verdicts: list[str]) -> str:
    order = [v.id for v in engine.rules.verdicts]
    return max(verdicts, key=order.index, default=order[0])


@pytest.fixture(scope="module")
def all_results(engine: Engine) -> list[tuple[dict[str, str], Result]]:
    return [(answers, engine.evaluate(answers)) for answers in every_combination(engine)]


def test_there_are_3_x_2_to_the_8_x_3_to_the_5_combinations(all_results) -> None:
    assert len(all_results) == 3 * 2**8 * 3**5 == 186_624


def test_every_full_set_of_answers_gets_a_verdict(all_results) -> None:
    assert all(r.verdict in ("allowed", "ask-first", "approval-required", "not-allowed") and r.next is None
               for _, r in all_results)


def test_the_verdict_is_the_strictest_of_the_obligations_and_the_notes(engine: Engine, all_results) -> None:
    for answers, result in all_results:
        verdicts = [o.verdict for o in result.obligations] + ["ask-first"] * bool(result.unclear)
        assert result.verdict == strictest(engine, verdicts), answers


def test_nothing_is_asked_once_not_allowed_is_settled(engine: Engine) -> None:
    """At every point of every interview where a question is asked, nothing yet forbids the post."""
    for answers in complete_paths(engine):
        prefix: dict[str, str] = {}
        for key in answers:  # the reader's answers, in the order they were asked
            before = engine.evaluate(prefix)
            assert before.next == key
            assert not [o.id for o in before.obligations if o.verdict == "not-allowed"], (prefix, key)
            prefix[key] = answers[key]
        assert engine.evaluate(prefix).next is None


def test_answers_to_questions_never_asked_change_nothing(engine: Engine, all_results) -> None:
    for answers, result in all_results[::3]:
        used = {k: v for k, v in answers.items() if k not in result.ignored}
        assert outcome(engine.evaluate(used)) == outcome(result), answers
        assert set(result.ignored) == set(answers) - set(result.answers) | set(result.implied) & set(answers)


def test_flipping_an_ignored_answer_changes_nothing(engine: Engine, all_results) -> None:
    for answers, result in all_results[::29]:  # a spread sample keeps this to a few seconds
        for key in result.ignored:
            for value in engine.values_of[key]:
                assert outcome(engine.evaluate({**answers, key: value})) == outcome(result), (answers, key)


def test_the_retired_question_is_always_ignored(all_results) -> None:
    assert all("privacy_breach" in result.ignored for _, result in all_results)


def test_the_standing_reminders_are_always_present(all_results) -> None:
    for answers, result in all_results:
        assert {o.id for o in result.obligations} >= STANDING, answers


def test_whatever_stops_or_delays_a_post_names_whom_to_ask(all_results) -> None:
    for answers, result in all_results:
        for item in result.obligations:
            assert item.verdict == "allowed" or item.ask, (answers, item.id)
        for note in result.unclear:
            assert note.ask and note.verdict == "ask-first", (answers, note.id)
        assert set(result.decisive) <= {o.id for o in result.obligations if o.ask}


def test_every_obligation_and_note_cites_an_existing_clause(engine: Engine, all_results) -> None:
    clauses = load_sources().policy.clauses
    cited = {item.clause for _, result in all_results for item in result.obligations + result.unclear}
    assert cited <= set(clauses)
    for _answers, result in all_results[::101]:
        for item in result.obligations + result.unclear:
            assert item.url == f"policy/#{item.clause}"
    for question in engine.rules.questions:
        assert question.clause in clauses


def test_every_obligation_and_note_applies_somewhere(engine: Engine, all_results) -> None:
    applied = {o.id for _, r in all_results for o in r.obligations} | {u.id for _, r in all_results for u in r.unclear}
    assert applied == {o.id for o in engine.rules.obligations} | {u.id for u in engine.rules.unclear}


def test_every_verdict_is_reached(all_results) -> None:
    assert {r.verdict for _, r in all_results} == {"allowed", "ask-first", "approval-required", "not-allowed"}


def test_every_question_asked_can_change_the_result(engine: Engine) -> None:
    """Walk the whole interview tree: at each question, different answers lead to different outcomes."""
    def outcomes(answers: dict[str, str]) -> frozenset:
        known, _implied, key = engine.walk(answers)
        if key is None:
            return frozenset([outcome(engine.evaluate(answers))])
        branches = [outcomes({**known, key: v}) for v in engine.values_of[key]]
        assert len(set(branches)) > 1, f"{key} is asked after {known} but cannot change the result"
        return frozenset().union(*branches)

    outcomes({})


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
    assert {o.id for o in result.obligations} >= STANDING
    assert set(result.ignored) <= set(answers)


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


def test_the_json_of_a_result_holds_every_field(engine: Engine, all_results) -> None:
    """to_dict is written by hand for speed: it must say exactly what the dataclasses say."""
    for _answers, result in all_results[::997]:
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
