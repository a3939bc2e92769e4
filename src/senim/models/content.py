"""Content items (posts, comments, items pushed by integrating platforms) and their media."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.models.base import Base, CreatedMixin, IdMixin


class ItemKind(StrEnum):
    post = "post"
    comment = "comment"


class ItemStatus(StrEnum):
    visible = "visible"
    hidden = "hidden"  # hidden pending review or by a decision; the author still sees it
    removed = "removed"  # removed by a decision
    restricted = "restricted"  # made unavailable in Kazakhstan by a decision or an order
    deleted = "deleted"  # deleted by its author


class ContentItem(IdMixin, CreatedMixin, Base):
    __tablename__ = "content_item"
    __table_args__ = (
        UniqueConstraint("platform_id", "external_id"),
        Index("ix_content_item_feed", "kind", "status", "created_at"),
    )

    kind: Mapped[ItemKind] = mapped_column(String(16))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    community_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("community.id"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("content_item.id"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ItemStatus] = mapped_column(String(16), default=ItemStatus.visible)
    platform_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    external_id: Mapped[str | None] = mapped_column(String(200))
    external_url: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    age_sign: Mapped[str | None] = mapped_column(String(4))  # 6-, 6+, 12+, 14+, 16+, 18+ (LAW-83)
    # The sign its author or platform gave; ``age_sign`` is never below the signs decisions in force put,
    # and falls back to this one when they are reversed.
    own_age_sign: Mapped[str | None] = mapped_column(String(4))
    label: Mapped[str | None] = mapped_column(String(32))  # moderation.policy.LABELS key
    demoted: Mapped[bool] = mapped_column(default=False)  # left out of the all-posts feed
    # Identified when written (translation.langid): ISO 639-1 or "und", with its confidence 0..1.
    language: Mapped[str | None] = mapped_column(String(8))
    language_confidence: Mapped[float | None]
    # Advertising marking by the author (LAW-62, LAW-65, LAW-66; senim.ads.sponsored_policy): one of the
    # allowed Kazakh or Russian wordings, the sponsor's name and, optionally, its BIN. None: not marked.
    sponsored_label: Mapped[str | None] = mapped_column(String(64))
    sponsor_name: Mapped[str | None] = mapped_column(String(200))
    sponsor_bin: Mapped[str | None] = mapped_column(String(12))


class Media(IdMixin, CreatedMixin, Base):
    """An uploaded image, decoded and re-encoded without metadata before it is stored."""

    __tablename__ = "media"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("content_item.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the stored, re-encoded file
    upload_sha256: Mapped[str | None] = mapped_column(String(64))  # of the file as uploaded
    pdq: Mapped[str | None] = mapped_column(String(64))  # perceptual hash, for hash banks
    pdq_quality: Mapped[int] = mapped_column(Integer, default=0)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)


class LegalHold(IdMixin, CreatedMixin, Base):
    """Evidence kept: while a hold is in force nobody, the author included, deletes or edits the item
    (escalations to law enforcement, orders of state bodies)."""

    __tablename__ = "legal_hold"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("content_item.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(32))  # escalation, order, moderation
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    released_at: Mapped[datetime | None]
    released_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    release_reason: Mapped[str] = mapped_column(String(500), default="")
