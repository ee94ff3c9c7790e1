"""The situations the comms team owns: one source for the scenario tests, worked examples and self-check."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen.source.errors import SourceError
from sitegen.source.situations import Situation
from sitegen.source.sources import SOURCE_DIR, load_sources
from tests.html_text import read_html

VERDICTS = {"allowed", "ask-first", "approval-required", "not-allowed"}


def published(kind: str) -> list:
    return [s for s in load_sources().situations if kind in s.publish]


def copied_sources(tmp_path: Path) -> Path:
    sources = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, sources)
    return sources


def block(situation: Situation) -> tuple[list[str], int, int]:
    """The lines of a situation's file, and where the situation's own lines start and end."""
    lines = situation.path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = situation.line - 1
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    return lines, start, end


def edit_situation(situation: Situation, pattern: str, replacement: str) -> None:
    """Replace the first match of `pattern` within one situation's own lines."""
    lines, start, end = block(situation)
    text, count = re.subn(pattern, replacement, "".join(lines[start:end]), count=1)
    assert count == 1, f"{pattern!r} not in situation {situation.id}"
    situation.path.write_text("".join(lines[:start]) + text + "".join(lines[end:]), encoding="utf-8")


def in_copy(sources: Path, situation: Situation) -> Situation:
    return replace(situation, path=sources / situation.path.relative_to(SOURCE_DIR))


def test_a_verdict_missing_from_the_worked_examples_fails_check(tmp_path: Path) -> None:
    sources = copied_sources(tmp_path)
    verdict = published("example")[0].verdict
    for situation in published("example"):
        if situation.verdict == verdict:  # take it off the worked examples page, keeping any other page
            edit_situation(in_copy(sources, situation), r"publish: \[([^\]]*)\]", lambda m: "publish: [{}]".format(
                ", ".join(p for p in re.split(r",\s*", m.group(1)) if p != "example")))
    with pytest.raises(SourceError) as caught:
        load_sources(sources)
    assert f"no situation published to the worked examples has the verdict '{verdict}'" in str(caught.value)
    assert "add 'example' to the 'publish' list" in str(caught.value)


def test_a_published_situation_with_a_wrong_verdict_fails_the_build_with_file_and_line(tmp_path: Path) -> None:
    sources = copied_sources(tmp_path)
    situation = in_copy(sources, published("example")[0])
    wrong = next(v for v in VERDICTS if v != situation.verdict)
    edit_situation(situation, rf"verdict: {situation.verdict}\b", f"verdict: {wrong}")
    with pytest.raises(SourceError) as caught:
        load_sources(sources)
    problem = next(p for p in caught.value.problems if situation.id in p.problem)
    assert problem.path == situation.path and problem.line == situation.line
    assert f"published saying {wrong}, but the wizard answers {situation.verdict}" in problem.problem
    assert "Fix" in str(problem)


def test_unknown_answers_and_publish_targets_are_named(tmp_path: Path) -> None:
    sources = copied_sources(tmp_path)
    situation = in_copy(sources, published("example")[0])
    key, value = next(iter(situation.answers.items()))
    edit_situation(situation, r"publish: \[[^\]]*\]", "publish: [poster]")
    edit_situation(situation, rf"\b{key}: *\"?{re.escape(value)}\"?", f"{key}: colleagues")
    with pytest.raises(SourceError) as caught:
        load_sources(sources)
    text = str(caught.value)
    values = next(q for q in load_sources().rules.data["questions"] if q["key"] == key)["answers"]
    assert "is published to 'poster'" in text and "use one or both of: example, self-check" in text
    assert f"answers {key}='colleagues'" in text and f"use one of: {', '.join(a['value'] for a in values)}" in text


def test_the_examples_page_follows_the_dom_contract(site_dir: Path) -> None:
    page = read_html((site_dir / "examples" / "index.html").read_text(encoding="utf-8"))
    sections = [a for tag, a in page.tags if "data-example" in a]
    assert len(sections) == len(published("example"))
    assert {a["data-verdict"] for a in sections} == VERDICTS
    html = (site_dir / "examples" / "index.html").read_text(encoding="utf-8")
    for example in published("example"):
        block = html[html.index(f'data-example="{example.id}"'):]
        block = block[: block.index("</section>")]
        assert f'data-verdict="{example.verdict}"' in block[:200]
        assert 'href="../wizard/#' in block


def test_the_self_check_gets_its_situations_from_the_engine_at_build_time(site_dir: Path) -> None:
    page = read_html((site_dir / "self-check" / "index.html").read_text(encoding="utf-8"))
    data = json.loads(next(a for tag, a in page.tags if a.get("id") == "self-check")["data-self-check"])
    assert [s["id"] for s in data["situations"]] == [s.id for s in published("self-check")]
    assert all(s["verdict"] in VERDICTS and s["why"] and s["link"].startswith("wizard/#") for s in data["situations"])


def test_the_home_page_and_the_wizard_point_new_hires_to_examples_and_the_self_check(site_dir: Path) -> None:
    for page in ("index.html", "wizard/index.html"):
        tags = read_html((site_dir / page).read_text(encoding="utf-8")).tags
        links = {a.get("href") for tag, a in tags if tag == "a"}
        prefix = "" if page == "index.html" else "../"
        assert {f"{prefix}examples/", f"{prefix}self-check/"} <= links, page
