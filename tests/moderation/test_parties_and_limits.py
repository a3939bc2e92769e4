"""Who may see and decide what, and the limits around it: statements only for the people they concern,
staff never suspended by a moderator, suspensions that overlap, parties kept off their own appeals and
disputes, answers that fit the complaint, penalties lifted with the decision that caused them, and the
request without an account (its rate limit, its purge, its 1-working-day route)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.complaint.evidence import prepare_one
from senim.complaint.service import VISITOR_DAILY_LIMIT, Filing, complaint_service
from senim.config import Settings
from senim.kit.clock import utcnow
from senim.kit.deadlines import due_at, working_days
from senim.models import (
    AccountStatus,
    Complaint,
    ComplaintOutcome,
    Decision,
    ItemStatus,
    Job,
    ModerationCase,
    Role,
    Statement,
    Strike,
    User,
)
from senim.moderation.policy import Action, DecisionDraft, GroundKind, Source, TargetKind
from senim.moderation.service import Target, moderation_service
from tests.fixtures.builders import csrf_from
from tests.fixtures.community import make_platform, push_account, push_item
from tests.fixtures.content import login_as, make_post, png_bytes
from tests.fixtures.moderation import (
    claim,
    decide,
    decided,
    file_complaint,
    filed_about_a_post,
    fresh,
    make_moderator,
    make_person,
    sign_in,
    snapshot,
)
from tests.fixtures.notification import make_endpoint


def _suspend(session: Session, moderator: User, account: User, days: int | None) -> Decision:
    return moderation_service.record_decision(
        session,
        actor=Actor.of(moderator),
        moderator=moderator,
        target=Target(subject=TargetKind.account, account=account),
        draft=DecisionDraft(
            target=TargetKind.account,
            action=Action.suspend,
            ground_kind=GroundKind.terms,
            category=None,
            terms_clause="6.1",
            facts="Mass unsolicited messages to other users.",
            suspend_days=days,
        ),
        source=Source.own_initiative,
    )


def test_statements_reach_only_the_people_they_concern(client: TestClient, session: Session) -> None:
    author = make_person(session)
    staff_complainant = make_person(session, role=Role.ads_reviewer)
    post = make_post(session, author, "Rude words about neighbours")
    moderator = make_moderator(session)
    session.commit()
    sign_in(client, session, staff_complainant)
    assert file_complaint(client, post.id).status_code == 201
    case_id = fresh(session).scalars(select(ModerationCase.id)).one()
    decision = decided(client, session, moderator, case_id)
    sign_in(client, session, staff_complainant)
    kinds = [s["kind"] for s in client.get(f"/api/v1/decisions/{decision.id}").json()["statements"]]
    assert kinds == ["complaint_answer"]  # their own answer, not the author's statement of reasons


def test_a_platform_reads_the_statement_its_user_received(client: TestClient, session: Session) -> None:
    platform = make_platform(session)
    push_account(session, platform.principal, "u-9")
    item = push_item(session, platform.principal, "p-9", "u-9", "Pushed scam text")
    moderator = make_moderator(session)
    session.commit()
    decision = moderation_service.record_decision(
        session,
        actor=Actor.of(moderator),
        moderator=moderator,
        target=Target(subject=TargetKind.item, item=item),
        draft=DecisionDraft(
            target=TargetKind.item,
            action=Action.remove,
            ground_kind=GroundKind.terms,
            category=None,
            terms_clause="4.1",
            facts="A scam asking for card numbers.",
        ),
        source=Source.own_initiative,
    )
    session.commit()
    statements = client.get(f"/api/v1/decisions/{decision.id}", headers=platform.headers).json()["statements"]
    assert [s["kind"] for s in statements] == ["statement_of_reasons"]
    assert "A scam asking for card numbers." in statements[0]["body"]


def test_a_moderator_cannot_suspend_a_staff_account(client: TestClient, session: Session) -> None:
    admin = make_person(session, role=Role.administrator)
    reporter = make_person(session)
    moderator = make_moderator(session)
    session.commit()
    sign_in(client, session, reporter)
    assert file_complaint(client, admin.id, subject="account", category="spam_fraud").status_code == 201
    case_id = fresh(session).scalars(select(ModerationCase.id)).one()
    sign_in(client, session, moderator)
    assert claim(client, case_id).status_code == 200
    before = snapshot(session)
    refused = decide(client, case_id, "suspend", ground_kind="terms", category=None, terms_clause="6.1")
    assert refused.status_code == 422
    assert snapshot(session) == before
    assert fresh(session).get(User, admin.id).status == AccountStatus.active  # type: ignore[union-attr]


def test_overlapping_suspensions_end_with_the_last_one(session: Session) -> None:
    person = make_person(session)
    moderator = make_moderator(session)
    session.commit()
    _suspend(session, moderator, person, 3)
    permanent = _suspend(session, moderator, person, None)
    session.commit()
    moderation_service.sweep(session, now=utcnow() + timedelta(days=4))
    assert fresh(session).get(User, person.id).status == AccountStatus.suspended  # type: ignore[union-attr]
    moderation_service._reverse(session, Actor.of(moderator), permanent, utcnow())
    session.commit()
    assert fresh(session).get(User, person.id).status == AccountStatus.suspended  # type: ignore[union-attr]
    moderation_service.sweep(session, now=utcnow() + timedelta(days=4))
    assert fresh(session).get(User, person.id).status == AccountStatus.active  # type: ignore[union-attr]


def test_a_moderator_who_complained_cannot_decide_the_appeal(client: TestClient, session: Session) -> None:
    complaining_moderator = make_moderator(session)
    deciding = make_moderator(session)
    author = make_person(session)
    post = make_post(session, author, "A rude post about the neighbours")
    session.commit()
    sign_in(client, session, complaining_moderator)
    assert file_complaint(client, post.id).status_code == 201
    case_id = fresh(session).scalars(select(ModerationCase.id)).one()
    decision = decided(client, session, deciding, case_id)
    appeal = moderation_service.file_appeal(session, author, decision.id, "It was a quotation from a novel.")
    session.commit()
    sign_in(client, session, complaining_moderator)
    assert claim(client, appeal.case_id).status_code == 403  # type: ignore[arg-type]


def test_a_dispute_of_a_decision_is_never_decided_by_its_moderator(
    client: TestClient, session: Session
) -> None:
    filed = filed_about_a_post(client, session)
    first = make_moderator(session)
    session.commit()
    decision = decided(client, session, first, filed.case.id)
    sign_in(client, session, filed.author)
    disputed = file_complaint(
        client,
        decision.id,
        subject="platform_action",
        category="platform_action_dispute",
        description="The removal of my post was a mistake.",
    )
    assert disputed.status_code == 201, disputed.text
    dispute = fresh(session).scalars(select(Complaint).where(Complaint.subject == "platform_action")).one()
    case = session.get(ModerationCase, dispute.case_id)
    assert case is not None and case.excluded_moderator_id == first.id
    sign_in(client, session, first)
    assert claim(client, case.id).status_code == 403


def test_control_characters_are_dropped_not_a_crash(client: TestClient, session: Session) -> None:
    post = make_post(session, make_person(session))
    session.commit()
    sign_in(client, session, make_person(session))
    response = file_complaint(client, post.id, description="Bad\x00 post\x07 with hidden characters")
    assert response.status_code == 201, response.text
    assert fresh(session).scalars(select(Complaint.description)).one() == "Bad post with hidden characters"


def test_a_strange_number_of_days_is_refused_not_a_crash(client: TestClient, session: Session) -> None:
    reporter = make_person(session)
    target = make_person(session)
    moderator = make_moderator(session)
    session.commit()
    sign_in(client, session, reporter)
    assert file_complaint(client, target.id, subject="account", category="spam_fraud").status_code == 201
    case_id = fresh(session).scalars(select(ModerationCase.id)).one()
    login_as(client, moderator)
    page = client.get(f"/console/cases/{case_id}")
    csrf = csrf_from(page.text)
    client.post(f"/console/cases/{case_id}/claim", data={"csrf_token": csrf})
    response = client.post(
        f"/console/cases/{case_id}/decide",
        data={
            "csrf_token": csrf,
            "action": "suspend",
            "ground_kind": "terms",
            "terms_clause": "6.1",
            "facts": "Mass unsolicited messages.",
            "suspend_days": "²",
        },
    )
    assert response.status_code in (303, 422)
    assert response.status_code != 500


@pytest.mark.law("LAW-49")
def test_no_strike_when_the_author_already_deleted_the_post(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    sign_in(client, session, filed.author)
    csrf = client.get("/complaints").text
    assert client.delete(
        f"/api/v1/posts/{filed.item.id}", headers={"X-CSRF-Token": csrf_from(csrf)}
    ).status_code in (
        200,
        204,
    )
    decided(client, session, moderator, filed.case.id)
    assert fresh(session).scalars(select(Strike)).all() == []
    assert session.scalars(select(Complaint.outcome)).one() == ComplaintOutcome.resolved


@pytest.mark.law("LAW-32")
def test_an_interface_complaint_gets_an_answer_about_the_platform(
    client: TestClient, session: Session
) -> None:
    reporter = make_person(session)
    moderator = make_moderator(session)
    session.commit()
    sign_in(client, session, reporter)
    filed = file_complaint(
        client,
        None,
        subject="interface",
        category="interface_problem",
        target_ref="/account",
        description="The delete button is hidden below the fold on phones.",
    )
    assert filed.status_code == 201, filed.text
    case_id = fresh(session).scalars(select(ModerationCase.id)).one()
    sign_in(client, session, moderator)
    claim(client, case_id)
    assert decide(client, case_id, "no_violation", facts="We moved the button to the top.").status_code == 201
    complaint = fresh(session).scalars(select(Complaint)).one()
    answer = session.scalars(select(Statement).where(Statement.complaint_id == complaint.id)).one()
    assert complaint.outcome == ComplaintOutcome.resolved
    assert "examined" in answer.body and "no breach" not in answer.body


def test_reversing_no_violation_clears_the_unfounded_complaint(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    first = make_moderator(session)
    second = make_moderator(session)
    session.commit()
    decision = decided(client, session, first, filed.case.id, "no_violation", unfounded=True)
    assert len(fresh(session).scalars(select(Strike)).all()) == 1
    appeal = moderation_service.file_appeal(
        session, filed.complainant, decision.id, "The post clearly insults a whole nation."
    )
    session.commit()
    sign_in(client, session, second)
    claim(client, appeal.case_id)  # type: ignore[arg-type]
    done = client.post(
        f"/api/v1/moderation/cases/{appeal.case_id}/appeal-decision",
        json={
            "reverse": True,
            "facts": "On review the post incites hatred.",
            "replacement": {
                "action": "remove",
                "ground_kind": "law",
                "category": "unlawful.interethnic_discord",
                "facts": "The post incites ethnic hatred.",
            },
        },
    )
    assert done.status_code == 200, done.text
    strikes = fresh(session).scalars(select(Strike).where(Strike.kind == "complaints")).all()
    assert all(s.removed_at is not None for s in strikes)
    complaint = session.get(Complaint, filed.complaint.id)
    assert complaint is not None and (complaint.outcome, complaint.manifestly_unfounded) == ("upheld", False)


@pytest.mark.law("LAW-50")
def test_personal_data_published_unlawfully_is_due_in_one_working_day(
    client: TestClient, session: Session
) -> None:
    post = make_post(session, make_person(session), "Айгерімнің телефоны: +7 701 000 00 00")
    session.commit()
    page = client.get("/complaints/false-information")
    response = client.post(
        "/complaints/false-information",
        data={
            "csrf_token": csrf_from(page.text),
            "name": "Айгерім",
            "email": "aigerim@example.kz",
            "target": str(post.id),
            "why_false": "This is my private phone number.",
            "description": "Please remove my phone number from this post.",
            "concerns_me": "yes",
            "personal_data": "yes",
        },
    )
    assert response.status_code == 200, response.text
    complaint = fresh(session).scalars(select(Complaint)).one()
    assert complaint.category == "privacy.personal_data"
    assert complaint.due_at == due_at(working_days(1), complaint.received_at)


@pytest.mark.law("LAW-49")
def test_a_platform_hears_of_a_removal_request_about_its_users_post(
    client: TestClient, session: Session
) -> None:
    platform = make_platform(session)
    push_account(session, platform.principal, "u-3")
    item = push_item(session, platform.principal, "p-3", "u-3", "Pushed gossip about a neighbour")
    make_endpoint(session, platform.principal, "https://hooks.example.kz/senim")
    session.commit()
    response = client.post(
        "/api/v1/complaints",
        json={
            "subject": "item",
            "category": "false_information",
            "description": "This post spreads a lie about me.",
            "target_external_id": "p-3",
            "reporter_external_id": "u-4",
            "why_false": "I never did that.",
            "concerns_me": True,
        },
        headers=platform.headers,
    )
    assert response.status_code == 201, response.text
    assert item.external_id == "p-3"
    events = [
        j.payload["event"]
        for j in fresh(session).scalars(select(Job).where(Job.name == "notification.deliver_webhook"))
    ]
    assert "item.removal_requested" in events


def test_requests_without_an_account_are_bounded_and_purged(
    client: TestClient, session: Session, settings: Settings
) -> None:
    post = make_post(session, make_person(session))
    session.commit()
    page = client.get("/complaints/false-information")
    form = {
        "csrf_token": csrf_from(page.text),
        "name": "Someone",
        "email": "victim@example.kz",
        "target": str(post.id),
        "why_false": "I never said anything like this.",
        "description": "Please remove this false information about me.",
        "concerns_me": "yes",
    }
    for _ in range(VISITOR_DAILY_LIMIT):
        assert client.post("/complaints/false-information", data=form).status_code == 200
    before = snapshot(session)
    assert client.post("/complaints/false-information", data=form).status_code == 429
    assert snapshot(session) == before
    evidence = complaint_service.file(
        session,
        Filing(
            subject=TargetKind.item,
            category="false_information",
            description="Please remove this false information about me.",
            target_id=post.id,
            details={"why_false": "I never said anything like this."},
            concerns_me=True,
        ),
        contact_name="Other",
        contact_email="other@example.kz",
        evidence=[prepare_one("a.png", png_bytes(), settings)],
        settings=settings,
    )[0]
    session.commit()
    files = list(settings.media_dir.rglob("*.png"))
    assert files
    assert complaint_service.purge_unverified(session, settings, now=utcnow() + timedelta(hours=49)) == 4
    session.commit()
    assert fresh(session).scalars(select(Complaint)).all() == []
    assert not any(f.exists() for f in files)
    assert evidence.number


def test_staff_see_the_images_of_a_removed_post_and_the_evidence(
    client: TestClient, session: Session, settings: Settings
) -> None:
    author = make_person(session)
    post = make_post(session, author, "With a picture", images=(png_bytes(),), settings=settings)
    moderator = make_moderator(session)
    session.commit()
    sign_in(client, session, make_person(session))
    token = csrf_from(client.get("/complaints").text)
    filed = file_complaint(client, post.id)
    number = filed.json()["number"]
    client.post(
        f"/api/v1/complaints/{number}/evidence",
        files=[("evidence", ("shot.png", png_bytes(), "image/png"))],
        headers={"X-CSRF-Token": token},
    )
    case_id = fresh(session).scalars(select(ModerationCase.id)).one()
    decided(client, session, moderator, case_id)
    assert fresh(session).get(type(post), post.id).status == ItemStatus.removed  # type: ignore[union-attr]
    login_as(client, moderator)
    page = client.get(f"/console/cases/{case_id}").text
    media_path = page.split('src="/console/media/')[1].split('"')[0]
    assert client.get(f"/console/media/{media_path}").status_code == 200
    assert client.get(f"/media/{media_path}").status_code == 404  # the public address is gone
    evidence_path = page.split('href="/console/evidence/')[1].split('"')[0]
    download = client.get(f"/console/evidence/{evidence_path}")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    login_as(client, author)
    assert client.get(f"/console/evidence/{evidence_path}").status_code == 403
