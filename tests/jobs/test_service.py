"""The queue service: the outbox, idempotency keys, operator retry and cancel, listing and counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.db import Database
from senim.errors import Conflict
from senim.jobs import enqueue
from senim.jobs import service as jobs_service
from senim.jobs.service import WAKE_FLAG
from senim.kit.clock import utcnow
from senim.models import AuditRecord, Job, JobStatus, Priority

OPERATOR = Actor.system("test-operator")


def test_job_of_a_rolled_back_transaction_never_exists(db: Database, session: Session) -> None:
    def change_that_fails() -> None:
        with db.transaction() as s:
            enqueue(s, "test.order", {"n": 1})
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_enqueue_takes_the_handler_defaults_and_flags_the_session(session: Session) -> None:
    job = enqueue(session, "test.fail")

    assert (job.status, job.priority, job.max_attempts, job.attempts) == (
        JobStatus.pending,
        Priority.normal,
        3,
        0,
    )
    assert job.idempotency_key == f"test.fail:{job.id}"
    assert session.info[WAKE_FLAG] is True


def test_enqueue_with_a_used_idempotency_key_returns_the_existing_job(session: Session) -> None:
    first = enqueue(session, "test.order", {"n": 1}, idempotency_key="order-1")
    session.commit()

    again = enqueue(session, "test.order", {"n": 2}, idempotency_key="order-1")

    assert again.id == first.id
    assert again.payload == {"n": 1}
    assert session.scalar(select(func.count()).select_from(Job)) == 1


def test_retry_brings_a_waiting_job_forward_with_fresh_attempts(session: Session) -> None:
    job = enqueue(session, "test.fail", run_at=utcnow() + timedelta(hours=1))
    job.attempts = 2
    session.commit()

    retried = jobs_service.retry(session, OPERATOR, job.id)
    session.commit()

    assert (retried.status, retried.attempts) == (JobStatus.pending, 0)
    assert retried.run_at <= utcnow()
    rec = session.scalars(select(AuditRecord).where(AuditRecord.tag == "job:retry")).one()
    assert rec.data["before"] == {"status": "pending", "attempts": 2}


def test_cancel_refuses_a_running_job(session: Session) -> None:
    job = enqueue(session, "test.order")
    job.status = JobStatus.running
    session.commit()

    with pytest.raises(Conflict):
        jobs_service.cancel(session, OPERATOR, job.id)


def test_list_jobs_newest_first_within_the_limit(session: Session) -> None:
    now = utcnow()
    for n in range(5):
        job = enqueue(session, "test.order", {"n": n})
        job.created_at = now + timedelta(seconds=n)
    enqueue(session, "test.fail").created_at = now + timedelta(seconds=10)
    session.commit()

    listed = jobs_service.list_jobs(session, name="test.order", limit=3)
    assert [j.payload["n"] for j in listed] == [4, 3, 2]
    assert len(jobs_service.list_jobs(session, limit=10_000)) == 6
    assert [j.name for j in jobs_service.list_jobs(session, status=JobStatus.pending, limit=1)] == [
        "test.fail"
    ]


def test_counts_every_state(session: Session) -> None:
    enqueue(session, "test.order")
    enqueue(session, "test.order").status = JobStatus.dead
    session.commit()

    assert jobs_service.counts(session) == {
        JobStatus.pending: 1,
        JobStatus.running: 0,
        JobStatus.succeeded: 0,
        JobStatus.dead: 1,
        JobStatus.cancelled: 0,
    }
