"""Job handlers used only by the job-queue tests, and the table some of them write to.

Imported by the tests and by ``run_worker.py`` (worker processes), so both know the same ``test.*`` jobs.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, func, insert, select, text

from senim import audit
from senim.audit import Actor
from senim.jobs import JobContext, job
from senim.jobs.registry import HANDLERS, JobSpec
from senim.models import Job

test_metadata = MetaData()

# One row per job run; the primary key makes a second run of the same job fail loudly.
job_run = Table(
    "test_job_run",
    test_metadata,
    Column("job_id", String(36), primary_key=True),
    Column("worker", String(200), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("started", Float, nullable=False),
    Column("ended", Float, nullable=False),
)

# In-process observations (wake-up timing, run order), keyed by what the test put in the payload.
RAN_AT: dict[str, float] = {}
RAN_EVENT: dict[str, threading.Event] = {}
ORDER: list[Any] = []
# External handlers: ENTERED[key] is set when one starts; it then waits for GATES[key], if there is one.
ENTERED: dict[str, threading.Event] = {}
GATES: dict[str, threading.Event] = {}


def _insert_run(ctx: JobContext, started: float) -> None:
    ctx.session.execute(
        insert(job_run).values(
            job_id=str(ctx.job_id),
            worker=f"{os.getpid()}:{threading.current_thread().name}",
            attempt=ctx.attempt,
            started=started,
            ended=time.time(),
        )
    )


@job("test.record")
def record_run(ctx: JobContext) -> None:
    """Sleep ``payload["sleep"]`` seconds and record the run (start and end times, worker)."""
    started = time.time()
    time.sleep(float(ctx.payload.get("sleep", 0)))
    _insert_run(ctx, started)


@job("test.sleep_first_attempt")
def sleep_first_attempt(ctx: JobContext) -> None:
    """The first attempt sleeps long enough to be killed; later ones finish at once."""
    started = time.time()
    if ctx.attempt == 1:
        time.sleep(float(ctx.payload.get("sleep", 30)))
    _insert_run(ctx, started)


@job("test.audit")
def write_audit(ctx: JobContext) -> None:
    """Write an audit record, then fail if asked to: the record must vanish with the failure."""
    audit.record(ctx.session, actor=Actor.system("test"), tag="test:ran", data={"n": ctx.payload.get("n")})
    ctx.session.flush()
    if ctx.payload.get("fail"):
        raise RuntimeError("asked to fail")


@job("test.fail", max_attempts=3)
def always_fail(ctx: JobContext) -> None:
    raise ValueError(f"boom {ctx.attempt}")


@job("test.order")
def note_order(ctx: JobContext) -> None:
    ORDER.append(ctx.payload["n"])


@job("test.signal", priority=0)
def signal_ran(ctx: JobContext) -> None:
    key = str(ctx.payload["key"])
    RAN_AT[key] = time.monotonic()
    RAN_EVENT.setdefault(key, threading.Event()).set()


@job("test.external", external=True, max_attempts=3)
def call_out(ctx: JobContext) -> None:
    """Stand-in for a network call: reads, signals that it started, waits for its gate, maybe fails."""
    key = str(ctx.payload["key"])
    ctx.session.scalar(select(func.count()).select_from(Job))  # reading is allowed
    ENTERED.setdefault(key, threading.Event()).set()
    gate = GATES.get(key)
    if gate is not None and not gate.wait(30):
        raise TimeoutError("the test never opened the gate")
    if ctx.payload.get("fail"):
        raise ConnectionError(f"receiver down on attempt {ctx.attempt}")
    ORDER.append(key)


@job("test.external_write", external=True, max_attempts=3)
def write_from_external(ctx: JobContext) -> None:
    """An external handler that breaks the rule: writes through its read-only session."""
    how = ctx.payload["how"]
    if how == "orm":
        audit.record(ctx.session, actor=Actor.system("test"), tag="test:ran", data={"n": 1})
        ctx.session.flush()
    elif how == "dml":
        ctx.session.execute(insert(job_run).values(job_id="x", worker="w", attempt=1, started=0, ended=0))
    else:  # raw SQL, past the ORM: the database itself refuses
        ctx.session.execute(
            text(
                "INSERT INTO test_job_run (job_id, worker, attempt, started, ended)"
                " VALUES ('y', 'w', 1, 0, 0)"
            )
        )


def handlers_for(*names: str) -> dict[str, JobSpec]:
    """The registered test handlers with these names (all ``test.*`` ones without names)."""
    if not names:
        return {n: s for n, s in HANDLERS.items() if n.startswith("test.")}
    return {n: HANDLERS[n] for n in names}
