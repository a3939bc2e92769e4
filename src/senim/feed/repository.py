"""Feed queries (posts by time, visibility and the reader's own hides) and the hidden-item table.

The feed query reads nothing about the reader except their ``hidden_item`` rows (LAW-35) and the age signs
they may see (``senim.content.age``: a minor never gets a post above their age, LAW-83, LAW-85).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from senim.db import dialect_insert
from senim.kit.clock import utcnow
from senim.kit.cursor import Keyset
from senim.models import ContentItem, HiddenItem, HiddenKind, ItemKind, ItemStatus


def _hidden(viewer_id: uuid.UUID, kind: HiddenKind, column: Any) -> ColumnElement[bool]:
    return exists().where(
        HiddenItem.user_id == viewer_id,
        HiddenItem.target_type == kind,
        HiddenItem.target_id == column,
    )


class FeedRepository:
    def posts(
        self,
        session: Session,
        *,
        viewer_id: uuid.UUID | None,
        author_id: uuid.UUID | None = None,
        community_id: uuid.UUID | None = None,
        own_hidden_of: uuid.UUID | None = None,
        signs: Sequence[str] = (),
        before: Keyset | None = None,
        limit: int,
    ) -> list[ContentItem]:
        """Posts newest first, after ``before`` in that order, without what ``viewer_id`` hid.

        ``own_hidden_of`` adds that person's own posts that are hidden while reviewed (their own page).
        Posts with an age sign not in ``signs`` (the signs the reader may see, ``content.age.signs_for``)
        are left out, except the reader's own; posts a decision demoted are left out of the all-posts feed
        (still on their community and author pages).
        """
        visible: ColumnElement[bool] = ContentItem.status == ItemStatus.visible
        if own_hidden_of is not None:
            visible = or_(
                visible, and_(ContentItem.status == ItemStatus.hidden, ContentItem.author_id == own_hidden_of)
            )
        # Items pushed by integrating platforms belong to those platforms' own feeds, never to Senim's.
        stmt = select(ContentItem).where(
            ContentItem.kind == ItemKind.post, ContentItem.platform_id.is_(None), visible
        )
        age_ok: ColumnElement[bool] = or_(ContentItem.age_sign.is_(None), ContentItem.age_sign.in_(signs))
        if viewer_id is not None:
            age_ok = or_(age_ok, ContentItem.author_id == viewer_id)
        stmt = stmt.where(age_ok)
        if author_id is None and community_id is None:
            stmt = stmt.where(ContentItem.demoted.is_(False))
        if author_id is not None:
            stmt = stmt.where(ContentItem.author_id == author_id)
        if community_id is not None:
            stmt = stmt.where(ContentItem.community_id == community_id)
        if viewer_id is not None:
            stmt = stmt.where(
                ~_hidden(viewer_id, HiddenKind.post, ContentItem.id),
                ~_hidden(viewer_id, HiddenKind.author, ContentItem.author_id),
                or_(
                    ContentItem.community_id.is_(None),
                    ~_hidden(viewer_id, HiddenKind.community, ContentItem.community_id),
                ),
            )
        if before is not None:
            stmt = stmt.where(
                or_(
                    ContentItem.created_at < before.at,
                    and_(ContentItem.created_at == before.at, ContentItem.id < before.id),
                )
            )
        stmt = stmt.order_by(ContentItem.created_at.desc(), ContentItem.id.desc()).limit(limit)
        return list(session.scalars(stmt))

    # --- hidden items -------------------------------------------------------------------------
    def get_hidden(
        self, session: Session, user_id: uuid.UUID, kind: HiddenKind, target_id: uuid.UUID
    ) -> HiddenItem | None:
        return session.scalars(
            select(HiddenItem).where(
                HiddenItem.user_id == user_id,
                HiddenItem.target_type == kind,
                HiddenItem.target_id == target_id,
            )
        ).one_or_none()

    def insert_hidden(
        self, session: Session, user_id: uuid.UUID, kind: HiddenKind, target_id: uuid.UUID
    ) -> bool:
        """Add the row unless it exists (concurrent duplicates included); returns whether it was added."""
        insert = dialect_insert(session)
        stmt = (
            insert(HiddenItem)
            .values(
                id=uuid.uuid4(), user_id=user_id, target_type=kind, target_id=target_id, created_at=utcnow()
            )
            .on_conflict_do_nothing(index_elements=["user_id", "target_type", "target_id"])
            .returning(HiddenItem.id)
        )
        return session.execute(stmt).scalar_one_or_none() is not None

    def delete_hidden(self, session: Session, row: HiddenItem) -> None:
        session.delete(row)
        session.flush()

    def hidden_of(self, session: Session, user_id: uuid.UUID) -> list[HiddenItem]:
        return list(
            session.scalars(
                select(HiddenItem)
                .where(HiddenItem.user_id == user_id)
                .order_by(HiddenItem.created_at.desc(), HiddenItem.id)
            )
        )


feed_repository = FeedRepository()
