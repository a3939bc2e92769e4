"""An urgent job starts within a second of its commit: workers are woken, not left to poll."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.jobs import enqueue
from senim.jobs.worker import Worker
from senim.models import Priority
from tests.jobs import handlers

MakeWorker = Callable[..., Worker]


def _started_after_commit(key: str, committed: float) -> float:
    ran = handlers.RAN_EVENT.setdefault(key, threading.Event())
    assert ran.wait(6), "the job did not run"
    return handlers.RAN_AT[key] - committed


def test_urgent_job_starts_within_a_second_of_an_in_process_commit(
    db: Database, make_worker: MakeWorker
) -> None:
    worker = make_worker("test.signal", poll_seconds=5)
    worker.start_in_thread()
    time.sleep(0.3)  # let the worker fall idle: only a wake-up, not a poll, can start the job in time

    with db.transaction() as s:  # the request and job boundary: Database.on_commit wakes the worker
        enqueue(s, "test.signal", {"key": "in-process"}, priority=Priority.urgent)
    committed = time.monotonic()

    latency = _started_after_commit("in-process", committed)
    assert latency < 1.0


def test_urgent_job_starts_within_a_second_of_a_commit_elsewhere(
    session: Session, make_worker: MakeWorker
) -> None:
    """A commit no hook sees (as from another process): LISTEN on PostgreSQL, data_version on SQLite."""
    worker = make_worker("test.signal", poll_seconds=5)
    worker.start_in_thread()
    time.sleep(0.3)

    enqueue(session, "test.signal", {"key": "elsewhere"}, priority=Priority.urgent)
    session.commit()  # a bare session: no Database.on_commit callback runs
    committed = time.monotonic()

    latency = _started_after_commit("elsewhere", committed)
    assert latency < 1.0


def test_worker_with_concurrency_runs_jobs_side_by_side(
    db: Database, make_worker: MakeWorker, session: Session
) -> None:
    worker = make_worker("test.record", concurrency=3, poll_seconds=5)
    worker.start_in_thread()
    with db.transaction() as s:
        for _ in range(6):
            enqueue(s, "test.record", {"sleep": 0.2})
    deadline = time.monotonic() + 10
    while (session.scalar(select(func.count()).select_from(handlers.job_run)) or 0) < 6:
        assert time.monotonic() < deadline, "the jobs did not all run"
        time.sleep(0.05)
        session.rollback()
    runs = session.execute(select(handlers.job_run)).all()
    assert len({r.worker for r in runs}) >= 2  # more than one worker thread took jobs

    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 2  # every loop hears the stop, none sleeps through it


def test_stop_returns_after_the_worker_thread_ends(make_worker: MakeWorker) -> None:
    worker = make_worker("test.signal")
    thread = worker.start_in_thread()
    assert thread.is_alive()
    started = time.monotonic()
    worker.stop(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2


def test_commit_hook_is_registered_while_the_worker_runs(db: Database, make_worker: MakeWorker) -> None:
    worker = make_worker("test.signal")
    worker.start_in_thread()
    assert worker._commit_hook in db._after_commit
    worker.stop()
    assert worker._commit_hook not in db._after_commit


def test_concurrency_defaults_to_the_setting(make_worker: MakeWorker, settings: Settings) -> None:
    assert make_worker("test.signal").concurrency == settings.worker_concurrency
    assert (
        make_worker("test.signal", settings=settings.model_copy(update={"worker_concurrency": 4})).concurrency
        == 4
    )
    assert make_worker("test.signal", concurrency=2).concurrency == 2
