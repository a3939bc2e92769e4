"""Removal of false information (OPL Art. 15, LAW-46-50): the person it is about asks, also without an
account after confirming their e-mail address; the author is told and may delete (LAW-49); the answer
is reasoned, and a refusal names the right to go to court (LAW-47)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.complaint.errors import ComplaintInvalid, VerificationFailed
from senim.complaint.service import (
    AUTHOR_NOTICE,
    Filing,
    complaint_service,
    verification_token,
    visitor_appeal_token,
)
from senim.config import Settings
from senim.db import Database
from senim.kit import deadlines
from senim.models import (
    Appeal,
    Complaint,
    ComplaintOutcome,
    ComplaintStatus,
    ItemStatus,
    Statement,
    StatementKind,
)
from senim.moderation.policy import TargetKind
from senim.moderation.statements import COURT, COURT_FALSE_INFORMATION, action_text, local
from senim.notification.service import in_language
from tests.fixtures.builders import csrf_from
from tests.fixtures.content import make_post
from tests.fixtures.moderation import (
    VERIFY_JOB,
    VISITOR_EMAIL_JOB,
    audit_of,
    case_of,
    claim,
    complaint_by_number,
    decide,
    decided,
    email_jobs_for,
    file_complaint,
    fresh,
    jobs_named,
    make_moderator,
    make_person,
    notices_of,
    sign_in,
    snapshot,
    statements_of,
    text_in,
)
from tests.fixtures.notification import SmtpSink, smtp_sink
from tests.notification.jobrunner import run_due_jobs

WHY = "I have never been convicted of anything; the court record cited does not exist."
DESCRIPTION = "This post says I was convicted of fraud in 2019. That is false and harms my name."
NAME = "Айгерім Сапарова"
EMAIL = "aigerim@example.kz"


@pytest.fixture
def sink(settings: Settings) -> Iterator[SmtpSink]:
    with smtp_sink() as s:
        settings.smtp_port = s.port
        yield s


def filing(item_id: uuid.UUID, **changes: Any) -> Filing:
    fields: dict[str, Any] = {
        "subject": TargetKind.item,
        "category": "false_information",
        "description": DESCRIPTION,
        "target_id": item_id,
        "details": {"why_false": WHY},
        "concerns_me": True,
    }
    fields.update(changes)
    return Filing(**fields)


def file_as_visitor(
    db: Database, settings: Settings, item_id: uuid.UUID, **contact: str
) -> tuple[Complaint, str]:
    with db.transaction() as s:
        complaint, token = complaint_service.file(
            s,
            filing(item_id),
            contact_name=contact.get("name", NAME),
            contact_email=contact.get("email", EMAIL),
            language="ru",
            settings=settings,
        )
    assert token is not None
    return complaint, token


def verify(db: Database, token: str) -> Complaint:
    with db.transaction() as s:
        return complaint_service.verify(s, token)


def mails_to(sink: SmtpSink, address: str) -> list[str]:
    return [f"{m.message['subject']}\n{m.text}" for m in sink.messages if address in m.rcpt_tos]


@pytest.mark.law("LAW-46")
@pytest.mark.law("LAW-48")
@pytest.mark.law("LAW-49")
def test_a_person_without_an_account_asks_for_removal_after_confirming_their_address(
    session: Session, db: Database, settings: Settings, sink: SmtpSink
) -> None:
    author = make_person(session)
    post = make_post(session, author, "Aigerim Saparova was convicted of fraud in 2019.")
    session.commit()

    complaint, token = file_as_visitor(db, settings, post.id)

    assert token == verification_token(settings, complaint.id)
    row = complaint_by_number(session, complaint.number)
    assert row.status == ComplaintStatus.unverified
    assert (row.complainant_id, row.platform_id, row.case_id) == (None, None, None)
    assert (row.contact_name, row.contact_email, row.language) == (NAME, EMAIL, "ru")
    assert row.details == {"why_false": WHY, "concerns_me": "yes"}
    assert row.verify_digest and token not in row.verify_digest
    [job] = jobs_named(session, VERIFY_JOB)
    assert job.payload == {"complaint_id": str(row.id)}  # staff read payloads: no address, no name
    [record] = audit_of(session, "complaint:file")
    assert (record.actor_id, record.data["visitor"]) == (None, True)
    assert notices_of(session, author) == []  # nothing happens before the address is confirmed
    run_due_jobs(db, settings)
    [mail] = mails_to(sink, EMAIL)
    assert row.number in mail
    assert settings.base_url.rstrip("/") + "/complaints/verify/" + token in mail

    verified = verify(db, token)

    assert verified.id == row.id
    row = complaint_by_number(session, complaint.number)
    assert row.status == ComplaintStatus.received
    assert row.case_id is not None
    assert row.due_at is not None
    assert row.due_at - row.received_at <= timedelta(days=21)
    # received when the address is confirmed: the law's deadline counts from then (LAW-32)
    assert row.legal_due_at == deadlines.RULES["complaint_answer"].due_at(row.received_at)
    [record] = audit_of(session, "complaint:verify")
    assert record.target_id == str(row.id)
    [ack] = jobs_named(session, VISITOR_EMAIL_JOB)
    assert ack.payload == {"complaint_id": str(row.id), "kind": "received"}
    # The author is told and may answer or delete (LAW-49).
    [notice] = notices_of(session, author)
    assert (notice.kind, notice.link) == (AUTHOR_NOTICE, f"/complaints/about/{post.id}")
    assert len(email_jobs_for(session, author)) == 1
    run_due_jobs(db, settings)
    acknowledgement = mails_to(sink, EMAIL)[-1]
    assert row.number in acknowledgement
    assert local(row.due_at) in acknowledgement  # the end of the Almaty day, as people read it
    assert local(row.due_at).endswith("23:59")
    assert len(mails_to(sink, author.email or "")) == 1

    before = snapshot(session)
    assert verify(db, token).status == ComplaintStatus.received  # a second click changes nothing
    assert snapshot(session) == before


@pytest.mark.law("LAW-47")
@pytest.mark.law("LAW-32")
def test_a_refusal_is_answered_by_e_mail_and_names_the_right_to_go_to_court(
    client: TestClient, session: Session, db: Database, settings: Settings, sink: SmtpSink
) -> None:
    author, moderator = make_person(session), make_moderator(session)
    post = make_post(session, author, "Aigerim Saparova was convicted of fraud in 2019.")
    session.commit()
    complaint, token = file_as_visitor(db, settings, post.id)
    case_id = verify(db, token).case_id
    assert case_id is not None

    decided(
        client, session, moderator, case_id, "no_violation", facts="The court record exists and is public."
    )

    row = complaint_by_number(session, complaint.number)
    assert (row.status, row.outcome) == (ComplaintStatus.answered, ComplaintOutcome.rejected)
    [answer] = statements_of(session, kind=StatementKind.complaint_answer)
    assert (answer.complaint_id, answer.recipient_id, answer.language) == (row.id, None, "ru")
    assert "The court record exists and is public." in answer.body
    assert answer.body.endswith(text_in("ru", COURT_FALSE_INFORMATION))
    assert [j.payload["kind"] for j in jobs_named(session, VISITOR_EMAIL_JOB)] == ["received", "answered"]
    run_due_jobs(db, settings)
    answered = mails_to(sink, EMAIL)[-1]
    assert row.number in answered
    assert answer.body in answered
    assert _item_status(session, post.id) == ItemStatus.visible


@pytest.mark.law("LAW-46")
@pytest.mark.law("LAW-47")
def test_a_member_asks_and_reads_the_refusal_in_their_account(client: TestClient, session: Session) -> None:
    author, person, moderator = make_person(session), make_person(session), make_moderator(session)
    post = make_post(session, author, "Person X stole money from the school fund.")
    session.commit()
    sign_in(client, session, person)
    r = file_complaint(
        client,
        post.id,
        category="false_information",
        description=DESCRIPTION,
        why_false=WHY,
        concerns_me=True,
    )
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    assert complaint_by_number(session, number).details == {"why_false": WHY, "concerns_me": "yes"}
    assert [n.kind for n in notices_of(session, author)] == [AUTHOR_NOTICE]
    case_id = case_of(session, number)
    decided(client, session, moderator, case_id, "no_violation", facts="The fund's audit confirms it.")
    sign_in(client, session, person)
    answer = client.get(f"/api/v1/complaints/{number}").json()["answer"]
    assert "right to go to court to have the information removed" in answer


@pytest.mark.law("LAW-49")
def test_the_author_is_required_to_delete_and_the_upheld_answer_has_no_court_refusal(
    client: TestClient, session: Session
) -> None:
    author, person, moderator = (
        make_person(session, language="kk"),
        make_person(session),
        make_moderator(session),
    )
    post = make_post(session, author, "Person X stole money from the school fund.")
    session.commit()
    sign_in(client, session, person)
    r = file_complaint(
        client,
        post.id,
        category="false_information",
        description=DESCRIPTION,
        why_false=WHY,
        concerns_me=True,
    )
    case_id = case_of(session, r.json()["number"])
    decision = decided(
        client, session, moderator, case_id, "require_author_delete", category="false_information"
    )
    [reasons] = statements_of(session, kind=StatementKind.statement_of_reasons)
    assert (reasons.recipient_id, reasons.language) == (author.id, "kk")
    with in_language("kk"):
        assert action_text(decision) in reasons.body  # the duty and its deadline
    assert decision.legal_basis in reasons.body
    [answer] = statements_of(session, kind=StatementKind.complaint_answer)
    assert answer.language == "en"
    assert COURT_FALSE_INFORMATION not in answer.body
    assert COURT in answer.body
    assert "The author is required to delete it" in answer.body


@pytest.mark.parametrize(
    ("changes", "contact", "problem"),
    [
        ({}, {"name": "  "}, "Give your name."),
        ({}, {"email": "not-an-address"}, "Give an e-mail address where we can answer you."),
        ({}, {"email": ""}, "Give an e-mail address where we can answer you."),
        ({"details": {"why_false": "lies"}}, {}, "Explain why the information is false."),
        (
            {"concerns_me": False},
            {},
            "Only the person the information is about can ask for this: confirm that it is about you.",
        ),
        ({"description": "false"}, {}, "Describe the complaint in {min} to {max} characters."),
    ],
    ids=["no-name", "bad-email", "no-email", "no-why", "not-about-me", "short-description"],
)
@pytest.mark.law("LAW-46")
def test_an_incomplete_request_is_refused_and_writes_nothing(
    session: Session,
    db: Database,
    settings: Settings,
    changes: dict[str, Any],
    contact: dict[str, str],
    problem: str,
) -> None:
    post = make_post(session, make_person(session), "Someone was convicted.")
    session.commit()
    before = snapshot(session)
    with pytest.raises(ComplaintInvalid) as refused, db.transaction() as s:
        complaint_service.file(
            s,
            filing(post.id, **changes),
            contact_name=contact.get("name", NAME),
            contact_email=contact.get("email", EMAIL),
            settings=settings,
        )
    assert problem in refused.value.params["fields"]
    assert snapshot(session) == before


def test_false_information_is_asked_about_posts_and_comments_only(
    session: Session, db: Database, settings: Settings
) -> None:
    account = make_person(session)
    session.commit()
    with pytest.raises(ComplaintInvalid), db.transaction() as s:
        complaint_service.file(
            s,
            filing(account.id, subject=TargetKind.account),
            contact_name=NAME,
            contact_email=EMAIL,
            settings=settings,
        )


@pytest.mark.parametrize("token", ["", "0" * 40, "not-a-token"])
def test_an_unknown_confirmation_link_is_refused(db: Database, token: str) -> None:
    with pytest.raises(VerificationFailed):
        verify(db, token)


def test_an_expired_confirmation_link_is_refused(session: Session, db: Database, settings: Settings) -> None:
    author = make_person(session)
    post = make_post(session, author, "Someone was convicted.")
    session.commit()
    complaint, token = file_as_visitor(db, settings, post.id)
    row = fresh(session).get(Complaint, complaint.id)
    assert row is not None
    row.received_at -= timedelta(hours=49)
    session.commit()
    with pytest.raises(VerificationFailed, match="expired"):
        verify(db, token)
    assert complaint_by_number(session, complaint.number).status == ComplaintStatus.unverified
    assert notices_of(session, author) == []


def _item_status(session: Session, item_id: uuid.UUID) -> str:
    from senim.models import ContentItem

    item = fresh(session).get(ContentItem, item_id)
    assert item is not None
    return item.status


@pytest.mark.law("LAW-32")
@pytest.mark.law("LAW-47")
def test_a_person_without_an_account_appeals_the_answer_from_their_e_mail(
    client: TestClient, session: Session, db: Database, settings: Settings, sink: SmtpSink
) -> None:
    author = make_person(session)
    post = make_post(session, author, "Асан пара алды деген өсек")
    first = make_moderator(session)
    second = make_moderator(session)
    session.commit()
    complaint, token = complaint_service.file(
        session,
        Filing(
            subject=TargetKind.item,
            category="false_information",
            description="This is a false rumour about me.",
            target_id=post.id,
            details={"why_false": "I was acquitted by the court."},
            concerns_me=True,
        ),
        contact_name="Асан",
        contact_email="asan@example.kz",
        language="kk",
        settings=settings,
    )
    assert token is not None
    complaint_service.verify(session, token)
    session.commit()
    assert complaint.case_id is not None
    sign_in(client, session, first)
    claim(client, complaint.case_id)
    assert (
        decide(
            client, complaint.case_id, "no_violation", facts="The post reports a public court case."
        ).status_code
        == 201
    )
    run_due_jobs(db, settings)
    link = f"/complaints/{complaint.number}/appeal/{visitor_appeal_token(settings, complaint.id)}"
    assert any(link in m.text for m in sink.messages), "the answer e-mail carries the appeal link"
    client.cookies.clear()
    assert client.get(f"/complaints/{complaint.number}/appeal/{'0' * 40}").status_code == 404
    page = client.get(link)
    assert page.status_code == 200
    sent = client.post(
        link,
        data={
            "csrf_token": csrf_from(page.text),
            "reason": "The court acquitted me; the post says the opposite.",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    appeal = fresh(session).scalars(select(Appeal)).one()
    assert (appeal.appellant_id, appeal.complaint_id, appeal.appellant_role) == (
        None,
        complaint.id,
        "complainant",
    )
    sign_in(client, session, second)
    claim(client, appeal.case_id)  # type: ignore[arg-type]
    upheld = client.post(
        f"/api/v1/moderation/cases/{appeal.case_id}/appeal-decision",
        json={"reverse": False, "facts": "The post quotes the court's own press release."},
    )
    assert upheld.status_code == 200, upheld.text
    answer = fresh(session).scalars(select(Statement).where(Statement.appeal_id == appeal.id)).one()
    assert answer.complaint_id == complaint.id and answer.recipient_id is None
    before = len(sink.messages)
    run_due_jobs(db, settings)
    assert any("press release" in m.text for m in sink.messages[before:])
