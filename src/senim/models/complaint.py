"""Complaints (LAW-13, 31, 32), their evidence, and the versions of the owner's complaint rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine.interfaces import ExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, validates

from senim.kit import deadlines
from senim.kit.clock import utcnow
from senim.kit.encrypted import Encrypted, blind_index, normalise_email
from senim.models.base import Base, CreatedMixin, IdMixin


class ComplaintStatus(StrEnum):
    unverified = "unverified"  # filed by a visitor; waits for the e-mail address to be confirmed
    received = "received"  # acknowledged, waiting in a case
    answered = "answered"  # the reasoned answer is given (LAW-32)


class ComplaintOutcome(StrEnum):
    upheld = "upheld"  # a restriction was applied
    rejected = "rejected"  # no violation found
    resolved = "resolved"  # nothing left to decide (the author deleted the content, a duplicate, ...)


class ComplaintRuleSet(IdMixin, CreatedMixin, Base):
    """One version of the owner's complaint rules (``senim.complaint.rules.RuleSet`` as JSON)."""

    __tablename__ = "complaint_rule_set"

    version: Mapped[int] = mapped_column(Integer, unique=True)
    rules: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


def legal_answer_due(received_at: datetime) -> datetime:
    """The statutory answer deadline of a complaint received at ``received_at`` (LAW-32): the end of the
    Almaty day 20 calendar days after the day of receipt (``deadlines.RULES["complaint_answer"]``)."""
    return deadlines.RULES["complaint_answer"].due_at(received_at)


def _legal_due_default(context: ExecutionContext) -> datetime:
    """An insert that gives no ``legal_due_at`` gets the one of its ``received_at`` (bulk loads, fixtures)."""
    received = context.get_current_parameters().get("received_at")  # type: ignore[attr-defined]
    return legal_answer_due(received if isinstance(received, datetime) else utcnow())


class Complaint(IdMixin, Base):
    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_complainant_received", "complainant_id", "received_at"),)

    number: Mapped[str] = mapped_column(String(16), unique=True)  # the tracking number people see
    status: Mapped[ComplaintStatus] = mapped_column(String(16), default=ComplaintStatus.received)
    complainant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    # Filed by an integrating platform for one of its users (external id) ...
    platform_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    external_reporter_id: Mapped[str | None] = mapped_column(String(200))
    # ... or by a person without an account (false information about them, LAW-46): name and address,
    # encrypted at rest; the address is looked up by its blind index (kept in step when it is set).
    contact_name: Mapped[str | None] = mapped_column(Encrypted("complaint.contact_name"))
    contact_email: Mapped[str | None] = mapped_column(Encrypted("complaint.contact_email"))
    contact_email_index: Mapped[str | None] = mapped_column(String(64), index=True)
    verify_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(32))  # moderation.policy.TargetKind
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("content_item.id"), index=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    community_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("community.id"), index=True)
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"), index=True)
    target_ref: Mapped[str] = mapped_column(String(500), default="")  # the page or action complained of
    category: Mapped[str] = mapped_column(String(64))
    rules_version: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]]  # the category's required fields (why it is false, ...)
    language: Mapped[str] = mapped_column(String(8))  # the answer's language
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("moderation_case.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    due_at: Mapped[datetime | None]  # the answer is due by then: the category's time, never after the law's
    # The law's own deadline (LAW-32), fixed at receipt: what the transparency report counts answers within.
    legal_due_at: Mapped[datetime] = mapped_column(default=_legal_due_default)
    answered_at: Mapped[datetime | None] = mapped_column(index=True)
    outcome: Mapped[ComplaintOutcome | None] = mapped_column(String(16))
    answer_decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"))
    manifestly_unfounded: Mapped[bool] = mapped_column(default=False)

    @staticmethod
    def email_index(email: str) -> str:
        """The blind index of a contact address: ``Complaint.contact_email_index == email_index(...)``."""
        return blind_index(normalise_email(email), "complaint.contact_email")

    @validates("contact_email")
    def _index_contact_email(self, _key: str, value: str | None) -> str | None:
        self.contact_email_index = None if value is None else self.email_index(value)
        return value


class ComplaintEvidence(IdMixin, CreatedMixin, Base):
    """A file attached to a complaint: an image (re-encoded without metadata) or a PDF."""

    __tablename__ = "complaint_evidence"

    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaint.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
