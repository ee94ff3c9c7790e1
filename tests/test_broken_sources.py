"""A mistake in policy_source/ stops the build with the file, the line and the fix, and loses nothing."""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.source.errors import SourceError
from sitegen.source.policy_text import parse_policy
from sitegen.source.sources import SOURCE_DIR, load_sources
from sitegen.source.yaml_source import LineDict, load_yaml
from tests.source_edits import (
    PolicyLine,
    condition_groups,
    condition_item,
    delete_field,
    entries,
    insert_into_text,
    line_text,
    one_line_clauses,
    one_line_condition,
    read_lines,
    replace_on_line,
    rule_entries,
    top_level_line,
    write_lines,
    yaml_value,
)
from wizard import Engine, Rules
from wizard.graph import complete_steps


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(project / "build.py"), *args], cwd=project,
                          capture_output=True, text=True)


def tree_digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        digest.update(str(path.relative_to(directory)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


# Each breakage edits a copy of policy_source/ where it finds the structure it needs, and returns the
# file it broke, the problem expected and the line that problem must name.
Broken = tuple[str, str, int]


def _clauses(source: Path) -> list[PolicyLine]:
    return [c for c in one_line_clauses(source / "policy.md") if c.kind != "heading"]


def misspelt(source: Path, clause: str) -> str:
    """The clause id with a letter too many, as long as policy.md has no such id."""
    return next(wrong for wrong in (f"{clause}s", f"{clause}ss", f"{clause}-x")
                if wrong not in parse_policy(source / "policy.md").clauses)


def duplicate_clause_id(source: Path) -> Broken:
    first, second = _clauses(source)[:2]
    replace_on_line(source / "policy.md", second.line, f"{{#{second.id}}}", f"{{#{first.id}}}")
    return "policy.md", f"clause id {{#{first.id}}} is already used on line {first.line}", second.line


def glossary_cites_an_unknown_clause(source: Path) -> Broken:
    term = entries(source / "glossary.yaml", "terms")[0]
    wrong = misspelt(source, term["clause"])
    replace_on_line(source / "glossary.yaml", term.line_of("clause"), f"clause: {term['clause']}", f"clause: {wrong}")
    return "glossary.yaml", f"cites clause '{wrong}', which is not in policy.md", term.line_of("clause")


def paragraph_without_an_id(source: Path) -> Broken:
    paragraph = next(c for c in _clauses(source) if c.kind == "paragraph")
    replace_on_line(source / "policy.md", paragraph.line, f" {{#{paragraph.id}}}", "")
    return "policy.md", "this paragraph has no clause id", paragraph.line


def invalid_yaml(source: Path) -> Broken:
    document = entries(source / "related.yaml", "documents")[0]
    lines = read_lines(source / "related.yaml")
    lines.insert(document.line, " bad\n")  # under the entry's first line, less indented than its keys
    write_lines(source / "related.yaml", lines)
    return "related.yaml", "this is not valid YAML", document.line + 1


def rule_cites_a_missing_clause(source: Path) -> Broken:
    rule = next(r for r in rule_entries(source / "rules.yaml") if "clause" in r)
    wrong = misspelt(source, rule["clause"])
    replace_on_line(source / "rules.yaml", rule.line_of("clause"), f"clause: {rule['clause']}", f"clause: {wrong}")
    return ("rules.yaml", f"obligation '{rule['id']}' cites clause '{wrong}', which is not in policy.md",
            rule.line_of("clause"))


def _a_condition(source: Path) -> tuple[LineDict, str, str]:
    """An obligation, and a key and answer of its `when` written on one line with it."""
    for rule in rule_entries(source / "rules.yaml"):
        if one_line_condition(rule):
            for key, value in next(condition_groups(rule["when"])).items():
                if isinstance(value, str):
                    return rule, key, value
    pytest.skip("no obligation's condition names a single answer on the line of its 'when'")


def unknown_answer_value_in_a_condition(source: Path) -> Broken:
    rule, key, value = _a_condition(source)
    line = rule.line_of("when")
    wrong = f"{value}-typo"
    found = condition_item(line_text(source / "rules.yaml", line), key)
    replace_on_line(source / "rules.yaml", line, found.group(0), f"{key}: {wrong}")
    return "rules.yaml", f"uses '{wrong}', which is not an answer to '{key}'", line


def unknown_question_key_in_a_condition(source: Path) -> Broken:
    rule, key, _ = _a_condition(source)
    line = rule.line_of("when")
    wrong = f"{key}_typo"
    replace_on_line(source / "rules.yaml", line, f"{key}:", f"{wrong}:")
    return "rules.yaml", f"uses unknown question key '{wrong}'", line


def obligation_without_an_id(source: Path) -> Broken:
    rule = rule_entries(source / "rules.yaml")[0]
    replace_on_line(source / "rules.yaml", rule.line_of("id"), "- id:", "- ident:")
    return "rules.yaml", "this obligation has no 'id'", rule.line_of("id")


def duplicate_obligation_id(source: Path) -> Broken:
    first, second = rule_entries(source / "rules.yaml")[:2]
    replace_on_line(source / "rules.yaml", second.line_of("id"), f"id: {second['id']}", f"id: {first['id']}")
    return "rules.yaml", f"obligation id '{first['id']}' is already used on line {first.line_of('id')}", \
        second.line_of("id")


def obligation_that_can_never_apply(source: Path) -> Broken:
    """An obligation that also asks for the answers of a post-stopping obligation: once those are given,
    the post is settled as stopped and the questions only it needs are never asked."""
    rules_path = source / "rules.yaml"
    compiled = load_sources(source, allow_unreviewed=True).rules.data
    strictest = compiled["verdicts"][-1]["id"]
    stoppers = [o for o in compiled["obligations"] if o["verdict"] == strictest and not o["verdict_when"]
                and not o["when"]["any"] and o["when"]["all"]]
    raw = {r["id"]: r for r in rule_entries(rules_path)}
    for rule in compiled["obligations"]:
        if not one_line_condition(raw[rule["id"]]) or rule["verdict"] == strictest or not rule["when"]["all"]:
            continue
        for stopper in stoppers:
            if set(stopper["when"]["all"]) & (set(rule["when"]["all"]) | {k for g in rule["when"]["any"] for k in g}):
                continue
            changed = copy.deepcopy(compiled)
            target = next(o for o in changed["obligations"] if o["id"] == rule["id"])
            target["when"]["all"].update(stopper["when"]["all"])
            engine = Engine(Rules.from_dict(changed))
            if any(o.id == rule["id"] for end in complete_steps(engine) for o, _ in engine.outcome(end).obligations):
                continue
            line = raw[rule["id"]].line_of("when")
            added = ", ".join(f"{k}: {yaml_value(v)}" for k, v in stopper["when"]["all"].items())
            replace_on_line(rules_path, line, "when: {", f"when: {{{added}, ")
            return "rules.yaml", f"obligation '{rule['id']}' can never apply", raw[rule["id"]].line
    pytest.skip("no obligation can be made unreachable by the conditions of a post-stopping obligation")


BREAKAGES: dict[str, Callable[[Path], Broken]] = {
    "duplicate clause id": duplicate_clause_id,
    "glossary cites an unknown clause": glossary_cites_an_unknown_clause,
    "paragraph without an id": paragraph_without_an_id,
    "invalid YAML": invalid_yaml,
    "rule cites a missing clause": rule_cites_a_missing_clause,
    "unknown answer value in a condition": unknown_answer_value_in_a_condition,
    "unknown question key in a condition": unknown_question_key_in_a_condition,
    "obligation without an id": obligation_without_an_id,
    "duplicate obligation id": duplicate_obligation_id,
    "obligation that can never apply": obligation_that_can_never_apply,
}


# Mistakes in the fields version 2 of the policy model added, checked without a full build:
# each edits rules.yaml and returns the problem expected and the line it must name.
def stopping_obligation_names_no_one_to_ask(rules: Path) -> tuple[str, int]:
    verdicts = [v["id"] for v in load_yaml(rules)["verdicts"]]
    rule = next((r for r in rule_entries(rules) if r.get("verdict") in verdicts[1:] and "ask" in r
                 and "verdict_when" not in r), None)
    if rule is None:
        pytest.skip("no obligation can stop or delay every post it applies to and names whom to ask")
    removed = delete_field(rules, rule, "ask")
    line = rule.line_of("verdict") - (removed if rule.line_of("ask") < rule.line_of("verdict") else 0)
    return f"obligation '{rule['id']}' can stop or delay a post ({rule['verdict']}) but names no one to ask", line


def unknown_verdict_for_the_notes(rules: Path) -> tuple[str, int]:
    line = top_level_line(rules, "unclear_verdict")
    wrong = f"{load_yaml(rules)['unclear_verdict']}-typo"
    lines = read_lines(rules)
    lines[line - 1] = re.sub(r"^unclear_verdict: *\S+", f"unclear_verdict: {wrong}", lines[line - 1])
    write_lines(rules, lines)
    return f"'unclear_verdict' is '{wrong}', not one of the verdicts", line


def retired_question_in_a_condition(rules: Path) -> tuple[str, int]:
    questions = entries(rules, "questions")
    retired = next((q for q in questions if q.get("retired")), None)
    if retired is None:
        pytest.skip("no question is retired")
    asked = {q["key"] for q in questions if not q.get("retired")}
    for rule in rule_entries(rules):
        if one_line_condition(rule):
            key = next((k for k in next(condition_groups(rule["when"])) if k in asked), None)
            if key:
                line = rule.line_of("when")
                found = condition_item(line_text(rules, line), key)
                value = yaml_value([str(retired["answers"][0]["value"])])
                replace_on_line(rules, line, found.group(0), f"{retired['key']}: {value}")
                return f"uses question '{retired['key']}', which is retired", line
    pytest.skip("no obligation's condition names an asked question on the line of its 'when'")


def only_if_asked_is_not_true_or_false(rules: Path) -> tuple[str, int]:
    note = next((n for n in rule_entries(rules, "unclear") if str(n.get("only_if_asked")).lower() == "true"), None)
    if note is None:
        pytest.skip("no unclear note is only_if_asked")
    line = note.line_of("only_if_asked")
    lines = read_lines(rules)
    lines[line - 1] = re.sub(r"only_if_asked: *true", "only_if_asked: sometimes", lines[line - 1])
    write_lines(rules, lines)
    return f"'only_if_asked' of unclear note '{note['id']}' is 'sometimes'", line


def note_without_whom_to_ask(rules: Path) -> tuple[str, int]:
    note = next(n for n in rule_entries(rules, "unclear") if "ask" in n)
    delete_field(rules, note, "ask")
    return f"unclear note '{note['id']}' has no 'ask'", note.line


RULES_BREAKAGES: dict[str, Callable[[Path], tuple[str, int]]] = {
    "a post-stopping obligation names no one to ask": stopping_obligation_names_no_one_to_ask,
    "unknown verdict for the notes": unknown_verdict_for_the_notes,
    "a retired question in a condition": retired_question_in_a_condition,
    "only_if_asked is not true or false": only_if_asked_is_not_true_or_false,
    "a note without whom to ask": note_without_whom_to_ask,
}


@pytest.mark.parametrize("breakage", list(RULES_BREAKAGES), ids=list(RULES_BREAKAGES))
def test_rules_fields_are_checked_with_file_line_and_fix(tmp_path: Path, breakage: str) -> None:
    source_dir = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, source_dir)
    rules = source_dir / "rules.yaml"
    problem, line = RULES_BREAKAGES[breakage](rules)
    with pytest.raises(SourceError) as caught:
        load_sources(source_dir)
    located = [p for p in caught.value.problems if problem in p.problem]
    assert located, [str(p) for p in caught.value.problems]
    assert located[0].path == rules
    assert located[0].line == line, str(located[0])
    assert located[0].fix


@pytest.mark.parametrize("breakage", list(BREAKAGES), ids=list(BREAKAGES))
def test_check_and_build_name_file_line_and_fix(copy_project, breakage: str) -> None:
    project = copy_project()
    assert run_build(project, "build").returncode == 0
    before = tree_digest(project / "site")
    filename, problem, line = BREAKAGES[breakage](project / "policy_source")

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
# Each puts markup at the start of a text it finds and returns the file and the line of that text.
def script_in_a_situations_description(source: Path) -> tuple[Path, int]:
    path = sorted((source / "scenarios").glob("*.yaml"))[0]
    situation = next(s for s in load_yaml(path) if "description" in s)
    return path, insert_into_text(path, situation, "description", "<script>alert(1)</script>")


def image_in_a_related_documents_note(source: Path) -> tuple[Path, int]:
    path = source / "related.yaml"
    document = next(d for d in entries(path, "documents") if "about" in d)
    return path, insert_into_text(path, document, "about", "<img src=x onerror=alert(1)>")


def markdown_link_in_a_rules_text(source: Path) -> tuple[Path, int]:
    path = source / "rules.yaml"
    rule = next(r for r in rule_entries(path) if "text" in r)
    return path, insert_into_text(path, rule, "text", "[Read this](javascript:alert(1))")


MARKUP_BREAKAGES: dict[str, Callable[[Path], tuple[Path, int]]] = {
    "a script in a situation's description": script_in_a_situations_description,
    "an image in a related document's note": image_in_a_related_documents_note,
    "a Markdown link in a rule's text": markdown_link_in_a_rules_text,
}


@pytest.mark.parametrize("breakage", list(MARKUP_BREAKAGES), ids=list(MARKUP_BREAKAGES))
def test_html_or_links_in_a_text_are_refused_with_file_and_line(tmp_path: Path, breakage: str) -> None:
    source_dir = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, source_dir)
    source, line = MARKUP_BREAKAGES[breakage](source_dir)
    with pytest.raises(SourceError) as caught:
        load_sources(source_dir, allow_unreviewed=True)
    located = [p for p in caught.value.problems if "would be HTML or a link on the site" in p.problem]
    assert located, [str(p) for p in caught.value.problems]
    assert located[0].path == source
    assert located[0].line in (line, line - 1)  # the text's line, or its key's when the text is folded under it
    assert "write plain text" in located[0].fix


def test_a_related_documents_link_must_be_a_web_address(tmp_path: Path) -> None:
    source_dir = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, source_dir)
    related = source_dir / "related.yaml"
    document = entries(related, "documents")[0]
    lines = read_lines(related)
    if "link" in document:
        line = document.line_of("link")
        lines[line - 1] = re.sub(r"link:.*", "link: vbscript:msgbox", lines[line - 1])
    else:
        line = document.line + 1
        lines.insert(document.line, " " * indent_of_keys(lines, document) + "link: vbscript:msgbox\n")
    write_lines(related, lines)
    with pytest.raises(SourceError) as caught:
        load_sources(source_dir, allow_unreviewed=True)
    assert any("is not a web address" in p.problem and p.line == line
               for p in caught.value.problems), [str(p) for p in caught.value.problems]


def indent_of_keys(lines: list[str], entry: LineDict) -> int:
    """How far the keys of a list entry are indented (past its `- `)."""
    first = lines[entry.line - 1]
    return len(first) - len(first.lstrip(" -"))


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
