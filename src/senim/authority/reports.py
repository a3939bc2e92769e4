"""Reports of measures to the authorized body (LAW-20): for each period (a setting, monthly by default,
periods aligned to January), the decisions taken against unlawful content by category and action and by
what started them, the orders of state bodies received and executed with their times, and the
escalations to law enforcement. Built once per period by an hourly job, stored, sent to every authorized-body
principal by signed webhook and to ``SENIM_AUTHORITY_EMAIL`` by e-mail, and read through the API."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from senim import audit
from senim.account.service import account_service
from senim.audit import Actor
from senim.config import Settings
from senim.jobs import enqueue
from senim.kit.clock import ALMATY, utcnow
from senim.models import (
    Decision,
    Escalation,
    MeasuresReport,
    OrderStatus,
    Role,
    StateOrder,
)
from senim.moderation.policy import RESTRICTIVE
from senim.notification.service import in_language, notification_service
from senim.web.i18n import N_, gettext

EVENT = "report.measures"
EMAIL_JOB = "authority.email_report"
SYSTEM = Actor.system("reports")
EMAIL_SUBJECT = N_("{operator}: measures taken against unlawful content, {first} to {last}")
EMAIL_INTRO = N_(
    "The measures taken on the platform against unlawful content in the period (OPL Art. 9(4)(6)): decisions "
    "by category and action, orders of state bodies with their times, escalations to law enforcement."
)


def period_containing(day: date, months: int) -> tuple[date, date]:
    """The period of ``months`` calendar months (aligned to January) that holds ``day``: first, last day."""
    index = (day.month - 1) // months
    first = date(day.year, index * months + 1, 1)
    next_month = index * months + months + 1
    following = date(day.year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def last_complete_period(today: date, months: int) -> tuple[date, date]:
    """The latest period that has ended before ``today``."""
    first, _last = period_containing(today, months)
    return period_containing(first - timedelta(days=1), months)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ALMATY).astimezone(UTC)


def build(session: Session, first: date, last: date) -> dict[str, object]:
    """The report's figures for the days ``first``..``last`` (Asia/Almaty)."""
    start, end = _utc(first), _utc(last + timedelta(days=1))
    decisions = session.execute(
        select(Decision.category, Decision.action, Decision.source).where(
            Decision.decided_at >= start, Decision.decided_at < end, Decision.action.in_(list(RESTRICTIVE))
        )
    ).all()
    by_category = Counter((row.category or "terms", row.action) for row in decisions)
    # Every order that was received, executed or rejected in the period, or still open at its end: each
    # figure counts what happened in the period by its own time, so consecutive reports add up.
    orders = list(
        session.scalars(
            select(StateOrder)
            .where(
                StateOrder.received_at < end,
                or_(
                    StateOrder.received_at >= start,
                    StateOrder.executed_at.is_(None) | (StateOrder.executed_at >= start),
                ),
            )
            .order_by(StateOrder.received_at)
        )
    )

    def within(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    def rejected_by(order: StateOrder, moment: datetime) -> bool:
        return (
            order.status == OrderStatus.rejected
            and order.reviewed_at is not None
            and order.reviewed_at < moment
        )

    received = [o for o in orders if within(o.received_at)]
    escalations = session.scalar(
        select(func.count())
        .select_from(Escalation)
        .where(Escalation.dispatched_at >= start, Escalation.dispatched_at < end)
    )
    return {
        "period": {"first": first.isoformat(), "last": last.isoformat(), "time_zone": "Asia/Almaty"},
        "decisions": {
            "total": len(decisions),
            "by_category_and_action": [
                {"category": c, "action": a, "count": n} for (c, a), n in sorted(by_category.items())
            ],
            "by_source": dict(sorted(Counter(row.source for row in decisions).items())),
        },
        "orders": {
            "received": len(received),
            "by_kind": dict(sorted(Counter(o.kind for o in received).items())),
            "executed": [
                {  # no number or body: every authorized-body principal reads this report
                    "kind": o.kind,
                    "received_at": o.received_at.isoformat(),
                    "due_at": o.due_at.isoformat(),
                    "executed_at": o.executed_at.isoformat(),
                    "minutes": round((o.executed_at - o.received_at).total_seconds() / 60, 1),
                    # an order due at once has no span to be within: its minutes say how fast
                    "within_deadline": None if o.due_at <= o.received_at else o.executed_at <= o.due_at,
                }
                for o in orders
                if o.executed_at is not None and within(o.executed_at)
            ],
            "rejected": sum(1 for o in orders if within(o.reviewed_at) and rejected_by(o, end)),
            "open": sum(
                1
                for o in orders
                if (o.executed_at is None or o.executed_at >= end) and not rejected_by(o, end)
            ),
        },
        "escalations_to_law_enforcement": int(escalations or 0),
    }


def make_due_report(session: Session, settings: Settings, today: date | None = None) -> MeasuresReport | None:
    """Build, store and send the report of the last complete period, once (the daily job)."""
    today = today or utcnow().astimezone(ALMATY).date()
    first, last = last_complete_period(today, max(1, settings.measures_report_months))
    if session.scalar(select(MeasuresReport.id).where(MeasuresReport.period_start == first.isoformat())):
        return None
    report = MeasuresReport(
        id=uuid.uuid4(),
        period_start=first.isoformat(),
        period_end=last.isoformat(),
        data=build(session, first, last),
    )
    session.add(report)
    session.flush()
    audit.record(
        session,
        actor=SYSTEM,
        tag="measures_report:create",
        target=report,
        data={"first": report.period_start},
    )
    for body in account_service.active_with_roles(session, Role.authorized_body):
        notification_service.emit(
            session,
            body.id,
            EVENT,
            {"report_id": str(report.id), "first": report.period_start, "last": report.period_end},
            event_id=uuid.uuid4(),
        )
    if settings.authority_email:
        enqueue(session, EMAIL_JOB, {"report_id": str(report.id)}, idempotency_key=f"{EMAIL_JOB}:{report.id}")
    report.sent_at = utcnow()
    return report


def email_text(report: MeasuresReport, settings: Settings) -> tuple[str, str]:
    """Subject and body of the e-mail, in the operator's default language, with the figures as JSON, as
    the API serves them."""
    with in_language(settings.default_language):
        subject = gettext(
            EMAIL_SUBJECT, operator=settings.operator_name, first=report.period_start, last=report.period_end
        )
        intro = gettext(EMAIL_INTRO)
    return subject, intro + "\n\n" + json.dumps(report.data, ensure_ascii=False, indent=2)
