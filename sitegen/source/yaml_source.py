"""Load YAML while remembering the line of every mapping and key, so errors can say where."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sitegen.source.errors import SourceProblem, raise_if_any


class LineDict(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.value in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"key '{key_node.value}' appears twice in this mapping "
                            f"(first on line {seen[key_node.value]})",
                    problem_mark=key_node.start_mark)
            seen[key_node.value] = key_node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
# YAML 1.1 reads bare yes/no as booleans; the public vocabulary uses the words "yes" and "no". The
# table is copied first: it is inherited from yaml.SafeLoader, which other code still relies on.
_LineLoader.yaml_implicit_resolvers = {first: list(resolvers)
                                       for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for first, resolvers in list(_LineLoader.yaml_implicit_resolvers.items()):
    _LineLoader.yaml_implicit_resolvers[first] = [
        (tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]


_parsed: dict[tuple[Path, int, int], Any] = {}  # (path, mtime, size) -> data: each file is parsed once


def load_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into a SourceProblem with file and line.

    The checks read rules.yaml several times over; an unchanged file is parsed once (treat the data
    as read-only)."""
    try:
        stat = path.stat()
    except OSError:
        stat = None
    key = (path.resolve(), stat.st_mtime_ns, stat.st_size) if stat else None
    if key in _parsed:
        return _parsed[key]
    data = _parse(path)
    if key is not None:
        _parsed[key] = data
    return data


def _parse(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise_if_any([SourceProblem(path, line, f"this is not valid YAML: {error.problem}",
                                    "check the indentation and the ':' after each name; "
                                    "quote text that contains ': ' or starts with a symbol")])
    except OSError as error:
        raise_if_any([SourceProblem(path, 1, f"cannot read the file: {error.strerror}",
                                    "restore the file from git or check its name")])
    raise AssertionError("unreachable")


# Text in policy_source/ reaches pages as Markdown, which passes HTML through: a tag, a Markdown link
# or a script address written into a description would run or link on the site. Texts are plain.
MARKUP = re.compile(r"<\s*[A-Za-z!/?]|\]\s*\(|javascript\s*:|data\s*:\s*text/html", re.IGNORECASE)


def markup_problems(path: Path) -> list[SourceProblem]:
    """A problem, with its line, for every text in a YAML file that holds HTML or a Markdown link."""
    problems: list[SourceProblem] = []

    def visit(value: Any, line: int) -> None:
        if isinstance(value, LineDict):
            for key, item in value.items():
                visit(item, value.line_of(key))
        elif isinstance(value, list):
            for item in value:
                visit(item, line)
        elif isinstance(value, str) and (found := MARKUP.search(value)):
            problems.append(SourceProblem(
                path, line, f"this text contains {found.group(0).strip()!r}, which would be HTML or a link on "
                "the site", "write plain text: no HTML tags, Markdown links or script addresses (a related "
                "document's address goes in its 'link:' field)"))

    visit(load_yaml(path), 1)
    return problems
