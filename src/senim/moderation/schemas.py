"""API schemas of cases, decisions, statements and appeals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from senim.moderation.policy import Action, GroundKind, TargetKind


class CaseRead(BaseModel):
    id: uuid.UUID
    kind: str
    status: str
    subject: str
    target_id: uuid.UUID | None
    source: str
    queue: str
    priority: int
    language: str | None
    opened_at: datetime
    due_at: datetime | None
    escalated: bool
    assignee_id: uuid.UUID | None
    interim_hidden: bool
    complaints: int = 0


class CaseList(BaseModel):
    items: list[CaseRead]


class CaseOpen(BaseModel):
    subject: TargetKind = Field(description="item, account or community")
    target_id: uuid.UUID
    note: str = Field(default="", max_length=1000)


class EscalationCreate(BaseModel):
    note: str = Field(min_length=1, max_length=1000)


class DecisionCreate(BaseModel):
    action: Action
    ground_kind: GroundKind | None = None
    category: str | None = Field(default=None, max_length=64, description="Taxonomy key (law ground).")
    terms_clause: str | None = Field(default=None, max_length=200)
    facts: str = Field(max_length=5000, description="Facts and reasons, shown in the statement of reasons.")
    age_sign: str | None = Field(default=None, max_length=4)
    label: str | None = Field(default=None, max_length=32)
    suspend_days: int | None = Field(default=None, ge=1, le=3650, description="Empty: permanent.")
    note: str = Field(default="", max_length=2000, description="Added to the answer to complainants.")
    unfounded: bool = Field(default=False, description="The complaints were manifestly unfounded.")


class AppealDecisionCreate(BaseModel):
    reverse: bool
    facts: str = Field(max_length=5000)
    replacement: DecisionCreate | None = Field(
        default=None, description="When reversing a 'no violation' decision: the decision that replaces it."
    )


class StatementRead(BaseModel):
    kind: str
    language: str
    body: str
    created_at: datetime


class DecisionRead(BaseModel):
    id: uuid.UUID
    subject: str
    target_id: uuid.UUID | None
    action: str
    age_sign: str | None
    label: str | None
    restriction_until: datetime | None
    ground_kind: str | None
    category: str | None
    taxonomy_version: str | None
    legal_basis: str
    terms_clause: str
    facts: str
    source: str
    automated_detection: bool
    automated_decision: str
    decided_at: datetime
    status: str
    appealable_until: datetime | None
    statements: list[StatementRead]


class AppealCreate(BaseModel):
    reason: str = Field(max_length=5000)


class AppealRead(BaseModel):
    id: uuid.UUID
    decision_id: uuid.UUID
    status: str
    received_at: datetime
    due_at: datetime | None
    outcome: str | None


class DsaStatement(BaseModel):
    statement: dict[str, Any]
    problems: dict[str, list[str]]
