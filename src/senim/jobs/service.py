"""Enqueueing jobs inside the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from senim.audit.service import request_id_var
from senim.kit.clock import utcnow
from senim.models import Job
from senim.models.job import Priority

NOTIFY_CHANNEL = "senim_jobs"
WAKE_FLAG = "senim_jobs_enqueued"


def enqueue(
    session: Session,
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    priority: int | None = None,
    run_at: datetime | None = None,
    idempotency_key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Write a job row in ``session``'s transaction; it runs only if that transaction commits.

    With an ``idempotency_key`` already used, the existing job is returned and nothing is added.
    """
    from senim.jobs.registry import HANDLERS

    spec = HANDLERS.get(name)
    if idempotency_key is not None:
        existing = session.scalars(select(Job).where(Job.idempotency_key == idempotency_key)).one_or_none()
        if existing is not None:
            return existing
    row = Job(
        id=uuid.uuid4(),
        name=name,
        payload=payload or {},
        priority=priority if priority is not None else (spec.priority if spec else Priority.normal),
        run_at=run_at or utcnow(),
        max_attempts=max_attempts or (spec.max_attempts if spec else 8),
        request_id=request_id_var.get(),
    )
    row.idempotency_key = idempotency_key or f"{name}:{row.id}"
    session.add(row)
    session.flush()
    session.info[WAKE_FLAG] = True
    if session.get_bind().dialect.name == "postgresql":
        # Delivered by PostgreSQL only when the transaction commits, so workers never see a ghost job.
        session.execute(text("SELECT pg_notify(:channel, :name)"), {"channel": NOTIFY_CHANNEL, "name": name})
    return row
