#!/usr/bin/env python3
"""Build, preview, check and test the City of Hamilton social media policy site.

    python3 build.py serve            build and preview at http://127.0.0.1:8000, rebuilding on edits
    python3 build.py test             run every test (sets everything up on first run)
    python3 build.py build            build the site into site/ (replaced only if the build succeeds)
    python3 build.py check            validate policy_source/ and report problems with file and line
    python3 build.py review CLAUSE    after re-reading the rules that cite a changed clause, record it
    python3 build.py note --summary "WHAT CHANGED FOR STAFF"   add the change note staff will read
    python3 build.py approve --by "WHO APPROVED IT" --date "YYYY-MM-DD"   record an approved wording
    python3 build.py impact           what the changed sources do to the wizard's answers, against main
    python3 build.py bench            measure speed against the targets (see bench/run.py)
    python3 build.py screenshots      remake the README's screenshots from a fresh build

The first run creates .venv from requirements/build.txt (and test.txt for test and bench) and installs the npm
packages; later runs reuse them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from sitegen import setup_env  # noqa: E402  (standard library only; runs before the venv exists)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("setup", help="install the pinned Python and npm packages (the tests' too) only")
    unreviewed_help = ("report rules whose clause wording changed since review as warnings, not errors "
                       "(for previews while a change is being reviewed)")
    check = commands.add_parser("check", help="validate policy_source/ (file, line and fix for each problem)")
    check.add_argument("--allow-unreviewed", action="store_true", help=unreviewed_help)
    build = commands.add_parser("build", help="check, then build the site into site/ atomically")
    build.add_argument("--site-dir", type=Path, default=ROOT / "site", help="where to put the site")
    build.add_argument("--allow-unreviewed", action="store_true", help=unreviewed_help)
    review = commands.add_parser("review", help="record that the rules citing a clause were re-read against "
                                                "its current wording")
    review.add_argument("clause_id", help="the clause id, e.g. personal-use-third-party")
    approve = commands.add_parser("approve", help="record that policy.md's current wording was approved: it becomes "
                                                   "the version every page shows, and the wording check's baseline")
    approve.add_argument("--by", required=True, metavar="WHO", help='who approved it, e.g. "SMT"')
    approve.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="when it was approved")
    withdraw = commands.add_parser("withdraw", help="record that a clause, removed from policy.md, is withdrawn: "
                                                     "its address keeps a note saying so, and its id is never reused")
    withdraw.add_argument("clause_id", help="the removed clause's id")
    withdraw.add_argument("--reason", required=True, metavar="WHY", help="why it was removed, in plain words")
    withdraw.add_argument("--replaced-by", metavar="CLAUSE_ID", help="the clause that now says it, if any")
    note = commands.add_parser("note", help="add a change note for staff to policy_source/changes.yaml (--summary), "
                                             "or record which change the newest note, written by hand, describes")
    note.add_argument("--summary", metavar="TEXT", help="what the change means for staff, in plain words")
    commands.add_parser("names", help="record the question keys, answer values and ids the rules publish in "
                                      "policy_source/published.yaml (append-only)")
    rules = commands.add_parser("rules", help="compile the rules to JSON for the command-line wizard")
    rules.add_argument("--output", type=Path, default=ROOT / "build" / "rules.json", help="where to write it")
    impact = commands.add_parser("impact", help="compare the wizard's answers under the sources at a git ref with "
                                                "the working tree, over every answer combination")
    impact.add_argument("--base", metavar="GIT_REF", help="what to compare with (default: where this branch left main)")
    impact.add_argument("--json", action="store_true", help="print one JSON object instead of Markdown")
    impact.add_argument("--sources", type=Path, metavar="FOLDER",
                        help="the changed policy_source/ to compare (default: this working tree's); CI passes a "
                             "pull request's, so the report comes from the base branch's code")
    pages = commands.add_parser("pages", help="check, then write build/pages/, the folder the site generator reads "
                                               "(build and serve do this first)")
    pages.add_argument("--allow-unreviewed", action="store_true", help=unreviewed_help)
    pages.add_argument("--preview", action="store_true", help="as `serve` writes it: no hashes to check the "
                                                              "engine against, one engine folder whatever the rules")
    serve = commands.add_parser("serve", help="preview the site, rebuilding when sources change")
    serve.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")
    commands.add_parser("test", help="lint, then run every test (extra arguments go to pytest)")
    commands.add_parser("screenshots", help="build the site and remake the README's screenshots (screenshots/)")
    bench = commands.add_parser("bench", help="measure speed in Chromium and CPython against the targets")
    bench.add_argument("--runs", type=int, default=7, help="runs per browser figure (median reported)")
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = extra
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Everything else installs only what building needs.
    for_tests = args.command in ("test", "bench", "setup", "screenshots")
    setup_env.ensure_python_env(for_tests)
    setup_env.ensure_npm_packages(for_tests)
    setup_env.reexec_in_venv()
    if args.command in ("test", "bench", "screenshots"):
        setup_env.ensure_chromium()
    if args.command == "test":
        setup_env.ensure_java()
        setup_env.ensure_nginx()
    from sitegen import commands  # imports PyYAML, Jinja2 and MkDocs: only inside the venv

    return commands.run(args)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # the reader closed the pipe (`build.py impact | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
