"""Every query on content items and media, the batched read of the authors cards need, and the age signs
decisions in force put on an item (the floor of its sign, read from the moderation domain's table).

Communities come from ``community_service``. Authors are read here, in one query for a whole page,
until the account domain offers a batched lookup (``account_service`` reads one account at a time).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from senim.kit.cursor import Keyset
from senim.models import ContentItem, Decision, DecisionStatus, ItemKind, ItemStatus, LegalHold, Media, User


class ContentRepository:
    def get_item(
        self, session: Session, item_id: uuid.UUID, *, for_update: bool = False
    ) -> ContentItem | None:
        stmt = select(ContentItem).where(ContentItem.id == item_id)
        if for_update:
            stmt = stmt.with_for_update()
        return session.scalars(stmt).one_or_none()

    def items(self, session: Session, item_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ContentItem]:
        """Items by id, whatever their status (callers decide what may be shown)."""
        ids = set(item_ids)
        if not ids:
            return {}
        return {i.id: i for i in session.scalars(select(ContentItem).where(ContentItem.id.in_(ids)))}

    def active_hold(self, session: Session, item_id: uuid.UUID) -> LegalHold | None:
        return session.scalars(
            select(LegalHold).where(LegalHold.item_id == item_id, LegalHold.released_at.is_(None)).limit(1)
        ).first()

    def hold_of(self, session: Session, item_id: uuid.UUID, source: str, reason: str) -> LegalHold | None:
        """The hold in force that ``source`` placed on the item with ``reason``."""
        return session.scalars(
            select(LegalHold).where(
                LegalHold.item_id == item_id,
                LegalHold.released_at.is_(None),
                LegalHold.source == source,
                LegalHold.reason == reason,
            )
        ).first()

    def get_media(self, session: Session, media_id: uuid.UUID) -> Media | None:
        return session.get(Media, media_id)

    def media_for_items(
        self, session: Session, item_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Media]]:
        found: dict[uuid.UUID, list[Media]] = {i: [] for i in item_ids}
        if not item_ids:
            return found
        rows = session.scalars(
            select(Media).where(Media.item_id.in_(item_ids)).order_by(Media.created_at, Media.id)
        )
        for media in rows:
            if media.item_id is not None:
                found[media.item_id].append(media)
        return found

    def users(self, session: Session, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, User]:
        ids = set(user_ids)
        if not ids:
            return {}
        return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}

    def comment_counts(
        self, session: Session, post_ids: Sequence[uuid.UUID], signs: Sequence[str] | None = None
    ) -> dict[uuid.UUID, int]:
        """Visible comments per post; with ``signs``, only those a reader who may see these signs sees."""
        if not post_ids:
            return {}
        stmt = select(ContentItem.parent_id, func.count()).where(
            ContentItem.parent_id.in_(post_ids),
            ContentItem.kind == ItemKind.comment,
            ContentItem.status == ItemStatus.visible,
        )
        if signs is not None:
            stmt = stmt.where(or_(ContentItem.age_sign.is_(None), ContentItem.age_sign.in_(signs)))
        rows = session.execute(stmt.group_by(ContentItem.parent_id)).all()
        return {parent: int(n) for parent, n in rows if parent is not None}

    def comments(
        self,
        session: Session,
        post_id: uuid.UUID,
        *,
        viewer_id: uuid.UUID | None,
        viewer_is_staff: bool,
        signs: Sequence[str],
        after: Keyset | None,
        limit: int,
    ) -> list[ContentItem]:
        """Comments of a post, oldest first: visible ones, and hidden ones to their author and staff.

        A comment with an age sign not in ``signs`` (those the reader may see) is left out, except for
        its author and staff. Comments pushed by integrating platforms are left out (they answer only
        pushed posts anyway).
        """
        stmt = select(ContentItem).where(
            ContentItem.parent_id == post_id,
            ContentItem.kind == ItemKind.comment,
            ContentItem.platform_id.is_(None),
        )
        if viewer_is_staff:
            stmt = stmt.where(ContentItem.status.in_([ItemStatus.visible, ItemStatus.hidden]))
        elif viewer_id is not None:
            stmt = stmt.where(
                or_(
                    ContentItem.status == ItemStatus.visible,
                    and_(ContentItem.status == ItemStatus.hidden, ContentItem.author_id == viewer_id),
                )
            )
        else:
            stmt = stmt.where(ContentItem.status == ItemStatus.visible)
        if not viewer_is_staff:
            age_ok = or_(ContentItem.age_sign.is_(None), ContentItem.age_sign.in_(signs))
            if viewer_id is not None:
                age_ok = or_(age_ok, ContentItem.author_id == viewer_id)
            stmt = stmt.where(age_ok)
        if after is not None:
            stmt = stmt.where(
                or_(
                    ContentItem.created_at > after.at,
                    and_(ContentItem.created_at == after.at, ContentItem.id > after.id),
                )
            )
        return list(session.scalars(stmt.order_by(ContentItem.created_at, ContentItem.id).limit(limit)))

    def decided_age_signs(self, session: Session, item_id: uuid.UUID) -> list[str]:
        """The age signs that moderation decisions in force put on the item (``age_restrict``, and 18+
        for information forbidden for children): a floor the author cannot go below."""
        return [
            sign
            for sign in session.scalars(
                select(Decision.age_sign).where(
                    Decision.item_id == item_id,
                    Decision.status == DecisionStatus.in_force,
                    Decision.age_sign.is_not(None),
                )
            )
            if sign is not None
        ]


content_repository = ContentRepository()
