"""API shapes for the job queue (the console's view of background work)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from senim.models import JobStatus


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    status: JobStatus
    priority: int = Field(description="Lower runs first: 0 urgent, 10 high, 50 normal, 90 bulk")
    payload: dict[str, Any] = Field(description="Ids and parameters only; payloads carry no personal data")
    run_at: datetime = Field(description="Not before this time (also the next attempt after a failure)")
    attempts: int
    max_attempts: int
    idempotency_key: str
    locked_by: str | None = Field(description="The worker running the job")
    locked_until: datetime | None = Field(
        description="The running worker's lease; past it, the job is retried"
    )
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None
    request_id: str | None = Field(description="The request that enqueued the job")


class JobCounts(BaseModel):
    pending: int
    running: int
    succeeded: int
    dead: int
    cancelled: int
