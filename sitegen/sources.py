"""Everything in `policy_source/`, loaded and cross-checked in one go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import SourceError, SourceProblem, raise_if_any
from sitegen.policy_text import Policy, parse_policy
from sitegen.reference_data import RelatedDocument, Term, load_glossary, load_related

SOURCE_DIR = Path(__file__).resolve().parent.parent / "policy_source"


@dataclass
class Sources:
    policy: Policy
    glossary: list[Term]
    related: list[RelatedDocument]


def load_sources(source_dir: Path = SOURCE_DIR) -> Sources:
    """Read and validate every source file; raise SourceError naming each problem's file and line."""
    problems: list[SourceProblem] = []
    policy = parse_policy(source_dir / "policy.md")
    try:
        glossary = load_glossary(source_dir / "glossary.yaml", policy, problems)
        related = load_related(source_dir / "related.yaml", policy, problems)
    except SourceError as error:
        raise SourceError(problems + error.problems) from None
    raise_if_any(problems)
    return Sources(policy, glossary, related)
