"""Public communities (DEF-08) and their moderators (DEF-09); the right to create them (LAW-52).

Every change takes the acting user explicitly, checks the object-level rule (owner, community
moderator), changes, and writes its audit record in the same transaction. Nothing here commits, and
nothing opens a savepoint: a unique-key clash with a parallel request becomes a 409 and the request
boundary rolls the whole change back.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from senim import audit, jobs
from senim.audit import Actor
from senim.community import policy
from senim.community.errors import (
    AlreadyMember,
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
from senim.content.policy import DETECTION_SCAN_JOB
from senim.kit import cursor as page_cursor
from senim.kit.text import clean
from senim.models import Community, CommunityMember, CommunityStatus, MemberRole, User

MAX_PAGE = 100
_ROLE_ORDER = {MemberRole.owner: 0, MemberRole.moderator: 1, MemberRole.member: 2}


@dataclass(frozen=True)
class MemberView:
    user: User
    role: MemberRole
    joined_at: datetime


@dataclass(frozen=True)
class CommunityPage:
    items: builtins.list[Community]
    next_cursor: str | None


@dataclass(frozen=True)
class MemberPage:
    items: builtins.list[MemberView]
    next_cursor: str | None


def _clean_text(text: str) -> str:
    """Form text arrives with CRLF line ends; trailing blanks mean nothing in Markdown."""
    return clean(text.replace("\r\n", "\n").replace("\r", "\n")).rstrip()


def _clamp(limit: int) -> int:
    return min(max(limit, 1), MAX_PAGE)


def _listed(community: Community | None) -> bool:
    """Removed communities, and those of integrating platforms, are not shown on Senim's own site."""
    return community is not None and policy.is_listed(
        community.status, pushed=community.platform_id is not None
    )


class CommunityService:
    # --- reading (public) ---------------------------------------------------------------------
    def get_by_slug(self, session: Session, slug: str) -> Community:
        community = session.scalars(
            select(Community).where(Community.slug == policy.normalise_slug(slug))
        ).one_or_none()
        if community is None or not _listed(community):
            raise CommunityNotFound("No such community.")
        return community

    def get(self, session: Session, community_id: uuid.UUID) -> Community:
        community = session.get(Community, community_id)
        if community is None or not _listed(community):
            raise CommunityNotFound("No such community.")
        return community

    def find(self, session: Session, ref: str) -> Community:
        """A community by its id or its slug (the API accepts either)."""
        try:
            community_id = uuid.UUID(ref)
        except ValueError:
            return self.get_by_slug(session, ref)
        return self.get(session, community_id)

    def by_ids(self, session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Community]:
        """Every community with one of ``ids``, whatever its status, in one query (labels on cards)."""
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        return {c.id: c for c in session.scalars(select(Community).where(Community.id.in_(wanted)))}

    def joined(self, session: Session, user_id: uuid.UUID) -> builtins.list[Community]:
        """The communities ``user_id`` belongs to, by name, without removed ones: where they may post."""
        return builtins.list(
            session.scalars(
                select(Community)
                .join(CommunityMember, CommunityMember.community_id == Community.id)
                .where(CommunityMember.user_id == user_id, Community.status != CommunityStatus.removed)
                .order_by(Community.name, Community.id)
            )
        )

    def role_of(
        self, session: Session, community_id: uuid.UUID, user_id: uuid.UUID | None
    ) -> MemberRole | None:
        """The user's role in the community, or None when they are not a member (or not signed in)."""
        if user_id is None:
            return None
        role = session.scalar(
            select(CommunityMember.role).where(
                CommunityMember.community_id == community_id, CommunityMember.user_id == user_id
            )
        )
        return MemberRole(role) if role is not None else None

    def member_count(self, session: Session, community: Community) -> int:
        return self.member_counts(session, [community.id]).get(community.id, 0)

    def member_counts(
        self, session: Session, community_ids: builtins.list[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        if not community_ids:
            return {}
        rows = session.execute(
            select(CommunityMember.community_id, func.count())
            .where(CommunityMember.community_id.in_(community_ids))
            .group_by(CommunityMember.community_id)
        ).all()
        return {cid: int(n) for cid, n in rows}

    def members(
        self, session: Session, community: Community, limit: int = 50, cursor: str | None = None
    ) -> MemberPage:
        """Members in the order they joined, a page at a time."""
        limit = _clamp(limit)
        query = (
            select(CommunityMember, User)
            .join(User, User.id == CommunityMember.user_id)
            .where(CommunityMember.community_id == community.id)
        )
        after = page_cursor.decode_optional(cursor)
        if after is not None:
            query = query.where(
                or_(
                    CommunityMember.joined_at > after.at,
                    and_(CommunityMember.joined_at == after.at, CommunityMember.id > after.id),
                )
            )
        rows = session.execute(
            query.order_by(CommunityMember.joined_at, CommunityMember.id).limit(limit + 1)
        ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        items = [MemberView(user=u, role=MemberRole(m.role), joined_at=m.joined_at) for m, u in rows]
        next_cursor = page_cursor.encode(rows[-1][0].joined_at, rows[-1][0].id) if more and rows else None
        return MemberPage(items=items, next_cursor=next_cursor)

    def moderators(self, session: Session, community: Community) -> builtins.list[MemberView]:
        """The owner first, then the community moderators in the order they joined."""
        rows = session.execute(
            select(CommunityMember, User)
            .join(User, User.id == CommunityMember.user_id)
            .where(
                CommunityMember.community_id == community.id,
                CommunityMember.role.in_([MemberRole.owner, MemberRole.moderator]),
            )
            .order_by(CommunityMember.joined_at, CommunityMember.id)
        ).all()
        views = [MemberView(user=u, role=MemberRole(m.role), joined_at=m.joined_at) for m, u in rows]
        return sorted(views, key=lambda v: _ROLE_ORDER[v.role])

    # --- changes ------------------------------------------------------------------------------
    def create(self, session: Session, user: User, slug: str, name: str, description: str = "") -> Community:
        """Create a public community; its creator becomes its owner (LAW-52 (4))."""
        slug = policy.normalise_slug(slug)
        name = clean(name).strip()
        description = _clean_text(description)
        found = policy.problems(slug, name, description)
        if found:
            raise CommunityInvalid(found[0], fields=found, max=policy.DESCRIPTION_MAX)
        if session.scalar(select(Community.id).where(Community.slug == slug)) is not None:
            raise SlugTaken("The community address {slug} is already taken.", slug=slug)
        community = Community(
            id=uuid.uuid4(), slug=slug, name=name, description=description, created_by_id=user.id
        )
        session.add(community)
        try:
            session.flush()
        except IntegrityError as exc:  # another request took the slug between the check and the insert
            raise SlugTaken("The community address {slug} is already taken.", slug=slug) from exc
        session.add(CommunityMember(community_id=community.id, user_id=user.id, role=MemberRole.owner))
        session.flush()
        audit.record(
            session,
            actor=Actor.of(user),
            tag="community:create",
            target=community,
            data={"slug": slug, "name": name},
        )
        jobs.enqueue(session, DETECTION_SCAN_JOB, {"community_id": str(community.id)})
        return community

    def update_description(
        self, session: Session, user: User, community: Community, description: str
    ) -> Community:
        """The owner or a community moderator (DEF-09) edits the description."""
        if not policy.can_edit_description(self.role_of(session, community.id, user.id)):
            raise NotCommunityModerator("Only the owner and the moderators of this community can edit it.")
        description = _clean_text(description)
        found = policy.problems(None, None, description)
        if found:
            raise CommunityInvalid(found[0], fields=found, max=policy.DESCRIPTION_MAX)
        if description != community.description:
            old_length = len(community.description)
            community.description = description
            session.flush()
            audit.record(
                session,
                actor=Actor.of(user),
                tag="community:update",
                target=community,
                data={"fields": ["description"], "old_length": old_length, "new_length": len(description)},
            )
            jobs.enqueue(session, DETECTION_SCAN_JOB, {"community_id": str(community.id)})
        return community

    def join(self, session: Session, user: User, community: Community) -> MemberRole:
        """Join the community; joining again changes nothing. Returns the user's role."""
        role = self.role_of(session, community.id, user.id)
        if role is not None:
            return role
        if not policy.can_join(community.status):
            raise CommunityClosed("This community does not accept new members now.")
        session.add(CommunityMember(community_id=community.id, user_id=user.id, role=MemberRole.member))
        try:
            session.flush()
        except IntegrityError as exc:  # the same user joined in a parallel request
            raise AlreadyMember("You are already a member of this community.") from exc
        audit.record(
            session,
            actor=Actor.of(user),
            tag="community:join",
            target=community,
            data={"user": user.username},
        )
        return MemberRole.member

    def leave(self, session: Session, user: User, community: Community) -> None:
        """Leave the community (a moderator loses the role too). The owner cannot leave while owner."""
        member = self._membership(session, community, user, lock=True)
        if member is None:
            return
        if not policy.can_leave(MemberRole(member.role)):
            raise OwnerCannotLeave("The owner cannot leave the community they own.")
        role = member.role
        session.delete(member)
        session.flush()
        audit.record(
            session,
            actor=Actor.of(user),
            tag="community:leave",
            target=community,
            data={"user": user.username, "role": role},
        )

    def appoint_moderator(
        self, session: Session, owner: User, community: Community, user: User
    ) -> CommunityMember:
        """The owner makes a member a community moderator (DEF-09)."""
        self._require_owner(session, owner, community)
        member = self._membership(session, community, user, lock=True)
        if member is None:
            raise NotAMember("Only members of the community can be appointed moderators.")
        if member.role == MemberRole.member:
            member.role = MemberRole.moderator
            session.flush()
            audit.record(
                session,
                actor=Actor.of(owner),
                tag="community:appoint_moderator",
                target=community,
                data={"user": user.username, "user_id": str(user.id)},
            )
        return member

    def remove_moderator(
        self, session: Session, owner: User, community: Community, user: User
    ) -> CommunityMember:
        """The owner takes the moderator role away; the person stays a member."""
        self._require_owner(session, owner, community)
        member = self._membership(session, community, user, lock=True)
        if member is None or member.role != MemberRole.moderator:
            raise NotAModerator("This person is not a moderator of this community.")
        member.role = MemberRole.member
        session.flush()
        audit.record(
            session,
            actor=Actor.of(owner),
            tag="community:remove_moderator",
            target=community,
            data={"user": user.username, "user_id": str(user.id)},
        )
        return member

    # --- helpers ------------------------------------------------------------------------------
    def _require_owner(self, session: Session, user: User, community: Community) -> None:
        if not policy.can_manage_moderators(self.role_of(session, community.id, user.id)):
            raise NotCommunityOwner("Only the owner of this community can do this.")

    def _membership(
        self, session: Session, community: Community, user: User, *, lock: bool = False
    ) -> CommunityMember | None:
        query = select(CommunityMember).where(
            CommunityMember.community_id == community.id, CommunityMember.user_id == user.id
        )
        if lock:
            query = query.with_for_update()
        return session.scalars(query).one_or_none()

    # Defined last: inside the class body the name ``list`` is this method from here on.
    def list(self, session: Session, limit: int = 20, cursor: str | None = None) -> CommunityPage:
        """Public communities in the order of their addresses, a page at a time (``cursor`` = last slug)."""
        limit = _clamp(limit)
        query = select(Community).where(
            Community.status != CommunityStatus.removed, Community.platform_id.is_(None)
        )
        if cursor:
            query = query.where(Community.slug > cursor)
        rows = builtins.list(session.scalars(query.order_by(Community.slug).limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        return CommunityPage(items=rows, next_cursor=rows[-1].slug if more and rows else None)


community_service = CommunityService()
