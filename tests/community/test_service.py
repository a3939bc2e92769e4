"""The community service: ownership, membership, community moderators, audit records."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.community.errors import (
    CommunityClosed,
    CommunityInvalid,
    CommunityNotFound,
    NotAMember,
    NotAModerator,
    NotCommunityModerator,
    NotCommunityOwner,
    OwnerCannotLeave,
    SlugTaken,
)
from senim.community.service import community_service
from senim.errors import Invalid
from senim.models import CommunityMember, CommunityStatus, MemberRole
from tests.fixtures.builders import make_user
from tests.fixtures.community import add_member, audit_count, audit_records, make_community, make_platform


@pytest.mark.law("LAW-52")
def test_creator_becomes_owner_and_creation_is_audited(session: Session) -> None:
    user = make_user(session)
    community = community_service.create(session, user, "  Almaty-Cyclists ", " Cyclists ", "We *ride*.")
    assert (community.slug, community.name, community.description) == (
        "almaty-cyclists",
        "Cyclists",
        "We *ride*.",
    )
    assert community.created_by_id == user.id
    assert community_service.role_of(session, community.id, user.id) == MemberRole.owner
    [rec] = audit_records(session, "community:create")
    assert rec.actor_id == user.id
    assert rec.target_id == str(community.id)
    assert rec.data == {"slug": "almaty-cyclists", "name": "Cyclists"}


def test_slug_clash_is_a_conflict(session: Session) -> None:
    make_community(session, slug="taken")
    with pytest.raises(SlugTaken) as err:
        community_service.create(session, make_user(session), "TAKEN", "Other")
    assert err.value.status_code == 409


def test_bad_fields_are_refused_with_every_problem(session: Session) -> None:
    with pytest.raises(CommunityInvalid) as err:
        community_service.create(session, make_user(session), "a!", "  ", "x" * 5001)
    assert err.value.status_code == 422
    assert len(err.value.params["fields"]) == 3


def test_join_and_leave_are_audited_once(session: Session) -> None:
    community = make_community(session)
    user = make_user(session)
    assert community_service.join(session, user, community) == MemberRole.member
    assert community_service.join(session, user, community) == MemberRole.member  # again: nothing changes
    assert audit_count(session, "community:join") == 1
    community_service.leave(session, user, community)
    community_service.leave(session, user, community)  # again: nothing changes
    assert community_service.role_of(session, community.id, user.id) is None
    [rec] = audit_records(session, "community:leave")
    assert rec.data == {"user": user.username, "role": "member"}


def test_owner_cannot_leave(session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner)
    with pytest.raises(OwnerCannotLeave):
        community_service.leave(session, owner, community)
    assert community_service.role_of(session, community.id, owner.id) == MemberRole.owner


def test_restricted_community_accepts_no_new_members(session: Session) -> None:
    community = make_community(session)
    community.status = CommunityStatus.restricted
    session.flush()
    with pytest.raises(CommunityClosed):
        community_service.join(session, make_user(session), community)


def test_removed_community_is_not_found(session: Session) -> None:
    community = make_community(session, slug="gone")
    community.status = CommunityStatus.removed
    session.flush()
    with pytest.raises(CommunityNotFound):
        community_service.get_by_slug(session, "gone")
    with pytest.raises(CommunityNotFound):
        community_service.get(session, community.id)
    assert community_service.list(session).items == []


@pytest.mark.law("DEF-09")
def test_owner_appoints_and_removes_a_moderator_who_may_then_edit(session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner)
    member = add_member(session, community)
    with pytest.raises(NotCommunityModerator):
        community_service.update_description(session, member, community, "by a member")

    community_service.appoint_moderator(session, owner, community, member)
    assert community_service.role_of(session, community.id, member.id) == MemberRole.moderator
    community_service.update_description(session, member, community, "by a moderator")
    assert community.description == "by a moderator"
    community_service.update_description(session, member, community, "by a moderator\r\n")  # the same text
    assert audit_count(session, "community:update") == 1

    community_service.remove_moderator(session, owner, community, member)
    assert community_service.role_of(session, community.id, member.id) == MemberRole.member
    assert [r.data["user"] for r in audit_records(session, "community:appoint_moderator")] == [
        member.username
    ]
    assert [r.data["user"] for r in audit_records(session, "community:remove_moderator")] == [member.username]


def test_only_the_owner_manages_moderators(session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner)
    moderator = add_member(session, community)
    community_service.appoint_moderator(session, owner, community, moderator)
    member = add_member(session, community)
    for actor in (moderator, member, make_user(session)):
        with pytest.raises(NotCommunityOwner):
            community_service.appoint_moderator(session, actor, community, member)
        with pytest.raises(NotCommunityOwner):
            community_service.remove_moderator(session, actor, community, moderator)
    assert audit_count(session, "community:appoint_moderator") == 1


def test_appointee_must_be_a_member_and_removal_needs_a_moderator(session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner)
    with pytest.raises(NotAMember):
        community_service.appoint_moderator(session, owner, community, make_user(session))
    member = add_member(session, community)
    with pytest.raises(NotAModerator):
        community_service.remove_moderator(session, owner, community, member)
    with pytest.raises(NotAModerator):
        community_service.remove_moderator(session, owner, community, owner)


def test_a_moderator_who_leaves_loses_the_role(session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner)
    moderator = add_member(session, community)
    community_service.appoint_moderator(session, owner, community, moderator)
    community_service.leave(session, moderator, community)
    assert audit_records(session, "community:leave")[0].data["role"] == "moderator"
    add_member(session, community, moderator)
    assert community_service.role_of(session, community.id, moderator.id) == MemberRole.member


def test_lists_page_by_address(session: Session) -> None:
    for slug in ("ccc", "aaa", "bbb"):
        make_community(session, slug=slug)
    first = community_service.list(session, limit=2)
    assert [c.slug for c in first.items] == ["aaa", "bbb"]
    assert first.next_cursor == "bbb"
    second = community_service.list(session, limit=2, cursor=first.next_cursor)
    assert [c.slug for c in second.items] == ["ccc"]
    assert second.next_cursor is None


def test_members_page_in_joining_order_and_staff_owner_first(session: Session) -> None:
    owner = make_user(session)
    community = make_community(session, owner)
    joined = [add_member(session, community) for _ in range(4)]
    community_service.appoint_moderator(session, owner, community, joined[2])
    first = community_service.members(session, community, limit=3)
    assert [m.user.id for m in first.items] == [owner.id, joined[0].id, joined[1].id]
    assert first.next_cursor is not None
    second = community_service.members(session, community, limit=3, cursor=first.next_cursor)
    assert [m.user.id for m in second.items] == [joined[2].id, joined[3].id]
    assert second.next_cursor is None
    assert [(v.user.id, v.role) for v in community_service.moderators(session, community)] == [
        (owner.id, MemberRole.owner),
        (joined[2].id, MemberRole.moderator),
    ]
    assert community_service.member_count(session, community) == 5
    with pytest.raises(Invalid):
        community_service.members(session, community, cursor="not a cursor")
    rows = session.scalars(select(CommunityMember).where(CommunityMember.community_id == community.id)).all()
    assert len(rows) == 5


def test_find_by_id_or_address(session: Session) -> None:
    club = make_community(session, slug="find-me")
    assert community_service.find(session, "find-me").id == club.id
    assert community_service.find(session, " FIND-ME ").id == club.id
    assert community_service.find(session, str(club.id)).id == club.id
    with pytest.raises(CommunityNotFound):
        community_service.find(session, "no-such-slug")
    with pytest.raises(CommunityNotFound):
        community_service.find(session, str(uuid.uuid4()))
    club.status = CommunityStatus.removed
    session.flush()
    with pytest.raises(CommunityNotFound):
        community_service.find(session, "find-me")


def test_communities_of_integrating_platforms_are_not_served(session: Session) -> None:
    platform = make_platform(session).principal
    club = make_community(session, slug="their-club")
    club.platform_id, club.external_id = platform.id, "club-1"
    session.flush()
    with pytest.raises(CommunityNotFound):
        community_service.get_by_slug(session, "their-club")
    with pytest.raises(CommunityNotFound):
        community_service.get(session, club.id)
    assert community_service.list(session).items == []


def test_by_ids_and_joined(session: Session) -> None:
    owner, member = make_user(session), make_user(session)
    zebra = make_community(session, owner, slug="zebra", name="Zebra")
    apple = make_community(session, owner, slug="apple", name="Apple")
    gone = make_community(session, owner, slug="gone", name="Gone")
    add_member(session, zebra, member)
    add_member(session, apple, member)
    add_member(session, gone, member)
    gone.status = CommunityStatus.removed
    session.flush()
    found = community_service.by_ids(session, [zebra.id, gone.id, None, uuid.uuid4()])
    assert set(found) == {zebra.id, gone.id}  # whatever their status: labels on cards
    assert community_service.by_ids(session, []) == {}
    assert [c.slug for c in community_service.joined(session, member.id)] == ["apple", "zebra"]
    assert community_service.joined(session, make_user(session).id) == []
