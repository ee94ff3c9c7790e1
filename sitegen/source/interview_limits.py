"""How long the interview is over the situations in `policy_source/scenarios/`, held to `limits:`.

The limits live in rules.yaml with their reason, so a rules change that makes staff go through more
screens fails `check` (not a test the communications team cannot read), and the fix is either a
shorter interview or a limit changed knowingly.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.source.errors import SourceProblem
from sitegen.source.situations import Situation
from sitegen.source.yaml_source import LineDict, load_yaml
from wizard import Engine, Rules
from wizard.screens import screens_to_result

LIMITS = {  # name in rules.yaml -> what it limits, in words
    "median_screens": "the median number of screens to a result",
    "most_screens": "the most screens any situation takes",
    "median_screens_not_allowed": "the median number of screens to a not-allowed result",
}


@dataclass
class InterviewLength:
    """Screens to a result over the situations a reader can go through screen by screen."""

    screens: dict[str, int]  # situation id -> screens
    not_allowed: dict[str, int]
    as_links: list[str]  # situations whose answers only make sense as a link (not every screen answered)

    def figures(self) -> dict[str, float]:
        counts, stopped = list(self.screens.values()), list(self.not_allowed.values())
        return {"median_screens": statistics.median(counts) if counts else 0,
                "most_screens": max(counts, default=0),
                "median_screens_not_allowed": statistics.median(stopped) if stopped else 0}


def interview_length(rules: dict[str, Any], situations: list[Situation]) -> InterviewLength:
    engine = Engine(Rules.from_dict(rules))
    screens, not_allowed, as_links = {}, {}, []
    for situation in situations:
        count = screens_to_result(engine, situation.answers)
        if count is None:
            as_links.append(situation.id)
            continue
        screens[situation.id] = count
        if engine.evaluate(situation.answers).verdict == engine.rules.verdicts[-1].id:
            not_allowed[situation.id] = count
    return InterviewLength(screens, not_allowed, as_links)


def limit_problems(rules: dict[str, Any], situations: list[Situation], rules_path: Path) -> list[SourceProblem]:
    """A problem for each limit in rules.yaml that the situations exceed, or that is not a number."""
    data = load_yaml(rules_path)
    limits = data.get("limits") if isinstance(data, LineDict) else None
    if limits is None:
        return []
    if not isinstance(limits, LineDict):
        return [SourceProblem(rules_path, data.line_of("limits"), "'limits' must be a set of 'name: number' lines",
                              f"write e.g. 'median_screens: 5'; the names are: {', '.join(LIMITS)}")]
    figures = interview_length(rules, situations).figures()
    problems = []
    for name, value in limits.items():
        line = limits.line_of(name)
        if name not in LIMITS:
            problems.append(SourceProblem(rules_path, line, f"'{name}' is not a limit the build knows",
                                          f"use one of: {', '.join(LIMITS)}"))
        elif not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(SourceProblem(rules_path, line, f"the limit '{name}' is {value!r}, not a whole number",
                                          f"write a whole number of screens, e.g. '{name}: 5'"))
        elif figures[name] > value:
            problems.append(SourceProblem(
                rules_path, line, f"the situations now take longer than the limit: {LIMITS[name]} is "
                f"{figures[name]:g}, the limit {value}",
                "shorten the interview (fewer questions on the usual paths, or related questions on one screen), "
                f"or if the longer interview is intended, raise '{name}' and say why in the comment above it"))
    return problems
