"""When the wording of a cited clause changes, the rules citing it must be re-read before publishing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHANGED = ("Submissions are often permanent.", "Submissions are usually permanent.")


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(project / "build.py"), *args], cwd=project,
                          capture_output=True, text=True)


def change_wording(project: Path) -> None:
    policy = project / "policy_source" / "policy.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace(*CHANGED), encoding="utf-8")


def test_a_changed_clause_names_every_rule_that_cites_it(copy_project) -> None:
    project = copy_project()
    change_wording(project)
    result = run(project, "check")
    assert result.returncode == 1
    assert "the wording of clause 'caution-permanent' (policy.md:67) changed since these rules " \
           "were reviewed: obligation 'submissions-permanent'" in result.stderr
    assert "python3 build.py review caution-permanent" in result.stderr
    assert run(project, "build").returncode == 1


def test_a_changed_section_names_questions_obligations_and_notes(copy_project) -> None:
    """A clause cited by a question, obligations and an unclear note: all are named."""
    project = copy_project()
    policy = project / "policy_source" / "policy.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "Staff who are approved to participate in social media must have received appropriate training",
        "Staff who are approved to participate in social media must have received suitable training"))
    result = run(project, "check")
    assert result.returncode == 1
    for rule in ("question 'new_campaign'", "obligation 'training-and-authorization'",
                 "obligation 'business-case-required'", "unclear note 'training-where-necessary'"):
        assert rule in result.stderr


def test_review_records_the_new_wording_and_clears_the_check(copy_project) -> None:
    project = copy_project()
    rules = project / "policy_source" / "rules.yaml"
    before = rules.read_text(encoding="utf-8")
    change_wording(project)
    reviewed = run(project, "review", "caution-permanent")
    assert reviewed.returncode == 0, reviewed.stderr
    assert "obligation 'submissions-permanent'" in reviewed.stdout
    after = rules.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and "reviewed:" in changed[0][1], "review changes only the fingerprint line"
    assert run(project, "check").returncode == 0


def test_allow_unreviewed_warns_instead_of_failing(copy_project) -> None:
    project = copy_project()
    change_wording(project)
    result = run(project, "check", "--allow-unreviewed")
    assert result.returncode == 0
    assert "warning:" in result.stderr and "caution-permanent" in result.stderr


def test_review_of_an_unknown_clause_is_an_error(copy_project) -> None:
    result = run(copy_project(), "review", "no-such-clause")
    assert result.returncode == 2
    assert "Unknown clause id 'no-such-clause'" in result.stderr
