"""Benchmarks: how fast the site and the wizard are, measured in one run on this machine.

    python3 build.py bench [--runs N]

Machines are noisy, so the headline figures are ratios and medians measured in the same run: the
wizard reaching a verdict against a bare Pyodide start (the floor for Python in the browser),
each the median of N runs, cold (fresh browser context) and warm (reload). The pages are measured in
alternating rounds, and a ratio is the median of each round's own ratio. Prints a table with the
targets beside the figures, and exits 1 if any target is missed by more than 2x.
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, Request, Route, sync_playwright  # noqa: E402

from bench.lighthouse_score import mobile_performance  # noqa: E402
from sitegen.publishing import impact  # noqa: E402
from sitegen.setup_env import find_chromium  # noqa: E402
from sitegen.source.interview_limits import interview_length  # noqa: E402
from sitegen.source.sources import load_sources  # noqa: E402
from sitegen.source.yaml_source import load_yaml  # noqa: E402
from tests.site_server import serve  # noqa: E402
from wizard import Engine, Rules  # noqa: E402
from wizard.graph import complete_steps, path_lengths  # noqa: E402

COMPLETE = ("capacity=business&discloses_personal_info=no&harmful_content=no&uses_others_work=no&approved_rep=yes"
            "&student=no&new_tool=yes&new_campaign=no&external_discussion=no&city_equipment=yes"
            "&restricted_community=no")
# A personal post from a City computer, screen by screen: (the screen, the answers to choose on it).
STEPS = (("fieldset[data-question=capacity]", ("input[value=personal]",)),
         ("[data-screen=what-the-post-shares]", ("[data-question=discloses_city_business] input[value=no]",
                                                  "[data-question=discloses_third_party] input[value=no]",
                                                  "[data-question=discloses_personal_info] input[value=no]")),
         ("[data-screen=what-the-post-says]", ("[data-question=harmful_content] input[value=no]",
                                                "[data-question=uses_others_work] input[value=no]")),
         ("fieldset[data-screen=about-the-post]", ("input[name=city_equipment]",)))
SCREEN_FIGURES = {"median_screens": "median", "most_screens": "most",
                  "median_screens_not_allowed": "median to not allowed"}
LAUNCH_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--disable-quic", "--disable-gpu"]


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: float | None  # None: reported, no target
    note: str = ""
    at_least: bool = False  # the target is a floor (a score), not a ceiling

    @property
    def met(self) -> bool:
        return self.target is None or (self.value >= self.target if self.at_least else self.value <= self.target)

    @property
    def missed_badly(self) -> bool:
        if self.target is None:
            return False
        return self.value < self.target / 2 if self.at_least else self.value > 2 * self.target

    def row(self) -> str:
        target = "" if self.target is None else f"{'>=' if self.at_least else '<='} {self.target:g} {self.unit}"
        status = "" if self.target is None else ("ok" if self.met else
                                                  ("MISSED >2x" if self.missed_badly else "missed"))
        digits = 3 if self.unit == "x" else 2  # a ratio just under its target must not print as equal to it
        return f"| {self.name} | {self.value:,.{digits}f} {self.unit} | {target} | {status} | {self.note} |"


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


# -- measured without a browser ----------------------------------------------------------------------

def build_time(site_dir: Path, site_url: str, runs: int) -> float:
    def once() -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site-dir", str(site_dir)], check=True,
                       cwd=ROOT, env={**os.environ, "SITE_URL": site_url}, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started
    return median_of(runs, once)


def impact_comparison(runs: int) -> float:
    """`build.py impact`'s work: the sources at HEAD from git, the working tree, every combination compared."""
    def once() -> float:
        started = time.perf_counter()
        impact.compare(impact.rules_at(ROOT, "HEAD"), impact.load_rules_from(ROOT / "policy_source", "working tree"))
        return time.perf_counter() - started
    return median_of(runs, once)


@dataclass
class Interview:
    """How big one set of rules is, and how long the checks that cover every answer take on it."""

    name: str
    combinations: int
    states: int
    paths: int
    walk: float  # s: a fresh engine walks every complete path and works out each result (the tests' core)
    impact: float  # s: the impact report comparing the rules with themselves


def measure_interview(name: str, rules_data: dict, runs: int) -> Interview:
    def walk() -> tuple[float, Engine, int]:
        started = time.perf_counter()
        engine = Engine(Rules.from_dict(rules_data))  # a fresh engine: caches empty, set-up timed too
        paths = sum(1 for step in complete_steps(engine) if engine.outcome(step))
        return time.perf_counter() - started, engine, paths

    walks = [walk() for _ in range(runs)]
    _, engine, paths = walks[0]

    def compared() -> float:
        started = time.perf_counter()
        impact.compare(rules_data, rules_data)
        return time.perf_counter() - started

    return Interview(name, math.prod(len(v) for v in engine.values_of.values()), engine.states, paths,
                     statistics.median(w[0] for w in walks), median_of(runs, compared))


def twice_the_rules(rules_data: dict) -> dict:
    """Synthetic: every obligation and note twice (new ids, the same conditions): twice the rules to
    decide at every point of the same interview."""
    doubled = copy.deepcopy(rules_data)
    for kind in ("obligations", "unclear"):
        doubled[kind] += [{**item, "id": f"{item['id']}-copy"} for item in copy.deepcopy(rules_data[kind])]
    return doubled


def twice_the_paths(rules_data: dict) -> dict:
    """Synthetic: one more yes/no question that matters on every path (a rule of its own applies on
    "yes"): twice the combinations and twice the complete paths."""
    more = copy.deepcopy(rules_data)
    first = more["questions"][0]
    more["questions"].append({"key": "synthetic_extra", "text": "A synthetic question", "help": "",
                              "clause": first["clause"], "answers": [
                                  {"value": v, "label": v, "because": f"synthetic {v}"} for v in ("yes", "no")]})
    more["obligations"].append({"id": "synthetic-extra", "title": "Synthetic", "text": "Synthetic.",
                                "clause": first["clause"], "when": {"all": {"synthetic_extra": ["yes"]}, "any": []},
                                "verdict": more["verdicts"][0]["id"], "verdict_when": None, "ask": None})
    return more


# -- measured in Chromium ----------------------------------------------------------------------------

def mark(page: Page, name: str) -> float:
    """The latest performance mark of that name, in ms since navigation started."""
    return page.evaluate("n => { const m = performance.getEntriesByName(n); return m[m.length - 1].startTime; }", name)


def time_to(page: Page, url: str, ready: str, mark_name: str, reload: bool) -> float:
    page.reload() if reload else page.goto(url)
    page.wait_for_function(ready, timeout=120_000)
    return mark(page, mark_name)


@dataclass
class Visits:
    """ms from navigation to a page's ready mark, per round: first visit (a fresh browser context,
    nothing cached) and second visit (a reload, files cached)."""
    cold: list[float]
    warm: list[float]


def visit_twice(browser: Browser, url: str, ready: str, mark_name: str,
                block: str | None = None) -> tuple[float, float]:
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    if block:  # e.g. the Pyodide snapshot, to measure the ordinary start-up in the same run
        page.route(block, lambda route: route.fulfill(status=404, body=""))
    cold = time_to(page, url, ready, mark_name, reload=False)
    warm = time_to(page, url, ready, mark_name, reload=True)
    context.close()
    return cold, warm


def interleaved(browser: Browser, runs: int, pages: dict[str, tuple]) -> dict[str, Visits]:
    """Visits every page once per round, in alternating order: the machine's speed drifts over a
    run, and measuring one page's runs after another's would put that drift into their ratio."""
    visits = {name: Visits([], []) for name in pages}
    for number in range(runs):
        for name in (list(pages) if number % 2 == 0 else list(reversed(pages))):
            cold, warm = visit_twice(browser, *pages[name])
            visits[name].cold.append(cold)
            visits[name].warm.append(warm)
    return visits


def paired_ratio(times: list[float], floors: list[float]) -> float:
    """The median over rounds of each round's own ratio."""
    return statistics.median(time / floor for time, floor in zip(times, floors, strict=True))


def step_times(browser: Browser, base: str, hold_engine: bool) -> tuple[list[float], float | None]:
    """ms from each answer to the next question (and, once the engine is ready, to the verdict)."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    held: list[Route] = []
    if hold_engine:
        page.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(f"{base}wizard/")
    if not hold_engine:
        page.wait_for_function("window.__wizardEngine.status === 'ready'", timeout=120_000)
    steps = []
    for number, (screen, choices) in enumerate(STEPS):
        for choice in choices:
            page.locator(f"{screen} {choice}").check()
        page.locator("#wizard-next").click()
        if number < len(STEPS) - 1:
            page.wait_for_selector(STEPS[number + 1][0])
            steps.append(mark(page, "wizard:question-shown") - mark(page, "wizard:answered"))
    verdict = None
    if not hold_engine:
        page.wait_for_selector("#wizard-result[data-verdict]")
        verdict = mark(page, "wizard:result-shown") - mark(page, "wizard:answered")
    for route in held:
        route.abort()
    context.close()
    return steps, verdict


def first_question(browser: Browser, base: str, runs: int) -> float:
    def once() -> float:
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        page.goto(f"{base}wizard/")
        page.wait_for_function("performance.getEntriesByName('wizard:interactive').length > 0")
        after = page.evaluate("performance.getEntriesByName('wizard:interactive')[0].startTime - "
                              "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        context.close()
        return after
    return median_of(runs, once)


ENGINE_FILES = ("/pyodide/", "/assets/wizard/", "wizard-worker.js")


def transferred(browser: Browser, url: str, ready: str) -> tuple[int, list[tuple[str, int]], int]:
    """Bytes a fresh visitor downloads for a page (once `ready` holds), its heaviest files, engine requests."""
    context = browser.new_context(bypass_csp=True)
    sizes: dict[str, int] = {}

    def finished(request: Request) -> None:
        size = request.sizes()
        sizes[urlsplit(request.url).path] = size["responseBodySize"] + size["responseHeadersSize"]

    context.on("requestfinished", finished)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(ready, timeout=120_000)
    page.wait_for_load_state("networkidle")
    engine_requests = sum(1 for path in sizes if any(part in path for part in ENGINE_FILES))
    context.close()
    return sum(sizes.values()), sorted(sizes.items(), key=lambda item: -item[1])[:5], engine_requests


def engine_memory(browser: Browser, base: str) -> float:
    """The engine worker's WebAssembly memory once ready, in MB (what Pyodide holds for the engine)."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}wizard/#{COMPLETE}")
    page.wait_for_selector("#wizard-result[data-verdict]", timeout=120_000)
    memory = page.evaluate("window.__wizardEngine.memory") / 1e6
    context.close()
    return memory


def from_a_policy_page(browser: Browser, base: str) -> tuple[float, float]:
    """A reader on the policy page heads for the wizard (pointer over the link, then a click, instant
    navigation): ms from the click to the first question, and from the last answer to the verdict once
    the engine is ready."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}policy/")
    link = page.locator(".md-nav__link", has_text="Am I allowed to post this?").first
    link.hover()
    page.evaluate("performance.mark('bench:click')")
    link.click()
    page.wait_for_selector("fieldset[data-question=capacity]")
    first = mark(page, "wizard:interactive") - mark(page, "bench:click")
    page.wait_for_function("window.__wizardEngine.status === 'ready'", timeout=120_000)
    for screen, choices in STEPS:
        for choice in choices:
            page.locator(f"{screen} {choice}").check()
        page.locator("#wizard-next").click()
    page.wait_for_selector("#wizard-result[data-verdict]")
    verdict = mark(page, "wizard:result-shown") - mark(page, "wizard:answered")
    context.close()
    return first, verdict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="runs per browser figure (median reported)")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        sys.exit("Chromium is needed for the benchmarks: apt-get install -y chromium, or set CHROMIUM_PATH.")

    workdir = Path(tempfile.mkdtemp(prefix="policy-bench-"))
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        site_url = f"http://127.0.0.1:{port}/"
        site_dir = workdir / "site"
        print("Building the site (median of 3 builds)...", flush=True)
        build = build_time(site_dir, site_url, runs=3)
        shutil.copytree(ROOT / "bench" / "pages", site_dir / "__bench__")
        # The baseline loads the very same Pyodide files, from their versioned folder.
        [loader] = site_dir.glob("pyodide/*/pyodide.mjs")
        pyodide_dir = loader.parent.relative_to(site_dir).as_posix()
        baseline = site_dir / "__bench__" / "baseline-worker.js"
        baseline.write_text(baseline.read_text(encoding="utf-8").replace("../pyodide/", f"../{pyodide_dir}/"),
                            encoding="utf-8")
        print("Walking every state of the interview in CPython (median of 3)...", flush=True)
        comparison = impact_comparison(runs=3)
        sources = load_sources()
        rules_data = sources.rules.data
        interviews = [measure_interview(name, data, runs=3) for name, data in (
            ("the rules", rules_data), ("synthetic: twice the rules", twice_the_rules(rules_data)),
            ("synthetic: twice the paths", twice_the_paths(rules_data)))]
        lengths = path_lengths(Engine(Rules.from_dict(rules_data)))
        length = interview_length(rules_data, sources.situations)
        limits = load_yaml(ROOT / "policy_source" / "rules.yaml").get("limits", {})

        with serve(site_dir, port=port) as (_, base), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
            print(f"Measuring in Chromium ({args.runs} runs each)...", flush=True)
            verdict_shown = "!!document.querySelector('#wizard-result[data-verdict]')"
            visits = interleaved(browser, args.runs, {
                "bare": (f"{base}__bench__/baseline.html", "window.__baselineDone !== undefined", "baseline:done"),
                "wizard": (f"{base}wizard/#{COMPLETE}", verdict_shown, "wizard:result-shown"),
                "scratch": (f"{base}wizard/#{COMPLETE}", verdict_shown, "wizard:result-shown",
                            "**/engine.snapshot.gz"),
            })
            interactive = first_question(browser, base, args.runs)
            starting = [step_times(browser, base, hold_engine=True) for _ in range(args.runs)]
            ready = [step_times(browser, base, hold_engine=False) for _ in range(args.runs)]
            total, heaviest, _ = transferred(browser, f"{base}wizard/#{COMPLETE}", verdict_shown)
            pages = {path: transferred(browser, f"{base}{path}", "document.readyState === 'complete'")
                     for path in ("", "policy/")}
            memory = engine_memory(browser, base)
            from_policy = [from_a_policy_page(browser, base) for _ in range(args.runs)]
            browser.close()
            print("Lighthouse, mobile, the policy page (median of 3)...", flush=True)
            lighthouse = mobile_performance(f"{base}policy/", chromium)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    bare, wizard, scratch = visits["bare"], visits["wizard"], visits["scratch"]
    paired = "median of the rounds' own ratios"
    figures = [
        Figure("Bare Pyodide start, 1+1 (cold)", statistics.median(bare.cold), "ms", None, "the floor"),
        Figure("Bare Pyodide start, 1+1 (warm)", statistics.median(bare.warm), "ms", None, "the floor"),
        Figure("Wizard verdict from a complete answer URL (cold)", statistics.median(wizard.cold), "ms", None),
        Figure("Wizard verdict from a complete answer URL (warm)", statistics.median(wizard.warm), "ms", None),
        Figure("Ratio wizard / bare Pyodide (cold)", paired_ratio(wizard.cold, bare.cold), "x", 0.45, paired),
        Figure("Ratio wizard / bare Pyodide (warm: second visit, files cached)", paired_ratio(wizard.warm, bare.warm),
               "x", 0.25, f"{paired}; each round: " + ", ".join(
                   f"{time / floor:.3f}" for time, floor in zip(wizard.warm, bare.warm, strict=True))),
        Figure("Wizard verdict without the snapshot (cold)", statistics.median(scratch.cold), "ms", None,
               "Python started from scratch"),
        Figure("Wizard verdict without the snapshot (warm)", statistics.median(scratch.warm), "ms", None),
        Figure("Ratio without the snapshot / bare Pyodide (cold)", paired_ratio(scratch.cold, bare.cold), "x", None,
               "the fallback when no usable snapshot is served"),
        Figure("First question interactive after DOMContentLoaded", interactive, "ms", 100,
               "negative: ready before DOMContentLoaded ended (the question itself is in the HTML)"),
        Figure("Answer to next question, Pyodide still starting (worst step)",
               statistics.median(max(steps) for steps, _ in starting), "ms", 50),
        Figure("Answer to next question, Pyodide ready (worst step)",
               statistics.median(max(steps) for steps, _ in ready), "ms", 50),
        Figure("Last answer to verdict, Pyodide ready", statistics.median(verdict or 0.0 for _, verdict in ready),
               "ms", 50),
        Figure("Bytes transferred, wizard page cold (pre-compressed)", total / 1e6, "MB", 9,
               "; ".join(f"{path} {size / 1e6:.2f} MB" for path, size in heaviest)),
        *(Figure(f"Bytes transferred, {path or 'home'} page cold", size / 1e6, "MB", 1,
                 f"engine requests: {requests} (expected none)") for path, (size, _, requests) in pages.items()),
        *(Figure(f"Engine requests, {path or 'home'} page", requests, "", 0)
          for path, (_, _, requests) in pages.items()),
        Figure("Engine worker memory (WebAssembly), once ready", memory, "MB", None),
        Figure("From the policy page's link: click to first question",
               statistics.median(first for first, _ in from_policy), "ms", None,
               "the page change itself (instant navigation fetches and swaps the page); the question never "
               "waits for Pyodide, which the pointer over the link started"),
        Figure("From the policy page's link: last answer to verdict, engine ready",
               statistics.median(verdict for _, verdict in from_policy), "ms", 50),
        Figure("Lighthouse mobile performance, policy page (pre-compressed)", lighthouse.score, "", 95,
               "runs: " + ", ".join(f"{score:.0f}" for score in lighthouse.runs) + "; median run: " +
               ", ".join(f"{name} {value}" for name, value in lighthouse.metrics.items()), at_least=True),
        Figure("build.py build, whole site (median of 3)", build, "s", 10),
        *(figure for interview in interviews for figure in (
            Figure(f"Every path walked, {interview.name}", interview.walk, "s",
                   2 if interview is interviews[0] else None,
                   f"{interview.combinations:,} combinations, {interview.states:,} states, "
                   f"{interview.paths:,} complete paths; engine set-up included"),
            Figure(f"Impact report, {interview.name} against themselves", interview.impact, "s",
                   5 if interview is interviews[0] else None))),
        Figure("Impact report: HEAD against the working tree, every combination", comparison, "s", 5),
        Figure("Questions on a complete path, median", statistics.median(lengths), "", None,
               f"{len(lengths)} paths; shortest {min(lengths)}"),
        Figure("Questions on a complete path, maximum", max(lengths), "", None),
        *(Figure(f"Screens to a result over the situations: {SCREEN_FIGURES[name]}", value, "", limits.get(name),
                 f"{len(length.screens)} situations screen by screen, {len(length.as_links)} only as links"
                 if name == "median_screens" else "") for name, value in length.figures().items()),
    ]
    print("\n| Figure | Measured | Target | Status | Note |\n|---|---|---|---|---|")
    for figure in figures:
        print(figure.row())
    badly = [f.name for f in figures if f.missed_badly]
    if badly:
        print(f"\nMissed by more than 2x: {', '.join(badly)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
