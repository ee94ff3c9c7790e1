"""`python3 -m wizard`: the "Am I allowed to post this?" wizard in a terminal.

    python3 -m wizard                                   an interview, one question at a time
    python3 -m wizard evaluate capacity=personal ...    the result for these answers
    python3 -m wizard evaluate capacity=business --json the same, as one JSON object

Answers use the public question keys and values (`python3 -m wizard evaluate --help` lists them, and so
does the site's "Rules at a glance" page). It needs Python 3.11+ and, to compile policy_source/,
PyYAML: nothing else (no Node, no npm, no virtual environment of its own).
Exit status: 0 for a result (complete or not), 1 when an interview is quit, 2 for an unknown key or
value, bad arguments or unusable rules, 130 when interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from wizard.engine import AnswerError, Applied, Engine, Result
from wizard.model import Rules

PROJECT = Path(__file__).resolve().parent.parent
COMPILED_RULES = PROJECT / "build" / "rules.json"
VENV_PYTHON = PROJECT / ".venv" / "bin" / "python"
POLICY_FILE = "policy_source/policy.md"


class UsageError(Exception):
    """Bad command-line input or unusable rules; exits with status 2 and the message."""


# -- loading the rules ----------------------------------------------------------------------------

def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"There is no rules file at {path}.") from None
    except OSError as error:
        raise UsageError(f"Cannot read the rules at {path}: {error.strerror}.") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise UsageError(f"{path} is not a JSON file ({error}). Give compiled rules, written by "
                         "`python3 build.py rules`.") from None


def _compile_from_source() -> dict:
    """Compile policy_source/ in this process (PyYAML is all it needs) and keep a copy in build/."""
    try:
        import yaml  # noqa: F401  (only to find out whether it is installed)
    except ImportError:
        if VENV_PYTHON.exists() and Path(sys.executable).resolve() != VENV_PYTHON.resolve():
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), "-m", "wizard", *sys.argv[1:]])  # noqa: S606
        raise UsageError("Compiling the rules in policy_source/ needs PyYAML, which this Python does not have. "
                         "Install it with `python3 -m pip install --user PyYAML`, or run `python3 build.py setup` "
                         "once, or pass --rules FILE with rules compiled elsewhere.") from None
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    from sitegen.source.errors import SourceError
    from sitegen.source.sources import load_sources

    print("Compiling the rules from policy_source/ ...", file=sys.stderr, flush=True)
    try:
        sources = load_sources(allow_unreviewed=True)  # a change still under review can be tried out
    except SourceError as error:
        raise UsageError(f"The rules could not be compiled:\n{error}\nFix policy_source/ and try again.") from None
    for warning in sources.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    data = sources.rules.data
    try:  # a cache only: a read-only checkout still answers
        COMPILED_RULES.parent.mkdir(parents=True, exist_ok=True)
        partial = COMPILED_RULES.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(data, indent=1), encoding="utf-8")
        partial.replace(COMPILED_RULES)
    except OSError:
        pass
    return data


def _source_rules() -> dict:
    """The compiled rules of this checkout, compiled again only when policy_source/ changed."""
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    from sitegen.source.digest import source_digest  # standard library only

    current = source_digest(PROJECT / "policy_source")
    try:
        cached = json.loads(COMPILED_RULES.read_text(encoding="utf-8"))
        if isinstance(cached, dict) and cached.get("source_digest") == current:
            return cached
    except (OSError, ValueError):
        pass
    return _compile_from_source()


def load_engine(rules_path: Path | None) -> Engine:
    """The engine for compiled rules (--rules), or for this checkout's policy_source/."""
    if rules_path is None and not (PROJECT / "policy_source").is_dir():
        rules_path = COMPILED_RULES
    data = _source_rules() if rules_path is None else _read_json(rules_path)
    if not isinstance(data, dict) or not {"questions", "verdicts", "obligations"} <= data.keys():
        raise UsageError(f"{rules_path} does not hold compiled rules (no questions, verdicts and obligations). "
                         "Give a file written by `python3 build.py rules`.")
    try:
        return Engine(Rules.from_dict(data))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise UsageError(f"{rules_path} holds incomplete or damaged compiled rules ({type(error).__name__}: "
                         f"{error}). Compile them again with `python3 build.py rules`.") from None


# -- printing -------------------------------------------------------------------------------------

def _wrap(text: str, indent: str) -> str:
    """Wrap to the terminal-friendly width; a bullet marker starts only the first line."""
    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=" " * len(indent))


def _source_line(engine: Engine, item: Applied, site_url: str | None) -> str:
    """Where the clause is: its line in the policy source and, when a site address is known, its link."""
    clause = engine.rules.clauses[item.clause]
    where = f"{POLICY_FILE}, line {clause.line}" if clause.line else item.clause
    link = f"\n      {site_url}{item.url}" if site_url else ""
    return f"    From the policy: {item.clause_label} ({where}){link}"


def _item_lines(engine: Engine, item: Applied, site_url: str | None, tag: str = "") -> list[str]:
    lines = [_wrap(f"{tag}{item.text}", "  * ")]
    if item.ask:
        lines.append(_wrap(f"Ask: {item.ask}.", "    "))
    if item.because:
        lines.append(_wrap("Because " + "; ".join(r.because for r in item.because) + ".", "    "))
    lines.append(_source_line(engine, item, site_url))
    return lines


def format_result(engine: Engine, result: Result, site_url: str | None) -> str:
    """The result as a person reads it: the verdict, what to do next and whom to ask, then the rest."""
    rules = engine.rules
    badges = {v.id: v.badge or v.label for v in rules.verdicts}
    least, strictest = rules.verdicts[0].id, rules.verdicts[-1].id
    lines: list[str] = []
    if result.verdict is None:
        question = engine.questions[result.next or ""]
        lines += ["Not finished: one or more questions remain.",
                  f"Next question ({question.key}): {question.text}",
                  f"  Answers: {', '.join(question.values)}", ""]
    else:
        verdict = next(v for v in rules.verdicts if v.id == result.verdict)
        lines += [f"Verdict: {verdict.label.upper()} ({verdict.id})", _wrap(verdict.summary, "  "), ""]
    decisive = [o for o in result.obligations if o.id in result.decisive]
    if decisive or result.unclear:
        lines.append("What to do next:")
        for item in decisive + result.unclear:
            lines += _item_lines(engine, item, site_url, f"[{badges[item.verdict or least]}] ")
        lines.append("")
    others = [o for o in result.obligations if o.id not in result.decisive and not o.standing]
    if others and result.verdict != strictest:
        lines.append("What applies:" if result.verdict else "What applies so far:")
        for item in others:
            lines += _item_lines(engine, item, site_url)
        lines.append("")
    standing = [o for o in result.obligations if o.standing]
    if standing:
        lines.append("Always remember:")
        for item in standing:
            lines.append(_wrap(item.text, "  - "))
        lines.append("")
    if result.ignored:
        lines += [f"Ignored answers (not needed on this path): {', '.join(result.ignored)}", ""]
    return "\n".join(lines)


# -- the interview ----------------------------------------------------------------------------------

def interview(engine: Engine, read: Callable[[str], str | None], out: TextIO, site_url: str | None) -> int:
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
            if reply.isascii() and reply.isdigit() and 1 <= int(reply) <= len(question.answers):
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


def _vocabulary(engine: Engine) -> str:
    """The keys and values, for `evaluate --help`."""
    lines = ["question keys and their answer values:"]
    for question in engine.rules.questions:
        note = " (no longer asked; answers are ignored)" if question.retired else ""
        lines.append(f"  {question.key}={'|'.join(question.values)}{note}")
    lines.append("verdicts, least strict first: " + ", ".join(v.id for v in engine.rules.verdicts))
    return "\n".join(lines)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, help="compiled rules JSON (default: compile policy_source/)")
    parser.add_argument("--site-url", default=os.environ.get("SITE_URL"),
                        help="the policy site's address, for clause links (default: $SITE_URL; without one, "
                             f"clauses are named with their line in {POLICY_FILE})")


def build_parser(engine: Engine | None, problem: str = "") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python3 -m wizard", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    listing = _vocabulary(engine) if engine else f"(the keys cannot be listed: {problem})"
    evaluate = commands.add_parser("evaluate", help="the result for answers given as key=value",
                                   description="The result for answers given as key=value.", epilog=listing,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    evaluate.add_argument("answers", nargs="*", metavar="key=value")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    questions = commands.add_parser("questions", help="list the question keys and their answer values")
    questions.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _run(argv: list[str]) -> int:
    early = argparse.ArgumentParser(add_help=False)
    _options(early)
    options, _rest = early.parse_known_args(argv)
    try:
        engine = load_engine(options.rules)
    except UsageError as error:
        if "-h" in argv or "--help" in argv:
            build_parser(None, str(error)).parse_args(argv)  # prints the help and exits 0
        raise
    args = build_parser(engine).parse_args(argv)
    site_url = args.site_url and (args.site_url if args.site_url.endswith("/") else args.site_url + "/")
    if args.command is None:
        return interview(engine, _read_line, sys.stdout, site_url)
    if args.command == "questions":
        listing = {q.key: list(q.values) for q in engine.rules.questions}
        print(json.dumps(listing, indent=2) if args.json else
              "\n".join(f"{key}: {', '.join(values)}" for key, values in listing.items()))
        return 0
    try:
        result = engine.evaluate(parse_answers(args.answers))
    except AnswerError as error:
        raise UsageError(str(error)) from None
    if args.json:
        payload = result.to_dict()
        for item in payload["obligations"] + payload["unclear"]:
            item["url"] = (site_url or "") + item["url"]
        print(json.dumps(payload, indent=2))
    else:
        print(format_result(engine, result, site_url))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; every failure is one short message and an exit status, never a traceback."""
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nInterrupted; nothing was saved.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader closed the pipe (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
