"""The public vocabulary is a contract: URLs, saved results, tests and the CLI use these exact names.

The names are recorded, append-only, in `policy_source/published.yaml` (`python3 build.py names`);
`check` refuses a change that drops one. These tests hold the engine and the README to that record,
whatever the names are, so a change confined to `policy_source/` never needs a test edited here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from sitegen.publishing.vocabulary import readme_problems, write_readme
from sitegen.source.errors import SourceError
from sitegen.source.sources import SOURCE_DIR, load_sources
from wizard import Engine

ROOT = Path(__file__).resolve().parent.parent
RECORD = yaml.safe_load((SOURCE_DIR / "published.yaml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_published_question_and_answer_is_still_understood(engine: Engine) -> None:
    for key, values in RECORD["questions"].items():
        assert key in engine.values_of, key
        assert set(values) <= set(engine.values_of[key]), key


def test_every_published_id_is_still_in_the_rules(engine: Engine) -> None:
    assert set(RECORD["obligations"]) <= {o.id for o in engine.rules.obligations}
    assert set(RECORD["unclear"]) <= {u.id for u in engine.rules.unclear}
    assert [v.id for v in engine.rules.verdicts][: len(RECORD["verdicts"])] == RECORD["verdicts"]


def test_the_readme_documents_every_published_name() -> None:
    documented = set(re.findall(r"`([a-z0-9_-]+)`", README))
    names = [*RECORD["questions"], *(v for values in RECORD["questions"].values() for v in values),
             *RECORD["verdicts"], *RECORD["obligations"], *RECORD["unclear"]]
    assert sorted(set(names) - documented) == []


def test_retired_questions_stay_valid_but_are_never_asked(engine: Engine) -> None:
    retired = [q for q in engine.rules.questions if q.retired]
    for question in retired:
        result = engine.evaluate({question.key: question.values[0]})
        assert question.key in result.ignored
    assert not any(q.key in p for q in retired for p in [engine.root.order])


def test_every_obligation_that_stops_or_delays_a_post_names_whom_to_ask(engine: Engine) -> None:
    least = engine.rules.verdicts[0].id
    for obligation in engine.rules.obligations:
        assert obligation.verdict == least or obligation.ask, obligation.id
    assert all(note.ask for note in engine.rules.unclear)


@pytest.fixture()
def sources_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, copy)
    return copy


def _problems(source_dir: Path) -> str:
    with pytest.raises(SourceError) as error:
        load_sources(source_dir, allow_unreviewed=True)
    return str(error.value)


def test_renaming_a_published_question_key_fails_check_with_a_fix(sources_copy: Path) -> None:
    rules = sources_copy / "rules.yaml"
    key = RECORD["questions"].__iter__().__next__()
    text = rules.read_text(encoding="utf-8")
    rules.write_text(re.sub(rf"\b{key}\b", f"{key}_renamed", text), encoding="utf-8")
    problems = _problems(sources_copy)
    assert f"question '{key}' was published" in problems
    assert "did you rename it to" in problems and "retired" in problems


def test_removing_a_published_answer_value_fails_check(sources_copy: Path) -> None:
    key, values = next(iter(RECORD["questions"].items()))
    value = str(values[-1])
    rules = sources_copy / "rules.yaml"
    lines = rules.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- key: {key}")
    answer = re.compile(rf'- value: "?{re.escape(value)}"?')
    at = next(i for i in range(start, len(lines)) if answer.fullmatch(lines[i].strip()))
    indent = len(lines[at]) - len(lines[at].lstrip())
    end = next(i for i in range(at + 1, len(lines))  # up to the next answer, or the end of the question
               if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= indent)
    del lines[at:end]
    rules.write_text("".join(lines), encoding="utf-8")
    assert f"answer '{value}' of question '{key}' was published" in _problems(sources_copy)


def test_a_new_name_must_be_recorded_and_the_fix_is_a_command(sources_copy: Path) -> None:
    record = sources_copy / "published.yaml"
    first = RECORD["obligations"][0]
    record.write_text(record.read_text(encoding="utf-8").replace(f"  - {first}\n", ""), encoding="utf-8")
    problems = _problems(sources_copy)
    assert "not yet recorded as published" in problems and first in problems
    assert "run:\n      python3 build.py names" in problems


def test_the_readmes_table_is_written_from_the_rules_and_check_says_when_it_is_behind(copy_project) -> None:
    """A name the team publishes is documented by the command that records it: `check` names it."""
    project = copy_project()
    readme = project / "README.md"
    rules = load_sources(project / "policy_source", allow_unreviewed=True).rules.data
    assert readme_problems(rules, readme) == []
    changed = {**rules, "obligations": [*rules["obligations"], {**rules["obligations"][0], "id": "a-new-duty"}]}
    [problem] = readme_problems(changed, readme)
    assert "python3 build.py names" in problem.fix
    assert write_readme(changed, readme) and readme_problems(changed, readme) == []
    assert "`a-new-duty`" in readme.read_text(encoding="utf-8")
