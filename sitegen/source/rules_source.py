"""Read `policy_source/rules.yaml`, check it against the policy, and compile it for the engine.

Compiling turns YAML into plain JSON-ready data (the browser's Python has no YAML parser) with
conditions in one normal form: {"all": {key: [values]}, "any": [{key: [values]}, ...]}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.source.errors import SourceProblem, did_you_mean
from sitegen.source.policy_text import Policy
from sitegen.source.reference_data import check_clause, check_fields, entries, words
from sitegen.source.yaml_source import LineDict, load_yaml

KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
POLICY_PAGE = "policy/"


@dataclass
class Citation:
    """A rule citing a clause, with the fingerprint of the wording it was last reviewed against."""

    kind: str  # "question", "obligation" or "unclear note"
    name: str
    clause: str
    reviewed: str | None
    line: int  # line of the rule in rules.yaml
    clause_line: int
    reviewed_line: int | None


@dataclass
class CompiledRules:
    data: dict[str, Any]
    citations: list[Citation] = field(default_factory=list)


class _Checker:
    def __init__(self, path: Path, policy: Policy, problems: list[SourceProblem]):
        self.path, self.policy, self.problems = path, policy, problems
        self.values_of: dict[str, list[str]] = {}
        self.retired: dict[str, int] = {}  # question key -> line of its 'retired:'
        self.citations: list[Citation] = []

    def problem(self, line: int, problem: str, fix: str) -> None:
        self.problems.append(SourceProblem(self.path, line, problem, fix))

    def unique(self, items: list[LineDict], field_name: str, pattern: re.Pattern[str], what: str) -> list[LineDict]:
        seen: dict[str, int] = {}
        kept = []
        for item in items:
            if field_name not in item:
                self.problem(item.line, f"this {what} has no '{field_name}'",
                             f"start the entry with '- {field_name}: ...'; {field_name}s are public, never rename one")
                continue
            name = str(item[field_name])
            if not pattern.fullmatch(name):
                style = "snake_case, e.g. city_equipment" if pattern is KEY else "kebab-case, e.g. no-speaking-for-city"
                self.problem(item.line_of(field_name), f"{what} {field_name} {name!r} is not valid",
                             f"write it in {style}")
            elif name in seen:
                self.problem(item.line_of(field_name), f"{what} {field_name} {name!r} is already used on line "
                             f"{seen[name]}", f"give each {what} its own {field_name}")
            else:
                seen[name] = item.line_of(field_name)
                kept.append(item)
        return kept

    def titled(self, item: LineDict, what: str, lenient: bool) -> None:
        """Every rule has a plain title for staff (older versions read from git may not)."""
        if "title" not in item and not lenient:
            self.problem(item.line, f"{what} has no 'title'",
                         "add 'title: ...', a plain heading for staff, e.g. 'Consult before using a new tool'")

    def cite(self, item: LineDict, kind: str, name: str) -> None:
        what = f"{kind} '{name}'"
        check_clause(item["clause"], self.policy, self.path, item.line_of("clause"), what, self.problems)
        reviewed = item.get("reviewed")
        self.citations.append(Citation(kind, name, item["clause"], str(reviewed) if reviewed else None,
                                       item.line, item.line_of("clause"),
                                       item.line_of("reviewed") if "reviewed" in item else None))

    def condition(self, raw: Any, line: int, what: str) -> dict[str, Any]:
        """Check one condition and return its normal form."""
        if raw == "always":
            return {"all": {}, "any": []}
        if not isinstance(raw, dict) or not raw:
            self.problem(line, f"the condition of {what} is neither 'always' nor a set of 'key: value'",
                         "write e.g. {capacity: business, new_tool: \"yes\"}, or 'always'")
            return {"all": {}, "any": []}
        groups = raw.get("any", [])
        if "any" in raw and (not isinstance(groups, list) or not groups
                             or not all(isinstance(g, dict) and g and "any" not in g for g in groups)):
            self.problem(line, f"'any' in the condition of {what} must be a list of 'key: value' groups",
                         "write any: [{identifies_city: \"yes\"}, {city_equipment: \"yes\"}]; "
                         "conditions nest at most one level")
            groups = []
        return {"all": self.group({k: v for k, v in raw.items() if k != "any"}, line, what),
                "any": [self.group(g, line, what) for g in groups]}

    def group(self, raw: dict[str, Any], line: int, what: str) -> dict[str, list[str]]:
        compiled = {}
        for key, value in raw.items():
            values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            if key not in self.values_of:
                asked = [k for k in self.values_of if k not in self.retired]  # never offer a retired question
                self.problem(line, f"the condition of {what} uses unknown question key {key!r}"
                             f"{did_you_mean(key, asked)}", f"use one of: {', '.join(asked)}")
                continue
            if key in self.retired:
                self.problem(line, f"the condition of {what} uses question {key!r}, which is retired "
                             f"(line {self.retired[key]}) and never asked",
                             "use a question that is still asked, or remove 'retired' from the question")
                continue
            wrong = [v for v in values if v not in self.values_of[key]]
            if wrong:
                self.problem(line, f"the condition of {what} uses {wrong[0]!r}, which is not an answer to {key!r}"
                             f"{did_you_mean(wrong[0], self.values_of[key])}",
                             f"use one of: {', '.join(self.values_of[key])}")
                continue
            compiled[key] = values
        return compiled


def _screens(check: _Checker, data: LineDict, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions asked together on one screen, next to each other in the order: with `none`, yes/no
    questions shown as checkboxes (each needs a statement); without it, each question with its answers."""
    order = [q["key"] for q in questions if "retired" not in q]
    by_key = {q["key"]: q for q in questions}
    compiled, taken = [], {}
    for item in check.unique(entries(check.path, "screens", check.problems), "id", ID, "screen"):
        what = f"screen '{item['id']}'"
        if not check_fields(item, check.path, {"id": str, "text": str, "help": str, "keys": list}, {"none": str},
                            what, check.problems):
            continue
        checkboxes = "none" in item
        line, keys = item.line_of("keys"), [str(k) for k in item["keys"]]
        good = True
        for key in keys:
            question = by_key.get(key)
            problem = ("is not a question that is asked" if key not in order else
                       f"is already on screen '{taken[key]}'" if key in taken else
                       "does not take exactly the answers yes and no" if checkboxes and
                       [a["value"] for a in question["answers"]] != ["yes", "no"] else
                       "has no 'statement' (the checkbox's words)" if checkboxes and "statement" not in question
                       else "")
            if problem:
                check.problem(line, f"{what} lists {key!r}, which {problem}",
                              "list only yes/no questions that have a 'statement', each on one screen" if checkboxes
                              else "list only questions that are asked, each on one screen")
                good = False
            taken.setdefault(key, item["id"])
        positions = sorted(order.index(k) for k in keys if k in order)
        if not good:
            continue
        if len(keys) < 2:
            check.problem(line, f"{what} has fewer than two questions", "list at least two, or remove the screen")
        elif positions != list(range(positions[0], positions[0] + len(positions))):
            check.problem(line, f"the questions of {what} are not next to each other in the question order",
                          f"move them together in 'questions:', e.g. in this order: {', '.join(keys)}")
        else:
            screen = {"id": item["id"], "text": words(item["text"]), "help": words(item["help"]),
                      "keys": [order[p] for p in positions]}
            if checkboxes:
                screen["none"] = words(item["none"])
            compiled.append(screen)
    return compiled


def load_rules(path: Path, policy: Policy, problems: list[SourceProblem], lenient: bool = False) -> CompiledRules:
    """Validate rules.yaml against the policy and compile it; problems are appended, not raised.

    `lenient` (for older versions read from git): no `unclear_verdict` means notes did not change the
    verdict, as before it existed, and obligations need not name whom to ask.
    """
    data = load_yaml(path)
    check = _Checker(path, policy, problems)
    if not isinstance(data, dict):
        check.problem(1, "rules.yaml must have verdicts, questions, obligations and unclear lists",
                      "restore the file's structure from git")
        return CompiledRules({})

    verdicts = []
    for item in check.unique(entries(path, "verdicts", problems), "id", ID, "verdict"):
        if check_fields(item, path, {"id": str, "label": str, "summary": str}, {"badge": str},
                        f"verdict '{item['id']}'", problems):
            verdicts.append({"id": item["id"], "label": item["label"], "summary": words(item["summary"]),
                             "badge": item.get("badge", "")})
    verdict_ids = [v["id"] for v in verdicts]
    unclear_verdict = data.get("unclear_verdict")
    if lenient and unclear_verdict is None and verdict_ids:
        unclear_verdict = verdict_ids[0]
    if unclear_verdict not in verdict_ids:
        check.problem(data.line_of("unclear_verdict"),
                      f"'unclear_verdict' is {unclear_verdict!r}, not one of the verdicts" if unclear_verdict
                      else "the file has no 'unclear_verdict' (the verdict an unclear note calls for)",
                      f"write e.g. 'unclear_verdict: {verdict_ids[1] if len(verdict_ids) > 1 else 'ask-first'}' "
                      f"using one of: {', '.join(verdict_ids)}")

    question_items = []
    for item in check.unique(entries(path, "questions", problems), "key", KEY, "question"):
        what = f"question '{item['key']}'"
        if not check_fields(item, path, {"key": str, "text": str, "help": str, "clause": str, "answers": list},
                            {"reviewed": str, "implied": dict, "retired": str, "statement": str}, what, problems):
            continue
        answers = []
        for answer in item["answers"]:
            if isinstance(answer, LineDict) and check_fields(
                    answer, path, {"value": str, "label": str, "because": str}, {}, f"an answer of {what}", problems):
                answers.append({k: words(str(answer[k])) for k in ("value", "label", "because")})
        values = [a["value"] for a in answers]
        if len(values) < 2 or len(set(values)) != len(values):
            check.problem(item.line_of("answers"), f"{what} needs at least two answers with different values",
                          "give each answer its own 'value'")
            continue
        check.values_of[item["key"]] = values
        check.cite(item, "question", item["key"])
        question_items.append((item, answers))

    questions = []
    for item, answers in question_items:
        what = f"question '{item['key']}'"
        compiled = {"key": item["key"], "text": words(item["text"]), "help": words(item["help"]),
                    "clause": item["clause"], "answers": answers}
        if "statement" in item:
            compiled["statement"] = words(item["statement"])
        if "retired" in item:
            compiled["retired"] = words(item["retired"])
            check.retired[item["key"]] = item.line_of("retired")
        implied = item.get("implied")
        if implied is not None:
            if not check_fields(implied, path, {"when": object, "value": str}, {}, f"'implied' of {what}", problems):
                continue
            if str(implied["value"]) not in check.values_of[item["key"]]:
                check.problem(implied.line_of("value"), f"'implied' of {what} gives {implied['value']!r}",
                              f"use one of: {', '.join(check.values_of[item['key']])}")
            compiled["implied"] = {"when": check.condition(implied["when"], implied.line_of("when"), what),
                                   "value": str(implied["value"])}
        questions.append(compiled)

    screens = _screens(check, data, questions) if "screens" in data else []

    obligations = []
    for item in check.unique(entries(path, "obligations", problems), "id", ID, "obligation"):
        what = f"obligation '{item['id']}'"
        if not check_fields(item, path, {"id": str, "text": str, "clause": str, "when": object},
                            {"reviewed": str, "verdict": str, "verdict_when": object, "ask": str, "title": str},
                            what, problems):
            continue
        verdict = item.get("verdict", verdict_ids[0] if verdict_ids else "")
        if verdict not in verdict_ids:
            check.problem(item.line_of("verdict"), f"{what} has unknown verdict {verdict!r}",
                          f"use one of: {', '.join(verdict_ids)}")
        elif verdict != verdict_ids[0] and not item.get("ask") and not lenient:
            check.problem(item.line_of("verdict"), f"{what} can stop or delay a post ({verdict}) but names no one "
                          "to ask", "add 'ask: ...' naming whom the reader should contact, e.g. "
                          "'your Communications or Public Affairs Officer'")
        if "verdict_when" in item and "verdict" not in item:
            check.problem(item.line_of("verdict_when"), f"{what} has 'verdict_when' but no 'verdict'",
                          "add the verdict that applies under 'verdict_when', or remove 'verdict_when'")
        check.cite(item, "obligation", item["id"])
        check.titled(item, what, lenient)
        obligations.append({
            "id": item["id"], "title": words(str(item.get("title", item["id"]))), "text": words(item["text"]),
            "clause": item["clause"],
            "when": check.condition(item["when"], item.line_of("when"), what), "verdict": verdict,
            "verdict_when": (check.condition(item["verdict_when"], item.line_of("verdict_when"), what)
                             if "verdict_when" in item else None),
            "ask": words(item["ask"]) if item.get("ask") else None})

    unclear = []
    for item in check.unique(entries(path, "unclear", problems), "id", ID, "unclear note"):
        what = f"unclear note '{item['id']}'"
        if not check_fields(item, path, {"id": str, "text": str, "ask": str, "clause": str, "when": object},
                            {"reviewed": str, "only_if_asked": str, "title": str}, what, problems):
            continue
        only_if_asked = str(item.get("only_if_asked", "false"))
        if only_if_asked not in ("true", "false"):
            check.problem(item.line_of("only_if_asked"), f"'only_if_asked' of {what} is {only_if_asked!r}",
                          "write 'only_if_asked: true', or remove the line")
        check.cite(item, "unclear note", item["id"])
        check.titled(item, what, lenient)
        unclear.append({"id": item["id"], "title": words(str(item.get("title", item["id"]))),
                        "text": words(item["text"]), "ask": words(item["ask"]),
                        "clause": item["clause"], "when": check.condition(item["when"], item.line_of("when"), what),
                        "only_if_asked": only_if_asked == "true"})

    cited = sorted({c.clause for c in check.citations if c.clause in policy.clauses})
    compiled_data = {
        "policy": {"title": policy.meta["title"], "version": policy.meta["version"],
                   "approval_date": policy.meta["approval_date"], "approval_date_text": policy.approval_date_text},
        "verdicts": verdicts, "unclear_verdict": unclear_verdict,
        "questions": questions, "screens": screens, "obligations": obligations, "unclear": unclear,
        "clauses": {cid: {"label": policy.clauses[cid].label, "url": f"{POLICY_PAGE}#{cid}",
                          "text": policy.clauses[cid].text, "line": policy.clauses[cid].line} for cid in cited},
    }
    return CompiledRules(compiled_data, check.citations)
