"""The HTML pages for posts: the form with images, the post page, comments, edit and delete."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from PIL import ExifTags
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.models import AuditRecord, ContentItem, ItemKind, ItemStatus, Job, Media
from tests.fixtures.builders import csrf_from, make_user
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
    stored_files,
)


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    """These tests read English wording; the Kazakh default is tested in tests/web and tests/account."""
    client.cookies.set("senim_lang", "en")


def _post_id(location: str) -> uuid.UUID:
    match = re.match(r"^/p/([0-9a-f-]{36})", location)
    assert match, location
    return uuid.UUID(match.group(1))


def test_publish_with_an_image_through_the_form(
    client: TestClient, session: Session, settings: Settings
) -> None:
    author = make_user(session)
    session.commit()
    login_as(client, author)
    home = client.get("/")
    assert 'enctype="multipart/form-data"' in home.text
    assert 'name="images"' in home.text
    r = client.post(
        "/posts",
        data={"body": "Line one\nLine <b>two</b>", "csrf_token": csrf_from(home.text)},
        files=[("images", ("holiday.jpg", jpeg_with_gps(), "image/jpeg"))],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    post_id = _post_id(r.headers["location"])
    media = session.scalars(select(Media).where(Media.item_id == post_id)).one()
    stored = (settings.media_dir / media.storage_key).read_bytes()
    assert open_image(stored).getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert b"SecretCam" not in stored
    assert session.scalars(select(Job).where(Job.name == "detection.scan")).one().payload == {
        "item_id": str(post_id)
    }
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert "Your post is published." in page.text
    assert "Line one<br>Line &lt;b&gt;two&lt;/b&gt;" in page.text  # escaped, line break kept
    assert f'src="/media/{media.id}"' in page.text
    assert 'alt="Image 1 of 1 in the post by' in page.text
    assert client.get(f"/media/{media.id}").headers["content-type"] == "image/jpeg"


def test_the_form_refuses_a_fake_image_and_keeps_the_text(
    client: TestClient, session: Session, settings: Settings
) -> None:
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    before = counts(session)
    r = client.post(
        "/posts",
        data={"body": "my words", "csrf_token": csrf},
        files=[("images", ("photo.jpg", b"this is text, not a photo", "image/jpeg"))],
    )
    assert r.status_code == 422
    assert "This file is not an image Senim accepts" in r.text
    assert ">my words</textarea>" in r.text
    assert counts(session) == before
    assert stored_files(settings.media_dir) == []


def test_the_form_needs_its_csrf_token(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    login_as(client, author)
    assert client.post("/posts", data={"body": "x"}).status_code == 403
    assert counts(session)[0] == 0


def test_community_choice_lists_only_my_communities(client: TestClient, session: Session) -> None:
    owner, member = make_user(session), make_user(session)
    mine = make_community(session, owner, members=(member,), name="Almaty hikers")
    make_community(session, owner, name="Not mine")
    session.commit()
    csrf = login_as(client, member)
    home = client.get("/").text
    assert "Almaty hikers" in home
    assert "Not mine" not in home
    r = client.post(
        "/posts",
        data={"body": "Kok-Tobe at dawn", "community_id": str(mine.id), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    item = session.get(ContentItem, _post_id(r.headers["location"]))
    assert item is not None
    assert item.community_id == mine.id
    page = client.get(r.headers["location"]).text
    assert f'href="/c/{mine.slug}"' in page


def test_comment_through_the_form(client: TestClient, session: Session) -> None:
    author, reader = make_user(session), make_user(session)
    post = make_post(session, author, "What do you think?")
    session.commit()
    csrf = login_as(client, reader)
    bad = client.post(f"/p/{post.id}/comments", data={"body": "   ", "csrf_token": csrf})
    assert bad.status_code == 422
    assert "Write some text." in bad.text
    r = client.post(
        f"/p/{post.id}/comments", data={"body": "Looks great", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    page = client.get(f"/p/{post.id}").text
    assert "Looks great" in page
    assert "1 comment" in page
    assert (
        session.scalars(select(ContentItem).where(ContentItem.kind == ItemKind.comment)).one().parent_id
        == post.id
    )


def test_visitors_read_without_forms(client: TestClient, session: Session, settings: Settings) -> None:
    author = make_user(session)
    post = make_post(session, author, "Public words", images=(png_bytes(),), settings=settings)
    session.commit()
    page = client.get(f"/p/{post.id}")
    assert page.status_code == 200
    assert "Public words" in page.text
    assert "/media/" in page.text
    assert 'action="/hide"' not in page.text
    assert f'action="/p/{post.id}/comments"' not in page.text
    assert "Log in to comment." in page.text
    assert client.get("/posts/new", follow_redirects=False).status_code == 401
    assert client.get(f"/p/{uuid.uuid4()}").status_code == 404


def test_edit_through_the_form(client: TestClient, session: Session) -> None:
    author, other = make_user(session), make_user(session)
    post = make_post(session, author, "Old words")
    session.commit()
    login_as(client, other)
    assert client.get(f"/p/{post.id}/edit").status_code == 403
    login_as(client, author)
    form = client.get(f"/p/{post.id}/edit")
    assert form.status_code == 200
    assert ">Old words</textarea>" in form.text
    r = client.post(
        f"/p/{post.id}/edit",
        data={"body": "New words", "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith(f"/p/{post.id}")
    assert "New words" in client.get(f"/p/{post.id}").text
    assert (
        session.scalars(select(AuditRecord).where(AuditRecord.tag == "item:edit")).one().actor_id == author.id
    )


def test_delete_asks_plainly_then_deletes(client: TestClient, session: Session, settings: Settings) -> None:
    author, other = make_user(session), make_user(session)
    post = make_post(session, author, "Regrettable", images=(png_bytes(),), settings=settings)
    session.commit()
    media = session.scalars(select(Media).where(Media.item_id == post.id)).one()
    csrf = login_as(client, other)
    assert client.get(f"/p/{post.id}/delete").status_code == 403
    assert client.post(f"/p/{post.id}/delete", data={"csrf_token": csrf}).status_code == 403
    csrf = login_as(client, author)
    confirm = client.get(f"/p/{post.id}/delete")
    assert confirm.status_code == 200
    assert "Delete this post?" in confirm.text
    assert f'action="/p/{post.id}/delete"' in confirm.text
    assert f'href="/p/{post.id}"' in confirm.text  # a plain way back
    r = client.post(f"/p/{post.id}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    session.expire_all()
    deleted = session.get(ContentItem, post.id)
    assert deleted is not None
    assert deleted.status == ItemStatus.deleted
    assert client.get(f"/p/{post.id}").status_code == 404
    assert client.get(f"/media/{media.id}").status_code == 404
    assert "Regrettable" not in client.get("/").text


def test_deleting_a_comment_returns_to_its_post(client: TestClient, session: Session) -> None:
    from senim.content.service import content_service

    author, commenter = make_user(session), make_user(session)
    post = make_post(session, author, "Topic")
    comment = content_service.create_comment(session, commenter, post.id, "Oops")
    session.commit()
    csrf = login_as(client, commenter)
    assert f'href="/p/{comment.id}/delete"' in client.get(f"/p/{post.id}").text
    r = client.post(f"/p/{comment.id}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith(f"/p/{post.id}")
    assert "Oops" not in client.get(f"/p/{post.id}").text


def test_the_form_prepares_images_before_the_request_touches_the_database(
    client: TestClient, session: Session, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    with image_and_sql_order(db.engine, monkeypatch) as events:
        r = client.post(
            "/posts",
            data={"body": "With a picture", "csrf_token": csrf},
            files=[("images", ("a.png", png_bytes(), "image/png"))],
            follow_redirects=False,
        )
    assert r.status_code == 303, r.text
    assert images_before_sql(events, 1), events[:5]
    assert session.scalars(select(Media).where(Media.item_id == _post_id(r.headers["location"]))).one()
