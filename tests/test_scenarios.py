"""Real situations from the policy, each with the verdict and obligations it must get."""

from __future__ import annotations

import pytest

from tests.scenarios import Scenario, load_scenarios
from wizard import Engine

SCENARIOS = load_scenarios()


def test_there_are_enough_scenarios_to_cover_the_policy() -> None:
    assert len(SCENARIOS) >= 40
    verdicts = {s.verdict for s in SCENARIOS}
    assert verdicts == {"allowed", "ask-first", "approval-required", "not-allowed", None}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(engine: Engine, scenario: Scenario) -> None:
    result = engine.evaluate(scenario.answers)
    obligations = {o.id for o in result.obligations}
    unclear = {u.id for u in result.unclear}
    assert result.verdict == scenario.verdict, scenario.name
    assert result.next == scenario.next, scenario.name
    assert set(scenario.present) <= obligations, f"missing: {set(scenario.present) - obligations}"
    assert not set(scenario.absent) & obligations, f"should not apply: {set(scenario.absent) & obligations}"
    assert set(scenario.unclear) <= unclear
    assert not set(scenario.not_unclear) & unclear
    if scenario.ignored is not None:
        assert sorted(result.ignored) == sorted(scenario.ignored)


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s.verdict], ids=[s.id for s in SCENARIOS if s.verdict])
def test_scenario_ids_exist_in_the_rules(engine: Engine, scenario: Scenario) -> None:
    """A typo in a scenario's ids would make its 'absent' check pass vacuously."""
    known = {o.id for o in engine.rules.obligations}
    notes = {u.id for u in engine.rules.unclear}
    assert set(scenario.present + scenario.absent) <= known
    assert set(scenario.unclear + scenario.not_unclear) <= notes
