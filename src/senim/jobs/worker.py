"""The worker: claims due jobs, runs their handlers, retries with backoff, and enqueues periodic jobs.

One loop per concurrency slot: claim the most urgent due job (lowest priority number, then earliest
``run_at``) among the names this worker has handlers for, run its handler, repeat; when nothing is due,
sleep until the next ``run_at`` (at most ``poll_seconds``) or until woken.

- **Claim.** PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``, so any number of workers on any number of
  hosts claim different jobs without waiting on each other. SQLite: SQLAlchemy silently drops
  ``SKIP LOCKED`` there, so no locking clause is sent; the ``Database`` begins every SQLite transaction
  with ``BEGIN IMMEDIATE`` (one writer at a time), which makes select-then-update in one transaction
  safe. The claim marks the job ``running`` with ``locked_by`` and a lease (``locked_until``), counts
  the attempt, and commits.
- **Run.** The handler runs in a new transaction that also marks the job ``succeeded``: its database
  changes and the success mark commit together or not at all. On PostgreSQL that transaction first
  locks the job's row, so while the worker lives nobody reclaims the job even past its lease. On
  failure the handler's changes are rolled back and, in another transaction, the job goes back to
  ``pending`` with exponential backoff, or to ``dead`` (the dead letter) when its attempts are spent.
- **External jobs** (``@job(..., external=True)``: e-mail, webhooks) do network I/O, which must not
  happen inside a write transaction (on SQLite that holds the single write lock). Their handler gets a
  read-only session (``Database.transaction(write=False)``: on SQLite a deferred BEGIN, no write lock);
  the job is then marked ``succeeded`` in its own short write transaction, if this worker still holds
  it. On PostgreSQL a separate transaction keeps the job's row locked meanwhile (a row lock blocks
  nobody else), so a live worker's job is still never reclaimed. A crash between sending and marking
  runs the job again: receivers drop the repeat by its idempotency key.
- **Crash recovery.** A ``running`` job whose lease has passed (its worker was killed) is claimable
  again; the lost run counts as a failed attempt, and the job is dead if that was its last.
- **Wake-up.** In-process commits that enqueued a job wake the worker through ``Database.on_commit``;
  on PostgreSQL a dedicated connection LISTENs on ``senim_jobs`` (``pg_notify`` is delivered at
  commit, from any host); on SQLite a watcher reads ``PRAGMA data_version`` four times a second, so a
  commit by another process wakes the worker too. Polling remains as a fallback.
- **Periodic jobs** (``@periodic``): one ``job_schedule`` row per job; whoever holds its row lock
  enqueues the due slot with the idempotency key ``<name>:<slot>`` and advances ``next_run_at``, so N
  workers enqueue each slot once.
"""

from __future__ import annotations

import logging
import math
import os
import random
import signal
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, or_, select, text, update
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import ORMExecuteState, Session

from senim.audit.service import request_id_var
from senim.config import Settings
from senim.db import Database
from senim.jobs.registry import Handler, JobContext, JobSpec, load_handlers
from senim.jobs.service import NOTIFY_CHANNEL, WAKE_FLAG, enqueue
from senim.kit.clock import utcnow
from senim.models import Job, JobSchedule, JobStatus
from senim.models.job import Priority

log = logging.getLogger("senim.jobs")

BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 3600.0
BACKOFF_JITTER = 0.2  # ±20 %, so jobs that failed together do not all come back at the same instant
POLL_SECONDS = 5.0  # the longest idle sleep: the fallback when no wake-up arrives
BUSY_RETRY_SECONDS = 1.0  # something is due but held by another worker: look again shortly
SQLITE_WATCH_SECONDS = 0.25
LISTEN_RETRY_SECONDS = 2.0
READY_TIMEOUT_SECONDS = 10.0
ERROR_MAX_CHARS = 2000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_jitter = random.Random()  # noqa: S311 - spreading retries, not security


def backoff_seconds(attempts: int, *, rand: Callable[[], float] = _jitter.random) -> float:
    """Delay before the next attempt after ``attempts`` failed ones: 2 s, 4 s, 8 s … capped at 1 h, ±20 %."""
    delay = min(BACKOFF_BASE_SECONDS * 2.0 ** min(max(attempts, 1) - 1, 32), BACKOFF_CAP_SECONDS)
    return min(delay * (1.0 + BACKOFF_JITTER * (2.0 * rand() - 1.0)), BACKOFF_CAP_SECONDS)


def describe_error(exc: BaseException) -> str:
    """What ``last_error`` keeps: the exception type and message, truncated."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= ERROR_MAX_CHARS else text[: ERROR_MAX_CHARS - 1] + "…"


def first_slot(now: datetime, every_seconds: int) -> datetime:
    """The latest slot at or before ``now`` on the grid of ``every_seconds`` since the Unix epoch."""
    elapsed = math.floor((now - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=elapsed - elapsed % every_seconds)


def next_slot(slot: datetime, every_seconds: int, now: datetime) -> datetime:
    """The first slot after ``now`` following ``slot``: slots missed while no worker ran collapse into one."""
    behind = max((now - slot).total_seconds(), 0.0)
    return slot + timedelta(seconds=(math.floor(behind / every_seconds) + 1) * every_seconds)


class LeaseLost(Exception):
    """The job was reclaimed by another worker while this one ran it; this run's changes are dropped."""


class ReadOnlyViolation(RuntimeError):
    """An external job's handler tried to write through its read-only session."""


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyViolation("an external job's handler must not write to the database")


def _refuse_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlyViolation("an external job's handler must not write to the database")


@dataclass(frozen=True)
class Claim:
    id: uuid.UUID
    name: str
    payload: dict[str, Any]
    attempt: int
    idempotency_key: str
    request_id: str | None
    locked_by: str


def _as_spec(name: str, handler: JobSpec | Handler) -> JobSpec:
    if isinstance(handler, JobSpec):
        return handler
    return JobSpec(name=name, handler=handler, max_attempts=8, priority=Priority.normal)


class Worker:
    """Runs the jobs it has handlers for; see the module documentation for how.

    ``run_once`` runs what is due now and returns (tests, ``drain``); ``run_forever`` blocks until
    SIGTERM/SIGINT (in the main thread) or ``stop()``; ``start_in_thread`` runs it in a daemon thread
    (``senim serve``'s embedded worker) and returns once the worker listens for wake-ups. A Worker runs
    once: after ``stop()`` make a new one.

    ``concurrency`` (default ``settings.worker_concurrency``) is the number of claim-and-run loops;
    ``handlers`` (default: every registered handler) also limits which job names this worker claims.
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        name: str,
        concurrency: int | None = None,
        handlers: Mapping[str, JobSpec | Handler] | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.db = db
        self.settings = settings
        self.name = name
        self.concurrency = max(1, settings.worker_concurrency if concurrency is None else concurrency)
        self.poll_seconds = poll_seconds
        source: Mapping[str, JobSpec | Handler] = load_handlers() if handlers is None else handlers
        self.handlers: dict[str, JobSpec] = {n: _as_spec(n, h) for n, h in source.items()}
        self.identity = f"{name}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:112]
        # One wake-up event per loop: a loop clears only its own, so no loop swallows another's wake-up.
        self._wake_events = [threading.Event() for _ in range(self.concurrency)]
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()
        self._thread: threading.Thread | None = None
        self._next_schedule_at: datetime | None = None
        self._schedules_synced = False
        self._commit_hook = self._wake_on_commit

    # --- public ---------------------------------------------------------------------------------
    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.job_lease_seconds)

    def run_once(self, limit: int | None = None) -> int:
        """Claim and run due jobs until none is due or ``limit`` ran; return how many ran.

        Periodic schedules are not ticked here (``run_forever`` does, or call ``enqueue_periodic``), so
        a test draining its own jobs never runs other domains' sweeps.
        """
        ran = 0
        locked_by = self._locked_by(0)
        while limit is None or ran < limit:
            claim, _next_due = self._claim(locked_by)
            if claim is None:
                break
            self._run(claim)
            ran += 1
        return ran

    def run_forever(self) -> None:
        """Work until stopped: SIGTERM/SIGINT when called in the main thread, or ``stop()``.

        A stop finishes the jobs in hand; a second signal acts as the process's default would.
        """
        self._stopped.clear()
        restore_signals = self._install_signal_handlers()
        self.db.on_commit(self._commit_hook)
        watcher = threading.Thread(target=self._watch, name=f"senim-worker-{self.name}-wake", daemon=True)
        extra = [
            threading.Thread(target=self._serve, args=(k,), name=f"senim-worker-{self.name}-{k}", daemon=True)
            for k in range(1, self.concurrency)
        ]
        try:
            watcher.start()
            self._ready.wait(READY_TIMEOUT_SECONDS)
            for thread in extra:
                thread.start()
            log.info(
                "worker %s started: %d job kinds, concurrency %d",
                self.identity,
                len(self.handlers),
                self.concurrency,
            )
            self._serve(0)
        finally:
            self._stopping.set()
            self._wake_all()
            self._ready.set()
            for thread in extra:
                if thread.is_alive():
                    thread.join()
            if watcher.is_alive():
                watcher.join(timeout=5)
            self._remove_commit_hook()
            restore_signals()
            self._stopped.set()
            log.info("worker %s stopped", self.identity)

    def start_in_thread(self) -> threading.Thread:
        """Run ``run_forever`` in a daemon thread; return once it listens for wake-ups."""
        if self._thread is not None and self._thread.is_alive():
            return self._thread
        self._stopped.clear()
        self._thread = threading.Thread(
            target=self.run_forever, name=f"senim-worker-{self.name}", daemon=True
        )
        self._thread.start()
        self._ready.wait(READY_TIMEOUT_SECONDS)
        return self._thread

    def stop(self, timeout: float = 10) -> None:
        """Ask the worker to stop after the jobs in hand, and wait up to ``timeout`` seconds for it."""
        self._stopping.set()
        self._wake_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            stopped = not thread.is_alive()
        else:
            stopped = self._stopped.wait(timeout)
        if not stopped:
            log.warning(
                "worker %s did not stop within %ss; an unfinished job runs again after its lease",
                self.identity,
                timeout,
            )

    def enqueue_periodic(self, now: datetime | None = None) -> int:
        """Enqueue each due slot of this worker's periodic jobs once, whatever the number of workers.

        Returns how many slots were enqueued. ``now`` is for tests.
        """
        specs = {n: s for n, s in self.handlers.items() if s.every_seconds}
        if not specs:
            self._next_schedule_at = None
            return 0
        now = now or utcnow()
        enqueued = 0
        with self.db.transaction() as session:
            if not self._schedules_synced:
                self._sync_schedules(session, specs, now)
            due = (
                select(JobSchedule)
                .where(JobSchedule.name.in_(specs), JobSchedule.next_run_at <= now)
                .order_by(JobSchedule.name)
            )
            if not self.db.is_sqlite:
                # Another worker holding a schedule's row is enqueueing that slot: leave it to it.
                due = due.with_for_update(skip_locked=True)
            for row in session.scalars(due).all():
                spec = specs[row.name]
                slot = row.next_run_at.isoformat()
                enqueue(
                    session,
                    row.name,
                    {"slot": slot},
                    idempotency_key=f"{row.name}:{slot}",
                    priority=spec.priority,
                    max_attempts=spec.max_attempts,
                )
                row.next_run_at = next_slot(row.next_run_at, row.interval_seconds, now)
                enqueued += 1
            session.flush()
            self._next_schedule_at = session.scalar(
                select(func.min(JobSchedule.next_run_at)).where(JobSchedule.name.in_(specs))
            )
        self._schedules_synced = True
        return enqueued

    # --- claiming and running -------------------------------------------------------------------
    def _locked_by(self, slot: int) -> str:
        return f"{self.identity}/{slot}"

    def _claim(self, locked_by: str) -> tuple[Claim | None, datetime | None]:
        """Claim the most urgent due job; without one, return when the next one falls due."""
        names = sorted(self.handlers)
        if not names:
            return None, None
        while True:
            with self.db.transaction() as session:
                now = utcnow()
                stmt = (
                    select(Job)
                    .where(
                        Job.name.in_(names),
                        or_(
                            and_(Job.status == JobStatus.pending, Job.run_at <= now),
                            and_(Job.status == JobStatus.running, Job.locked_until < now),
                        ),
                    )
                    .order_by(Job.priority, Job.run_at)
                    .limit(1)
                )
                if not self.db.is_sqlite:
                    stmt = stmt.with_for_update(skip_locked=True)
                # On SQLite this transaction began with BEGIN IMMEDIATE: no other writer until commit.
                job = session.scalars(stmt).one_or_none()
                if job is None:
                    return None, self._next_due(session, names)
                if job.status == JobStatus.running:
                    # Its worker died mid-job (a live PostgreSQL worker keeps the row locked): attempt failed.
                    job.last_error = f"LeaseExpired: {job.locked_by} stopped during attempt {job.attempts}"
                    if job.attempts >= job.max_attempts:
                        job.status = JobStatus.dead
                        job.finished_at = now
                        job.locked_by = None
                        job.locked_until = None
                        log.error("job %s %s is dead: %s", job.id, job.name, job.last_error)
                        continue
                    log.warning("job %s %s reclaimed: %s", job.id, job.name, job.last_error)
                job.status = JobStatus.running
                job.locked_by = locked_by
                job.locked_until = now + self.lease
                job.attempts += 1
                claim = Claim(
                    id=job.id,
                    name=job.name,
                    payload=dict(job.payload),
                    attempt=job.attempts,
                    idempotency_key=job.idempotency_key,
                    request_id=job.request_id,
                    locked_by=locked_by,
                )
            return claim, None

    def _next_due(self, session: Session, names: list[str]) -> datetime | None:
        pending = session.scalar(
            select(func.min(Job.run_at)).where(Job.name.in_(names), Job.status == JobStatus.pending)
        )
        leased = session.scalar(
            select(func.min(Job.locked_until)).where(Job.name.in_(names), Job.status == JobStatus.running)
        )
        found = [t for t in (pending, leased) if t is not None]
        return min(found) if found else None

    def _run(self, claim: Claim) -> bool:
        """Run one claimed job; True when it succeeded."""
        spec = self.handlers[claim.name]
        token = request_id_var.set(claim.request_id)  # audit records and follow-up jobs keep the request id
        started = time.monotonic()
        try:
            if spec.external:
                self._run_external(spec, claim)
            else:
                with self.db.transaction() as session:
                    self._hold(session, claim)
                    spec.handler(self._context(session, claim))
                    self._mark_succeeded(session, claim)
        except LeaseLost:
            log.warning(
                "job %s %s lost its lease to another worker; %s",
                claim.id,
                claim.name,
                "not marked: the new holder runs it again (the idempotency key lets receivers drop a repeat)"
                if spec.external
                else "this run was rolled back",
            )
            return False
        except Exception as exc:
            self._record_failure(claim, exc)
            return False
        finally:
            request_id_var.reset(token)
        log.info(
            "job %s %s succeeded on attempt %d in %.3fs",
            claim.id,
            claim.name,
            claim.attempt,
            time.monotonic() - started,
        )
        return True

    def _run_external(self, spec: JobSpec, claim: Claim) -> None:
        """Run a network handler with a read-only session, then mark the job succeeded on its own.

        No write transaction is open while the handler waits on the network. On PostgreSQL the job's
        row stays locked by a transaction that writes nothing else until the mark (a row lock, which
        blocks no other writer), as for other jobs; SQLite has no row locks, so the read session checks
        that the job is still this worker's before the handler runs.
        """
        if self.db.is_sqlite:
            with self._read_only_session() as session:
                if not self._owned(session, claim):
                    raise LeaseLost
                spec.handler(self._context(session, claim))
            with self.db.transaction() as session:
                self._mark_succeeded(session, claim)
            return
        with self.db.transaction() as guard:
            self._hold(guard, claim)
            with self._read_only_session() as session:
                spec.handler(self._context(session, claim))
            self._mark_succeeded(guard, claim)

    @contextmanager
    def _read_only_session(self) -> Iterator[Session]:
        """A read transaction in which any write fails: an ORM flush, and the database refuses the rest."""
        with self.db.transaction(write=False) as session:
            sa_event.listen(session, "before_flush", _refuse_flush)
            sa_event.listen(session, "do_orm_execute", _refuse_dml)
            if self.db.is_sqlite:
                # The read engine has no pool (NullPool): the connection, and this setting, end with the
                # transaction.
                session.execute(text("PRAGMA query_only = ON"))
            else:
                session.execute(text("SET TRANSACTION READ ONLY"))
            yield session

    def _context(self, session: Session, claim: Claim) -> JobContext:
        return JobContext(
            session=session,
            settings=self.settings,
            job_id=claim.id,
            name=claim.name,
            payload=claim.payload,
            attempt=claim.attempt,
            idempotency_key=claim.idempotency_key,
        )

    @staticmethod
    def _still_ours(claim: Claim) -> Any:
        return and_(Job.id == claim.id, Job.locked_by == claim.locked_by, Job.status == JobStatus.running)

    def _owned(self, session: Session, claim: Claim) -> bool:
        return session.scalar(select(Job.id).where(self._still_ours(claim))) is not None

    def _hold(self, session: Session, claim: Claim) -> None:
        """On PostgreSQL, lock the job's row for the rest of ``session``'s transaction, or raise LeaseLost."""
        if self.db.is_sqlite:
            return
        if session.scalar(select(Job.id).where(self._still_ours(claim)).with_for_update()) is None:
            raise LeaseLost

    def _mark_succeeded(self, session: Session, claim: Claim) -> None:
        done = cast(
            "CursorResult[Any]",
            session.execute(
                update(Job)
                .where(self._still_ours(claim))
                .values(status=JobStatus.succeeded, finished_at=utcnow(), locked_by=None, locked_until=None)
                .execution_options(synchronize_session=False)
            ),
        )
        if done.rowcount != 1:
            raise LeaseLost

    def _record_failure(self, claim: Claim, exc: Exception) -> None:
        error = describe_error(exc)
        with self.db.transaction() as session:
            job = session.scalars(select(Job).where(Job.id == claim.id).with_for_update()).one_or_none()
            if job is None or job.status != JobStatus.running or job.locked_by != claim.locked_by:
                log.warning("job %s %s failed after losing its lease: %s", claim.id, claim.name, error)
                return
            now = utcnow()
            job.last_error = error
            job.locked_by = None
            job.locked_until = None
            if job.attempts >= job.max_attempts:
                job.status = JobStatus.dead
                job.finished_at = now
                log.error(
                    "job %s %s is dead after %d attempts: %s",
                    job.id,
                    job.name,
                    job.attempts,
                    error,
                    exc_info=exc,
                )
            else:
                delay = backoff_seconds(job.attempts)
                job.status = JobStatus.pending
                job.run_at = now + timedelta(seconds=delay)
                log.warning(
                    "job %s %s failed on attempt %d of %d, next in %.1fs: %s",
                    job.id,
                    job.name,
                    job.attempts,
                    job.max_attempts,
                    delay,
                    error,
                    exc_info=exc,
                )

    # --- the loop -------------------------------------------------------------------------------
    def _serve(self, slot: int) -> None:
        locked_by = self._locked_by(slot)
        primary = slot == 0
        wake = self._wake_events[slot]
        while True:
            # Cleared before looking, so a wake-up that arrives while we work is not lost; ``stop`` sets
            # the stop flag before waking, so a stop is never mistaken for nothing to do.
            wake.clear()
            if self._stopping.is_set():
                break
            try:
                timeout = self._idle_timeout(self._work(locked_by, primary=primary))
            except Exception:
                log.exception(
                    "worker %s: the job loop failed; retrying in %ss", self.identity, self.poll_seconds
                )
                timeout = self.poll_seconds
            wake.wait(timeout)

    def _work(self, locked_by: str, *, primary: bool) -> datetime | None:
        """Run due jobs until none is left; return when the next one falls due."""
        while not self._stopping.is_set():
            if primary:
                self._tick_schedules()
            claim, next_due = self._claim(locked_by)
            if claim is None:
                if primary and self._next_schedule_at is not None:
                    next_due = min(filter(None, (next_due, self._next_schedule_at)))
                return next_due
            self._run(claim)
        return None

    def _tick_schedules(self) -> None:
        if not self._schedules_synced or (
            self._next_schedule_at is not None and self._next_schedule_at <= utcnow()
        ):
            self.enqueue_periodic()

    def _idle_timeout(self, next_due: datetime | None) -> float:
        if next_due is None:
            return self.poll_seconds
        wait = (next_due - utcnow()).total_seconds()
        if wait <= 0:  # due, yet another worker holds it (or took it a moment ago)
            return min(BUSY_RETRY_SECONDS, self.poll_seconds)
        return min(max(wait, 0.01), self.poll_seconds)

    # --- wake-ups -------------------------------------------------------------------------------
    def _wake_all(self) -> None:
        for event in self._wake_events:
            event.set()

    def _wake_on_commit(self, session: Session) -> None:
        if session.info.get(WAKE_FLAG):
            self._wake_all()

    def _remove_commit_hook(self) -> None:
        # Database has no public way to unregister a commit callback; see docs/jobs.md.
        self.db.remove_on_commit(self._commit_hook)

    def _watch(self) -> None:
        try:
            if self.db.is_sqlite:
                self._watch_sqlite()
            else:
                self._listen_postgres()
        except Exception:
            log.exception(
                "worker %s: the wake-up watcher stopped; polling every %ss", self.identity, self.poll_seconds
            )
        finally:
            self._ready.set()

    def _listen_postgres(self) -> None:
        import psycopg
        from psycopg import sql

        conninfo = make_url(self.db.url).set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stopping.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(NOTIFY_CHANNEL)))
                    self._ready.set()
                    self._wake_all()  # look for jobs committed while we were not listening
                    while not self._stopping.is_set():
                        for note in conn.notifies(timeout=0.2):
                            if note.payload in self.handlers:
                                self._wake_all()
            except psycopg.Error as exc:
                log.warning(
                    "worker %s: LISTEN %s failed (%s); polling, reconnecting in %ss",
                    self.identity,
                    NOTIFY_CHANNEL,
                    describe_error(exc),
                    LISTEN_RETRY_SECONDS,
                )
                self._ready.set()
                self._stopping.wait(LISTEN_RETRY_SECONDS)

    def _watch_sqlite(self) -> None:
        path = make_url(self.db.url).database
        if not path or path == ":memory:":
            return
        conn = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
        try:
            last = conn.execute("PRAGMA data_version").fetchone()[0]
            self._ready.set()
            while not self._stopping.wait(SQLITE_WATCH_SECONDS):
                try:
                    current = conn.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error as exc:
                    log.warning("worker %s: cannot watch the database: %s", self.identity, exc)
                    continue
                if current != last:  # another connection committed: maybe a job
                    last = current
                    self._wake_all()
        finally:
            conn.close()

    # --- signals --------------------------------------------------------------------------------
    def _install_signal_handlers(self) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous: dict[signal.Signals, Any] = {}
        for sig in (signal.SIGTERM, signal.SIGINT):
            handler = signal.getsignal(sig)
            previous[sig] = signal.SIG_DFL if handler is None else handler

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            log.info(
                "worker %s: %s received, finishing the jobs in hand",
                self.identity,
                signal.Signals(signum).name,
            )
            self._stopping.set()
            self._wake_all()
            restore()  # a second signal acts as it would without the worker

        for signum in previous:
            signal.signal(signum, on_signal)
        return restore

    # --- schedules ------------------------------------------------------------------------------
    def _sync_schedules(self, session: Session, specs: dict[str, JobSpec], now: datetime) -> None:
        """Create the missing ``job_schedule`` rows; a changed interval takes effect from now."""
        insert = sqlite_insert if self.db.is_sqlite else pg_insert
        for name, spec in specs.items():
            every = cast(int, spec.every_seconds)
            session.execute(
                insert(JobSchedule)
                .values(name=name, interval_seconds=every, next_run_at=first_slot(now, every))
                .on_conflict_do_nothing(index_elements=["name"])
            )
            session.execute(
                update(JobSchedule)
                .where(JobSchedule.name == name, JobSchedule.interval_seconds != every)
                .values(interval_seconds=every, next_run_at=first_slot(now, every))
                .execution_options(synchronize_session=False)
            )


def drain(db: Database, settings: Settings, *, max_jobs: int = 1000) -> int:
    """Run every job that is due now (and those they enqueue), up to ``max_jobs``; for tests."""
    return Worker(db, settings, name="drain").run_once(limit=max_jobs)
