"""Transparency records: the risk register and published reports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.models.base import Base, CreatedMixin, IdMixin

# --- the risk register (LAW-37: "systemic risks identified and measures taken") ---------------------


class RiskCategory(StrEnum):
    unlawful_content = "unlawful_content"
    harm_to_minors = "harm_to_minors"
    disinformation = "disinformation"
    privacy = "privacy"
    advertising = "advertising"
    platform_manipulation = "platform_manipulation"
    fundamental_rights = "fundamental_rights"  # over-removal, freedom of expression, discrimination
    other = "other"


class RiskStatus(StrEnum):
    identified = "identified"  # recorded, no measure decided yet
    mitigating = "mitigating"  # measures under way
    accepted = "accepted"  # the remaining risk is accepted as it is (kept under review)
    closed = "closed"  # no longer a risk; kept for the record


class Risk(IdMixin, CreatedMixin, Base):
    """A systemic risk of the platform, how likely and how grave it is, what is done about it and who owns
    it. Every change is an audit record (``risk:create``, ``risk:update``, ``risk:close``) with the fields
    it changed, so the register's history is the audit log's."""

    __tablename__ = "risk"
    __table_args__ = (Index("ix_risk_status_score", "status", "score"),)

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[RiskCategory] = mapped_column(String(32))
    likelihood: Mapped[int] = mapped_column(Integer)  # 1 (rare) to 5 (almost certain)
    impact: Mapped[int] = mapped_column(Integer)  # 1 (minor) to 5 (severe)
    score: Mapped[int] = mapped_column(Integer)  # transparency.risk_policy.score(likelihood, impact)
    mitigations: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[RiskStatus] = mapped_column(String(16), default=RiskStatus.identified)
    identified_on: Mapped[date]
    reviewed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]
    closing_note: Mapped[str] = mapped_column(Text, default="")  # why it is no longer a risk


# --- published reports ------------------------------------------------------------------------------


class ReportStatus(StrEnum):
    draft = "draft"  # staff only; rebuilt in place until it is published
    published = "published"  # public and frozen: never changed again (a rebuild makes a new version)


class TransparencyReport(IdMixin, CreatedMixin, Base):
    """One version of the annual transparency report (LAW-37): the year's figures as language-independent
    JSON (``senim.transparency.aggregation.figures`` plus the risk register's entries), their content hash,
    and whether it is a draft or published (and by whom, when). Rendered in kk/ru/en from the figures."""

    __tablename__ = "transparency_report"
    __table_args__ = (UniqueConstraint("year", "version"), Index("ix_transparency_report_status", "status"))

    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[ReportStatus] = mapped_column(String(16), default=ReportStatus.draft)
    figures: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(80))  # "sha256:<hex>" of the canonical figures JSON
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
    built_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


# --- the public database of statements of reasons (LAW-37) -------------------------------------------


class PublicStatement(Base):
    """The public record of one moderation decision that restricted something, written once, in the
    decision's transaction (``senim.transparency.statements.public_statement_service.record``), with its
    free text masked from what was known then: renaming or deleting an account, deleting the content or
    erasing a complaint's contact details later never unmasks anything. Its only date is the day (Asia/
    Almaty); the text fields keep the source wording (a canned text is translated when read)."""

    __tablename__ = "public_statement"
    __table_args__ = (Index("ix_public_statement_day_decision", "day", "decision_id"),)

    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decision.id"), primary_key=True)
    day: Mapped[date]  # the day of the decision in Asia/Almaty, no time of day
    content_type: Mapped[str] = mapped_column(String(16))  # post | comment | account | community
    had_images: Mapped[bool] = mapped_column(default=False)
    action: Mapped[str] = mapped_column(String(32))  # moderation.policy.Action
    ground_kind: Mapped[str | None] = mapped_column(String(8))  # law | terms
    category: Mapped[str | None] = mapped_column(String(64))
    taxonomy_version: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(32))  # moderation.policy.Source
    automated_detection: Mapped[bool] = mapped_column(default=False)
    automated_decision: Mapped[str] = mapped_column(String(16))  # fully | partially | not
    legal_basis: Mapped[str] = mapped_column(Text, default="")  # masked
    terms_clause: Mapped[str] = mapped_column(Text, default="")  # masked
    masked_text: Mapped[str] = mapped_column(Text)  # the facts and reasons, masked
    # The record's public text (ground, facts, action, category, source) in every interface language,
    # case-folded: what a search ("q") matches, never the personal data masked out of it.
    search_text: Mapped[str] = mapped_column(Text, default="")
