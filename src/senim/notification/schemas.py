"""API shapes for notices and webhook endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from senim.notification.policy import MAX_EVENTS, MAX_URL_LENGTH


class NotificationRead(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="The English message id; `text` is it rendered in the reader's language.")
    params: dict[str, Any]
    text: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationsMarked(BaseModel):
    marked: int = Field(description="How many unread notices were marked read.")


class WebhookCreate(BaseModel):
    principal_id: uuid.UUID = Field(description="The external principal that receives the events.")
    url: str = Field(
        max_length=MAX_URL_LENGTH, description="https:// address (http:// also outside production)"
    )
    events: list[str] = Field(
        max_length=MAX_EVENTS, description='Event names such as "decision.recorded", or ["*"] for all events.'
    )


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    principal_id: uuid.UUID
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class WebhookIssued(WebhookRead):
    secret: str = Field(description="The signing secret. It is shown only on creation and rotation.")
