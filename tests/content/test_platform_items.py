"""Items pushed by integrating platforms are not served on Senim's own site: posts, comments, media.

They belong to the platform that pushed them, which reads them through the platform API. Every public
and participant route answers 404 for them, to visitors, signed-in users and (until moderation gives
staff its own views) staff alike.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.content import media as media_files
from senim.models import ContentItem, Media, Role
from tests.fixtures.builders import make_user
from tests.fixtures.community import Platform, make_platform, push_account, push_item
from tests.fixtures.content import counts, log_out, login_as, png_bytes

VIEWERS = ["anonymous", "user", "moderator"]


@dataclass
class Pushed:
    platform: Platform
    post: ContentItem
    comment: ContentItem
    media: Media


@pytest.fixture
def pushed(session: Session, settings: Settings) -> Pushed:
    platform = make_platform(session)
    push_account(session, platform.principal, "acc-1")
    post = push_item(session, platform.principal, "post-1", "acc-1", "Pushed post text")
    comment = push_item(
        session, platform.principal, "cmt-1", "acc-1", "Pushed reply", parent_external_id="post-1"
    )
    # Platforms push no images today; a media row on a pushed item must still never be served here.
    image = media_files.prepare_image(png_bytes(), max_bytes=10**6, max_pixels=10**6)
    key = media_files.new_storage_key(image)
    media_files.write_file(settings.media_dir, key, image.data)
    media = Media(
        id=uuid.uuid4(),
        owner_id=post.author_id,
        item_id=post.id,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=image.size_bytes,
        sha256=image.sha256,
        storage_key=key,
    )
    session.add(media)
    session.commit()
    return Pushed(platform=platform, post=post, comment=comment, media=media)


def _as(client: TestClient, session: Session, viewer: str) -> str | None:
    """Sign in as ``viewer`` ("anonymous": nobody); returns the CSRF token of a signed-in viewer."""
    if viewer == "anonymous":
        log_out(client)
        return None
    user = make_user(session, role=Role.moderator if viewer == "moderator" else Role.user)
    session.commit()
    return login_as(client, user)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_pushed_posts_and_comments_are_not_found(
    client: TestClient, session: Session, pushed: Pushed, viewer: str
) -> None:
    _as(client, session, viewer)
    for path in (
        f"/api/v1/posts/{pushed.post.id}",
        f"/api/v1/posts/{pushed.post.id}/comments",
        f"/api/v1/posts/{pushed.comment.id}",
        f"/p/{pushed.post.id}",
    ):
        r = client.get(path)
        assert r.status_code == 404, (path, r.text)
        assert "Pushed post text" not in r.text
        assert "Pushed reply" not in r.text


@pytest.mark.parametrize("viewer", VIEWERS)
def test_media_of_pushed_items_is_not_served(
    client: TestClient, session: Session, pushed: Pushed, viewer: str
) -> None:
    _as(client, session, viewer)
    r = client.get(f"/media/{pushed.media.id}")
    assert r.status_code == 404
    assert r.headers["content-type"] != pushed.media.content_type


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_one_comments_on_a_pushed_post(
    client: TestClient, session: Session, pushed: Pushed, viewer: str
) -> None:
    csrf = _as(client, session, viewer)
    before = counts(session)
    api = client.post(f"/api/v1/posts/{pushed.post.id}/comments", json={"body": "Hello from Senim"})
    form = client.post(
        f"/p/{pushed.post.id}/comments",
        data={"body": "Hello from Senim", "csrf_token": csrf or ""},
        follow_redirects=False,
    )
    if viewer == "anonymous":  # commenting needs a signed-in participant before anything else
        assert (api.status_code, form.status_code) == (401, 401)
    else:
        assert (api.status_code, form.status_code) == (404, 404)
        assert api.json()["error"]["code"] == "item_not_found"
    assert counts(session) == before


@pytest.mark.parametrize("viewer", ["user", "moderator"])
def test_pushed_items_cannot_be_changed_or_hidden_here(
    client: TestClient, session: Session, pushed: Pushed, viewer: str
) -> None:
    csrf = _as(client, session, viewer)
    assert csrf is not None
    headers = {"X-CSRF-Token": csrf}
    before = counts(session)
    assert client.patch(f"/api/v1/posts/{pushed.post.id}", json={"body": "x"}).status_code == 404
    assert client.patch(f"/api/v1/comments/{pushed.comment.id}", json={"body": "x"}).status_code == 404
    assert client.delete(f"/api/v1/posts/{pushed.post.id}", headers=headers).status_code == 404
    assert client.get(f"/p/{pushed.post.id}/edit").status_code == 404
    hide = client.post("/api/v1/hidden", json={"target_type": "post", "target_id": str(pushed.post.id)})
    assert hide.status_code == 404
    assert counts(session) == before


def test_the_platform_still_reads_its_items(client: TestClient, session: Session, pushed: Pushed) -> None:
    r = client.get("/api/v1/platform/items/post-1", headers=pushed.platform.headers)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == str(pushed.post.id)
    by_id = client.get(f"/api/v1/platform/items/by-id/{pushed.comment.id}", headers=pushed.platform.headers)
    assert by_id.status_code == 200
    assert by_id.json()["parent_external_id"] == "post-1"
