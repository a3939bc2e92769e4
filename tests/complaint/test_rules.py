"""The owner's complaint rules: the defaults, validation with the path of each problem, versions kept
and audited, the legal maximum for an answer (LAW-32), and complaints keeping their rule version."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim import taxonomy
from senim.complaint import rules
from senim.complaint.rules import AnswerWithin, RuleSet, default_rules, problems
from senim.complaint.service import complaint_due
from senim.kit.clock import ALMATY, today_in
from senim.models import ComplaintRuleSet, Role
from senim.moderation.policy import TargetKind
from tests.fixtures.content import make_post
from tests.fixtures.moderation import (
    audit_of,
    complaint_by_number,
    decided,
    file_complaint,
    make_admin,
    make_moderator,
    make_person,
    sign_in,
    snapshot,
)

TODAY = date(2026, 6, 1)


def defaults() -> dict[str, Any]:
    return default_rules(TODAY).model_dump(mode="json")


def _category(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(c for c in data["categories"] if c["key"] == key)


def _index(data: dict[str, Any], key: str) -> int:
    return next(i for i, c in enumerate(data["categories"]) if c["key"] == key)


# --- the defaults ---------------------------------------------------------------------------------


def test_the_default_rules_are_valid() -> None:
    assert problems(defaults()) == []


def test_the_defaults_cover_every_unlawful_and_harmful_to_children_category() -> None:
    keys = {c.key for c in default_rules(TODAY).categories}
    version = taxonomy.current(TODAY)
    for category in version.categories:
        if category.group in (taxonomy.Group.unlawful, taxonomy.Group.harmful_to_children):
            assert category.key in keys
    for own in (
        "cyberbullying_child",
        "false_information",
        "privacy.personal_data",
        "privacy.image_rights",
        "spam_fraud",
        "interface_problem",
        "platform_action_dispute",
        "terms_other",
    ):
        assert own in keys


@pytest.mark.law("LAW-31")
def test_the_defaults_accept_complaints_about_every_kind_of_subject() -> None:
    ruleset = default_rules(TODAY)
    for subject in TargetKind:
        assert ruleset.for_subject(subject), subject
    assert [c.key for c in ruleset.for_subject(TargetKind.interface)] == ["interface_problem"]
    assert [c.key for c in ruleset.for_subject(TargetKind.platform_action)] == ["platform_action_dispute"]


@pytest.mark.law("LAW-32")
@pytest.mark.parametrize(
    ("key", "unit", "amount"),
    [
        ("unlawful.fraud", "calendar_days", 20),
        ("terms_other", "calendar_days", 20),
        ("cyberbullying_child", "hours", 24),
        ("privacy.personal_data", "working_days", 1),  # LAW-50
        ("false_information", "calendar_days", 20),
    ],
)
def test_default_answer_deadlines(key: str, unit: str, amount: int) -> None:
    assert default_rules(TODAY).category(key).answer_within == AnswerWithin(unit=unit, amount=amount)  # type: ignore[arg-type]


def test_false_information_requires_why_and_that_it_is_about_me() -> None:
    rule = default_rules(TODAY).category("false_information")
    assert set(rule.requires) == {"why_false", "concerns_me"}
    assert rule.subjects == [TargetKind.item]


def test_threats_to_life_go_to_the_urgent_queue_and_hide_soonest() -> None:
    ruleset = default_rules(TODAY)
    urgent = ruleset.category("unlawful.terrorism_extremism")
    assert (urgent.queue, urgent.priority, urgent.hide_after) == ("urgent", 1, 3)
    assert ruleset.category("children.sexual_content").queue == "children"


# --- validation -----------------------------------------------------------------------------------


def _edit(change: str) -> dict[str, Any]:
    data = copy.deepcopy(defaults())
    fraud = _category(data, "unlawful.fraud")
    match change:
        case "21-calendar-days":
            fraud["answer_within"] = {"unit": "calendar_days", "amount": 21}
        case "481-hours":
            fraud["answer_within"] = {"unit": "hours", "amount": 481}
        case "15-working-days":
            fraud["answer_within"] = {"unit": "working_days", "amount": 15}
        case "zero-days":
            fraud["answer_within"] = {"unit": "calendar_days", "amount": 0}
        case "unknown-unit":
            fraud["answer_within"] = {"unit": "weeks", "amount": 1}
        case "unknown-queue":
            fraud["queue"] = "nowhere"
        case "duplicate-category":
            data["categories"].append(copy.deepcopy(fraud))
        case "unknown-taxonomy-key":
            fraud["taxonomy"] = "unlawful.no_such_thing"
        case "no-label":
            fraud["taxonomy"] = None
        case "no-subjects":
            fraud["subjects"] = []
        case "unknown-subject":
            fraud["subjects"] = ["weather"]
        case "hide-after-one":
            fraud["hide_after"] = 1
        case "priority-six":
            fraud["priority"] = 6
        case "no-interface-category":
            data["categories"] = [c for c in data["categories"] if c["key"] != "interface_problem"]
        case "unknown-field":
            fraud["colour"] = "red"
        case "bad-key":
            fraud["key"] = "Fraud Category"
        case "short-appeal-window":
            data["appeal_window_days"] = 7
        case "bad-threshold":
            data["strikes"]["thresholds"] = [[0, 7]]
        case "no-queues":
            data["queues"] = []
    return data


INVALID = {
    "21-calendar-days": "categories.{fraud}.answer_within",
    "481-hours": "categories.{fraud}.answer_within",
    "15-working-days": "categories.{fraud}.answer_within",
    "zero-days": "categories.{fraud}.answer_within.amount",
    "unknown-unit": "categories.{fraud}.answer_within.unit",
    "unknown-queue": "(rules)",
    "duplicate-category": "(rules)",
    "unknown-taxonomy-key": "(rules)",
    "no-label": "categories.{fraud}",
    "no-subjects": "categories.{fraud}.subjects",
    "unknown-subject": "categories.{fraud}.subjects.0",
    "hide-after-one": "categories.{fraud}.hide_after",
    "priority-six": "categories.{fraud}.priority",
    "no-interface-category": "(rules)",
    "unknown-field": "categories.{fraud}.colour",
    "bad-key": "categories.{fraud}.key",
    "short-appeal-window": "appeal_window_days",
    "bad-threshold": "strikes",
    "no-queues": "queues",
}


@pytest.mark.parametrize("change", list(INVALID))
def test_invalid_rules_are_refused_with_the_path_of_the_problem(change: str) -> None:
    path = INVALID[change].format(fraud=_index(defaults(), "unlawful.fraud"))
    found = problems(_edit(change))
    assert found, change
    assert any(p.startswith(path + ": ") for p in found), found


@pytest.mark.law("LAW-32")
def test_a_deadline_above_20_calendar_days_names_the_legal_maximum() -> None:
    [problem] = problems(_edit("21-calendar-days"))
    assert "legal maximum of 20 calendar days" in problem


def test_an_owner_category_without_a_taxonomy_key_needs_a_label_in_each_language() -> None:
    data = defaults()
    own = {
        "key": "impersonation",
        "label": {"kk": "Басқа адам атынан", "ru": "Выдаёт себя за другого", "en": "Impersonation"},
        "subjects": ["account"],
        "queue": "general",
        "priority": 3,
    }
    assert problems({**data, "categories": [*data["categories"], own]}) == []
    own["label"] = {"kk": "Басқа адам атынан", "en": "Impersonation"}
    [problem] = problems({**data, "categories": [*data["categories"], own]})
    assert problem.startswith(f"categories.{len(data['categories'])}.label.ru: ")
    label = rules.category_label(RuleSet.model_validate(data).category("false_information"), "en")
    assert label == taxonomy.current(TODAY).get("false_information").label


# --- the due time of a complaint (pure) ------------------------------------------------------------


def almaty(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ALMATY).astimezone(UTC)


def end_of_almaty_day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=ALMATY).astimezone(UTC)


@pytest.mark.law("LAW-32")
@pytest.mark.law("LAW-50")
@pytest.mark.parametrize(
    ("answer_within", "received", "due"),
    [
        pytest.param(
            {"unit": "calendar_days", "amount": 20},
            almaty(2026, 3, 20, 15, 0),
            end_of_almaty_day(2026, 4, 9),
            id="20-calendar-days-across-nauryz",
        ),
        pytest.param(
            {"unit": "calendar_days", "amount": 5},
            almaty(2026, 3, 20, 15, 0),
            end_of_almaty_day(2026, 3, 25),
            id="a-shorter-owner-deadline",
        ),
        pytest.param(
            {"unit": "working_days", "amount": 1},
            almaty(2026, 3, 20, 15, 0),
            end_of_almaty_day(2026, 3, 26),
            id="1-working-day-after-nauryz",
        ),
        pytest.param(
            {"unit": "working_days", "amount": 14},
            almaty(2026, 3, 20, 15, 0),
            end_of_almaty_day(2026, 4, 9),  # 14 working days would end on 14 April: capped
            id="working-days-capped-at-20-calendar-days",
        ),
        pytest.param(
            {"unit": "working_days", "amount": 1},
            almaty(2025, 12, 31, 10, 0),
            end_of_almaty_day(2026, 1, 5),
            id="1-working-day-after-new-year",
        ),
        pytest.param(
            {"unit": "hours", "amount": 24},
            almaty(2025, 12, 31, 23, 30),
            almaty(2026, 1, 1, 23, 30),
            id="24-hours",
        ),
    ],
)
def test_a_complaint_is_due_by_the_category_deadline_never_later_than_the_legal_one(
    answer_within: dict[str, Any], received: datetime, due: datetime
) -> None:
    rule = (
        default_rules(TODAY)
        .category("unlawful.fraud")
        .model_copy(update={"answer_within": AnswerWithin.model_validate(answer_within)})
    )
    got, warn = complaint_due(rule, received)
    assert got == due
    assert received <= warn < due


# --- the rules through the API --------------------------------------------------------------------


def test_the_rules_in_force_are_public(client: TestClient, session: Session) -> None:
    r = client.get("/api/v1/complaint-rules")
    assert r.status_code == 200
    assert r.json()["version"] == 1
    assert problems(r.json()["rules"]) == []
    assert r.json()["rules"] == default_rules(today_in()).model_dump(mode="json")


def test_an_administrator_saves_a_new_version_with_an_audit_record(
    client: TestClient, session: Session
) -> None:
    admin = make_admin(session)
    session.commit()
    sign_in(client, session, admin)
    data = defaults()
    _category(data, "spam_fraud")["priority"] = 2
    _category(data, "spam_fraud")["hide_after"] = 3

    r = client.put("/api/v1/complaint-rules", json={"rules": data, "note": "  spam waves  "})

    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    stored = list(session.scalars(select(ComplaintRuleSet).order_by(ComplaintRuleSet.version)))
    assert [(s.version, s.created_by_id) for s in stored] == [(1, None), (2, admin.id)]
    assert stored[0].rules == default_rules(today_in()).model_dump(mode="json")  # the defaults, kept
    assert _category(stored[1].rules, "spam_fraud")["hide_after"] == 3
    assert stored[1].note == "spam waves"
    [record] = audit_of(session, "complaint_rules:save")
    assert record.actor_id == admin.id
    assert record.target_id == str(stored[1].id)
    assert record.data["version"] == 2
    assert record.data["note"] == "spam waves"
    public = client.get("/api/v1/complaint-rules").json()
    assert public["version"] == 2
    assert _category(public["rules"], "spam_fraud")["priority"] == 2


@pytest.mark.law("LAW-32")
@pytest.mark.parametrize("change", ["21-calendar-days", "unknown-queue", "no-interface-category", "bad-key"])
def test_invalid_rules_are_refused_with_422_and_nothing_is_stored(
    client: TestClient, session: Session, change: str
) -> None:
    admin = make_admin(session)
    session.commit()
    sign_in(client, session, admin)
    before = snapshot(session)

    r = client.put("/api/v1/complaint-rules", json={"rules": _edit(change)})

    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "complaint_rules_invalid"
    assert error["problems"] == problems(_edit(change))
    assert snapshot(session) == before
    assert session.scalars(select(ComplaintRuleSet)).all() == []
    assert client.get("/api/v1/complaint-rules").json()["version"] == 1


@pytest.mark.parametrize("role", [None, Role.user, Role.moderator, Role.senior_moderator, Role.auditor])
def test_only_administrators_edit_the_rules(client: TestClient, session: Session, role: Role | None) -> None:
    if role is not None:
        user = make_person(session, role=role)
        session.commit()
        sign_in(client, session, user)
    r = client.put("/api/v1/complaint-rules", json={"rules": defaults()})
    assert r.status_code == (401 if role is None else 403)
    assert session.scalars(select(ComplaintRuleSet)).all() == []


def test_a_complaint_keeps_the_rule_version_it_was_filed_under(client: TestClient, session: Session) -> None:
    author, complainant, admin = make_person(session), make_person(session), make_admin(session)
    moderator = make_moderator(session)
    first, second = make_post(session, author, "Buy now"), make_post(session, author, "Buy again")
    session.commit()
    sign_in(client, session, complainant)
    old = file_complaint(client, first.id, category="spam_fraud").json()["number"]
    old_due = complaint_by_number(session, old).due_at

    sign_in(client, session, admin)
    data = defaults()
    data["categories"] = [c for c in data["categories"] if c["key"] != "spam_fraud"]
    _category(data, "terms_other")["answer_within"] = {"unit": "calendar_days", "amount": 3}
    assert client.put("/api/v1/complaint-rules", json={"rules": data}).status_code == 200

    sign_in(client, session, complainant)
    refused = file_complaint(client, second.id, category="spam_fraud")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "complaint_invalid"
    new = file_complaint(client, second.id, category="terms_other").json()
    assert new["rules_version"] == 2
    new_due = complaint_by_number(session, new["number"]).due_at
    assert new_due is not None
    assert old_due is not None
    assert new_due < old_due  # 3 days, not 20

    complaint = complaint_by_number(session, old)
    assert complaint.rules_version == 1
    assert complaint.due_at == old_due
    # Answered under version 1, whose category no longer exists in version 2.
    assert complaint.case_id is not None
    decided(client, session, moderator, complaint.case_id, "remove")
    sign_in(client, session, complainant)
    shown = client.get(f"/api/v1/complaints/{old}").json()
    assert shown["status"] == "answered"
    assert shown["rules_version"] == 1
    assert old in shown["answer"]
