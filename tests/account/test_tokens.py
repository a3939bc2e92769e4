"""API tokens: shown once, stored hashed, scoped, revocable, audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.kit.secrets import digest
from senim.models import ApiToken, AuditRecord, Role
from tests.fixtures.builders import login, make_user


def test_admin_issues_and_revokes_a_token(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.administrator)
    platform = make_user(session, role=Role.integrating_platform, password=None)
    session.commit()
    csrf = login(client, admin)
    r = client.post(
        "/api/v1/tokens", json={"principal_id": str(platform.id), "name": "prod", "scopes": ["platform:push"]}
    )
    assert r.status_code == 201, r.text
    secret = r.json()["token"]
    row = session.scalars(select(ApiToken)).one()
    assert row.token_digest == digest(secret) and secret not in str(row.__dict__)
    assert "token" not in client.get("/api/v1/tokens").json()[0]

    bearer = TestClient(client.app)
    bearer.headers["authorization"] = f"Bearer {secret}"
    assert bearer.get("/api/v1/me").json()["username"] == platform.username

    # A DELETE with a session cookie carries the CSRF token in a header.
    assert client.delete(f"/api/v1/tokens/{row.id}").status_code == 403
    assert client.delete(f"/api/v1/tokens/{row.id}", headers={"x-csrf-token": csrf}).status_code == 200
    assert bearer.get("/api/v1/me").status_code == 401
    tags = set(session.scalars(select(AuditRecord.tag)))
    assert {"token:issue", "token:revoke"} <= tags


def test_scopes_must_fit_the_principal(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.administrator)
    platform = make_user(session, role=Role.integrating_platform, password=None)
    person = make_user(session)
    session.commit()
    login(client, admin)
    bad = client.post(
        "/api/v1/tokens", json={"principal_id": str(platform.id), "name": "x", "scopes": ["authority:submit"]}
    )
    assert bad.status_code == 422
    bad = client.post(
        "/api/v1/tokens", json={"principal_id": str(person.id), "name": "x", "scopes": ["platform:push"]}
    )
    assert bad.status_code == 422
    assert session.scalars(select(ApiToken)).all() == []


def test_tokens_need_tokens_manage(client: TestClient, session: Session) -> None:
    moderator = make_user(session, role=Role.moderator)
    session.commit()
    assert client.get("/api/v1/tokens").status_code == 401
    login(client, moderator)
    assert client.get("/api/v1/tokens").status_code == 403


def test_unknown_token_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/me", headers={"authorization": "Bearer snm_nope"}).status_code == 401
