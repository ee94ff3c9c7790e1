"""A mistake in policy_source/ stops the build with the file, the line and the fix, and loses nothing."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.source.errors import SourceError
from sitegen.source.policy_text import parse_policy
from sitegen.source.sources import SOURCE_DIR, load_sources


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(project / "build.py"), *args], cwd=project,
                          capture_output=True, text=True)


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` once; return the 1-based line where the edit landed."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def tree_digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        digest.update(str(path.relative_to(directory)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


# name: (file, text to replace, replacement, problem expected, text of the line the problem must point at)
BREAKAGES = {
    "duplicate clause id": ("policy.md", "{#scope-departments}", "{#scope-all-tools}",
                            "clause id {#scope-all-tools} is already used on line", "Departments who wish"),
    "glossary cites an unknown clause": ("glossary.yaml", "clause: definitions-social-media",
                                         "clause: definitions-socal-media",
                                         "cites clause 'definitions-socal-media', which is not in policy.md",
                                         "definitions-socal-media"),
    "paragraph without an id": ("policy.md", " {#scope-departments}", "", "this paragraph has no clause id",
                                "Departments who wish"),
    "invalid YAML": ("related.yaml", "  - name: Media Relations Policy", "  - name: Media Relations Policy\n bad",
                     "this is not valid YAML", " bad"),
    "rule cites a missing clause": ("rules.yaml", "clause: business-use-review", "clause: business-use-reviews",
                                    "obligation 'may-be-reviewed' cites clause 'business-use-reviews', which is not "
                                    "in policy.md", "business-use-reviews"),
    "unknown answer value in a condition": ("rules.yaml", "when: {capacity: peers}", "when: {capacity: peer}",
                                            "uses 'peer', which is not an answer to 'capacity'", "{capacity: peer}"),
    "unknown question key in a condition": ("rules.yaml", "when: {restricted_community: \"yes\"}",
                                            "when: {restricted: \"yes\"}", "uses unknown question key 'restricted'",
                                            "{restricted: "),
    "obligation without an id": ("rules.yaml", "  - id: may-be-reviewed", "  - ident: may-be-reviewed",
                                 "this obligation has no 'id'", "- ident: may-be-reviewed"),
    "duplicate obligation id": ("rules.yaml", "- id: may-be-reviewed", "- id: identify-yourself",
                                "obligation id 'identify-yourself' is already used on line", "- id: identify-yourself"),
    # A student posting for the City is settled as not allowed before new_campaign is asked.
    "obligation that can never apply": ("rules.yaml", "    when: {capacity: business, new_campaign: \"yes\"}\n\n"
                                        "  - id: treat-as-media-request",
                                        "    when: {capacity: business, student: \"yes\", new_campaign: \"yes\"}\n\n"
                                        "  - id: treat-as-media-request",
                                        "obligation 'departmental-procedures' can never apply",
                                        "- id: departmental-procedures"),
}

# Mistakes in the fields version 2 of the policy model added, checked without a full build:
# (text to replace, replacement, problem expected, text of the line the problem must point at)
RULES_BREAKAGES = {
    "a post-stopping obligation names no one to ask": (
        "    verdict: not-allowed\n    ask: your supervisor, for questions about privacy\n",
        "    verdict: not-allowed  # privacy\n",
        "obligation 'no-disclosure-personal-info' can stop or delay a post (not-allowed) but names no one to ask",
        "verdict: not-allowed  # privacy"),
    "unknown verdict for the notes": ("unclear_verdict: ask-first", "unclear_verdict: ask-firts",
                                      "'unclear_verdict' is 'ask-firts', not one of the verdicts", "unclear_verdict:"),
    "a retired question in a condition": ("when: {restricted_community: \"yes\"}", "when: {privacy_breach: \"yes\"}",
                                          "uses question 'privacy_breach', which is retired", "{privacy_breach: "),
    "only_if_asked is not true or false": ("    only_if_asked: true\n", "    only_if_asked: sometimes\n",
                                           "'only_if_asked' of unclear note 'check-approval-status' is 'sometimes'",
                                           "only_if_asked: sometimes"),
    "a note without whom to ask": ("    ask: the person concerned, or your supervisor for questions about privacy\n",
                                   "", "unclear note 'personal-info-check' has no 'ask'", "- id: personal-info-check"),
}


@pytest.mark.parametrize("breakage", list(RULES_BREAKAGES), ids=list(RULES_BREAKAGES))
def test_rules_fields_are_checked_with_file_line_and_fix(tmp_path: Path, breakage: str) -> None:
    old, new, problem, at = RULES_BREAKAGES[breakage]
    source_dir = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, source_dir)
    rules = source_dir / "rules.yaml"
    edit(rules, old, new)
    with pytest.raises(SourceError) as caught:
        load_sources(source_dir)
    located = [p for p in caught.value.problems if problem in p.problem]
    assert located, [str(p) for p in caught.value.problems]
    assert located[0].path == rules
    assert located[0].line == line_of(rules, at), str(located[0])
    assert located[0].fix


def line_of(path: Path, text: str, last: bool = False) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [number for number, line in enumerate(lines, start=1) if text in line]
    assert found, f"{text!r} not in {path.name}"
    return found[-1] if last else found[0]


@pytest.mark.parametrize("breakage", list(BREAKAGES), ids=list(BREAKAGES))
def test_check_and_build_name_file_line_and_fix(copy_project, breakage: str) -> None:
    filename, old, new, problem, at = BREAKAGES[breakage]
    project = copy_project()
    assert run_build(project, "build").returncode == 0
    before = tree_digest(project / "site")
    source = project / "policy_source" / filename
    edit(source, old, new)
    # A duplicate is reported where it is repeated: the last occurrence.
    line = line_of(source, at, last="already used" in problem)

    for command in ("check", "build"):
        result = run_build(project, command)
        assert result.returncode == 1, result.stdout + result.stderr
        located = [ln for ln in result.stderr.splitlines() if problem in ln]
        assert located, result.stderr
        assert f"policy_source/{filename}:{line}: " in located[0], located[0]
        assert "Fix:" in result.stderr
    assert tree_digest(project / "site") == before, "a failed build must leave the previous site untouched"


def test_a_failed_mkdocs_build_also_leaves_the_site(copy_project) -> None:
    project = copy_project()
    assert run_build(project, "build").returncode == 0
    before = tree_digest(project / "site")
    # A hand-written page that links to a page that does not exist fails `mkdocs build --strict`.
    (project / "docs" / "index.md").write_text("# Home\n\n[broken](no-such-page.md)\n", encoding="utf-8")
    result = run_build(project, "build")
    assert result.returncode == 1
    assert "unchanged" in result.stderr
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site-*")), "no half-written build directory is left behind"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    source = tmp_path / "policy.md"
    source.write_text("---\ntitle: T\ndeveloped_by: D\napproved_by: A\napproval_date: 2010-02-25\nversion: 1\n---\n\n"
                      "## Scope {#scope}\n\nFirst. {#dup}\n\nSecond. {#dup}\n\nThird. {#Bad_Id}\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_policy(source)
    messages = [str(p) for p in caught.value.problems]
    assert any(":13:" in m and "already used on line 11" in m for m in messages)
    assert any(":15:" in m and "not a valid id" in m for m in messages)


def test_missing_metadata_is_named(tmp_path: Path) -> None:
    source = tmp_path / "policy.md"
    source.write_text("---\ntitle: T\napproval_date: 25/02/2010\n---\n\n## Scope {#scope}\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_policy(source)
    text = str(caught.value)
    assert "metadata 'developed_by' is missing" in text
    assert "is not a date" in text  # an older copy's approval date, kept in policy.md then, is still checked


# Text from policy_source/ is plain: HTML or a link written into it must never reach a page.
# (file, text to replace, replacement, text of the line the problem must point at)
MARKUP_BREAKAGES = {
    "a script in a situation's description": (
        "scenarios/content.yaml", "    Tom's Twitter bio says he works for the City.",
        "    Tom's <script>alert(1)</script> bio says he works for the City.", "<script>alert(1)</script>"),
    "an image in a related document's note": (
        "related.yaml", "about: Other rules for personal use of email and the internet",
        "about: Other rules <img src=x onerror=alert(1)> for personal use of email and the internet", "<img src=x"),
    "a Markdown link in a rule's text": (
        "rules.yaml", "You are personally responsible for the content of what you post.",
        "You are [personally responsible](javascript:alert(1)) for what you post.", "[personally responsible]"),
}


@pytest.mark.parametrize("breakage", list(MARKUP_BREAKAGES), ids=list(MARKUP_BREAKAGES))
def test_html_or_links_in_a_text_are_refused_with_file_and_line(tmp_path: Path, breakage: str) -> None:
    filename, old, new, at = MARKUP_BREAKAGES[breakage]
    source_dir = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, source_dir)
    source = source_dir / filename
    edit(source, old, new)
    with pytest.raises(SourceError) as caught:
        load_sources(source_dir, allow_unreviewed=True)
    located = [p for p in caught.value.problems if "would be HTML or a link on the site" in p.problem]
    assert located, [str(p) for p in caught.value.problems]
    assert located[0].path == source
    assert located[0].line == line_of(source, at) or located[0].line == line_of(source, at) - 1
    assert "write plain text" in located[0].fix


def test_a_related_documents_link_must_be_a_web_address(tmp_path: Path) -> None:
    source_dir = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, source_dir)
    related = source_dir / "related.yaml"
    text = related.read_text(encoding="utf-8")
    name = text.split("- name: ", 1)[1].split("\n", 1)[0]
    edit(related, f"- name: {name}\n", f"- name: {name}\n    link: vbscript:msgbox\n")
    with pytest.raises(SourceError) as caught:
        load_sources(source_dir, allow_unreviewed=True)
    assert any("is not a web address" in p.problem and p.line == line_of(related, "vbscript:")
               for p in caught.value.problems), [str(p) for p in caught.value.problems]


def test_build_refuses_a_folder_that_is_not_a_previous_build(tmp_path: Path) -> None:
    """`--site-dir` pointed at someone's folder must not replace it."""
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(b"not ours")
    done = run_build(Path(__file__).resolve().parent.parent, "build", "--site-dir", str(folder))
    assert done.returncode == 2
    assert "is not a site this project built, so it was left alone" in done.stderr
    assert [p.name for p in folder.iterdir()] == ["budget.xlsx"]


def test_the_built_site_is_readable_by_a_web_server(site_dir: Path) -> None:
    """A server runs as another user: the folders and files must be world-readable, not private."""
    assert site_dir.stat().st_mode & 0o005 == 0o005
    for path in [site_dir / "index.html", *site_dir.glob("pyodide/*/*")][:20]:
        assert path.stat().st_mode & 0o004, path


def test_a_mistyped_clause_id_gets_a_suggestion(copy_project) -> None:
    """The fix names what was probably meant; a missing approval names the command."""
    project = copy_project()
    source = project / "policy_source"
    clause = next(iter(load_sources(source, allow_unreviewed=True).policy.clauses))
    searches = source / "searches.yaml"
    searches.write_text(searches.read_text(encoding="utf-8") + f"  - query: anything\n    clause: {clause}x\n",
                        encoding="utf-8")
    result = run_build(project, "check")
    assert result.returncode == 1 and f"(did you mean '{clause}'?)" in result.stderr
    (source / "approvals.yaml").unlink()
    result = run_build(project, "check")
    assert "no approved version of the policy is recorded" in result.stderr
    assert 'python3 build.py approve --by "WHO APPROVED IT" --date "YYYY-MM-DD"' in result.stderr
