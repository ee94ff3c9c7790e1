"""Every path through the interview, as the engine itself walks it.

`complete_paths` lists each way of answering the questions the engine asks; `export_graph` gives the
same tree as a compact graph (identical sub-trees shared) so the browser can show the next question
instantly while Pyodide is still starting. Both come from `Engine.walk`, the one source of the order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wizard.engine import Engine


def _children(engine: Engine, answers: dict[str, str]) -> tuple[str | None, dict[str, dict[str, str]]]:
    known, _implied, key = engine.walk(answers)
    if key is None:
        return None, {}
    return key, {value: {**known, key: value} for value in engine.values_of[key]}


def complete_paths(engine: Engine) -> Iterator[dict[str, str]]:
    """The reader's answers (implied ones excluded) for every complete path, depth first."""
    stack: list[dict[str, str]] = [{}]
    while stack:
        answers = stack.pop()
        key, children = _children(engine, answers)
        if key is None:
            known, implied, _ = engine.walk(answers)
            yield {k: v for k, v in known.items() if k not in implied}
        else:
            stack.extend(reversed(list(children.values())))


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

    def intern(node: Any) -> int:
        signature = repr(node)
        if signature not in index:
            index[signature] = len(nodes)
            nodes.append(node)
        return index[signature]

    def build(answers: dict[str, str]) -> int:
        key, children = _children(engine, answers)
        if key is None:
            return intern(None)
        return intern([key, {value: build(child) for value, child in children.items()}])

    return {"root": build({}), "nodes": nodes}


def path_lengths(engine: Engine) -> list[int]:
    """How many questions the reader answers on each complete path (implied answers not counted)."""
    return [len(answers) for answers in complete_paths(engine)]
