"""When the wording of a cited clause changes, the rules citing it must be re-read before publishing."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.source_edits import Amendment, amend_cited_clause


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(project / "build.py"), *args], cwd=project,
                          capture_output=True, text=True)


def change_wording(project: Path) -> Amendment:
    """An approved amendment, as the team makes it: one word of a clause the rules cite changed (found in
    the sources as they are), and the approval recorded."""
    amendment = amend_cited_clause(project / "policy_source")
    approved = run(project, "approve", "--by", "SMT", "--date", "2026-03-01")
    assert approved.returncode == 0, approved.stderr
    return amendment


def write_note(project: Path, summary: str, date: str = "2026-03-02") -> None:
    """What the comms team does after a change: a note for staff at the top, then `build.py note`."""
    notes = project / "policy_source" / "changes.yaml"
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace("changes:\n", f"changes:\n  - date: {date}\n    summary: >-\n      {summary}\n\n", 1),
                     encoding="utf-8")
    recorded = subprocess.run([sys.executable, str(project / "build.py"), "note"], cwd=project,
                              capture_output=True, text=True)
    assert recorded.returncode == 0, recorded.stderr


def test_a_changed_clause_names_every_rule_that_cites_it(copy_project) -> None:
    project = copy_project()
    amendment = change_wording(project)
    clause = amendment.clause
    result = run(project, "check")
    assert result.returncode == 1
    assert f"the wording of clause '{clause.id}' (policy.md:{clause.line}) changed since these rules were " \
           f"reviewed: {amendment.named_rules()}" in result.stderr
    assert f"python3 build.py review {clause.id}" in result.stderr
    assert run(project, "build").returncode == 1


def test_a_changed_section_names_questions_obligations_and_notes(copy_project) -> None:
    """A clause cited by a question, obligations and an unclear note: all are named."""
    project = copy_project()
    amendment = amend_cited_clause(project / "policy_source",
                                   lambda clause, rules: {"question", "obligation", "unclear note"}
                                   <= {r.kind for r in rules},
                                   "with a question, an obligation and an unclear note")
    result = run(project, "check")
    assert result.returncode == 1
    for rule in amendment.rules:
        assert f"{rule.kind} '{rule.name}' (line {rule.line})" in result.stderr


def test_review_records_the_new_wording_and_clears_the_check(copy_project) -> None:
    project = copy_project()
    rules = project / "policy_source" / "rules.yaml"
    before = rules.read_text(encoding="utf-8")
    amendment = change_wording(project)
    clause = amendment.clause.id
    reviewed = run(project, "review", clause)
    assert reviewed.returncode == 0, reviewed.stderr
    assert f"review {clause}" not in reviewed.stderr, "no warning to run the review being run"
    for rule in amendment.rules:
        assert f"{rule.kind} '{rule.name}'" in reviewed.stdout
    after = rules.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == len(amendment.rules) and all("reviewed:" in b for _, b in changed), \
        "review changes only the fingerprint line of each rule citing the clause"
    # Reviewed, but staff have not been told what changed: check asks for a change note, with file and fix.
    unexplained = run(project, "check")
    assert unexplained.returncode == 1
    assert "policy_source/changes.yaml:1: the policy's wording or the wizard's rules changed, but no change " \
           "note says what the change means for staff" in unexplained.stderr
    # The fix is a command to run, with the editor's words in place of the capitals.
    command = next(line.strip() for line in unexplained.stderr.splitlines() if "python3 build.py note" in line)
    assert command == 'python3 build.py note --summary "WHAT CHANGED FOR STAFF"'
    summary = f"One sentence now says {amendment.new} where it said {amendment.old}."
    done = subprocess.run(shlex.split(command.replace("WHAT CHANGED FOR STAFF", summary)), cwd=project,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert run(project, "check").returncode == 0
    notes = (project / "policy_source" / "changes.yaml").read_text(encoding="utf-8")
    assert re.search(r'changes:\n  - date: "\d{4}-\d{2}-\d{2}"\n    summary: >-\n      '
                     + re.escape(summary) + r"\n    sources: ", notes)


def test_note_refuses_to_move_an_older_note_to_a_new_change(copy_project) -> None:
    project = copy_project()
    change_wording(project)
    refused = run(project, "note")
    assert refused.returncode == 2 and "add a new note for this change" in refused.stderr


def test_allow_unreviewed_warns_instead_of_failing(copy_project) -> None:
    project = copy_project()
    amendment = change_wording(project)
    result = run(project, "check", "--allow-unreviewed")
    assert result.returncode == 0
    assert "warning:" in result.stderr and amendment.clause.id in result.stderr


def test_review_of_an_unknown_clause_is_an_error(copy_project) -> None:
    result = run(copy_project(), "review", "no-such-clause")
    assert result.returncode == 2
    assert "Unknown clause id 'no-such-clause'" in result.stderr


def test_check_lists_the_problems_of_every_stage_at_once(copy_project) -> None:
    """A wrong situation no longer hides that the wording changed without a note: both are listed."""
    project = copy_project()
    source = project / "policy_source"
    amend_cited_clause(source)  # a change of wording, without a note (chosen while the rest still passes)
    scenario = sorted((source / "scenarios").glob("*.yaml"))[0]
    text = scenario.read_text(encoding="utf-8")
    verdict = re.search(r"^  verdict: (\S+)$", text, re.M)
    other = "allowed" if verdict[1] != "allowed" else "not-allowed"
    scenario.write_text(text[:verdict.start(1)] + other + text[verdict.end(1):], encoding="utf-8")
    result = run(project, "check")
    assert result.returncode == 1
    assert f"policy_source/scenarios/{scenario.name}:" in result.stderr
    assert "policy_source/changes.yaml:" in result.stderr and "no change note" in result.stderr
