"""What a change to the policy sources does to the wizard's answers, over every answer combination.

The baseline and the changed rules are compared the way OpenFisca compares a reform with its baseline:
the same population (here, every combination of answers over both versions' questions) answered by
both, and the differences are the report. Both sides run the one generic engine, on their own rules.

Rather than evaluating each of the (about 190,000) combinations twice, the comparison walks both
interviews together: it branches only on questions one of the two versions asks, and a finished
branch stands for every combination of the questions neither asked (its weight). Every combination is
accounted for exactly once, and the whole comparison takes well under a second.

`compare_versions` adds what the change does to the public names (`name_changes`): the report leads
with a withdrawn clause, a retired question or a refused rename, which answers alone cannot show.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitegen.publishing.git_sources import source_files_at
from sitegen.publishing.name_changes import NameChange, Names, name_changes
from sitegen.source.digest import SOURCE_FILES
from sitegen.source.errors import SourceError
from sitegen.source.sources import load_sources
from sitegen.source.withdrawn import WITHDRAWN_FILE
from wizard.engine import Engine, Step
from wizard.model import Rules

EXAMPLES = 3  # example situations kept for each kind of change


class ImpactError(Exception):
    """The comparison cannot be made (unknown git ref, sources that do not load); exit status 2."""


@dataclass
class Side:
    """One version of the rules: its engine and vocabulary."""

    name: str
    engine: Engine

    def knows(self, answers: Mapping[str, str]) -> dict[str, str] | None:
        """The answers this version understands; None when one uses a value it does not have."""
        known = {k: v for k, v in answers.items() if k in self.engine.values_of}
        return known if all(v in self.engine.values_of[k] for k, v in known.items()) else None


@dataclass
class Tally:
    """How many situations a change affects, with a few of them as examples."""

    situations: int = 0
    examples: list[dict[str, str]] = field(default_factory=list)  # the answers either version used
    links: list[dict[str, str]] = field(default_factory=list)  # the answers today's wizard uses, for a link

    def add(self, weight: int, answers: dict[str, str], asked_now: set[str]) -> None:
        self.situations += weight
        if len(self.examples) < EXAMPLES:
            self.examples.append(answers)
            self.links.append({k: v for k, v in answers.items() if k in asked_now})


@dataclass
class Impact:
    compared: int = 0
    not_comparable: int = 0  # combinations one version cannot answer (a value only one of them offers)
    verdicts: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    obligations: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))  # (id, how)
    notes: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    questions: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    verdict_labels: dict[str, str] = field(default_factory=dict)
    question_order: list[str] = field(default_factory=list)
    names: list[NameChange] = field(default_factory=list)  # new, retired, withdrawn, removed, renamed

    @property
    def changed(self) -> bool:
        return bool(self.verdicts or self.obligations or self.notes or self.questions)


# -- loading a version of the sources ----------------------------------------------------------------

def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise ImpactError(f"git {' '.join(args)} failed: {done.stderr.strip() or 'no output'}")
    return done.stdout


def default_base(root: Path) -> str:
    """Where the current branch left main: the merge base with main (or origin/main on CI)."""
    for candidate in ("main", "origin/main"):
        try:
            return _git(root, "merge-base", "HEAD", candidate).strip()
        except ImpactError:
            continue
    raise ImpactError("cannot tell where this branch left main (no 'main' or 'origin/main'); give --base GIT_REF")


def version_at(root: Path, ref: str) -> Names:
    """The sources' public names and compiled rules at a git ref, read from git: the working tree is not
    touched."""
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    except ImpactError:
        raise ImpactError(f"unknown git ref {ref!r}: give a branch, tag or commit, e.g. --base main") from None
    with tempfile.TemporaryDirectory(prefix="policy-impact-") as scratch:
        source_dir = Path(scratch) / "policy_source"
        source_dir.mkdir()
        for name, content in source_files_at(commit, (*SOURCE_FILES, "approvals.yaml", WITHDRAWN_FILE),
                                             root).items():
            (source_dir / name).write_bytes(content)
        return load_version(source_dir, f"the sources at {ref} ({commit[:10]})")


def rules_at(root: Path, ref: str) -> dict[str, Any]:
    """The compiled rules of policy_source/ at a git ref."""
    return version_at(root, ref).rules


def load_version(source_dir: Path, what: str) -> Names:
    """Compiled rules and names from a policy_source/ folder; older formats are read as they were meant."""
    try:
        sources = load_sources(source_dir, allow_unreviewed=True, lenient=True)
        withdrawn = yaml.safe_load((source_dir / WITHDRAWN_FILE).read_text(encoding="utf-8")) \
            if (source_dir / WITHDRAWN_FILE).is_file() else None
    except SourceError as error:
        raise ImpactError(f"{what} cannot be loaded:\n{error}") from None
    except (OSError, yaml.YAMLError) as error:
        raise ImpactError(f"{what} cannot be read: {error}") from None
    entries = withdrawn.get("clauses") if isinstance(withdrawn, dict) else None
    return Names(sources.rules.data, tuple(sources.policy.clauses),
                 {str(e["id"]): e.get("replaced_by") for e in entries or [] if isinstance(e, dict) and "id" in e})


def load_rules_from(source_dir: Path, what: str) -> dict[str, Any]:
    """The compiled rules of a policy_source/ folder."""
    return load_version(source_dir, what).rules


# -- comparing ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Settled:
    """What one version of the wizard answers at a point: verdict, obligations, notes, questions asked."""

    verdict: str | None
    obligations: frozenset[str]
    notes: frozenset[str]
    asked: frozenset[str]


def _settled(engine: Engine, step: Step) -> _Settled:
    outcome = engine.outcome(step)
    return _Settled(outcome.verdict, frozenset(o.id for o, _ in outcome.obligations),
                    frozenset(u.id for u in outcome.unclear), frozenset(step.answered))


def _leaves(base: Side, head: Side, values: Mapping[str, tuple[str, ...]]
            ) -> Iterator[tuple[dict[str, str], _Settled | None, _Settled | None]]:
    """Every finished branch of the two interviews walked together."""
    stack: list[dict[str, str]] = [{}]
    while stack:
        answers = stack.pop()
        steps = []
        for side in (base, head):
            known = side.knows(answers)
            steps.append(None if known is None else side.engine.reach(known))
        next_keys = [step.next for step in steps if step is not None and step.next is not None]
        if not next_keys:
            yield answers, *(None if step is None else _settled(side.engine, step)
                             for side, step in zip((base, head), steps, strict=True))
            continue
        key = next_keys[0]
        stack.extend({**answers, key: value} for value in reversed(values[key]))


def compare(base_rules: dict[str, Any], head_rules: dict[str, Any]) -> Impact:
    """The differences between the wizard's answers under two versions of the rules."""
    base = Side("base", Engine(Rules.from_dict(base_rules)))
    head = Side("head", Engine(Rules.from_dict(head_rules)))
    values: dict[str, tuple[str, ...]] = {}
    for side in (base, head):
        for key, options in side.engine.values_of.items():
            values[key] = tuple(dict.fromkeys((*values.get(key, ()), *options)))
    impact = Impact(question_order=[*head.engine.values_of, *(k for k in base.engine.values_of
                                                               if k not in head.engine.values_of)])
    for side in (base, head):
        impact.verdict_labels.update({v.id: v.label for v in side.engine.rules.verdicts})
    for answers, before, after in _leaves(base, head, values):
        weight = math.prod(len(options) for key, options in values.items() if key not in answers)
        if before is None or after is None:
            impact.not_comparable += weight
            continue
        impact.compared += weight
        verdict_b, obligations_b, notes_b, asked_b = before.verdict, before.obligations, before.notes, before.asked
        verdict_h, obligations_h, notes_h, asked_h = after.verdict, after.obligations, after.notes, after.asked
        example = {k: answers[k] for k in impact.question_order if k in answers and (k in asked_b or k in asked_h)}
        if verdict_b != verdict_h:
            impact.verdicts[(verdict_b or "", verdict_h or "")].add(weight, example, asked_h)
        for tallies, old, new in ((impact.obligations, obligations_b, obligations_h),
                                  (impact.notes, notes_b, notes_h), (impact.questions, asked_b, asked_h)):
            for name in new - old:
                tallies[(name, "added")].add(weight, example, asked_h)
            for name in old - new:
                tallies[(name, "removed")].add(weight, example, asked_h)
    return impact


def compare_versions(base: Names, head: Names) -> Impact:
    """The answer comparison, with the changes to the public names named for what they are."""
    impact = compare(base.rules, head.rules)
    impact.names = name_changes(base, head)
    return impact


# -- reporting ---------------------------------------------------------------------------------------

def _counts(tallies: Mapping[tuple[str, str], Tally], added: str, removed: str) -> list[dict[str, Any]]:
    names = sorted({name for name, _ in tallies})
    return [{"id": name, added: tallies[(name, "added")].situations if (name, "added") in tallies else 0,
             removed: tallies[(name, "removed")].situations if (name, "removed") in tallies else 0}
            for name in names]


def as_json(impact: Impact, site_url: str = "") -> dict[str, Any]:
    """The report as one JSON-ready object (the `--json` contract, documented in the README)."""
    return {
        "compared": impact.compared,
        "not_comparable": impact.not_comparable,
        "verdict_changes": [{"answers": example, "before": before, "after": after}
                            for (before, after), tally in impact.verdicts.items() for example in tally.examples],
        "verdict_summary": [{"before": before, "after": after, "situations": tally.situations,
                             "examples": [wizard_link(site_url, e) for e in tally.links]}
                            for (before, after), tally in sorted(impact.verdicts.items(),
                                                                  key=lambda item: -item[1].situations)],
        "obligation_changes": _counts(impact.obligations, "added", "removed"),
        "note_changes": _counts(impact.notes, "added", "removed"),
        "question_changes": [{"key": c["id"], "newly_asked": c["added"], "no_longer_asked": c["removed"]}
                             for c in _counts(impact.questions, "added", "removed")],
        "name_changes": [{"kind": c.kind, "name": c.name, "change": c.change, "detail": c.detail,
                          "refused": c.refused} for c in impact.names],
    }


def wizard_link(site_url: str, answers: Mapping[str, str]) -> str:
    return f"{site_url}wizard/#" + "&".join(f"{k}={v}" for k, v in answers.items())


def _plural(count: int) -> str:
    return f"{count:,} situation{'s' if count != 1 else ''}"


def verdict_lines(impact: Impact) -> list[tuple[str, Tally]]:
    """One plain sentence per verdict change, largest first, with its tally."""
    label = impact.verdict_labels.get
    return [(f"{_plural(tally.situations)} now get {label(after, after)} instead of {label(before, before)}", tally)
            for (before, after), tally in sorted(impact.verdicts.items(), key=lambda item: -item[1].situations)]


def summary_lines(impact: Impact) -> list[str]:
    """Plain sentences for "What changed": "42 situations now get Approval required instead of Allowed"."""
    lines = [sentence for sentence, _ in verdict_lines(impact)]
    for tallies, what in ((impact.obligations, "the obligations listed"), (impact.notes, "the ask-first notes"),
                          (impact.questions, "the questions asked")):
        if tallies:
            lines.append(f"{what.capitalize()} changed in up to {_plural(max(t.situations for t in tallies.values()))}")
    return lines


def as_markdown(impact: Impact, base_name: str, site_url: str = "") -> str:
    """A short report a communications officer can read in the pull request."""
    lines = ["## What this change does to the wizard's answers", "",
             f"Compared with {base_name}, over every combination of answers ({impact.compared:,} situations)."]
    if impact.not_comparable:
        lines.append(f"{impact.not_comparable:,} more situations use an answer that only one version offers, "
                     "so they cannot be compared.")
    lines.append("")
    if impact.names:
        lines += ["### Names (links, saved results and outside tools use them)", ""]
        lines += [f"- {change.sentence()}" for change in sorted(impact.names, key=lambda c: not c.refused)]
        lines.append("")
    if not impact.changed:
        lines += ["**No answer changes**: every situation gets the same verdict, obligations, notes and questions.",
                  ""]
        return "\n".join(lines)
    link = lambda answers: f"[example]({wizard_link(site_url, answers)})"  # noqa: E731
    if impact.verdicts:
        lines += ["### Verdicts", ""]
        for sentence, tally in verdict_lines(impact):
            lines.append(f"- {sentence}: {', '.join(link(e) for e in tally.links)}")
        lines.append("")
    for title, tallies, verb_added, verb_removed in (
            ("Obligations", impact.obligations, "now applies", "no longer applies"),
            ("Ask-first notes", impact.notes, "now shown", "no longer shown"),
            ("Questions", impact.questions, "now asked", "no longer asked")):
        if not tallies:
            continue
        lines += [f"### {title}", ""]
        for (name, how), tally in sorted(tallies.items(), key=lambda item: (item[0][0], item[0][1])):
            verb = verb_added if how == "added" else verb_removed
            lines.append(f"- `{name}` {verb} in {tally.situations:,} situations: "
                         f"{', '.join(link(e) for e in tally.links)}")
        lines.append("")
    return "\n".join(lines)
