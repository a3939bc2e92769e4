"""API shapes for accounts, sessions and tokens."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from senim.models import AccountStatus, Role


class RegistrationCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    display_name: str = Field(default="", max_length=120)
    email: str | None = Field(default=None, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    date_of_birth: date
    language: str = "kk"
    accepted: dict[str, str] = Field(
        description="Document kind → the version the user read and accepted: user_agreement, privacy_policy"
    )


class LoginCreate(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    status: AccountStatus
    language: str
    is_minor: bool
    created_at: datetime


class ProfileRead(UserRead):
    bio: str


class ProfileUpdate(BaseModel):
    """Fields left out keep their value. The service normalises and checks them (display name 1 to 120
    characters, profile text up to 2,000); these bounds only cap the request."""

    display_name: str | None = Field(default=None, max_length=1000)
    bio: str | None = Field(default=None, max_length=20000)


class AccountDelete(BaseModel):
    password: str | None = Field(
        default=None, max_length=256, description="The current password; required when the account has one."
    )


class UserCreate(BaseModel):
    username: str = Field(max_length=64)
    role: Role
    password: str | None = Field(default=None, max_length=256)
    display_name: str | None = Field(default=None, max_length=120)
    email: str | None = Field(default=None, max_length=254)
    language: str = "kk"


class UserUpdate(BaseModel):
    role: Role | None = None
    status: AccountStatus | None = None


class DocumentRead(BaseModel):
    kind: str
    version: str
    language: str
    title: str
    summary: str
    body: str
    sha256: str


class TokenCreate(BaseModel):
    principal_id: uuid.UUID
    name: str = Field(max_length=120)
    scopes: list[str]
    expires_at: datetime | None = None


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    principal_id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenIssued(TokenRead):
    token: str = Field(description="The secret token. It is shown only this once.")
