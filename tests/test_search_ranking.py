"""The site search's ranking (docs/assets/javascripts/search-worker.js), run in Node on made-up pages:
how it orders results, whatever the policy says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sitegen.finishing.search_index import SEARCH_WORKER, expected_index, first_results, search_problems
from sitegen.pages.render import render_pages
from sitegen.source.sources import load_sources


def doc(location: str, title: str, text: str, **extra: float) -> dict:
    return {"location": location, "title": title, "text": text, **extra}


FILLER = " ".join(f"word{n}" for n in range(40))


def first(docs: list[dict], query: str, count: int = 3) -> list[str]:
    return first_results(docs, [query], count)[0]


def test_common_words_do_not_decide_the_ranking() -> None:
    docs = [doc("a/", "To the", "to the a an I it is to the a of on in at " * 3),
            doc("b/", "Campaigns", "Ask for approval before you start a new campaign.")]
    assert first(docs, "approval to start a campaign") == ["b/"]
    assert first(docs, "can I") == ["a/"]  # a query of common words only still finds them


def test_the_words_together_rank_above_the_same_words_scattered() -> None:
    docs = [doc("scattered/", "One", f"peer {FILLER} consultation {FILLER}"),
            doc("together/", "Two", f"{FILLER} peer consultation {FILLER}")]
    assert first(docs, "peer consultation")[0] == "together/"


def test_more_of_the_words_rank_above_fewer() -> None:
    docs = [doc("one/", "One", "business business business business"),
            doc("both/", "Two", f"business case {FILLER}")]
    assert first(docs, "business case")[0] == "both/"


def test_a_clause_outranks_the_page_that_holds_it() -> None:
    docs = [doc("policy/", "Policy", "Staff may post on their own time."),
            doc("policy/#own-time", "Own time", "Staff may post on their own time.")]
    assert first(docs, "own time") == ["policy/#own-time", "policy/"]


def test_a_boost_from_the_build_orders_equal_matches() -> None:
    docs = [doc("history/#c", "Change", "breach of policy", boost=0.3),
            doc("policy/#b", "Breach", "breach of policy", boost=2.0)]
    assert first(docs, "breach")[0] == "policy/#b"


def test_the_word_being_typed_matches_as_a_beginning_and_below_whole_words() -> None:
    docs = [doc("a/", "Timely", "report it in a timely fashion"), doc("b/", "Time", "on your own time")]
    assert set(first(docs, "tim")) == {"a/", "b/"}
    assert first(docs, "time")[0] == "b/"
    assert first(docs, "time ") == ["b/"]  # a finished word matches only itself (and its forms)


def test_word_forms_meet() -> None:
    docs = [doc("a/", "Policies", "Posting photos of colleagues needs consent.")]
    assert first(docs, "post photo colleague") == ["a/"]
    assert first(docs, "policy") == ["a/"]


def test_a_question_about_posting_is_offered_the_wizard_first() -> None:
    docs = [doc("wizard/", "Am I allowed to post this?", "Answer a few questions."),
            doc("policy/#photos", "Photos", "Photos of colleagues need their consent.")]
    for question in ("can I post photos of colleagues", "Am I allowed to share photos", "may we post photos"):
        assert first(docs, question)[:2] == ["wizard/", "policy/#photos"], question
    assert first(docs, "photos of colleagues") == ["policy/#photos"]


def test_each_result_is_shown_on_its_own_under_its_page() -> None:
    """The theme shows a result's first document and folds the rest of its group away: every group
    holds one result, followed by the page it is on (shown as its heading), never another result."""
    script = (f"const {{ buildIndex, search }} = require({json.dumps(str(SEARCH_WORKER))});"
              "const docs = [{location: 'p/', title: 'Page', text: 'apples'},"
              " {location: 'p/#a', title: 'A', text: 'apples pears'}, {location: 'p/#b', title: 'B', text: 'apples'}];"
              "console.log(JSON.stringify(search(buildIndex(docs), 'apples').items"
              ".map((group) => group.map((item) => [item.location, item.score > 0]))));")
    groups = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout)
    assert sorted(groups) == sorted([[["p/#a", True], ["p/", False]], [["p/#b", True], ["p/", False]], [["p/", True]]])


def test_check_finds_the_searches_on_the_index_the_build_makes(site_dir: Path) -> None:
    """`check` runs the searches on the entries it expects the build to make; the built index must
    agree, or `check` could pass while the browser tests fail."""
    sources = load_sources(allow_unreviewed=True)
    built = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    expected = expected_index(render_pages(sources), sources.policy, sources.staff_words)
    assert {d["location"] for d in expected if d["location"].startswith("policy/#")} == \
        {d["location"] for d in built if d["location"].startswith("policy/#")}
    path = Path("searches.yaml")
    assert search_problems(sources.searches, built, path) == search_problems(sources.searches, expected, path) == []


def test_check_names_a_search_that_misses_its_clause_and_its_fix_works(copy_project) -> None:
    """A search the policy's words cannot answer fails `check` with the file, line and fix; doing what
    the fix says (the search's words as staff words for the clause) makes it pass."""
    project = copy_project()
    source = project / "policy_source"
    clause = next(iter(load_sources(source, allow_unreviewed=True).policy.clauses))
    searches = source / "searches.yaml"
    line = searches.read_text(encoding="utf-8").count("\n") + 1
    with searches.open("a", encoding="utf-8") as file:
        file.write(f"  - query: zorblax quuxing\n    clause: {clause}\n")
    check = subprocess.run([sys.executable, "build.py", "check"], cwd=project, capture_output=True, text=True)
    assert check.returncode == 1
    assert f"policy_source/searches.yaml:{line}: searching for 'zorblax quuxing' does not bring up clause " \
           f"'{clause}'" in check.stderr
    assert "Fix: in staff_words.yaml, add the words of this search" in check.stderr
    with (source / "staff_words.yaml").open("a", encoding="utf-8") as file:
        file.write(f"  - words: [zorblax quuxing]\n    clauses: [{clause}]\n")
    check = subprocess.run([sys.executable, "build.py", "check"], cwd=project, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
