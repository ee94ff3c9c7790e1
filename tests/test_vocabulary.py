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
        "identifies_city", "city_equipment", "speaks_for_city", "approved_rep", "student",
        "discloses_city_business", "discloses_personal_info", "discloses_third_party", "new_tool",
        "new_campaign", "external_discussion", "restricted_community", "privacy_breach")},
}
VERDICTS = ["allowed", "approval-required", "not-allowed"]  # least to most strict
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
