"""How the interview is split into screens on the site, worked out once from the interview graph.

A question is a screen of its own, unless it belongs to one of the rules' `screens`: consecutive
yes/no questions asked together as "select all that apply" checkboxes. A checkbox screen shows every
question of its group that some combination of ticks could lead the interview to; after Continue,
the page follows the graph through the ticked (yes) and unticked (no) answers. The plan is computed
here, at build time, so the page only looks it up: which keys each graph node's screen shows, and
the most screens that can still follow (for a progress line that never promises too little).
`screens_to_result` counts the screens a situation takes, for the limits in rules.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wizard.engine import Engine

Graph = Mapping[str, Any]  # {"root": i, "nodes": [null | [key, {value: i}]]}, from graph.export_graph


def _group_walk(nodes: Sequence[Any], start: int, group: set[str]) -> tuple[list[str], set[int | None]]:
    """The group's keys reachable from `start` through group questions only, and where the walks leave."""
    keys: dict[str, None] = {}  # in the order first met, each once
    exits: set[int | None] = set()
    stack, seen = [start], set()
    while stack:
        index = stack.pop()
        if index in seen:
            continue
        seen.add(index)
        node = nodes[index]
        if node is None or node[0] not in group:
            exits.add(index)
            continue
        keys[node[0]] = None
        stack.extend(node[1].values())
    return list(keys), exits


def screen_plan(graph: Graph, screens: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """{"keys": {node: [keys on the screen starting there]}, "most": {node: most screens from there}}."""
    nodes = graph["nodes"]
    group_of = {key: screen for screen in screens for key in screen["keys"]}
    order = {key: position for screen in screens for position, key in enumerate(screen["keys"])}
    keys_at: dict[int, list[str]] = {}
    exits_at: dict[int, set[int | None]] = {}
    for index, node in enumerate(nodes):
        if node is None:
            continue
        screen = group_of.get(node[0])
        if screen is None:
            keys_at[index], exits_at[index] = [node[0]], set(node[1].values())
        else:
            keys, exits = _group_walk(nodes, index, set(screen["keys"]))
            keys_at[index], exits_at[index] = sorted(keys, key=order.__getitem__), exits

    most: dict[int, int] = {}

    def most_from(index: int | None) -> int:
        if index is None or nodes[index] is None:
            return 0
        if index not in most:
            most[index] = 1 + max(most_from(exit_) for exit_ in exits_at[index])
        return most[index]

    for index in keys_at:
        most_from(index)
    return {"keys": {str(i): keys for i, keys in keys_at.items()}, "most": {str(i): n for i, n in most.items()}}


def screens_to_result(engine: Engine, answers: Mapping[str, str]) -> int | None:
    """How many screens (Continue presses) a reader with these answers goes through; None if incomplete.

    Read as the site's wizard shows them: the screen of the next question shows every question of
    that screen still open, the reader answers them (an unanswered checkbox is "no"; a question the
    situation leaves out is one its other answers on the screen made moot), and the engine takes the
    answers in its own order. Answers the screens never show are not used.
    """
    screen_of = {key: screen for screen in engine.rules.screens for key in screen.keys}
    given: dict[str, str] = {}
    count = 0
    result = engine.evaluate(given)
    while result.next is not None:
        screen = screen_of.get(result.next)
        shown = [k for k in screen.keys if k in result.open] if screen else [result.next]
        for key in shown:
            if key in answers:
                given[key] = answers[key]
            elif screen and screen.checkboxes:
                given[key] = "no"
        count += 1
        result = engine.evaluate(given)
        if result.next in shown:  # a question on this screen that the situation does not answer
            return None
    return count
