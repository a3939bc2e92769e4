"""Worker processes: N workers share the queue without running a job twice; a killed worker's job is retried.

Several concurrent worker processes need PostgreSQL (SKIP LOCKED claims): that test is collected only
for PostgreSQL (``@pytest.mark.backend``), as the embedded SQLite deployment runs one worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from itertools import combinations

import pytest
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.jobs import enqueue
from senim.jobs.worker import Worker
from senim.kit.clock import utcnow
from senim.models import Job, JobStatus
from tests.jobs import handlers
from tests.jobs.conftest import job_row, wait_for, wait_ready

StartProcess = Callable[..., subprocess.Popen[str]]
MakeWorker = Callable[..., Worker]


def _count(session: Session, *where: ColumnElement[bool]) -> int:
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(Job).where(*where)) or 0)


@pytest.mark.backend("sqlite")  # on PostgreSQL the four-process test below stops its workers with SIGTERM
def test_worker_process_stops_gracefully_on_sigterm(database_url: str, worker_process: StartProcess) -> None:
    proc = worker_process("sigterm")
    wait_ready(proc)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0


@pytest.mark.backend("postgresql")
def test_four_worker_processes_drain_the_queue_without_running_a_job_twice(
    database_url: str, session: Session, worker_process: StartProcess
) -> None:
    procs = [worker_process(f"proc{i}") for i in range(4)]
    for proc in procs:
        wait_ready(proc)

    for _ in range(200):
        enqueue(session, "test.record", {"sleep": 0.01})
    session.commit()

    wait_for(lambda: _count(session, Job.status == JobStatus.succeeded) == 200, 45, "200 jobs to succeed")
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    assert [proc.wait(timeout=15) for proc in procs] == [0, 0, 0, 0]

    assert _count(session, Job.attempts != 1) == 0  # no job was claimed twice
    runs = session.execute(select(handlers.job_run)).all()
    assert len(runs) == 200  # one row per job (its primary key would refuse a second run)
    by_process = {r.worker.split(":")[0] for r in runs}
    assert len(by_process) >= 2, f"only {by_process} took jobs"
    overlapping = any(
        a.worker.split(":")[0] != b.worker.split(":")[0] and a.started < b.ended and b.started < a.ended
        for a, b in combinations(sorted(runs, key=lambda r: r.started), 2)
    )
    assert overlapping, "no two processes ran jobs at the same time"


def test_job_of_a_killed_worker_is_reclaimed_after_its_lease(
    database_url: str,
    session: Session,
    settings: Settings,
    worker_process: StartProcess,
    make_worker: MakeWorker,
) -> None:
    proc = worker_process("doomed", lease_seconds=1)
    wait_ready(proc)
    job_id = enqueue(session, "test.sleep_first_attempt", {"sleep": 30}).id
    session.commit()
    wait_for(lambda: job_row(session, job_id).status == JobStatus.running, 10, "the job to start")

    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    job = job_row(session, job_id)
    assert (job.status, job.attempts) == (JobStatus.running, 1)
    assert job.locked_by is not None
    assert job.locked_by.startswith("doomed@")
    session.rollback()
    lease_left = (job.locked_until - utcnow()).total_seconds() if job.locked_until else 0

    survivor = make_worker(
        "test.sleep_first_attempt",
        name="survivor",
        settings=settings.model_copy(update={"job_lease_seconds": 1}),
    )
    wait_for(lambda: survivor.run_once() == 1, max(lease_left, 0) + 5, "the expired job to be reclaimed")

    job = job_row(session, job_id)
    assert (job.status, job.attempts) == (JobStatus.succeeded, 2)
    assert job.last_error is not None
    assert job.last_error.startswith("LeaseExpired: doomed@")
    runs = session.execute(select(handlers.job_run)).all()
    assert [(r.job_id, r.attempt) for r in runs] == [(str(job_id), 2)]
