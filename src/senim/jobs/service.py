"""Enqueueing jobs inside the caller's transaction, and the operator's view of the queue.

``enqueue`` writes the job row in the caller's transaction (the transactional outbox): the job runs only
if that transaction commits. ``retry`` and ``cancel`` are the operator's actions on dead letters and on
jobs waiting their turn; both are audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from senim import audit
from senim.audit.service import Actor, request_id_var
from senim.errors import Conflict, NotFound
from senim.kit.clock import utcnow
from senim.models import Job
from senim.models.job import JobStatus, Priority

NOTIFY_CHANNEL = "senim_jobs"
WAKE_FLAG = "senim_jobs_enqueued"

RETRYABLE = frozenset({JobStatus.pending, JobStatus.dead})
CANCELLABLE = frozenset({JobStatus.pending, JobStatus.dead})
MAX_LIST_LIMIT = 500


def wake_workers(session: Session, name: str) -> None:
    """Tell workers that ``name`` has work once ``session``'s transaction commits.

    In-process workers see ``session.info[WAKE_FLAG]`` through ``Database.on_commit``; on PostgreSQL,
    ``pg_notify`` is delivered to listening workers on every host only when the transaction commits, so
    a worker never wakes for a job that was rolled back.
    """
    session.info[WAKE_FLAG] = True
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :name)"), {"channel": NOTIFY_CHANNEL, "name": name})


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
    wake_workers(session, name)
    return row


def get(session: Session, job_id: uuid.UUID) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound("This job does not exist.")
    return job


def _get_locked(session: Session, job_id: uuid.UUID) -> Job:
    job = session.scalars(
        select(Job).where(Job.id == job_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if job is None:
        raise NotFound("This job does not exist.")
    return job


def retry(session: Session, actor: Actor, job_id: uuid.UUID) -> Job:
    """Run a dead or waiting job again now, with a fresh set of attempts."""
    if get(session, job_id).status == JobStatus.running:  # refuse at once rather than wait for its lock
        raise Conflict("A running job cannot be retried or cancelled.")
    job = _get_locked(session, job_id)
    if job.status not in RETRYABLE:
        raise Conflict("Only a pending or dead job can be retried.")
    before = {"status": str(job.status), "attempts": job.attempts}
    job.status = JobStatus.pending
    job.run_at = utcnow()
    job.attempts = 0
    job.locked_by = None
    job.locked_until = None
    job.finished_at = None
    session.flush()
    audit.record(session, actor=actor, tag="job:retry", target=job, data={"name": job.name, "before": before})
    wake_workers(session, job.name)
    return job


def cancel(session: Session, actor: Actor, job_id: uuid.UUID) -> Job:
    """Give up a waiting or dead job; a running job cannot be cancelled (its handler is already at work)."""
    if get(session, job_id).status == JobStatus.running:
        raise Conflict("A running job cannot be retried or cancelled.")
    job = _get_locked(session, job_id)
    if job.status == JobStatus.running:
        raise Conflict("A running job cannot be retried or cancelled.")
    if job.status not in CANCELLABLE:
        raise Conflict("Only a pending or dead job can be cancelled.")
    before = {"status": str(job.status), "attempts": job.attempts}
    job.status = JobStatus.cancelled
    job.finished_at = utcnow()
    session.flush()
    audit.record(
        session, actor=actor, tag="job:cancel", target=job, data={"name": job.name, "before": before}
    )
    return job


def list_jobs(
    session: Session, status: JobStatus | None = None, name: str | None = None, limit: int = 100
) -> list[Job]:
    """The newest jobs first, optionally of one status and one name."""
    stmt = select(Job).order_by(Job.created_at.desc(), Job.id).limit(min(max(limit, 1), MAX_LIST_LIMIT))
    if status is not None:
        stmt = stmt.where(Job.status == status)
    if name is not None:
        stmt = stmt.where(Job.name == name)
    return list(session.scalars(stmt))


def counts(session: Session) -> dict[JobStatus, int]:
    """How many jobs are in each state (every state present, zero when empty)."""
    found = {
        str(status): int(n)
        for status, n in session.execute(select(Job.status, func.count()).group_by(Job.status))
    }
    return {status: found.get(status, 0) for status in JobStatus}
