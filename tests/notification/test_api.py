"""The JSON API: one's own notices, and webhook endpoints managed by administrators."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account.service import account_service
from senim.audit import Actor
from senim.models import AuditRecord, Notification, Role, WebhookEndpoint
from senim.notification.service import notification_service
from tests.fixtures.builders import login, make_user
from tests.fixtures.notification import make_endpoint

KIND = "Your post «{title}» was hidden."


def test_user_lists_and_reads_own_notices(client: TestClient, session: Session) -> None:
    user = make_user(session, language="en")
    first = notification_service.notify(session, user, KIND, {"title": "one"}, link="/posts/1")
    second = notification_service.notify(session, user, KIND, {"title": "two"})
    session.commit()
    login(client, user)

    items = client.get("/api/v1/notifications").json()
    assert {i["id"] for i in items} == {str(first.id), str(second.id)}
    by_id = {i["id"]: i for i in items}
    assert by_id[str(first.id)]["text"] == "Your post «one» was hidden."
    assert by_id[str(first.id)]["link"] == "/posts/1"
    assert by_id[str(first.id)]["params"] == {"title": "one"}

    r = client.post(f"/api/v1/notifications/{first.id}/read", json={})
    assert r.status_code == 200, r.text
    assert r.json()["read_at"] is not None
    session.expire_all()
    assert session.get(Notification, first.id).read_at is not None  # type: ignore[union-attr]
    assert [i["id"] for i in client.get("/api/v1/notifications?unread_only=true").json()] == [str(second.id)]

    r = client.post("/api/v1/notifications/read-all", json={})
    assert r.json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread_only=true").json() == []


def test_user_cannot_mark_someone_elses_notice_read(client: TestClient, session: Session) -> None:
    a, b = make_user(session), make_user(session)
    theirs = notification_service.notify(session, b, KIND, {"title": "b"})
    session.commit()
    login(client, a)

    r = client.post(f"/api/v1/notifications/{theirs.id}/read", json={})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "notice_not_found"
    assert client.post(f"/api/v1/notifications/{uuid.uuid4()}/read", json={}).status_code == 404
    assert client.get("/api/v1/notifications").json() == []
    assert client.post("/api/v1/notifications/read-all", json={}).json() == {"marked": 0}
    session.expire_all()
    assert session.get(Notification, theirs.id).read_at is None  # type: ignore[union-attr]


def test_anonymous_has_no_notices(client: TestClient) -> None:
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read-all", json={}).status_code == 401


def test_admin_manages_endpoints_and_sees_the_secret_only_twice(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.administrator)
    platform = make_user(session, role=Role.integrating_platform, password=None)
    session.commit()
    login(client, admin)

    r = client.post(
        "/api/v1/webhooks",
        json={
            "principal_id": str(platform.id),
            "url": "https://p.example.kz/h",
            "events": ["decision.recorded"],
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["secret"].startswith("whsec_")
    row = session.scalars(select(WebhookEndpoint)).one()
    assert (row.principal_id, row.url, row.events, row.active) == (
        platform.id,
        "https://p.example.kz/h",
        ["decision.recorded"],
        True,
    )
    assert row.secret == created["secret"]

    listed = client.get(f"/api/v1/webhooks?principal_id={platform.id}").json()
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert client.get(f"/api/v1/webhooks?principal_id={admin.id}").json() == []

    r = client.post(f"/api/v1/webhooks/{row.id}/rotate", json={})
    assert r.status_code == 200, r.text
    assert r.json()["secret"] not in (created["secret"], None)
    r = client.post(f"/api/v1/webhooks/{row.id}/disable", json={})
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False
    assert "secret" not in r.json()
    assert client.post(f"/api/v1/webhooks/{row.id}/rotate", json={}).status_code == 409
    assert client.post(f"/api/v1/webhooks/{uuid.uuid4()}/disable", json={}).status_code == 404

    tags = session.scalars(
        select(AuditRecord.tag).where(AuditRecord.tag.like("webhook:%")).order_by(AuditRecord.seq)
    ).all()
    assert tags == ["webhook:add", "webhook:rotate", "webhook:disable"]


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("ftp://p.example.kz/h", ["*"]),
        ("not a url", ["*"]),
        ("https://user:pw@p.example.kz/h", ["*"]),
        ("https://p.example.kz/" + "a" * 2000, ["*"]),
        ("https://p.example.kz/h", []),
        ("https://p.example.kz/h", ["Bad Event"]),
    ],
)
def test_bad_endpoint_is_refused_and_nothing_is_written(
    client: TestClient, session: Session, url: str, events: list[str]
) -> None:
    admin = make_user(session, role=Role.administrator)
    platform = make_user(session, role=Role.integrating_platform, password=None)
    session.commit()
    login(client, admin)

    r = client.post("/api/v1/webhooks", json={"principal_id": str(platform.id), "url": url, "events": events})

    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"]
    session.expire_all()
    assert session.scalars(select(WebhookEndpoint)).all() == []
    assert session.scalars(select(AuditRecord).where(AuditRecord.tag == "webhook:add")).all() == []


def test_endpoint_for_an_unknown_or_internal_account_is_refused(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.administrator)
    session.commit()
    login(client, admin)
    body = {"url": "https://p.example.kz/h", "events": ["*"]}
    assert (
        client.post("/api/v1/webhooks", json={"principal_id": str(uuid.uuid4()), **body}).status_code == 404
    )
    assert client.post("/api/v1/webhooks", json={"principal_id": str(admin.id), **body}).status_code == 422
    assert session.scalars(select(WebhookEndpoint)).all() == []


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.administrator, None), (Role.moderator, 403), (Role.user, 403), (None, 401)],
)
def test_webhook_routes_need_tokens_manage(
    client: TestClient, session: Session, role: Role | None, status: int | None
) -> None:
    platform = make_user(session, role=Role.integrating_platform, password=None)
    endpoint, _ = make_endpoint(session, platform, "https://p.example.kz/h")
    other, _ = make_endpoint(session, platform, "https://q.example.kz/h")
    if role is not None:
        actor = make_user(session, role=role)
    session.commit()
    if role is not None:
        login(client, actor)
    create = {"principal_id": str(platform.id), "url": "https://r.example.kz/h", "events": ["*"]}

    results = {
        "list": client.get("/api/v1/webhooks").status_code,
        "add": client.post("/api/v1/webhooks", json=create).status_code,
        "rotate": client.post(f"/api/v1/webhooks/{endpoint.id}/rotate", json={}).status_code,
        "disable": client.post(f"/api/v1/webhooks/{other.id}/disable", json={}).status_code,
    }

    if status is None:
        assert results == {"list": 200, "add": 201, "rotate": 200, "disable": 200}
        assert len(session.scalars(select(WebhookEndpoint)).all()) == 3
    else:
        assert set(results.values()) == {status}
        session.expire_all()
        assert len(session.scalars(select(WebhookEndpoint)).all()) == 2
        assert all(e.active for e in session.scalars(select(WebhookEndpoint)))
        tags = session.scalars(select(AuditRecord.tag).where(AuditRecord.tag.like("webhook:%"))).all()
        assert tags == ["webhook:add", "webhook:add"]  # only the two arranged above


def test_external_principal_token_cannot_manage_endpoints(client: TestClient, session: Session) -> None:
    platform = make_user(session, role=Role.integrating_platform, password=None)
    issued = account_service.issue_token(
        session, Actor.system("test"), platform, name="t", scopes=["platform:push"]
    )
    session.commit()
    client.headers["authorization"] = f"Bearer {issued.token}"
    r = client.post(
        "/api/v1/webhooks",
        json={"principal_id": str(platform.id), "url": "https://p.example.kz/h", "events": ["*"]},
    )
    assert r.status_code == 403
    assert client.get("/api/v1/webhooks").status_code == 403
