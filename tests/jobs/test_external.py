"""External jobs (``@job(..., external=True)``): network I/O with a read-only session, no write lock held."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from senim import audit
from senim.audit import Actor
from senim.db import Database
from senim.jobs import enqueue
from senim.jobs.registry import HANDLERS
from senim.jobs.worker import Worker
from senim.kit.clock import utcnow
from senim.models import AuditRecord, Job, JobStatus
from tests.jobs import handlers
from tests.jobs.conftest import job_row

MakeWorker = Callable[..., Worker]


def test_registration_keeps_the_flag_and_defaults_to_internal() -> None:
    assert HANDLERS["test.external"].external is True
    assert HANDLERS["test.record"].external is False


def test_other_writes_go_through_while_an_external_handler_waits(
    db: Database, session: Session, make_worker: MakeWorker
) -> None:
    job_id = enqueue(session, "test.external", {"key": "slow"}).id
    session.commit()
    gate = handlers.GATES["slow"] = threading.Event()
    entered = handlers.ENTERED.setdefault("slow", threading.Event())
    worker = make_worker("test.external")
    runner = threading.Thread(target=worker.run_once, name="external-runner", daemon=True)
    wrote = threading.Event()

    def write() -> None:
        with db.transaction() as s:
            audit.record(s, actor=Actor.system("test"), tag="test:meanwhile", data={})
        wrote.set()

    writer = threading.Thread(target=write, name="other-writer", daemon=True)
    try:
        runner.start()
        assert entered.wait(10), "the external handler did not start"
        writer.start()
        # Before external jobs, the handler's transaction held the (SQLite) write lock: this waited.
        assert wrote.wait(5), "a write had to wait for the external handler"
        assert job_row(session, job_id).status == JobStatus.running
    finally:
        gate.set()
        runner.join(10)
        writer.join(10)
    assert not runner.is_alive()

    job = job_row(session, job_id)
    assert (job.status, job.attempts, job.locked_by, job.last_error) == (JobStatus.succeeded, 1, None, None)
    assert job.finished_at is not None
    assert handlers.ORDER == ["slow"]
    assert session.scalar(select(func.count()).where(AuditRecord.tag == "test:meanwhile")) == 1


def test_failing_external_handler_is_retried_with_backoff_then_dead(
    session: Session, make_worker: MakeWorker
) -> None:
    job_id = enqueue(session, "test.external", {"key": "down", "fail": True}).id
    session.commit()
    worker = make_worker("test.external")

    before = utcnow()
    assert worker.run_once() == 1
    job = job_row(session, job_id)
    assert (job.status, job.attempts, job.locked_by) == (JobStatus.pending, 1, None)
    assert job.last_error == "ConnectionError: receiver down on attempt 1"
    assert before + timedelta(seconds=1.6) <= job.run_at <= utcnow() + timedelta(seconds=2.4)
    assert worker.run_once() == 0  # not due before its backoff

    for attempt in (2, 3):
        session.execute(update(Job).where(Job.id == job_id).values(run_at=utcnow()))
        session.commit()
        assert worker.run_once() == 1
        job = job_row(session, job_id)
        assert job.attempts == attempt
    assert (job.status, job.last_error) == (JobStatus.dead, "ConnectionError: receiver down on attempt 3")


@pytest.mark.parametrize("how", ["orm", "dml", "sql"])
def test_external_handler_cannot_write(
    session: Session, make_worker: MakeWorker, run_table: Any, how: str
) -> None:
    job_id = enqueue(session, "test.external_write", {"how": how}).id
    session.commit()

    assert make_worker("test.external_write").run_once() == 1

    job = job_row(session, job_id)
    assert (job.status, job.attempts) == (JobStatus.pending, 1)
    assert job.last_error is not None
    if how == "dml":  # the session refuses before the database sees it
        assert job.last_error == "ReadOnlyViolation: an external job's handler must not write to the database"
    else:  # the session's flush guard, or the database (SQLite query_only, PostgreSQL READ ONLY)
        assert any(m in job.last_error for m in ("ReadOnlyViolation", "readonly", "read-only")), (
            job.last_error
        )
    assert session.scalar(select(func.count()).where(AuditRecord.tag == "test:ran")) == 0
    assert session.scalar(select(func.count()).select_from(run_table)) == 0


def test_external_job_whose_lease_was_lost_does_not_run(session: Session, make_worker: MakeWorker) -> None:
    job_id = enqueue(session, "test.external", {"key": "taken"}).id
    session.commit()
    slow = make_worker("test.external", name="slow")
    claim, _ = slow._claim(slow._locked_by(0))
    assert claim is not None
    session.execute(update(Job).where(Job.id == job_id).values(locked_by="another-worker/0"))
    session.commit()

    assert slow._run(claim) is False

    assert handlers.ENTERED == {}  # the handler never started
    job = job_row(session, job_id)
    assert (job.status, job.locked_by) == (JobStatus.running, "another-worker/0")


@pytest.mark.backend("sqlite")  # on PostgreSQL the row stays locked: nobody can take the job meanwhile
def test_external_job_reclaimed_while_it_ran_is_not_marked_by_the_first_worker(
    session: Session, make_worker: MakeWorker
) -> None:
    """SQLite: nothing locks the row while the handler runs; the mark checks the job is still ours."""
    job_id = enqueue(session, "test.external", {"key": "late"}).id
    session.commit()
    gate = handlers.GATES["late"] = threading.Event()
    entered = handlers.ENTERED.setdefault("late", threading.Event())
    slow = make_worker("test.external", name="slow")
    claim, _ = slow._claim(slow._locked_by(0))
    assert claim is not None
    result: list[bool] = []
    runner = threading.Thread(target=lambda: result.append(slow._run(claim)), daemon=True)
    try:
        runner.start()
        assert entered.wait(10)
        session.execute(update(Job).where(Job.id == job_id).values(locked_by="another-worker/0"))
        session.commit()
    finally:
        gate.set()
        runner.join(10)

    assert result == [False]
    job = job_row(session, job_id)
    assert (job.status, job.locked_by) == (JobStatus.running, "another-worker/0")
