"""The community pages and forms end to end: redirects with flashes, rows, audit records, refusals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.community import views
from senim.models import Community, CommunityMember, Role
from tests.fixtures.builders import login, make_user
from tests.fixtures.community import add_member, audit_count, audit_records, make_community
from tests.fixtures.content import make_post


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    """These tests read English wording; the Kazakh default is tested in tests/web and tests/account."""
    client.cookies.set("senim_lang", "en")


def _counts(session: Session) -> tuple[int, int, int]:
    return (
        int(session.scalar(select(func.count()).select_from(Community)) or 0),
        int(session.scalar(select(func.count()).select_from(CommunityMember)) or 0),
        audit_count(session),
    )


def test_list_offers_creation_to_participants_only(client: TestClient, session: Session) -> None:
    make_community(session, slug="first-one", name="First one")
    user = make_user(session)
    auditor = make_user(session, role=Role.auditor)
    session.commit()
    page = client.get("/communities")
    assert page.status_code == 200
    assert 'href="/c/first-one"' in page.text
    assert "First one" in page.text
    assert 'href="/communities/new"' not in page.text
    assert "/login?next=/communities/new" in page.text
    assert client.get("/communities/new").status_code == 401

    login(client, user)
    assert 'href="/communities/new"' in client.get("/communities").text
    form = client.get("/communities/new")
    assert form.status_code == 200
    for field in ("name", "slug", "description"):
        assert f'<label for="{field}">' in form.text
        assert f'id="{field}"' in form.text

    auditor_client = TestClient(client.app)
    login(auditor_client, auditor)
    assert 'href="/communities/new"' not in auditor_client.get("/communities").text
    assert auditor_client.get("/communities/new").status_code == 403


@pytest.mark.law("LAW-52")
def test_create_through_the_form(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    csrf = login(client, user)
    r = client.post(
        "/communities",
        data={
            "csrf_token": csrf,
            "name": "Steppe birds",
            "slug": "steppe-birds",
            "description": "We **watch** birds.\r\n\r\n<script>alert(1)</script>",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/c/steppe-birds?msg=community_created"
    row = session.scalars(select(Community)).one()
    assert row.created_by_id == user.id
    assert audit_records(session, "community:create")[0].actor_id == user.id

    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert "The community is created. You are its owner." in page.text
    assert "<strong>watch</strong>" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "You own this community." in page.text
    assert 'action="/c/steppe-birds/describe"' in page.text
    assert 'action="/c/steppe-birds/moderators"' in page.text
    assert 'action="/c/steppe-birds/leave"' not in page.text


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"name": "Fine", "slug": "No Spaces"}, 422),
        ({"name": "", "slug": "fine-slug"}, 422),
        ({"name": "Fine", "slug": "fine-slug", "description": "d" * 5001}, 422),
        ({"name": "Fine", "slug": "taken"}, 409),
    ],
)
def test_bad_form_is_shown_again_and_writes_nothing(
    client: TestClient, session: Session, fields: dict[str, str], status: int
) -> None:
    make_community(session, slug="taken")
    user = make_user(session)
    session.commit()
    csrf = login(client, user)
    before = _counts(session)
    r = client.post("/communities", data={"csrf_token": csrf, **fields}, follow_redirects=False)
    assert r.status_code == status
    assert 'role="alert"' in r.text
    assert f'value="{fields["slug"]}"' in r.text
    assert _counts(session) == before


def test_forms_need_the_csrf_token(client: TestClient, session: Session) -> None:
    community = make_community(session, slug="csrf")
    user = make_user(session)
    session.commit()
    login(client, user)
    before = _counts(session)
    assert client.post("/communities", data={"name": "x", "slug": "xyz"}).status_code == 403
    assert client.post(f"/c/{community.slug}/join", data={"csrf_token": "wrong"}).status_code == 403
    assert _counts(session) == before


def test_join_and_leave_through_the_page(client: TestClient, session: Session) -> None:
    community = make_community(session, slug="walkers")
    user = make_user(session)
    session.commit()
    anonymous = client.get("/c/walkers")
    assert "/login?next=/c/walkers" in anonymous.text
    assert 'action="/c/walkers/join"' not in anonymous.text

    csrf = login(client, user)
    assert 'action="/c/walkers/join"' in client.get("/c/walkers").text
    r = client.post("/c/walkers/join", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/c/walkers?msg=community_joined"
    page = client.get(r.headers["location"]).text
    assert "You joined the community." in page
    assert 'action="/c/walkers/leave"' in page
    assert 'action="/c/walkers/describe"' not in page  # members do not edit

    r = client.post("/c/walkers/leave", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.headers["location"] == "/c/walkers?msg=community_left"
    assert [rec.data["user"] for rec in audit_records(session, "community:join")] == [user.username]
    assert [rec.target_id for rec in audit_records(session, "community:leave")] == [str(community.id)]


def test_non_moderator_cannot_describe(client: TestClient, session: Session) -> None:
    community = make_community(session, slug="quiet", description="Original")
    member = add_member(session, community)
    session.commit()
    csrf = login(client, member)
    before = _counts(session)
    r = client.post(
        "/c/quiet/describe", data={"csrf_token": csrf, "description": "Defaced"}, follow_redirects=False
    )
    assert r.status_code == 403
    assert "Only the owner and the moderators of this community can edit it." in r.text
    assert _counts(session) == before
    session.refresh(community)
    assert community.description == "Original"


@pytest.mark.law("DEF-09")
def test_owner_appoints_and_removes_moderators_through_forms(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner, slug="garden")
    member = add_member(session, community)
    session.commit()
    csrf = login(client, owner)
    r = client.post(
        "/c/garden/moderators", data={"csrf_token": csrf, "username": member.username}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/c/garden?msg=community_moderator_appointed"
    page = client.get(r.headers["location"]).text
    assert f"@{member.username}" in page
    assert 'action="/c/garden/moderators/remove"' in page
    [rec] = audit_records(session, "community:appoint_moderator")
    assert rec.actor_id == owner.id
    assert rec.data["user"] == member.username

    moderator = TestClient(client.app)
    mod_csrf = login(moderator, member)
    r = moderator.post(
        "/c/garden/describe",
        data={"csrf_token": mod_csrf, "description": "# Garden\nBe kind."},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/c/garden?msg=community_described"
    assert "<h1>Garden</h1>" in moderator.get("/c/garden").text
    assert audit_records(session, "community:update")[0].actor_id == member.id
    r = moderator.post("/c/garden/describe", data={"csrf_token": mod_csrf, "description": "d" * 5001})
    assert r.status_code == 422
    assert 'role="alert"' in r.text

    r = client.post(
        "/c/garden/moderators/remove",
        data={"csrf_token": csrf, "username": member.username},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/c/garden?msg=community_moderator_removed"
    assert len(audit_records(session, "community:remove_moderator")) == 1
    r = client.post("/c/garden/moderators", data={"csrf_token": csrf, "username": "nobody-here"})
    assert r.status_code == 404
    assert 'role="alert"' in r.text


def test_non_owner_cannot_appoint(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner, slug="orchard")
    member = add_member(session, community)
    session.commit()
    csrf = login(client, member)
    assert 'action="/c/orchard/moderators"' not in client.get("/c/orchard").text
    before = _counts(session)
    r = client.post("/c/orchard/moderators", data={"csrf_token": csrf, "username": member.username})
    assert r.status_code == 403
    assert _counts(session) == before
    assert audit_count(session, "community:appoint_moderator") == 0


def test_community_page_shows_its_posts_newest_first_with_pages(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "FEED_LIMIT", 2)
    owner = make_user(session)
    community = make_community(session, owner, slug="with-feed", description="About us")
    elsewhere = make_community(session, owner, slug="elsewhere")
    t0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    for n in range(3):
        make_post(session, owner, f"Club post {n}", community=community, created_at=t0 + timedelta(minutes=n))
    make_post(session, owner, "Not in this club", community=elsewhere, created_at=t0)
    make_post(session, owner, "In no club", created_at=t0)
    session.commit()

    page = client.get("/c/with-feed")
    assert page.status_code == 200
    assert "About us" in page.text
    assert 'id="feed-heading"' in page.text
    first = re.findall(r"Club post \d", page.text)
    assert first == ["Club post 2", "Club post 1"]
    assert "Not in this club" not in page.text
    assert "In no club" not in page.text
    match = re.search(r'href="/c/with-feed\?cursor=([^"]+)"', page.text)
    assert match, "an Older posts link"
    older = client.get(f"/c/with-feed?cursor={match.group(1)}")
    assert re.findall(r"Club post \d", older.text) == ["Club post 0"]
    assert "/c/with-feed?cursor=" not in older.text
    assert client.get("/c/with-feed?cursor=bogus").status_code == 422


def test_community_page_without_posts_says_so(client: TestClient, session: Session) -> None:
    make_community(session, slug="quiet-club", description="Just *us*")
    session.commit()
    page = client.get("/c/quiet-club")
    assert page.status_code == 200
    assert "<em>us</em>" in page.text
    assert "No posts here yet." in page.text
