"""Read-only counts of the moderation queue for the console home card."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.models import CaseStatus, ModerationCase


def open_cases(
    session: Session,
    *,
    escalated: bool | None = None,
    overdue_at: datetime | None = None,
    assignee_id: uuid.UUID | None = None,
) -> int:
    query = select(func.count()).select_from(ModerationCase).where(ModerationCase.status == CaseStatus.open)
    if assignee_id is not None:
        query = query.where(ModerationCase.assignee_id == assignee_id)
    if escalated is not None:
        query = query.where(
            ModerationCase.escalated_at.is_not(None) if escalated else ModerationCase.escalated_at.is_(None)
        )
    if overdue_at is not None:
        query = query.where(ModerationCase.due_at < overdue_at)
    return int(session.scalar(query) or 0)


def nearest_due(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(ModerationCase.due_at)).where(ModerationCase.status == CaseStatus.open)
    )


def oldest_open(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(ModerationCase.opened_at)).where(ModerationCase.status == CaseStatus.open)
    )
