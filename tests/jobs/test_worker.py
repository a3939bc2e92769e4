"""The worker: claim order, retries and dead letters, schedules, atomic handlers, crash recovery."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.jobs import enqueue
from senim.jobs.worker import Worker, backoff_seconds, describe_error, drain
from senim.kit.clock import utcnow
from senim.models import AuditRecord, Job, JobStatus, Priority
from tests.jobs import handlers
from tests.jobs.conftest import job_row

MakeWorker = Callable[..., Worker]


def _make_due(session: Session, job_id: Any) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(run_at=utcnow()))
    session.commit()


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [(1, 2.0), (2, 4.0), (3, 8.0), (6, 64.0), (11, 2048.0), (12, 3600.0), (40, 3600.0)],
)
def test_backoff_doubles_from_two_seconds_up_to_an_hour(attempts: int, expected: float) -> None:
    assert backoff_seconds(attempts, rand=lambda: 0.5) == expected


def test_backoff_jitter_stays_within_a_fifth_and_under_the_cap() -> None:
    assert backoff_seconds(3, rand=lambda: 0.0) == pytest.approx(8.0 * 0.8)
    assert backoff_seconds(3, rand=lambda: 1.0) == pytest.approx(8.0 * 1.2)
    assert backoff_seconds(12, rand=lambda: 1.0) == 3600.0


def test_last_error_is_type_and_message_truncated() -> None:
    assert describe_error(ValueError("bad input")) == "ValueError: bad input"
    assert len(describe_error(RuntimeError("x" * 10_000))) == 2000


def test_urgent_job_queued_after_fifty_bulk_jobs_runs_first(
    session: Session, make_worker: MakeWorker
) -> None:
    for n in range(50):
        enqueue(session, "test.order", {"n": n}, priority=Priority.bulk)
    enqueue(session, "test.order", {"n": "urgent"}, priority=Priority.urgent)
    session.commit()

    worker = make_worker("test.order")
    assert worker.run_once(limit=1) == 1
    assert handlers.ORDER == ["urgent"]
    assert worker.run_once() == 50
    assert ["urgent", *range(50)] == handlers.ORDER  # the same priority runs in run_at order


def test_failing_job_is_retried_with_backoff_then_dead_lettered(
    session: Session, make_worker: MakeWorker
) -> None:
    job_id = enqueue(session, "test.fail").id
    session.commit()
    worker = make_worker("test.fail")

    before = utcnow()
    assert worker.run_once() == 1
    job = job_row(session, job_id)
    assert (job.status, job.attempts, job.max_attempts) == (JobStatus.pending, 1, 3)
    assert job.last_error == "ValueError: boom 1"
    assert job.locked_by is None
    assert before + timedelta(seconds=1.6) <= job.run_at <= utcnow() + timedelta(seconds=2.4)
    assert worker.run_once() == 0  # not due before its backoff

    _make_due(session, job_id)
    before = utcnow()
    assert worker.run_once() == 1
    job = job_row(session, job_id)
    assert (job.status, job.attempts, job.last_error) == (JobStatus.pending, 2, "ValueError: boom 2")
    assert before + timedelta(seconds=3.2) <= job.run_at <= utcnow() + timedelta(seconds=4.8)

    _make_due(session, job_id)
    assert worker.run_once() == 1
    job = job_row(session, job_id)
    assert (job.status, job.attempts, job.last_error) == (JobStatus.dead, 3, "ValueError: boom 3")
    assert job.finished_at is not None
    _make_due(session, job_id)
    assert worker.run_once() == 0  # a dead letter stays dead until an operator retries it


def test_job_scheduled_in_the_future_waits_for_its_time(session: Session, make_worker: MakeWorker) -> None:
    run_at = utcnow() + timedelta(seconds=0.6)
    job_id = enqueue(session, "test.order", {"n": 1}, run_at=run_at).id
    session.commit()
    worker = make_worker("test.order")

    assert worker.run_once() == 0
    assert job_row(session, job_id).status == JobStatus.pending
    time.sleep(max((run_at - utcnow()).total_seconds(), 0) + 0.05)
    assert worker.run_once() == 1
    job = job_row(session, job_id)
    assert job.status == JobStatus.succeeded
    assert job.finished_at is not None
    assert job.finished_at >= run_at


def test_running_worker_starts_a_scheduled_job_on_time(db: Database, make_worker: MakeWorker) -> None:
    worker = make_worker("test.signal")
    worker.start_in_thread()
    run_at = utcnow() + timedelta(seconds=1)
    due_in = time.monotonic() + 1
    with db.transaction() as s:
        enqueue(s, "test.signal", {"key": "later"}, run_at=run_at)

    ran = handlers.RAN_EVENT.setdefault("later", threading.Event())
    assert ran.wait(5), "the scheduled job did not run"
    assert due_in - 0.05 <= handlers.RAN_AT["later"] < due_in + 0.6


def test_handler_changes_commit_with_its_success(session: Session, make_worker: MakeWorker) -> None:
    job_id = enqueue(session, "test.audit", {"n": 1}).id
    session.commit()

    assert make_worker("test.audit").run_once() == 1

    assert job_row(session, job_id).status == JobStatus.succeeded
    ran = session.scalars(select(AuditRecord).where(AuditRecord.tag == "test:ran")).all()
    assert [r.data for r in ran] == [{"n": 1}]


def test_failing_handler_changes_are_rolled_back(session: Session, make_worker: MakeWorker) -> None:
    job_id = enqueue(session, "test.audit", {"n": 2, "fail": True}).id
    session.commit()

    assert make_worker("test.audit").run_once() == 1

    job = job_row(session, job_id)
    assert (job.status, job.attempts, job.last_error) == (JobStatus.pending, 1, "RuntimeError: asked to fail")
    assert session.scalar(select(func.count()).where(AuditRecord.tag == "test:ran")) == 0


def test_job_without_a_handler_in_this_worker_stays_pending(
    session: Session, make_worker: MakeWorker
) -> None:
    unknown = enqueue(session, "detection.scan", {"item": "x"}, priority=Priority.urgent).id
    known = enqueue(session, "test.order", {"n": 1}, priority=Priority.bulk).id
    session.commit()

    assert make_worker("test.order").run_once() == 1

    assert job_row(session, known).status == JobStatus.succeeded
    job = job_row(session, unknown)
    assert (job.status, job.attempts, job.locked_by) == (JobStatus.pending, 0, None)


def test_handler_sees_its_job_context(session: Session, make_worker: MakeWorker) -> None:
    seen: list[Any] = []
    job_id = enqueue(session, "test.ctx", {"a": 1}, idempotency_key="ctx-1").id
    session.commit()

    worker = make_worker(handlers={"test.ctx": seen.append})
    assert worker.run_once() == 1

    (ctx,) = seen
    assert (ctx.job_id, ctx.name, ctx.payload, ctx.attempt, ctx.idempotency_key) == (
        job_id,
        "test.ctx",
        {"a": 1},
        1,
        "ctx-1",
    )
    assert ctx.settings is worker.settings


def test_expired_lease_is_reclaimed_as_a_failed_attempt(
    session: Session, make_worker: MakeWorker, settings: Settings
) -> None:
    job_id = enqueue(session, "test.audit", {"n": 3}).id
    session.commit()
    crashed = make_worker("test.audit", name="crashed")
    claim, _ = crashed._claim(crashed._locked_by(0))  # claimed, then the process died: never run
    assert claim is not None
    assert claim.id == job_id

    survivor = make_worker("test.audit", name="survivor")
    assert survivor.run_once() == 0  # its lease has not passed yet
    session.execute(update(Job).where(Job.id == job_id).values(locked_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert survivor.run_once() == 1

    job = job_row(session, job_id)
    assert (job.status, job.attempts) == (JobStatus.succeeded, 2)
    assert job.last_error is not None
    assert job.last_error.startswith("LeaseExpired: crashed@")
    assert session.scalar(select(func.count()).where(AuditRecord.tag == "test:ran")) == 1


def test_expired_lease_on_the_last_attempt_is_dead(session: Session, make_worker: MakeWorker) -> None:
    job_id = enqueue(session, "test.audit", {"n": 4}, max_attempts=1).id
    session.commit()
    crashed = make_worker("test.audit", name="crashed")
    assert crashed._claim(crashed._locked_by(0))[0] is not None
    session.execute(update(Job).where(Job.id == job_id).values(locked_until=utcnow() - timedelta(seconds=1)))
    session.commit()

    assert make_worker("test.audit").run_once() == 0

    job = job_row(session, job_id)
    assert (job.status, job.attempts, job.locked_by) == (JobStatus.dead, 1, None)
    assert job.last_error is not None
    assert "LeaseExpired" in job.last_error
    assert session.scalar(select(func.count()).where(AuditRecord.tag == "test:ran")) == 0


def test_run_that_lost_its_lease_is_rolled_back(session: Session, make_worker: MakeWorker) -> None:
    job_id = enqueue(session, "test.audit", {"n": 5}).id
    session.commit()
    slow = make_worker("test.audit", name="slow")
    claim, _ = slow._claim(slow._locked_by(0))
    assert claim is not None
    session.execute(update(Job).where(Job.id == job_id).values(locked_by="another-worker/0"))
    session.commit()

    assert slow._run(claim) is False

    job = job_row(session, job_id)
    assert (job.status, job.locked_by) == (JobStatus.running, "another-worker/0")
    assert session.scalar(select(func.count()).where(AuditRecord.tag == "test:ran")) == 0


def test_drain_runs_due_jobs_with_every_registered_handler(
    session: Session, settings: Settings, db: Database
) -> None:
    ids = [enqueue(session, "test.order", {"n": n}).id for n in range(3)]
    session.commit()

    assert drain(db, settings) == 3
    assert handlers.ORDER == [0, 1, 2]
    assert all(job_row(session, i).status == JobStatus.succeeded for i in ids)


def test_job_enqueued_by_a_handler_keeps_the_request_id(session: Session, make_worker: MakeWorker) -> None:
    def follow_up(ctx: Any) -> None:
        enqueue(ctx.session, "test.order", {"n": "next"})

    job = enqueue(session, "test.first")
    job.request_id = "req-123"
    session.commit()

    worker = make_worker(
        "test.order", handlers={"test.first": follow_up, **handlers.handlers_for("test.order")}
    )
    assert worker.run_once() == 2  # the follow-up is due at once and runs in the same drain
    follow = session.scalars(select(Job).where(Job.name == "test.order")).one()
    assert (follow.status, follow.request_id) == (JobStatus.succeeded, "req-123")
