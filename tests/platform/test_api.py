"""The integrating-platform API end to end: tokens and scopes, idempotent upserts, scans, isolation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.account.service import account_service
from senim.audit import Actor
from senim.models import Consent, ContentItem, Job, Role, User
from tests.fixtures.builders import login, make_user
from tests.fixtures.community import Platform, audit_count, audit_records, make_platform

ACCOUNT = {"display_name": "Aigerim", "date_of_birth": "2001-02-03", "bio": "Hello"}


def _item(author: str = "u-1", **extra: Any) -> dict[str, Any]:
    return {"author_external_id": author, "kind": "post", "body": "First post", **extra}


def _scans(session: Session) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.name == "detection.scan").order_by(Job.created_at)))


def _rows(session: Session) -> tuple[int, int, int, int]:
    return (
        int(session.scalar(select(func.count()).select_from(User)) or 0),
        int(session.scalar(select(func.count()).select_from(ContentItem)) or 0),
        int(session.scalar(select(func.count()).select_from(Job)) or 0),
        audit_count(session),
    )


@pytest.fixture
def platform(session: Session) -> Platform:
    p = make_platform(session)
    session.commit()
    return p


def test_account_upsert_is_idempotent(client: TestClient, session: Session, platform: Platform) -> None:
    r = client.put("/api/v1/platform/accounts/User_42", json=ACCOUNT, headers=platform.headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["username"] == f"p-{platform.principal.id.hex[:8]}-user-42"
    assert body["external_id"] == "User_42"
    assert body["is_minor"] is False
    user = session.scalars(select(User).where(User.external_id == "User_42")).one()
    assert user.role == Role.user
    assert user.platform_id == platform.principal.id
    assert user.password_hash is None
    assert (user.display_name, user.bio, str(user.date_of_birth)) == ("Aigerim", "Hello", "2001-02-03")
    [rec] = audit_records(session, "platform:push_account")
    assert rec.actor_id == platform.principal.id
    assert rec.data["created"] is True
    assert "Aigerim" not in str(rec.data)  # personal data stays out of the audit log

    before = _rows(session)
    again = client.put("/api/v1/platform/accounts/User_42", json=ACCOUNT, headers=platform.headers)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert _rows(session) == before

    changed = client.put(
        "/api/v1/platform/accounts/User_42", json={"display_name": "Aigerim B."}, headers=platform.headers
    )
    assert changed.status_code == 200
    session.refresh(user)
    assert (user.display_name, user.bio) == ("Aigerim B.", "Hello")  # omitted fields are kept
    assert audit_records(session, "platform:push_account")[-1].data["changed"] == ["display_name"]
    assert (
        client.get("/api/v1/platform/accounts/User_42", headers=platform.headers).json()["id"] == body["id"]
    )


def test_pushed_minor_is_known_as_a_minor(client: TestClient, session: Session, platform: Platform) -> None:
    r = client.put(
        "/api/v1/platform/accounts/kid",
        json={"display_name": "Kid", "date_of_birth": "2015-01-01"},
        headers=platform.headers,
    )
    assert r.status_code == 201
    assert r.json()["is_minor"] is True


def test_item_upsert_is_idempotent_and_scanned(
    client: TestClient, session: Session, platform: Platform
) -> None:
    assert (
        client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=platform.headers).status_code == 201
    )
    payload = _item(external_url="https://example.kz/p/1", created_at="2026-11-01T10:00:00+05:00")
    r = client.put("/api/v1/platform/items/p-1", json=payload, headers=platform.headers)
    assert r.status_code == 201, r.text
    body = r.json()
    item = session.scalars(select(ContentItem)).one()
    assert str(item.id) == body["id"]
    assert (item.platform_id, item.external_id, item.kind, item.body) == (
        platform.principal.id,
        "p-1",
        "post",
        "First post",
    )
    assert item.external_url == "https://example.kz/p/1"
    assert item.created_at.isoformat() == "2026-11-01T05:00:00+00:00"
    assert body["status"] == "visible"
    assert body["author_external_id"] == "u-1"
    assert body["decisions"] == []
    assert [j.payload for j in _scans(session)] == [{"item_id": body["id"]}]
    [rec] = audit_records(session, "platform:push_item")
    assert rec.target_id == body["id"]
    assert rec.actor_id == platform.principal.id

    before = _rows(session)
    again = client.put("/api/v1/platform/items/p-1", json=payload, headers=platform.headers)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert _rows(session) == before  # one row, no new job, no new audit record

    edited = client.put(
        "/api/v1/platform/items/p-1", json={**payload, "body": "Edited"}, headers=platform.headers
    )
    assert edited.status_code == 200
    assert [j.payload["item_id"] for j in _scans(session)] == [body["id"], body["id"]]
    assert audit_records(session, "platform:push_item")[-1].data["changed"] == ["body"]


def test_comments_need_a_pushed_parent(client: TestClient, session: Session, platform: Platform) -> None:
    client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=platform.headers)
    client.put("/api/v1/platform/items/p-1", json=_item(), headers=platform.headers)
    before = _rows(session)
    for payload in (
        _item(kind="comment"),
        _item(kind="comment", parent_external_id="nope"),
        _item(parent_external_id="p-1"),
    ):
        assert (
            client.put("/api/v1/platform/items/c-1", json=payload, headers=platform.headers).status_code
            == 422
        )
    assert _rows(session) == before
    r = client.put(
        "/api/v1/platform/items/c-1",
        json=_item(kind="comment", parent_external_id="p-1"),
        headers=platform.headers,
    )
    assert r.status_code == 201
    assert r.json()["parent_external_id"] == "p-1"
    parent = session.scalars(select(ContentItem).where(ContentItem.external_id == "p-1")).one()
    comment = session.scalars(select(ContentItem).where(ContentItem.external_id == "c-1")).one()
    assert comment.parent_id == parent.id
    r = client.put("/api/v1/platform/items/c-1", json=_item(kind="post"), headers=platform.headers)
    assert r.status_code == 409  # the kind of a pushed item cannot change


@pytest.mark.parametrize(
    "payload",
    [
        _item(author="not-pushed-yet"),
        _item(kind="video"),
        _item(external_url="javascript:alert(1)"),
        _item(external_url="/relative"),
        _item(created_at="2999-01-01T00:00:00Z"),
        _item(body="x" * 50_001),
        {"kind": "post", "body": "no author"},
    ],
)
def test_bad_items_are_422_and_write_nothing(
    client: TestClient, session: Session, platform: Platform, payload: dict[str, Any]
) -> None:
    client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=platform.headers)
    before = _rows(session)
    r = client.put("/api/v1/platform/items/bad", json=payload, headers=platform.headers)
    assert r.status_code == 422, r.text
    assert _rows(session) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"display_name": ""},
        {"display_name": "   "},
        {"display_name": "x" * 121},
        {"display_name": "Future", "date_of_birth": "2999-01-01"},
        {"display_name": "Ancient", "date_of_birth": "1800-01-01"},
        {"display_name": "Bio", "bio": "b" * 5001},
    ],
)
def test_bad_accounts_are_422_and_write_nothing(
    client: TestClient, session: Session, platform: Platform, payload: dict[str, Any]
) -> None:
    before = _rows(session)
    r = client.put("/api/v1/platform/accounts/acc", json=payload, headers=platform.headers)
    assert r.status_code == 422, r.text
    assert _rows(session) == before


def test_delete_item(client: TestClient, session: Session, platform: Platform) -> None:
    client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=platform.headers)
    client.put("/api/v1/platform/items/p-1", json=_item(), headers=platform.headers)
    r = client.delete("/api/v1/platform/items/p-1", headers=platform.headers)
    assert r.status_code == 200
    assert r.json()["status"] == "deleted"
    item = session.scalars(select(ContentItem)).one()
    assert item.status == "deleted"
    assert item.deleted_at is not None
    assert client.delete("/api/v1/platform/items/p-1", headers=platform.headers).status_code == 200
    [rec] = audit_records(session, "platform:delete_item")
    assert rec.data == {"external_id": "p-1", "previous_status": "visible"}
    assert client.put("/api/v1/platform/items/p-1", json=_item(), headers=platform.headers).status_code == 409
    assert client.delete("/api/v1/platform/items/never", headers=platform.headers).status_code == 404
    assert len(_scans(session)) == 1


def test_a_platform_sees_only_its_own_records(client: TestClient, session: Session) -> None:
    a, b = make_platform(session), make_platform(session, scopes=["platform:push", "platform:read"])
    session.commit()
    client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=a.headers)
    a_item = client.put("/api/v1/platform/items/p-1", json=_item(), headers=a.headers).json()

    # The same external ids at platform B are B's own, different records.
    assert client.get("/api/v1/platform/items/p-1", headers=b.headers).status_code == 404
    assert client.get(f"/api/v1/platform/items/by-id/{a_item['id']}", headers=b.headers).status_code == 404
    assert client.get("/api/v1/platform/accounts/u-1", headers=b.headers).status_code == 404
    assert client.delete("/api/v1/platform/items/p-1", headers=b.headers).status_code == 404
    assert (
        client.put("/api/v1/platform/items/p-1", json=_item(), headers=b.headers).status_code == 422
    )  # B has no u-1
    assert client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=b.headers).status_code == 201
    b_item = client.put("/api/v1/platform/items/p-1", json=_item(body="B's"), headers=b.headers).json()
    assert b_item["id"] != a_item["id"]

    a_view = client.get("/api/v1/platform/items/p-1", headers=a.headers).json()
    assert a_view["id"] == a_item["id"]
    assert (
        client.get(f"/api/v1/platform/items/by-id/{a_item['id']}", headers=a.headers).json()["external_id"]
        == "p-1"
    )
    assert client.get(f"/api/v1/platform/items/by-id/{uuid.uuid4()}", headers=a.headers).status_code == 404
    usernames = set(session.scalars(select(User.username).where(User.external_id == "u-1")))
    assert len(usernames) == 2
    assert session.scalar(select(func.count()).select_from(ContentItem)) == 2


def test_scopes(client: TestClient, session: Session) -> None:
    pusher = make_platform(session)
    reader = make_platform(session, scopes=["platform:read"])
    session.commit()
    client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=pusher.headers)
    client.put("/api/v1/platform/items/p-1", json=_item(), headers=pusher.headers)
    before = _rows(session)
    r = client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=reader.headers)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "permission_denied"
    assert client.put("/api/v1/platform/items/p-1", json=_item(), headers=reader.headers).status_code == 403
    assert client.delete("/api/v1/platform/items/p-1", headers=reader.headers).status_code == 403
    assert _rows(session) == before
    assert client.get("/api/v1/platform/items/p-1", headers=reader.headers).status_code == 404  # its own only
    assert (
        client.get("/api/v1/platform/items/p-1", headers=pusher.headers).status_code == 200
    )  # push may read


def test_only_platform_tokens_may_push(client: TestClient, session: Session, platform: Platform) -> None:
    user = make_user(session)
    session.commit()
    before = _rows(session)
    assert client.put("/api/v1/platform/accounts/x", json=ACCOUNT).status_code == 401
    bogus = {"authorization": "Bearer snm_not-a-token"}
    assert client.put("/api/v1/platform/accounts/x", json=ACCOUNT, headers=bogus).status_code == 401
    assert _rows(session) == before

    login(client, user)
    before = _rows(session)
    r = client.put("/api/v1/platform/accounts/x", json=ACCOUNT)
    assert r.status_code == 403
    assert client.put("/api/v1/platform/items/x", json=_item()).status_code == 403
    assert client.get("/api/v1/platform/items/x").status_code == 403
    assert _rows(session) == before


def test_revoked_token_is_401(client: TestClient, session: Session, platform: Platform) -> None:
    assert (
        client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=platform.headers).status_code == 201
    )
    token_id = audit_records(session, "token:issue")[0].target_id
    assert token_id is not None
    account_service.revoke_token(session, Actor.system("test"), uuid.UUID(token_id))
    session.commit()
    before = _rows(session)
    assert (
        client.put("/api/v1/platform/accounts/u-2", json=ACCOUNT, headers=platform.headers).status_code == 401
    )
    assert client.get("/api/v1/platform/accounts/u-1", headers=platform.headers).status_code == 401
    assert _rows(session) == before


@pytest.mark.law("LAW-73")
def test_the_consent_a_platform_obtained_is_recorded_once_per_reference(
    client: TestClient, session: Session, platform: Platform
) -> None:
    body = {**ACCOUNT, "consent_reference": "privacy-2026-03"}
    assert client.put("/api/v1/platform/accounts/c-1", json=body, headers=platform.headers).status_code == 201
    assert client.put("/api/v1/platform/accounts/c-1", json=body, headers=platform.headers).status_code == 200
    session.expire_all()
    [consent] = session.scalars(select(Consent)).all()
    assert (consent.method, consent.policy_version) == ("integrating_platform", "privacy-2026-03")
    assert consent.operator_bin and consent.data_list and consent.text_sha256  # the terms the law asks for
    [given] = audit_records(session, "consent:give")
    assert given.actor_id == platform.principal.id

    newer = {"display_name": "Aigerim", "consent_reference": "privacy-2026-09"}
    assert (
        client.put("/api/v1/platform/accounts/c-1", json=newer, headers=platform.headers).status_code == 200
    )
    assert session.scalar(select(func.count()).select_from(Consent)) == 2


@pytest.mark.law("LAW-73")
@pytest.mark.parametrize("reference", ["", "x" * 33])
def test_a_bad_consent_reference_is_422_and_writes_nothing(
    client: TestClient, session: Session, platform: Platform, reference: str
) -> None:
    body = {**ACCOUNT, "consent_reference": reference}
    r = client.put("/api/v1/platform/accounts/c-2", json=body, headers=platform.headers)
    assert r.status_code == 422
    assert session.scalar(select(func.count()).select_from(Consent)) == 0
    assert session.scalar(select(func.count()).select_from(User).where(User.external_id == "c-2")) == 0


@pytest.mark.law("LAW-65")
@pytest.mark.law("LAW-66")
def test_a_platform_passes_the_advertising_marking_of_a_pushed_item(
    client: TestClient, session: Session, platform: Platform
) -> None:
    client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=platform.headers)
    mark = {"label": "Реклама", "sponsor_name": "Dala Coffee LLP"}
    r = client.put("/api/v1/platform/items/i-1", json=_item(sponsored=mark), headers=platform.headers)
    assert r.status_code == 201, r.text
    assert r.json()["sponsored"] == {**mark, "sponsor_bin": None}
    [marked] = audit_records(session, "content:mark_sponsored")
    assert marked.actor_id == platform.principal.id

    kept = client.put("/api/v1/platform/items/i-1", json=_item(body="Edited"), headers=platform.headers)
    assert kept.json()["sponsored"] == {**mark, "sponsor_bin": None}  # omitted: kept
    removed = client.put("/api/v1/platform/items/i-1", json=_item(sponsored=None), headers=platform.headers)
    assert removed.json()["sponsored"] is None
    assert len(audit_records(session, "content:mark_sponsored")) == 2


@pytest.mark.law("LAW-66")
def test_a_pushed_marking_the_law_does_not_allow_is_422_and_writes_nothing(
    client: TestClient, session: Session, platform: Platform
) -> None:
    client.put("/api/v1/platform/accounts/u-1", json=ACCOUNT, headers=platform.headers)
    before = _rows(session)
    bad = {"label": "Sponsored", "sponsor_name": "Dala Coffee LLP"}
    r = client.put("/api/v1/platform/items/i-2", json=_item(sponsored=bad), headers=platform.headers)
    assert r.status_code == 422
    assert _rows(session) == before
