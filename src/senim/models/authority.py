"""Orders and requests of state bodies (issue 7): what arrived, on what legal basis, about what, by when,
and what became of it; the documents of a letter entered by a legal officer; the secrets with which a
body signs the requests it sends through the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.kit.encrypted import Encrypted
from senim.models.base import Base, CreatedMixin, IdMixin


class OrderStatus(StrEnum):
    received = "received"  # its clock runs; a legal officer reviews the basis
    accepted = "accepted"  # the basis is verified; the measures are being taken
    rejected = "rejected"  # the basis is not verified: the reasons go back to the body
    executed = "executed"  # the measures are taken; the clock stopped


class StateOrder(IdMixin, CreatedMixin, Base):
    __tablename__ = "state_order"
    __table_args__ = (Index("ix_state_order_status_due", "status", "due_at"),)

    number: Mapped[str] = mapped_column(String(16), unique=True)  # "O-XXXX-XXXX", given to the body
    principal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    issuing_body: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))  # authority.policy.OrderKind
    reference: Mapped[str] = mapped_column(String(200), default="")  # the body's own number
    basis_type: Mapped[str] = mapped_column(String(32))  # court_act | request | order | law_article
    basis_number: Mapped[str] = mapped_column(String(200), default="")
    basis_date: Mapped[str | None] = mapped_column(String(10))  # ISO date
    basis_article: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str | None] = mapped_column(String(64))  # taxonomy key, for restriction orders
    measures: Mapped[list[Any]]  # what the body asks for (policy.MEASURES)
    requested_fields: Mapped[list[Any]]  # user-data requests: the fields named
    targets: Mapped[list[Any]]  # [{"type": "item"|"account"|"url", "id"|"url": ...}]
    note: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(16))  # api | letter
    signature_verified: Mapped[bool] = mapped_column(default=False)
    entered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    warn_at: Mapped[datetime]
    warned_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]  # the sweep escalated it after the deadline passed
    status: Mapped[OrderStatus] = mapped_column(String(16), default=OrderStatus.received)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    executed_at: Mapped[datetime | None]
    outcome: Mapped[list[Any]] = mapped_column(default=list)  # per target and measure, what was done
    affected_told: Mapped[bool] = mapped_column(default=True)  # were the affected people sent the statement
    not_told_reason: Mapped[str] = mapped_column(Text, default="")  # why not, when the law keeps it from them
    answer: Mapped[str] = mapped_column(Text, default="")  # the information given, for a request to inform
    # The days a request for the number of users per day asks about (LAW-25), ISO dates.
    period_start: Mapped[str | None] = mapped_column(String(10))
    period_end: Mapped[str | None] = mapped_column(String(10))


class OrderDocument(IdMixin, CreatedMixin, Base):
    """A scanned page or PDF of a letter a legal officer entered (images re-encoded without metadata)."""

    __tablename__ = "state_order_document"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("state_order.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)


class SigningSecret(IdMixin, CreatedMixin, Base):
    """The secret a state body signs its API requests with (HMAC-SHA256 of the body, the same scheme as
    Senim's webhooks); shown once when issued, kept to verify; one in force per body."""

    __tablename__ = "signing_secret"

    principal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    secret: Mapped[str] = mapped_column(String(128))
    prefix: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None]


class MeasuresReport(IdMixin, CreatedMixin, Base):
    """A report to the authorized body of the measures taken against unlawful content in a period
    (LAW-20): decisions by category and action, orders executed with their times, escalations."""

    __tablename__ = "measures_report"

    period_start: Mapped[str] = mapped_column(String(10), unique=True)  # ISO dates, Asia/Almaty days
    period_end: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict[str, Any]]
    sent_at: Mapped[datetime | None]


class DisclosureStatus(StrEnum):
    awaiting_approval = "awaiting_approval"  # prepared by one legal officer; a second person must approve
    returned = "returned"  # the approver sent it back with reasons; nothing was disclosed
    approved = "approved"  # the package is built and encrypted; its delivery job is queued
    delivered = "delivered"  # the body was told the package is ready (webhook or e-mail)
    acknowledged = "acknowledged"  # the body confirmed it received the package


class Disclosure(IdMixin, CreatedMixin, Base):
    """A disclosure of information about users to a state body on a lawful basis (LAW-23): prepared by one
    legal officer, approved by another person (four eyes), built as a minimal package (only the fields the
    request names) in an encrypted archive whose password travels separately."""

    __tablename__ = "disclosure"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("state_order.id"), index=True)
    status: Mapped[DisclosureStatus] = mapped_column(String(24), default=DisclosureStatus.awaiting_approval)
    fields: Mapped[list[Any]]  # the requested fields to be given
    withheld: Mapped[list[Any]]  # [{"field": ..., "reason": ...}]: requested, and not given, with why
    prepared_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    return_reason: Mapped[str] = mapped_column(Text, default="")
    # The affected people are told, unless the preparer records the law that keeps it from them.
    tell_affected: Mapped[bool] = mapped_column(default=True)
    not_told_reason: Mapped[str] = mapped_column(Text, default="")
    # How the archive's password reaches the body, apart from the archive (never stored itself).
    password_channel: Mapped[str] = mapped_column(String(300), default="")
    archive_key: Mapped[str | None] = mapped_column(String(200))
    archive_sha256: Mapped[str | None] = mapped_column(String(64))
    archive_size: Mapped[int | None] = mapped_column(Integer)
    manifest: Mapped[dict[str, Any]] = mapped_column(default=dict)  # file name -> SHA-256, inside the archive
    delivered_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class DailyUserCount(IdMixin, Base):
    """The number of users located in Kazakhstan on one day (LAW-12, 25): counted by Senim from the day's
    presence, or reported by the integrating platform."""

    __tablename__ = "daily_user_count"

    day: Mapped[str] = mapped_column(String(10), unique=True)  # ISO date, Asia/Almaty
    users: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(80))  # the location methods used, or "platform_figures"
    source: Mapped[str] = mapped_column(String(16))  # senim | platform
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserPresence(Base):
    """That someone used the platform on a day, and whether from Kazakhstan: one row per person (or, for
    visitors not signed in, per keyed hash of address and browser) a day. No address or id is stored: the
    visitor key is an HMAC that changes with the secret; rows are deleted once the day is counted."""

    __tablename__ = "user_presence"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    visitor: Mapped[str] = mapped_column(String(64), primary_key=True)
    in_kazakhstan: Mapped[bool | None]  # None: no method could tell


class ThresholdAlert(IdMixin, Base):
    """The month whose average daily users in Kazakhstan passed 100,000 (LAW-10), told to administrators
    once."""

    __tablename__ = "threshold_alert"

    month: Mapped[str] = mapped_column(String(7), unique=True)  # YYYY-MM
    average: Mapped[float]
    alerted_at: Mapped[datetime] = mapped_column(default=utcnow)


class LegalRepresentative(IdMixin, CreatedMixin, Base):
    """The platform's legal representative in Kazakhstan (LAW-10), whose details go to the authorized
    body's register (LAW-11); the one with no ``ended_at`` is in office."""

    __tablename__ = "legal_representative"

    # The person's details are encrypted at rest (docs/privacy.md).
    name: Mapped[str] = mapped_column(Encrypted("legal_representative.name"))
    kind: Mapped[str] = mapped_column(String(16))  # individual | legal_entity
    # IIN of a person or BIN of a legal entity
    identifier: Mapped[str] = mapped_column(Encrypted("legal_representative.identifier"))
    address: Mapped[str] = mapped_column(Encrypted("legal_representative.address"))
    email: Mapped[str] = mapped_column(Encrypted("legal_representative.email"))
    phone: Mapped[str] = mapped_column(Encrypted("legal_representative.phone"))
    power_of_attorney: Mapped[str] = mapped_column(String(300))  # the document that appoints them
    appointed_on: Mapped[str] = mapped_column(String(10))  # ISO date
    tax_body: Mapped[bool] = mapped_column(default=True)  # also deals with the state revenue body (2026)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    ended_at: Mapped[datetime | None]
