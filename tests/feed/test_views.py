"""The home feed page, a person's page, "Not interested" and the page of hidden things."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import HiddenItem
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import login_as, make_community, make_post

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    """These tests read English wording; the Kazakh default is tested in tests/web and tests/account."""
    client.cookies.set("senim_lang", "en")


def test_visitors_read_the_feed(client: TestClient, session: Session) -> None:
    author = make_user(session, display_name="Dana")
    make_post(session, author, "Hello, Almaty <3")
    session.commit()
    page = client.get("/")
    assert page.status_code == 200
    assert "Hello, Almaty &lt;3" in page.text
    assert "Dana" in page.text
    assert 'action="/posts"' not in page.text
    assert 'action="/hide"' not in page.text
    assert 'href="/login?next=/"' in page.text
    assert "Not interested" not in page.text


def test_time_is_shown_in_almaty(client: TestClient, session: Session) -> None:
    make_post(session, make_user(session), "timed", created_at=datetime(2026, 11, 3, 19, 30, tzinfo=UTC))
    session.commit()
    client.cookies.set("senim_lang", "en")
    page = client.get("/").text
    assert "Nov 4, 2026" in page
    assert "12:30:00" in page
    assert 'datetime="2026-11-03T19:30:00+00:00"' in page


def test_older_posts_link_pages_through(client: TestClient, session: Session) -> None:
    author = make_user(session)
    for i in range(25):
        make_post(session, author, f"number-{i:02d}", created_at=T0 + timedelta(minutes=i))
    session.commit()
    first = client.get("/").text
    assert "number-24" in first
    assert "number-05" in first
    assert "number-04" not in first
    link = first[first.index('href="/?cursor=') + 6 :].split('"')[0]
    second = client.get(link.replace("&amp;", "&")).text
    assert "number-04" in second
    assert "number-00" in second
    assert "number-05" not in second
    assert "?cursor=" not in second


@pytest.mark.law("LAW-52")
@pytest.mark.parametrize("kind", ["post", "author", "community"])
def test_not_interested_from_the_feed(client: TestClient, session: Session, kind: str) -> None:
    viewer, author, neighbour = make_user(session), make_user(session), make_user(session)
    club = make_community(session, author)
    post = make_post(session, author, "Skip me please", community=club)
    session.commit()
    login_as(client, viewer)
    home = client.get("/")
    assert "Not interested" in home.text
    target = {"post": post.id, "author": author.id, "community": club.id}[kind]
    r = client.post(
        "/hide",
        data={"target_type": kind, "target_id": str(target), "next": "/", "csrf_token": csrf_from(home.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/?msg=feed_hidden_")
    assert "Skip me please" not in client.get("/").text
    row = session.scalars(select(HiddenItem)).one()
    assert (row.user_id, row.target_type, row.target_id) == (viewer.id, kind, target)
    hidden_page = client.get("/account/hidden")
    assert hidden_page.status_code == 200
    assert "Show again" in hidden_page.text
    r = client.post(
        "/unhide",
        data={
            "target_type": kind,
            "target_id": str(target),
            "next": "/account/hidden",
            "csrf_token": csrf_from(hidden_page.text),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "Skip me please" in client.get("/").text
    assert "You have not hidden anything." in client.get("/account/hidden").text
    login_as(client, neighbour)
    assert "Skip me please" in client.get("/").text


def test_hide_refuses_bad_input_and_foreign_redirects(client: TestClient, session: Session) -> None:
    viewer, author = make_user(session), make_user(session)
    post = make_post(session, author)
    session.commit()
    csrf = login_as(client, viewer)
    bad = client.post("/hide", data={"target_type": "post", "target_id": "nope", "csrf_token": csrf})
    assert bad.status_code == 422
    r = client.post(
        "/hide",
        data={
            "target_type": "post",
            "target_id": str(post.id),
            "next": "https://evil.example/",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/?")
    assert client.post("/hide", data={"target_type": "post", "target_id": str(post.id)}).status_code == 403


def test_profile_page(client: TestClient, session: Session) -> None:
    author, viewer = make_user(session, display_name="Yerlan"), make_user(session)
    make_post(session, author, "my first post")
    make_post(session, viewer, "someone else's")
    session.commit()
    page = client.get(f"/u/{author.username}")
    assert page.status_code == 200
    assert "Yerlan" in page.text
    assert "my first post" in page.text
    assert "someone else" not in page.text
    assert client.get("/u/nobody-at-all").status_code == 404
    csrf = login_as(client, viewer)
    client.post(
        "/hide", data={"target_type": "author", "target_id": str(author.id), "next": "/", "csrf_token": csrf}
    )
    hidden = client.get(f"/u/{author.username}").text
    assert "You have hidden posts by this author" in hidden
    assert "my first post" not in hidden
    assert 'action="/unhide"' in hidden


def test_hidden_page_needs_a_signed_in_participant(client: TestClient) -> None:
    assert client.get("/account/hidden").status_code == 401


def test_items_partial_contract_for_other_pages(session: Session) -> None:
    """Other pages (the community page) include feed/_items.html with ``items`` and ``next_cursor``."""
    from types import SimpleNamespace

    from senim.feed.service import feed_service
    from senim.web.i18n import locale_var
    from senim.web.templating import ENV

    token = locale_var.set("en")
    author = make_user(session, display_name="Included")
    make_post(session, author, "shown through the partial")
    page = feed_service.home(session, None)
    request = SimpleNamespace(url=SimpleNamespace(path="/c/some-club"))
    html = ENV.get_template("feed/_items.html").render(
        items=page.items, next_cursor="abc", request=request, me=None, csrf_token="t"
    )
    assert "shown through the partial" in html
    assert "Included" in html
    assert 'href="/c/some-club?cursor=abc"' in html
    assert "Not interested" not in html  # visitors get no controls
    empty = ENV.get_template("feed/_items.html").render(items=[], next_cursor=None, request=request, me=None)
    assert "No posts here yet." in empty
    assert "cursor=" not in empty
    locale_var.reset(token)
