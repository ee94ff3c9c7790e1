"""Real situations with the wizard's expected answer (`policy_source/scenarios/*.yaml`), owned by the comms team.

One source, four uses: the engine's scenario tests (CPython and browser), the worked examples page,
the new hires' self-check, and its record of completion. Every published situation's stated
verdict is checked against the engine at build time, so the site never teaches a wrong answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.source.errors import SourceProblem
from sitegen.source.reference_data import check_fields, words
from sitegen.source.yaml_source import LineDict, load_yaml
from wizard.engine import Engine
from wizard.model import Rules

PUBLISH = ("example", "self-check")
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Situation:
    id: str
    name: str
    description: str
    answers: dict[str, str]
    verdict: str | None
    publish: list[str]
    path: Path
    line: int
    expect: dict[str, Any] = field(default_factory=dict)  # present, absent, unclear, not_unclear, ignored, next


def load_situations(source_dir: Path, rules: dict[str, Any], problems: list[SourceProblem]) -> list[Situation]:
    """Every situation file in `source_dir/scenarios/`, checked against the rules; problems are appended."""
    folder = source_dir / "scenarios"
    if not folder.is_dir():
        return []
    values_of = {q["key"]: [a["value"] for a in q["answers"]] for q in rules.get("questions", [])}
    verdicts = [v["id"] for v in rules.get("verdicts", [])]
    situations: list[Situation] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml(path)
        if not isinstance(data, list):
            problems.append(SourceProblem(path, 1, "a scenarios file must be a list of situations",
                                          "start each situation with '- id: ...'"))
            continue
        for item in data:
            if not isinstance(item, LineDict):
                problems.append(SourceProblem(path, 1, "a situation is not a set of 'name: value' lines",
                                              "write each situation as '- id: ...' with its fields indented below"))
                continue
            situation = _situation(item, path, values_of, verdicts, seen, problems)
            if situation:
                situations.append(situation)
    _check_situations(situations, rules, problems)
    return situations


def _situation(item: LineDict, path: Path, values_of: dict[str, list[str]], verdicts: list[str],
               seen: dict[str, str], problems: list[SourceProblem]) -> Situation | None:
    what = f"situation '{item.get('id', item.get('name', '?'))}'"
    optional = {"publish": list, "present": list, "absent": list, "unclear": list, "not_unclear": list,
                "ignored": list, "next": str}
    if not check_fields(item, path, {"id": str, "name": str, "description": str, "answers": dict, "verdict": object},
                        optional, what, problems):
        return None
    sid = str(item["id"])
    if not ID_PATTERN.fullmatch(sid):
        problems.append(SourceProblem(path, item.line_of("id"), f"situation id {sid!r} is not valid",
                                      "write it in kebab-case, e.g. weekend-hike-photo; never rename a published id"))
    elif sid in seen:
        problems.append(SourceProblem(path, item.line_of("id"), f"situation id {sid!r} is already used in {seen[sid]}",
                                      "give each situation its own id"))
    seen[sid] = f"{path.name}:{item.line_of('id')}"
    answers = {str(k): str(v) for k, v in item["answers"].items()}
    for key, value in answers.items():
        if key not in values_of:
            problems.append(SourceProblem(path, item.line_of("answers"), f"{what} answers unknown question {key!r}",
                                          f"use one of: {', '.join(values_of)}"))
        elif value not in values_of[key]:
            problems.append(SourceProblem(path, item.line_of("answers"), f"{what} answers {key}={value!r}",
                                          f"use one of: {', '.join(values_of[key])}"))
    verdict = item["verdict"]
    if verdict is not None and verdict not in verdicts:
        problems.append(SourceProblem(path, item.line_of("verdict"), f"{what} has unknown verdict {verdict!r}",
                                      f"use one of: {', '.join(verdicts)}, or null for a partial situation"))
    publish = [str(p) for p in item.get("publish", [])]
    for target in publish:
        if target not in PUBLISH:
            problems.append(SourceProblem(path, item.line_of("publish"), f"{what} is published to {target!r}",
                                          f"use one or both of: {', '.join(PUBLISH)}"))
    if publish and verdict is None:
        problems.append(SourceProblem(path, item.line_of("publish"), f"{what} is published but has no verdict",
                                      "publish only complete situations, with their verdict"))
    expect = {k: item[k] for k in optional if k in item and k != "publish"}
    return Situation(sid, words(str(item["name"])), words(str(item["description"])), answers, verdict, publish,
                     path, item.line, expect)


def _check_situations(situations: list[Situation], rules: dict[str, Any], problems: list[SourceProblem]) -> None:
    """Every situation must get from the engine what it says: its verdict (a published one teaches it to
    staff), its next question, and the obligations and notes it names as applying or not. The tests
    read the same files, so a passing `check` means they pass."""
    if not situations or problems:
        return
    engine = Engine(Rules.from_dict(rules))
    for situation in situations:
        result = engine.evaluate(situation.answers)
        said = "is published saying" if situation.publish else "says"
        if result.verdict != situation.verdict:
            got = result.verdict or f"no verdict yet (it still asks {result.next})"
            fix = ("correct its verdict (or its answers), or the rules, so that staff are taught what the wizard "
                   "says")
            if result.verdict is None and situation.verdict is not None:  # a new question: its answer is missing
                values = ", ".join(f'"{v}"' for v in engine.values_of.get(result.next, ()))
                fix = (f"add its answer to the new question to 'answers:' ({result.next}: one of {values}), then "
                       "check that its verdict is still the one the wizard gives")
            problems.append(SourceProblem(situation.path, situation.line,
                                          f"situation '{situation.id}' {said} {situation.verdict}, "
                                          f"but the wizard answers {got}", fix))
            continue
        expect = situation.expect
        obligations = {o.id for o in result.obligations}
        notes = {u.id for u in result.unclear}
        wrong = []
        if "next" in expect and expect["next"] != result.next:
            wrong.append(f"it says the next question is {expect['next']}, the wizard asks {result.next}")
        for name, found, applies in (("present", obligations, True), ("absent", obligations, False),
                                     ("unclear", notes, True), ("not_unclear", notes, False)):
            named = [str(n) for n in expect.get(name, [])]
            off = [n for n in named if (n in found) != applies]
            if off:
                wrong.append(f"'{name}' lists {', '.join(off)}, which the wizard "
                             f"{'does not apply' if applies else 'applies'} here")
        if "ignored" in expect and sorted(map(str, expect["ignored"])) != sorted(result.ignored):
            wrong.append(f"it says the answers ignored are {sorted(map(str, expect['ignored']))}, the wizard "
                         f"ignores {sorted(result.ignored)}")
        if wrong:
            problems.append(SourceProblem(situation.path, situation.line, f"situation '{situation.id}': "
                                          + "; ".join(wrong), "correct the situation (or the rules) so that it "
                                          "says what the wizard does"))


def worked(situation: Situation, engine: Engine) -> dict[str, Any]:
    """A published situation as a reader sees it: answers in words, the verdict, why, and what applies."""
    rules = engine.rules
    result = engine.evaluate(situation.answers)
    verdict = next(v for v in rules.verdicts if v.id == result.verdict)
    asked = [k for k in result.answers if k not in result.implied and k not in result.ignored]
    deciding = [o for o in result.obligations if o.id in result.decisive] + list(result.unclear)
    reasons = list(dict.fromkeys(" and ".join(r.because for r in item.because) for item in deciding))
    why = (f"This is because {'; and '.join(reasons)}." if reasons
           else "Nothing in this situation needs approval first, needs checking, or is prohibited.")
    badges = {v.id: v.badge for v in rules.verdicts}
    applies = [{"text": item.text, "clause": item.clause_label, "url": item.url, "ask": item.ask,
                "badge": badges.get(item.verdict or "", "")} for item in deciding]
    if result.verdict != rules.verdicts[-1].id:  # no duties are listed for a post that may not be made
        applies += [{"text": o.text, "clause": o.clause_label, "url": o.url, "ask": None, "badge": ""}
                    for o in result.obligations if o.id not in result.decisive and not o.standing]
    return {"id": situation.id, "name": situation.name, "description": situation.description,
            "verdict": verdict.id, "verdict_label": verdict.label, "summary": verdict.summary, "why": why,
            "answers": [[engine.questions[k].text, engine.questions[k].answer(result.answers[k]).label] for k in asked],
            "link": "wizard/#" + "&".join(f"{k}={result.answers[k]}" for k in asked), "applies": applies}
