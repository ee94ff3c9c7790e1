"""Every path through the interview, as the engine itself walks it.

`complete_paths` lists each way of answering the questions the engine asks; `export_graph` gives the
same tree as a compact graph (identical sub-trees shared) so the browser can show the next question
instantly while Pyodide is still starting. Both come from `Engine.walk`, the one source of the order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wizard.engine import Engine, Step


def _children(engine: Engine, step: Step) -> dict[str, Step]:
    """The points reached by each answer to the question asked at `step` (none when it is complete)."""
    key = step.next
    return {} if key is None else {value: engine.child(step, key, value) for value in engine.values_of[key]}


def complete_steps(engine: Engine) -> Iterator[Step]:
    """The last point of every complete path of the interview, depth first."""
    stack: list[Step] = [engine.root]
    while stack:
        step = stack.pop()
        children = _children(engine, step)
        if children:
            stack.extend(reversed(list(children.values())))
        else:
            yield step


def complete_paths(engine: Engine) -> Iterator[dict[str, str]]:
    """The reader's answers (implied ones excluded) for every complete path, depth first."""
    for step in complete_steps(engine):
        yield dict(step.answered)


def sample_paths(engine: Engine) -> list[dict[str, str]]:
    """A few complete paths that run most of the engine: one per answer to the first question, taking
    the first or the second answer to every later question (warms up a fresh engine, see browser.py)."""
    paths = []
    first = engine.walk({})[2]
    for value in engine.values_of[first] if first else []:
        for choice in (0, 1):
            answers = {first: value}
            while (key := engine.walk(answers)[2]) is not None:
                values = engine.values_of[key]
                answers[key] = values[min(choice, len(values) - 1)]
            paths.append(answers)
    return paths


def export_graph(engine: Engine) -> dict[str, Any]:
    """{"root": i, "nodes": [...]}: a node is null (complete) or [key, {value: node index}]."""
    nodes: list[Any] = []
    index: dict[str, int] = {}
    built: dict[int, int] = {}  # id(step) -> node index: a point reached by several paths is built once

    def intern(node: Any) -> int:
        signature = repr(node)
        if signature not in index:
            index[signature] = len(nodes)
            nodes.append(node)
        return index[signature]

    def build(step: Step) -> int:
        if id(step) not in built:
            children = _children(engine, step)
            built[id(step)] = intern([step.next, {v: build(c) for v, c in children.items()}] if children else None)
        return built[id(step)]

    return {"root": build(engine.root), "nodes": nodes}


def path_lengths(engine: Engine) -> list[int]:
    """How many questions the reader answers on each complete path (implied answers not counted)."""
    return [len(answers) for answers in complete_paths(engine)]
