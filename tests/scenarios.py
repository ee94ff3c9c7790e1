"""Scenarios: real situations with their expected outcomes.

The situations are sources the comms team owns (`policy_source/scenarios/*.yaml`: complete ones,
also the worked examples and the self-check, and partial ones, as from links). `check` holds the
wizard to every one; the same data drives the CPython tests and the browser tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

SCENARIO_DIRS = (Path(__file__).parent.parent / "policy_source" / "scenarios",)
FIELDS = {"id", "name", "description", "publish", "answers", "verdict", "next", "present", "absent", "unclear",
          "not_unclear", "ignored"}


@dataclass
class Scenario:
    id: str
    name: str
    answers: dict[str, str]
    verdict: str | None
    next: str | None = None
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)
    not_unclear: list[str] = field(default_factory=list)
    ignored: list[str] | None = None


def load_scenarios() -> list[Scenario]:
    scenarios = []
    for path in sorted(p for folder in SCENARIO_DIRS for p in folder.glob("*.yaml")):
        for number, raw in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), start=1):
            unknown = set(raw) - FIELDS
            assert not unknown, f"{path.name} scenario {number}: unknown fields {unknown}; use {sorted(FIELDS)}"
            answers = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in raw["answers"].items()}
            scenarios.append(Scenario(id=raw.get("id", f"{path.stem}-{number}"), name=raw["name"], answers=answers,
                                      verdict=raw["verdict"], next=raw.get("next"),
                                      present=raw.get("present", []), absent=raw.get("absent", []),
                                      unclear=raw.get("unclear", []), not_unclear=raw.get("not_unclear", []),
                                      ignored=raw.get("ignored")))
    return scenarios
