"""API schemas of escalations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class EscalationCreate(BaseModel):
    category: str = Field(max_length=64, description="A taxonomy category that threatens life or safety.")
    reason: str = Field(min_length=1, max_length=2000)


class EscalationRead(BaseModel):
    id: uuid.UUID
    item_id: uuid.UUID
    category: str
    source: str
    status: str
    created_at: datetime
    dispatched_at: datetime | None
    acknowledged_at: datetime | None
    confirm_by: datetime | None = Field(description="Awaiting confirmation: sent automatically at this time.")
    reviewed_at: datetime | None


class EscalationList(BaseModel):
    items: list[EscalationRead]


class EscalationDetail(BaseModel):
    escalation: EscalationRead
    notification: dict[str, Any] = Field(description="What, where, when, the account, the evidence, why.")


class Acknowledgement(BaseModel):
    reference: str = Field(default="", max_length=500, description="The recipient's own reference number.")


class EscalationReview(BaseModel):
    note: str = Field(default="", max_length=500, description="Why; required to decline.")
