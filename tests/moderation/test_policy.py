"""Pure moderation rules, table-tested: decisions and their grounds, who may claim a case, the language
a case needs, strikes, appeal windows and tracking numbers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from senim import taxonomy
from senim.complaint.rules import StrikeRulesModel
from senim.moderation import policy
from senim.moderation.policy import (
    ACTIONS_FOR,
    AGE_SIGNS,
    RESTRICTIVE,
    Action,
    DecisionDraft,
    GroundKind,
    TargetKind,
    decision_problems,
    guess_language,
    may_claim,
    restriction_end,
    suspension_for,
    tracking_number,
)

KEYS = taxonomy.versions()[-1].category_keys()
FACTS = "The post calls for violence against a named group."
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)


def draft(action: Action, target: TargetKind = TargetKind.item, **changes: Any) -> DecisionDraft:
    fields: dict[str, object] = {
        "target": target,
        "action": action,
        "ground_kind": GroundKind.law,
        "category": "unlawful.interethnic_discord",
        "terms_clause": None,
        "facts": FACTS,
        "age_sign": "18+" if action is Action.age_restrict else None,
        "label": "disputed" if action is Action.label else None,
        "suspend_days": 7 if action is Action.suspend else None,
    }
    fields.update(changes)
    return DecisionDraft(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("target", "action"), [(t, a) for t in TargetKind for a in Action], ids=lambda v: str(v)
)
def test_each_action_applies_to_its_kinds_of_target(target: TargetKind, action: Action) -> None:
    found = decision_problems(draft(action, target), KEYS)
    if action in ACTIONS_FOR[target]:
        assert found == []
    else:
        assert found == ["This decision cannot be taken on this kind of target."]


def test_interface_and_platform_action_complaints_are_only_answered() -> None:
    assert ACTIONS_FOR[TargetKind.interface] == {Action.no_violation}
    assert ACTIONS_FOR[TargetKind.platform_action] == {Action.no_violation}
    assert Action.suspend in ACTIONS_FOR[TargetKind.account]
    assert Action.suspend not in ACTIONS_FOR[TargetKind.item]


@pytest.mark.law("LAW-49")
def test_requiring_the_author_to_delete_is_a_decision_on_posts_and_comments() -> None:
    assert Action.require_author_delete in ACTIONS_FOR[TargetKind.item]
    assert Action.require_author_delete in RESTRICTIVE
    end = restriction_end(draft(Action.require_author_delete), NOW)
    assert end == NOW + policy.DEFAULT_DELETE_WITHIN == NOW + timedelta(hours=24)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"ground_kind": None},
            "Choose the ground of the decision: a law article or a clause of the terms.",
        ),
        ({"category": "no.such.category"}, "Choose the category of the law the content breaches."),
        ({"category": None}, "Choose the category of the law the content breaches."),
        (
            {"ground_kind": GroundKind.terms, "terms_clause": "   "},
            "Name the clause of the terms of use the content breaches.",
        ),
        ({"facts": "bad"}, "State the facts and reasons of the decision (at least {min} characters)."),
        ({"facts": "x" * 5001}, "The statement of facts is too long: at most {max} characters."),
    ],
    ids=[
        "no-ground",
        "unknown-law-category",
        "law-without-category",
        "terms-without-clause",
        "short",
        "long",
    ],
)
@pytest.mark.parametrize("action", sorted(RESTRICTIVE - {Action.suspend}))
def test_a_restrictive_decision_needs_a_ground_and_facts(
    action: Action, changes: dict[str, Any], problem: str
) -> None:
    assert decision_problems(draft(action, **changes), KEYS) == [problem]


def test_no_violation_needs_facts_but_no_ground() -> None:
    assert decision_problems(draft(Action.no_violation, ground_kind=None, category=None), KEYS) == []
    assert decision_problems(draft(Action.no_violation, facts=" "), KEYS) == [
        "State the facts and reasons of the decision (at least {min} characters)."
    ]


def test_a_terms_ground_names_its_clause() -> None:
    terms = draft(Action.remove, ground_kind=GroundKind.terms, category=None, terms_clause="4.2")
    assert decision_problems(terms, KEYS) == []


@pytest.mark.parametrize("sign", [*AGE_SIGNS, None, "21+", ""])
def test_age_restriction_needs_one_of_the_age_signs(sign: str | None) -> None:
    found = decision_problems(draft(Action.age_restrict, age_sign=sign), KEYS)
    assert found == ([] if sign in AGE_SIGNS else ["Choose an age sign."])


def test_the_age_signs_of_the_law() -> None:
    assert AGE_SIGNS == ("6-", "6+", "12+", "14+", "16+", "18+")


@pytest.mark.parametrize(
    ("label", "ok"), [("disputed", True), ("sensitive", True), ("fake", False), (None, False)]
)
def test_a_label_is_one_of_the_known_labels(label: str | None, ok: bool) -> None:
    found = decision_problems(draft(Action.label, label=label), KEYS)
    assert found == ([] if ok else ["Choose a label."])


@pytest.mark.parametrize(
    ("days", "ok", "end"),
    [(7, True, NOW + timedelta(days=7)), (None, True, None), (0, False, None), (3651, False, None)],
    ids=["7-days", "permanent", "zero", "over-ten-years"],
)
def test_a_suspension_lasts_1_to_3650_days_or_is_permanent(
    days: int | None, ok: bool, end: datetime | None
) -> None:
    d = draft(Action.suspend, TargetKind.account, suspend_days=days)
    assert (decision_problems(d, KEYS) == []) is ok
    if ok:
        assert restriction_end(d, NOW) == end


def test_every_problem_is_listed_in_form_order() -> None:
    d = draft(Action.suspend, TargetKind.item, ground_kind=None, facts="", suspend_days=0)
    assert decision_problems(d, KEYS) == [
        "This decision cannot be taken on this kind of target.",
        "State the facts and reasons of the decision (at least {min} characters).",
        "Choose the ground of the decision: a law article or a clause of the terms.",
        "A suspension lasts from 1 to 3650 days, or is permanent.",
    ]


# --- who may claim --------------------------------------------------------------------------------

ME, OTHER = uuid.uuid4(), uuid.uuid4()


@pytest.mark.law("LAW-09a")
@pytest.mark.parametrize(
    ("languages", "case_language", "excluded", "escalated", "senior", "refused"),
    [
        (["kk", "ru"], "kk", None, False, False, None),
        (["ru", "en"], "kk", None, False, False, "This case needs a moderator who reads its language."),
        ([], "kk", None, False, True, "This case needs a moderator who reads its language."),
        (["ru"], None, None, False, False, None),
        ([], None, None, False, False, None),
        (
            ["kk"],
            "kk",
            ME,
            False,
            True,
            "You took the decision under appeal: another moderator decides the appeal.",
        ),
        (["kk"], "kk", OTHER, False, False, None),
        (["kk"], None, None, True, False, "This case is escalated to a senior moderator."),
        (["kk"], None, None, True, True, None),
    ],
    ids=[
        "reads-kazakh",
        "does-not-read-kazakh",
        "senior-without-kazakh",
        "no-language-needed",
        "no-languages-listed",
        "decided-the-appealed-decision",
        "someone-else-decided",
        "escalated-not-senior",
        "escalated-senior",
    ],
)
def test_may_claim(
    languages: list[str],
    case_language: str | None,
    excluded: uuid.UUID | None,
    escalated: bool,
    senior: bool,
    refused: str | None,
) -> None:
    found = may_claim(
        moderator_id=ME,
        moderator_languages=languages,
        case_language=case_language,
        excluded_id=excluded,
        escalated=escalated,
        senior=senior,
    )
    assert found == refused


@pytest.mark.law("LAW-09a")
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Сәлем, достар!", "kk"),
        ("Бүгін ауа райы жақсы", "kk"),
        ("Қазақстан", "kk"),
        ("ҮЙ", "kk"),
        ("Привет, друзья!", "ru"),
        ("Hello, friends", "en"),
        ("Привет, Сәлем and hello", "kk"),  # any Kazakh letter routes to Kazakh readers
        ("12345 !!!", None),
        ("", None),
    ],
)
def test_guess_language(text: str, language: str | None) -> None:
    assert guess_language(text) == language


# --- strikes and appeal windows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "days"), [(0, None), (2, None), (3, 7), (5, 7), (6, 30), (9, 30), (10, 0), (40, 0)]
)
def test_the_strike_weight_leads_to_suspensions(weight: int, days: int | None) -> None:
    assert suspension_for(weight, StrikeRulesModel().thresholds) == days


def test_owner_thresholds_are_read_from_the_highest() -> None:
    thresholds = [(6, 7), (2, 1)]
    assert [suspension_for(w, thresholds) for w in (1, 2, 5, 6)] == [None, 1, 1, 7]


def test_strike_weights() -> None:
    assert policy.STRIKE_WEIGHT[Action.remove] == 2
    assert policy.STRIKE_WEIGHT[Action.warn] == 1
    assert Action.no_violation not in policy.STRIKE_WEIGHT
    assert Action.suspend not in policy.STRIKE_WEIGHT  # a suspension never strikes again


def test_tracking_numbers_are_short_and_without_look_alike_characters() -> None:
    numbers = {tracking_number(uuid.uuid4().bytes[:8]) for _ in range(500)}
    assert len(numbers) == 500
    for number in numbers:
        assert len(number) == 11
        assert number[:2] == "C-"
        assert number[6] == "-"
        assert not set(number[2:].replace("-", "")) & set("01OIL")
    assert tracking_number(b"\0" * 8) == "C-2222-2222"
