"""How long the interview is over the situations in `policy_source/scenarios/`, and how many
situations the site shows, held to `limits:`.

The limits live in rules.yaml with their reason, so a rules change that makes staff go through more
screens, or a change that leaves the worked examples too few, fails `check` (not a test the
communications team cannot read), and the fix is either a shorter interview, more situations, or a
limit changed knowingly. The worked examples and the self-check must each show every verdict.
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

LIMITS = {  # name in rules.yaml -> what it limits, in words: the figure may be at most the limit
    "median_screens": "the median number of screens to a result",
    "most_screens": "the most screens any situation takes",
    "median_screens_not_allowed": "the median number of screens to a not-allowed result",
}
LEAST = {  # name in rules.yaml -> (what it counts, how to add one): the figure must be at least the limit
    "least_situations": ("the number of situations", "add situations to policy_source/scenarios/"),
    "least_worked_examples": ("the number of worked examples",
                              "add 'example' to the 'publish' list of more situations"),
    "least_self_check": ("the number of self-check situations",
                         "add 'self-check' to the 'publish' list of more situations"),
    "least_description_words": ("the fewest words in a situation's description",
                                "say more in the shortest descriptions: who posts what, where and why"),
}
SHOWN = {"example": "worked examples", "self-check": "self-check"}  # publish target -> its page, in words


def counts(situations: list[Situation]) -> dict[str, int]:
    """The figures the `least_` limits hold to a minimum."""
    return {"least_situations": len(situations),
            "least_worked_examples": sum("example" in s.publish for s in situations),
            "least_self_check": sum("self-check" in s.publish for s in situations),
            "least_description_words": min((len(s.description.split()) for s in situations), default=0)}


def _coverage_problems(rules: dict[str, Any], situations: list[Situation], folder: Path) -> list[SourceProblem]:
    """Each verdict missing from the worked examples or the self-check: both must show every one. The
    problem points at a situation with that verdict that could be shown, when there is one."""
    problems = []
    for target, page in SHOWN.items():
        shown = {s.verdict for s in situations if target in s.publish}
        for verdict in (v["id"] for v in rules.get("verdicts", [])):
            if verdict in shown:
                continue
            could = next((s for s in situations if s.verdict == verdict), None)
            problem = f"no situation published to the {page} has the verdict '{verdict}'"
            if could is None:
                problems.append(SourceProblem(folder, 1, problem, f"write a situation whose verdict is {verdict}, "
                                              f"with 'publish: [{target}]'"))
            else:
                problems.append(SourceProblem(could.path, could.line, problem, f"add '{target}' to the 'publish' "
                                              f"list of this situation ('{could.id}') or of another whose verdict "
                                              f"is {verdict}"))
    return problems


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
    """A problem for each limit in rules.yaml the situations break, or that is not a number, and for each
    verdict the worked examples or the self-check do not show."""
    problems = _coverage_problems(rules, situations, rules_path.parent / "scenarios")
    data = load_yaml(rules_path)
    limits = data.get("limits") if isinstance(data, LineDict) else None
    if limits is None:
        return problems
    if not isinstance(limits, LineDict):
        return [*problems, SourceProblem(rules_path, data.line_of("limits"),
                                         "'limits' must be a set of 'name: number' lines",
                                         f"write e.g. 'median_screens: 5'; the names are: "
                                         f"{', '.join([*LIMITS, *LEAST])}")]
    figures = interview_length(rules, situations).figures()
    least = counts(situations)
    for name, value in limits.items():
        line = limits.line_of(name)
        if name not in LIMITS and name not in LEAST:
            problems.append(SourceProblem(rules_path, line, f"'{name}' is not a limit the build knows",
                                          f"use one of: {', '.join([*LIMITS, *LEAST])}"))
        elif not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(SourceProblem(rules_path, line, f"the limit '{name}' is {value!r}, not a whole number",
                                          f"write a whole number, e.g. '{name}: 5'"))
        elif name in LEAST and least[name] < value:
            what, fix = LEAST[name]
            problems.append(SourceProblem(rules_path, line, f"{what} is {least[name]}, fewer than the limit {value}",
                                          f"{fix}; or if fewer are intended, lower '{name}' and say why in the "
                                          "comment above it"))
        elif name in LEAST:
            continue
        elif figures[name] > value:
            problems.append(SourceProblem(
                rules_path, line, f"the situations now take longer than the limit: {LIMITS[name]} is "
                f"{figures[name]:g}, the limit {value}",
                "shorten the interview (fewer questions on the usual paths, or related questions on one screen), "
                f"or if the longer interview is intended, raise '{name}' and say why in the comment above it"))
    return problems
