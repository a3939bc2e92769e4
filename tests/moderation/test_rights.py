"""Rights around decisions: a platform appeals for its user, an author answers the complaints, a
moderator never takes a case they are party to, a reversed removal also lifts the suspension it caused,
evidence arrives through the API, and simultaneous rule saves never collide."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.complaint.service import complaint_service
from senim.models import (
    AccountStatus,
    Appeal,
    CaseEvent,
    Complaint,
    ComplaintEvidence,
    ComplaintRuleSet,
    Decision,
    DecisionStatus,
    Job,
    User,
)
from senim.moderation.policy import Action, DecisionDraft, GroundKind, Source, TargetKind
from senim.moderation.service import Target, moderation_service
from tests.fixtures.builders import csrf_from
from tests.fixtures.community import make_platform, push_account, push_item
from tests.fixtures.content import png_bytes
from tests.fixtures.moderation import (
    claim,
    decided,
    fresh,
    make_moderator,
    make_person,
    sign_in,
)
from tests.fixtures.moderation import (
    filed_about_a_post as filed_post,
)
from tests.fixtures.notification import make_endpoint

PDF = b"%PDF-1.4\n%%EOF\n"


def _remove(session: Session, moderator: User, target: Target) -> Decision:
    return moderation_service.record_decision(
        session,
        actor=Actor.of(moderator),
        moderator=moderator,
        target=target,
        draft=DecisionDraft(
            target=TargetKind.item,
            action=Action.remove,
            ground_kind=GroundKind.terms,
            category=None,
            terms_clause="4.1 (spam)",
            facts="Advertising of a pyramid scheme.",
        ),
        source=Source.own_initiative,
    )


@pytest.mark.law("LAW-52")
def test_a_platform_appeals_for_its_user_and_hears_back_by_webhook(
    client: TestClient, session: Session
) -> None:
    platform = make_platform(session)
    push_account(session, platform.principal, "u-1")
    item = push_item(session, platform.principal, "p-1", "u-1", "Buy my course, guaranteed income")
    moderator = make_moderator(session)
    other = make_moderator(session)
    make_endpoint(session, platform.principal, "https://hooks.example.kz/senim")
    session.commit()
    decision = _remove(session, moderator, Target(subject=TargetKind.item, item=item))
    session.commit()
    sent = client.post(
        f"/api/v1/decisions/{decision.id}/appeals",
        json={"reason": "The course is real and licensed; here is the licence number."},
        headers=platform.headers,
    )
    assert sent.status_code == 201, sent.text
    appeal = fresh(session).scalars(select(Appeal)).one()
    assert appeal.appellant_id == item.author_id and appeal.appellant_role == "affected"
    sign_in(client, session, other)
    assert claim(client, appeal.case_id).status_code == 200  # type: ignore[arg-type]
    done = client.post(
        f"/api/v1/moderation/cases/{appeal.case_id}/appeal-decision",
        json={"reverse": False, "facts": "The licence does not cover the promised income."},
    )
    assert done.status_code == 200, done.text
    session.expire_all()
    events = [
        j.payload["event"]
        for j in session.scalars(select(Job).where(Job.name == "notification.deliver_webhook"))
    ]
    assert events.count("appeal.received") == 1 and events.count("appeal.decided") == 1
    decided_event = next(
        j.payload["data"]
        for j in session.scalars(select(Job).where(Job.name == "notification.deliver_webhook"))
        if j.payload["event"] == "appeal.decided"
    )
    assert (decided_event["outcome"], decided_event["subject"]["external_id"]) == ("upheld", "u-1")
    again = client.post(
        f"/api/v1/decisions/{decision.id}/appeals",
        json={"reason": "Once more, please."},
        headers=platform.headers,
    )
    assert again.status_code == 409


def test_another_platform_cannot_appeal(client: TestClient, session: Session) -> None:
    owner = make_platform(session)
    stranger = make_platform(session)
    push_account(session, owner.principal, "u-1")
    item = push_item(session, owner.principal, "p-1", "u-1", "Pushed text")
    moderator = make_moderator(session)
    session.commit()
    decision = _remove(session, moderator, Target(subject=TargetKind.item, item=item))
    session.commit()
    response = client.post(
        f"/api/v1/decisions/{decision.id}/appeals",
        json={"reason": "We want to appeal this one too."},
        headers=stranger.headers,
    )
    assert response.status_code == 404
    assert fresh(session).scalars(select(Appeal)).all() == []


@pytest.mark.law("LAW-49")
def test_the_author_answers_the_complaints_about_their_post(client: TestClient, session: Session) -> None:
    filed = filed_post(
        client, session, category="false_information", why_false="He never said it.", concerns_me=True
    )
    sign_in(client, session, filed.author)
    page = client.get(f"/complaints/about/{filed.item.id}")
    assert page.status_code == 200 and 'name="reply"' in page.text
    csrf = csrf_from(page.text)
    short = client.post(f"/complaints/about/{filed.item.id}", data={"csrf_token": csrf, "reply": "no"})
    assert short.status_code == 422
    sent = client.post(
        f"/complaints/about/{filed.item.id}",
        data={"csrf_token": csrf, "reply": "I quoted the official minutes of the meeting; link attached."},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    events = fresh(session).scalars(select(CaseEvent).where(CaseEvent.kind == "author_replied")).all()
    assert len(events) == 1 and events[0].actor_id == filed.author.id
    sign_in(client, session, filed.complainant)
    assert client.get(f"/complaints/about/{filed.item.id}").status_code == 404


def test_a_moderator_never_takes_a_case_they_are_party_to(client: TestClient, session: Session) -> None:
    moderator = make_moderator(session)
    session.commit()
    about_them = filed_post(client, session, author=moderator)
    sign_in(client, session, moderator)
    assert claim(client, about_them.case.id).status_code == 403


def test_reversing_a_removal_lifts_the_suspension_it_caused(client: TestClient, session: Session) -> None:
    author = make_person(session)
    first = make_moderator(session)
    second = make_moderator(session)
    session.commit()
    decisions = []
    for n in range(2):  # two removals (weight 2 each) reach the first threshold (3): a 7-day suspension
        filed = filed_post(client, session, author=author, body=f"Spam number {n}")
        decisions.append(decided(client, session, first, filed.case.id))
    session.expire_all()
    suspension = session.scalars(select(Decision).where(Decision.action == "suspend")).one()
    assert session.get(User, author.id).status == AccountStatus.suspended  # type: ignore[union-attr]
    appeal = moderation_service.file_appeal(
        session, author, decisions[1].id, "The second post was not spam at all."
    )
    session.commit()
    sign_in(client, session, second)
    assert claim(client, appeal.case_id).status_code == 200  # type: ignore[arg-type]
    done = client.post(
        f"/api/v1/moderation/cases/{appeal.case_id}/appeal-decision",
        json={"reverse": True, "facts": "The second post was a genuine question, not spam."},
    )
    assert done.status_code == 200, done.text
    session.expire_all()
    assert session.get(Decision, suspension.id).status == DecisionStatus.reversed  # type: ignore[union-attr]
    assert session.get(User, author.id).status == AccountStatus.active  # type: ignore[union-attr]


@pytest.mark.law("LAW-31")
def test_evidence_is_added_through_the_api(client: TestClient, session: Session) -> None:
    filed = filed_post(client, session)
    sign_in(client, session, filed.complainant)
    csrf = client.get("/complaints").text
    token = csrf_from(csrf)
    response = client.post(
        f"/api/v1/complaints/{filed.number}/evidence",
        files=[
            ("evidence", ("a.png", png_bytes(), "image/png")),
            ("evidence", ("b.pdf", PDF, "application/pdf")),
        ],
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 201, response.text
    assert [e["content_type"] for e in response.json()["items"]] == ["image/png", "application/pdf"]
    too_many = client.post(
        f"/api/v1/complaints/{filed.number}/evidence",
        files=[("evidence", (f"{n}.pdf", PDF, "application/pdf")) for n in range(4)],
        headers={"X-CSRF-Token": token},
    )
    assert too_many.status_code == 422
    assert len(fresh(session).scalars(select(ComplaintEvidence)).all()) == 2
    sign_in(client, session, filed.author)
    other = client.post(
        f"/api/v1/complaints/{filed.number}/evidence",
        files=[("evidence", ("c.pdf", PDF, "application/pdf"))],
        headers={"X-CSRF-Token": csrf_from(client.get("/complaints").text)},
    )
    assert other.status_code == 404


def test_a_rules_version_saved_twice_is_refused_not_a_crash(session: Session) -> None:
    first = complaint_service._insert_version(session, 7, {"any": 1}, note="a", by=None)
    second = complaint_service._insert_version(session, 7, {"any": 2}, note="b", by=None)
    assert first is not None and second is None
    assert [
        r.note for r in session.scalars(select(ComplaintRuleSet).where(ComplaintRuleSet.version == 7))
    ] == ["a"]
    assert uuid.UUID(str(first.id))


@pytest.mark.law("LAW-52")
def test_a_platform_appeals_as_the_complainant_it_filed_for(client: TestClient, session: Session) -> None:
    platform = make_platform(session)
    push_account(session, platform.principal, "u-1")
    push_item(session, platform.principal, "p-1", "u-1", "A pushed post that one of its users reports")
    first = make_moderator(session)
    second = make_moderator(session)
    make_endpoint(session, platform.principal, "https://hooks.example.kz/senim")
    session.commit()
    filed = client.post(
        "/api/v1/complaints",
        json={
            "subject": "item",
            "category": "spam_fraud",
            "description": "A scam asking for card numbers.",
            "target_external_id": "p-1",
            "reporter_external_id": "u-2",
        },
        headers=platform.headers,
    )
    assert filed.status_code == 201, filed.text
    case_id = fresh(session).scalars(select(Complaint.case_id)).one()
    sign_in(client, session, first)
    assert claim(client, case_id).status_code == 200  # type: ignore[arg-type]
    decision_id = client.post(
        f"/api/v1/moderation/cases/{case_id}/decision",
        json={"action": "no_violation", "facts": "The post sells a real product at its real price."},
    ).json()["id"]
    appealed = client.post(
        f"/api/v1/decisions/{decision_id}/appeals",
        json={"reason": "Our user paid and received nothing; receipts attached."},
        headers=platform.headers,
    )
    assert appealed.status_code == 201, appealed.text
    appeal = fresh(session).scalars(select(Appeal)).one()
    assert (appeal.appellant_id, appeal.appellant_role) == (platform.principal.id, "complainant")
    sign_in(client, session, second)
    assert claim(client, appeal.case_id).status_code == 200  # type: ignore[arg-type]
    done = client.post(
        f"/api/v1/moderation/cases/{appeal.case_id}/appeal-decision",
        json={"reverse": False, "facts": "The receipts show a delivered order."},
    )
    assert done.status_code == 200, done.text
    events = [
        j.payload["event"]
        for j in fresh(session).scalars(select(Job).where(Job.name == "notification.deliver_webhook"))
    ]
    assert {"complaint.received", "complaint.answered", "appeal.received", "appeal.decided"} <= set(events)
