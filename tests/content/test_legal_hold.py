"""Evidence under a legal hold: nobody, the author included, deletes or edits the item until the hold is
released; deleting the account keeps it; the platform that pushed it cannot delete it either (LAW-19
evidence preservation, issue 5). Every step is audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.content.service import content_service
from senim.models import AuditRecord, ContentItem, ItemStatus, LegalHold, Role
from tests.fixtures.builders import PASSWORD, make_user
from tests.fixtures.community import make_platform, push_account, push_item
from tests.fixtures.content import login_as, make_post


def _tags(session: Session) -> list[str]:
    return [r.tag for r in session.scalars(select(AuditRecord).order_by(AuditRecord.seq))]


@pytest.mark.law("LAW-19")
def test_the_author_can_neither_edit_nor_delete_a_held_post(client: TestClient, session: Session) -> None:
    author = make_user(session)
    officer = make_user(session, role=Role.safety_officer)
    post = make_post(session, author, "A threat kept as evidence")
    hold = content_service.place_hold(
        session, Actor.of(officer), post, reason="Escalated to the police", source="escalation"
    )
    again = content_service.place_hold(
        session, Actor.of(officer), post, reason="Escalated to the police", source="escalation"
    )
    order = content_service.place_hold(session, Actor.system("test"), post, reason="order 9", source="order")
    session.commit()
    assert again.id == hold.id and order.id != hold.id  # each source keeps its own hold
    csrf = login_as(client, author)
    headers = {"X-CSRF-Token": csrf}
    assert client.delete(f"/api/v1/posts/{post.id}", headers=headers).status_code == 409
    assert (
        client.patch(f"/api/v1/posts/{post.id}", json={"body": "edited"}, headers=headers).status_code == 409
    )
    session.expire_all()
    kept = session.get(ContentItem, post.id)
    assert kept is not None and kept.status == ItemStatus.visible and kept.body == "A threat kept as evidence"
    content_service.release_hold(
        session,
        Actor.of(officer),
        kept,
        reason="Police confirmed receipt of a copy",
        source="escalation",
        placed_for="Escalated to the police",
    )
    session.commit()
    assert client.delete(f"/api/v1/posts/{post.id}", headers=headers).status_code == 409  # the order's hold
    content_service.release_hold(
        session, Actor.system("test"), kept, reason="order done", source="order", placed_for="order 9"
    )
    session.commit()
    assert client.delete(f"/api/v1/posts/{post.id}", headers=headers).status_code in (200, 204)
    assert "item:hold" in _tags(session) and "item:release_hold" in _tags(session)
    released = session.scalars(select(LegalHold).where(LegalHold.source == "escalation")).one()
    assert released.released_by_id == officer.id and released.release_reason.startswith("Police")


@pytest.mark.law("LAW-19")
def test_deleting_the_account_hides_held_posts_and_keeps_them_as_evidence(
    client: TestClient, session: Session
) -> None:
    author = make_user(session)
    held = make_post(session, author, "Held post")
    free = make_post(session, author, "Ordinary post")
    content_service.place_hold(session, Actor.system("test"), held, reason="order 17", source="order")
    session.commit()
    csrf = login_as(client, author)
    response = client.request(
        "DELETE", "/api/v1/me", json={"password": PASSWORD}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code in (200, 204), response.text
    session.expire_all()
    kept = session.get(ContentItem, held.id)
    assert kept is not None and kept.status == ItemStatus.deleted  # gone for readers ...
    assert kept.body == "Held post" and content_service.is_held(session, held.id)  # ... kept as evidence
    assert session.get(ContentItem, free.id).status == ItemStatus.deleted  # type: ignore[union-attr]
    assert client.get(f"/p/{held.id}").status_code == 404
    assert client.get(f"/api/v1/posts/{held.id}").status_code == 404
    record = session.scalars(select(AuditRecord).where(AuditRecord.tag == "user:delete_account")).one()
    assert (record.data["items_deleted"], record.data["kept_under_hold"]) == (1, 1)
    item_records = session.scalars(select(AuditRecord).where(AuditRecord.tag == "item:delete")).all()
    assert sorted(r.data["kept_under_hold"] for r in item_records) == [False, True]


@pytest.mark.law("LAW-19")
def test_the_platform_cannot_delete_a_held_item(client: TestClient, session: Session) -> None:
    platform = make_platform(session)
    push_account(session, platform.principal, "a-1")
    item = push_item(session, platform.principal, "i-1", "a-1", "Pushed threat")
    content_service.place_hold(session, Actor.system("test"), item, reason="escalation", source="escalation")
    session.commit()
    response = client.delete("/api/v1/platform/items/i-1", headers=platform.headers)
    assert response.status_code == 409
    session.expire_all()
    assert session.get(ContentItem, item.id).status == ItemStatus.visible  # type: ignore[union-attr]
