"""The clock sweep: warnings before a case's deadline, escalation after a breach, the platform acting
when an author misses their duty to delete (LAW-49), and suspensions that ended."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.jobs import enqueue
from senim.jobs.registry import load_handlers
from senim.models import (
    AccountStatus,
    ContentItem,
    Decision,
    ItemStatus,
    ModerationCase,
    Role,
    StatementKind,
    User,
)
from senim.moderation.jobs import SWEEP_JOB
from senim.moderation.service import DELETE_DUE_FACTS, ESCALATED_NOTICE, WARN_NOTICE, moderation_service
from tests.fixtures.content import make_post
from tests.fixtures.moderation import (
    SEND_EMAIL,
    audit_of,
    case_events,
    case_of,
    claim,
    decided,
    file_complaint,
    filed_about_a_post,
    fresh,
    jobs_named,
    make_moderator,
    make_person,
    notices_of,
    own_initiative_decision,
    sign_in,
    statements_of,
)
from tests.notification.jobrunner import run_due_jobs


def _sweep(db: Database, now: datetime) -> dict[str, int]:
    with db.transaction() as s:
        return moderation_service.sweep(s, now=now)


def _case(session: Session, case_id: uuid.UUID) -> ModerationCase:
    case = fresh(session).get(ModerationCase, case_id)
    assert case is not None
    return case


def _item(session: Session, item_id: uuid.UUID) -> ContentItem:
    item = fresh(session).get(ContentItem, item_id)
    assert item is not None
    return item


def _user(session: Session, user_id: uuid.UUID) -> User:
    user = fresh(session).get(User, user_id)
    assert user is not None
    return user


NOTHING = {"warned": 0, "breached": 0, "removed": 0, "reactivated": 0}


@pytest.mark.law("LAW-32")
def test_seniors_are_warned_before_an_unclaimed_case_is_due(
    client: TestClient, session: Session, db: Database
) -> None:
    filed = filed_about_a_post(client, session, category="cyberbullying_child")  # due in 24 hours
    senior = make_moderator(session, role=Role.senior_moderator)
    moderator = make_moderator(session)
    session.commit()
    case = _case(session, filed.case.id)
    assert case.warn_at is not None
    assert case.due_at is not None
    assert case.warn_at == case.due_at - timedelta(hours=6)  # after 75% of the span

    assert _sweep(db, case.warn_at - timedelta(seconds=1)) == NOTHING
    at = case.warn_at + timedelta(seconds=1)
    assert _sweep(db, at) == {**NOTHING, "warned": 1}

    case = _case(session, filed.case.id)
    assert case.warned_at == at
    assert (case.breached_at, case.escalated_at) == (None, None)
    assert case_events(session, case.id)[-1] == "warned"
    [notice] = notices_of(session, senior)
    assert notice.kind == WARN_NOTICE
    assert notice.link == f"/console/cases/{case.id}"
    assert notices_of(session, moderator) == []
    ids = {j.payload["notification_id"] for j in jobs_named(session, SEND_EMAIL)}
    assert str(notice.id) not in ids  # an in-app warning, not an e-mail
    assert _sweep(db, at + timedelta(minutes=5)) == NOTHING  # warned once


def test_the_moderator_holding_a_case_is_warned(client: TestClient, session: Session, db: Database) -> None:
    filed = filed_about_a_post(client, session, category="cyberbullying_child")
    senior, moderator = make_moderator(session, role=Role.senior_moderator), make_moderator(session)
    session.commit()
    sign_in(client, session, moderator)
    assert claim(client, filed.case.id).status_code == 200
    case = _case(session, filed.case.id)
    assert case.warn_at is not None
    assert _sweep(db, case.warn_at + timedelta(seconds=1))["warned"] == 1
    assert [n.kind for n in notices_of(session, moderator)] == [WARN_NOTICE]
    assert notices_of(session, senior) == []


@pytest.mark.law("LAW-32")
def test_a_breached_case_is_escalated_to_senior_moderators(
    client: TestClient, session: Session, db: Database
) -> None:
    filed = filed_about_a_post(client, session)
    senior, moderator = make_moderator(session, role=Role.senior_moderator), make_moderator(session)
    session.commit()
    sign_in(client, session, moderator)
    assert claim(client, filed.case.id).status_code == 200
    case = _case(session, filed.case.id)
    assert case.due_at is not None
    # Due until the end of the day: warned by then, not breached.
    assert _sweep(db, case.due_at) == {**NOTHING, "warned": 1}

    at = case.due_at + timedelta(seconds=1)
    assert _sweep(db, at) == {**NOTHING, "breached": 1}

    case = _case(session, filed.case.id)
    assert (case.breached_at, case.escalated_at, case.assignee_id) == (at, case.escalated_at, None)
    assert case.escalated_at is not None
    [breach] = audit_of(session, "case:breach")
    assert breach.target_id == str(case.id)
    [escalation] = audit_of(session, "case:escalate")
    assert escalation.data["note"] == "deadline breached"
    assert ESCALATED_NOTICE in [n.kind for n in notices_of(session, senior)]
    assert case_events(session, case.id)[-2:] == ["warned", "escalated"]
    assert _sweep(db, at + timedelta(hours=1)) == NOTHING
    # The moderator no longer holds it, nor can take it back; a senior can.
    r = claim(client, case.id)
    assert r.status_code == 403
    assert client.get("/api/v1/moderation/cases").json()["items"] == []
    decided(client, session, senior, case.id, "remove")
    [record] = audit_of(session, "complaint:answer")
    assert record.data["on_time"] is True  # answered with the real clock, before the due time


@pytest.mark.law("LAW-49")
def test_the_platform_removes_content_the_author_did_not_delete_in_time(
    client: TestClient, session: Session, db: Database
) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    duty = decided(client, session, moderator, filed.case.id, "require_author_delete")
    assert duty.restriction_until is not None
    [statement] = statements_of(session, decision_id=duty.id, kind=StatementKind.statement_of_reasons)
    assert "otherwise the platform removes it" in statement.body
    assert _sweep(db, duty.restriction_until - timedelta(seconds=1)) == NOTHING

    assert _sweep(db, duty.restriction_until + timedelta(seconds=1)) == {**NOTHING, "removed": 1}

    assert _item(session, filed.item.id).status == ItemStatus.removed
    removal = fresh(session).scalars(select(Decision).where(Decision.action == "remove")).one()
    assert (removal.follows_id, removal.automated_decision, removal.decided_by_id) == (duty.id, "fully", None)
    assert (removal.ground_kind, removal.category, removal.source) == (
        duty.ground_kind,
        duty.category,
        "complaint",
    )
    assert removal.facts == DELETE_DUE_FACTS  # a message id: shown in each reader's language
    [reasons] = statements_of(session, decision_id=removal.id)
    assert (reasons.kind, reasons.recipient_id) == (StatementKind.statement_of_reasons, filed.author.id)
    assert "fully automated" in reasons.body
    assert _sweep(db, duty.restriction_until + timedelta(hours=1)) == NOTHING  # once
    # One breach, one strike's worth: the missed duty weighs as a removal, and does not suspend a
    # first-time offender on its own.
    assert moderation_service.active_weight(session, filed.author.id, 180) == 2
    assert _user(session, filed.author.id).status == AccountStatus.active


@pytest.mark.law("LAW-49")
def test_the_missed_duty_is_enforced_even_when_strikes_suspended_the_author(
    client: TestClient, session: Session, db: Database
) -> None:
    author, moderator = make_person(session), make_moderator(session)
    earlier = make_post(session, author, "An earlier rude post")
    own_initiative_decision(session, moderator, earlier)  # a removal: weight 2
    session.commit()
    filed = filed_about_a_post(client, session, author=author)
    duty = decided(client, session, moderator, filed.case.id, "require_author_delete")  # weight 3: suspended
    assert _user(session, author.id).status == AccountStatus.suspended
    assert duty.restriction_until is not None

    counts = _sweep(db, duty.restriction_until + timedelta(seconds=1))

    assert counts["removed"] == 1
    assert _item(session, filed.item.id).status == ItemStatus.removed


@pytest.mark.law("LAW-49")
def test_an_author_who_deletes_in_time_is_left_alone(
    client: TestClient, session: Session, db: Database
) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    duty = decided(client, session, moderator, filed.case.id, "require_author_delete")
    csrf = sign_in(client, session, filed.author)
    deleted = client.delete(f"/api/v1/posts/{filed.item.id}", headers={"X-CSRF-Token": csrf})
    assert deleted.status_code == 204
    assert duty.restriction_until is not None
    assert _sweep(db, duty.restriction_until + timedelta(seconds=1)) == NOTHING
    assert _item(session, filed.item.id).status == ItemStatus.deleted
    assert fresh(session).scalars(select(Decision).where(Decision.action == "remove")).all() == []


def test_an_ended_suspension_is_lifted_and_a_permanent_one_is_not(
    client: TestClient, session: Session, db: Database
) -> None:
    complainant, moderator = make_person(session), make_moderator(session)
    short, forever = make_person(session), make_person(session)
    session.commit()
    sign_in(client, session, complainant)
    cases: list[uuid.UUID] = []
    for account in (short, forever):
        r = file_complaint(client, account.id, subject="account", category="terms_other")
        case_id = case_of(session, r.json()["number"])
        cases.append(case_id)
    common = {"ground_kind": "terms", "category": None, "terms_clause": "3.1"}
    one_day = decided(client, session, moderator, cases[0], "suspend", suspend_days=1, **common)
    decided(client, session, moderator, cases[1], "suspend", **common)
    assert one_day.restriction_until is not None
    assert _sweep(db, one_day.restriction_until - timedelta(seconds=1))["reactivated"] == 0

    assert _sweep(db, one_day.restriction_until + timedelta(seconds=1)) == {**NOTHING, "reactivated": 1}

    lifted = _user(session, short.id)
    assert (lifted.status, lifted.suspended_until) == (AccountStatus.active, None)
    assert [r.data["to"] for r in audit_of(session, "user:set_status") if r.target_id == str(short.id)] == [
        "suspended",
        "active",
    ]
    assert _user(session, forever.id).status == AccountStatus.suspended
    assert _sweep(db, datetime.now(UTC) + timedelta(days=3650))["reactivated"] == 0


def test_the_sweep_runs_as_a_periodic_job(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    assert load_handlers()[SWEEP_JOB].every_seconds == 300
    filed = filed_about_a_post(client, session)
    make_moderator(session, role=Role.senior_moderator)
    case = _case(session, filed.case.id)
    case.warn_at = datetime.now(UTC) - timedelta(minutes=1)
    enqueue(session, SWEEP_JOB, {})
    session.commit()
    run_due_jobs(db, settings)
    assert _case(session, filed.case.id).warned_at is not None
