"""The public vocabulary is a contract: URLs, saved results, tests and the CLI use these exact names.

Renaming any of them breaks bookmarks and saved results. This test fails on any rename; if a change is
truly intended, update this list in the same pull request and say so in its description (the site's
"Rules at a glance" page documents the vocabulary from policy_source/rules.yaml).
"""

from __future__ import annotations

from wizard import Engine

QUESTIONS = {
    "capacity": ["personal", "business", "peers"],
    **{key: ["yes", "no"] for key in (
        "identifies_city", "city_equipment", "speaks_for_city", "student", "new_campaign", "external_discussion",
        "restricted_community", "privacy_breach")},
    # version 2 added "unsure" where a new hire may really not know
    **{key: ["yes", "no", "unsure"] for key in (
        "approved_rep", "discloses_city_business", "discloses_personal_info", "discloses_third_party", "new_tool")},
}
VERDICTS = ["allowed", "ask-first", "approval-required", "not-allowed"]  # least to most strict
UNCLEAR = {
    "peer-disclosure-limits", "training-where-necessary", "spokesperson-personal-account",
    # version 2
    "check-approval-status", "city-business-meaning", "personal-info-check", "third-party-check",
}
RETIRED = {"privacy_breach"}  # still valid in links (answers are ignored), no longer asked
OBLIGATIONS = {
    "personal-use-not-restricted", "no-speaking-for-city", "no-disclosure-city-business",
    "no-disclosure-personal-info", "no-disclosure-third-party", "subject-to-city-policies",
    "personally-responsible", "email-internet-policy", "submissions-permanent", "laws-apply-online",
    "not-off-the-record", "identify-yourself", "may-be-reviewed", "training-and-authorization",
    "students-cannot-represent", "consult-before-new-tool", "business-case-required", "departmental-procedures",
    "treat-as-media-request", "peer-consultation-permitted", "report-privacy-breach", "maintain-favourable-image",
    "breach-consequences",
}


def test_question_keys_and_values(engine: Engine) -> None:
    assert {k: list(v) for k, v in engine.values_of.items()} == QUESTIONS


def test_unclear_note_ids_and_the_verdict_they_call_for(engine: Engine) -> None:
    assert {u.id for u in engine.rules.unclear} == UNCLEAR
    assert engine.rules.unclear_verdict == "ask-first"


def test_retired_questions_stay_valid_but_are_never_asked(engine: Engine) -> None:
    assert {q.key for q in engine.rules.questions if q.retired} == RETIRED
    result = engine.evaluate({"capacity": "peers", "privacy_breach": "yes"})
    assert "privacy_breach" in result.ignored


def test_every_obligation_that_stops_or_delays_a_post_names_whom_to_ask(engine: Engine) -> None:
    for obligation in engine.rules.obligations:
        assert obligation.verdict == "allowed" or obligation.ask, obligation.id
    assert all(note.ask for note in engine.rules.unclear)


def test_verdicts_in_order_of_strictness(engine: Engine) -> None:
    assert [v.id for v in engine.rules.verdicts] == VERDICTS


def test_obligation_ids(engine: Engine) -> None:
    assert {o.id for o in engine.rules.obligations} == OBLIGATIONS


def test_the_policy_model_effects(engine: Engine) -> None:
    effects = {o.id: o.verdict for o in engine.rules.obligations if o.verdict != "allowed"}
    assert effects == {
        "no-speaking-for-city": "not-allowed", "no-disclosure-city-business": "not-allowed",
        "no-disclosure-personal-info": "not-allowed", "no-disclosure-third-party": "not-allowed",
        "students-cannot-represent": "not-allowed", "training-and-authorization": "approval-required",
        "consult-before-new-tool": "approval-required", "business-case-required": "approval-required",
        "treat-as-media-request": "approval-required"}
