"""Login limits through the API, token-only external principals, e-mail and language validation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.account.service import account_service
from senim.audit import Actor
from senim.config import Settings
from senim.errors import Invalid
from senim.models import AccountStatus, ApiToken, LoginAttempt, Role, User, UserSession
from tests.fixtures.builders import PASSWORD, accepted_documents, login, make_user


def test_api_login_is_rate_limited_too(client: TestClient, session: Session, settings: Settings) -> None:
    user = make_user(session)
    session.commit()
    for _ in range(settings.login_max_failures):
        assert (
            client.post("/api/v1/session", json={"username": user.username, "password": "wrong"}).status_code
            == 401
        )
    r = client.post("/api/v1/session", json={"username": user.username, "password": PASSWORD})
    assert r.status_code == 429
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) >= settings.login_max_failures


def test_unknown_username_also_records_the_attempt(client: TestClient, session: Session) -> None:
    r = client.post("/api/v1/session", json={"username": "nobody-here", "password": "whatever"})
    assert r.status_code == 401
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) >= 1


def test_external_principals_never_log_in_with_a_password(session: Session) -> None:
    with pytest.raises(Invalid):
        make_user(session, role=Role.integrating_platform, password=PASSWORD)
    person = make_user(session)
    with pytest.raises(Invalid):
        account_service.set_role(session, Actor.system("test"), person, Role.law_enforcement)


def test_role_change_ends_sessions_and_tokens(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.administrator)
    staff = make_user(session, role=Role.moderator)
    platform = make_user(session, role=Role.integrating_platform, password=None)
    account_service.issue_token(session, Actor.system("test"), platform, name="t", scopes=["platform:push"])
    session.commit()
    other = TestClient(client.app)
    login(other, staff)
    login(client, admin)
    assert client.patch(f"/api/v1/users/{staff.id}", json={"role": "user"}).status_code == 200
    assert other.get("/api/v1/me").status_code == 401
    assert (
        session.scalars(
            select(UserSession).where(UserSession.user_id == staff.id, UserSession.revoked_at.is_(None))
        ).all()
        == []
    )
    assert client.patch(f"/api/v1/users/{platform.id}", json={"role": "law_enforcement"}).status_code == 200
    assert all(t.revoked_at is not None for t in session.scalars(select(ApiToken)))


@pytest.mark.parametrize("email", ["not-an-address", "a\r\nBcc: x@example.kz", "@example.kz"])
def test_bad_email_is_refused_and_nothing_written(client: TestClient, session: Session, email: str) -> None:
    body = {
        "username": "dana",
        "password": PASSWORD,
        "date_of_birth": "1999-02-02",
        "email": email,
        "accepted": accepted_documents(),
    }
    r = client.post("/api/v1/accounts", json=body)
    assert r.status_code == 422
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_unknown_language_is_422_not_500(client: TestClient, session: Session) -> None:
    body = {
        "username": "dana",
        "password": PASSWORD,
        "date_of_birth": "1999-02-02",
        "language": "xx",
        "accepted": {},
    }
    r = client.post("/api/v1/accounts", json=body)
    assert r.status_code == 422
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_error_messages_fill_their_placeholders(client: TestClient) -> None:
    body = {
        "username": "dana",
        "password": "short",
        "date_of_birth": "1999-02-02",
        "accepted": accepted_documents(),
    }
    r = client.post("/api/v1/accounts", json=body, headers={"accept-language": "en"})
    assert r.status_code == 422
    message = r.json()["error"]["message"]
    assert "{n}" not in message and "10" in message


def test_api_password_change_keeps_this_client_signed_in(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    r = client.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "a fresh passphrase"}
    )
    assert r.status_code == 204
    assert client.get("/api/v1/me").status_code == 200
    email_ok = make_user(session, email="Aigerim@Example.KZ")
    assert email_ok.email == "Aigerim@example.kz"


def test_deleted_accounts_stay_deleted_and_suspension_ends_access(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, role=Role.administrator)
    person = make_user(session)
    session.commit()
    other = TestClient(client.app)
    login(other, person)
    login(client, admin)
    assert client.patch(f"/api/v1/users/{person.id}", json={"status": "deleted"}).status_code == 422
    assert client.patch(f"/api/v1/users/{person.id}", json={"status": "suspended"}).status_code == 200
    assert other.get("/api/v1/me").status_code == 401
    assert client.patch(f"/api/v1/users/{person.id}", json={"status": "active"}).status_code == 200
    assert other.get("/api/v1/me").status_code == 401  # the old session does not come back
    with Session(session.get_bind()) as s:
        gone = make_user(s)
        gone.status = AccountStatus.deleted
        s.commit()
        gone_id = gone.id
    assert client.patch(f"/api/v1/users/{gone_id}", json={"status": "active"}).status_code == 409
    assert client.patch(f"/api/v1/users/{gone_id}", json={"role": "moderator"}).status_code == 409
