"""Changes made as the communications team makes them, in a throw-away copy of the project: each is
finished with only the commands `check` prints (words in capitals replaced by the editor's own)."""

from __future__ import annotations

import datetime
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.source.sources import load_sources
from tests.html_text import article_text
from tests.source_edits import Amendment, amend_cited_clause, indent, one_line_clauses
from tests.test_publishing import as_repository, git

TODAY = datetime.date.today().isoformat()
EDITOR_WORDS = {"WHO APPROVED IT": "SMT", "YYYY-MM-DD": TODAY,
                "WHAT CHANGED FOR STAFF": "One sentence of the policy now reads differently.",
                "WHY IT WAS REMOVED": "It said again what the clause before it says."}


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(project / "build.py"), *args], cwd=project,
                          capture_output=True, text=True)


def printed_commands(output: str) -> list[str]:
    """The fixes that are commands: lines starting `python3 build.py`, in the order printed, once each."""
    return list(dict.fromkeys(line.strip() for line in output.splitlines()
                              if line.strip().startswith("python3 build.py")))


def finish_with_printed_commands(project: Path, rounds: int = 5) -> list[str]:
    """Run `check`, then every command it prints, until it passes; the commands run, in order."""
    ran = []
    for _ in range(rounds):
        checked = run(project, "check")
        if checked.returncode == 0:
            return ran
        blocks = re.split(r"\n(?=  \S)", checked.stderr)[1:]  # one per problem (its line, then its Fix)
        assert all(printed_commands(block) for block in blocks), f"a problem without a command:\n{checked.stderr}"
        commands = printed_commands(checked.stderr)
        for command in commands:
            for placeholder, words in EDITOR_WORDS.items():
                command = command.replace(placeholder, words)
            done = subprocess.run(shlex.split(command), cwd=project, capture_output=True, text=True)
            assert done.returncode == 0, f"{command}\n{done.stderr}"
            ran.append(command)
    raise AssertionError(f"check still fails after {rounds} rounds:\n{run(project, 'check').stderr}")


def add_to_screen(text: str, screen: str, last: str, key: str) -> str:
    """Put `key` after `last` in the keys of a screen of rules.yaml, written as a flow list or a block list."""
    start = re.search(rf"^  - id: {re.escape(screen)}\n", text, re.M).end()
    flow = re.compile(rf"(?<![\w-]){re.escape(last)}(\s*)\]")
    block = re.compile(rf"^(\s*)- {re.escape(last)}\n", re.M)
    found = flow.search(text, start)
    if found:
        return text[:found.start()] + f"{last}, {key}" + found.group(1) + "]" + text[found.end():]
    found = block.search(text, start)
    assert found, f"the keys of screen {screen!r} are not written as a list"
    return text[:found.end()] + f"{found.group(1)}- {key}\n" + text[found.end():]


def amend(project: Path) -> tuple[Amendment, list[str]]:
    """An approved amendment: one word of a clause the rules cite. What changed, and the commands run."""
    amendment = amend_cited_clause(project / "policy_source")
    return amendment, finish_with_printed_commands(project)


def test_an_approved_amendment_is_finished_with_the_printed_commands(copy_project) -> None:
    project = as_repository(copy_project())
    amendment, ran = amend(project)
    clause = amendment.clause.id
    assert f'python3 build.py approve --by "SMT" --date "{TODAY}"' in ran
    assert f"python3 build.py review {clause}" in ran
    assert any(command.startswith("python3 build.py note --summary") for command in ran)
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Amend a sentence, as approved")
    built = run(project, "build")
    assert built.returncode == 0, built.stderr
    site = project / "site"
    approved = datetime.date.fromisoformat(TODAY)  # the date given to `approve` (a run may pass midnight)
    date_text = f"{approved:%B} {approved.day}, {approved.year}"
    assert f"approved by SMT on {date_text}" in article_text((site / "index.html").read_text(encoding="utf-8"))
    history = (site / "history" / "index.html").read_text(encoding="utf-8")
    newest, first = history.index(f'id="version-{TODAY}"'), history.index('id="version-')
    assert newest == first, "the new version comes first"
    under_new_version = history[newest:history.index('id="version-', newest + 1)]
    assert f"inserted: </span>{amendment.new}</ins>" in under_new_version, \
        "the amendment sits under the version it made"
    assert f'<del><span class="visually-hidden">deleted: </span>{amendment.old}</del>' in under_new_version
    assert EDITOR_WORDS["WHAT CHANGED FOR STAFF"] in history


def test_renaming_a_published_question_key_is_refused_without_a_command(copy_project) -> None:
    project = copy_project()
    sources = load_sources(project / "policy_source", allow_unreviewed=True)
    key = sources.rules.data["questions"][-1]["key"]
    for path in [project / "policy_source" / "rules.yaml", *(project / "policy_source" / "scenarios").glob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"\b{key}\b", f"{key}_renamed", text), encoding="utf-8")
    checked = run(project, "check")
    assert checked.returncode == 1
    assert f"question '{key}' was published" in checked.stderr
    assert f"did you rename it to '{key}_renamed'?" in checked.stderr and f"put question '{key}' back" in checked.stderr
    # Nothing printed would record the new name for good.
    assert "python3 build.py names" not in printed_commands(checked.stderr)


def withdraw_a_clause(project: Path) -> tuple[str, list[str]]:
    """A clause nothing cites taken out of policy.md and withdrawn. Its id and the commands run."""
    sources = load_sources(project / "policy_source", allow_unreviewed=True)
    used = {c.clause for c in sources.rules.citations} | {t.clause for t in sources.glossary} | {
        c for d in sources.related for c in d.clauses} | {c for w in sources.staff_words for c in w.clauses} | {
        s.clause for s in sources.searches}
    policy = project / "policy_source" / "policy.md"
    lines = policy.read_text(encoding="utf-8").splitlines(keepends=True)
    nested = {c.line for c in one_line_clauses(policy) if c.line < len(lines)  # items nested under it
              and lines[c.line].strip() and indent(lines[c.line]) > indent(lines[c.line - 1])}
    clause = next((c for c in one_line_clauses(policy)
                   if c.id not in used and c.kind != "heading" and c.line not in nested), None)
    if clause is None:
        pytest.skip("every clause written on one line is cited, so none can be withdrawn alone")
    del lines[clause.line - 1]
    policy.write_text("".join(lines), encoding="utf-8")
    return clause.id, finish_with_printed_commands(project)


def test_a_removed_clause_is_withdrawn_and_its_address_still_answers(copy_project) -> None:
    project = as_repository(copy_project())
    policy = project / "policy_source" / "policy.md"
    before = policy.read_text(encoding="utf-8").splitlines(keepends=True)
    clause, ran = withdraw_a_clause(project)
    assert f'python3 build.py withdraw {clause} --reason "{EDITOR_WORDS["WHY IT WAS REMOVED"]}"' in ran
    line = next(i for i, text in enumerate(before) if text.rstrip().endswith(f"{{#{clause}}}"))
    lines = policy.read_text(encoding="utf-8").splitlines(keepends=True)
    # The id can never come back.
    lines.insert(line, f"A new paragraph under an old address. {{#{clause}}}\n")
    policy.write_text("".join(lines), encoding="utf-8")
    reused = run(project, "check")
    assert reused.returncode == 1 and f"clause id '{clause}' was withdrawn" in reused.stderr
    del lines[line]
    policy.write_text("".join(lines), encoding="utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Withdraw a clause")
    built = run(project, "build")
    assert built.returncode == 0, built.stderr
    page = (project / "site" / "policy" / "index.html").read_text(encoding="utf-8")
    anchor = page[page.index(f'id="{clause}"'):]
    anchor = anchor[:anchor.index("</p>")]
    assert "taken out of the policy on" in anchor and EDITOR_WORDS["WHY IT WAS REMOVED"] in anchor
    assert 'href="../history/"' in anchor


def unused(name: str, taken: str) -> str:
    """`name`, or `name` with a number, so that it is not among the names already in `taken`."""
    return next(candidate for candidate in (name, *(f"{name}_{n}" for n in range(2, 99)))
                if not re.search(rf"(?<![\w-]){re.escape(candidate)}(?![\w-])", taken))


def add_a_question(project: Path) -> tuple[str, str]:
    """A yes/no question on a checkbox screen, a rule that reads it, and a situation that shows it.
    Situations that no longer reach a verdict get the new answer, as `check`'s fix says. Returns the
    new question's key and the new rule's id."""
    source = project / "policy_source"
    sources = load_sources(source, allow_unreviewed=True)
    data = sources.rules.data
    checkbox = next(s for s in data["screens"] if s.get("none"))
    clause = data["questions"][0]["clause"]
    rules = source / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    published = (source / "published.yaml").read_text(encoding="utf-8") + text
    key, rule_id = unused("ai_image", published), unused("label-ai-images", published)
    question = (f'  - key: {key}\n    text: Will the post include an image made by AI?\n'
                f'    help: Pictures made by an image generator count.\n'
                f'    statement: The post includes an image made by AI\n    clause: {clause}\n    answers:\n'
                f'      - value: "yes"\n        label: "Yes"\n        because: the post includes an image made by AI\n'
                f'      - value: "no"\n        label: "No"\n        because: no image in the post was made by AI\n\n')
    keys = checkbox["keys"]
    order = [q["key"] for q in data["questions"]]
    after = order[order.index(keys[-1]) + 1] if order.index(keys[-1]) + 1 < len(order) else None
    # Next to the screen's other questions, as check asks.
    text = (text.replace(f"  - key: {after}\n", question + f"  - key: {after}\n", 1) if after
            else text.replace("\nscreens:\n", "\n" + question + "screens:\n", 1))
    text = add_to_screen(text, checkbox["id"], keys[-1], key)
    rule = (f"  - id: {rule_id}\n    title: Say that an image was made by AI\n"
            f"    text: Say in the post that the image was made by AI.\n    clause: {clause}\n"
            f'    when: {{{key}: "yes"}}\n\n')
    first_obligation = data["obligations"][0]["id"]
    text = text.replace(f"  - id: {first_obligation}\n", rule + f"  - id: {first_obligation}\n", 1)
    rules.write_text(text, encoding="utf-8")
    example = next(s for s in sources.situations if s.verdict and "example" in s.publish)
    answers = ", ".join(f'{k}: "{v}"' for k, v in {**example.answers, key: "yes"}.items())
    situation = unused("ai-image-post", "\n".join(s.id for s in sources.situations))
    (source / "scenarios" / f"{situation}.yaml").write_text(
        f"- id: {situation}\n  name: A post with an image made by AI\n  description: >-\n"
        f"    {example.description}\n    The post's picture was made with an image generator.\n"
        f"  publish: [example]\n  answers: {{{answers}}}\n  verdict: {example.verdict}\n"
        f"  present: [{rule_id}]\n", encoding="utf-8")
    # What the editor does for each situation check says still lacks the new answer.
    for _ in range(3):
        checked = run(project, "check")
        missing = re.findall(rf"^  (policy_source/scenarios/[\w-]+\.yaml):(\d+): situation '[\w-]+' .*still asks "
                             rf"{key}\b", checked.stderr, re.M)
        for path, line in sorted(missing, key=lambda m: -int(m[1])):
            lines = (project / path).read_text(encoding="utf-8").splitlines(keepends=True)
            at = next(i for i in range(int(line) - 1, len(lines)) if "answers: {" in lines[i])
            lines[at] = lines[at].replace("answers: {", f'answers: {{{key}: "no", ', 1)
            (project / path).write_text("".join(lines), encoding="utf-8")
        if not missing:
            break
    finish_with_printed_commands(project)
    return key, rule_id


def test_a_new_question_rule_and_situation_are_finished_with_the_fixes_check_prints(copy_project) -> None:
    project = copy_project()
    key, rule_id = add_a_question(project)
    published = (project / "policy_source" / "published.yaml").read_text(encoding="utf-8")
    assert key in published and rule_id in published
    assert f"`{key}`" in (project / "README.md").read_text(encoding="utf-8")


def test_after_the_teams_changes_every_test_but_the_browsers_passes_in_the_changed_copy(copy_project) -> None:
    """One gate: changes finished with only what `check` prints pass the rest of the suite too. (The
    browser tests draw their situations from the sources in the same way; they are left out here only
    for time.)"""
    project = as_repository(copy_project())
    for change, message in ((amend, "Amend a sentence, as approved"), (withdraw_a_clause, "Withdraw a clause"),
                            (add_a_question, "Ask whether an image was made by AI")):
        change(project)
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", message)
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "not browser", "-p", "no:cacheprovider",
                            "--ignore", "tests/test_team_changes.py"], cwd=project, capture_output=True, text=True)
    assert suite.returncode == 0, suite.stdout[-6000:]
