"""JSON API: public communities, membership and community moderators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from senim.account.service import account_service
from senim.community.schemas import (
    CommunityCreate,
    CommunityDetail,
    CommunityList,
    CommunityRead,
    CommunityUpdate,
    MemberList,
    MemberRead,
    MembershipRead,
    ModeratorCreate,
)
from senim.community.service import MemberView, community_service
from senim.models import Community, CommunityMember, User
from senim.web.auth import DbSession
from senim.web.pages import Participant, Public

router = APIRouter(prefix="/api/v1", tags=["communities"])


def _member(view: MemberView) -> MemberRead:
    return MemberRead(
        username=view.user.username,
        display_name=view.user.display_name,
        role=view.role,
        joined_at=view.joined_at,
    )


def _detail(session: Session, community: Community, viewer: User | None) -> CommunityDetail:
    return CommunityDetail(
        id=community.id,
        slug=community.slug,
        name=community.name,
        description=community.description,
        status=community.status,
        created_at=community.created_at,
        member_count=community_service.member_count(session, community),
        moderators=[_member(v) for v in community_service.moderators(session, community)],
        my_role=community_service.role_of(session, community.id, viewer.id if viewer else None),
    )


def _member_of(member: CommunityMember, user: User) -> MemberRead:
    return MemberRead(
        username=user.username, display_name=user.display_name, role=member.role, joined_at=member.joined_at
    )


@router.get("/communities", response_model=CommunityList)
def list_communities(
    session: DbSession,
    principal: Public,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> CommunityList:
    page = community_service.list(session, limit=limit, cursor=cursor)
    counts = community_service.member_counts(session, [c.id for c in page.items])
    return CommunityList(
        items=[
            CommunityRead(
                id=c.id,
                slug=c.slug,
                name=c.name,
                description=c.description,
                status=c.status,
                created_at=c.created_at,
                member_count=counts.get(c.id, 0),
            )
            for c in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.post("/communities", response_model=CommunityDetail, status_code=201)
def create_community(
    body: CommunityCreate,
    session: DbSession,
    principal: Participant,
) -> CommunityDetail:
    user = principal.require_user()
    community = community_service.create(session, user, body.slug, body.name, body.description)
    return _detail(session, community, user)


@router.get("/communities/{slug}", response_model=CommunityDetail)
def read_community(slug: str, session: DbSession, principal: Public) -> CommunityDetail:
    return _detail(session, community_service.get_by_slug(session, slug), principal.user)


@router.patch("/communities/{slug}", response_model=CommunityDetail)
def update_community(
    slug: str,
    body: CommunityUpdate,
    session: DbSession,
    principal: Participant,
) -> CommunityDetail:
    user = principal.require_user()
    community = community_service.get_by_slug(session, slug)
    community_service.update_description(session, user, community, body.description)
    return _detail(session, community, user)


@router.post("/communities/{slug}/join", response_model=MembershipRead)
def join_community(slug: str, session: DbSession, principal: Participant) -> MembershipRead:
    user = principal.require_user()
    community = community_service.get_by_slug(session, slug)
    role = community_service.join(session, user, community)
    return MembershipRead(community=community.slug, role=role)


@router.post("/communities/{slug}/leave", response_model=MembershipRead)
def leave_community(slug: str, session: DbSession, principal: Participant) -> MembershipRead:
    user = principal.require_user()
    community = community_service.get_by_slug(session, slug)
    community_service.leave(session, user, community)
    return MembershipRead(community=community.slug, role=None)


@router.get("/communities/{slug}/members", response_model=MemberList)
def list_members(
    slug: str,
    session: DbSession,
    principal: Public,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> MemberList:
    community = community_service.get_by_slug(session, slug)
    page = community_service.members(session, community, limit=limit, cursor=cursor)
    return MemberList(items=[_member(v) for v in page.items], next_cursor=page.next_cursor)


@router.post("/communities/{slug}/moderators", response_model=MemberRead)
def appoint_moderator(
    slug: str,
    body: ModeratorCreate,
    session: DbSession,
    principal: Participant,
) -> MemberRead:
    owner = principal.require_user()
    community = community_service.get_by_slug(session, slug)
    target = account_service.get_by_username(session, body.username)
    member = community_service.appoint_moderator(session, owner, community, target)
    return _member_of(member, target)


@router.delete("/communities/{slug}/moderators/{username}", response_model=MemberRead)
def remove_moderator(
    slug: str,
    username: str,
    session: DbSession,
    principal: Participant,
) -> MemberRead:
    owner = principal.require_user()
    community = community_service.get_by_slug(session, slug)
    target = account_service.get_by_username(session, username)
    member = community_service.remove_moderator(session, owner, community, target)
    return _member_of(member, target)
