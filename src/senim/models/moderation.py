"""Moderation cases and their event thread, decisions, statements of reasons, appeals and strikes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.models.base import Base, CreatedMixin, IdMixin


class CaseKind(StrEnum):
    review = "review"  # is this target in breach? (complaints, detection, own initiative)
    appeal = "appeal"  # is this decision right? (its ``appeal`` row points at the case)


class CaseStatus(StrEnum):
    open = "open"
    closed = "closed"


class DecisionStatus(StrEnum):
    in_force = "in_force"
    reversed = "reversed"  # reversed on appeal: its effects are undone, its strike removed


class StatementKind(StrEnum):
    statement_of_reasons = "statement_of_reasons"  # to the person whose content or account is affected
    complaint_answer = "complaint_answer"  # the reasoned answer to a complainant (LAW-32)
    appeal_answer = "appeal_answer"


class AppealStatus(StrEnum):
    received = "received"
    decided = "decided"


class AppealOutcome(StrEnum):
    upheld = "upheld"
    reversed = "reversed"


class StrikeKind(StrEnum):
    content = "content"  # a breach found in what the person posted
    complaints = "complaints"  # a manifestly unfounded complaint


class ModerationCase(IdMixin, Base):
    __tablename__ = "moderation_case"
    __table_args__ = (Index("ix_moderation_case_queue", "status", "queue", "priority", "due_at"),)

    kind: Mapped[CaseKind] = mapped_column(String(16))
    status: Mapped[CaseStatus] = mapped_column(String(16), default=CaseStatus.open)
    # The target while the case is open ("item:<id>"), NULL once closed: one open case per target.
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    subject: Mapped[str] = mapped_column(String(32))  # moderation.policy.TargetKind
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("content_item.id"), index=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    community_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("community.id"), index=True)
    source: Mapped[str] = mapped_column(String(32))  # moderation.policy.Source
    queue: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer)  # 1 is the most urgent
    language: Mapped[str | None] = mapped_column(String(8))  # the language a moderator must read
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None]
    warn_at: Mapped[datetime | None]
    warned_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    claimed_at: Mapped[datetime | None]
    excluded_moderator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    interim_hidden: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]


class CaseEvent(IdMixin, Base):
    """The append-only thread of a case: opened, complaint joined, claimed, escalated, decided, ..."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case_at", "case_id", "at"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("moderation_case.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    data: Mapped[dict[str, Any]]


class Decision(IdMixin, Base):
    """A moderation decision with everything its statement of reasons is made from (invariant 4)."""

    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_decided_at", "decided_at"),)

    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("moderation_case.id"), index=True)
    subject: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("content_item.id"), index=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    community_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("community.id"), index=True)
    affected_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # moderation.policy.Action
    age_sign: Mapped[str | None] = mapped_column(String(4))
    label: Mapped[str | None] = mapped_column(String(32))
    restriction_until: Mapped[datetime | None]  # end of a suspension, or the author's deadline to delete
    ground_kind: Mapped[str | None] = mapped_column(String(8))  # law | terms
    category: Mapped[str | None] = mapped_column(String(64))  # taxonomy key, frozen ...
    taxonomy_version: Mapped[str | None] = mapped_column(String(16))  # ... with its version
    legal_basis: Mapped[str] = mapped_column(String(500), default="")
    terms_clause: Mapped[str] = mapped_column(String(200), default="")
    facts: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(32))
    source_identity: Mapped[str] = mapped_column(String(200), default="")
    automated_detection: Mapped[bool] = mapped_column(default=False)
    automated_decision: Mapped[str] = mapped_column(String(16), default="not")
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    content_created_at: Mapped[datetime | None]
    content_language: Mapped[str | None] = mapped_column(String(8))
    had_images: Mapped[bool] = mapped_column(default=False)
    status: Mapped[DecisionStatus] = mapped_column(String(16), default=DecisionStatus.in_force)
    appealable_until: Mapped[datetime | None]
    reversed_at: Mapped[datetime | None]
    previous_status: Mapped[str | None] = mapped_column(String(16))  # what a reversal restores
    follows_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"))  # decided on appeal


class Statement(IdMixin, CreatedMixin, Base):
    """A statement of reasons or a reasoned answer, as it was given (text in the reader's language)."""

    __tablename__ = "statement"

    kind: Mapped[StatementKind] = mapped_column(String(32))
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"), index=True)
    complaint_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    appeal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appeal.id"), index=True)
    recipient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)


class Appeal(IdMixin, Base):
    __tablename__ = "appeal"

    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decision.id"), index=True)
    # None for a person without an account who complained and appeals from the link in their e-mail.
    appellant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    appellant_role: Mapped[str] = mapped_column(String(16))  # affected | complainant
    complaint_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("complaint.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[AppealStatus] = mapped_column(String(16), default=AppealStatus.received)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("moderation_case.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    due_at: Mapped[datetime | None]
    outcome: Mapped[AppealOutcome | None] = mapped_column(String(16))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(index=True)
    new_decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"))


class Strike(IdMixin, CreatedMixin, Base):
    __tablename__ = "strike"
    __table_args__ = (Index("ix_strike_user_kind_created", "user_id", "kind", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[StrikeKind] = mapped_column(String(16))
    weight: Mapped[int] = mapped_column(Integer)
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"), index=True)
    complaint_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("complaint.id"))
    removed_at: Mapped[datetime | None]
