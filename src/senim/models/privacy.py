"""Personal data protection (issue 8): consent records, the data subject's requests with their statutory
clocks, the register of breaches, and the log of staff views of a person's personal data."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.models.base import Base, CreatedMixin, IdMixin


class Consent(IdMixin, Base):
    """A person's consent to the processing of their personal data, with what the Personal Data Law asks a
    consent to state (LAW-73): the operator and its BIN, the subject, the duration, whether data go to third
    parties or abroad, what is published, and the list of data; given by a verifiable method."""

    __tablename__ = "consent"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    operator_name: Mapped[str] = mapped_column(String(300))
    operator_bin: Mapped[str] = mapped_column(String(12))
    policy_version: Mapped[str] = mapped_column(String(32))  # the privacy policy accepted with it
    language: Mapped[str] = mapped_column(String(8))
    data_list: Mapped[list[Any]]  # the classes of personal data (privacy.policy.DATA_CLASSES keys)
    purposes: Mapped[list[Any]]
    duration: Mapped[str] = mapped_column(String(32))  # privacy.policy.DURATIONS key
    third_parties: Mapped[bool] = mapped_column(default=False)
    cross_border: Mapped[bool] = mapped_column(default=False)
    published: Mapped[list[Any]]  # what is published in public sources (display name, bio, posts)
    method: Mapped[str] = mapped_column(String(32))  # web_form | platform
    text_sha256: Mapped[str] = mapped_column(String(64))  # of the terms stated (privacy.policy.terms_sha256)
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]


class SubjectRequestKind(StrEnum):
    withdraw_consent = "withdraw_consent"  # LAW-75: stop processing or a reasoned refusal, 15 working days
    block = "block"  # LAW-76: block data processed unlawfully, 1 working day
    destroy = "destroy"  # LAW-76: destroy data processed unlawfully, 1 working day
    correct = "correct"  # LAW-76: correct or supplement data the person cannot edit themselves, 1 working day


class SubjectRequestStatus(StrEnum):
    received = "received"
    done = "done"  # granted: what was done is recorded
    refused = "refused"  # with reasons


class SubjectRequest(IdMixin, Base):
    """A request of the data subject about their personal data, answered by the data protection officer
    within its statutory clock (working days, Kazakhstan calendar)."""

    __tablename__ = "subject_request"
    __table_args__ = (Index("ix_subject_request_status_due", "status", "due_at"),)

    number: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[SubjectRequestKind] = mapped_column(String(24))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SubjectRequestStatus] = mapped_column(String(16), default=SubjectRequestStatus.received)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    answer: Mapped[str] = mapped_column(Text, default="")  # what was done, or the reasons for refusing
    breached_at: Mapped[datetime | None]


class BreachStatus(StrEnum):
    open = "open"
    closed = "closed"


class Breach(IdMixin, CreatedMixin, Base):
    """A breach of the confidentiality of personal data (LAW-29, 76): when it was detected, what it touched,
    whom, what was done; the affected people told at once and the personal-data authority within one
    working day, with the responsible person's contact."""

    __tablename__ = "breach"

    number: Mapped[str] = mapped_column(String(16), unique=True)
    detected_at: Mapped[datetime]
    description: Mapped[str] = mapped_column(Text)
    data_classes: Mapped[list[Any]]
    affected_ids: Mapped[list[Any]]  # account ids; empty with affects_all
    affects_all: Mapped[bool] = mapped_column(default=False)
    measures: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    authority_due_at: Mapped[datetime]
    users_notified_at: Mapped[datetime | None]
    users_notified: Mapped[int] = mapped_column(default=0)
    authority_notified_at: Mapped[datetime | None]
    # How the authority was told: "email" (sent to SENIM_PD_AUTHORITY_EMAIL) or the other channel the data
    # protection officer recorded; the e-mail's failure (attempts spent), when it failed.
    authority_channel: Mapped[str] = mapped_column(String(300), default="")
    authority_failed_at: Mapped[datetime | None]
    warned_at: Mapped[datetime | None]  # the authority's clock runs out (2 hours before its due time)
    escalated_at: Mapped[datetime | None]  # past the due time without the authority's notice
    status: Mapped[BreachStatus] = mapped_column(String(16), default=BreachStatus.open)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    closing_note: Mapped[str] = mapped_column(Text, default="")


class AccessLogEntry(IdMixin, Base):
    """A staff member looked at a person's personal data, and why (reviewed by the data protection
    officer)."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_subject_at", "subject_id", "at"),)

    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    purpose: Mapped[str] = mapped_column(String(32))  # privacy.policy.PURPOSES key
    note: Mapped[str] = mapped_column(String(500), default="")
    fields: Mapped[list[Any]]  # what was shown
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
