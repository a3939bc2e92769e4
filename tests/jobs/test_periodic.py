"""Periodic jobs: one job per slot whatever the number of workers, missed slots collapsed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.jobs import JobContext, periodic
from senim.jobs.registry import HANDLERS, JobSpec
from senim.jobs.worker import Worker, first_slot, next_slot
from senim.models import Job, JobSchedule, JobStatus

MakeWorker = Callable[..., Worker]
T0 = datetime(2030, 1, 1, 0, 0, 30, tzinfo=UTC)


def _tick_spec(slots: list[str], every_seconds: int = 60) -> dict[str, JobSpec]:
    def tick(ctx: JobContext) -> None:
        slots.append(ctx.payload["slot"])

    return {"test.tick": JobSpec("test.tick", tick, max_attempts=3, priority=20, every_seconds=every_seconds)}


@pytest.mark.parametrize(
    ("now", "every", "slot"),
    [
        (T0, 60, datetime(2030, 1, 1, 0, 0, tzinfo=UTC)),
        (T0, 3600, datetime(2030, 1, 1, 0, 0, tzinfo=UTC)),
        (datetime(2030, 1, 1, 0, 59, 59, 999999, tzinfo=UTC), 3600, datetime(2030, 1, 1, 0, 0, tzinfo=UTC)),
        (datetime(2030, 1, 1, 0, 0, 7, tzinfo=UTC), 5, datetime(2030, 1, 1, 0, 0, 5, tzinfo=UTC)),
    ],
)
def test_first_slot_is_on_the_interval_grid(now: datetime, every: int, slot: datetime) -> None:
    assert first_slot(now, every) == slot


def test_next_slot_skips_slots_missed_while_no_worker_ran() -> None:
    slot = datetime(2030, 1, 1, 0, 0, tzinfo=UTC)
    assert next_slot(slot, 60, slot) == slot + timedelta(minutes=1)
    assert next_slot(slot, 60, slot + timedelta(seconds=59)) == slot + timedelta(minutes=1)
    assert next_slot(slot, 60, slot + timedelta(minutes=9, seconds=30)) == slot + timedelta(minutes=10)


def test_periodic_registers_a_handler_with_its_interval() -> None:
    try:

        @periodic("test.decorated", every_seconds=30, priority=5)
        def decorated(ctx: JobContext) -> None:
            return None

        spec = HANDLERS["test.decorated"]
        assert (spec.handler, spec.every_seconds, spec.priority, spec.max_attempts) == (decorated, 30, 5, 3)
    finally:
        HANDLERS.pop("test.decorated", None)
    with pytest.raises(ValueError, match="every_seconds"):
        periodic("test.never", every_seconds=0)


def test_two_workers_enqueue_each_slot_once(session: Session, make_worker: MakeWorker) -> None:
    slots: list[str] = []
    workers = [make_worker(handlers=_tick_spec(slots), name=f"w{i}") for i in range(2)]

    def tick_all(now: datetime) -> int:
        barrier = threading.Barrier(len(workers))
        counts: list[int] = []

        def tick(worker: Worker) -> None:
            barrier.wait()
            counts.append(worker.enqueue_periodic(now=now))

        threads = [threading.Thread(target=tick, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sum(counts)

    assert tick_all(T0) == 1
    assert tick_all(T0 + timedelta(seconds=10)) == 0  # same slot: nothing new
    assert tick_all(T0 + timedelta(seconds=60)) == 1
    assert tick_all(T0 + timedelta(minutes=10)) == 1  # eight missed slots run once

    jobs = session.scalars(select(Job).where(Job.name == "test.tick").order_by(Job.idempotency_key)).all()
    assert [j.idempotency_key for j in jobs] == [
        "test.tick:2030-01-01T00:00:00+00:00",
        "test.tick:2030-01-01T00:01:00+00:00",
        "test.tick:2030-01-01T00:02:00+00:00",
    ]
    assert {(j.priority, j.max_attempts) for j in jobs} == {(20, 3)}
    schedule = session.get(JobSchedule, "test.tick")
    assert schedule is not None
    assert (schedule.interval_seconds, schedule.next_run_at) == (60, datetime(2030, 1, 1, 0, 11, tzinfo=UTC))

    assert workers[0].run_once() == 3
    assert sorted(slots) == [j.payload["slot"] for j in jobs]


def test_changed_interval_takes_effect_from_now(session: Session, make_worker: MakeWorker) -> None:
    make_worker(handlers=_tick_spec([], every_seconds=3600)).enqueue_periodic(now=T0)
    assert (
        make_worker(handlers=_tick_spec([], every_seconds=60)).enqueue_periodic(now=T0 + timedelta(minutes=5))
        == 1
    )
    schedule = session.get(JobSchedule, "test.tick")
    assert schedule is not None
    assert (schedule.interval_seconds, schedule.next_run_at) == (60, datetime(2030, 1, 1, 0, 6, tzinfo=UTC))


def test_running_worker_enqueues_and_runs_periodic_jobs(session: Session, make_worker: MakeWorker) -> None:
    slots: list[str] = []
    worker = make_worker(handlers=_tick_spec(slots, every_seconds=1), poll_seconds=5)
    worker.start_in_thread()
    deadline = time.monotonic() + 4
    while len(slots) < 2:
        assert time.monotonic() < deadline, f"periodic job ran {len(slots)} times, expected 2"
        time.sleep(0.05)
    worker.stop()
    assert len(set(slots)) == len(slots)
    ran = session.scalars(select(Job).where(Job.name == "test.tick", Job.status == JobStatus.succeeded)).all()
    assert len(ran) >= 2
