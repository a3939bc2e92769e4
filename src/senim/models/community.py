"""Public communities (DEF-08) and their members and community moderators (DEF-09)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.models.base import Base, CreatedMixin, IdMixin


class CommunityStatus(StrEnum):
    active = "active"
    restricted = "restricted"
    removed = "removed"


class MemberRole(StrEnum):
    owner = "owner"
    moderator = "moderator"
    member = "member"


class Community(IdMixin, CreatedMixin, Base):
    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("platform_id", "external_id"),)

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CommunityStatus] = mapped_column(String(16), default=CommunityStatus.active)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    platform_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    external_id: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CommunityMember(IdMixin, Base):
    __tablename__ = "community_member"
    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    community_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(String(16), default=MemberRole.member)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
