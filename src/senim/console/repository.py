"""Queries the console needs that no domain service offers yet: searching accounts, listing tokens and
external principals, and the job queue's views (failed jobs, the oldest waiting job) a page at a time.

Read-only: every change the console makes goes through the owning domain's service, which audits it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from senim.kit.cursor import Keyset
from senim.models import AccountStatus, ApiToken, Job, JobStatus, Role, User
from senim.models.account import EXTERNAL_ROLES

MAX_PAGE = 200


class JobView(StrEnum):
    """The tabs of the job queue page: a job status, or ``failed`` (waiting to be retried after an error)."""

    pending = "pending"
    running = "running"
    failed = "failed"
    dead = "dead"
    succeeded = "succeeded"
    cancelled = "cancelled"


@dataclass(frozen=True)
class UserFilter:
    text: str | None = None  # part of the username or display name, any case
    role: Role | None = None
    status: AccountStatus | None = None


def _after(
    created: InstrumentedAttribute[datetime], row_id: InstrumentedAttribute[uuid.UUID], after: Keyset
) -> ColumnElement[bool]:
    """Strictly after ``after`` in newest-first order of ``(created, id)``."""
    return or_(created < after.at, and_(created == after.at, row_id < after.id))


def search_users(session: Session, f: UserFilter, *, after: Keyset | None, limit: int) -> list[User]:
    """Accounts newest first, after ``after`` in that order, matching the filter."""
    stmt = select(User)
    if f.text:
        stmt = stmt.where(
            or_(
                User.username.icontains(f.text, autoescape=True),
                User.display_name.icontains(f.text, autoescape=True),
            )
        )
    if f.role is not None:
        stmt = stmt.where(User.role == f.role)
    if f.status is not None:
        stmt = stmt.where(User.status == f.status)
    if after is not None:
        stmt = stmt.where(_after(User.created_at, User.id, after))
    stmt = stmt.order_by(User.created_at.desc(), User.id.desc()).limit(min(max(limit, 1), MAX_PAGE))
    return list(session.scalars(stmt))


def users_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, User]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def external_principals(session: Session) -> list[User]:
    """Active platforms, state bodies and law-enforcement accounts, by username."""
    stmt = (
        select(User)
        .where(User.role.in_(sorted(EXTERNAL_ROLES)), User.status == AccountStatus.active)
        .order_by(User.username)
    )
    return list(session.scalars(stmt))


def list_tokens(session: Session, *, limit: int = MAX_PAGE) -> list[ApiToken]:
    stmt = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(session.scalars(stmt.limit(min(max(limit, 1), MAX_PAGE))))


def _failed() -> ColumnElement[bool]:
    return and_(Job.status == JobStatus.pending, Job.attempts > 0, Job.last_error.is_not(None))


def list_jobs(
    session: Session, view: JobView | None, name: str | None, *, after: Keyset | None, limit: int
) -> list[Job]:
    """Jobs newest first; ``name`` matches the start of the job name (``notification.`` for a domain)."""
    stmt = select(Job)
    if view is JobView.failed:
        stmt = stmt.where(_failed())
    elif view is not None:
        stmt = stmt.where(Job.status == JobStatus(view.value))
    if name:
        stmt = stmt.where(Job.name.startswith(name, autoescape=True))
    if after is not None:
        stmt = stmt.where(_after(Job.created_at, Job.id, after))
    stmt = stmt.order_by(Job.created_at.desc(), Job.id.desc()).limit(min(max(limit, 1), MAX_PAGE))
    return list(session.scalars(stmt))


def failed_job_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Job).where(_failed())) or 0)


def oldest_due_pending(session: Session, now: datetime) -> datetime | None:
    """When the pending job that has waited longest became due (jobs scheduled for later are not late)."""
    return session.scalar(
        select(func.min(Job.run_at)).where(Job.status == JobStatus.pending, Job.run_at <= now)
    )


def oldest_dead(session: Session) -> datetime | None:
    """When the oldest dead letter gave up (its last attempt)."""
    return session.scalar(
        select(func.min(func.coalesce(Job.finished_at, Job.created_at))).where(Job.status == JobStatus.dead)
    )
