"""`build.py impact` names what a change does to the public names: a new question, a retired one, a
withdrawn clause, and the renames and removals `check` refuses, each for what it is."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from sitegen.publishing.name_changes import Names, name_changes
from sitegen.source.sources import load_sources
from tests.test_publishing import as_repository


def rules(questions: dict[str, list[str]], obligations: list[str] = (), retired: tuple[str, ...] = ()) -> dict:
    """Made-up rules, only their names: the report is about names, not about any policy."""
    return {"questions": [{"key": key, "answers": [{"value": v} for v in values],
                           **({"retired": "no longer needed"} if key in retired else {})}
                          for key, values in questions.items()],
            "verdicts": [{"id": "allowed"}, {"id": "not-allowed"}],
            "obligations": [{"id": i} for i in obligations], "unclear": []}


def changes(base: Names, head: Names) -> set[tuple[str, str, str, str]]:
    return {(c.kind, c.name, c.change, c.detail) for c in name_changes(base, head)}


def test_the_same_names_are_no_change() -> None:
    version = Names(rules({"topic": ["yes", "no"]}, ["be-kind"]), ("intro",), {})
    assert name_changes(version, version) == []


def test_new_names_are_new_and_a_retired_question_is_retired() -> None:
    base = Names(rules({"topic": ["yes", "no"], "tool": ["yes", "no"]}, ["be-kind"]), ("intro",))
    head = Names(rules({"topic": ["yes", "no", "unsure"], "tool": ["yes", "no"], "audience": ["staff", "public"]},
                       ["be-kind", "label-images"], retired=("tool",)), ("intro", "images"))
    assert changes(base, head) == {("question", "audience", "added", ""), ("question", "tool", "retired", ""),
                                   ("answer", "unsure", "added", "topic"), ("obligation", "label-images", "added", ""),
                                   ("clause", "images", "added", "")}
    assert not any(c.refused for c in name_changes(base, head))


def test_a_rename_is_called_a_rename_and_refused() -> None:
    base = Names(rules({"uses_city_equipment": ["yes", "no"]}, ["be-kind"]), ("scope-tools",))
    head = Names(rules({"city_equipment_used": ["yes", "no"]}, ["be-kind-online"]), ("scope-all-tools",))
    found = name_changes(base, head)
    assert {(c.kind, c.name, c.change, c.detail) for c in found} == {
        ("question", "uses_city_equipment", "renamed", "city_equipment_used"),
        ("obligation", "be-kind", "renamed", "be-kind-online"),
        ("clause", "scope-tools", "renamed", "scope-all-tools")}
    assert all(c.refused for c in found)
    assert "**Renamed** question `uses_city_equipment` to `city_equipment_used`: refused" in found[0].sentence()


def test_a_removal_is_called_a_removal_and_refused() -> None:
    base = Names(rules({"topic": ["yes", "no", "unsure"]}, ["be-kind", "report-breaches"]), ("intro", "outro"))
    head = Names(rules({"topic": ["yes", "no"]}, ["be-kind"]), ("intro",))
    assert changes(base, head) == {("answer", "unsure", "removed", "topic"),
                                   ("obligation", "report-breaches", "removed", ""), ("clause", "outro", "removed", "")}
    assert all(c.refused for c in name_changes(base, head))


def test_a_withdrawn_clause_is_withdrawn_not_removed() -> None:
    base = Names(rules({"topic": ["yes", "no"]}), ("intro", "old-scope", "scope"), {})
    head = Names(rules({"topic": ["yes", "no"]}), ("intro", "scope"), {"old-scope": "scope"})
    [change] = name_changes(base, head)
    assert (change.kind, change.name, change.change, change.detail, change.refused) == (
        "clause", "old-scope", "withdrawn", "scope", False)
    assert "replaced by `scope`" in change.sentence()


# -- the report, on a real change of the sources ---------------------------------------------------

def impact(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(project / "build.py"), "impact", "--base", "main", *args],
                          cwd=project, capture_output=True, text=True)


def test_the_report_names_a_withdrawal_and_a_renamed_question(copy_project) -> None:
    project = as_repository(copy_project())
    sources = load_sources(project / "policy_source")
    source_dir = project / "policy_source"
    # A question renamed everywhere in the rules (which check refuses)...
    key = next(q["key"] for q in reversed(sources.rules.data["questions"]) if not q.get("retired"))
    rules_file = source_dir / "rules.yaml"
    rules_file.write_text(re.sub(rf"\b{key}\b", f"{key}_renamed", rules_file.read_text(encoding="utf-8")),
                          encoding="utf-8")
    # ...and a clause taken out and withdrawn, as `check` says to.
    policy = source_dir / "policy.md"
    lines = policy.read_text(encoding="utf-8").splitlines(keepends=True)
    used = {c.clause for c in sources.rules.citations}
    clause = next(c for c in sources.policy.clauses.values() if c.id not in used
                  and lines[c.line - 1].rstrip().endswith(f"{{#{c.id}}}") and not lines[c.line - 1].startswith("#"))
    del lines[clause.line - 1]
    policy.write_text("".join(lines), encoding="utf-8")
    withdrawn = subprocess.run([sys.executable, "build.py", "withdraw", clause.id, "--reason", "Said twice."],
                               cwd=project, capture_output=True, text=True)
    assert withdrawn.returncode == 0, withdrawn.stderr

    report = impact(project)
    assert report.returncode == 0, report.stderr
    assert f"**Renamed** question `{key}` to `{key}_renamed`: refused" in report.stdout
    assert f"Withdrawn clause `{clause.id}`" in report.stdout
    assert report.stdout.index("**Renamed**") < report.stdout.index("Withdrawn clause"), "refused changes first"
    named = json.loads(impact(project, "--json").stdout)["name_changes"]
    assert {"kind": "question", "name": key, "change": "renamed", "detail": f"{key}_renamed",
            "refused": True} in named
    assert {"kind": "clause", "name": clause.id, "change": "withdrawn", "detail": "", "refused": False} in named
