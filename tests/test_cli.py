"""The command line: `python3 -m wizard`, as a person or a script would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOGGER = ["capacity=business", "city_equipment=no", "approved_rep=yes", "student=no", "discloses_personal_info=no",
           "new_tool=no", "new_campaign=no", "external_discussion=yes", "restricted_community=no", "privacy_breach=no"]


def wizard(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


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
    ids = {o["id"] for o in result["obligations"]}
    assert {"treat-as-media-request", "identify-yourself", "breach-consequences"} <= ids
    for item in result["obligations"] + result["unclear"]:
        assert {"id", "text", "clause"} <= item.keys()
        assert item["url"].endswith(f"/policy/#{item['clause']}")
    assert [u["id"] for u in result["unclear"]] == ["training-where-necessary"]


def test_json_for_partial_answers_names_the_next_question() -> None:
    result = json.loads(wizard("evaluate", "capacity=personal", "--json").stdout)
    assert result["verdict"] is None
    assert result["next"] == "identifies_city"
    assert "personal-use-not-restricted" in {o["id"] for o in result["obligations"]}


def test_json_reports_ignored_answers() -> None:
    result = json.loads(wizard("evaluate", *BLOGGER, "speaks_for_city=yes", "--json").stdout)
    assert result["ignored"] == ["speaks_for_city"]
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


def test_readable_output_shows_verdict_clauses_and_reasons() -> None:
    done = wizard("evaluate", *BLOGGER)
    assert done.returncode == 0
    assert "Verdict: APPROVAL REQUIRED" in done.stdout
    assert "/policy/#scope-external-discussions" in done.stdout
    text = " ".join(done.stdout.split())  # the terminal output is wrapped
    assert "Because you are posting for City business; you will comment for the City in an external online " \
           "discussion." in text
    assert "Not settled by the policy" in done.stdout


def test_interactive_interview_through_stdin() -> None:
    # personal, identifies no, City equipment yes, not for the City, no disclosures, open place, no breach
    done = wizard(stdin="1\n2\n1\n2\n2\n2\n2\n2\n2\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Question 1: In what capacity will you post?" in done.stdout
    assert "1) Personally, on my own time and with my own views" in done.stdout
    assert "Verdict: ALLOWED" in done.stdout
    assert "Because you will post using City equipment or network resources." in " ".join(done.stdout.split())


def test_interactive_back_and_invalid_input() -> None:
    # business, then back to change it to personal; "7" and "maybe" are not choices
    done = wizard(stdin="2\nb\n7\nmaybe\n1\n1\n2\n2\n2\n2\n2\n2\n")
    assert done.returncode == 0, done.stdout
    assert done.stdout.count("Please type a number from 1 to 3") == 2
    assert "Verdict: ALLOWED" in done.stdout
    assert "The policy does not restrict personal use." in done.stdout


def test_interactive_end_of_input_quits_cleanly() -> None:
    done = wizard(stdin="1\n")
    assert done.returncode == 1
    assert "Interview ended; nothing was saved." in done.stdout


def test_help_explains_both_modes() -> None:
    done = wizard("--help")
    assert done.returncode == 0
    assert "an interview, one question at a time" in done.stdout
    assert "evaluate" in done.stdout and "--json" in wizard("evaluate", "--help").stdout


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
