"""Job handlers by name. A handler is thin and idempotent: it calls a service with the job's session.

The worker runs a handler inside a transaction that also marks the job succeeded, so the database
changes a job makes happen exactly once; anything it sends out carries ``ctx.idempotency_key`` so the
receiver can drop a repeat after a crash between sending and committing.

A handler that talks to the network (SMTP, webhooks) is registered with ``external=True``: it gets a
read-only session instead (it loads what it needs and sends; it writes nothing, enqueues nothing), and
the worker marks the job succeeded afterwards in a short transaction of its own. So a slow receiver
never holds a transaction open, which on SQLite would hold the single write lock and stop every write
of the installation.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from senim.config import Settings


@dataclass
class JobContext:
    session: Session
    settings: Settings
    job_id: uuid.UUID
    name: str
    payload: dict[str, Any]
    attempt: int
    idempotency_key: str


Handler = Callable[[JobContext], None]


@dataclass(frozen=True)
class JobSpec:
    name: str
    handler: Handler
    max_attempts: int
    priority: int
    every_seconds: int | None = None  # set for periodic jobs (``@periodic``)
    external: bool = False  # network I/O: runs with a read-only session, marked succeeded afterwards


HANDLERS: dict[str, JobSpec] = {}


def _register(spec: JobSpec) -> None:
    if spec.name in HANDLERS and HANDLERS[spec.name].handler is not spec.handler:
        raise ValueError(f"job {spec.name!r} is registered twice")
    HANDLERS[spec.name] = spec


def job(
    name: str, *, max_attempts: int = 8, priority: int = 50, external: bool = False
) -> Callable[[Handler], Handler]:
    """Register ``handler`` under ``name`` (``<domain>.<event>``).

    ``external=True`` for a handler whose work is network I/O (an e-mail, a webhook): ``ctx.session`` is
    then read-only — reading is all such a handler may do with it; a write (a flush, an INSERT/UPDATE/
    DELETE, ``enqueue``) fails the attempt — and the job is marked succeeded in a separate short write
    transaction once the handler returns. A crash between sending and that mark runs the job again, so
    what it sends must carry ``ctx.idempotency_key``.
    """

    def register(handler: Handler) -> Handler:
        _register(
            JobSpec(
                name=name, handler=handler, max_attempts=max_attempts, priority=priority, external=external
            )
        )
        return handler

    return register


def periodic(
    name: str, *, every_seconds: int, priority: int = 50, max_attempts: int = 3
) -> Callable[[Handler], Handler]:
    """Register ``handler`` under ``name`` and run it every ``every_seconds``.

    Workers keep one ``job_schedule`` row per periodic job and enqueue one job per slot (the slot's due
    time is in ``ctx.payload["slot"]`` and in the idempotency key), however many workers run. Slots
    missed while no worker ran collapse into one run. Fewer attempts than ``@job`` by default: the next
    slot comes anyway.
    """
    if every_seconds < 1:
        raise ValueError("every_seconds must be at least 1")

    def register(handler: Handler) -> Handler:
        _register(
            JobSpec(
                name=name,
                handler=handler,
                max_attempts=max_attempts,
                priority=priority,
                every_seconds=every_seconds,
            )
        )
        return handler

    return register


def load_handlers() -> dict[str, JobSpec]:
    """Import every domain's ``jobs`` module, which registers its handlers with ``@job``/``@periodic``."""
    import importlib
    from pathlib import Path

    src = Path(__file__).resolve().parent.parent
    for path in sorted(src.glob("*/jobs.py")):
        importlib.import_module(f"senim.{path.parent.name}.jobs")
    return HANDLERS
