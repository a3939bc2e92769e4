"""Filing and following complaints through the API (LAW-13, LAW-31), the answer deadline (LAW-32, LAW-50)
and the reasoned answer: rows, case, audit records, notices, e-mail and webhook jobs, not only statuses."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.complaint import service as complaint_module
from senim.complaint.service import ANSWERED_NOTICE, RECEIVED_NOTICE
from senim.config import Settings
from senim.content.service import content_service
from senim.db import Database
from senim.kit import deadlines
from senim.kit.clock import ALMATY
from senim.models import (
    Complaint,
    ComplaintOutcome,
    ComplaintStatus,
    ModerationCase,
    Role,
    Statement,
    StatementKind,
)
from senim.moderation.statements import local
from senim.notification.webhooks import verify
from tests.fixtures.builders import make_user
from tests.fixtures.community import Platform, make_community, make_platform, push_account, push_item
from tests.fixtures.content import log_out, make_post
from tests.fixtures.moderation import (
    DESCRIPTION,
    FACTS,
    VERIFY_JOB,
    audit_of,
    complaint_by_number,
    decided,
    email_jobs_for,
    file_complaint,
    filed_about_a_post,
    jobs_named,
    make_moderator,
    make_person,
    notices_of,
    own_initiative_decision,
    sign_in,
    snapshot,
    webhook_events,
)
from tests.fixtures.notification import (
    SmtpSink,
    WebhookReceiver,
    make_endpoint,
    smtp_sink,
    webhook_receiver,
)
from tests.notification.jobrunner import run_due_jobs

NUMBER = re.compile(r"^C-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")


@pytest.fixture
def sink(settings: Settings) -> Iterator[SmtpSink]:
    with smtp_sink() as s:
        settings.smtp_port = s.port
        yield s


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as r:
        yield r


def end_of_almaty_day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=ALMATY).astimezone(UTC)


def almaty(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ALMATY).astimezone(UTC)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- filing about each kind of subject ------------------------------------------------------------


@dataclass
class Subject:
    body: dict[str, Any]
    column: str  # the complaint column that names the target
    target: uuid.UUID | None
    queue: str


def _subject(session: Session, kind: str, complainant: Any) -> Subject:
    other = make_person(session)
    if kind == "post":
        post = make_post(session, other, "A rude post")
        return Subject({"subject": "item", "category": "unlawful.fraud"}, "item_id", post.id, "unlawful")
    if kind == "comment":
        post = make_post(session, other, "A calm post")
        comment = content_service.create_comment(session, other, post.id, "A rude comment")
        body = {"subject": "item", "category": "spam_fraud"}
        return Subject(body, "item_id", comment.id, "general")
    if kind == "account":
        body = {"subject": "account", "category": "terms_other"}
        return Subject(body, "account_id", other.id, "general")
    if kind == "community":
        community = make_community(session, other)
        body = {"subject": "community", "category": "terms_other"}
        return Subject(body, "community_id", community.id, "general")
    if kind == "interface":
        body = {
            "subject": "interface",
            "category": "interface_problem",
            "target_ref": "/feed: no way to leave",
        }
        return Subject(body, "item_id", None, "platform")
    moderator = make_moderator(session)
    own = make_post(session, complainant, "My own post that was removed")
    decision = own_initiative_decision(session, moderator, own)
    body = {"subject": "platform_action", "category": "platform_action_dispute"}
    return Subject(body, "decision_id", decision.id, "platform")


@pytest.mark.law("LAW-13")
@pytest.mark.law("LAW-31")
@pytest.mark.parametrize("kind", ["post", "comment", "account", "community", "interface", "platform_action"])
def test_a_complaint_about_each_subject_is_acknowledged_at_once_with_a_tracking_number(
    client: TestClient, session: Session, kind: str
) -> None:
    complainant = make_person(session, language="ru")
    subject = _subject(session, kind, complainant)
    session.commit()
    sign_in(client, session, complainant)
    body = {**subject.body, "description": DESCRIPTION}
    if subject.target is not None:
        body["target_id"] = str(subject.target)
    started = datetime.now(UTC)

    r = client.post("/api/v1/complaints", json=body)

    assert r.status_code == 201, r.text
    data = r.json()
    assert NUMBER.match(data["number"]), data["number"]
    assert data["status"] == "received"
    assert data["subject"] == body["subject"]
    assert data["target_id"] == (str(subject.target) if subject.target else None)
    assert data["answer"] is None
    assert data["rules_version"] == 1
    due = _at(data["due_at"])
    assert started < due <= started + timedelta(days=21)
    complaint = complaint_by_number(session, data["number"])
    assert complaint.status == ComplaintStatus.received
    assert complaint.complainant_id == complainant.id
    assert complaint.language == "ru"
    assert complaint.description == DESCRIPTION
    if subject.target is not None:
        assert getattr(complaint, subject.column) == subject.target
    else:
        assert complaint.target_ref == "/feed: no way to leave"
    case = session.get(ModerationCase, complaint.case_id)
    assert case is not None
    assert (case.queue, case.subject, case.status, case.due_at) == (
        subject.queue,
        body["subject"],
        "open",
        complaint.due_at,
    )
    # The acknowledgement: an in-app notice and an e-mail job, in the same transaction.
    [notice] = [n for n in notices_of(session, complainant) if n.kind == RECEIVED_NOTICE]
    assert notice.params["number"] == complaint.number
    assert complaint.due_at is not None
    assert notice.params["due"] == local(complaint.due_at)  # Almaty time, as the reader lives it
    assert notice.params["due"].endswith(" 23:59")
    assert notice.link == f"/complaints/{complaint.number}"
    assert notice.id in {
        uuid.UUID(j.payload["notification_id"]) for j in email_jobs_for(session, complainant)
    }
    [record] = audit_of(session, "complaint:file")
    assert record.actor_id == complainant.id
    assert record.target_id == str(complaint.id)
    assert record.data["number"] == complaint.number
    assert record.data["category"] == body["category"]
    assert record.data["rules_version"] == 1
    assert len(audit_of(session, "case:open")) == 1


@pytest.mark.law("LAW-13")
def test_the_acknowledgement_e_mail_reaches_the_complainant(
    client: TestClient, session: Session, db: Database, settings: Settings, sink: SmtpSink
) -> None:
    filed = filed_about_a_post(client, session)
    assert run_due_jobs(db, settings) >= 1
    [mail] = [m for m in sink.messages if filed.complainant.email in m.rcpt_tos]
    assert filed.number in mail.message["subject"] + mail.text
    assert f"/complaints/{filed.number}" in mail.text


@pytest.mark.law("LAW-31")
def test_the_complainant_lists_and_follows_their_complaints(client: TestClient, session: Session) -> None:
    author, complainant, stranger = make_person(session), make_person(session), make_person(session)
    first, second = make_post(session, author, "First"), make_post(session, author, "Second")
    session.commit()
    sign_in(client, session, complainant)
    one = file_complaint(client, first.id).json()["number"]
    two = file_complaint(client, second.id, category="spam_fraud").json()["number"]

    listed = client.get("/api/v1/complaints")
    assert listed.status_code == 200
    assert [c["number"] for c in listed.json()["items"]] == [two, one]
    followed = client.get(f"/api/v1/complaints/{one.lower()}")  # the number is read case-insensitively
    assert followed.status_code == 200
    assert followed.json()["number"] == one
    assert followed.json()["status"] == "received"
    assert followed.json()["target_id"] == str(first.id)

    sign_in(client, session, stranger)
    assert client.get("/api/v1/complaints").json()["items"] == []
    r = client.get(f"/api/v1/complaints/{one}")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "complaint_not_found"
    log_out(client)
    assert client.get("/api/v1/complaints").status_code == 401


# --- integrating platforms ------------------------------------------------------------------------


@pytest.mark.law("LAW-31")
def test_a_platform_files_about_its_pushed_item_by_external_id_and_gets_a_webhook(
    client: TestClient, session: Session, db: Database, settings: Settings, receiver: WebhookReceiver
) -> None:
    platform = make_platform(session)
    push_account(session, platform.principal, "acc-1")
    item = push_item(session, platform.principal, "post-7", "acc-1", "Pushed rude text")
    _endpoint, secret = make_endpoint(session, platform.principal, receiver.url)
    session.commit()

    r = file_complaint(
        client,
        None,
        headers=platform.headers,
        target_external_id="post-7",
        reporter_external_id="their-user-42",
        language="ru",
    )

    assert r.status_code == 201, r.text
    data = r.json()
    assert data["target_id"] == str(item.id)
    complaint = complaint_by_number(session, data["number"])
    assert (complaint.platform_id, complaint.complainant_id) == (platform.principal.id, None)
    assert (complaint.external_reporter_id, complaint.item_id, complaint.language) == (
        "their-user-42",
        item.id,
        "ru",
    )
    assert complaint.case_id is not None
    [event] = webhook_events(session, "complaint.received")
    assert event["data"]["number"] == complaint.number
    assert event["data"]["complaint_id"] == str(complaint.id)
    assert event["data"]["due_at"] == complaint.due_at.isoformat()  # type: ignore[union-attr]
    [record] = audit_of(session, "complaint:file")
    assert record.actor_id == platform.principal.id
    listed = client.get("/api/v1/complaints", headers=platform.headers).json()["items"]
    assert [c["number"] for c in listed] == [complaint.number]
    assert client.get(f"/api/v1/complaints/{complaint.number}", headers=platform.headers).status_code == 200

    run_due_jobs(db, settings)
    [delivered] = [r for r in receiver.requests if json.loads(r.body)["event"] == "complaint.received"]
    verify(secret, delivered.body, delivered.headers["senim-signature"], now=time.time())
    assert json.loads(delivered.body)["data"]["number"] == complaint.number


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        ({"target_external_id": "post-7"}, 422, "complaint_invalid"),  # no reporter
        ({"target_external_id": "nope", "reporter_external_id": "u"}, 404, "complaint_target_not_found"),
        ({"target_external_id": "other-7", "reporter_external_id": "u"}, 404, "complaint_target_not_found"),
        (
            {
                "subject": "platform_action",
                "category": "platform_action_dispute",
                "target_id": str(uuid.UUID(int=7)),
                "reporter_external_id": "u",
            },
            404,
            "decision_not_found",
        ),
    ],
    ids=["without-reporter", "unknown-external-id", "another-platforms-item", "unknown-decision"],
)
def test_a_platform_filing_is_refused_without_writing_anything(
    client: TestClient, session: Session, extra: dict[str, str], status: int, code: str
) -> None:
    platform: Platform = make_platform(session)
    other = make_platform(session)
    push_account(session, platform.principal, "acc-1")
    push_item(session, platform.principal, "post-7", "acc-1")
    push_account(session, other.principal, "acc-9")
    push_item(session, other.principal, "other-7", "acc-9")
    session.commit()
    before = snapshot(session)
    extra = dict(extra)  # the parameters are shared by both backends' runs
    r = file_complaint(client, extra.pop("target_id", None), headers=platform.headers, **extra)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert snapshot(session) == before


# --- bad input ------------------------------------------------------------------------------------

BAD: dict[str, tuple[dict[str, Any], int, str]] = {
    "unknown-category": ({"category": "no.such.category"}, 422, "complaint_invalid"),
    "category-not-for-this-subject": ({"category": "interface_problem"}, 422, "complaint_invalid"),
    "short-description": ({"description": "bad post"}, 422, "complaint_invalid"),
    "blank-description": ({"description": "             "}, 422, "complaint_invalid"),
    "false-information-without-why": (
        {"category": "false_information", "concerns_me": True},
        422,
        "complaint_invalid",
    ),
    "false-information-not-about-me": (
        {"category": "false_information", "why_false": "I was never in that city on that day."},
        422,
        "complaint_invalid",
    ),
    "personal-data-not-about-me": ({"category": "privacy.personal_data"}, 422, "complaint_invalid"),
    "own-content": ({"target": "own"}, 422, "complaint_invalid"),
    "own-account": (
        {"subject": "account", "category": "terms_other", "target": "me"},
        422,
        "complaint_invalid",
    ),
    "unknown-post": ({"target": "unknown"}, 404, "complaint_target_not_found"),
    "unknown-account": (
        {"subject": "account", "category": "terms_other", "target": "unknown"},
        404,
        "complaint_target_not_found",
    ),
    "unknown-community": (
        {"subject": "community", "category": "terms_other", "target": "unknown"},
        404,
        "community_not_found",
    ),
    "unknown-decision": (
        {"subject": "platform_action", "category": "platform_action_dispute", "target": "unknown"},
        404,
        "decision_not_found",
    ),
    "someone-elses-decision": (
        {"subject": "platform_action", "category": "platform_action_dispute", "target": "decision"},
        404,
        "decision_not_found",
    ),
    "no-target": ({"target": None}, 404, "complaint_target_not_found"),
    "interface-without-page": (
        {"subject": "interface", "category": "interface_problem", "target": None},
        422,
        "complaint_invalid",
    ),
    "unknown-subject": ({"subject": "weather"}, 422, "invalid"),
    "missing-description": ({"description": None}, 422, "invalid"),
    "bad-language": ({"language": "de"}, 422, "invalid"),
}


@pytest.mark.law("LAW-31")
@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_complaints_are_refused_and_write_nothing(
    client: TestClient, session: Session, case: str
) -> None:
    changes, status, code = BAD[case]
    complainant, author, moderator = make_person(session), make_person(session), make_moderator(session)
    post = make_post(session, author, "Someone's post")
    own = make_post(session, complainant, "My own post")
    decision = own_initiative_decision(session, moderator, make_post(session, author, "Not mine"))
    session.commit()
    targets = {
        "post": post.id,
        "own": own.id,
        "me": complainant.id,
        "unknown": uuid.uuid4(),
        "decision": decision.id,
        None: None,
    }
    body: dict[str, Any] = {"subject": "item", "category": "unlawful.fraud", "description": DESCRIPTION}
    body.update({k: v for k, v in changes.items() if k != "target"})
    target = targets[changes.get("target", "post")]
    if target is not None:
        body["target_id"] = str(target)
    body = {k: v for k, v in body.items() if v is not None}
    sign_in(client, session, complainant)
    before = snapshot(session)

    r = client.post("/api/v1/complaints", json=body)

    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert snapshot(session) == before


def test_only_people_and_platforms_complain(client: TestClient, session: Session) -> None:
    post = make_post(session, make_person(session))
    auditor = make_user(session, role=Role.auditor)
    session.commit()
    assert file_complaint(client, post.id).status_code == 401
    sign_in(client, session, auditor)
    before = snapshot(session)
    r = file_complaint(client, post.id)
    assert r.status_code == 403
    assert snapshot(session) == before


# --- the answer deadline (LAW-32, LAW-50) ----------------------------------------------------------


@pytest.mark.law("LAW-32")
@pytest.mark.parametrize(
    ("category", "received", "due"),
    [
        pytest.param("unlawful.fraud", almaty(2026, 3, 10, 12), end_of_almaty_day(2026, 3, 30), id="20-days"),
        pytest.param(
            "unlawful.fraud", almaty(2025, 12, 31, 23, 30), end_of_almaty_day(2026, 1, 20), id="new-year-eve"
        ),
        pytest.param(
            "unlawful.fraud",
            almaty(2026, 1, 1, 0, 10),  # still 31 December in UTC
            end_of_almaty_day(2026, 1, 21),
            id="almaty-midnight",
        ),
        pytest.param(
            "cyberbullying_child",
            almaty(2026, 3, 20, 15),
            almaty(2026, 3, 21, 15),
            id="cyberbullying-of-a-child-24-hours",
        ),
    ],
)
def test_the_answer_is_due_20_calendar_days_after_the_day_of_receipt_or_sooner(
    client: TestClient,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    category: str,
    received: datetime,
    due: datetime,
) -> None:
    _due_of_a_complaint_filed_at(client, session, monkeypatch, category, received, due)


@pytest.mark.law("LAW-50")
@pytest.mark.parametrize(
    ("received", "due"),
    [
        pytest.param(almaty(2026, 3, 19, 11), end_of_almaty_day(2026, 3, 20), id="thursday-before-nauryz"),
        pytest.param(
            almaty(2026, 3, 20, 15), end_of_almaty_day(2026, 3, 26), id="friday-before-nauryz-21-25-march"
        ),
        pytest.param(almaty(2026, 3, 22, 10), end_of_almaty_day(2026, 3, 26), id="on-a-nauryz-day"),
        pytest.param(
            almaty(2026, 3, 19, 0, 10),  # 18 March in UTC
            end_of_almaty_day(2026, 3, 20),
            id="just-after-almaty-midnight",
        ),
        pytest.param(almaty(2025, 12, 31, 10), end_of_almaty_day(2026, 1, 5), id="new-year-holidays"),
        pytest.param(almaty(2026, 1, 6, 10), end_of_almaty_day(2026, 1, 8), id="orthodox-christmas"),
    ],
)
def test_unlawful_personal_data_is_answered_within_one_working_day(
    client: TestClient,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    received: datetime,
    due: datetime,
) -> None:
    _due_of_a_complaint_filed_at(
        client, session, monkeypatch, "privacy.personal_data", received, due, concerns_me=True
    )


def _due_of_a_complaint_filed_at(
    client: TestClient,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    category: str,
    received: datetime,
    due: datetime,
    **extra: Any,
) -> None:
    author, complainant = make_person(session), make_person(session)
    post = make_post(session, author, "Someone's phone number and home address")
    session.commit()
    sign_in(client, session, complainant)
    monkeypatch.setattr(complaint_module, "utcnow", lambda: received)
    r = file_complaint(client, post.id, category=category, **extra)
    assert r.status_code == 201, r.text
    assert _at(r.json()["due_at"]) == due
    complaint = complaint_by_number(session, r.json()["number"])
    assert complaint.received_at == received
    assert complaint.due_at == due
    # the law's own deadline, fixed at receipt for the transparency report (LAW-32)
    assert complaint.legal_due_at == deadlines.RULES["complaint_answer"].due_at(received)
    case = session.get(ModerationCase, complaint.case_id)
    assert case is not None
    assert case.due_at == due
    assert case.warn_at is not None
    assert received <= case.warn_at < due


# --- the reasoned answer (LAW-32) -----------------------------------------------------------------


@pytest.mark.law("LAW-32")
def test_the_complainant_gets_a_reasoned_answer_stored_and_shown(
    client: TestClient, session: Session
) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, "remove")

    complaint = complaint_by_number(session, filed.number)
    assert complaint.status == ComplaintStatus.answered
    assert complaint.outcome == ComplaintOutcome.upheld
    assert complaint.answer_decision_id == decision.id
    assert complaint.answered_at is not None
    [answer] = session.scalars(
        select(Statement).where(
            Statement.complaint_id == complaint.id, Statement.kind == StatementKind.complaint_answer
        )
    ).all()
    assert answer.recipient_id == filed.complainant.id
    assert answer.decision_id == decision.id
    assert answer.language == filed.complainant.language
    for fact in (filed.number, FACTS, decision.legal_basis, "right to go to court"):
        assert fact in answer.body
    [record] = audit_of(session, "complaint:answer")
    assert record.target_id == str(complaint.id)
    assert record.data["on_time"] is True
    assert [n.kind for n in notices_of(session, filed.complainant)] == [RECEIVED_NOTICE, ANSWERED_NOTICE]
    assert len(email_jobs_for(session, filed.complainant)) == 2

    sign_in(client, session, filed.complainant)
    shown = client.get(f"/api/v1/complaints/{filed.number}").json()
    assert shown["status"] == "answered"
    assert shown["outcome"] == "upheld"
    assert shown["decision_id"] == str(decision.id)
    assert shown["answer"] == answer.body
    listed = client.get("/api/v1/complaints").json()["items"]
    assert listed[0]["answer"] == answer.body
    # The complainant reads the decision with their own answer among its statements.
    seen = client.get(f"/api/v1/decisions/{decision.id}").json()
    assert [s["kind"] for s in seen["statements"]] == ["complaint_answer"]


@pytest.mark.law("LAW-32")
def test_a_no_violation_answer_explains_the_outcome(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decided(client, session, moderator, filed.case.id, "no_violation")
    complaint = complaint_by_number(session, filed.number)
    assert complaint.outcome == ComplaintOutcome.rejected
    sign_in(client, session, filed.complainant)
    answer = client.get(f"/api/v1/complaints/{filed.number}").json()["answer"]
    assert "no breach was found" in answer
    assert FACTS in answer
    assert "You may appeal this decision until" in answer
    assert "Article 15(2)" not in answer  # only a refusal about false information names it


def test_a_visitor_cannot_file_through_the_api(client: TestClient, session: Session) -> None:
    post = make_post(session, make_person(session))
    session.commit()
    before = snapshot(session)
    assert file_complaint(client, post.id).status_code == 401
    assert snapshot(session) == before
    assert jobs_named(session, VERIFY_JOB) == []
    assert session.scalars(select(Complaint)).all() == []
