"""`build.py impact`: what a change to the sources does to the wizard's answers, before it is published."""

from __future__ import annotations

import json
import math
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.pages.diagram import interview_steps, render_svg
from sitegen.publishing.impact import compare
from tests.html_text import read_html
from tests.test_clause_review import write_note
from tests.test_publishing import as_repository, git
from wizard import Engine, Rules
from wizard.graph import complete_paths, export_graph


@pytest.fixture(scope="module")
def combinations(rules_data: dict) -> int:
    """Every combination of answers the current rules take."""
    engine = Engine(Rules.from_dict(rules_data))
    return math.prod(len(values) for values in engine.values_of.values())


@pytest.fixture
def repo(copy_project) -> Path:
    """A copy of the project as a git repository with one commit."""
    return as_repository(copy_project())


def impact(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(project / "build.py"), "impact", *args], cwd=project,
                          capture_output=True, text=True)


def edit_rules(project: Path, old: str, new: str) -> None:
    rules = project / "policy_source" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    assert old in text, old
    rules.write_text(text.replace(old, new, 1), encoding="utf-8")


NEW_TOOL_RULE = '''    when: {capacity: business, new_tool: ["yes", unsure]}
    verdict: approval-required
    ask: your department's Communications or Public Affairs Officer or designate
'''
PROCEDURES_RULE = '''  - id: departmental-procedures
    title: Your department needs its own procedures
    text: >-
      Departments that wish to use social media are required to develop departmental policy and
      procedures for staff training and awareness of the policy, and any department-specific
      guidelines.
    clause: scope-departments
    reviewed: 31dada0d4af4
    when: {capacity: business, new_campaign: "yes"}

'''


def test_a_verdict_change_and_a_removed_obligation_are_reported(repo: Path, combinations: int) -> None:
    edit_rules(repo, NEW_TOOL_RULE, '''    when: {capacity: business, new_tool: ["yes", unsure]}\n''')  # now "allowed"
    edit_rules(repo, PROCEDURES_RULE, "")
    git(repo, "commit", "-q", "-am", "Relax the new-tool rule; drop departmental procedures")
    done = impact(repo, "--base", "HEAD~1", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["compared"] == combinations and report["not_comparable"] == 0
    changes = {(c["before"], c["after"]) for c in report["verdict_changes"]}
    assert ("approval-required", "allowed") in changes
    for change in report["verdict_changes"]:
        assert change["answers"]["capacity"] == "business" and change["answers"]["new_tool"] in ("yes", "unsure")
    obligations = {c["id"]: c for c in report["obligation_changes"]}
    removed = obligations["departmental-procedures"]
    assert removed["removed"] > 0 and removed["added"] == 0
    assert "consult-before-new-tool" not in obligations  # it still applies; only its verdict changed
    assert {"verdict_changes", "obligation_changes", "note_changes", "question_changes"} <= report.keys()
    assert "rules/" in report["changed_pages"] and "glossary/" not in report["changed_pages"]
    done = impact(repo, "--base", "HEAD~1")
    assert done.returncode == 0, done.stderr
    markdown = done.stdout
    assert "situations now get Allowed instead of Approval required" in markdown
    assert "`departmental-procedures` no longer applies in" in markdown
    assert "](wizard/#capacity=business&" in markdown  # example situations as wizard links
    assert "- `rules/`" in markdown.split("### Pages whose content changes")[1]


RELAXED = '    when: {capacity: business, new_tool: ["yes", unsure]}\n'


def test_a_pull_requests_sources_are_judged_by_this_checkouts_code(repo: Path, tmp_path: Path) -> None:
    """CI's impact job: the base branch's checkout compares its sources with a pull request's
    policy_source/ folder, and reports exactly what the pull request's own checkout would."""
    pull_request = tmp_path / "pull-request" / "policy_source"
    shutil.copytree(repo / "policy_source", pull_request)
    edit_rules(pull_request.parent, NEW_TOOL_RULE, RELAXED)
    from_folder = impact(repo, "--base", "HEAD", "--sources", str(pull_request), "--json")
    assert from_folder.returncode == 0, from_folder.stderr
    assert git(repo, "status", "--porcelain") == ""  # the base checkout is not touched
    edit_rules(repo, NEW_TOOL_RULE, RELAXED)
    in_place = impact(repo, "--base", "HEAD", "--json")
    assert json.loads(from_folder.stdout) == json.loads(in_place.stdout)
    assert json.loads(from_folder.stdout)["verdict_changes"]
    missing = impact(repo, "--base", "HEAD", "--sources", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "nowhere" in missing.stderr


def test_a_wording_only_change_reports_no_answer_change(repo: Path, combinations: int) -> None:
    edit_rules(repo, "Clearly identify yourself as a City of Hamilton employee, with your position title.",
               "Say clearly that you work for the City of Hamilton, and give your position title.")
    report = json.loads(impact(repo, "--base", "main", "--json").stdout)  # the working tree against main
    assert report["compared"] == combinations
    assert report["verdict_changes"] == []
    assert all(c["added"] == c["removed"] == 0 for c in report["obligation_changes"] + report["note_changes"])
    assert "**No answer changes**" in impact(repo, "--base", "main").stdout


def test_a_new_question_is_reported_even_though_the_base_never_had_it(repo: Path, combinations: int) -> None:
    edit_rules(repo, "  - key: privacy_breach\n", '''  - key: uses_photos
    text: Will the post include photos of people?
    help: Any photo in which a person can be recognised.
    clause: personal-use-personal-info
    reviewed: fdb456c0da66
    answers:
      - value: "yes"
        label: "Yes"
        because: your post includes photos of people
      - value: "no"
        label: "No"
        because: your post includes no photos of people

  - key: privacy_breach
''')
    edit_rules(repo, "    when: {restricted_community: \"yes\"}\n",
               "    when: {any: [{restricted_community: \"yes\"}, {uses_photos: \"yes\"}]}\n")
    done = impact(repo, "--json")  # default base: where this branch left main
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["compared"] == 2 * combinations  # every old situation, with and without photos
    questions = {c["key"]: c for c in report["question_changes"]}
    assert questions["uses_photos"]["newly_asked"] > 0 and questions["uses_photos"]["no_longer_asked"] == 0
    assert {c["id"] for c in report["obligation_changes"] if c["added"]} == {"not-off-the-record"}
    assert report["verdict_changes"] == []


def test_a_broken_base_or_head_or_an_unknown_ref_exits_2(repo: Path) -> None:
    unknown = impact(repo, "--base", "no-such-branch")
    assert unknown.returncode == 2 and "unknown git ref 'no-such-branch'" in unknown.stderr
    edit_rules(repo, "verdict: not-allowed\n    ask:", "verdict: forbidden\n    ask:")
    git(repo, "commit", "-q", "-am", "A broken rules file")
    broken_head = impact(repo, "--base", "HEAD~1")
    assert broken_head.returncode == 2 and "unknown verdict 'forbidden'" in broken_head.stderr
    git(repo, "revert", "--no-edit", "HEAD")
    broken_base = impact(repo, "--base", "HEAD~1")
    assert broken_base.returncode == 2
    assert "the sources at HEAD~1" in broken_base.stderr and "rules.yaml:" in broken_base.stderr
    assert "Traceback" not in broken_base.stderr + broken_head.stderr + unknown.stderr


def test_the_base_is_read_from_git_without_touching_the_working_tree(repo: Path) -> None:
    edit_rules(repo, PROCEDURES_RULE, "")
    before = (repo / "policy_source" / "rules.yaml").read_bytes()
    status = git(repo, "status", "--porcelain")
    assert impact(repo, "--base", "main").returncode == 0
    assert (repo / "policy_source" / "rules.yaml").read_bytes() == before
    assert git(repo, "status", "--porcelain") == status


def test_comparing_rules_with_themselves_finds_nothing(rules_data: dict, combinations: int) -> None:
    same = compare(rules_data, rules_data)
    assert same.compared == combinations and not same.changed


def test_the_history_page_shows_what_a_rules_change_did(repo: Path) -> None:
    edit_rules(repo, NEW_TOOL_RULE, '''    when: {capacity: business, new_tool: ["yes", unsure]}\n''')
    # The situations that now get another verdict say so, as check asks (else it rightly stops the build).
    checked = subprocess.run([sys.executable, str(repo / "build.py"), "check"], cwd=repo, capture_output=True,
                             text=True)
    for path, line, said, now in re.findall(r"(policy_source/scenarios/\S+\.yaml):(\d+): situation '[\w-]+' "
                                            r"(?:says|is published saying) (\S+), but the wizard answers ([\w-]+)",
                                            checked.stderr):
        lines = (repo / path).read_text(encoding="utf-8").splitlines(keepends=True)
        at = next(i for i in range(int(line) - 1, len(lines)) if lines[i].strip() == f"verdict: {said}")
        lines[at] = lines[at].replace(said, now)
        (repo / path).write_text("".join(lines), encoding="utf-8")
    write_note(repo, "Using a new tool no longer needs approval first.")
    git(repo, "commit", "-q", "-am", "Relax the new-tool rule")
    done = subprocess.run([sys.executable, str(repo / "build.py"), "build"], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = " ".join((repo / "site" / "history" / "index.html").read_text().split())
    assert "situations now get Allowed instead of Approval required." in text
    assert "Using a new tool no longer needs approval first." in text


def test_the_diagram_has_every_question_and_verdict_the_graph_reaches(engine: Engine, site_dir: Path) -> None:
    graph = export_graph(engine)
    asked = {node[0] for node in graph["nodes"] if node is not None}
    verdicts = {engine.evaluate(answers).verdict for answers in complete_paths(engine)}
    svg = render_svg(interview_steps(engine))
    nodes = {a["data-node"] for tag, a in read_html(svg).tags if "data-node" in a}
    assert nodes == asked | {f"verdict:{v}" for v in verdicts}
    page = (site_dir / "rules" / "index.html").read_text(encoding="utf-8")
    tags = read_html(page).tags
    assert {a["data-node"] for tag, a in tags if "data-node" in a} == nodes  # on Rules at a glance
    svg_tag = next(a for tag, a in tags if tag == "svg" and "interview-diagram" in a.get("class", ""))
    assert svg_tag["role"] == "img" and svg_tag["aria-describedby"] == "interview-diagram-words"
    assert 'id="interview-diagram-words"' in page
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from anywhere


def test_a_reader_closing_the_pipe_is_not_an_error(repo: Path) -> None:
    """`build.py impact | head`: the report stops quietly, without a traceback."""
    done = subprocess.run(f"{shlex.quote(sys.executable)} build.py impact --base HEAD | head -1", shell=True,
                          cwd=repo, capture_output=True, text=True)
    assert done.stdout.startswith("## ") and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
