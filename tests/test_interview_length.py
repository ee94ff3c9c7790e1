"""How many screens a reader goes through: held to the limits in rules.yaml, and reported.

The limits and their reasons are the communications team's (`limits:` in rules.yaml); `check` holds
the rules to them. These tests prove that it does, whatever the rules say.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from sitegen.source.errors import SourceError
from sitegen.source.interview_limits import LEAST, LIMITS, counts, interview_length
from sitegen.source.sources import SOURCE_DIR, load_sources
from wizard import Engine
from wizard.graph import complete_steps
from wizard.screens import screens_to_result


def test_the_situations_keep_within_the_limits_in_the_rules() -> None:
    sources = load_sources(allow_unreviewed=True)
    limits = yaml.safe_load((SOURCE_DIR / "rules.yaml").read_text(encoding="utf-8"))["limits"]
    assert set(limits) <= set(LIMITS) | set(LEAST)
    length = interview_length(sources.rules.data, sources.situations)
    figures = length.figures()
    print(f"\n{len(length.screens)} situations answered screen by screen ({len(length.as_links)} only as links): "
          + ", ".join(f"{name} {figures[name]:g} (limit {limits[name]})" for name in limits if name in LIMITS))
    assert length.screens, "no situation can be answered screen by screen"
    for name, limit in limits.items():
        if name in LIMITS:
            assert figures[name] <= limit, name
        else:
            assert counts(sources.situations)[name] >= limit, name


@pytest.mark.parametrize("name", list(LEAST))
def test_fewer_situations_than_a_limit_fails_check_naming_the_line_and_the_fix(tmp_path: Path, name: str) -> None:
    copy = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, copy)
    rules = copy / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    now = counts(load_sources(copy, allow_unreviewed=True).situations)[name]
    text = re.sub(rf"(\n  {name}: *)\d+", rf"\g<1>{now + 1}", text) if f"\n  {name}:" in text else \
        text.replace("\nlimits:\n", f"\nlimits:\n  {name}: {now + 1}\n")
    rules.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as error:
        load_sources(copy, allow_unreviewed=True)
    line = text[: text.index(f"\n  {name}:")].count("\n") + 2
    assert f"rules.yaml:{line}: {LEAST[name][0]} is {now}, fewer than the limit {now + 1}" in str(error.value)
    assert f"lower '{name}' and say why" in str(error.value)


def test_a_limit_the_situations_exceed_fails_check_naming_the_line_and_the_fix(tmp_path: Path) -> None:
    copy = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, copy)
    rules = copy / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(re.sub(r"(\n  most_screens: )\d+", r"\g<1>1", text), encoding="utf-8")
    with pytest.raises(SourceError) as error:
        load_sources(copy, allow_unreviewed=True)
    line = text[: text.index("\n  most_screens:")].count("\n") + 2
    assert f"rules.yaml:{line}: the situations now take longer than the limit" in str(error.value)
    assert "raise 'most_screens' and say why" in str(error.value)


def test_every_complete_path_is_counted_the_way_a_reader_goes_through_it(engine: Engine) -> None:
    """Over every complete interview path, the screens counted never exceed the questions answered."""
    for step in complete_steps(engine):
        screens = screens_to_result(engine, step.answered)
        assert screens is not None and 1 <= screens <= len(step.answered), step.answered


def test_once_not_allowed_is_settled_nothing_more_is_asked(engine: Engine) -> None:
    strictest = engine.rules.verdicts[-1].id
    for step in complete_steps(engine):
        if engine.outcome(step).verdict != strictest:
            continue
        path = dict(step.answered)
        last = list(path)[-1]
        before = engine.evaluate({k: v for k, v in path.items() if k != last})
        assert before.verdict is None and before.next == last  # the last answer is the one that settled it
