"""API schemas of detection rules and signals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

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
