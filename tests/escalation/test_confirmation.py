"""Per rule, dispatch to law enforcement is automatic or waits for a safety officer's confirmation within a
set number of minutes (LAW-19, issue 5 item 6): confirmed, it goes at once; declined, nothing is sent and
the hold is released; with no answer in time it goes anyway. Every step is audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.detection.rules import RuleSpec, confirm_minutes
from senim.escalation.service import DISPATCH_JOB
from senim.models import AuditRecord, Escalation, EscalationStatus, Job, LegalHold, Notification, Role
from tests.escalation.test_escalation import RULE, THREAT, _police
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import fresh, sign_in
from tests.fixtures.notification import WebhookReceiver, webhook_receiver
from tests.notification.jobrunner import make_due, run_due_jobs

CONFIRMED_RULE = {**RULE, "action": {"type": "escalate", "dispatch": "confirm", "confirm_minutes": 10}}


def _detected(client: TestClient, session: Session, db: Database, settings: Settings) -> Escalation:
    sign_in(client, session, make_user(session, role=Role.administrator))
    url = "/api/v1/detection/rules/threats-confirmed"
    assert client.put(url, json={"spec": CONFIRMED_RULE}).status_code == 200
    for status in ("shadow", "live"):
        assert client.post(f"{url}/status", json={"status": status}).status_code == 200
    client.cookies.clear()
    make_post(session, make_user(session), THREAT)
    session.commit()
    run_due_jobs(db, settings)
    return fresh(session).scalars(select(Escalation)).one()


def _tags(session: Session) -> list[str]:
    return [r.tag for r in fresh(session).scalars(select(AuditRecord).order_by(AuditRecord.seq))]


def test_the_default_is_automatic_for_the_highest_severity() -> None:
    assert confirm_minutes(RuleSpec.model_validate(RULE)) is None
    assert confirm_minutes(RuleSpec.model_validate(CONFIRMED_RULE)) == 10
    with pytest.raises(ValueError, match="escalate action only"):
        RuleSpec.model_validate({**RULE, "action": {"type": "open_case", "dispatch": "confirm"}})


@pytest.mark.law("LAW-19")
def test_a_confirmed_escalation_is_sent_at_once(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    officer = make_user(session, role=Role.safety_officer)
    with webhook_receiver() as receiver:
        _police(session, receiver.url)
        session.commit()
        escalation = _detected(client, session, db, settings)
        assert escalation.status == EscalationStatus.awaiting_confirmation and escalation.confirm_by
        assert receiver.requests == []  # nothing sent before the officer answers
        assert session.scalars(select(Notification).where(Notification.user_id == officer.id)).all()
        login_as(client, officer)
        page = client.get("/console/escalations")
        assert "Confirm: notify law enforcement now" in page.text
        done = client.post(
            f"/console/escalations/{escalation.id}/review",
            data={"csrf_token": csrf_from(page.text), "decision": "confirm", "note": ""},
            follow_redirects=False,
        )
        assert done.status_code == 303
        run_due_jobs(db, settings)
        assert len(receiver.requests) == 1
    stored = fresh(session).get(Escalation, escalation.id)
    assert stored is not None and stored.status == EscalationStatus.dispatched
    assert stored.reviewed_by_id == officer.id
    assert {"escalation:create", "escalation:confirm", "escalation:dispatch"} <= set(_tags(session))


@pytest.mark.law("LAW-19")
def test_a_declined_escalation_sends_nothing_and_releases_the_hold(
    client: TestClient, session: Session, db: Database, settings: Settings, receiver: WebhookReceiver
) -> None:
    officer = make_user(session, role=Role.safety_officer)
    _police(session, receiver.url)
    session.commit()
    escalation = _detected(client, session, db, settings)
    sign_in(client, session, officer)
    url = f"/api/v1/escalations/{escalation.id}/decline"
    assert client.post(url, json={"note": ""}).status_code == 422  # a reason is required
    assert fresh(session).get(Escalation, escalation.id).status == "awaiting_confirmation"  # type: ignore[union-attr]
    declined = client.post(url, json={"note": "A quote from a film."})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    for job in fresh(session).scalars(select(Job).where(Job.name == DISPATCH_JOB)):
        make_due(db, job.id)
    run_due_jobs(db, settings)
    assert receiver.requests == []
    assert fresh(session).scalars(select(LegalHold)).one().released_at is not None
    assert client.post(f"/api/v1/escalations/{escalation.id}/confirm", json={}).status_code == 409
    assert "escalation:decline" in _tags(session)


@pytest.mark.law("LAW-19")
def test_with_no_answer_in_time_it_is_sent_anyway(
    client: TestClient, session: Session, db: Database, settings: Settings, receiver: WebhookReceiver
) -> None:
    _police(session, receiver.url)
    session.commit()
    escalation = _detected(client, session, db, settings)
    job = fresh(session).scalars(select(Job).where(Job.name == DISPATCH_JOB)).one()
    assert escalation.confirm_by is not None and job.run_at >= escalation.confirm_by
    make_due(db, job.id)  # the ten minutes pass
    run_due_jobs(db, settings)
    assert len(receiver.requests) == 1
    assert fresh(session).get(Escalation, escalation.id).status == "dispatched"  # type: ignore[union-attr]
    assert "escalation:confirm_timeout" in _tags(session)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.safety_officer, 200),
        (Role.moderator, 403),
        (Role.administrator, 403),
        (Role.user, 403),
    ],
)
def test_only_safety_officers_confirm(
    client: TestClient, session: Session, db: Database, settings: Settings, role: Role, status: int
) -> None:
    escalation = _detected(client, session, db, settings)
    sign_in(client, session, make_user(session, role=role))
    assert client.post(f"/api/v1/escalations/{escalation.id}/confirm", json={}).status_code == status


def test_law_enforcement_reads_but_does_not_confirm(
    client: TestClient, session: Session, db: Database, settings: Settings, receiver: WebhookReceiver
) -> None:
    police, _secret = _police(session, receiver.url)
    session.commit()
    escalation = _detected(client, session, db, settings)
    url = f"/api/v1/escalations/{escalation.id}"
    # Nothing was sent yet: law enforcement neither sees it nor can close it by acknowledging.
    assert client.get(url, headers=police.headers).status_code == 404
    assert client.get("/api/v1/escalations", headers=police.headers).json()["items"] == []
    assert client.post(f"{url}/acknowledge", json={}, headers=police.headers).status_code == 404
    assert client.post(f"{url}/confirm", json={}, headers=police.headers).status_code == 403
    assert client.post(f"{url}/decline", json={"note": "no"}, headers=police.headers).status_code == 403
