"""The /notifications page: the reader's notices in their language, newest first, unread marked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import Notification
from senim.notification.service import notification_service
from senim.web import i18n
from tests.fixtures.builders import csrf_from, login, make_user

KIND = "Your post «{title}» was hidden."
RU = "Ваша запись «{title}» скрыта."


def test_notices_page_shows_own_notices_in_the_readers_language(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(i18n.catalog("ru"), KIND, RU)
    reader = make_user(session, language="ru")
    other = make_user(session, language="ru")
    old = notification_service.notify(session, reader, KIND, {"title": "Старая"}, link="/posts/1")
    new = notification_service.notify(session, reader, KIND, {"title": "Новая <b>"}, link="/posts/2")
    notification_service.notify(session, other, KIND, {"title": "Чужая"})
    old.created_at = new.created_at - timedelta(hours=1)
    old.read_at = new.created_at
    session.commit()
    login(client, reader)

    r = client.get("/notifications")

    assert r.status_code == 200, r.text
    assert 'lang="ru"' in r.text
    assert "Ваша запись «Новая &lt;b&gt;» скрыта." in r.text  # translated, and escaped
    assert "Ваша запись «Старая» скрыта." in r.text
    assert "Чужая" not in r.text
    assert r.text.index("Новая") < r.text.index("Старая")  # newest first
    items = re.findall(r'<li class="card notice( unread)?"[^>]*>.*?href="([^"]+)"', r.text, re.S)
    assert items == [(" unread", "/posts/2"), ("", "/posts/1")]


def test_mark_all_read_from_the_page(client: TestClient, session: Session) -> None:
    reader = make_user(session, language="en")
    other = make_user(session)
    for i in range(2):
        notification_service.notify(session, reader, KIND, {"title": str(i)})
    theirs = notification_service.notify(session, other, KIND, {"title": "x"})
    session.commit()
    login(client, reader)
    page = client.get("/notifications")
    assert "Unread notices: 2" in page.text

    r = client.post(
        "/notifications/read-all", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )

    assert r.status_code == 303
    assert r.headers["location"] == "/notifications?msg=notices_read"
    follow = client.get(r.headers["location"])
    assert "All notices are marked as read." in follow.text
    assert "You have no unread notices." in follow.text
    session.expire_all()
    rows = session.scalars(select(Notification).where(Notification.user_id == reader.id)).all()
    assert all(n.read_at is not None for n in rows)
    assert session.get(Notification, theirs.id).read_at is None  # type: ignore[union-attr]


def test_mark_all_read_needs_the_csrf_token(client: TestClient, session: Session) -> None:
    reader = make_user(session, language="en")
    note = notification_service.notify(session, reader, KIND, {"title": "a"})
    session.commit()
    login(client, reader)
    assert client.post("/notifications/read-all", data={"csrf_token": "forged"}).status_code == 403
    session.expire_all()
    assert session.get(Notification, note.id).read_at is None  # type: ignore[union-attr]


def test_notices_page_needs_a_signed_in_reader(client: TestClient) -> None:
    r = client.get("/notifications")
    assert r.status_code == 401
