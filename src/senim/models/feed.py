"""What a user chose not to see (LAW-52: limit the display of content one is not interested in)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from senim.models.base import Base, CreatedMixin, IdMixin


class HiddenKind(StrEnum):
    post = "post"
    author = "author"
    community = "community"


class HiddenItem(IdMixin, CreatedMixin, Base):
    __tablename__ = "hidden_item"
    __table_args__ = (UniqueConstraint("user_id", "target_type", "target_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[HiddenKind] = mapped_column(String(16))
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid)
