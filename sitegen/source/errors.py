"""Errors in the comms team's sources, reported as `file:line: what is wrong. Fix: what to do.`"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SourceProblem:
    """One mistake in a source file, located well enough to fix without reading code."""

    path: Path
    line: int
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{_shown(self.path)}:{self.line}: {self.problem}\n    Fix: {self.fix}"


def _shown(path: Path) -> str:
    """The path as the person typing commands in the project sees it (relative when possible)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class SourceError(Exception):
    """Raised when `policy_source/` cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[SourceProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def raise_if_any(problems: list[SourceProblem]) -> None:
    if problems:
        raise SourceError(problems)


def did_you_mean(name: str, candidates: list[str] | tuple[str, ...], asking: str = "did you mean") -> str:
    """" (did you mean 'x'?)" for the closest of `candidates` to a mistyped `name`, or ""."""
    import difflib

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" ({asking} '{close[0]}'?)" if close else ""
