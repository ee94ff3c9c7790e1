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
from tests.from_policy import example, ids, keys, obligation, result, rules, verdict_label
from tests.html_text import read_html
from tests.source_edits import (
    delete_entry,
    delete_field,
    entries,
    entry_span,
    insert_into_text,
    line_text,
    one_line_condition,
    read_lines,
    replace_on_line,
    rule_entries,
    write_lines,
)
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


def rules_file(project: Path) -> Path:
    return project / "policy_source" / "rules.yaml"


def relaxable() -> dict:
    """An obligation that alone makes some situation's verdict stricter than the least (one that is not the
    strictest first): relaxing it must move those situations' verdicts."""
    least, *_, strictest = (v["id"] for v in rules()["verdicts"])
    candidates = [o for o in rules()["obligations"] if o["verdict"] != least and not o["verdict_when"]]
    for candidate in sorted(candidates, key=lambda o: o["verdict"] == strictest):
        try:
            example(candidate["verdict"], lambda found, o=candidate: found.decisive == [o["id"]])
        except pytest.skip.Exception:
            continue
        return candidate
    pytest.skip("no obligation alone decides a verdict stricter than the least")


def relax(project: Path, relaxed: dict) -> None:
    """Take out what makes the obligation stop or delay a post: it still applies, now as 'allowed'."""
    for name in ("verdict", "verdict_when", "ask"):
        rule = next(r for r in rule_entries(rules_file(project)) if r["id"] == relaxed["id"])
        if name in rule:
            delete_field(rules_file(project), rule, name)


def removable() -> dict:
    """An obligation that changes no verdict, to take out of the rules."""
    least = rules()["verdicts"][0]["id"]
    found = next((o for o in rules()["obligations"] if o["verdict"] == least), None)
    if found is None:
        pytest.skip("every obligation changes a verdict")
    return found


def remove(project: Path, removed: dict) -> None:
    delete_entry(rules_file(project), next(r for r in rule_entries(rules_file(project)) if r["id"] == removed["id"]))


def test_a_verdict_change_and_a_removed_obligation_are_reported(repo: Path, combinations: int) -> None:
    relaxed, removed = relaxable(), removable()
    relax(repo, relaxed)  # now "allowed"
    remove(repo, removed)
    git(repo, "commit", "-q", "-am", "Relax a rule; drop another")
    done = impact(repo, "--base", "HEAD~1", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["compared"] == combinations and report["not_comparable"] == 0
    assert report["verdict_changes"]
    for change in report["verdict_changes"]:
        assert change["before"] == relaxed["verdict"] != change["after"]
        assert relaxed["id"] in ids(result(change["answers"]).obligations), change["answers"]
    obligations = {c["id"]: c for c in report["obligation_changes"]}
    assert obligations[removed["id"]]["removed"] > 0 and obligations[removed["id"]]["added"] == 0
    assert relaxed["id"] not in obligations  # it still applies; only its verdict changed
    assert {"verdict_changes", "obligation_changes", "note_changes", "question_changes"} <= report.keys()
    assert "rules/" in report["changed_pages"] and "glossary/" not in report["changed_pages"]
    done = impact(repo, "--base", "HEAD~1")
    assert done.returncode == 0, done.stderr
    markdown = done.stdout
    for before, after in {(c["before"], c["after"]) for c in report["verdict_changes"]}:
        assert f"situations now get {verdict_label(after)} instead of {verdict_label(before)}" in markdown
    assert f"`{removed['id']}` no longer applies in" in markdown
    links = [f"]({link})" for summary in report["verdict_summary"] for link in summary["examples"]]
    assert links and all(link.startswith("](wizard/#") and link in markdown for link in links)  # as wizard links
    assert "- `rules/`" in markdown.split("### Pages whose content changes")[1]


def test_a_pull_requests_sources_are_judged_by_this_checkouts_code(repo: Path, tmp_path: Path) -> None:
    """CI's impact job: the base branch's checkout compares its sources with a pull request's
    policy_source/ folder, and reports exactly what the pull request's own checkout would."""
    relaxed = relaxable()
    pull_request = tmp_path / "pull-request" / "policy_source"
    shutil.copytree(repo / "policy_source", pull_request)
    relax(pull_request.parent, relaxed)
    from_folder = impact(repo, "--base", "HEAD", "--sources", str(pull_request), "--json")
    assert from_folder.returncode == 0, from_folder.stderr
    assert git(repo, "status", "--porcelain") == ""  # the base checkout is not touched
    relax(repo, relaxed)
    in_place = impact(repo, "--base", "HEAD", "--json")
    assert json.loads(from_folder.stdout) == json.loads(in_place.stdout)
    assert json.loads(from_folder.stdout)["verdict_changes"]
    missing = impact(repo, "--base", "HEAD", "--sources", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "nowhere" in missing.stderr


def test_a_wording_only_change_reports_no_answer_change(repo: Path, combinations: int) -> None:
    rule = next(r for r in rule_entries(rules_file(repo)) if "text" in r)
    insert_into_text(rules_file(repo), rule, "text", "Remember:")
    report = json.loads(impact(repo, "--base", "main", "--json").stdout)  # the working tree against main
    assert report["compared"] == combinations
    assert report["verdict_changes"] == []
    assert all(c["added"] == c["removed"] == 0 for c in report["obligation_changes"] + report["note_changes"])
    assert "**No answer changes**" in impact(repo, "--base", "main").stdout


def test_a_new_question_is_reported_even_though_the_base_never_had_it(repo: Path, combinations: int) -> None:
    path = rules_file(repo)
    least = rules()["verdicts"][0]["id"]
    rule = next((r for r in rule_entries(path) if one_line_condition(r) and "any" not in r["when"]
                 and obligation(r["id"])["verdict"] == least), None)
    if rule is None:
        pytest.skip("no obligation that changes no verdict has a one-line condition without 'any'")
    key = next(f"uses_photos{n or ''}" for n in range(100) if f"uses_photos{n or ''}" not in keys())
    cited = next(q for q in entries(path, "questions") if "reviewed" in q)
    questions = entries(path, "questions")
    lines = read_lines(path)
    _, end = entry_span(lines, questions[-1].line)
    lines[end:end] = [f"\n  - key: {key}\n", "    text: Will the post include photos of people?\n",
                      "    help: Any photo in which a person can be recognised.\n",
                      f"    clause: {cited['clause']}\n", f"    reviewed: {cited['reviewed']}\n", "    answers:\n",
                      '      - value: "yes"\n', '        label: "Yes"\n',
                      "        because: your post includes photos of people\n",
                      '      - value: "no"\n', '        label: "No"\n',
                      "        because: your post includes no photos of people\n"]
    write_lines(path, lines)
    rule = next(r for r in rule_entries(path) if r["id"] == rule["id"])
    written = re.search(r"when: \{(.*)\}", line_text(path, rule.line_of("when")))
    replace_on_line(path, rule.line_of("when"), written.group(0),
                    f'when: {{any: [{{{written.group(1)}}}, {{{key}: "yes"}}]}}')
    done = impact(repo, "--json")  # default base: where this branch left main
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["compared"] == 2 * combinations  # every old situation, with and without photos
    questions = {c["key"]: c for c in report["question_changes"]}
    assert questions[key]["newly_asked"] > 0 and questions[key]["no_longer_asked"] == 0
    assert {c["id"] for c in report["obligation_changes"] if c["added"]} == {rule["id"]}
    assert report["verdict_changes"] == []


def test_a_broken_base_or_head_or_an_unknown_ref_exits_2(repo: Path) -> None:
    unknown = impact(repo, "--base", "no-such-branch")
    assert unknown.returncode == 2 and "unknown git ref 'no-such-branch'" in unknown.stderr
    rule = next(r for r in rule_entries(rules_file(repo)) if "verdict" in r)
    replace_on_line(rules_file(repo), rule.line_of("verdict"), f"verdict: {rule['verdict']}", "verdict: forbidden")
    git(repo, "commit", "-q", "-am", "A broken rules file")
    broken_head = impact(repo, "--base", "HEAD~1")
    assert broken_head.returncode == 2 and "unknown verdict 'forbidden'" in broken_head.stderr
    git(repo, "revert", "--no-edit", "HEAD")
    broken_base = impact(repo, "--base", "HEAD~1")
    assert broken_base.returncode == 2
    assert "the sources at HEAD~1" in broken_base.stderr and "rules.yaml:" in broken_base.stderr
    assert "Traceback" not in broken_base.stderr + broken_head.stderr + unknown.stderr


def test_the_base_is_read_from_git_without_touching_the_working_tree(repo: Path) -> None:
    remove(repo, removable())
    before = (repo / "policy_source" / "rules.yaml").read_bytes()
    status = git(repo, "status", "--porcelain")
    assert impact(repo, "--base", "main").returncode == 0
    assert (repo / "policy_source" / "rules.yaml").read_bytes() == before
    assert git(repo, "status", "--porcelain") == status


def test_comparing_rules_with_themselves_finds_nothing(rules_data: dict, combinations: int) -> None:
    same = compare(rules_data, rules_data)
    assert same.compared == combinations and not same.changed


def test_the_history_page_shows_what_a_rules_change_did(repo: Path) -> None:
    relaxed = relaxable()
    relax(repo, relaxed)
    changes = json.loads(impact(repo, "--base", "HEAD", "--json").stdout)["verdict_changes"]
    assert changes
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
    summary = f"Obligation {relaxed['id']} no longer changes the answer."
    write_note(repo, summary)
    git(repo, "commit", "-q", "-am", "Relax a rule")
    done = subprocess.run([sys.executable, str(repo / "build.py"), "build"], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = " ".join((repo / "site" / "history" / "index.html").read_text().split())
    for before, after in {(c["before"], c["after"]) for c in changes}:
        assert f"situations now get {verdict_label(after)} instead of {verdict_label(before)}." in text
    assert summary in text


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
