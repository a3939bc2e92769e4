"""Fixtures for the job-queue tests: the ``test_job_run`` table, workers that are always stopped."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.jobs.worker import Worker
from senim.models import Job
from tests.jobs import handlers

RUN_WORKER = Path(__file__).with_name("run_worker.py")


@pytest.fixture(autouse=True)
def _fresh_observations() -> None:
    handlers.RAN_AT.clear()
    handlers.RAN_EVENT.clear()
    handlers.ORDER.clear()
    handlers.ENTERED.clear()
    handlers.GATES.clear()
    return


@pytest.fixture
def run_table(db: Database) -> Iterator[Any]:
    """The ``test_job_run`` table, dropped afterwards: it is no model, and a drift check must not see it."""
    handlers.test_metadata.create_all(db.engine)
    yield handlers.job_run
    handlers.test_metadata.drop_all(db.engine)


@pytest.fixture
def make_worker(db: Database, settings: Settings, run_table: Any) -> Iterator[Callable[..., Worker]]:
    """``make_worker(*handler_names, **kwargs)``: a Worker with those test handlers, stopped at teardown."""
    made: list[Worker] = []

    def make(*names: str, **kwargs: Any) -> Worker:
        kwargs.setdefault("name", f"test{len(made)}")
        kwargs.setdefault("handlers", handlers.handlers_for(*names))
        worker = Worker(kwargs.pop("db", db), kwargs.pop("settings", settings), **kwargs)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop(timeout=10)


@pytest.fixture
def worker_process(database_url: str, run_table: Any) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """``worker_process(name, lease_seconds)``: a ``senim`` worker in its own process, ready for jobs."""
    started: list[subprocess.Popen[str]] = []

    def start(name: str, lease_seconds: int = 300) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, str(RUN_WORKER), database_url, name, str(lease_seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def wait_ready(proc: subprocess.Popen[str], timeout: float = 20) -> None:
    import selectors

    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        assert sel.select(timeout), f"worker process {proc.pid} did not start within {timeout}s"
    assert proc.stdout.readline().strip() == "ready"


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        time.sleep(0.02)


def job_row(session: Session, job_id: Any) -> Job:
    session.expire_all()
    return session.scalars(select(Job).where(Job.id == job_id)).one()
