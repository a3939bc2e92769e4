"""Detection rules, their versions, and the signals they produce (issue 5)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.models.base import Base, CreatedMixin, IdMixin


class DetectionRule(IdMixin, CreatedMixin, Base):
    __tablename__ = "detection_rule"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # detection.rules.RuleStatus
    version: Mapped[int] = mapped_column(Integer, default=1)  # the version in force
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DetectionRuleVersion(IdMixin, CreatedMixin, Base):
    __tablename__ = "detection_rule_version"
    __table_args__ = (UniqueConstraint("rule_id", "version"),)

    rule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("detection_rule.id"))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class Signal(IdMixin, CreatedMixin, Base):
    """What a rule found in a post or comment, a profile or a community: category, score, evidence
    spans, the rule and version, and whether it ran in shadow (recorded, acted on nothing)."""

    __tablename__ = "signal"
    __table_args__ = (
        Index("ix_signal_item_created", "item_id", "created_at"),
        Index("ix_signal_created_at", "created_at"),  # the transparency report's period scans
    )

    subject: Mapped[str] = mapped_column(String(16), default="item")  # item | account | community
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("content_item.id"))
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    community_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("community.id"), index=True)
    rule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("detection_rule.id"), index=True)
    rule_version: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(64))
    score: Mapped[float]
    evidence: Mapped[list[Any]]  # [{"start": int, "end": int, "matcher": str}], spans in the scanned text
    shadow: Mapped[bool] = mapped_column(default=False)
    action: Mapped[str | None] = mapped_column(String(32))  # what a live rule did


class HashBank(IdMixin, CreatedMixin, Base):
    """A list of known images (HMA's "bank"): exact SHA-256 file hashes and PDQ perceptual hashes that a
    rule's ``hashes`` matcher compares every uploaded image with."""

    __tablename__ = "hash_bank"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped on every change: the index cache key
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class HashBankEntry(IdMixin, CreatedMixin, Base):
    __tablename__ = "hash_bank_entry"
    __table_args__ = (UniqueConstraint("bank_id", "kind", "hash"),)

    bank_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hash_bank.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # pdq | sha256
    hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500), default="")
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
