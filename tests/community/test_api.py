"""The community JSON API end to end: rows written, audit records, refusals that write nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.models import Community, CommunityMember, Role
from tests.fixtures.builders import login, make_user
from tests.fixtures.community import add_member, audit_count, audit_records, make_community


def _counts(session: Session) -> tuple[int, int, int]:
    return (
        int(session.scalar(select(func.count()).select_from(Community)) or 0),
        int(session.scalar(select(func.count()).select_from(CommunityMember)) or 0),
        audit_count(session),
    )


@pytest.mark.law("LAW-52")
@pytest.mark.law("DEF-08")
def test_a_user_creates_a_public_community_anyone_can_read(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    r = client.post(
        "/api/v1/communities",
        json={"slug": "almaty-cyclists", "name": "Almaty cyclists", "description": "*Ride*"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["slug"] == "almaty-cyclists"
    assert body["member_count"] == 1
    assert body["my_role"] == "owner"
    assert [(m["username"], m["role"]) for m in body["moderators"]] == [(user.username, "owner")]
    row = session.scalars(select(Community)).one()
    assert row.created_by_id == user.id
    [rec] = audit_records(session, "community:create")
    assert rec.actor_id == user.id
    assert rec.target_id == str(row.id)

    anonymous = TestClient(client.app)
    listed = anonymous.get("/api/v1/communities")
    assert listed.status_code == 200
    assert [(c["slug"], c["member_count"]) for c in listed.json()["items"]] == [("almaty-cyclists", 1)]
    one = anonymous.get("/api/v1/communities/almaty-cyclists").json()
    assert one["description"] == "*Ride*"
    assert one["my_role"] is None
    assert anonymous.get("/api/v1/communities/nope").status_code == 404


def test_slug_clash_is_409_and_writes_nothing(client: TestClient, session: Session) -> None:
    make_community(session, slug="taken")
    user = make_user(session)
    session.commit()
    login(client, user)
    before = _counts(session)
    r = client.post("/api/v1/communities", json={"slug": "taken", "name": "Mine"})
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "community_slug_taken"
    assert _counts(session) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"slug": "ab", "name": "Too short an address"},
        {"slug": "Bad_Slug!", "name": "Underscore and bang"},
        {"slug": "-dash-first", "name": "Dash first"},
        {"slug": "fine", "name": ""},
        {"slug": "fine", "name": "   "},
        {"slug": "fine", "name": "n" * 121},
        {"slug": "fine", "name": "ok", "description": "d" * 5001},
        {"name": "no slug"},
    ],
)
def test_bad_input_is_422_and_writes_nothing(
    client: TestClient, session: Session, payload: dict[str, str]
) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    before = _counts(session)
    r = client.post("/api/v1/communities", json=payload)
    assert r.status_code == 422, r.text
    assert _counts(session) == before


def test_creating_needs_a_participant(client: TestClient, session: Session) -> None:
    auditor = make_user(session, role=Role.auditor)
    session.commit()
    assert client.post("/api/v1/communities", json={"slug": "anon", "name": "x"}).status_code == 401
    login(client, auditor)
    assert client.post("/api/v1/communities", json={"slug": "audit", "name": "x"}).status_code == 403
    assert _counts(session)[0] == 0


def test_join_leave_and_members(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner, slug="readers")
    user = make_user(session)
    session.commit()
    csrf = {"x-csrf-token": login(client, user)}  # a POST without a JSON body carries the CSRF token
    assert client.post("/api/v1/communities/readers/join").status_code == 403
    r = client.post("/api/v1/communities/readers/join", headers=csrf)
    assert r.status_code == 200
    assert r.json() == {"community": "readers", "role": "member"}
    members = client.get("/api/v1/communities/readers/members").json()
    assert [(m["username"], m["role"]) for m in members["items"]] == [
        (owner.username, "owner"),
        (user.username, "member"),
    ]
    page = client.get("/api/v1/communities/readers/members?limit=1").json()
    assert len(page["items"]) == 1
    assert page["next_cursor"]
    rest = client.get(
        "/api/v1/communities/readers/members", params={"limit": 1, "cursor": page["next_cursor"]}
    ).json()
    assert [m["username"] for m in rest["items"]] == [user.username]
    assert client.get("/api/v1/communities/readers/members?cursor=bogus").status_code == 422

    r = client.post("/api/v1/communities/readers/leave", headers=csrf)
    assert r.status_code == 200
    assert r.json()["role"] is None
    assert [rec.data["user"] for rec in audit_records(session, "community:join")] == [user.username]
    assert [rec.data["user"] for rec in audit_records(session, "community:leave")] == [user.username]
    assert all(rec.target_id == str(community.id) for rec in audit_records(session, "community:leave"))


def test_the_owner_cannot_leave(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    make_community(session, owner, slug="mine")
    session.commit()
    csrf = login(client, owner)
    before = _counts(session)
    r = client.post("/api/v1/communities/mine/leave", headers={"x-csrf-token": csrf})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "community_owner_cannot_leave"
    assert _counts(session) == before


@pytest.mark.law("DEF-09")
def test_owner_appoints_a_moderator_who_edits_the_description(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner, slug="club")
    member = add_member(session, community)
    session.commit()
    csrf = login(client, owner)
    r = client.post("/api/v1/communities/club/moderators", json={"username": member.username})
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "moderator"
    [rec] = audit_records(session, "community:appoint_moderator")
    assert rec.actor_id == owner.id
    assert rec.data["user"] == member.username

    moderator_client = TestClient(client.app)
    login(moderator_client, member)
    r = moderator_client.patch("/api/v1/communities/club", json={"description": "Rules: be kind."})
    assert r.status_code == 200
    assert r.json()["description"] == "Rules: be kind."
    [rec] = audit_records(session, "community:update")
    assert rec.actor_id == member.id

    r = client.delete(f"/api/v1/communities/club/moderators/{member.username}", headers={"x-csrf-token": "x"})
    assert r.status_code == 403  # a DELETE with the session cookie needs the real CSRF token
    r = client.delete(
        f"/api/v1/communities/club/moderators/{member.username}", headers={"x-csrf-token": csrf}
    )
    assert r.status_code == 200
    assert r.json()["role"] == "member"
    assert len(audit_records(session, "community:remove_moderator")) == 1
    r = moderator_client.patch("/api/v1/communities/club", json={"description": "again"})
    assert r.status_code == 403


def test_object_level_refusals_write_nothing(client: TestClient, session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner, slug="guarded", description="Original")
    member = add_member(session, community)
    outsider = make_user(session)
    session.commit()
    login(client, member)
    before = _counts(session)
    r = client.post("/api/v1/communities/guarded/moderators", json={"username": member.username})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_community_owner"
    r = client.patch("/api/v1/communities/guarded", json={"description": "Defaced"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_community_moderator"
    assert _counts(session) == before
    session.refresh(community)
    assert community.description == "Original"

    owner_client = TestClient(client.app)
    login(owner_client, owner)
    before = _counts(session)  # logging in is audited too
    r = owner_client.post("/api/v1/communities/guarded/moderators", json={"username": outsider.username})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "community_not_a_member"
    r = owner_client.post("/api/v1/communities/guarded/moderators", json={"username": "no-such-user"})
    assert r.status_code == 404
    r = owner_client.patch("/api/v1/communities/guarded", json={"description": "d" * 5001})
    assert r.status_code == 422
    assert _counts(session) == before
