"""Escalations of content that threatens life or safety to law enforcement (LAW-19)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.models.base import Base, IdMixin


class EscalationStatus(StrEnum):
    awaiting_confirmation = "awaiting_confirmation"  # a safety officer confirms before ``confirm_by``
    open = "open"  # created (or confirmed); the notification job is queued
    dispatched = "dispatched"  # the notification is queued for every channel; waiting for acknowledgement
    acknowledged = "acknowledged"  # the recipient confirmed receipt
    declined = "declined"  # a safety officer found no threat before dispatch; nothing was sent


class Escalation(IdMixin, Base):
    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_status_created", "status", "created_at"),)

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("content_item.id"), index=True)
    category: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32))  # detection | moderator
    reason: Mapped[str] = mapped_column(Text)
    signal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("signal.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("moderation_case.id"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[EscalationStatus] = mapped_column(String(32), default=EscalationStatus.open)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledgement: Mapped[str] = mapped_column(String(500), default="")  # the recipient's reference
    # A rule that asks for confirmation: dispatched at ``confirm_by`` unless a safety officer acts first.
    confirm_by: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    review_note: Mapped[str] = mapped_column(String(500), default="")
