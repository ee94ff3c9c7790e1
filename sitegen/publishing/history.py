"""The policy's change history, read from git: what changed in policy_source/, when, and which clauses.

A copy without history (a download, or a shallow clone) still builds: the page then says so plainly.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.publishing.git_sources import source_files_at
from sitegen.source.change_notes import DESCRIBED, ChangeNote, sources_fingerprint
from sitegen.source.errors import SourceError
from sitegen.source.policy_text import parse_policy_text

ROOT = Path(__file__).resolve().parents[2]
POLICY = "policy_source/policy.md"
RULES = "policy_source/rules.yaml"


@dataclass
class ClauseChange:
    clause: str
    how: str  # "added", "changed" or "removed"
    before: str = ""  # the wording before the change ("" when added)
    after: str = ""  # the wording after it ("" when removed)


@dataclass
class Change:
    date: str  # YYYY-MM-DD, committer date
    summary: str
    commit: str
    clauses: list[ClauseChange] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # policy_source/ files touched
    first: bool = False  # the commit that created the policy source
    note: str | None = None  # the change note for staff (policy_source/changes.yaml) describing it
    described: bool = False  # it changed the wording or the rules, which a note should describe
    impact: list[str] = field(default_factory=list)  # rules changes: "42 situations now get X instead of Y"
    impact_unavailable: str = ""  # why the impact of a rules change could not be worked out
    version: str | None = None  # the approved version in force once this change was made


def _version_at(commit: str, root: Path) -> str | None:
    """The newest approved version recorded at a commit (approvals.yaml; before it existed, the
    version in policy.md's front matter)."""
    import yaml

    files = source_files_at(commit, ("approvals.yaml", "policy.md"), root)
    try:
        versions = (yaml.safe_load(files.get("approvals.yaml", b"")) or {}).get("versions") or []
        if versions:
            return str(versions[0]["version"])
    except (yaml.YAMLError, AttributeError, KeyError, TypeError):
        return None
    front = re.search(rb'^version:\s*"?([^"\n]+)"?\s*$', files.get("policy.md", b""), re.M)
    return front[1].decode() if front else None


def _git(*args: str, root: Path = ROOT) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def history_unavailable(root: Path = ROOT) -> str | None:
    """Why the history cannot be shown, or None when it can."""
    if _git("rev-parse", "--is-inside-work-tree", root=root) is None:
        return "This copy of the site was built without its git history, so the list of changes is not available."
    if (_git("rev-parse", "--is-shallow-repository", root=root) or "").strip() == "true":
        return "This copy of the site was built from a shallow clone, so the full list of changes is not available."
    return None


def _clauses_at(commit: str, root: Path) -> dict[str, tuple[str, str]] | None:
    """clause id -> (fingerprint, wording) of policy.md at a commit; None when it did not parse."""
    text = _git("show", f"{commit}:{POLICY}", root=root)
    if text is None:
        return {}
    try:
        return {cid: (c.fingerprint, " ".join(c.text.split()))
                for cid, c in parse_policy_text(text, Path(POLICY)).clauses.items()}
    except SourceError:
        return None  # that version did not parse; its clause changes cannot be listed


def _clause_changes(commit: str, parent: str | None, root: Path) -> list[ClauseChange]:
    after = _clauses_at(commit, root) or {}
    before = (_clauses_at(parent, root) or {}) if parent else {}
    changes = [ClauseChange(cid, "added", after=after[cid][1]) for cid in after if cid not in before]
    changes += [ClauseChange(cid, "changed", before[cid][1], after[cid][1])
                for cid in after if cid in before and before[cid][0] != after[cid][0]]
    changes += [ClauseChange(cid, "removed", before=before[cid][1]) for cid in before if cid not in after]
    return changes


def _note_for(commit: str, notes: dict[str, str], root: Path) -> str | None:
    """The change note whose recorded sources are the wording and rules as this commit left them."""
    return notes.get(sources_fingerprint(source_files_at(commit, DESCRIBED, root)))


def policy_history(root: Path = ROOT, notes: list[ChangeNote] | None = None) -> list[Change]:
    """Every commit that touched policy_source/, most recent first, with the note that describes it."""
    by_sources = {note.sources: note.summary for note in notes or [] if note.sources}
    log = _git("log", "--format=%H%x1f%P%x1f%cs%x1f%s", "--", "policy_source/", root=root) or ""
    changes = []
    for line in log.splitlines():
        commit, parents, date, summary = line.split("\x1f")
        parent = parents.split()[0] if parents else None
        files = (_git("diff-tree", "--no-commit-id", "--name-only", "-r", "--root", commit, "--", "policy_source/",
                      root=root) or "").split()
        change = Change(date, summary, commit[:10], files=files, first=parent is None,
                        version=_version_at(commit, root))
        if POLICY in files:
            change.clauses = _clause_changes(commit, parent, root)
        change.described = POLICY in files or RULES in files
        if change.described:
            change.note = _note_for(commit, by_sources, root)
        if RULES in files and parent and _git("cat-file", "-e", f"{parent}:{RULES}", root=root) is None:
            change.impact_unavailable = "The wizard's rules were introduced in this change."
        elif RULES in files and parent:
            change.impact, change.impact_unavailable = rules_impact(parent, commit, root)
        changes.append(change)
    return changes


def rules_impact(parent: str, commit: str, root: Path = ROOT) -> tuple[list[str], str]:
    """What a commit did to the wizard's answers, as sentences (cached: commits never change)."""
    from sitegen.publishing import impact  # the engine and sources: only needed for commits that changed the rules

    cache = root / "build" / "impact-cache" / f"{parent[:16]}-{commit[:16]}.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        return cached["impact"], cached["unavailable"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        lines, unavailable = impact.summary_lines(impact.compare(impact.rules_at(root, parent),
                                                                 impact.rules_at(root, commit))), ""
    except impact.ImpactError as error:
        lines, unavailable = [], f"The effect on the wizard's answers could not be worked out ({error})."
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"impact": lines, "unavailable": unavailable}), encoding="utf-8")
    except OSError:
        pass
    return lines, unavailable


def last_updated(paths: tuple[str, ...], root: Path = ROOT) -> str | None:
    """The date of the last commit that touched any of these paths (YYYY-MM-DD), if git knows."""
    date = (_git("log", "-1", "--format=%cs", "--", *paths, root=root) or "").strip()
    return date or None
