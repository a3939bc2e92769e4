"""The DSA statement-of-reasons export (TDB API schema since 1 July 2025) and its validator.

DSA is EU law, not Kazakh law: these tests carry no law ids.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from senim.moderation.dsa import (
    DECISION_GROUPS,
    EEA_COUNTRY_CODES,
    KEYWORDS,
    LANGUAGE_CODES,
    REQUIRE_AUTHOR_DELETE_TEXT,
    REQUIRED_FIELDS,
    STATEMENT_CATEGORIES,
    NotExportable,
    SorFacts,
    build_statement,
    validate_statement,
)
from senim.moderation.policy import Action

DECISION_ID = "0b6f3c1e-58a4-4d0e-9d43-2f1f5d8a7c10"


def _facts(**overrides: Any) -> SorFacts:
    facts = SorFacts(
        puid=DECISION_ID,
        action=Action.remove,
        restriction_end=None,
        ground_kind="law",
        legal_basis="OPL Art. 14(1)",
        ground_label="Propaganda of or calls for suicide",
        explanation="The post describes a method of suicide and urges readers to follow it.",
        reference_url="https://adilet.zan.kz/eng/docs/Z2400000105",
        also_illegal=False,
        dsa_category="STATEMENT_CATEGORY_SELF_HARM",
        target_kind="post",
        has_images=False,
        content_language="kk",
        content_date=date(2026, 3, 2),
        application_date=date(2026, 3, 4),
        source="complaint",
        source_identity=None,
        automated_detection=False,
        automated_decision="not",
        account_type=None,
    )
    return replace(facts, **overrides)


def _illegal(**changes: Any) -> dict[str, Any]:
    """A valid statement with the ILLEGAL_CONTENT ground, changed; a value of None removes the key."""
    statement = build_statement(_facts())
    return _changed(statement, changes)


def _incompatible(**changes: Any) -> dict[str, Any]:
    """A valid statement with the INCOMPATIBLE_CONTENT ground, changed; None removes the key."""
    statement = build_statement(_facts(ground_kind="terms", legal_basis="Terms of use, clause 5.2"))
    return _changed(statement, changes)


def _changed(statement: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    return statement


# The example body of the TDB API documentation (peers.md §3.2), with the texts it abridges filled in.
DOC_EXAMPLE: dict[str, Any] = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"],
    "decision_monetary": "DECISION_MONETARY_TERMINATION",
    "end_date_monetary_restriction": "2023-08-08",
    "decision_provision": "DECISION_PROVISION_TOTAL_SUSPENSION",
    "decision_account": "DECISION_ACCOUNT_SUSPENDED",
    "account_type": "ACCOUNT_TYPE_BUSINESS",
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "incompatible content grounds",
    "incompatible_content_explanation": "incompatible content explanation",
    "incompatible_content_illegal": "Yes",
    "content_type": ["CONTENT_TYPE_VIDEO", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_SYNTHETIC_MEDIA"],
    "category": "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "territorial_scope": ["PT", "ES", "DE"],
    "content_language": "EN",
    "content_date": "2023-08-08",
    "content_id": {"EAN-13": "0123456789123"},
    "application_date": "2023-08-08",
    "decision_facts": "facts about the decision",
    "source_type": "SOURCE_TRUSTED_FLAGGER",
    "automated_detection": "No",
    "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
    "puid": "TK421",
}

EXPORTABLE = [a for a in Action if a not in {Action.no_violation, Action.warn}]


# ---------------------------------------------------------------------------------------------------------
# Export


@pytest.mark.parametrize("ground_kind", ["law", "terms"])
@pytest.mark.parametrize("restriction_end", [None, date(2026, 4, 4)])
@pytest.mark.parametrize("action", EXPORTABLE)
def test_every_restricting_action_exports_a_valid_statement(
    action: Action, restriction_end: date | None, ground_kind: str
) -> None:
    statement = build_statement(
        _facts(action=action, restriction_end=restriction_end, ground_kind=ground_kind)
    )
    assert validate_statement(statement) == {}


@pytest.mark.parametrize("action", [Action.no_violation, Action.warn])
def test_actions_that_restrict_nothing_are_not_exportable(action: Action) -> None:
    with pytest.raises(NotExportable):
        build_statement(_facts(action=action))


@pytest.mark.parametrize(
    ("action", "visibility"),
    [
        (Action.remove, "DECISION_VISIBILITY_CONTENT_REMOVED"),
        (Action.geo_restrict, "DECISION_VISIBILITY_CONTENT_DISABLED"),
        (Action.age_restrict, "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED"),
        (Action.label, "DECISION_VISIBILITY_CONTENT_LABELLED"),
        (Action.demote, "DECISION_VISIBILITY_CONTENT_DEMOTED"),
        (Action.require_author_delete, "DECISION_VISIBILITY_OTHER"),
    ],
)
def test_content_action_maps_to_its_visibility_restriction(action: Action, visibility: str) -> None:
    statement = build_statement(_facts(action=action))
    assert statement["decision_visibility"] == [visibility]
    assert DECISION_GROUPS & statement.keys() == {"decision_visibility"}


def test_require_author_delete_explains_the_other_restriction() -> None:
    statement = build_statement(_facts(action=Action.require_author_delete))
    assert statement["decision_visibility_other"] == REQUIRE_AUTHOR_DELETE_TEXT


@pytest.mark.parametrize("action", [a for a in EXPORTABLE if a is not Action.require_author_delete])
def test_other_visibility_text_is_only_sent_for_require_author_delete(action: Action) -> None:
    assert "decision_visibility_other" not in build_statement(_facts(action=action))


def test_removing_a_community_is_content_removal() -> None:
    statement = build_statement(_facts(action=Action.remove, target_kind="community"))
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert validate_statement(statement) == {}


def test_temporary_visibility_restriction_carries_its_end_date() -> None:
    statement = build_statement(_facts(action=Action.demote, restriction_end=date(2026, 5, 1)))
    assert statement["end_date_visibility_restriction"] == "2026-05-01"
    assert "end_date_account_restriction" not in statement


def test_indefinite_visibility_restriction_has_no_end_date() -> None:
    assert "end_date_visibility_restriction" not in build_statement(_facts(action=Action.label))


def test_suspension_until_a_date_is_an_account_suspension_with_end_date() -> None:
    statement = build_statement(
        _facts(action=Action.suspend, restriction_end=date(2026, 4, 4), target_kind="account")
    )
    assert statement["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert statement["end_date_account_restriction"] == "2026-04-04"
    assert DECISION_GROUPS & statement.keys() == {"decision_account"}


def test_suspension_without_end_is_an_account_termination() -> None:
    statement = build_statement(_facts(action=Action.suspend, restriction_end=None, target_kind="account"))
    assert statement["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    assert "end_date_account_restriction" not in statement


def test_law_ground_is_illegal_content_under_kazakh_law() -> None:
    statement = build_statement(_facts(ground_kind="law"))
    assert statement["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert statement["illegal_content_legal_ground"] == "Republic of Kazakhstan, OPL Art. 14(1)"
    assert statement["illegal_content_explanation"] == _facts().explanation
    assert not {k for k in statement if k.startswith("incompatible_")}


@pytest.mark.parametrize(("also_illegal", "literal"), [(True, "Yes"), (False, "No")])
def test_terms_ground_is_incompatible_content(also_illegal: bool, literal: str) -> None:
    facts = _facts(ground_kind="terms", legal_basis="Terms of use, clause 5.2", also_illegal=also_illegal)
    statement = build_statement(facts)
    assert statement["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert statement["incompatible_content_ground"].startswith("Terms of use, clause 5.2")
    assert statement["incompatible_content_explanation"] == facts.explanation
    assert statement["incompatible_content_illegal"] == literal
    assert not {k for k in statement if k.startswith("illegal_")}


def test_long_texts_are_cut_to_their_limits_with_an_ellipsis() -> None:
    long = "x" * 6000
    statement = build_statement(_facts(explanation=long, legal_basis="y" * 600))
    assert len(statement["decision_facts"]) == 5000
    assert len(statement["illegal_content_explanation"]) == 2000
    assert len(statement["illegal_content_legal_ground"]) == 500
    assert all(statement[k].endswith("…") for k in ("decision_facts", "illegal_content_explanation"))
    assert validate_statement(statement) == {}


@pytest.mark.parametrize(
    ("target_kind", "has_images", "content_type", "other"),
    [
        ("post", False, ["CONTENT_TYPE_TEXT"], None),
        ("post", True, ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE"], None),
        ("comment", False, ["CONTENT_TYPE_TEXT"], None),
        ("comment", True, ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE"], None),
        ("account", False, ["CONTENT_TYPE_OTHER"], "Account"),
        ("community", True, ["CONTENT_TYPE_OTHER"], "Community"),
    ],
)
def test_content_type_follows_the_target(
    target_kind: str, has_images: bool, content_type: list[str], other: str | None
) -> None:
    statement = build_statement(_facts(target_kind=target_kind, has_images=has_images))
    assert statement["content_type"] == content_type
    assert statement.get("content_type_other") == other


@pytest.mark.parametrize(
    ("source", "identity", "source_type", "sent_identity"),
    [
        ("complaint", "Aigerim Nurlanovna", "SOURCE_TYPE_OTHER_NOTIFICATION", None),  # never a person's name
        ("order", "Ministry of Culture", "SOURCE_TYPE_OTHER_NOTIFICATION", "Ministry of Culture"),
        ("own_initiative", "someone", "SOURCE_VOLUNTARY", None),
        ("detection", None, "SOURCE_VOLUNTARY", None),
        ("appeal", None, "SOURCE_VOLUNTARY", None),
    ],
)  # fmt: skip
def test_source_maps_to_source_type_without_personal_data(
    source: str, identity: str | None, source_type: str, sent_identity: str | None
) -> None:
    statement = build_statement(_facts(source=source, source_identity=identity))
    assert statement["source_type"] == source_type
    assert statement.get("source_identity") == sent_identity
    assert validate_statement(statement) == {}


@pytest.mark.parametrize(
    ("detection", "decision", "sent_detection", "sent_decision"),
    [
        (True, "fully", "Yes", "AUTOMATED_DECISION_FULLY"),
        (True, "partially", "Yes", "AUTOMATED_DECISION_PARTIALLY"),
        (False, "not", "No", "AUTOMATED_DECISION_NOT_AUTOMATED"),
    ],
)
def test_automation_is_sent_as_literals_and_keys(
    detection: bool, decision: str, sent_detection: str, sent_decision: str
) -> None:
    statement = build_statement(_facts(automated_detection=detection, automated_decision=decision))
    assert statement["automated_detection"] == sent_detection
    assert statement["automated_decision"] == sent_decision


@pytest.mark.parametrize(("language", "sent"), [("kk", "KK"), ("ru", "RU"), ("en", "EN"), (None, None)])
def test_content_language_is_sent_upper_case(language: str | None, sent: str | None) -> None:
    assert build_statement(_facts(content_language=language)).get("content_language") == sent


@pytest.mark.parametrize(
    ("account_type", "sent"),
    [("private", "ACCOUNT_TYPE_PRIVATE"), ("business", "ACCOUNT_TYPE_BUSINESS"), (None, None)],
)
def test_account_type_is_mapped_when_known(account_type: str | None, sent: str | None) -> None:
    assert build_statement(_facts(account_type=account_type)).get("account_type") == sent


def test_export_carries_dates_category_puid_and_reference() -> None:
    statement = build_statement(_facts())
    assert statement["content_date"] == "2026-03-02"
    assert statement["application_date"] == "2026-03-04"
    assert statement["category"] == "STATEMENT_CATEGORY_SELF_HARM"
    assert statement["puid"] == DECISION_ID
    assert statement["decision_ground_reference_url"] == "https://adilet.zan.kz/eng/docs/Z2400000105"
    assert statement["decision_facts"] == _facts().explanation


def test_random_uuid_is_a_valid_puid() -> None:
    assert validate_statement(build_statement(_facts(puid=str(uuid.uuid4())))) == {}


@pytest.mark.parametrize("action", EXPORTABLE)
def test_export_has_no_null_values_and_no_territorial_scope(action: Action) -> None:
    statement = build_statement(_facts(action=action, reference_url=None, content_language=None))
    assert None not in statement.values()
    assert "territorial_scope" not in statement
    assert "decision_ground_reference_url" not in statement


# ---------------------------------------------------------------------------------------------------------
# Validation


def test_doc_example_body_validates() -> None:
    assert validate_statement(DOC_EXAMPLE) == {}


def test_enumeration_sizes_match_the_schema() -> None:
    assert (len(LANGUAGE_CODES), len(KEYWORDS), len(EEA_COUNTRY_CODES), len(STATEMENT_CATEGORIES)) == (
        184,
        69,
        30,
        16,
    )


@pytest.mark.parametrize("field", sorted(REQUIRED_FIELDS))
def test_missing_required_field_is_refused(field: str) -> None:
    errors = validate_statement(_illegal(**{field: None}))
    assert "is required" in errors[field]


@pytest.mark.parametrize(("field", "blank"), [("decision_facts", "  "), ("content_type", []), ("puid", "")])
def test_blank_required_field_is_refused(field: str, blank: Any) -> None:
    assert "is required" in validate_statement(_illegal(**{field: blank}))[field]


def test_statement_without_any_restriction_is_refused_on_all_four_groups() -> None:
    errors = validate_statement(_illegal(decision_visibility=None))
    assert set(errors) == DECISION_GROUPS


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("decision_visibility", ["DECISION_VISIBILITY_CONTENT_REMOVED"]),
        ("decision_monetary", "DECISION_MONETARY_SUSPENSION"),
        ("decision_provision", "DECISION_PROVISION_PARTIAL_TERMINATION"),
        ("decision_account", "DECISION_ACCOUNT_TERMINATED"),
    ],
)
def test_any_one_restriction_group_is_enough(field: str, value: Any) -> None:
    statement = _illegal(decision_visibility=None)
    statement[field] = value
    assert validate_statement(statement) == {}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("decision_visibility", ["DECISION_VISIBILITY_CONTENT_HIDDEN"]),
        ("decision_visibility", "DECISION_VISIBILITY_CONTENT_REMOVED"),  # an array is expected
        ("decision_monetary", "DECISION_MONETARY_FINE"),
        ("decision_monetary", ["DECISION_MONETARY_SUSPENSION"]),  # a single key is expected
        ("decision_provision", "DECISION_PROVISION_SUSPENSION"),
        ("decision_account", "DECISION_ACCOUNT_BANNED"),
        ("account_type", "ACCOUNT_TYPE_GOVERNMENT"),
        ("decision_ground", "DECISION_GROUND_OTHER"),
        ("content_type", ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_MEME"]),
        ("category", "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"),  # removed on 1 July 2025
        ("category", "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"),  # renamed on 1 July 2025
        ("category_addition", ["STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"]),
        ("category_specification", ["KEYWORD_DANGEROUS_TOYS"]),  # v1 only
        ("category_specification", [{"KEYWORD_SUICIDE": True}]),
        ("source_type", "SOURCE_COMPLAINT"),
        ("automated_detection", "yes"),
        ("automated_detection", True),
        ("automated_decision", "Yes"),
    ],
)
def test_unknown_enum_value_is_refused(field: str, value: Any) -> None:
    assert field in validate_statement(_illegal(**{field: value}))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category_addition", ["STATEMENT_CATEGORY_VIOLENCE", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"]),
        ("category_specification", ["KEYWORD_SUICIDE", "KEYWORD_OTHER"]),
        ("category_specification_other", "Calls to join a dangerous online game"),
        ("account_type", "ACCOUNT_TYPE_PRIVATE"),
        ("decision_provision", "DECISION_PROVISION_TOTAL_TERMINATION"),
        ("end_date_visibility_restriction", "2026-03-04"),  # the same day as the application
    ],
)
def test_optional_field_with_accepted_value_validates(field: str, value: Any) -> None:
    assert validate_statement(_illegal(**{field: value})) == {}


OTHER_CHOSEN = [
    ("decision_visibility_other", {"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}),
    (
        "decision_monetary_other",
        {"decision_monetary": "DECISION_MONETARY_OTHER"},
    ),
    ("content_type_other", {"content_type": ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_OTHER"]}),
]


@pytest.mark.parametrize(("field", "choice"), OTHER_CHOSEN)
def test_other_text_is_required_when_other_is_chosen(field: str, choice: dict[str, Any]) -> None:
    statement = _illegal(**choice)
    assert field in validate_statement(statement)
    statement[field] = "Described here"
    assert validate_statement(statement) == {}


@pytest.mark.parametrize(
    "field", ["decision_visibility_other", "decision_monetary_other", "content_type_other"]
)
def test_other_text_is_excluded_when_other_is_not_chosen(field: str) -> None:
    errors = validate_statement(_illegal(**{field: "Described here"}))
    assert errors[field][0].startswith("is excluded unless")


@pytest.mark.parametrize(
    "field",
    ["incompatible_content_ground", "incompatible_content_explanation", "incompatible_content_illegal"],
)
def test_incompatible_fields_are_excluded_with_the_illegal_ground(field: str) -> None:
    errors = validate_statement(_illegal(**{field: "No" if field.endswith("illegal") else "text"}))
    assert errors[field][0].startswith("is excluded unless decision_ground is DECISION_GROUND_INCOMPATIBLE")


@pytest.mark.parametrize("field", ["illegal_content_legal_ground", "illegal_content_explanation"])
def test_illegal_fields_are_excluded_with_the_incompatible_ground(field: str) -> None:
    errors = validate_statement(_incompatible(**{field: "text"}))
    assert errors[field][0].startswith("is excluded unless decision_ground is DECISION_GROUND_ILLEGAL")


@pytest.mark.parametrize(
    ("base", "field"),
    [
        (_illegal, "illegal_content_legal_ground"),
        (_illegal, "illegal_content_explanation"),
        (_incompatible, "incompatible_content_ground"),
        (_incompatible, "incompatible_content_explanation"),
    ],
)
def test_ground_texts_are_required_for_their_ground(base: Any, field: str) -> None:
    assert validate_statement(base(**{field: None}))[field][0].startswith("is required when")


def test_also_illegal_answer_is_optional_with_the_incompatible_ground() -> None:
    assert validate_statement(_incompatible(incompatible_content_illegal=None)) == {}


@pytest.mark.parametrize("value", ["yes", "true", True])
def test_also_illegal_answer_must_be_yes_or_no(value: Any) -> None:
    assert "incompatible_content_illegal" in validate_statement(
        _incompatible(incompatible_content_illegal=value)
    )


STRING_LIMITS = [
    (_illegal, "illegal_content_legal_ground", 500),
    (_illegal, "illegal_content_explanation", 2000),
    (_incompatible, "incompatible_content_ground", 500),
    (_incompatible, "incompatible_content_explanation", 2000),
    (_illegal, "decision_facts", 5000),
    (_illegal, "category_specification_other", 500),
    (_illegal, "puid", 500),
]


@pytest.mark.parametrize(("base", "field", "limit"), STRING_LIMITS)
def test_string_longer_than_its_limit_is_refused(base: Any, field: str, limit: int) -> None:
    assert validate_statement(base(**{field: "a" * limit})) == {}
    assert "longer than" in validate_statement(base(**{field: "a" * (limit + 1)}))[field][0]


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("decision_visibility_other", {"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}),
        ("decision_monetary_other", {"decision_monetary": "DECISION_MONETARY_OTHER"}),
        ("content_type_other", {"content_type": ["CONTENT_TYPE_OTHER"]}),
        ("source_identity", {"source_type": "SOURCE_TYPE_OTHER_NOTIFICATION"}),
    ],
)
def test_other_and_identity_texts_are_limited_to_500_characters(field: str, changes: dict[str, Any]) -> None:
    assert validate_statement(_illegal(**changes, **{field: "a" * 500})) == {}
    assert field in validate_statement(_illegal(**changes, **{field: "a" * 501}))


@pytest.mark.parametrize("url", ["https://senim.kz/terms#5.2", "http://adilet.zan.kz/rus/docs/Z2400000105"])
def test_reference_url_validates(url: str) -> None:
    assert validate_statement(_illegal(decision_ground_reference_url=url)) == {}


@pytest.mark.parametrize(
    "url", ["terms of use", "ftp://senim.kz/terms", "https://", "https://senim.kz/" + "a" * 490]
)
def test_bad_or_too_long_reference_url_is_refused(url: str) -> None:
    assert "decision_ground_reference_url" in validate_statement(_illegal(decision_ground_reference_url=url))


@pytest.mark.parametrize("puid", ["TK421", "a_b-c", DECISION_ID, "0"])
def test_puid_of_letters_digits_dash_and_underscore_validates(puid: str) -> None:
    assert validate_statement(_illegal(puid=puid)) == {}


@pytest.mark.parametrize("puid", ["has space", "a/b", "decision.1", "Сенім", "abc\n", "a+b"])
def test_puid_with_other_characters_is_refused(puid: str) -> None:
    assert "puid" in validate_statement(_illegal(puid=puid))


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("content_date", "1999-12-31", False),
        ("content_date", "2000-01-01", True),
        ("content_date", "2026-03-04", True),
        ("content_date", "2038-01-02", False),
        ("application_date", "2019-12-31", False),
        ("application_date", "2020-01-01", True),
        ("application_date", "2038-01-01", True),
        ("application_date", "2038-01-02", False),
        ("application_date", "2026-3-4", False),
        ("application_date", "04.03.2026", False),
        ("application_date", "2026-02-30", False),
        ("application_date", "2026-03-04T10:00:00", False),
        ("content_date", 20260304, False),
        ("end_date_account_restriction", "2038-01-01", True),
        ("end_date_account_restriction", "2038-01-02", False),
        ("end_date_monetary_restriction", "2026-03-03", False),  # before the application date
        ("end_date_service_restriction", "2026-03-04", True),
        ("end_date_visibility_restriction", "next week", False),
    ],
)
def test_dates_must_be_iso_and_in_range(field: str, value: Any, valid: bool) -> None:
    errors = validate_statement(_illegal(**{field: value}))
    assert (field not in errors) is valid, errors


@pytest.mark.parametrize(
    ("scope", "valid"),
    [
        (["GR"], True),
        (["EL"], False),  # Greece is GR in the TDB
        (["DE", "FR", "NO", "IS", "LI"], True),
        (["KZ"], False),
        (["de"], False),
        ("DE", False),  # an array is expected
        (sorted(EEA_COUNTRY_CODES), True),
    ],
)
def test_territorial_scope_accepts_only_eea_country_codes(scope: Any, valid: bool) -> None:
    assert ("territorial_scope" not in validate_statement(_illegal(territorial_scope=scope))) is valid


def test_territorial_scope_may_be_null() -> None:
    statement = _illegal()
    statement["territorial_scope"] = None
    assert validate_statement(statement) == {}


@pytest.mark.parametrize(
    ("language", "valid"),
    [
        ("KK", True), ("RU", True), ("EN", True), ("BH", True), ("ZU", True),
        ("kk", False), ("en", False), ("KAZ", False), ("XX", False),
    ],
)  # fmt: skip
def test_content_language_must_be_an_upper_case_iso_639_1_code(language: str, valid: bool) -> None:
    assert ("content_language" not in validate_statement(_illegal(content_language=language))) is valid


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("content_id", {"EAN-13": "0123456789123"}, True),
        ("content_id", {"ISBN": "9783161484100"}, False),
        ("content_id", {"EAN-13": "012345678912"}, False),
        ("content_id", {"EAN-13": 123456789123}, False),
        ("content_id", {"EAN-13": "0123456789123", "GTIN": "1"}, False),
        ("content_id", "0123456789123", False),
        ("content_id_ean", "0123456789123", True),
        ("content_id_ean", "01234567891234", False),
        ("content_id_ean", "012345678912X", False),
    ],
)
def test_content_id_accepts_only_an_ean_13(field: str, value: Any, valid: bool) -> None:
    assert (field not in validate_statement(_illegal(**{field: value}))) is valid


def test_source_identity_is_excluded_for_voluntary_decisions() -> None:
    errors = validate_statement(_illegal(source_type="SOURCE_VOLUNTARY", source_identity="Automated filter"))
    assert errors == {"source_identity": ["is excluded when source_type is SOURCE_VOLUNTARY"]}


def test_source_identity_is_allowed_for_notifications() -> None:
    statement = _illegal(source_type="SOURCE_TYPE_OTHER_NOTIFICATION", source_identity="Ministry of Culture")
    assert validate_statement(statement) == {}


@pytest.mark.parametrize(
    "field", sorted(DECISION_GROUPS | {"account_type", "content_id", "category_specification"})
)
def test_nullable_field_may_be_null(field: str) -> None:
    statement = _illegal(decision_account="DECISION_ACCOUNT_SUSPENDED")  # one restriction stays
    statement[field] = None
    assert validate_statement(statement) == {}


@pytest.mark.parametrize("field", ["content_language", "source_identity", "end_date_visibility_restriction"])
def test_null_for_a_field_that_is_not_nullable_is_refused(field: str) -> None:
    statement = _illegal()
    statement[field] = None
    assert field in validate_statement(statement)


def test_unknown_field_is_reported() -> None:
    errors = validate_statement(_illegal(territorial_scop=["DE"]))
    assert errors == {"territorial_scop": ["is not a field of the statement of reasons"]}


def test_empty_statement_reports_every_required_field_and_the_restriction_groups() -> None:
    assert set(validate_statement({})) == REQUIRED_FIELDS | DECISION_GROUPS
