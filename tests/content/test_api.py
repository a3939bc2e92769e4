"""The posts and comments API, end to end: rows, files, jobs and audit records, not only status codes."""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
from fastapi.testclient import TestClient
from PIL import ExifTags
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.models import AuditRecord, ContentItem, ItemStatus, Job, Media, Role
from tests.fixtures.builders import make_user
from tests.fixtures.content import (
    counts,
    image_and_sql_order,
    images_before_sql,
    jpeg_with_gps,
    login_as,
    make_community,
    make_post,
    open_image,
    png_bytes,
    png_declaring,
    stored_files,
)

JSON = {"content-type": "application/json"}


def _jobs(session: Session, item_id: uuid.UUID | str) -> list[Job]:
    rows = session.scalars(select(Job).where(Job.name == "detection.scan")).all()
    return [j for j in rows if j.payload == {"item_id": str(item_id)}]


def _audit(session: Session, tag: str) -> list[AuditRecord]:
    return list(session.scalars(select(AuditRecord).where(AuditRecord.tag == tag)))


def _item(session: Session, item_id: str | uuid.UUID) -> ContentItem:
    session.expire_all()
    item = session.get(ContentItem, uuid.UUID(str(item_id)))
    assert item is not None
    return item


def test_create_text_post(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    login_as(client, author)
    r = client.post("/api/v1/posts", json={"body": "  Сәлем, Senim!  "})
    assert r.status_code == 201, r.text
    data = r.json()
    assert data["body"] == "Сәлем, Senim!"
    assert data["author"]["username"] == author.username
    assert data["author"]["display_name"] == author.display_name
    assert data["status"] == "visible"
    assert data["comment_count"] == 0
    assert data["media"] == []
    item = _item(session, data["id"])
    assert item.author_id == author.id
    assert item.status == ItemStatus.visible
    assert len(_jobs(session, item.id)) == 1
    [rec] = _audit(session, "post:create")
    assert rec.actor_id == author.id
    assert rec.target_id == str(item.id)
    assert client.get(f"/api/v1/posts/{item.id}").json()["body"] == "Сәлем, Senim!"


def test_create_post_with_image_strips_metadata(
    client: TestClient, session: Session, settings: Settings
) -> None:
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    r = client.post(
        "/api/v1/posts",
        data={"body": "From the mountains"},
        files=[("images", ("holiday.jpg", jpeg_with_gps(), "image/jpeg"))],
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 201, r.text
    data = r.json()
    [media_read] = data["media"]
    assert data["media_urls"] == [media_read["url"]] == [f"/media/{media_read['id']}"]
    media = session.get(Media, uuid.UUID(media_read["id"]))
    assert media is not None
    assert media.item_id == uuid.UUID(data["id"])
    assert media.owner_id == author.id
    path = settings.media_dir / media.storage_key
    stored = path.read_bytes()
    assert media.storage_key.startswith(media.sha256[:2] + "/")
    assert media.storage_key.endswith(".jpg")
    assert media.sha256 == hashlib.sha256(stored).hexdigest()
    assert media.size_bytes == len(stored)
    assert (media.content_type, media.width, media.height) == ("image/jpeg", 30, 40)  # turned upright
    im = open_image(stored)
    assert len(im.getexif()) == 0
    assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"SecretCam" not in stored
    assert b"secret comment" not in stored
    assert b"secret-xmp" not in stored
    assert stored != jpeg_with_gps()  # re-encoded, not copied
    served = client.get(media_read["url"])
    assert served.status_code == 200
    assert served.content == stored
    assert served.headers["content-type"] == "image/jpeg"
    assert "max-age" in served.headers["cache-control"]
    [rec] = _audit(session, "post:create")
    assert rec.data["media"][0]["sha256"] == media.sha256


def test_image_only_post(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    r = client.post(
        "/api/v1/posts",
        files=[("images", ("a.png", png_bytes(), "image/png"))],
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 201, r.text
    assert r.json()["body"] == ""
    assert len(r.json()["media"]) == 1


@pytest.mark.parametrize(
    ("files", "status"),
    [
        ([("images", ("photo.jpg", b"\xff\xd8\xff\xe0 definitely not a jpeg", "image/jpeg"))], 422),
        ([("images", ("bomb.png", png_declaring(100_000, 100_000), "image/png"))], 422),
        ([("images", ("big.png", png_declaring(7000, 7000), "image/png"))], 422),
        ([("images", (f"{i}.png", png_bytes(), "image/png")) for i in range(5)], 422),
        (
            [
                ("images", ("ok.png", png_bytes(), "image/png")),
                ("images", ("x.jpg", b"GIF89a junk", "image/jpeg")),
            ],
            422,
        ),
    ],
    ids=[
        "not-an-image-named-jpg",
        "bomb-10-gigapixels",
        "bomb-49-megapixels",
        "five-images",
        "one-bad-of-two",
    ],
)
def test_refused_uploads_write_nothing(
    client: TestClient,
    session: Session,
    settings: Settings,
    files: list[tuple[str, tuple[str, bytes, str]]],
    status: int,
) -> None:
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    before = counts(session)
    r = client.post("/api/v1/posts", data={"body": "hello"}, files=files, headers={"X-CSRF-Token": csrf})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] in {"image_refused", "content_invalid"}
    assert counts(session) == before
    assert stored_files(settings.media_dir) == []
    assert _audit(session, "post:create") == []


def test_too_large_upload_is_413(client: TestClient, session: Session, settings: Settings) -> None:
    settings.max_upload_bytes = 4096
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    before = counts(session)
    r = client.post(
        "/api/v1/posts",
        data={"body": "big"},
        files=[("images", ("big.jpg", b"\xff\xd8\xff" + os.urandom(5000), "image/jpeg"))],
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 413, r.text
    assert counts(session) == before
    assert stored_files(settings.media_dir) == []


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 10_001])
def test_invalid_text_is_422_and_writes_nothing(client: TestClient, session: Session, body: str) -> None:
    author = make_user(session)
    session.commit()
    login_as(client, author)
    before = counts(session)
    r = client.post("/api/v1/posts", json={"body": body})
    assert r.status_code == 422, r.text
    assert counts(session) == before


def test_longest_text_is_accepted(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    login_as(client, author)
    text = "я" * 10_000
    r = client.post("/api/v1/posts", json={"body": text})
    assert r.status_code == 201, r.text
    item = _item(session, r.json()["id"])
    assert (item.body, item.author_id, item.status) == (text, author.id, ItemStatus.visible)
    assert len(_jobs(session, item.id)) == 1
    [rec] = _audit(session, "post:create")
    assert rec.target_id == str(item.id)
    assert rec.data["length"] == 10_000
    assert rec.data["sha256"] == hashlib.sha256(text.encode()).hexdigest()


def test_multipart_with_cookie_needs_the_csrf_token(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    login_as(client, author)
    before = counts(session)
    r = client.post(
        "/api/v1/posts", data={"body": "x"}, files=[("images", ("a.png", png_bytes(), "image/png"))]
    )
    assert r.status_code == 403
    assert counts(session) == before


def test_other_body_types_are_415(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    before = counts(session)
    r = client.post(
        "/api/v1/posts", content=b"hello", headers={"content-type": "text/plain", "X-CSRF-Token": csrf}
    )
    assert r.status_code == 415
    assert r.json()["error"]["code"] == "unsupported_media_type"
    assert counts(session) == before
    assert _audit(session, "post:create") == []


def test_visitors_and_auditors_cannot_post(client: TestClient, session: Session) -> None:
    auditor = make_user(session, role=Role.auditor)
    session.commit()
    assert client.post("/api/v1/posts", json={"body": "x"}).status_code == 401
    login_as(client, auditor)
    assert client.post("/api/v1/posts", json={"body": "x"}).status_code == 403
    assert counts(session)[0] == 0


def test_only_the_author_edits(client: TestClient, session: Session) -> None:
    author, other = make_user(session), make_user(session)
    post = make_post(session, author, "First version")
    session.commit()
    assert client.patch(f"/api/v1/posts/{post.id}", json={"body": "anon"}).status_code == 401
    login_as(client, other)
    refused = client.patch(f"/api/v1/posts/{post.id}", json={"body": "hijack"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_author"
    login_as(client, author)
    r = client.patch(f"/api/v1/posts/{post.id}", json={"body": "Second version"})
    assert r.status_code == 200, r.text
    assert r.json()["body"] == "Second version"
    assert _item(session, post.id).body == "Second version"
    assert len(_jobs(session, post.id)) == 2  # on create and on edit
    [rec] = _audit(session, "item:edit")
    assert rec.actor_id == author.id
    assert rec.data["sha256"] == hashlib.sha256(b"Second version").hexdigest()
    assert client.patch(f"/api/v1/posts/{post.id}", json={"body": ""}).status_code == 422
    assert _item(session, post.id).body == "Second version"


@pytest.mark.law("LAW-49")
def test_only_the_author_deletes_and_then_it_is_gone(
    client: TestClient, session: Session, settings: Settings
) -> None:
    author, other = make_user(session), make_user(session)
    post = make_post(session, author, "Soon gone", images=(png_bytes(),), settings=settings)
    session.commit()
    media = session.scalars(select(Media).where(Media.item_id == post.id)).one()
    url = f"/api/v1/posts/{post.id}"
    assert client.get(f"/media/{media.id}").status_code == 200
    # An API client without credentials (a JSON client; cookie-less form posts meet the CSRF check first).
    assert client.delete(url, headers=JSON).status_code == 401
    csrf = login_as(client, other)
    refused = client.delete(url, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_author"
    assert _item(session, post.id).status == ItemStatus.visible
    csrf = login_as(client, author)
    assert client.delete(url, headers={"X-CSRF-Token": csrf}).status_code == 204
    item = _item(session, post.id)
    assert item.status == ItemStatus.deleted
    assert item.deleted_at is not None
    assert client.get(url).status_code == 404
    assert client.get(f"/media/{media.id}").status_code == 404
    assert client.delete(url, headers={"X-CSRF-Token": csrf}).status_code == 404
    assert client.patch(url, json={"body": "back"}).status_code == 404
    [rec] = _audit(session, "item:delete")
    assert rec.actor_id == author.id
    assert rec.target_id == str(post.id)


def test_removed_is_404_and_hidden_only_for_author_and_staff(
    client: TestClient, session: Session, settings: Settings
) -> None:
    author, reader, moderator = (
        make_user(session),
        make_user(session),
        make_user(session, role=Role.moderator),
    )
    removed = make_post(session, author, "removed")
    hidden = make_post(session, author, "under review", images=(png_bytes(),), settings=settings)
    removed.status, hidden.status = ItemStatus.removed, ItemStatus.hidden
    session.commit()
    media = session.scalars(select(Media).where(Media.item_id == hidden.id)).one()
    assert client.get(f"/api/v1/posts/{removed.id}").status_code == 404
    assert client.get(f"/api/v1/posts/{hidden.id}").status_code == 404
    assert client.get(f"/media/{media.id}").status_code == 404
    login_as(client, reader)
    assert client.get(f"/api/v1/posts/{hidden.id}").status_code == 404
    assert client.get(f"/media/{media.id}").status_code == 404
    login_as(client, moderator)
    assert client.get(f"/api/v1/posts/{hidden.id}").json()["status"] == "hidden"
    login_as(client, author)
    assert client.get(f"/api/v1/posts/{removed.id}").status_code == 404
    assert client.get(f"/api/v1/posts/{hidden.id}").status_code == 200
    served = client.get(f"/media/{media.id}")
    assert served.status_code == 200
    assert served.headers["cache-control"] == "private, no-store"


def test_posting_into_a_community_requires_membership(client: TestClient, session: Session) -> None:
    owner, member, outsider = make_user(session), make_user(session), make_user(session)
    community = make_community(session, owner, members=(member,))
    session.commit()
    login_as(client, outsider)
    before = counts(session)
    r = client.post("/api/v1/posts", json={"body": "let me in", "community_id": str(community.id)})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_member"
    assert counts(session) == before
    assert (
        client.post("/api/v1/posts", json={"body": "x", "community_id": str(uuid.uuid4())}).status_code == 404
    )
    login_as(client, member)
    r = client.post("/api/v1/posts", json={"body": "hello members", "community_id": str(community.id)})
    assert r.status_code == 201, r.text
    assert r.json()["community_id"] == str(community.id)
    assert r.json()["community"]["slug"] == community.slug


def test_comments(client: TestClient, session: Session) -> None:
    author, commenter = make_user(session), make_user(session)
    post = make_post(session, author, "Discuss")
    session.commit()
    url = f"/api/v1/posts/{post.id}/comments"
    assert client.post(url, json={"body": "anon"}).status_code == 401
    csrf = login_as(client, commenter)
    assert client.post(url, json={"body": "  "}).status_code == 422
    assert client.post(url, json={"body": "x" * 5_001}).status_code == 422
    first = client.post(url, json={"body": "First!"})
    assert first.status_code == 201, first.text
    second = client.post(url, json={"body": "Second"})
    comment_id = first.json()["id"]
    assert first.json()["post_id"] == str(post.id)
    assert first.json()["author"]["username"] == commenter.username
    assert len(_jobs(session, comment_id)) == 1
    assert len(_audit(session, "comment:create")) == 2
    listed = client.get(url).json()
    assert [c["body"] for c in listed["items"]] == ["First!", "Second"]
    assert listed["next_cursor"] is None
    page1 = client.get(url, params={"limit": 1}).json()
    page2 = client.get(url, params={"limit": 1, "cursor": page1["next_cursor"]}).json()
    assert [c["id"] for c in page1["items"] + page2["items"]] == [comment_id, second.json()["id"]]
    assert client.get(f"/api/v1/posts/{post.id}").json()["comment_count"] == 2
    # A comment is changed through /comments, never through /posts.
    assert client.get(f"/api/v1/posts/{comment_id}").status_code == 404
    assert client.patch(f"/api/v1/comments/{comment_id}", json={"body": "First (edited)"}).status_code == 200
    assert len(_jobs(session, comment_id)) == 2
    assert client.delete(f"/api/v1/comments/{comment_id}", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert [c["body"] for c in client.get(url).json()["items"]] == ["Second"]
    csrf = login_as(client, author)
    refused = client.delete(f"/api/v1/comments/{second.json()['id']}", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_author"
    assert client.delete(f"/api/v1/posts/{post.id}", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get(url).status_code == 404
    login_as(client, commenter)
    assert client.post(url, json={"body": "too late"}).status_code == 404


def test_bad_comment_cursor_is_422(client: TestClient, session: Session) -> None:
    post = make_post(session, make_user(session))
    session.commit()
    assert client.get(f"/api/v1/posts/{post.id}/comments", params={"cursor": "nonsense"}).status_code == 422


def test_openapi_describes_the_routes(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    create = spec["paths"]["/api/v1/posts"]["post"]
    assert set(create["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"201", "401", "403", "404", "413", "415", "422"} <= set(create["responses"])
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/PostRead")
    post_path = spec["paths"]["/api/v1/posts/{post_id}"]
    assert {"get", "patch", "delete"} <= set(post_path)
    assert "204" in post_path["delete"]["responses"]
    assert "403" in post_path["delete"]["responses"]
    assert "/api/v1/posts/{post_id}/comments" in spec["paths"]
    assert "ErrorRead" in spec["components"]["schemas"]


def test_oversized_request_is_refused_before_it_is_parsed(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.max_upload_bytes = 1000  # a post may then carry 4 x 1000 bytes plus 1 MB of form overhead
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    before = counts(session)
    r = client.post(
        "/api/v1/posts",
        data={"body": "huge"},
        files=[("images", ("huge.png", b"\x89PNG" + b"\0" * 1_200_000, "image/png"))],
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 413
    assert counts(session) == before
    assert stored_files(settings.media_dir) == []


def test_images_are_prepared_before_the_request_touches_the_database(
    client: TestClient, session: Session, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a writing request holds the write lock from its first statement to its commit: Pillow's
    work comes first, so the lock is never held while images are decoded and re-encoded."""
    owner, member = make_user(session), make_user(session)
    community = make_community(session, owner, members=(member,))
    session.commit()
    csrf = login_as(client, member)
    with image_and_sql_order(db.engine, monkeypatch) as events:
        r = client.post(
            "/api/v1/posts",
            data={"body": "Two pictures", "community_id": str(community.id)},
            files=[
                ("images", ("a.png", png_bytes(), "image/png")),
                ("images", ("b.jpg", jpeg_with_gps(), "image/jpeg")),
            ],
            headers={"X-CSRF-Token": csrf},
        )
    assert r.status_code == 201, r.text
    assert images_before_sql(events, 2), events[:5]
    assert len(session.scalars(select(Media).where(Media.item_id == uuid.UUID(r.json()["id"]))).all()) == 2


def test_a_refused_image_is_reported_after_the_permission_check(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    bad = [("images", ("x.jpg", b"not an image", "image/jpeg"))]
    before = counts(session)
    assert client.post("/api/v1/posts", data={"body": "x"}, files=bad).status_code == 401
    login_as(client, author)
    refused = client.post("/api/v1/posts", data={"body": "x"}, files=bad)  # no CSRF token
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert counts(session) == before
