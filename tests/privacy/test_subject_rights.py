"""The data subject's side (issue 8 items 2, 3, 5): consent recorded with what the law asks it to state
(LAW-73); the person sees and downloads everything held about them, including who on the staff opened it
(LAW-77, 82); requests to withdraw consent (15 working days, LAW-75) or to block, destroy or correct data
(1 working day, LAW-76) answered by the data protection officer; granting a withdrawal closes the account;
every staff view of personal data is logged with its purpose and reviewed in the access log."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.ads.service import ads_service
from senim.kit import deadlines
from senim.models import (
    AccessLogEntry,
    AccountStatus,
    Appeal,
    AuditRecord,
    Consent,
    Notification,
    Role,
    SubjectRequest,
    User,
)
from senim.privacy.service import privacy_service
from tests.fixtures.builders import PASSWORD, accepted_documents, csrf_from, make_user
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import fresh, make_moderator, own_initiative_decision


def _register(client: TestClient, username: str = "aigerim") -> None:
    page = client.get("/register")
    data = {
        "csrf_token": csrf_from(page.text),
        "username": username,
        "display_name": "Айгерім",
        "password": PASSWORD,
        "date_of_birth": "1995-03-08",
        "email": "aigerim@example.kz",
        **{f"accept_{k}": v for k, v in accepted_documents().items()},
    }
    answer = client.post("/register", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text


@pytest.mark.law("LAW-73")
def test_registration_records_a_consent_stating_what_the_law_asks(
    client: TestClient, session: Session
) -> None:
    _register(client)
    user = fresh(session).scalars(select(User).where(User.username == "aigerim")).one()
    consent = session.scalars(select(Consent).where(Consent.user_id == user.id)).one()
    assert consent.operator_name and len(consent.operator_bin) == 12
    assert {"email", "date_of_birth", "content"} <= set(consent.data_list)
    assert consent.duration == "until_withdrawn" and consent.method == "web_form"
    assert consent.third_parties is False and consent.cross_border is False
    assert "display_name" in consent.published and len(consent.text_sha256) == 64
    assert consent.policy_version == accepted_documents()["privacy_policy"]
    page = client.get("/account/privacy")
    assert page.status_code == 200 and consent.operator_bin in page.text


@pytest.mark.law("LAW-77")
@pytest.mark.law("LAW-82")
def test_a_person_sees_and_downloads_everything_held_about_them(client: TestClient, session: Session) -> None:
    _register(client)
    user = fresh(session).scalars(select(User).where(User.username == "aigerim")).one()
    post = make_post(session, user, "Сәлем, әлем")
    session.flush()
    decision = own_initiative_decision(session, make_moderator(session), post)
    session.add(
        Appeal(
            id=uuid.uuid4(),
            decision_id=decision.id,
            appellant_id=user.id,
            appellant_role="affected",
            reason="It was a quotation.",
        )
    )
    session.commit()
    exported = client.get("/account/privacy/export.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    data = json.loads(exported.content)
    assert (
        data["account"]["email"] == "aigerim@example.kz" and data["account"]["date_of_birth"] == "1995-03-08"
    )
    assert data["posts_and_comments"][0]["body"] == "Сәлем, әлем"
    assert data["consents"] and data["documents_accepted"] and data["sessions"]
    assert [a["reason"] for a in data["appeals"]] == ["It was a quotation."]
    assert [k["kind"] for k in data["strikes"]] == ["content"]  # the strike the removal gave
    assert [d["id"] for d in data["decisions_about_you"]] == [str(decision.id)]
    assert data["ad_preferences"] is None and data["advertiser"] is None
    ads_service.set_preference(session, fresh(session).get_one(User, user.id), personalised=False)
    session.commit()
    exported = client.get("/account/privacy/export.json").json()
    assert exported["ad_preferences"] == {"personalised": False, "region": "", "interests": []}
    assert client.get("/api/v1/me/data").json()["account"]["username"] == "aigerim"
    client.cookies.clear()
    assert client.get("/account/privacy/export.json").status_code == 401


@pytest.mark.law("LAW-75")
def test_a_withdrawal_of_consent_is_due_in_15_working_days_and_granting_it_closes_the_account(
    client: TestClient, session: Session
) -> None:
    person = make_user(session)
    dpo = make_user(session, role=Role.data_protection_officer)
    session.commit()
    csrf = login_as(client, person)
    filed = client.post(
        "/account/privacy/requests",
        data={"csrf_token": csrf, "kind": "withdraw_consent"},
        follow_redirects=False,
    )
    assert filed.status_code == 303
    request = fresh(session).scalars(select(SubjectRequest)).one()
    expected = deadlines.RULES["consent_withdrawal"].due_at(request.received_at.replace(tzinfo=UTC))
    assert request.due_at.replace(tzinfo=UTC) == expected
    assert session.scalars(select(Notification).where(Notification.user_id == dpo.id)).all()
    again = client.post("/account/privacy/requests", data={"csrf_token": csrf, "kind": "withdraw_consent"})
    assert again.status_code == 409

    csrf = login_as(client, dpo)
    no_answer = client.post(
        f"/console/privacy/requests/{request.number}/decide", data={"csrf_token": csrf, "decision": "grant"}
    )
    assert no_answer.status_code == 422
    granted = client.post(
        f"/console/privacy/requests/{request.number}/decide",
        data={"csrf_token": csrf, "decision": "grant", "answer": "Consent withdrawn; the account is closed."},
        follow_redirects=False,
    )
    assert granted.status_code == 303
    assert fresh(session).get(User, person.id).status == AccountStatus.deleted  # type: ignore[union-attr]
    tags = {r.tag for r in session.scalars(select(AuditRecord))}
    assert {"subject_request:file", "subject_request:decide", "user:close_account"} <= tags


@pytest.mark.law("LAW-75")
def test_a_withdrawal_is_granted_when_the_person_deleted_the_account_meanwhile(
    client: TestClient, session: Session
) -> None:
    person = make_user(session)
    dpo = make_user(session, role=Role.data_protection_officer)
    session.commit()
    request = privacy_service.file_request(session, person, "withdraw_consent")
    session.commit()
    csrf = login_as(client, person)
    deleted = client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers={"X-CSRF-Token": csrf}
    )
    assert deleted.status_code in (200, 204), deleted.text

    csrf = login_as(client, dpo)
    granted = client.post(
        f"/console/privacy/requests/{request.number}/decide",
        data={"csrf_token": csrf, "decision": "grant", "answer": "Consent withdrawn."},
        follow_redirects=False,
    )

    assert granted.status_code == 303
    assert fresh(session).get(SubjectRequest, request.id).status == "done"  # type: ignore[union-attr]
    decided = session.scalars(select(AuditRecord).where(AuditRecord.tag == "subject_request:decide")).one()
    assert decided.data["account_closed"] == "already"


@pytest.mark.law("LAW-76")
@pytest.mark.parametrize("kind", ["block", "destroy", "correct"])
def test_blocking_destroying_and_correcting_are_due_in_one_working_day_and_refused_with_reasons(
    client: TestClient, session: Session, kind: str
) -> None:
    person = make_user(session)
    dpo = make_user(session, role=Role.data_protection_officer)
    session.commit()
    csrf = login_as(client, person)
    assert (
        client.post("/account/privacy/requests", data={"csrf_token": csrf, "kind": kind}).status_code == 422
    )
    assert (
        client.post("/account/privacy/requests", data={"csrf_token": csrf, "kind": "everything"}).status_code
        == 422
    )
    assert fresh(session).scalars(select(SubjectRequest)).first() is None
    api = client.post(
        "/api/v1/me/privacy-requests", json={"kind": kind, "details": "My old phone number is wrong."}
    )
    assert api.status_code == 201, api.text
    number = api.json()["number"]
    request = fresh(session).scalars(select(SubjectRequest)).one()
    expected = deadlines.RULES["personal_data_correction"].due_at(request.received_at.replace(tzinfo=UTC))
    assert request.due_at.replace(tzinfo=UTC) == expected
    csrf = login_as(client, dpo)
    client.post(
        f"/console/privacy/requests/{number}/decide",
        data={
            "csrf_token": csrf,
            "decision": "refuse",
            "answer": "The number was given by you and is correct.",
        },
    )
    assert fresh(session).get(SubjectRequest, request.id).status == "refused"  # type: ignore[union-attr]
    login_as(client, person)
    mine = client.get("/api/v1/me/privacy-requests").json()["items"]
    assert mine[0]["status"] == "refused" and "correct" in mine[0]["answer"]


@pytest.mark.law("LAW-76")
def test_a_request_past_its_deadline_is_escalated_once(session: Session) -> None:
    person = make_user(session)
    admin = make_user(session, role=Role.administrator)
    request = privacy_service.file_request(session, person, "block", "unlawful processing of my e-mail")
    session.commit()
    assert privacy_service.sweep_clocks(session, now=datetime(2100, 1, 1, tzinfo=UTC)) == 1
    assert privacy_service.sweep_clocks(session, now=datetime(2100, 1, 1, tzinfo=UTC)) == 0
    session.commit()
    assert fresh(session).get(SubjectRequest, request.id).breached_at is not None  # type: ignore[union-attr]
    assert session.scalars(select(Notification).where(Notification.user_id == admin.id)).all()


@pytest.mark.law("LAW-27")
def test_a_staff_view_of_personal_data_is_logged_with_its_purpose_and_the_person_sees_it(
    client: TestClient, session: Session
) -> None:
    person = make_user(session, email="dana@example.kz")
    dpo = make_user(session, role=Role.data_protection_officer)
    auditor = make_user(session, role=Role.auditor)
    session.commit()
    csrf = login_as(client, dpo)
    form = client.get(f"/console/privacy/people/{person.id}")
    assert form.status_code == 200 and "dana@example.kz" not in form.text
    no_purpose = client.post(f"/console/privacy/people/{person.id}", data={"csrf_token": csrf})
    assert no_purpose.status_code == 422 and fresh(session).scalars(select(AccessLogEntry)).first() is None
    shown = client.post(
        f"/console/privacy/people/{person.id}",
        data={"csrf_token": csrf, "purpose": "subject_request", "note": "P-1234"},
    )
    assert shown.status_code == 200 and "dana@example.kz" in shown.text
    entry = fresh(session).scalars(select(AccessLogEntry)).one()
    assert (entry.staff_id, entry.subject_id, entry.purpose) == (dpo.id, person.id, "subject_request")

    login_as(client, auditor)
    log = client.get(f"/console/privacy/access-log?subject={person.id}&purpose=subject_request")
    assert log.status_code == 200 and "P-1234" in log.text
    assert "P-1234" not in client.get(f"/console/privacy/access-log?subject={uuid.uuid4()}").text
    assert client.get("/console/privacy/access-log?since=yesterday").status_code == 422
    assert client.get(f"/console/privacy/people/{person.id}").status_code == 403

    login_as(client, person)
    assert client.get("/api/v1/me/data").json()["staff_views_of_your_data"][0]["purpose"] == "subject_request"


@pytest.mark.parametrize("role", [Role.moderator, Role.legal_officer, Role.administrator, Role.user])
def test_only_the_data_protection_officer_answers_requests(
    client: TestClient, session: Session, role: Role
) -> None:
    person = make_user(session)
    request = privacy_service.file_request(session, person, "withdraw_consent")
    other = make_user(session, role=role)
    session.commit()
    csrf = login_as(client, other)
    answer = client.post(
        f"/console/privacy/requests/{request.number}/decide",
        data={"csrf_token": csrf, "decision": "grant", "answer": "done"},
    )
    assert answer.status_code in (403, 404)
    assert fresh(session).get(SubjectRequest, request.id).status == "received"  # type: ignore[union-attr]
