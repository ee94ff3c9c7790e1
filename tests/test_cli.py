"""The command line: `python3 -m wizard`, as a person or a script would run it.

Every example (answers, ids, texts, clause lines) is drawn from policy_source/ through
tests/from_policy.py, and the command line is held to what the engine and the sources say.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import from_policy
from tests.from_policy import example, first_question, result, values
from tests.from_policy import keys as question_keys

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "SITE_URL"}


def args(answers: dict[str, str]) -> list[str]:
    return [f"{key}={value}" for key, value in answers.items()]


def any_answer() -> str:
    return f"{first_question()}={values(first_question())[0]}"


def needs_approval() -> dict[str, str]:
    """A whole interview whose result stops on a rule that names whom to ask and has no notes."""
    return example("approval-required", lambda r: bool(r.decisive) and not r.unclear, "on a rule alone")


def wizard(*args: str, stdin: str | None = None, cwd: Path = ROOT, env: dict | None = None
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120, env=env or ENV)


@pytest.fixture(scope="module", autouse=True)
def compiled_rules() -> None:
    """Compile once up front, so each test measures the wizard and not the first compile."""
    assert wizard("questions").returncode == 0


def test_json_for_a_complete_set_of_answers() -> None:
    answers = needs_approval()
    expected = result(answers)
    done = wizard("evaluate", *args(answers), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert (found["verdict"], found["next"], found["ignored"]) == (expected.verdict, None, expected.ignored)
    assert found["decisive"] == expected.decisive and found["decisive"]
    assert [o["id"] for o in found["obligations"]] == [o.id for o in expected.obligations]
    assert found["unclear"] == []
    for item in found["obligations"]:
        source = from_policy.obligation(item["id"])
        assert {"id", "text", "clause", "url", "because", "verdict", "ask", "standing"} <= item.keys()
        assert (item["text"], item["clause"]) == (source["text"], source["clause"])
        assert item["url"] == f"policy/#{item['clause']}"  # no site address given: relative to the site
        assert all({"key", "value", "because"} <= reason.keys() for reason in item["because"])
    for identifier in found["decisive"]:
        item = next(o for o in found["obligations"] if o["id"] == identifier)
        assert item["verdict"] == "approval-required"
        assert item["ask"] == from_policy.obligation(identifier)["ask"]


def test_json_for_an_ask_first_result_names_whom_to_ask() -> None:
    answers = example("ask-first", lambda r: bool(r.unclear), "with a note")
    found = json.loads(wizard("evaluate", *args(answers), "--json").stdout)
    assert found["verdict"] == "ask-first"
    assert [u["id"] for u in found["unclear"]] == [u.id for u in result(answers).unclear]
    for note in found["unclear"]:
        assert note["verdict"] == "ask-first"
        assert note["ask"] == from_policy.obligation(note["id"])["ask"]


def test_json_urls_use_the_site_address_when_given() -> None:
    answers = needs_approval()
    done = wizard("--site-url", "https://intranet.example/policy-site", "evaluate", *args(answers), "--json")
    obligations = json.loads(done.stdout)["obligations"]
    assert obligations
    assert {o["url"] for o in obligations} == {f"https://intranet.example/policy-site/policy/#{o['clause']}"
                                               for o in obligations}


def test_json_for_partial_answers_names_the_next_question() -> None:
    answers = from_policy.partial(lambda r: bool(r.obligations), "with an obligation already")
    expected = result(answers)
    found = json.loads(wizard("evaluate", *args(answers), "--json").stdout)
    assert found["verdict"] is None
    assert found["next"] == expected.next and found["next"] not in answers
    assert {o["id"] for o in found["obligations"]} == {o.id for o in expected.obligations}


def test_json_reports_ignored_answers() -> None:
    answers = needs_approval()
    unasked = [key for key in question_keys() if key not in answers]
    assert unasked, "every question was asked: nothing is left to ignore"
    extra = {key: values(key)[0] for key in unasked}
    found = json.loads(wizard("evaluate", *args(answers), *args(extra), "--json").stdout)
    assert found["ignored"] == [key for key in result({**answers, **extra}).ignored]
    assert set(found["ignored"]) >= set(extra) - set(result(answers).answers)
    assert found["verdict"] == result(answers).verdict


def test_unknown_key_exits_2_naming_the_valid_keys() -> None:
    done = wizard("evaluate", any_answer(), "not_a_question=yes")
    assert done.returncode == 2
    assert "Unknown question key 'not_a_question'" in done.stderr
    assert all(key in done.stderr for key in question_keys())


def test_unknown_value_exits_2_naming_the_valid_values() -> None:
    key = first_question()
    done = wizard("evaluate", f"{key}=not-an-answer", "--json")
    assert done.returncode == 2
    assert f"'not-an-answer' is not an answer to '{key}'" in done.stderr
    assert ", ".join(values(key)) in done.stderr
    assert done.stdout == ""


def test_a_malformed_answer_exits_2() -> None:
    done = wizard("evaluate", first_question())
    assert done.returncode == 2
    assert "write key=value" in done.stderr


def policy_line(clause: str) -> int:
    """The line of policy.md that carries the clause's anchor, found here and not by the code under test."""
    lines = (ROOT / "policy_source" / "policy.md").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if "{#" + clause + "}" in line)


def flat(text: str) -> str:
    return " ".join(text.split())  # the terminal output is wrapped


def test_readable_output_puts_what_to_do_next_first_and_cites_the_policy_source() -> None:
    answers = example("approval-required", lambda r: bool(r.decisive) and not r.unclear and any(
        o.id not in r.decisive and not o.standing for o in r.obligations), "on a rule alone, with duties")
    expected = result(answers)
    verdict = next(v for v in from_policy.rules()["verdicts"] if v["id"] == "approval-required")
    done = wizard("evaluate", *args(answers))
    assert done.returncode == 0
    assert done.stdout.startswith(f"Verdict: {verdict['label'].upper()} (approval-required)")
    text = flat(done.stdout)
    assert text.index("What to do next:") < text.index(f"[{verdict['badge']}]") < text.index("What applies:")
    decisive = next(o for o in expected.obligations if o.id in expected.decisive)
    assert flat(f"Ask: {decisive.ask}.") in text
    assert flat("Because " + "; ".join(r.because for r in decisive.because) + ".") in text
    for item in expected.obligations:
        if not item.standing:
            assert flat(f"From the policy: {item.clause_label} (policy_source/policy.md, line "
                        f"{policy_line(item.clause)})") in text
    assert "127.0.0.1" not in text and "http" not in text  # usable with no preview server running
    assert ("Always remember:" in text) == any(o.standing for o in expected.obligations)


def test_a_not_allowed_result_lists_no_duties_for_the_post_it_forbids() -> None:
    answers = example("not-allowed", lambda r: any(o.id not in r.decisive and not o.standing
                                                   for o in r.obligations), "with other duties")
    expected = result(answers)
    text = flat(wizard("evaluate", *args(answers)).stdout)
    badge = next(v["badge"] for v in from_policy.rules()["verdicts"] if v["id"] == "not-allowed")
    assert f"Verdict: {from_policy.verdict_label('not-allowed').upper()}" in text and f"[{badge}]" in text
    assert "What applies:" not in text
    for item in expected.obligations:
        if item.id not in expected.decisive and not item.standing:
            assert flat(item.text) not in text, item.id


def test_evaluate_help_lists_the_keys_and_their_values() -> None:
    done = wizard("evaluate", "--help")
    assert done.returncode == 0
    for question in from_policy.rules()["questions"]:
        listed = f"{question['key']}={'|'.join(values(question['key']))}"
        assert re.search(re.escape(listed) + (r" \(no longer asked" if question.get("retired") else r"(?! \()"),
                         done.stdout), listed
    assert ", ".join(v["id"] for v in from_policy.rules()["verdicts"]) in done.stdout


# -- the interview ------------------------------------------------------------------------------

def replies(answers: dict[str, str]) -> str:
    """What a reader types to give these answers: the number of each choice, in the order asked."""
    return "".join(f"{values(key).index(value) + 1}\n" for key, value in from_policy.asked(answers))


def allowed() -> dict[str, str]:
    return example("allowed", lambda r: any(o.because for o in r.obligations), "for a stated reason")


def test_interactive_interview_through_stdin() -> None:
    answers = allowed()
    done = wizard(stdin=replies(answers))
    assert done.returncode == 0, done.stdout + done.stderr
    first = from_policy.question(first_question())
    assert f"Question 1: {first['text']}" in done.stdout
    assert f"1) {first['answers'][0]['label']}" in done.stdout
    assert f"Verdict: {from_policy.verdict_label('allowed').upper()}" in done.stdout
    reasoned = next(o for o in result(answers).obligations if o.because)
    assert flat("Because " + "; ".join(r.because for r in reasoned.because) + ".") in flat(done.stdout)


def test_interactive_back_and_invalid_input() -> None:
    # the second answer, then back; a number past the last choice, a word and a superscript two are not choices
    choices = len(values(first_question()))
    done = wizard(stdin=f"2\nb\n{choices + 1}\nmaybe\n²\n" + replies(allowed()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(f"Please type a number from 1 to {choices}") == 3
    assert "Traceback" not in done.stderr
    assert f"Verdict: {from_policy.verdict_label('allowed').upper()}" in done.stdout


@pytest.mark.parametrize("reply", ["²", "٣", "１", "-1", "0", "1.0", " "])
def test_interactive_replies_that_are_not_choices_never_crash(reply: str) -> None:
    done = wizard(stdin=f"{reply}\n")
    assert "Traceback" not in done.stderr
    assert f"Please type a number from 1 to {len(values(first_question()))}" in done.stdout
    assert done.returncode == 1  # end of input after the bad reply: the interview ends cleanly


def test_interactive_end_of_input_quits_cleanly() -> None:
    done = wizard(stdin="1\n")
    assert done.returncode == 1
    assert "Interview ended; nothing was saved." in done.stdout


def test_ctrl_c_exits_130_with_one_short_line() -> None:
    # Restore the default SIGINT handling a background shell may have switched off (see CONTRIBUTING).
    process = subprocess.Popen([sys.executable, "-m", "wizard"], cwd=ROOT, env=ENV, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None
    while "Question 1" not in process.stdout.readline():
        pass
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip() == "Interrupted; nothing was saved."


def test_help_explains_both_modes() -> None:
    done = wizard("--help")
    assert done.returncode == 0
    assert "an interview, one question at a time" in done.stdout
    assert "evaluate" in done.stdout and "--json" in wizard("evaluate", "--help").stdout


# -- rules files --------------------------------------------------------------------------------

def test_a_rules_file_that_is_not_json_exits_2_naming_the_problem() -> None:
    done = wizard("--rules", "policy_source/rules.yaml", "evaluate", any_answer())
    assert done.returncode == 2
    assert "policy_source/rules.yaml is not a JSON file" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("content", ["{}", "[]", '{"questions": [], "verdicts": [], "obligations": []}',
                                     '{"questions": [{"key": "x"}], "verdicts": [], "obligations": []}'])
def test_a_json_file_that_is_not_compiled_rules_exits_2(tmp_path: Path, content: str) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(content)
    done = wizard("--rules", str(rules), "evaluate", any_answer())
    assert done.returncode == 2, done.stderr
    assert str(rules) in done.stderr and "compiled rules" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_rules_file_exits_2(tmp_path: Path) -> None:
    done = wizard("--rules", str(tmp_path / "nowhere.json"), "questions")
    assert done.returncode == 2
    assert f"There is no rules file at {tmp_path / 'nowhere.json'}" in done.stderr


def test_help_still_works_when_the_rules_cannot_be_read(tmp_path: Path) -> None:
    done = wizard("--rules", str(tmp_path / "nowhere.json"), "evaluate", "--help")
    assert done.returncode == 0
    assert "the keys cannot be listed" in done.stdout


def test_compiled_rules_from_build_py_rules_work_anywhere(tmp_path: Path) -> None:
    output = tmp_path / "rules.json"
    subprocess.run([sys.executable, str(ROOT / "build.py"), "rules", "--output", str(output)], check=True,
                   capture_output=True)
    answers = needs_approval()
    done = wizard("--rules", str(output), "evaluate", *args(answers), "--json", cwd=tmp_path,
                  env={**ENV, "PYTHONPATH": str(ROOT)})
    assert json.loads(done.stdout)["verdict"] == "approval-required"


def mark_text(rules: Path, identifier: str, mark: str) -> None:
    """Put `mark` at the start of an obligation's text in rules.yaml, however its text is written."""
    lines = rules.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"\s*- id: {re.escape(identifier)}\s*", line))
    at = next(i for i in range(start + 1, len(lines)) if re.match(r"\s+text:", lines[i]))
    found = re.match(r"(\s+text:\s*)([>|][-+]?\s*$)?([\"']?)", lines[at])
    assert found is not None
    if found.group(2):  # a folded or literal block: the text starts on the next line
        at += 1
        found = re.match(r"(\s*)()()", lines[at])
        assert found is not None
    lines[at] = lines[at][: found.end()] + mark + " " + lines[at][found.end():]
    rules.write_text("".join(lines), encoding="utf-8")


def test_rules_are_recompiled_when_policy_source_changes(copy_project) -> None:
    project = copy_project()
    answers = from_policy.partial(lambda r: bool(r.obligations), "with an obligation already")
    run = lambda: subprocess.run([sys.executable, "-m", "wizard", "evaluate", *args(answers), "--json"],  # noqa: E731
                                 cwd=project, capture_output=True, text=True)
    first = run()
    assert "Compiling the rules" in first.stderr and first.returncode == 0
    assert "Compiling the rules" not in run().stderr
    identifier = json.loads(first.stdout)["obligations"][0]["id"]
    mark_text(project / "policy_source" / "rules.yaml", identifier, "Edited")
    again = run()
    assert "Compiling the rules" in again.stderr
    edited = next(o for o in json.loads(again.stdout)["obligations"] if o["id"] == identifier)
    assert edited["text"] == "Edited " + from_policy.obligation(identifier)["text"]


def test_broken_rules_source_exits_2_with_file_and_line(copy_project) -> None:
    project = copy_project()
    rules = project / "policy_source" / "rules.yaml"
    text, count = re.subn(r"^(\s+verdict: )[a-z-]+$", r"\1forbidden", rules.read_text(), count=1, flags=re.M)
    assert count == 1, "no obligation in rules.yaml sets a verdict"
    rules.write_text(text)
    done = subprocess.run([sys.executable, "-m", "wizard", "questions"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 2
    assert "policy_source/rules.yaml:" in done.stderr and "unknown verdict 'forbidden'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_fresh_clone_needs_only_python(tmp_path: Path) -> None:
    """No Node, no npm, no virtual environment, no pip: PyYAML (in this Python) is all it uses."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    shutil.copytree(ROOT / "policy_source", clone / "policy_source", dirs_exist_ok=True)  # committed or not
    for path in (ROOT / "wizard").glob("*.py"):
        (clone / "wizard" / path.name).write_bytes(path.read_bytes())
    for path in (ROOT / "sitegen").rglob("*.py"):  # committed or not, as the working tree has them
        target = clone / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    bare_path = tmp_path / "bin"  # a PATH with Python and git only: no node, no npm
    bare_path.mkdir()
    (bare_path / "python3").symlink_to(sys.executable)
    env = {"PATH": str(bare_path), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = wizard("evaluate", *args(needs_approval()), "--json", cwd=clone, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "approval-required"
    assert not (clone / ".venv").exists() and not (clone / "node_modules").exists()
    assert {p.name for p in clone.iterdir()} - {p.name for p in ROOT.iterdir()} == set()
    interview = wizard(stdin=replies(allowed()), cwd=clone, env=env)
    assert f"Verdict: {from_policy.verdict_label('allowed').upper()}" in interview.stdout
