"""The feed and "Not interested" API, end to end."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import AuditRecord, HiddenItem, Role
from tests.fixtures.builders import make_user
from tests.fixtures.content import login_as, make_community, make_post

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
JSON = {"content-type": "application/json"}


def _ids(body: dict) -> list[str]:  # type: ignore[type-arg]
    return [p["id"] for p in body["items"]]


def test_home_feed_pages(client: TestClient, session: Session) -> None:
    author = make_user(session)
    posts = [make_post(session, author, f"p{i}", created_at=T0 + timedelta(minutes=i)) for i in range(5)]
    session.commit()
    first = client.get("/api/v1/feed", params={"limit": 2}).json()
    assert _ids(first) == [str(posts[4].id), str(posts[3].id)]
    assert first["items"][0]["author"]["username"] == author.username
    second = client.get("/api/v1/feed", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    third = client.get("/api/v1/feed", params={"limit": 2, "cursor": second["next_cursor"]}).json()
    assert _ids(second) + _ids(third) == [str(p.id) for p in reversed(posts[:3])]
    assert third["next_cursor"] is None
    assert client.get("/api/v1/feed", params={"cursor": "bogus"}).status_code == 422
    assert client.get("/api/v1/feed", params={"limit": 500}).status_code == 422


@pytest.mark.law("LAW-52")
def test_hide_and_show_again(client: TestClient, session: Session) -> None:
    viewer, author = make_user(session), make_user(session)
    post = make_post(session, author, "meh")
    keep = make_post(session, make_user(session), "keep")
    session.commit()
    body = {"target_type": "author", "target_id": str(author.id)}
    assert client.post("/api/v1/hidden", json=body).status_code == 401
    csrf = login_as(client, viewer)
    first = client.post("/api/v1/hidden", json=body)
    assert first.status_code == 201
    assert first.json()["target_type"] == "author"
    assert client.post("/api/v1/hidden", json=body).status_code == 200  # already hidden: nothing new
    assert len(session.scalars(select(HiddenItem)).all()) == 1
    assert _ids(client.get("/api/v1/feed").json()) == [str(keep.id)]
    listed = client.get("/api/v1/hidden").json()
    assert listed == [
        {
            "target_type": "author",
            "target_id": str(author.id),
            "created_at": listed[0]["created_at"],
            "label": f"{author.display_name} (@{author.username})",
            "path": f"/u/{author.username}",
        }
    ]
    gone = client.delete(f"/api/v1/hidden/author/{author.id}", headers={"X-CSRF-Token": csrf})
    assert gone.status_code == 204
    assert set(_ids(client.get("/api/v1/feed").json())) == {str(post.id), str(keep.id)}
    assert (
        client.delete(f"/api/v1/hidden/author/{author.id}", headers={"X-CSRF-Token": csrf}).status_code == 204
    )
    tags = list(session.scalars(select(AuditRecord.tag).where(AuditRecord.tag.like("feed:%"))))
    assert sorted(tags) == ["feed:hide", "feed:unhide"]


def test_hide_refuses_unknown_targets(client: TestClient, session: Session) -> None:
    viewer = make_user(session)
    session.commit()
    login_as(client, viewer)
    r = client.post("/api/v1/hidden", json={"target_type": "post", "target_id": str(uuid.uuid4())})
    assert r.status_code == 404
    assert (
        client.post(
            "/api/v1/hidden", json={"target_type": "planet", "target_id": str(uuid.uuid4())}
        ).status_code
        == 422
    )
    assert session.scalars(select(HiddenItem)).all() == []


def test_hidden_list_needs_participation(client: TestClient, session: Session) -> None:
    auditor = make_user(session, role=Role.auditor)
    session.commit()
    assert client.get("/api/v1/hidden").status_code == 401
    login_as(client, auditor)
    assert client.get("/api/v1/hidden").status_code == 403


def test_community_and_author_feeds(client: TestClient, session: Session) -> None:
    owner, other = make_user(session), make_user(session)
    club = make_community(session, owner)
    inside = make_post(session, owner, "inside", community=club, created_at=T0)
    outside = make_post(session, other, "outside", created_at=T0 + timedelta(minutes=1))
    session.commit()
    by_id = client.get(f"/api/v1/communities/{club.id}/feed").json()
    by_slug = client.get(f"/api/v1/communities/{club.slug}/feed").json()
    assert _ids(by_id) == _ids(by_slug) == [str(inside.id)]
    assert by_id["items"][0]["community"] == {"id": str(club.id), "slug": club.slug, "name": club.name}
    assert client.get(f"/api/v1/communities/{uuid.uuid4()}/feed").status_code == 404
    assert _ids(client.get(f"/api/v1/users/{other.username}/posts").json()) == [str(outside.id)]
    assert client.get("/api/v1/users/nobody-here/posts").status_code == 404


def test_openapi_lists_the_feed_routes(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/feed", "/api/v1/communities/{community}/feed", "/api/v1/users/{username}/posts"):
        assert paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
            "$ref"
        ].endswith("/FeedPage")
    assert {"201", "200", "401", "404", "422"} <= set(paths["/api/v1/hidden"]["post"]["responses"])
    assert "204" in paths["/api/v1/hidden/{target_type}/{target_id}"]["delete"]["responses"]
