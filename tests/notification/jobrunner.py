"""Run due jobs synchronously in tests, through the real worker (``senim.jobs.worker.drain``)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from senim.config import Settings
from senim.db import Database
from senim.jobs.worker import drain
from senim.kit.clock import utcnow
from senim.models import Job


def run_due_jobs(db: Database, settings: Settings) -> int:
    """Run every job due now, as the worker does (a failure goes back to pending with backoff)."""
    return drain(db, settings)


def make_due(db: Database, job_id: uuid.UUID) -> None:
    """Move a job's ``run_at`` to now, as if its backoff had passed."""
    with db.transaction() as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.run_at = utcnow() - timedelta(seconds=1)
