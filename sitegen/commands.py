"""What each `build.py` subcommand does, once the virtual environment is in place."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.source.errors import SourceError, SourceProblem
from sitegen.source.rules_review import review_clause, stale_citations
from sitegen.source.sources import SOURCE_DIR, Sources, load_sources

if TYPE_CHECKING:
    from sitegen.pages.generate import Generated

ROOT = Path(__file__).resolve().parent.parent


def _mkdocs_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _report(problems: list[SourceProblem]) -> None:
    print(f"policy_source/ has {len(problems)} problem(s):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def _load(allow_unreviewed: bool = False, published: bool = True, quiet: bool = False) -> Sources | None:
    """The validated sources, or None after printing every problem with file, line and fix. `quiet`:
    no warnings (a command about to deal with them)."""
    try:
        sources = load_sources(allow_unreviewed=allow_unreviewed, published=published)
    except SourceError as error:
        _report(error.problems)
        return None
    for warning in [] if quiet else sources.warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    return sources


def _checked(allow_unreviewed: bool = False) -> Sources | None:
    """The sources, once every check passed (problems printed with file, line and fix), else None."""
    sources = _load(allow_unreviewed)
    if sources is None:
        return None
    late = _search_problems(sources) + _readme_problems(sources)  # both, so one `check` lists everything
    if late:
        _report(late)
        return None
    data = sources.rules.data
    print(f"policy_source/ is valid: {len(sources.policy.clauses)} clauses, {len(data['questions'])} questions, "
          f"{len(data['obligations'])} obligations, {len(data['unclear'])} unclear notes, "
          f"{len(sources.glossary)} defined terms, {len(sources.related)} related documents.")
    return sources


def check(allow_unreviewed: bool = False) -> int:
    """Validate every source file; print each problem with file, line and fix."""
    return 0 if _checked(allow_unreviewed) is not None else 1


def _search_problems(sources: Sources) -> list[SourceProblem]:
    """The searches of policy_source/searches.yaml that miss their clause in the site's ranking."""
    from sitegen.finishing.search_index import expected_index, search_problems
    from sitegen.pages.render import render_pages

    docs = expected_index(render_pages(sources), sources.policy, sources.staff_words)
    return search_problems(sources.searches, docs, SOURCE_DIR / "searches.yaml")


def _readme_problems(sources: Sources) -> list[SourceProblem]:
    """The README's vocabulary table, when it is not the rules'."""
    from sitegen.publishing.vocabulary import readme_problems

    return readme_problems(sources.rules.data)


def record_names() -> int:
    """Add the names a change introduces to policy_source/published.yaml (never removing any)."""
    from sitegen.source.published_names import record_names as record

    sources = _load(allow_unreviewed=True, published=False)
    if sources is None:
        return 1
    added = record(SOURCE_DIR, sources.rules.data, list(sources.policy.clauses))
    print(f"Recorded as published: {', '.join(added)}." if added else "Every name is already recorded.")
    from sitegen.publishing.vocabulary import write_readme

    if write_readme(sources.rules.data):
        print("Updated the vocabulary table in README.md.")
    return 0


def approve(approved_by: str, date: str) -> int:
    """Record that policy.md's wording, as it is now, was approved by `approved_by` on `date`."""
    from sitegen.source.approvals import record_approval
    from sitegen.source.policy_text import parse_policy

    try:
        approval = record_approval(SOURCE_DIR, parse_policy(SOURCE_DIR / "policy.md"), approved_by, date)
    except SourceError as error:
        print(f"error: policy_source/policy.md has problems, so its wording cannot be recorded:\n{error}",
              file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"error: {error} (the date is written YYYY-MM-DD, e.g. 2027-01-15)", file=sys.stderr)
        return 2
    print(f"Recorded version {approval.version}, approved by {approval.approved_by} on {approval.date}, in "
          f"policy_source/approvals.yaml, with its wording in policy_source/{approval.text_path}.")
    return 0


def withdraw(clause_id: str, reason: str, replaced_by: str | None) -> int:
    """Record that a clause removed from policy.md is withdrawn (policy_source/withdrawn.yaml)."""
    from sitegen.source.policy_text import parse_policy
    from sitegen.source.withdrawn import record_withdrawal

    try:
        record_withdrawal(SOURCE_DIR, parse_policy(SOURCE_DIR / "policy.md"), clause_id, reason, replaced_by)
    except (SourceError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Recorded clause {clause_id!r} as withdrawn in policy_source/withdrawn.yaml: policy/#{clause_id} now says "
          "it was removed.")
    return 0


def record_note(summary: str | None = None) -> int:
    """Add a change note with `summary` (today's date), or record which version of the wording and
    rules the newest note, written by hand, describes."""
    import datetime

    from sitegen.source.change_notes import add_note
    from sitegen.source.change_notes import record_note as record

    try:
        note = add_note(SOURCE_DIR, summary, datetime.date.today().isoformat()) if summary is not None \
            else record(SOURCE_DIR)
    except ValueError as error:
        print(f"error: policy_source/changes.yaml: {error}", file=sys.stderr)
        return 2
    print(f"Recorded the change note of {note.date} in policy_source/changes.yaml: {note.summary[:80]}")
    return 0


def impact_report(base: str | None, as_json_object: bool, sources: Path | None = None) -> int:
    """Compare the wizard's answers under the sources at `base` with the working tree's, or with the
    `sources` folder given (a pull request's, read by this checkout's code): exit 2 if impossible."""
    from sitegen.publishing import impact

    try:
        ref = base or impact.default_base(ROOT)
        base_name = base or f"where this branch left main ({ref[:10]})"
        changed = sources or SOURCE_DIR
        what = f"the policy_source/ folder {sources}" if sources else "policy_source/ in the working tree"
        result = impact.compare_versions(impact.version_at(ROOT, ref), impact.load_version(changed, what))
    except impact.ImpactError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    site_url = os.environ.get("SITE_URL", "")
    pages, unavailable = _pages_that_change(ref, sources or SOURCE_DIR)
    if as_json_object:
        print(json.dumps({**impact.as_json(result, site_url), "changed_pages": pages}, indent=1))
        return 0
    print(impact.as_markdown(result, base_name, site_url))
    print("\n### Pages whose content changes\n")
    print(unavailable or "\n".join(f"- `{page}`" for page in pages) or "None.")
    return 0


def _pages_that_change(ref: str, changed: Path) -> tuple[list[str], str]:
    """The site's generated pages (as paths, e.g. `policy/`) whose text differs between the sources at
    `ref` and the `changed` folder, or why that cannot be told."""
    from sitegen.pages.render import render_pages
    from sitegen.publishing.git_sources import tree_at

    try:
        with tempfile.TemporaryDirectory(prefix="policy-pages-") as scratch:
            base_dir = Path(scratch) / "policy_source"
            tree_at(subprocess.run(["git", "-C", str(ROOT), "rev-parse", ref], capture_output=True, text=True,
                                   check=True).stdout.strip(), base_dir, ROOT)
            before = render_pages(load_sources(base_dir, allow_unreviewed=True, lenient=True))
        after = render_pages(load_sources(changed, allow_unreviewed=True, lenient=True))
    except (SourceError, OSError, subprocess.CalledProcessError, ValueError, KeyError) as error:
        return [], f"The pages could not be compared: {str(error).splitlines()[0]}"
    paths = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    return [name.removesuffix(".md") + "/" for name in paths], ""


def compile_rules(output: Path) -> int:
    """Write the compiled rules JSON (for `python3 -m wizard`), atomically."""
    sources = _load()
    if sources is None:
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(".tmp")
    partial.write_text(json.dumps(sources.rules.data, indent=1), encoding="utf-8")
    partial.replace(output)
    print(f"Wrote {output}.")
    return 0


def review(clause_id: str) -> int:
    """Record that the rules citing `clause_id` were re-read against the clause's current wording."""
    sources = _load(allow_unreviewed=True, quiet=True)  # not a warning to run the review being run
    if sources is None:
        return 1
    if clause_id not in sources.policy.clauses:
        print(f"Unknown clause id {clause_id!r}. See the Clause index page, or {{#...}} in policy.md.",
              file=sys.stderr)
        return 2
    stale = stale_citations(sources.rules.citations, sources.policy).get(clause_id, [])
    citing = review_clause(SOURCE_DIR / "rules.yaml", clause_id, sources.rules.citations, sources.policy)
    if not citing:
        print(f"No rule cites clause {clause_id!r}; nothing to record.")
        return 0
    print(f"Recorded the review of clause {clause_id!r} in policy_source/rules.yaml for: "
          + ", ".join(f"{c.kind} '{c.name}'" for c in citing)
          + ("" if stale else " (they were already up to date)") + ".")
    return 0


BUILD_MARK = ".policy-site-build"  # written into every built site: a folder without it is not ours to replace


def _replaceable(site_dir: Path) -> bool:
    """Whether `site_dir` may be replaced by a build: absent, empty, or a previous build of this site."""
    if not site_dir.exists():
        return True
    if not site_dir.is_dir():
        return False
    built_before_the_mark = all((site_dir / name).is_file() for name in ("index.html", "sitemap.xml",
                                                                         "search/search_index.json"))
    return (site_dir / BUILD_MARK).is_file() or built_before_the_mark or not any(site_dir.iterdir())


def _generate(sources: Sources, preview: bool = False) -> Generated | None:
    """Write build/pages/ (the generator's input); None after printing why it could not be."""
    from sitegen.pages.generate import generate

    try:
        return generate(sources, preview=preview)
    except SourceError as error:
        _report(error.problems)
    except (OSError, ValueError) as error:  # Pyodide not installed, or its loader changed
        print(f"error: {error}", file=sys.stderr)
    return None


def _generator_env(generated: Generated) -> dict[str, str]:
    """The environment mkdocs.yml reads: the engine's folders and hashes; the project importable
    (mkdocs.yml loads the clause-anchor Markdown extension from sitegen)."""
    return {**_mkdocs_env(), **generated.environment(),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def build(site_dir: Path, allow_unreviewed: bool = False) -> int:
    """Check; write the pages; render them into a temporary directory; finish the site there; and
    only then replace `site_dir` with the result."""
    from sitegen.engine_assets.browser_assets import EngineSnapshot
    from sitegen.finishing.steps import finish

    if not _replaceable(site_dir.resolve()):
        print(f"error: {site_dir} is not a site this project built, so it was left alone. Give --site-dir a "
              "new or empty folder, or the folder of an earlier build.", file=sys.stderr)
        return 2
    sources = _checked(allow_unreviewed)
    generated = _generate(sources) if sources is not None else None
    if generated is None:
        print(f"Nothing was built; {site_dir} is unchanged.", file=sys.stderr)
        return 1
    started = time.perf_counter()
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-building-", dir=site_dir.parent))
    snapshot = None
    try:
        snapshot = EngineSnapshot(generated.archive)  # Node makes it while the pages render
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                                 "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(staging)],
                                cwd=ROOT, env=_generator_env(generated))
        if result.returncode != 0:
            raise RuntimeError("The build failed (see above)")
        finish(staging, sources, generated.folders["engine"], snapshot.result(),
               os.environ.get("SITE_URL", "http://127.0.0.1:8000/"))
    except (RuntimeError, FileNotFoundError, ValueError) as error:
        if snapshot is not None:
            snapshot.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        print(f"{error}; {site_dir} is unchanged.", file=sys.stderr)
        return 1
    (staging / BUILD_MARK).write_text("Built by build.py: `build.py build` may replace this folder.\n")
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read the site
    previous = site_dir.with_name(f".{site_dir.name}-previous")
    shutil.rmtree(previous, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(previous)
    staging.rename(site_dir)
    shutil.rmtree(previous, ignore_errors=True)
    print(f"Built {site_dir} in {time.perf_counter() - started:.1f} s.")
    return 0


def pages(allow_unreviewed: bool, preview: bool) -> int:
    """Check, then write build/pages/: what `build` and `serve` give the generator."""
    sources = _checked(allow_unreviewed)
    return 0 if sources is not None and _generate(sources, preview) is not None else 1


WATCHED = ("policy_source", "docs", "sitegen", "wizard")  # what the pages are made from


def _regenerate_on_change() -> object:
    """Watch the sources of the pages; on a change, write build/pages/ again (in a new process, so an
    edit to sitegen/ takes effect too). The preview then rebuilds from it. Returns the running observer."""
    import threading

    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    pending = threading.Event()

    class Changed(FileSystemEventHandler):
        def on_any_event(self, event: object) -> None:
            if "__pycache__" not in str(getattr(event, "src_path", "")):
                pending.set()

    def regenerate() -> None:
        while True:
            pending.wait()
            time.sleep(0.3)  # an editor's save is often several events
            pending.clear()
            subprocess.run([sys.executable, str(ROOT / "build.py"), "pages", "--allow-unreviewed", "--preview"],
                           cwd=ROOT)

    observer = Observer()
    for name in WATCHED:
        observer.schedule(Changed(), str(ROOT / name), recursive=True)
    observer.daemon = True
    observer.start()
    threading.Thread(target=regenerate, daemon=True).start()
    return observer


def serve(addr: str) -> int:
    """Preview while editing: rules whose clause changed are warnings here, so the edit can be seen."""
    sources = _checked(allow_unreviewed=True)
    generated = _generate(sources, preview=True) if sources is not None else None
    if generated is None:
        return 1
    print(f"Serving the site at http://{addr}/ (Ctrl+C to stop); it rebuilds when you save a change.")
    _regenerate_on_change()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--strict", "--dev-addr", addr],
                              cwd=ROOT, env=_generator_env(generated))

    def stop(signum: int, _frame: object) -> None:  # a terminated preview takes its server with it
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def screenshots() -> int:
    """Build the site into a temporary folder and photograph it for the README."""
    from sitegen.finishing import screenshots as shots

    sources = _load()
    if sources is None:
        return 1
    with tempfile.TemporaryDirectory(prefix="policy-screenshots-") as scratch:
        site_dir = Path(scratch) / "site"
        if build(site_dir) != 0:
            return 1
        for path in shots.take(site_dir, sources):
            print(f"Wrote {path.relative_to(ROOT)}")
    return 0


def test(pytest_args: list[str]) -> int:
    print("==> ruff check (lint)", flush=True)
    if subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT).returncode != 0:
        return 1
    print("==> pytest (all tests, including the browser tests)", flush=True)
    return subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def run(args: argparse.Namespace) -> int:
    if args.command == "setup":
        print("Set-up is complete.")
        return 0
    if args.command == "check":
        return check(args.allow_unreviewed)
    if args.command == "build":
        return build(args.site_dir, args.allow_unreviewed)
    if args.command == "review":
        return review(args.clause_id)
    if args.command == "rules":
        return compile_rules(args.output)
    if args.command == "withdraw":
        return withdraw(args.clause_id, args.reason, args.replaced_by)
    if args.command == "approve":
        return approve(args.by, args.date)
    if args.command == "note":
        return record_note(args.summary)
    if args.command == "names":
        return record_names()
    if args.command == "impact":
        return impact_report(args.base, args.json, args.sources)
    if args.command == "serve":
        return serve(args.addr)
    if args.command == "pages":
        return pages(args.allow_unreviewed, args.preview)
    if args.command == "test":
        return test(args.pytest_args)
    if args.command == "screenshots":
        return screenshots()
    if args.command == "bench":
        return subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--runs", str(args.runs)],
                              cwd=ROOT).returncode
    raise AssertionError(f"unknown command {args.command}")
