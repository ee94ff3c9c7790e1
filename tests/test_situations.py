"""The situations the comms team owns: one source for the scenario tests, worked examples and self-check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sitegen.source.errors import SourceError
from sitegen.source.sources import SOURCE_DIR, load_sources
from tests.html_text import read_html

VERDICTS = {"allowed", "ask-first", "approval-required", "not-allowed"}


def published(kind: str) -> list:
    return [s for s in load_sources().situations if kind in s.publish]


def test_every_situation_has_a_description_for_staff() -> None:
    situations = load_sources().situations
    assert len(situations) >= 40
    assert all(len(s.description.split()) >= 8 for s in situations)


def test_enough_worked_examples_and_self_check_situations_cover_every_verdict() -> None:
    examples, quiz = published("example"), published("self-check")
    assert len(examples) >= 15 and {s.verdict for s in examples} == VERDICTS
    assert len(quiz) >= 8 and {s.verdict for s in quiz} == VERDICTS


def test_a_published_situation_with_a_wrong_verdict_fails_the_build_with_file_and_line(tmp_path: Path) -> None:
    sources = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, sources)
    personal = sources / "scenarios" / "personal.yaml"
    text = personal.read_text(encoding="utf-8")
    start = text.index("- id: venting-about-council-decision")
    verdict_at = text.index("verdict: not-allowed", start)
    personal.write_text(text[:verdict_at] + "verdict: allowed" + text[verdict_at + len("verdict: not-allowed"):],
                        encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_sources(sources)
    problem = next(p for p in caught.value.problems if "venting-about-council-decision" in p.problem)
    assert problem.path == personal and problem.line == text[:start].count("\n") + 1
    assert "published saying allowed, but the wizard answers not-allowed" in problem.problem
    assert "Fix" in str(problem)


def test_unknown_answers_and_publish_targets_are_named(tmp_path: Path) -> None:
    sources = tmp_path / "policy_source"
    shutil.copytree(SOURCE_DIR, sources)
    peers = sources / "scenarios" / "peers.yaml"
    peers.write_text(peers.read_text(encoding="utf-8").replace("publish: [example]", "publish: [poster]", 1)
                     .replace("capacity: peers,", "capacity: colleagues,", 1), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_sources(sources)
    text = str(caught.value)
    assert "is published to 'poster'" in text and "use one or both of: example, self-check" in text
    assert "answers capacity='colleagues'" in text and "use one of: personal, business, peers" in text


def test_the_examples_page_follows_the_dom_contract(site_dir: Path) -> None:
    page = read_html((site_dir / "examples" / "index.html").read_text(encoding="utf-8"))
    sections = [a for tag, a in page.tags if "data-example" in a]
    assert len(sections) == len(published("example")) >= 15
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
