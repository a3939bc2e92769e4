"""Rows for the tests of the risk register, the public dashboard and the public statements of reasons:
decisions, complaints, orders and escalations at chosen times, written straight to the tables (the
figures are about times, so the tests choose them)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from senim.kit.clock import ALMATY, today_in, utcnow
from senim.models import Complaint, ContentItem, Decision, Escalation, StateOrder, User

_seq = itertools.count(1)


def month_start(months_ago: int, today: date | None = None) -> date:
    """The first day of the month ``months_ago`` months before today's (Asia/Almaty)."""
    day = (today or today_in()).replace(day=1)
    for _ in range(months_ago):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


def in_month(months_ago: int, day: int = 10) -> datetime:
    """A moment in the month ``months_ago`` months back: its ``day`` at noon (Almaty); in the current month,
    half way between its start and now (never in the future)."""
    first = month_start(months_ago)
    if months_ago == 0:
        start = datetime.combine(first, time.min, tzinfo=ALMATY)
        return start + (utcnow() - start) / 2
    return datetime.combine(first + timedelta(days=day - 1), time(12), tzinfo=ALMATY)


def make_item(session: Session, author: User, body: str = "", kind: str = "post") -> ContentItem:
    item = ContentItem(id=uuid.uuid4(), kind=kind, author_id=author.id, body=body or "Some words here")
    session.add(item)
    session.flush()
    return item


def make_decision(
    session: Session,
    *,
    at: datetime | None = None,
    action: str = "remove",
    ground: str | None = "law",
    category: str | None = "unlawful.terrorism_extremism",
    facts: str = "The post breaks the law.",
    automated: str = "not",
    detection: bool = False,
    source: str = "complaint",
    item: ContentItem | None = None,
    affected: User | None = None,
    decided_by: User | None = None,
    **overrides: Any,
) -> Decision:
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "subject": "item" if item is not None else overrides.pop("subject", "item"),
        "item_id": item.id if item is not None else None,
        "affected_user_id": affected.id if affected is not None else (item.author_id if item else None),
        "action": action,
        "ground_kind": ground,
        "category": category if ground == "law" else None,
        "taxonomy_version": "2026-01-01" if ground == "law" and category else None,
        "terms_clause": "" if ground != "terms" else overrides.pop("terms_clause", "Clause 4.2, spam"),
        "facts": facts,
        "source": source,
        "automated_detection": detection,
        "automated_decision": automated,
        "decided_by_id": decided_by.id if decided_by is not None else None,
        "decided_at": at or utcnow(),
    }
    fields.update(overrides)
    decision = Decision(**fields)
    session.add(decision)
    session.flush()
    return decision


def make_complaint(
    session: Session, *, received: datetime, answered: datetime | None = None, **overrides: Any
) -> Complaint:
    n = next(_seq)
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "number": f"C-T{n:03d}-{uuid.uuid4().hex[:4].upper()}",
        "status": "answered" if answered else "received",
        "subject": "item",
        "category": "unlawful",
        "rules_version": 1,
        "description": "A complaint",
        "details": {},
        "language": "en",
        "received_at": received,
        "answered_at": answered,
    }
    fields.update(overrides)
    complaint = Complaint(**fields)
    session.add(complaint)
    session.flush()
    return complaint


def make_order(
    session: Session, *, received: datetime, executed: datetime | None = None, kind: str = "restriction_order"
) -> StateOrder:
    n = next(_seq)
    order = StateOrder(
        id=uuid.uuid4(),
        number=f"O-T{n:03d}-{uuid.uuid4().hex[:4].upper()}",
        issuing_body="Ministry",
        kind=kind,
        basis_type="order",
        measures=["restrict"],
        requested_fields=[],
        targets=[],
        channel="api",
        received_at=received,
        due_at=received + timedelta(hours=2),
        warn_at=received + timedelta(hours=1),
        status="executed" if executed else "received",
        executed_at=executed,
    )
    session.add(order)
    session.flush()
    return order


def make_escalation(session: Session, item: ContentItem, *, at: datetime) -> Escalation:
    escalation = Escalation(
        id=uuid.uuid4(),
        item_id=item.id,
        category="unlawful.terrorism_extremism",
        source="moderator",
        reason="A threat",
        created_at=at,
    )
    session.add(escalation)
    session.flush()
    return escalation
