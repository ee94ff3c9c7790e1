"""The glossary and the list of related documents: small YAML files beside the policy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.source.errors import SourceProblem, did_you_mean
from sitegen.source.policy_text import Policy
from sitegen.source.yaml_source import LineDict, load_yaml


@dataclass
class Term:
    term: str
    spellings: list[str]
    definition: str
    clause: str


@dataclass
class StaffWords:
    """Words staff use that the policy does not, and the clauses they should find in search."""

    words: list[str]
    clauses: list[str]


@dataclass(frozen=True)
class ExpectedSearch:
    """A search staff make, and the clause that must be among the first three results (searches.yaml)."""

    query: str
    clause: str
    line: int


@dataclass
class RelatedDocument:
    name: str
    kind: str
    about: str
    mentioned_as: list[str]
    link: str | None
    clauses: list[str]  # clause ids whose wording mentions the document


def words(text: str) -> str:
    """Folded YAML text (`>-`, or lines broken anywhere) as one line with single spaces."""
    return " ".join(text.split())


def entries(path: Path, top_key: str, problems: list[SourceProblem]) -> list[LineDict]:
    """The list under `top_key`, each entry a mapping; anything else is reported."""
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(top_key), list):
        problems.append(SourceProblem(path, 1, f"the file must have a list called '{top_key}'",
                                      f"start the file with '{top_key}:' and one '- ' entry per item"))
        return []
    good = []
    for entry in data[top_key]:
        if isinstance(entry, LineDict):
            good.append(entry)
        else:
            problems.append(SourceProblem(path, getattr(data, "line_of", lambda _: 1)(top_key),
                                          f"an entry of '{top_key}' is not a set of 'name: value' lines",
                                          "write each entry as '- name: value' with its fields indented below"))
    return good


def check_fields(entry: LineDict, path: Path, required: dict[str, type], optional: dict[str, type],
                 what: str, problems: list[SourceProblem]) -> bool:
    """Report missing, unknown and mistyped fields of one entry; True when it is usable."""
    ok = True
    for name in required:
        if name not in entry:
            problems.append(SourceProblem(path, entry.line, f"{what} has no '{name}'",
                                          f"add '{name}:' to this entry"))
            ok = False
    for name, value in entry.items():
        kind = required.get(name) or optional.get(name)
        if kind is None:
            valid = ", ".join([*required, *optional])
            problems.append(SourceProblem(path, entry.line_of(name), f"{what} has an unknown field '{name}'",
                                          f"use only these fields: {valid}"))
            ok = False
        elif not isinstance(value, kind) or (kind is str and not value.strip()):
            expected = "a list" if kind is list else ("a mapping" if kind is dict else "some text")
            problems.append(SourceProblem(path, entry.line_of(name), f"'{name}' of {what} must be {expected}",
                                          f"write {expected} after '{name}:'"))
            ok = False
    return ok


def check_clause(clause_id: str, policy: Policy, path: Path, line: int, what: str,
                 problems: list[SourceProblem]) -> None:
    if clause_id not in policy.clauses:
        problems.append(SourceProblem(
            path, line, f"{what} cites clause '{clause_id}', which is not in {policy.path.name}"
            f"{did_you_mean(clause_id, list(policy.clauses))}",
            f"use an id listed on the Clause index page or in {policy.path.name} ({{#...}} at the end of a line)"))


def load_glossary(path: Path, policy: Policy, problems: list[SourceProblem]) -> list[Term]:
    terms: list[Term] = []
    for entry in entries(path, "terms", problems):
        what = f"term '{entry.get('term', '?')}'"
        if not check_fields(entry, path, {"term": str, "definition": str, "clause": str}, {"also": list},
                            what, problems):
            continue
        check_clause(entry["clause"], policy, path, entry.line_of("clause"), what, problems)
        spellings = [entry["term"], *[str(s) for s in entry.get("also", [])]]
        terms.append(Term(entry["term"], spellings, words(entry["definition"]), entry["clause"]))
    return terms


def load_related(path: Path, policy: Policy, problems: list[SourceProblem]) -> list[RelatedDocument]:
    documents: list[RelatedDocument] = []
    leaf_clauses = [c for c in policy.clauses.values() if c.id != c.section]
    for entry in entries(path, "documents", problems):
        what = f"document '{entry.get('name', '?')}'"
        if not check_fields(entry, path, {"name": str, "kind": str, "about": str, "mentioned_as": list},
                            {"link": str}, what, problems):
            continue
        link = entry.get("link")
        if link is not None and not re.fullmatch(r"https?://[^\s<>\"'()]+", link):
            problems.append(SourceProblem(path, entry.line_of("link"), f"the link of {what} is not a web address",
                                          "write the full address, starting with https:// (or http://)"))
            link = None
        names = [str(n) for n in entry["mentioned_as"]]
        clauses = [c.id for c in leaf_clauses if any(n in c.text for n in names)]
        if not clauses:
            problems.append(SourceProblem(path, entry.line_of("mentioned_as"),
                                          f"{what} is not mentioned in the policy under any of {names}",
                                          "write the name exactly as the policy spells it"))
        documents.append(RelatedDocument(entry["name"], entry["kind"], words(entry["about"]),
                                         names, link, clauses))
    return documents


def load_staff_words(path: Path, policy: Policy, problems: list[SourceProblem]) -> list[StaffWords]:
    """policy_source/staff_words.yaml (optional): staff's own words for the policy's terms, for search."""
    if not path.is_file():
        return []
    found = []
    for entry in entries(path, "words", problems):
        what = f"the words {entry.get('words', '?')}"
        if not check_fields(entry, path, {"words": list, "clauses": list}, {}, what, problems):
            continue
        for clause in entry["clauses"]:
            check_clause(str(clause), policy, path, entry.line_of("clauses"), what, problems)
        found.append(StaffWords([str(w) for w in entry["words"]], [str(c) for c in entry["clauses"]]))
    return found


def load_searches(path: Path, policy: Policy, problems: list[SourceProblem]) -> list[ExpectedSearch]:
    """policy_source/searches.yaml (optional): searches staff make, each with the clause it must find."""
    if not path.is_file():
        return []
    found = []
    for entry in entries(path, "searches", problems):
        what = f"the search {entry.get('query', '?')!r}"
        if not check_fields(entry, path, {"query": str, "clause": str}, {}, what, problems):
            continue
        check_clause(entry["clause"], policy, path, entry.line_of("clause"), what, problems)
        if entry["clause"] in policy.clauses:
            found.append(ExpectedSearch(entry["query"], entry["clause"], entry.line_of("query")))
    return found
