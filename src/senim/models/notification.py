"""In-app notices and webhook endpoints. Delivery itself is always a job."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from senim.models.base import Base, CreatedMixin, IdMixin


class Notification(IdMixin, CreatedMixin, Base):
    """An in-app notice; ``kind`` is a message id rendered in the reader's language with ``params``."""

    __tablename__ = "notification"
    # A reader's notices, newest first (the list and the unread count both start from user_id).
    __table_args__ = (Index("ix_notification_user_created", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # Message ids are whole English sentences with {placeholders}, so they need more than a short code.
    kind: Mapped[str] = mapped_column(String(255))
    params: Mapped[dict[str, Any]]
    link: Mapped[str | None] = mapped_column(String(500))
    read_at: Mapped[datetime | None]


class WebhookEndpoint(IdMixin, CreatedMixin, Base):
    """Where an integrating platform or external body receives signed events."""

    __tablename__ = "webhook_endpoint"

    principal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(128))
    events: Mapped[list[Any]]
    active: Mapped[bool] = mapped_column(default=True)
