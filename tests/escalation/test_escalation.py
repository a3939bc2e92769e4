"""Immediate notification of law enforcement (LAW-19): a live rule (or a moderator) marks content as a
threat to life; in the same transaction the content is held as evidence, an urgent case opens and the
urgent dispatch job is queued; the job sends a signed webhook to the law-enforcement receiver, retried
until delivered; the escalation stays open until the recipient acknowledges it through the API."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account.service import account_service
from senim.audit import Actor
from senim.config import Settings
from senim.db import Database
from senim.escalation.service import DISPATCH_JOB, EVENT, escalation_service
from senim.kit.clock import utcnow
from senim.models import (
    AuditRecord,
    ContentItem,
    Escalation,
    EscalationStatus,
    Job,
    LegalHold,
    ModerationCase,
    Notification,
    Priority,
    Role,
)
from senim.notification.webhooks import verify
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.community import Platform
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import fresh, sign_in
from tests.fixtures.notification import WebhookReceiver, make_endpoint, smtp_sink
from tests.notification.jobrunner import make_due, run_due_jobs

THREAT = "Ертең мектепке барып бәрін өлтіремін, убью всех"
RULE = {
    "category": "unlawful.terrorism_extremism",
    "matchers": [{"type": "terms", "kind": "exact", "terms": ["убью всех", "бәрін өлтіремін"]}],
    "action": {"type": "escalate", "priority": 1},
}


def _police(session: Session, url: str) -> tuple[Platform, str]:
    police = make_user(session, role=Role.law_enforcement, password=None)
    issued = account_service.issue_token(
        session,
        Actor.system("test"),
        police,
        name="police",
        scopes=["escalation:acknowledge", "escalation:read"],
    )
    _endpoint, secret = make_endpoint(session, police, url, [EVENT])
    return Platform(principal=police, token=issued.token), secret


def _live_rule(client: TestClient, session: Session) -> None:
    sign_in(client, session, make_user(session, role=Role.administrator))
    assert client.put("/api/v1/detection/rules/threats", json={"spec": RULE}).status_code == 200
    for status in ("shadow", "live"):
        assert (
            client.post("/api/v1/detection/rules/threats/status", json={"status": status}).status_code == 200
        )


@pytest.mark.law("LAW-19")
def test_a_detected_threat_reaches_law_enforcement_and_waits_for_acknowledgement(
    client: TestClient, session: Session, db: Database, settings: Settings, receiver: WebhookReceiver
) -> None:
    police, secret = _police(session, receiver.url)
    session.commit()
    _live_rule(client, session)
    post = make_post(session, make_user(session), THREAT)
    session.commit()
    started = time.monotonic()
    run_due_jobs(db, settings)  # the scan, then the urgent dispatch, then the delivery
    escalation = fresh(session).scalars(select(Escalation)).one()
    assert (escalation.status, escalation.source, escalation.category) == (
        EscalationStatus.dispatched,
        "detection",
        "unlawful.terrorism_extremism",
    )
    assert len(receiver.requests) == 1 and time.monotonic() - started < 60
    request = receiver.requests[0]
    verify(secret, request.body, request.headers["senim-signature"], now=time.time())
    event = json.loads(request.body)
    assert event["event"] == EVENT and event["data"]["item_id"] == str(post.id)
    assert THREAT not in request.body.decode()  # the evidence is read through the API, not pushed around
    hold = session.scalars(select(LegalHold)).one()
    assert hold.item_id == post.id and hold.released_at is None
    case = session.get(ModerationCase, escalation.case_id)
    assert case is not None and (case.queue, case.priority) == ("urgent", 1)
    detail = client.get(f"/api/v1/escalations/{escalation.id}", headers=police.headers)
    assert detail.status_code == 200 and detail.json()["notification"]["text"] == THREAT
    client.cookies.clear()
    ack = client.post(
        f"/api/v1/escalations/{escalation.id}/acknowledge",
        json={"reference": "KUI-2026-0042"},
        headers=police.headers,
    )
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    tags = [r.tag for r in fresh(session).scalars(select(AuditRecord).order_by(AuditRecord.seq))]
    for tag in ("escalation:create", "item:hold", "escalation:dispatch", "escalation:acknowledge"):
        assert tag in tags
    author_delete = session.get(ContentItem, post.id)
    assert author_delete is not None and author_delete.status != "deleted"


@pytest.mark.law("LAW-19")
def test_the_dispatch_is_urgent_and_the_delivery_is_retried_until_it_succeeds(
    client: TestClient, session: Session, db: Database, settings: Settings, receiver: WebhookReceiver
) -> None:
    _police(session, receiver.url)
    moderator = make_user(session, role=Role.moderator)
    post = make_post(session, make_user(session), THREAT)
    session.commit()
    sign_in(client, session, moderator)
    created = client.post(
        f"/api/v1/items/{post.id}/escalations",
        json={"category": "unlawful.terrorism_extremism", "reason": "A threat to attack a school tomorrow."},
    )
    assert created.status_code == 201, created.text
    job = fresh(session).scalars(select(Job).where(Job.name == DISPATCH_JOB)).one()
    assert job.priority == Priority.urgent
    receiver.statuses = [503, 503]
    run_due_jobs(db, settings)
    for _ in range(2):
        delivery = fresh(session).scalars(select(Job).where(Job.name == "notification.deliver_webhook")).one()
        assert delivery.priority == Priority.urgent  # never behind the scans of a busy hour
        make_due(db, delivery.id)
        run_due_jobs(db, settings)
    assert len(receiver.requests) == 3
    escalation = fresh(session).scalars(select(Escalation)).one()
    assert escalation.status == EscalationStatus.dispatched  # still waiting for the acknowledgement


@pytest.mark.law("LAW-19")
def test_without_a_channel_safety_officers_are_told_at_once(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    officer = make_user(session, role=Role.safety_officer)
    post = make_post(session, make_user(session), THREAT)
    session.commit()
    escalation_service.escalate(
        session,
        post,
        actor=Actor.of(officer),
        category="unlawful.terrorism_extremism",
        reason="Threat to attack a school.",
        source="moderator",
    )
    session.commit()
    run_due_jobs(db, settings)
    escalation = fresh(session).scalars(select(Escalation)).one()
    assert escalation.status == EscalationStatus.open
    notices = session.scalars(select(Notification).where(Notification.user_id == officer.id)).all()
    assert len(notices) == 1
    sign_in(client, session, officer)
    ack = client.post(f"/api/v1/escalations/{escalation.id}/acknowledge", json={"reference": "phoned 102"})
    assert ack.status_code == 200
    assert fresh(session).get(Escalation, escalation.id).acknowledged_by_id == officer.id  # type: ignore[union-attr]


def test_only_threats_to_life_are_escalated(client: TestClient, session: Session) -> None:
    post = make_post(session, make_user(session), "Cheap watches, write to me")
    moderator = make_user(session, role=Role.moderator)
    session.commit()
    sign_in(client, session, moderator)
    refused = client.post(
        f"/api/v1/items/{post.id}/escalations", json={"category": "unlawful.fraud", "reason": "A scam."}
    )
    assert refused.status_code == 422
    assert fresh(session).scalars(select(Escalation)).all() == []
    assert session.scalars(select(LegalHold)).all() == []
    sign_in(client, session, make_user(session, role=Role.administrator))
    bad_rule = {**RULE, "category": "unlawful.fraud"}
    assert client.put("/api/v1/detection/rules/x-fraud", json={"spec": bad_rule}).status_code == 422


def test_escalating_twice_returns_the_open_escalation(session: Session) -> None:
    officer = make_user(session, role=Role.safety_officer)
    post = make_post(session, make_user(session), THREAT)
    session.commit()
    first = escalation_service.escalate(
        session, post, actor=Actor.of(officer), category="unlawful.suicide", reason="r", source="moderator"
    )
    second = escalation_service.escalate(
        session, post, actor=Actor.of(officer), category="unlawful.suicide", reason="r", source="moderator"
    )
    assert first.id == second.id
    assert first.created_at <= utcnow()


@pytest.mark.law("LAW-19")
def test_safety_officers_work_the_escalation_console(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    officer = make_user(session, role=Role.safety_officer)
    post = make_post(session, make_user(session), THREAT)
    session.commit()
    escalation = escalation_service.escalate(
        session,
        post,
        actor=Actor.of(officer),
        category="unlawful.terrorism_extremism",
        reason="Threat to attack a school.",
        source="moderator",
    )
    session.commit()
    login_as(client, officer)
    page = client.get("/console/escalations")
    assert page.status_code == 200 and THREAT in page.text
    done = client.post(
        f"/console/escalations/{escalation.id}/acknowledge",
        data={"csrf_token": csrf_from(page.text), "reference": "phoned 102, officer Nurlan"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    stored = fresh(session).get(Escalation, escalation.id)
    assert stored is not None and stored.status == EscalationStatus.acknowledged
    login_as(client, make_user(session, role=Role.moderator))
    assert client.get("/console/escalations").status_code == 403


@pytest.mark.law("LAW-19")
def test_the_e_mail_channel_sends_the_notification_in_full(
    session: Session, db: Database, settings: Settings
) -> None:
    officer = make_user(session, role=Role.safety_officer)
    post = make_post(session, make_user(session), THREAT)
    session.commit()
    settings.law_enforcement_email = "duty@police.example.kz"
    with smtp_sink() as sink:
        settings.smtp_port = sink.port
        escalation = escalation_service.escalate(
            session,
            post,
            actor=Actor.of(officer),
            category="unlawful.terrorism_extremism",
            reason="Threat to attack a school.",
            source="moderator",
        )
        session.commit()
        run_due_jobs(db, settings)  # the dispatch, then the e-mail
        run_due_jobs(db, settings)
        assert len(sink.messages) == 1
        message = sink.messages[0]
    assert message.rcpt_tos == ["duty@police.example.kz"]
    assert THREAT in message.text and str(escalation.id) in message.text
    stored = fresh(session).get(Escalation, escalation.id)
    assert stored is not None and stored.status == EscalationStatus.dispatched
