"""Feeds without profiling (LAW-35) and "Not interested" (LAW-52).

A feed is every visible post, newest first, minus what the reader hid and the posts whose age sign is
above the reader's age (``senim.content.age``): nothing else about the reader is read, and nothing is
personalised (``senim.feed.policy``), so ``senim.account.minors.may_profile`` is never needed here.
Hiding is idempotent and audited; it changes only the feeds of the person who hid.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from senim import audit
from senim.account.service import account_service
from senim.audit import Actor
from senim.community.service import community_service
from senim.content import age
from senim.content import policy as content_policy
from senim.content.service import Page, content_service
from senim.errors import NotFound
from senim.feed import policy
from senim.feed.errors import HideTargetInvalid
from senim.feed.repository import feed_repository as repo
from senim.kit import cursor as page_cursor
from senim.models import HiddenItem, HiddenKind, User


@dataclass(frozen=True)
class HiddenEntry:
    """One thing a user hid, with a label to show and where it lives (None when it is gone)."""

    target_type: HiddenKind
    target_id: uuid.UUID
    created_at: datetime
    label: str | None  # the author's or community's name, or the post's first words; None when gone
    path: str | None


def _kind(target_type: HiddenKind | str) -> HiddenKind:
    try:
        return HiddenKind(target_type)
    except ValueError as exc:
        raise HideTargetInvalid("You can hide a post, an author or a community.") from exc


class FeedService:
    # --- feeds --------------------------------------------------------------------------------
    def _page(
        self,
        session: Session,
        viewer: User | None,
        *,
        cursor: str | None,
        limit: int | None,
        author_id: uuid.UUID | None = None,
        community_id: uuid.UUID | None = None,
        own_hidden_of: uuid.UUID | None = None,
    ) -> Page:
        size = content_policy.clamp_limit(limit)
        rows = repo.posts(
            session,
            viewer_id=viewer.id if viewer is not None else None,
            author_id=author_id,
            community_id=community_id,
            own_hidden_of=own_hidden_of,
            signs=age.signs_for(viewer),
            before=page_cursor.decode_optional(cursor),
            limit=size + 1,
        )
        return content_service.page(session, rows, size, signs=age.counted_signs(viewer))

    def home(
        self, session: Session, viewer: User | None, *, cursor: str | None = None, limit: int = 20
    ) -> Page:
        """Every visible post, newest first, minus what ``viewer`` hid and what is above their age sign.
        Nothing else about them is used."""
        return self._page(session, viewer, cursor=cursor, limit=limit)

    def community(
        self,
        session: Session,
        viewer: User | None,
        community_id: uuid.UUID,
        *,
        cursor: str | None = None,
        limit: int = 20,
    ) -> Page:
        community_service.get(session, community_id)
        return self._page(session, viewer, cursor=cursor, limit=limit, community_id=community_id)

    def by_author(
        self,
        session: Session,
        viewer: User | None,
        author_id: uuid.UUID,
        *,
        cursor: str | None = None,
        limit: int = 20,
    ) -> Page:
        is_author = viewer is not None and viewer.id == author_id
        own = (
            author_id
            if policy.includes_own_hidden(policy.FeedKind.author, viewer_is_author=is_author)
            else None
        )
        return self._page(session, viewer, cursor=cursor, limit=limit, author_id=author_id, own_hidden_of=own)

    # --- not interested -----------------------------------------------------------------------
    def _check_target(self, session: Session, user: User, kind: HiddenKind, target_id: uuid.UUID) -> None:
        if kind is HiddenKind.post:
            content_service.get_post(session, user, target_id)
        elif kind is HiddenKind.author:
            _public_account(account_service.get(session, target_id))
        else:
            community_service.get(session, target_id)

    def hide(
        self, session: Session, user: User, target_type: HiddenKind | str, target_id: uuid.UUID
    ) -> tuple[HiddenItem, bool]:
        """Hide a post, or every post of an author or a community, from ``user``'s feeds.

        Returns the row and whether it is new; hiding what is already hidden changes nothing.
        """
        kind = _kind(target_type)
        existing = repo.get_hidden(session, user.id, kind, target_id)
        if existing is not None:
            return existing, False
        self._check_target(session, user, kind, target_id)
        created = repo.insert_hidden(session, user.id, kind, target_id)
        row = repo.get_hidden(session, user.id, kind, target_id)
        assert row is not None  # noqa: S101 - inserted or already there
        if not created:
            return row, False  # the same hide arrived twice at once: the other request's row stands
        audit.record(
            session,
            actor=Actor.of(user),
            tag="feed:hide",
            target=row,
            data={"target_type": kind, "target_id": target_id},
        )
        return row, True

    def unhide(
        self, session: Session, user: User, target_type: HiddenKind | str, target_id: uuid.UUID
    ) -> bool:
        """Show again; returns whether something was hidden. Showing what is shown changes nothing."""
        kind = _kind(target_type)
        row = repo.get_hidden(session, user.id, kind, target_id)
        if row is None:
            return False
        audit.record(
            session,
            actor=Actor.of(user),
            tag="feed:unhide",
            target=row,
            data={"target_type": kind, "target_id": target_id},
        )
        repo.delete_hidden(session, row)
        return True

    def is_hidden(
        self, session: Session, user: User | None, target_type: HiddenKind, target_id: uuid.UUID
    ) -> bool:
        return user is not None and repo.get_hidden(session, user.id, target_type, target_id) is not None

    def hidden_list(self, session: Session, user: User) -> list[HiddenEntry]:
        """What ``user`` hid, newest first, each with a label they can recognise."""
        rows = repo.hidden_of(session, user.id)
        posts = content_service.items_by_ids(
            session, [r.target_id for r in rows if r.target_type == HiddenKind.post]
        )
        users = content_service.authors(
            session, [r.target_id for r in rows if r.target_type == HiddenKind.author]
        )
        communities = community_service.by_ids(
            session, [r.target_id for r in rows if r.target_type == HiddenKind.community]
        )
        entries: list[HiddenEntry] = []
        for row in rows:
            kind = HiddenKind(row.target_type)
            label: str | None = None
            path: str | None = None
            if kind is HiddenKind.post:
                post = posts.get(row.target_id)
                if post is not None and content_service.may_view(user, post):
                    label, path = _excerpt(post.body), f"/p/{post.id}"
            elif kind is HiddenKind.author:
                author = users.get(row.target_id)
                if author is not None and author.platform_id is None:
                    label, path = f"{author.display_name} (@{author.username})", f"/u/{author.username}"
            else:
                community = communities.get(row.target_id)
                if community is not None:
                    label, path = community.name, f"/c/{community.slug}"
            entries.append(
                HiddenEntry(
                    target_type=kind,
                    target_id=row.target_id,
                    created_at=row.created_at,
                    label=label,
                    path=path,
                )
            )
        return entries

    def author(self, session: Session, username: str) -> User:
        """The person whose page ``/u/{username}`` is; accounts pushed by integrating platforms have none."""
        return _public_account(account_service.get_by_username(session, username))


def _public_account(user: User) -> User:
    """``user``, unless it was pushed by an integrating platform: such accounts belong to that platform
    and are not shown on Senim's own site (404, as if they did not exist)."""
    if user.platform_id is not None:
        raise NotFound("No such account.")
    return user


def _excerpt(text: str, length: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


feed_service = FeedService()
