"""API schemas of complaints and the complaint rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from senim.moderation.policy import TargetKind


class ComplaintCreate(BaseModel):
    subject: TargetKind = Field(description="What the complaint is about.")
    category: str = Field(min_length=1, max_length=64, description="A category key of the complaint rules.")
    description: str = Field(
        min_length=1, max_length=5000, description="The complaint in the person's words."
    )
    target_id: uuid.UUID | None = Field(
        default=None, description="The post, comment, account, community or decision complained of."
    )
    target_external_id: str | None = Field(
        default=None,
        max_length=200,
        description="Integrating platforms: the external id of their pushed item (instead of target_id).",
    )
    target_ref: str = Field(default="", max_length=500, description="The page or action, for the interface.")
    why_false: str = Field(default="", max_length=2000, description="False information: why it is false.")
    concerns_me: bool = Field(
        default=False, description="The complainant is the person the content is about."
    )
    reporter_external_id: str | None = Field(
        default=None, max_length=200, description="Integrating platforms: their user who complains."
    )
    language: str = Field(default="kk", pattern="^(kk|ru|en)$", description="The language of the answer.")


class ComplaintRead(BaseModel):
    number: str = Field(description="The tracking number.")
    status: str
    subject: str
    category: str
    rules_version: int
    target_id: uuid.UUID | None
    received_at: datetime
    due_at: datetime | None = Field(description="The answer is due by then (LAW-32).")
    answered_at: datetime | None
    outcome: str | None
    decision_id: uuid.UUID | None = Field(description="The decision the answer is based on.")
    answer: str | None = Field(description="The reasoned answer as it was given.")


class ComplaintList(BaseModel):
    items: list[ComplaintRead]


class RulesRead(BaseModel):
    version: int
    rules: dict[str, Any]


class RulesUpdate(BaseModel):
    rules: dict[str, Any]
    note: str = Field(default="", max_length=500)


class EvidenceRead(BaseModel):
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class EvidenceList(BaseModel):
    items: list[EvidenceRead]
