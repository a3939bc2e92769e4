"""Accounts (people, staff and external principals), sessions, API tokens, document acceptances."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import age_on, today_in, utcnow
from senim.kit.encrypted import Encrypted, EncryptedDate
from senim.models.base import Base, CreatedMixin, IdMixin

MINOR_AGE = 18  # a person under 18 full years is a minor (re-exported by account.policy)


class Role(StrEnum):
    user = "user"
    moderator = "moderator"
    senior_moderator = "senior_moderator"
    safety_officer = "safety_officer"
    legal_officer = "legal_officer"
    data_protection_officer = "data_protection_officer"
    ads_reviewer = "ads_reviewer"
    administrator = "administrator"
    auditor = "auditor"
    authorized_body = "authorized_body"
    law_enforcement = "law_enforcement"
    integrating_platform = "integrating_platform"


STAFF_ROLES = frozenset(
    {
        Role.moderator,
        Role.senior_moderator,
        Role.safety_officer,
        Role.legal_officer,
        Role.data_protection_officer,
        Role.ads_reviewer,
        Role.administrator,
        Role.auditor,
    }
)
EXTERNAL_ROLES = frozenset({Role.authorized_body, Role.law_enforcement, Role.integrating_platform})
# External principals that act only through API tokens; the authorized body's people also sign in to its
# portal with a password.
TOKEN_ONLY_ROLES = EXTERNAL_ROLES - {Role.authorized_body}


class AccountStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    deleted = "deleted"


class User(IdMixin, CreatedMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("platform_id", "external_id"),)

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    # Personal data is encrypted at rest (docs/privacy.md): e-mail, phone and date of birth.
    email: Mapped[str | None] = mapped_column(Encrypted("user_account.email"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(32), default=Role.user)
    status: Mapped[AccountStatus] = mapped_column(String(16), default=AccountStatus.active)
    language: Mapped[str] = mapped_column(String(8), default="kk")
    bio: Mapped[str] = mapped_column(Text, default="")
    date_of_birth: Mapped[date | None] = mapped_column(EncryptedDate("user_account.date_of_birth"))
    # Where the account holder says they live (ISO 3166 alpha-2) and their phone (E.164), when an integrating
    # platform passes them: two of the ways of deciding who is in Kazakhstan (LAW-12); Senim's own sign-up
    # asks for neither.
    country: Mapped[str | None] = mapped_column(String(3))
    phone: Mapped[str | None] = mapped_column(Encrypted("user_account.phone"))
    platform_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    external_id: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Languages a staff member reads (moderation routing, LAW-09a), e.g. ["kk", "ru"].
    languages: Mapped[list[Any]] = mapped_column(default=list)
    suspended_until: Mapped[datetime | None]  # a suspension for a time; None with status suspended: permanent
    complaints_blocked_until: Mapped[datetime | None]  # after manifestly unfounded complaints

    @property
    def is_minor(self) -> bool:
        """Under 18 today in Almaty, by the date of birth (unknown: not counted as a minor here; the
        protections treat an unknown age like a minor's, ``account.minors``)."""
        return self.date_of_birth is not None and age_on(self.date_of_birth, today_in()) < MINOR_AGE

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_external(self) -> bool:
        return self.role in EXTERNAL_ROLES


class UserSession(IdMixin, CreatedMixin, Base):
    __tablename__ = "user_session"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginAttempt(IdMixin, Base):
    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_key_at", "key_digest", "at"),)

    key_digest: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(IdMixin, CreatedMixin, Base):
    __tablename__ = "api_token"

    principal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[Any]]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class DocumentAcceptance(IdMixin, Base):
    """A user's acceptance of one version of a legal document (LAW-26, LAW-73)."""

    __tablename__ = "document_acceptance"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    text_sha256: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
