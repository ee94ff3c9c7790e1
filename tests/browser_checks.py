"""Helpers for browser checks: every page of the built site, and axe-core run inside the page."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Page

from tests import from_policy
from tests.from_policy import keys as question_keys
from wizard.graph import export_graph
from wizard.screens import screen_plan

Answers = dict[str, str]

ROOT = Path(__file__).resolve().parent.parent
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]  # and axe's best practices


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to the site root ("" is the home page)."""
    pages = []
    for html in sorted(site_dir.rglob("*.html")):
        relative = html.relative_to(site_dir).as_posix()
        pages.append(relative.removesuffix("index.html"))
    return pages


def axe_violations(page: Page) -> list[str]:
    """Run axe-core (pinned in package.json) in the page; one line per violation and element."""
    # Let running transitions end first (the theme's header fades its title while the page scrolls,
    # a moment after focus moves).
    page.wait_for_timeout(250)
    page.evaluate("""() => Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)  // not the loading spinner
        .map(a => a.finished.catch(() => null)))""")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    results = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return result.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))}));
    }""", WCAG_AA)
    return [f"{v['id']} ({v['help']}): {node}" for v in results for node in v["nodes"]]


# -- what the wizard page shows, worked out from policy_source/ (tests/from_policy.py) ------------------
# The page walks the interview graph and screen plan the engine exports at build time (wizard.js `walk`;
# test_the_page_embeds_the_graph_and_screens_the_engine_exports holds the page to the same data), so a
# test can say which screen the page shows, and what a reader's clicks give the engine, without writing
# down a single question, answer or verdict of today's policy.

@dataclass(frozen=True)
class Screen:
    """A screen of the wizard: the graph node it starts at, the keys it shows, the keys its answers took."""

    node: int | None
    keys: tuple[str, ...]
    answered: tuple[str, ...] = ()

    @property
    def group(self) -> dict[str, Any] | None:
        return group_of(self.keys[0])

    @property
    def checkboxes(self) -> bool:
        """A "select all that apply" screen (its statements are ticked "yes", unticked "no")."""
        return bool(self.group and self.group.get("none"))

    @property
    def several(self) -> bool:
        """A screen of several radio questions, each with its own fieldset."""
        return not self.checkboxes and len(self.keys) > 1


def group_of(key: str) -> dict[str, Any] | None:
    return next((group for group in from_policy.rules()["screens"] if key in group["keys"]), None)


@functools.cache
def _graph_and_plan() -> tuple[dict[str, Any], dict[str, Any]]:
    graph = json.loads(json.dumps(export_graph(from_policy.engine())))
    return graph, screen_plan(graph, from_policy.rules()["screens"])


def page_walk(answers: Answers) -> tuple[list[Screen], Screen | None]:
    """The page's own walk through the answers: the screens answered, and the screen it shows next
    (None once complete). Answers the graph does not reach yet are not followed (the page asks the
    engine then: see `consulted_screen`)."""
    graph, plan = _graph_and_plan()
    nodes, index, screens = graph["nodes"], graph["root"], []
    while nodes[index] is not None:
        keys, start, answered = tuple(plan["keys"][str(index)]), index, []
        while nodes[index] is not None and nodes[index][0] in keys:
            key, children = nodes[index]
            if key not in answers:
                return screens, Screen(start, keys, tuple(answered))
            answered.append(key)
            index = children[answers[key]]
        screens.append(Screen(start, keys, tuple(answered)))
    return screens, None


def consulted_screen(answers: Answers) -> Screen | None:
    """The screen the page shows when the engine decides what is next (answers beyond the graph, as
    after a Change): the next question's screen, with only its questions that are still open."""
    found = from_policy.result(answers)
    if found.next is None:
        return None
    group = group_of(found.next)
    return Screen(None, tuple(k for k in group["keys"] if k in found.open) if group else (found.next,))


def reply(screen: Screen, answers: Answers) -> Answers:
    """What a reader with these answers gives on this screen: a checkbox ticked for "yes", unticked
    otherwise; a radio question the answers leave out (made moot by another answer on the screen) gets
    its first answer."""
    if screen.checkboxes:
        return {key: "yes" if answers.get(key) == "yes" else "no" for key in screen.keys}
    return {key: answers.get(key, from_policy.values(key)[0]) for key in screen.keys}


def clicked(answers: Answers) -> tuple[Answers, list[Screen]] | None:
    """The answers a reader clicking screen by screen ends with (only those on the path, as the page
    keeps them), and the screens on the way; None if the answers leave a question of the path open."""
    given: Answers = {}
    while (next_screen := page_walk(given)[1]) is not None:
        given.update(reply(next_screen, answers))
        done = next(s for s in page_walk(given)[0] if s.node == next_screen.node)
        if not next_screen.checkboxes and any(key not in answers for key in done.answered):
            return None  # the path asks a question these answers leave open
    screens = page_walk(given)[0]
    return {key: given[key] for screen in screens for key in screen.answered}, screens


def clickable(verdict: str | None = None, where: Callable[[Answers, list[Screen]], bool] = lambda *_: True,
              what: str = "") -> tuple[Answers, list[Screen]]:
    """A whole interview a reader can click through ending in `verdict` (any if None), whose clicked
    answers and screens satisfy `where`: (the answers, the screens)."""
    return find(lambda answers, screens: (answers, screens) if verdict in (None, from_policy.result(answers).verdict)
                and where(answers, screens) else None, f"{verdict or ''} {what}")


def address(answers: Answers) -> str:
    """The fragment the page writes for these answers: the rules' question order (wizard.js `fragment`)."""
    return "&".join(f"{quote(k, safe='')}={quote(answers[k], safe='')}" for k in question_keys() if k in answers)


def invalid_value(key: str) -> str:
    """A value that is not one of the question's answers."""
    return next(v for v in ("maybe", "perhaps", "not-an-answer") if v not in from_policy.values(key))


def expected_sections(answers: Answers) -> list[str]:
    """The result's parts in reading order (wizard.js `renderResult`): the verdict's label, then the
    page's own headings for the parts this result has."""
    found = from_policy.result(answers)
    strictest = from_policy.rules()["verdicts"][-1]["id"]
    others = [o for o in found.obligations if o.id not in found.decisive and not o.standing]
    standing = [o for o in found.obligations if o.standing]
    next_steps = bool(found.decisive or found.unclear)
    return [from_policy.verdict_label(found.verdict),
            *(["What to do next"] if next_steps else []),
            *([("Other rules that apply" if next_steps else "Rules that apply")]
              if others and found.verdict != strictest else []),
            *(["Always remember"] if standing else []),
            "Your answers", "Print", "Start again"]


def page_next(answers: Answers) -> Screen | None:
    """The screen the page shows for a link with these answers (None: the result), as wizard.js `render`
    decides: its own walk, or the engine's next question when the link answers beyond the graph."""
    screens, next_screen = page_walk(answers)
    if next_screen is None:
        return None
    path = {key for screen in screens for key in screen.answered} | set(next_screen.answered)
    finished = {key for screen in screens for key in screen.keys}
    retired = set(from_policy.keys(retired=True))
    beyond = [k for k in answers if k not in path and k not in finished and k not in retired]
    return consulted_screen(answers) if beyond else next_screen


def find(search: Callable[[Answers, list[Screen]], Any], what: str) -> Any:
    """The first thing `search` finds (not None) in a whole interview a reader can click through: the
    team's situations first, then the engine's paths (from_policy.example); skips the test if none."""
    hits: list[Any] = []

    def fits(found: Any) -> bool:
        done = clicked(found.answers)
        hit = None if done is None else search(*done)
        if hit is not None:
            hits.append(hit)
        return hit is not None

    from_policy.example(None, fits, what)
    return hits[0]


def before(screens: list[Screen], answers: Answers, index: int) -> Answers:
    """The answers given on the screens before screens[index]."""
    return {key: answers[key] for screen in screens[:index] for key in screen.answered}
