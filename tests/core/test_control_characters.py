"""Text people and platforms send never carries control characters into storage: PostgreSQL refuses NUL in
text (a 500 otherwise), and the others hide content from readers and moderators."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import Community, ContentItem
from tests.fixtures.builders import make_user
from tests.fixtures.community import make_platform, push_account
from tests.fixtures.content import login_as


def test_posts_comments_and_communities_drop_control_characters(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login_as(client, user)
    post = client.post("/api/v1/posts", json={"body": "hello\x00 wor\x07ld"})
    assert post.status_code == 201, post.text
    assert post.json()["body"] == "hello world"
    community = client.post(
        "/api/v1/communities", json={"slug": "clean-text", "name": "Na\x00me", "description": "de\x00sc"}
    )
    assert community.status_code == 201, community.text
    stored = session.scalars(select(Community).where(Community.slug == "clean-text")).one()
    assert (stored.name, stored.description) == ("Name", "desc")


def test_pushed_items_and_accounts_drop_control_characters(client: TestClient, session: Session) -> None:
    platform = make_platform(session)
    push_account(session, platform.principal, "acc-1")
    session.commit()
    response = client.put(
        "/api/v1/platform/items/it-1",
        json={"author_external_id": "acc-1", "kind": "post", "body": "pushed\x00 text"},
        headers=platform.headers,
    )
    assert response.status_code in (200, 201), response.text
    assert (
        session.scalars(select(ContentItem.body).where(ContentItem.external_id == "it-1")).one()
        == "pushed text"
    )
