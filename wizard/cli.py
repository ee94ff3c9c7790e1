"""`python3 -m wizard`: the "Am I allowed to post this?" wizard in a terminal.

    python3 -m wizard                                   an interview, one question at a time
    python3 -m wizard evaluate capacity=personal ...    the result for these answers
    python3 -m wizard evaluate capacity=business --json the same, as one JSON object

Answers use the public question keys and values (the site's "Rules at a glance" page lists them, and so
does `python3 -m wizard questions`).
Exit status: 0 for a result (complete or not), 2 for an unknown key or value, or bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from wizard.engine import AnswerError, Engine, Result
from wizard.model import Rules

PROJECT = Path(__file__).resolve().parent.parent
COMPILED_RULES = PROJECT / "build" / "rules.json"
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


class UsageError(Exception):
    """Bad command-line input; exits with status 2 and the message."""


# -- loading the rules ----------------------------------------------------------------------------

def _compiled_is_current(path: Path) -> bool:
    sys.path.insert(0, str(PROJECT))
    from sitegen.digest import source_digest  # standard library only

    try:
        recorded = json.loads(path.read_text(encoding="utf-8")).get("source_digest")
    except (OSError, ValueError):
        return False
    return recorded == source_digest(PROJECT / "policy_source")


def load_engine(rules_path: Path | None) -> Engine:
    """The engine for compiled rules; in a checkout, compile policy_source/ first when it changed."""
    if rules_path is None:
        rules_path = COMPILED_RULES
        if (PROJECT / "policy_source").is_dir() and not _compiled_is_current(rules_path):
            print("Compiling the rules from policy_source/ ...", file=sys.stderr, flush=True)
            done = subprocess.run([sys.executable, str(PROJECT / "build.py"), "rules", "--output", str(rules_path)],
                                  stdout=subprocess.DEVNULL)
            if done.returncode != 0:
                raise SystemExit("The rules could not be compiled (see above); fix policy_source/ and try again.")
    try:
        data = json.loads(rules_path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SystemExit(f"Cannot read the rules at {rules_path}: {error.strerror}.") from None
    return Engine(Rules.from_dict(data))


# -- printing -------------------------------------------------------------------------------------

def _wrap(text: str, indent: str) -> str:
    """Wrap to the terminal-friendly width; a bullet marker starts only the first line."""
    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=" " * len(indent))


def format_result(engine: Engine, result: Result, site_url: str) -> str:
    """The result as a person reads it: verdict, then obligations, unclear notes and ignored answers."""
    rules = engine.rules
    lines: list[str] = []
    if result.verdict is None:
        question = engine.questions[result.next or ""]
        lines += ["Not finished: one or more questions remain.",
                  f"Next question ({question.key}): {question.text}",
                  f"  Answers: {', '.join(question.values)}", ""]
    else:
        verdict = next(v for v in rules.verdicts if v.id == result.verdict)
        lines += [f"Verdict: {verdict.label.upper()} ({verdict.id})", _wrap(verdict.summary, "  "), ""]
    if result.obligations:
        lines.append("What applies:" if result.verdict else "What applies so far:")
        for item in result.obligations:
            lines.append(_wrap(item.text, "  * "))
            lines.append(f"    Clause: {item.clause_label}: {site_url}{item.url}")
            if item.because:
                lines.append(_wrap("Because " + "; ".join(r.because for r in item.because) + ".", "    "))
            if item.verdict != rules.verdicts[0].id:
                lines.append(f"    Verdict: {item.verdict}")
        lines.append("")
    if result.unclear:
        lines.append("Not settled by the policy (ask before you post):")
        for item in result.unclear:
            lines.append(_wrap(item.text, "  ? "))
            lines.append(_wrap(f"Ask: {item.ask}.", "    "))
            lines.append(f"    Clause: {item.clause_label}: {site_url}{item.url}")
        lines.append("")
    if result.ignored:
        lines += [f"Ignored answers (not needed on this path): {', '.join(result.ignored)}", ""]
    return "\n".join(lines)


# -- the interview ----------------------------------------------------------------------------------

def interview(engine: Engine, read: Callable[[str], str | None], out: TextIO, site_url: str) -> int:
    """Ask one question at a time; 'b' goes back, 'q' quits. Returns the exit status."""
    policy = engine.rules.policy
    out.write(f"Am I allowed to post this?\n{policy['title']}, version {policy['version']} "
              f"(approved {policy['approval_date_text']}).\n"
              "Answer with the number of your choice. Type b to go back, q to quit.\n\n")
    answers: dict[str, str] = {}
    order: list[str] = []
    while True:
        result = engine.evaluate(answers)
        if result.next is None:
            out.write("\n" + format_result(engine, result, site_url))
            return 0
        question = engine.questions[result.next]
        out.write(f"Question {len(order) + 1}: {question.text}\n{_wrap(question.help, '  ')}\n"
                  f"  (From: {engine.rules.clauses[question.clause].label})\n")
        for number, answer in enumerate(question.answers, start=1):
            out.write(f"  {number}) {answer.label}\n")
        while True:
            reply = read("> ")
            if reply is None or reply.strip().lower() in ("q", "quit"):
                out.write("\nInterview ended; nothing was saved.\n")
                return 1
            reply = reply.strip().lower()
            if reply in ("b", "back"):
                if order:
                    del answers[order.pop()]
                    out.write("\n")
                    break
                out.write("This is the first question; there is nothing to go back to.\n")
                continue
            if reply.isdigit() and 1 <= int(reply) <= len(question.answers):
                answers[question.key] = question.answers[int(reply) - 1].value
                order.append(question.key)
                out.write("\n")
                break
            out.write(f"Please type a number from 1 to {len(question.answers)}, b to go back, or q to quit.\n")


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


# -- arguments ------------------------------------------------------------------------------------

def parse_answers(pairs: Sequence[str]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"{pair!r} is not an answer; write key=value, e.g. capacity=personal.")
        if key in answers and answers[key] != value:
            raise UsageError(f"{key!r} is answered twice ({answers[key]!r} and {value!r}); give one answer.")
        answers[key] = value
    return answers


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python3 -m wizard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=Path, help="compiled rules JSON (default: compile policy_source/)")
    parser.add_argument("--site-url", default=os.environ.get("SITE_URL", DEFAULT_SITE_URL),
                        help=f"where the policy site is, for clause links (default: $SITE_URL or {DEFAULT_SITE_URL})")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    evaluate = commands.add_parser("evaluate", help="the result for answers given as key=value")
    evaluate.add_argument("answers", nargs="*", metavar="key=value")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    questions = commands.add_parser("questions", help="list the question keys and their answer values")
    questions.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    site_url = args.site_url if args.site_url.endswith("/") else args.site_url + "/"
    engine = load_engine(args.rules)
    if args.command is None:
        return interview(engine, _read_line, sys.stdout, site_url)
    if args.command == "questions":
        listing = {q.key: list(q.values) for q in engine.rules.questions}
        print(json.dumps(listing, indent=2) if args.json else
              "\n".join(f"{key}: {', '.join(values)}" for key, values in listing.items()))
        return 0
    try:
        result = engine.evaluate(parse_answers(args.answers))
    except (AnswerError, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        payload = result.to_dict()
        for item in payload["obligations"] + payload["unclear"]:
            item["url"] = site_url + item["url"]
        print(json.dumps(payload, indent=2))
    else:
        print(format_result(engine, result, site_url))
    return 0
