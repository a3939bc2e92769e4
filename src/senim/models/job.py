"""The job table (transactional outbox and work queue) and periodic schedules."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.models.base import Base, CreatedMixin, IdMixin


class JobStatus(StrEnum):
    pending = "pending"  # waiting for run_at (also after a failed attempt, with backoff)
    running = "running"  # claimed by a worker until locked_until
    succeeded = "succeeded"
    dead = "dead"  # attempts exhausted: the dead-letter state
    cancelled = "cancelled"


class Priority:
    """Lower runs first. Urgent work (law-enforcement notifications) overtakes bulk work."""

    urgent = 0
    high = 10
    normal = 50
    bulk = 90


class Job(IdMixin, CreatedMixin, Base):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_claim", "status", "priority", "run_at"),)

    name: Mapped[str] = mapped_column(String(80), index=True)
    payload: Mapped[dict[str, Any]]
    priority: Mapped[int] = mapped_column(Integer, default=Priority.normal)
    status: Mapped[JobStatus] = mapped_column(String(16), default=JobStatus.pending)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]
    request_id: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<Job {self.name} {self.status} {self.id}>"


class JobSchedule(Base):
    """A periodic job: enqueued every ``interval_seconds``, once per slot, whatever the number of workers."""

    __tablename__ = "job_schedule"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    next_run_at: Mapped[datetime]
