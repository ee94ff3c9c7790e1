"""The command line: `python3 -m wizard`, as a person or a script would run it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOGGER = ["capacity=business", "discloses_personal_info=no", "harmful_content=no", "uses_others_work=no",
           "approved_rep=yes", "student=no", "new_tool=no", "new_campaign=no", "external_discussion=yes",
           "city_equipment=no", "restricted_community=no"]
ENV = {k: v for k, v in os.environ.items() if k != "SITE_URL"}


def wizard(*args: str, stdin: str | None = None, cwd: Path = ROOT, env: dict | None = None
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120, env=env or ENV)


@pytest.fixture(scope="module", autouse=True)
def compiled_rules() -> None:
    """Compile once up front, so each test measures the wizard and not the first compile."""
    assert wizard("questions").returncode == 0


def test_json_for_a_complete_set_of_answers() -> None:
    done = wizard("evaluate", *BLOGGER, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["verdict"] == "approval-required"
    assert result["next"] is None
    assert result["ignored"] == []
    assert result["decisive"] == ["treat-as-media-request"]
    ids = {o["id"]: o for o in result["obligations"]}
    assert {"treat-as-media-request", "identify-yourself", "breach-consequences"} <= ids.keys()
    assert "Media Relations Policy" in ids["treat-as-media-request"]["ask"]
    for item in result["obligations"] + result["unclear"]:
        assert {"id", "text", "clause", "url", "because", "verdict", "ask"} <= item.keys()
        assert item["url"] == f"policy/#{item['clause']}"  # no site address given: relative to the site
    assert result["unclear"] == []  # an approved representative needs no training note (version 2)


def test_json_for_an_ask_first_result_names_whom_to_ask() -> None:
    done = wizard("evaluate", "capacity=personal", "speaks_for_city=no", "discloses_city_business=unsure",
                  "discloses_third_party=no", "discloses_personal_info=no", "harmful_content=no",
                  "uses_others_work=no", "identifies_city=yes", "restricted_community=no", "--json")
    result = json.loads(done.stdout)
    assert result["verdict"] == "ask-first"
    assert [(u["id"], u["verdict"]) for u in result["unclear"]] == [("city-business-meaning", "ask-first")]
    assert "Communications or Public Affairs Officer" in result["unclear"][0]["ask"]


def test_json_urls_use_the_site_address_when_given() -> None:
    done = wizard("--site-url", "https://intranet.example/policy-site", "evaluate", *BLOGGER, "--json")
    urls = {o["url"] for o in json.loads(done.stdout)["obligations"]}
    assert "https://intranet.example/policy-site/policy/#scope-external-discussions" in urls


def test_json_for_partial_answers_names_the_next_question() -> None:
    result = json.loads(wizard("evaluate", "capacity=personal", "--json").stdout)
    assert result["verdict"] is None
    assert result["next"] == "discloses_city_business"
    assert "personal-use-not-restricted" in {o["id"] for o in result["obligations"]}


def test_json_reports_ignored_answers() -> None:
    result = json.loads(wizard("evaluate", *BLOGGER, "speaks_for_city=no", "privacy_breach=yes", "--json").stdout)
    assert result["ignored"] == ["speaks_for_city", "privacy_breach"]
    assert result["verdict"] == "approval-required"


def test_unknown_key_exits_2_naming_the_valid_keys() -> None:
    done = wizard("evaluate", "capacity=personal", "equipment=yes")
    assert done.returncode == 2
    assert "Unknown question key 'equipment'" in done.stderr
    assert "city_equipment" in done.stderr and "privacy_breach" in done.stderr


def test_unknown_value_exits_2_naming_the_valid_values() -> None:
    done = wizard("evaluate", "capacity=volunteer", "--json")
    assert done.returncode == 2
    assert "'volunteer' is not an answer to 'capacity'" in done.stderr
    assert "personal, business, peers" in done.stderr
    assert done.stdout == ""


def test_a_malformed_answer_exits_2() -> None:
    done = wizard("evaluate", "capacity")
    assert done.returncode == 2
    assert "write key=value" in done.stderr


def test_readable_output_puts_what_to_do_next_first_and_cites_the_policy_source() -> None:
    done = wizard("evaluate", *BLOGGER)
    assert done.returncode == 0
    assert done.stdout.startswith("Verdict: APPROVAL REQUIRED")
    text = " ".join(done.stdout.split())  # the terminal output is wrapped
    assert text.index("What to do next:") < text.index("[Needs approval first]") < text.index("What applies:")
    assert "Ask: your Communications or Public Affairs Officer, as the Media Relations Policy sets out." in text
    assert "Because you will comment for the City in an external online discussion" in text
    assert "From the policy: Scope, paragraph 4 (policy_source/policy.md, line " in text
    assert "127.0.0.1" not in text and "http" not in text  # usable with no preview server running
    assert "Always remember:" in text


def test_a_not_allowed_result_lists_no_duties_for_the_post_it_forbids() -> None:
    done = wizard("evaluate", "capacity=business", "discloses_personal_info=no", "approved_rep=no", "student=yes")
    text = " ".join(done.stdout.split())
    assert "Verdict: NOT ALLOWED" in text and "[Stops this post]" in text
    assert "What applies:" not in text and "Clearly identify yourself" not in text


def test_evaluate_help_lists_the_keys_and_their_values() -> None:
    done = wizard("evaluate", "--help")
    assert done.returncode == 0
    assert "approved_rep=yes|no|unsure" in done.stdout
    assert "privacy_breach=yes|no (no longer asked" in done.stdout
    assert "allowed, ask-first, approval-required, not-allowed" in done.stdout


# -- the interview ------------------------------------------------------------------------------

# A weekend post: myself, no City business, contractor or personal information, nothing harmful,
# no one else's work, not for the City, profile does not name the City, own phone, open place.
WEEKEND = "1\n" + "2\n" * 9


def test_interactive_interview_through_stdin() -> None:
    done = wizard(stdin=WEEKEND)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Question 1: Who is this post for?" in done.stdout
    assert "1) Myself: my own post, comment or profile" in done.stdout
    assert "Verdict: ALLOWED" in done.stdout
    assert "Because the post is your own (personal use)." in " ".join(done.stdout.split())


def test_interactive_back_and_invalid_input() -> None:
    # business, then back to change it to personal; "7", "maybe" and a superscript two are not choices
    done = wizard(stdin="2\nb\n7\nmaybe\n²\n" + WEEKEND)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("Please type a number from 1 to 3") == 3
    assert "Traceback" not in done.stderr
    assert "Verdict: ALLOWED" in done.stdout


@pytest.mark.parametrize("reply", ["²", "٣", "１", "-1", "0", "1.0", " "])
def test_interactive_replies_that_are_not_choices_never_crash(reply: str) -> None:
    done = wizard(stdin=f"{reply}\n")
    assert "Traceback" not in done.stderr
    assert "Please type a number from 1 to 3" in done.stdout
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
    done = wizard("--rules", "policy_source/rules.yaml", "evaluate", "capacity=personal")
    assert done.returncode == 2
    assert "policy_source/rules.yaml is not a JSON file" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("content", ["{}", "[]", '{"questions": [], "verdicts": [], "obligations": []}',
                                     '{"questions": [{"key": "x"}], "verdicts": [], "obligations": []}'])
def test_a_json_file_that_is_not_compiled_rules_exits_2(tmp_path: Path, content: str) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(content)
    done = wizard("--rules", str(rules), "evaluate", "capacity=personal")
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
    done = wizard("--rules", str(output), "evaluate", *BLOGGER, "--json", cwd=tmp_path,
                  env={**ENV, "PYTHONPATH": str(ROOT)})
    assert json.loads(done.stdout)["verdict"] == "approval-required"


def test_rules_are_recompiled_when_policy_source_changes(copy_project) -> None:
    project = copy_project()
    run = lambda: subprocess.run([sys.executable, "-m", "wizard", "evaluate", "capacity=peers", "--json"],  # noqa: E731
                                 cwd=project, capture_output=True, text=True)
    first = run()
    assert "Compiling the rules" in first.stderr and first.returncode == 0
    assert "Compiling the rules" not in run().stderr
    rules = project / "policy_source" / "rules.yaml"
    rules.write_text(rules.read_text().replace("peers rather than the general public.", "peers, not the public."))
    again = run()
    assert "Compiling the rules" in again.stderr
    assert "peers, not the public." in again.stdout


def test_broken_rules_source_exits_2_with_file_and_line(copy_project) -> None:
    project = copy_project()
    rules = project / "policy_source" / "rules.yaml"
    rules.write_text(rules.read_text().replace("verdict: not-allowed\n    ask:", "verdict: forbidden\n    ask:", 1))
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
    done = wizard("evaluate", *BLOGGER, "--json", cwd=clone, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "approval-required"
    assert not (clone / ".venv").exists() and not (clone / "node_modules").exists()
    assert {p.name for p in clone.iterdir()} - {p.name for p in ROOT.iterdir()} == set()
    interview = wizard(stdin=WEEKEND, cwd=clone, env=env)
    assert "Verdict: ALLOWED" in interview.stdout
