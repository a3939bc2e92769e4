"""Login, sessions, logout, password change, rate limiting, language choice."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import AuditRecord, LoginAttempt, Role, UserSession
from senim.web.auth import SESSION_COOKIE
from tests.fixtures.builders import PASSWORD, csrf_from, login, make_user


def test_login_and_logout(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    csrf = login(client, user)
    assert client.get("/api/v1/me").json()["username"] == user.username
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/v1/me").status_code == 401
    tags = [t for (t,) in session.execute(select(AuditRecord.tag).order_by(AuditRecord.seq))]
    assert tags[-2:] == ["session:start", "session:end"]


def test_forged_session_cookie_is_ignored(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "abc.def")
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_then_throttled(client: TestClient, session: Session, settings) -> None:  # type: ignore[no-untyped-def]
    user = make_user(session)
    session.commit()
    page = client.get("/login")
    token = csrf_from(page.text)
    for _ in range(settings.login_max_failures):
        r = client.post("/login", data={"username": user.username, "password": "wrong", "csrf_token": token})
        assert r.status_code == 401
    r = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429
    assert session.scalars(select(LoginAttempt)).all()
    assert client.get("/api/v1/me").status_code == 401


def test_api_login_json(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    assert (
        client.post("/api/v1/session", json={"username": user.username, "password": "nope"}).status_code
        == 401
    )
    r = client.post("/api/v1/session", json={"username": user.username.upper(), "password": PASSWORD})
    assert r.status_code == 200
    assert r.json()["role"] == "user"
    assert client.delete("/api/v1/session", headers={"x-csrf-token": "x"}).status_code == 403
    assert client.get("/api/v1/me").status_code == 200


def test_password_change_ends_other_sessions(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    other = TestClient(client.app)
    login(other, user)
    csrf = login(client, user)
    r = client.post(
        "/account/password",
        data={"csrf_token": csrf, "current_password": PASSWORD, "new_password": "a brand new passphrase"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert client.get("/api/v1/me").status_code == 200
    assert other.get("/api/v1/me").status_code == 401
    live = session.scalars(select(UserSession).where(UserSession.revoked_at.is_(None))).all()
    assert len(live) == 1
    bad = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(client.get("/account").text),
            "current_password": "wrong",
            "new_password": "x" * 12,
        },
    )
    assert bad.status_code == 422


def test_staff_login_reaches_audit_log_only_with_permission(client: TestClient, session: Session) -> None:
    auditor = make_user(session, role=Role.auditor)
    moderator = make_user(session, role=Role.moderator)
    session.commit()
    login(client, moderator)
    assert client.get("/console/audit").status_code == 403
    other = TestClient(client.app)
    login(other, auditor)
    page = other.get("/console/audit?tag=session:")
    assert page.status_code == 200
    assert "session:start" in page.text


def test_language_choice_is_remembered_per_browser_and_user(client: TestClient, session: Session) -> None:
    page = client.get("/")
    r = client.post(
        "/language",
        data={"language": "ru", "csrf_token": csrf_from(page.text), "next": "/register"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/register")
    assert 'lang="ru"' in client.get("/register").text
    user = make_user(session)
    session.commit()
    csrf = login(client, user)
    client.post("/language", data={"language": "en", "csrf_token": csrf})
    session.refresh(user)
    assert user.language == "en"
    assert client.get("/api/v1/me").json()["language"] == "en"


def test_open_redirect_is_refused(client: TestClient) -> None:
    page = client.get("/")
    r = client.post(
        "/language",
        data={"language": "kk", "csrf_token": csrf_from(page.text), "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert r.headers["location"].startswith("/?") or r.headers["location"] == "/"
