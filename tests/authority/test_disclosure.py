"""Disclosure of information about users (issue 7 item 3, LAW-23): a request is accepted, one legal
officer prepares the disclosure, a second person approves (never the preparer), the minimal package (only
the fields named; what was not disclosed and why) is built as JSON + PDF + manifest in an encrypted
archive whose password is shown once; a job delivers it, the body acknowledges, the completion report
names the package; the affected person is told or the reason recorded; a body never sees another's."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.authority import package
from senim.config import Settings
from senim.db import Database
from senim.models import (
    AuditRecord,
    DailyUserCount,
    Disclosure,
    Job,
    Notification,
    Role,
    StateOrder,
    User,
)
from tests.authority.test_orders import Body, make_body
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import fresh
from tests.notification.jobrunner import run_due_jobs

SECRET_RE = re.compile(r'id="secret" value="([^"]+)"')


def data_request(account_id: object, fields: list[str], **extra: object) -> dict[str, object]:
    return {
        "kind": "user_data_request",
        "reference": f"DP-{uuid.uuid4().hex[:8]}",
        "legal_basis": {"type": "court_act", "number": "2-1234/2026", "date": "2026-11-20"},
        "targets": [{"type": "account", "id": str(account_id)}],
        "requested_fields": fields,
        **extra,
    }


def _accepted(client: TestClient, session: Session, body: Body, order: dict[str, object]) -> tuple[str, User]:
    officer = make_user(session, role=Role.legal_officer)
    session.commit()
    answer = body.post(client, order)
    assert answer.status_code == 201, answer.text  # type: ignore[attr-defined]
    number: str = answer.json()["number"]  # type: ignore[attr-defined]
    csrf = login_as(client, officer)
    reviewed = client.post(
        f"/console/orders/{number}/review",
        data={"csrf_token": csrf, "decision": "accept"},
        follow_redirects=False,
    )
    assert reviewed.status_code == 303
    return number, officer


def _prepare(client: TestClient, number: str, **form: str) -> object:
    page = client.get(f"/console/orders/{number}")
    return client.post(
        f"/console/orders/{number}/disclosure",
        data={"csrf_token": csrf_from(page.text), "tell_affected": "yes", **form},
        follow_redirects=False,
    )


def _approve(client: TestClient, session: Session, channel: str = "telephone to the investigator") -> object:
    disclosure = fresh(session).scalars(select(Disclosure).order_by(Disclosure.created_at.desc())).first()
    assert disclosure is not None
    page = client.get("/console")
    return client.post(
        f"/console/disclosures/{disclosure.id}/approve",
        data={"csrf_token": csrf_from(page.text), "password_channel": channel},
        follow_redirects=False,
    )


def _person(session: Session) -> User:
    person = make_user(session, display_name="Айгүл Серікқызы", email="aigul@example.kz")
    session.commit()
    return person


@pytest.mark.law("LAW-23")
@pytest.mark.law("LAW-79")
def test_a_disclosure_is_prepared_by_one_approved_by_another_and_holds_only_the_fields_named(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    body = make_body(session)
    person = _person(session)
    dpo = make_user(session, role=Role.data_protection_officer)
    number, officer = _accepted(
        client, session, body, data_request(person.id, ["email", "phone", "registered_at"])
    )

    assert _prepare(client, number).status_code == 303  # type: ignore[attr-defined]
    assert session.scalars(select(Notification).where(Notification.user_id == dpo.id)).first()
    own = _approve(client, session)  # the preparer tries to approve their own disclosure
    assert own.status_code == 403  # type: ignore[attr-defined]
    disclosure = fresh(session).scalars(select(Disclosure)).one()
    assert disclosure.status == "awaiting_approval" and disclosure.archive_key is None

    login_as(client, dpo)
    approved = _approve(client, session)
    assert approved.status_code == 200, approved.text  # type: ignore[attr-defined]
    password = SECRET_RE.search(approved.text).group(1)  # type: ignore[union-attr,attr-defined]
    disclosure = fresh(session).scalars(select(Disclosure)).one()
    assert disclosure.status == "approved" and disclosure.decided_by_id == dpo.id
    assert password not in json.dumps([r.data for r in session.scalars(select(AuditRecord))])
    assert password not in json.dumps([j.payload for j in session.scalars(select(Job))])
    order = fresh(session).scalars(select(StateOrder)).one()
    assert order.status == "executed" and order.outcome[0]["result"] == "disclosed"

    run_due_jobs(db, settings)  # the delivery job: the body is told by webhook event
    assert fresh(session).get(Disclosure, disclosure.id).status == "delivered"  # type: ignore[union-attr]

    archive = client.get(f"/api/v1/disclosures/{disclosure.id}/archive", headers=body.headers)
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    files = package.read_package(archive.content, password)
    document = json.loads(files["disclosure.json"])
    subject = document["subjects"][0]
    assert (
        set(subject["data"]) == {"email", "registered_at"} and subject["data"]["email"] == "aigul@example.kz"
    )
    assert {"field": "phone", "reason": "not_held"} in subject["not_disclosed"]
    assert {"field": "display_name", "reason": "not_requested"} in document["not_disclosed"]
    for name in ("Айгүл", person.username):  # a field not requested never appears
        assert name not in files["disclosure.json"].decode()
    assert files["disclosure.pdf"].startswith(b"%PDF")
    assert (
        fresh(session).get(Disclosure, disclosure.id).manifest == json.loads(files["manifest.json"])["files"]
    )  # type: ignore[union-attr]
    with pytest.raises(package.PackageCorrupt):
        package.read_package(archive.content, "not-the-password")

    acknowledged = client.post(f"/api/v1/disclosures/{disclosure.id}/acknowledge", headers=body.headers)
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    report = client.get(f"/api/v1/orders/{number}/completion", headers=body.headers).json()
    assert report["disclosure"]["archive_sha256"] == disclosure.archive_sha256 and report["law"] == "LAW-23"
    tags = {
        r.tag for r in fresh(session).scalars(select(AuditRecord).where(AuditRecord.tag.like("disclosure:%")))
    }
    assert tags == {
        "disclosure:prepare",
        "disclosure:approve",
        "disclosure:deliver",
        "disclosure:acknowledge",
    }
    # The person whose data went to the state body is told at once, well within 10 working days (LAW-79).
    told = session.scalars(select(Notification).where(Notification.user_id == person.id)).all()
    assert any(number in json.dumps(n.params) for n in told)
    assert all(n.created_at <= disclosure.decided_at + timedelta(minutes=1) for n in told)  # type: ignore[operator]
    assert officer.id != dpo.id


@pytest.mark.law("LAW-23")
def test_a_withheld_field_is_listed_with_its_reason_and_never_given(
    client: TestClient, session: Session
) -> None:
    body = make_body(session)
    person = _person(session)
    second = make_user(session, role=Role.legal_officer)
    number, _officer = _accepted(client, session, body, data_request(person.id, ["email", "display_name"]))
    missing_reason = _prepare(client, number, withhold_email="yes")
    assert missing_reason.status_code == 422  # type: ignore[attr-defined]
    assert fresh(session).scalars(select(Disclosure)).first() is None
    assert (
        _prepare(
            client, number, withhold_email="yes", reason_email="not covered by the court act"
        ).status_code
        == 303
    )  # type: ignore[attr-defined]
    login_as(client, second)
    approved = _approve(client, session)
    password = SECRET_RE.search(approved.text).group(1)  # type: ignore[union-attr,attr-defined]
    disclosure = fresh(session).scalars(select(Disclosure)).one()
    archive = client.get(f"/console/disclosures/{disclosure.id}/archive")
    document = json.loads(package.read_package(archive.content, password)["disclosure.json"])
    subject = document["subjects"][0]
    assert subject["data"] == {"display_name": "Айгүл Серікқызы"}
    assert {"field": "email", "reason": "withheld", "note": "not covered by the court act"} in subject[
        "not_disclosed"
    ]
    assert "aigul@example.kz" not in json.dumps(document)


@pytest.mark.law("LAW-23")
def test_a_returned_disclosure_gives_nothing_and_can_be_prepared_again(
    client: TestClient, session: Session
) -> None:
    body = make_body(session)
    person = _person(session)
    dpo = make_user(session, role=Role.data_protection_officer)
    number, officer = _accepted(client, session, body, data_request(person.id, ["email"]))
    _prepare(client, number)
    disclosure = fresh(session).scalars(select(Disclosure)).one()
    csrf = login_as(client, dpo)
    empty = client.post(
        f"/console/disclosures/{disclosure.id}/return", data={"csrf_token": csrf, "reason": " "}
    )
    assert empty.status_code == 422
    no_channel = client.post(f"/console/disclosures/{disclosure.id}/approve", data={"csrf_token": csrf})
    assert no_channel.status_code == 422
    assert fresh(session).get(Disclosure, disclosure.id).status == "awaiting_approval"  # type: ignore[union-attr]
    returned = client.post(
        f"/console/disclosures/{disclosure.id}/return",
        data={"csrf_token": csrf, "reason": "name the court act's article"},
        follow_redirects=False,
    )
    assert returned.status_code == 303
    assert fresh(session).get(Disclosure, disclosure.id).status == "returned"  # type: ignore[union-attr]
    assert fresh(session).scalars(select(StateOrder)).one().status == "accepted"
    assert session.scalars(select(Notification).where(Notification.user_id == officer.id)).all()
    login_as(client, officer)
    assert _prepare(client, number).status_code == 303  # type: ignore[attr-defined]
    assert len(fresh(session).scalars(select(Disclosure)).all()) == 2


@pytest.mark.law("LAW-23")
@pytest.mark.parametrize("role", [Role.moderator, Role.administrator, Role.auditor, Role.safety_officer])
def test_only_legal_officers_and_the_data_protection_officer_approve(
    client: TestClient, session: Session, role: Role
) -> None:
    body = make_body(session)
    person = _person(session)
    number, _officer = _accepted(client, session, body, data_request(person.id, ["email"]))
    _prepare(client, number)
    disclosure = fresh(session).scalars(select(Disclosure)).one()
    csrf = login_as(client, make_user(session, role=role))
    session.commit()
    refused = client.post(
        f"/console/disclosures/{disclosure.id}/approve",
        data={"csrf_token": csrf, "password_channel": "phone"},
    )
    assert refused.status_code in (403, 404)
    assert fresh(session).get(Disclosure, disclosure.id).status == "awaiting_approval"  # type: ignore[union-attr]


@pytest.mark.law("LAW-23")
def test_another_body_never_sees_a_package_and_the_affected_person_is_not_told_when_the_law_says_so(
    client: TestClient, session: Session
) -> None:
    body, other = make_body(session), make_body(session, "Agency for Financial Monitoring")
    person = _person(session)
    second = make_user(session, role=Role.legal_officer)
    number, _officer = _accepted(client, session, body, data_request(person.id, ["email"]))
    no_reason = _prepare(client, number, tell_affected="no")
    assert no_reason.status_code == 422  # type: ignore[attr-defined]
    _prepare(
        client,
        number,
        tell_affected="no",
        not_told_reason="Criminal Procedure Code Art. 201: secrecy of the investigation",
    )
    login_as(client, second)
    _approve(client, session)
    disclosure = fresh(session).scalars(select(Disclosure)).one()
    for path in (
        f"/api/v1/disclosures/{disclosure.id}",
        f"/api/v1/disclosures/{disclosure.id}/archive",
        f"/api/v1/orders/{number}/completion",
    ):
        assert client.get(path, headers=other.headers).status_code == 404
    assert (
        client.post(f"/api/v1/disclosures/{disclosure.id}/acknowledge", headers=other.headers).status_code
        == 404
    )
    assert client.get(f"/api/v1/disclosures/{disclosure.id}", headers=body.headers).status_code == 200
    order = fresh(session).scalars(select(StateOrder)).one()
    assert not order.affected_told and "Art. 201" in order.not_told_reason
    assert not session.scalars(select(Notification).where(Notification.user_id == person.id)).all()


@pytest.mark.law("LAW-23")
@pytest.mark.law("LAW-43")
def test_a_post_target_discloses_its_author_and_an_address_is_listed_not_on_the_platform(
    client: TestClient, session: Session
) -> None:
    body = make_body(session)
    person = _person(session)
    post = make_post(session, person, "a post")
    second = make_user(session, role=Role.legal_officer)
    session.commit()
    order = data_request(person.id, ["content_ids", "login_addresses"])
    order["targets"] = [
        {"type": "item", "id": str(post.id)},
        {"type": "url", "url": "https://elsewhere.example/x"},
    ]
    number, _officer = _accepted(client, session, body, order)
    _prepare(client, number)
    login_as(client, second)
    password = SECRET_RE.search(_approve(client, session).text).group(1)  # type: ignore[union-attr,attr-defined]
    disclosure = fresh(session).scalars(select(Disclosure)).one()
    archive = client.get(f"/api/v1/disclosures/{disclosure.id}/archive", headers=body.headers).content
    document = json.loads(package.read_package(archive, password)["disclosure.json"])
    assert document["subjects"][0]["account_id"] == str(person.id)
    assert document["subjects"][0]["data"] == {"content_ids": [str(post.id)]}
    assert {"field": "login_addresses", "reason": "not_held"} in document["subjects"][0]["not_disclosed"]
    assert document["targets_not_found"][0]["reason"] == "not_on_platform"


@pytest.mark.law("LAW-25")
def test_a_request_for_the_number_of_users_is_answered_with_the_stored_daily_counts(
    client: TestClient, session: Session
) -> None:
    body = make_body(session)
    for day, users in (("2026-11-01", 5120), ("2026-11-02", 4980)):
        session.add(DailyUserCount(id=uuid.uuid4(), day=day, users=users, method="ip_ranges", source="senim"))
    session.commit()
    order = {
        "kind": "user_count_request",
        "legal_basis": {"type": "request", "number": "15-2/118", "date": "2026-11-25"},
        "period": {"start": "2026-11-01", "end": "2026-11-03"},
    }
    bad = body.post(client, {**order, "period": {"start": "2026-11-03", "end": "2026-11-01"}})
    assert bad.status_code == 422  # type: ignore[attr-defined]
    number, _officer = _accepted(client, session, body, order)
    page = client.get(f"/console/orders/{number}")
    done = client.post(
        f"/console/orders/{number}/execute", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert done.status_code == 303
    report = client.get(f"/api/v1/orders/{number}/completion", headers=body.headers).json()
    figures = report["outcome"][0]["figures"]
    assert [(f["day"], f["users"]) for f in figures] == [
        ("2026-11-01", 5120),
        ("2026-11-02", 4980),
        ("2026-11-03", None),
    ]
    assert report["law"] == "LAW-25" and report["status"] == "executed"


@pytest.mark.law("LAW-16")
def test_a_request_to_inform_is_answered_in_writing(client: TestClient, session: Session) -> None:
    body = make_body(session)
    post = make_post(session, make_user(session), "a post")
    session.commit()
    order = {
        "kind": "authority_request",
        "legal_basis": {"type": "request", "number": "3-1/77", "date": "2026-11-26"},
        "targets": [{"type": "item", "id": str(post.id)}],
        "measures": ["inform"],
        "note": "Say when the post was published and whether it was reported.",
    }
    number, _officer = _accepted(client, session, body, order)
    page = client.get(f"/console/orders/{number}")
    csrf = csrf_from(page.text)
    assert client.post(f"/console/orders/{number}/execute", data={"csrf_token": csrf}).status_code == 422
    assert fresh(session).scalars(select(StateOrder)).one().status == "accepted"
    answer = "Published on 27 November; no complaints were filed about it."
    client.post(f"/console/orders/{number}/execute", data={"csrf_token": csrf, "answer": answer})
    report = client.get(f"/api/v1/orders/{number}/completion", headers=body.headers).json()
    assert report["answer"] == answer and report["within_deadline"] is True


@pytest.mark.law("LAW-20")
def test_the_portal_shows_a_body_its_own_records_only(client: TestClient, session: Session) -> None:
    body, other = make_body(session), make_body(session, "Agency for Financial Monitoring")
    person = _person(session)
    second = make_user(session, role=Role.legal_officer)
    number, _officer = _accepted(client, session, body, data_request(person.id, ["email"]))
    _prepare(client, number)
    login_as(client, second)
    _approve(client, session)
    disclosure = fresh(session).scalars(select(Disclosure)).one()

    login_as(client, other.principal)
    assert number not in client.get("/portal").text
    assert client.get(f"/portal/orders/{number}").status_code == 404
    assert client.get(f"/portal/disclosures/{disclosure.id}/archive").status_code == 404

    login_as(client, body.principal)
    portal = client.get("/portal")
    assert portal.status_code == 200 and number in portal.text
    page = client.get(f"/portal/orders/{number}")
    assert disclosure.archive_sha256 in page.text  # type: ignore[operator]
    assert client.get(f"/portal/disclosures/{disclosure.id}/archive").content.startswith(b"PK")
    acknowledged = client.post(
        f"/portal/disclosures/{disclosure.id}/acknowledge",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert acknowledged.status_code == 303
    assert fresh(session).get(Disclosure, disclosure.id).status == "acknowledged"  # type: ignore[union-attr]

    login_as(client, second)  # staff use the console, not the portal
    assert client.get("/portal").status_code == 403
