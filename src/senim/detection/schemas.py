"""API schemas of detection rules and signals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from senim.detection.rules import RuleStatus


class RuleRead(BaseModel):
    name: str
    status: str
    version: int
    spec: dict[str, Any]
    updated_at: datetime


class RuleList(BaseModel):
    items: list[RuleRead]


class RuleSave(BaseModel):
    spec: dict[str, Any] = Field(description="The rule (see docs/detection.md): category, matchers, action.")
    note: str = Field(default="", max_length=500)


class RuleMove(BaseModel):
    status: RuleStatus


class SignalRead(BaseModel):
    id: uuid.UUID
    rule: str
    rule_version: int
    category: str
    score: float
    evidence: list[dict[str, Any]]
    shadow: bool
    action: str | None
    created_at: datetime


class SignalList(BaseModel):
    items: list[SignalRead]


class BankCreate(BaseModel):
    name: str = Field(
        max_length=64, description="3 to 64 lower-case letters, digits, dots, dashes, underscores."
    )
    description: str = Field(default="", max_length=500)


class BankRead(BaseModel):
    name: str
    description: str
    version: int
    entries: int
    updated_at: datetime


class BankList(BaseModel):
    items: list[BankRead]


class BankImport(BaseModel):
    list: str = Field(
        min_length=1,
        max_length=20_000_000,
        description="A hash list: CSV (kind,hash,note) or JSON (format senim-hashlist-1).",
    )
    default_kind: Literal["pdq", "sha256"] | None = Field(
        default=None, description="The kind of bare hashes (both kinds are 64 hex digits)."
    )


class BankImported(BaseModel):
    added: int
