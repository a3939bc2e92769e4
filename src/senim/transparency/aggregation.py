"""Statistics for any period from the records Senim keeps (LAW-20, 37): complaints, moderation decisions,
automated actions, orders of state bodies, user-data requests, escalations to law enforcement and appeals.

Every figure is an SQL aggregate (``GROUP BY`` with ``count``/``sum``/``max``) that runs the same on SQLite
and PostgreSQL; the only per-dialect SQL is the length of a time span in seconds and a JSON array's length
(compiled constructs below) and the median (``percentile_cont`` on PostgreSQL, ``ORDER BY … OFFSET`` on
SQLite: the same exact value on both).

The interface (stable; the report, the public dashboard and the bench call it):

* :class:`Period` — a half-open span ``[start, end)`` of aware UTC datetimes; ``Period.year(2026)``,
  ``Period.month(2026, 3)`` and ``Period.days(first, last)`` take whole days in Asia/Almaty.
* ``complaint_stats``, ``decision_stats``, ``automation_stats``, ``order_stats``, ``data_request_stats``,
  ``escalation_stats``, ``appeal_stats`` — each ``(session, period) -> dict`` of plain JSON values.
* :func:`complaint_scan`, :func:`decision_scan` — the one grouped scan of each big table (grouped by the
  month too, :func:`month_bucket`) that the sections and the report's monthly series are counted from.
* :func:`figures` — all of them in one dict (with ``schema_version`` and ``period``, and with ``monthly``
  the series of some metrics), what the annual report freezes; :func:`canonical_json` and
  :func:`content_hash` make its bytes and hash.
* :func:`monthly_counts` — ``[(YYYY-MM, count), …]`` for one :class:`Metric`, month by month (Almaty);
  :func:`monthly_series` — the same for several metrics, one scan per table.

Each event counts in the period in which it happened: a complaint is *received* by its ``received_at``,
*answered* by its ``answered_at``, and on time if by its ``legal_due_at`` (LAW-32, fixed at receipt); an
order is received, executed and refused by its own timestamps; and "pending at the end" is worked out from
timestamps, not from today's status, so a past period's figures do not change when a record moves on later
(except for records that are themselves changed, which :class:`~senim.models.TransparencyReport` freezes
against). Times are seconds, rounded half away from zero to whole seconds (exactly, on both backends)
before any median; shares are ratios rounded to four decimals; all mappings are sorted by key.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    and_,
    case,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from senim.kit.clock import ALMATY, as_utc
from senim.models import (
    Appeal,
    Complaint,
    ComplaintStatus,
    Decision,
    Disclosure,
    DisclosureStatus,
    Escalation,
    OrderStatus,
    Signal,
    StateOrder,
)

SCHEMA_VERSION = 2  # 2: answers counted by the legal deadline; orders due at once not timed
TIME_ZONE = "Asia/Almaty"
ANSWER_DAYS = 20  # the complaint answer deadline (LAW-32): the report gives the share answered within it
FIRST_YEAR, LAST_YEAR = 2023, 2100  # the law is of 2023; no report is built for a year outside these
USER_DATA_REQUEST = "user_data_request"  # authority.policy.OrderKind.user_data_request
REMOVAL_ACTIONS = ("remove", "geo_restrict")  # moderation.policy.Action: content taken down (or in KZ)
AUTOMATED = ("fully", "partially")  # moderation.policy.Automation values other than "not"
NONE_KEY = "none"  # the key of a missing category or ground in the breakdowns

Figures = dict[str, Any]


# ---------------------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in aware UTC; ``first``/``last`` are the Almaty days it covers (for display)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", as_utc(self.start))
        object.__setattr__(self, "end", as_utc(self.end))
        if self.end <= self.start:
            raise ValueError("a period ends after it starts")

    @staticmethod
    def _midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=ALMATY).astimezone(UTC)

    @classmethod
    def days(cls, first: date, last: date) -> Period:
        """The Almaty days ``first``..``last``, both included."""
        return cls(cls._midnight(first), cls._midnight(last + timedelta(days=1)))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls.days(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls.days(date(year, month, 1), following - timedelta(days=1))

    @property
    def first(self) -> date:
        return self.start.astimezone(ALMATY).date()

    @property
    def last(self) -> date:
        return (self.end - timedelta(microseconds=1)).astimezone(ALMATY).date()

    def as_dict(self) -> dict[str, str]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "first_day": self.first.isoformat(),
            "last_day": self.last.isoformat(),
            "time_zone": TIME_ZONE,
        }

    def months(self) -> list[Period]:
        """The calendar months (Almaty) the period touches, each cut to the period."""
        out: list[Period] = []
        day = self.first.replace(day=1)
        while day <= self.last:
            month = Period.month(day.year, day.month)
            out.append(Period(max(month.start, self.start), min(month.end, self.end)))
            day = month.last + timedelta(days=1)
        return out


# ---------------------------------------------------------------------------------------------------------
# Per-dialect SQL: a span in whole seconds, a JSON array's length


class seconds_between(FunctionElement[float]):
    """``seconds_between(later, earlier)``: the span in whole seconds (rounded), NULL if either is NULL."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


def _sqlite_microseconds(value: str) -> str:
    """Microseconds since 1970 of a stored SQLite datetime (``YYYY-MM-DD HH:MM:SS[.ffffff]``, as
    SQLAlchemy writes it), in integer arithmetic: whole seconds from ``strftime('%s')`` of the first 19
    characters, plus the fraction's digits read as an integer (padded to six). ``julianday`` is a double
    accurate to about 50 µs, which made a span of exactly ``n.5`` s round differently from PostgreSQL."""
    seconds = f"strftime('%s', substr({value}, 1, 19))"
    fraction = f"CAST(substr({value} || '000000', 21, 6) AS INTEGER)"
    return f"({seconds} * 1000000 + {fraction})"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    # an exact integer of microseconds; ROUND of it over 10^6 rounds half away from zero, like PostgreSQL's
    # ROUND(numeric) (an n.5 quotient is exact in a double)
    return f"ROUND(({_sqlite_microseconds(later)} - {_sqlite_microseconds(earlier)}) / 1000000.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"ROUND(EXTRACT(EPOCH FROM ({later} - {earlier})))::float8"


class json_length(FunctionElement[int]):
    """The length of a JSON array column."""

    type = Integer()
    name = "json_length"
    inherit_cache = True


@compiles(json_length, "sqlite")
def _json_length_sqlite(element: json_length, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_array_length({compiler.process(element.clauses, **kw)})"


@compiles(json_length, "postgresql")
def _json_length_postgresql(element: json_length, compiler: SQLCompiler, **kw: Any) -> str:
    return f"jsonb_array_length({compiler.process(element.clauses, **kw)})"


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def month_bucket(column: Any, period: Period) -> ColumnElement[int]:
    """The index of the Almaty month of :meth:`Period.months` that ``column`` falls in, -1 outside the
    period (or NULL): one chain of ``<`` tests over the months' UTC boundaries, at most one per month."""
    months = period.months()
    return case(
        (column < period.start, literal_column("-1")),
        *((column < m.end, literal_column(str(i))) for i, m in enumerate(months)),
        else_=literal_column("-1"),
    )


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sorted(counter: Mapping[str, int]) -> dict[str, int]:
    return {key: int(counter[key]) for key in sorted(counter) if counter[key]}


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def median(
    session: Session, span: ColumnElement[float], *where: ColumnElement[bool], count: int | None = None
) -> float | None:
    """The exact median of ``span`` over the rows ``where`` selects (the mean of the two middle values when
    the count is even), or None without rows. One aggregate on PostgreSQL; on SQLite an ordered
    ``LIMIT/OFFSET`` read of one or two values (after a count, unless ``count`` of the non-null spans is
    given)."""
    if session.get_bind().dialect.name == "postgresql":
        value = session.scalar(select(func.percentile_cont(0.5).within_group(span)).where(*where))
        return _seconds(value)
    n = (
        count
        if count is not None
        else int(session.scalar(select(func.count()).where(*where, span.is_not(None))) or 0)
    )
    if n == 0:
        return None
    middle = session.scalars(
        select(span).where(*where, span.is_not(None)).order_by(span).offset((n - 1) // 2).limit(2 - n % 2)
    ).all()
    return _seconds(sum(float(v) for v in middle) / len(middle))


def _span_stats(
    session: Session,
    span: ColumnElement[float],
    where: Iterable[ColumnElement[bool]],
    *,
    within_seconds: int | None = None,
) -> dict[str, Any]:
    """Count, median, max (and how many within ``within_seconds``) of a time span over some rows."""
    conditions = [*where, span.is_not(None)]
    columns: list[Any] = [func.count(), func.max(span)]
    if within_seconds is not None:
        columns.append(_count_if(span <= within_seconds))
    row = session.execute(select(*columns).where(*conditions)).one()
    count = int(row[0] or 0)
    out: dict[str, Any] = {
        "count": count,
        "median_seconds": median(session, span, *conditions) if count else None,
        "max_seconds": _seconds(row[1]),
    }
    if within_seconds is not None:
        within = int(row[2] or 0)
        out["within"] = within
        out["share_within"] = _share(within, count)
    return out


# ---------------------------------------------------------------------------------------------------------
# Complaints (LAW-13, 31, 32, 37(3))


def _complaint_conditions(period: Period) -> dict[str, ColumnElement[bool]]:
    received_in = _within(Complaint.received_at, period)
    answered_in = _within(Complaint.answered_at, period)
    return {
        "verified": Complaint.status != ComplaintStatus.unverified,
        "received_in": received_in,
        "answered_in": answered_in,
        "pending_in": and_(
            Complaint.received_at < period.end,
            or_(Complaint.answered_at.is_(None), Complaint.answered_at >= period.end),
        ),
        # received_in OR answered_in OR pending_in, as a range test the indexes serve (the last arm only
        # matters for a record answered before it was received, which the service never writes)
        "touches": and_(
            Complaint.received_at < period.end,
            or_(
                Complaint.answered_at.is_(None),
                Complaint.answered_at >= period.start,
                Complaint.received_at >= period.start,
            ),
        ),
    }


def complaint_scan(session: Session, period: Period) -> list[Any]:
    """The one grouped scan of the complaints that ``complaint_stats`` runs (the report's query that reads
    the most rows; the bench times it as the floor): per category, subject, outcome and month of receipt
    (:func:`month_bucket`, -1 outside the period) the counts received, answered, manifestly unfounded,
    answered within the legal deadline and pending at the end, and the longest answer time."""
    cond = _complaint_conditions(period)
    answered_in = cond["answered_in"]
    span = seconds_between(Complaint.answered_at, Complaint.received_at)
    bucket = month_bucket(Complaint.received_at, period).label("bucket")
    return list(
        session.execute(
            select(
                Complaint.category,
                Complaint.subject,
                Complaint.outcome,
                bucket,
                _count_if(cond["received_in"]).label("received"),
                _count_if(answered_in).label("answered"),
                _count_if(and_(answered_in, Complaint.manifestly_unfounded)).label("unfounded"),
                # LAW-32: by the end of the Almaty day 20 calendar days after the day of receipt, fixed on
                # the complaint when it was received
                _count_if(and_(answered_in, Complaint.answered_at <= Complaint.legal_due_at)).label("within"),
                _count_if(cond["pending_in"]).label("pending"),
                func.max(case((answered_in, span))).label("longest"),
            )
            .where(cond["verified"], cond["touches"])
            .group_by(Complaint.category, Complaint.subject, Complaint.outcome, literal_column("bucket"))
        ).all()
    )


def complaint_stats(session: Session, period: Period, *, rows: list[Any] | None = None) -> Figures:
    """Complaints received (by category and subject), answered (by category and outcome), the answer time
    (median, max, and how many were answered by their legal deadline: the end of the Almaty day 20
    calendar days after the day of receipt, LAW-32), manifestly unfounded ones, and those still unanswered
    at the end. ``rows`` is :func:`complaint_scan` when the caller has it already (``figures`` does).

    Unverified complaints (a visitor who never confirmed the address) are not received and not counted."""
    cond = _complaint_conditions(period)
    rows = complaint_scan(session, period) if rows is None else rows
    received_by_category: Counter[str] = Counter()
    received_by_subject: Counter[str] = Counter()
    answered_by_outcome: Counter[str] = Counter()
    answered_by_pair: Counter[tuple[str, str]] = Counter()
    unfounded = within = pending = 0
    longest: float | None = None
    for row in rows:
        received_by_category[row.category] += int(row.received)
        received_by_subject[row.subject] += int(row.received)
        outcome = row.outcome or NONE_KEY
        answered_by_outcome[outcome] += int(row.answered)
        answered_by_pair[(row.category, outcome)] += int(row.answered)
        unfounded += int(row.unfounded)
        within += int(row.within)
        pending += int(row.pending)
        if row.longest is not None:
            longest = max(float(row.longest), longest or 0.0)
    answered = sum(answered_by_outcome.values())
    span = seconds_between(Complaint.answered_at, Complaint.received_at)
    median_seconds = (
        median(session, span, cond["verified"], cond["answered_in"], count=answered) if answered else None
    )
    return {
        "received": sum(received_by_category.values()),
        "received_by_category": _sorted(received_by_category),
        "received_by_subject": _sorted(received_by_subject),
        "answered": answered,
        "answered_by_outcome": _sorted(answered_by_outcome),
        "answered_by_category_and_outcome": [
            {"category": c, "outcome": o, "count": n} for (c, o), n in sorted(answered_by_pair.items()) if n
        ],
        "answer_time": {
            "median_seconds": median_seconds,
            "max_seconds": _seconds(longest),
            "within_20_days": within,
            "share_within_20_days": _share(within, answered),
        },
        "manifestly_unfounded": unfounded,
        "pending_at_end": pending,
    }


# ---------------------------------------------------------------------------------------------------------
# Decisions and automated means (LAW-15, 37(3))


_DECISION_KEYS = ("ground", "category", "action", "source", "automated_decision", "automated_detection")


def decision_scan(session: Session, period: Period) -> list[Any]:
    """One grouped scan of the period's decisions: (ground, category, action, source, automation,
    automated detection, month bucket, count); :func:`decision_breakdown` and the monthly series read it."""
    bucket = month_bucket(Decision.decided_at, period).label("bucket")
    return list(
        session.execute(
            select(
                Decision.ground_kind,
                Decision.category,
                Decision.action,
                Decision.source,
                Decision.automated_decision,
                Decision.automated_detection,
                bucket,
                func.count().label("n"),
            )
            .where(_within(Decision.decided_at, period))
            .group_by(
                Decision.ground_kind,
                Decision.category,
                Decision.action,
                Decision.source,
                Decision.automated_decision,
                Decision.automated_detection,
                literal_column("bucket"),
            )
        ).all()
    )


def decision_breakdown(
    session: Session, period: Period, *, rows: list[Any] | None = None
) -> list[dict[str, Any]]:
    """The period's decisions grouped by everything the reports break them down by, sorted: ``[{ground,
    category, action, source, automated_decision, automated_detection, count}]`` (the DSA export's input).
    ``rows`` is :func:`decision_scan` when the caller has it already."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for r in decision_scan(session, period) if rows is None else rows:
        key = (
            r.ground_kind or NONE_KEY,
            r.category or NONE_KEY,
            r.action,
            r.source,
            r.automated_decision,
            bool(r.automated_detection),
        )
        counts[key] += int(r.n)
    out = [{**dict(zip(_DECISION_KEYS, key, strict=True)), "count": n} for key, n in counts.items()]
    return sorted(out, key=lambda r: tuple(str(r[k]) for k in sorted(r) if k != "count"))


def decision_stats(session: Session, period: Period, *, scan: list[Any] | None = None) -> Figures:
    """Moderation decisions by action, source, ground, automation, and by category and action; ``breakdown``
    is :func:`decision_breakdown` itself (what the DSA export maps). ``scan`` is :func:`decision_scan` when
    the caller has it already (``figures`` does)."""
    rows = decision_breakdown(session, period, rows=scan)

    def by(*keys: str) -> Counter[Any]:
        counter: Counter[Any] = Counter()
        for r in rows:
            counter[r[keys[0]] if len(keys) == 1 else tuple(r[k] for k in keys)] += r["count"]
        return counter

    restrictive = sum(r["count"] for r in rows if r["action"] != "no_violation")
    return {
        "breakdown": rows,
        "total": sum(r["count"] for r in rows),
        "restrictive": restrictive,
        "by_action": _sorted(by("action")),
        "by_source": _sorted(by("source")),
        "by_ground": _sorted(by("ground")),
        "by_automated_decision": _sorted(by("automated_decision")),
        "automated_detection": sum(r["count"] for r in rows if r["automated_detection"]),
        "by_category_and_action": [
            {"category": c, "action": a, "count": n} for (c, a), n in sorted(by("category", "action").items())
        ],
    }


def automation_stats(
    session: Session, period: Period, *, breakdown: list[dict[str, Any]] | None = None
) -> Figures:
    """Content moderation by automated means: unlawful content removed by automated means (decisions on a
    law ground whose action takes the content down, decided fully or partly automatically), the decisions
    taken by automated means by action, and what live detection rules did (signals not in shadow).
    ``breakdown`` is :func:`decision_breakdown` when the caller has it already (``figures`` does)."""
    rows = decision_breakdown(session, period) if breakdown is None else breakdown
    automated = [r for r in rows if r["automated_decision"] in AUTOMATED]
    unlawful_removed = [r for r in automated if r["ground"] == "law" and r["action"] in REMOVAL_ACTIONS]
    by_category: Counter[str] = Counter()
    for r in unlawful_removed:
        by_category[r["category"]] += r["count"]
    by_action: Counter[tuple[str, str]] = Counter()
    for r in automated:
        by_action[(r["automated_decision"], r["action"])] += r["count"]
    signal_rows = session.execute(
        select(Signal.category, Signal.action, Signal.shadow, func.count().label("n"))
        .where(_within(Signal.created_at, period))
        .group_by(Signal.category, Signal.action, Signal.shadow)
    ).all()
    live: Counter[tuple[str, str]] = Counter()
    shadow = 0
    for s in signal_rows:
        if s.shadow:
            shadow += int(s.n)
        elif s.action:
            live[(s.category, s.action)] += int(s.n)
    return {
        "unlawful_removed_automated": sum(by_category.values()),
        "unlawful_removed_automated_by_category": _sorted(by_category),
        "automated_decisions": sum(by_action.values()),
        "automated_decisions_by_automation_and_action": [
            {"automated_decision": m, "action": a, "count": n} for (m, a), n in sorted(by_action.items())
        ],
        "detection_actions": sum(live.values()),
        "detection_actions_by_category_and_action": [
            {"category": c, "action": a, "count": n} for (c, a), n in sorted(live.items())
        ],
        "shadow_signals": shadow,
    }


# ---------------------------------------------------------------------------------------------------------
# Orders of state bodies (LAW-16, 17, 24, 33, 41-44) and user-data requests (LAW-23)


def _refused_in(period: Period) -> ColumnElement[bool]:
    return and_(StateOrder.status == OrderStatus.rejected, _within(StateOrder.reviewed_at, period))


def _open_at_end(period: Period) -> ColumnElement[bool]:
    """Received before the end, and neither executed nor refused before it."""
    return and_(
        StateOrder.received_at < period.end,
        or_(StateOrder.executed_at.is_(None), StateOrder.executed_at >= period.end),
        not_(
            and_(
                StateOrder.status == OrderStatus.rejected,
                StateOrder.reviewed_at.is_not(None),
                StateOrder.reviewed_at < period.end,
            )
        ),
    )


def order_stats(session: Session, period: Period) -> Figures:
    """Orders and requests of state bodies by kind: received, executed (with the median and longest time
    from receipt to execution; of those with a time limit — not due immediately — how many were executed
    within it), refused, open at the end."""
    received_in = _within(StateOrder.received_at, period)
    executed_in = _within(StateOrder.executed_at, period)
    refused_in = _refused_in(period)
    span = seconds_between(StateOrder.executed_at, StateOrder.received_at)
    # An order due "immediately" (due at its receipt) has no span to be within: it counts neither on time
    # nor late (as in authority.reports); its times to execute say how fast it was.
    timed = StateOrder.due_at > StateOrder.received_at
    rows = session.execute(
        select(
            StateOrder.kind,
            _count_if(received_in).label("received"),
            _count_if(executed_in).label("executed"),
            _count_if(and_(executed_in, timed)).label("timed"),
            _count_if(and_(executed_in, timed, StateOrder.executed_at <= StateOrder.due_at)).label("in_time"),
            _count_if(refused_in).label("refused"),
            _count_if(_open_at_end(period)).label("open"),
            func.max(case((executed_in, span))).label("max_span"),
        )
        .where(or_(received_in, executed_in, refused_in, _open_at_end(period)))
        .group_by(StateOrder.kind)
    ).all()
    by_kind: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: r.kind):
        by_kind[r.kind] = {
            "received": int(r.received),
            "executed": int(r.executed),
            "executed_with_deadline": int(r.timed),
            "executed_within_deadline": int(r.in_time),
            "refused": int(r.refused),
            "open_at_end": int(r.open),
            "median_seconds_to_execute": (
                median(session, span, executed_in, StateOrder.kind == r.kind) if r.executed else None
            ),
            "max_seconds_to_execute": _seconds(r.max_span),
        }
    by_category = session.execute(
        select(StateOrder.category, func.count().label("n")).where(received_in).group_by(StateOrder.category)
    ).all()
    totals = {
        key: sum(k[key] for k in by_kind.values())
        for key in (
            "received",
            "executed",
            "executed_with_deadline",
            "executed_within_deadline",
            "refused",
            "open_at_end",
        )
    }
    overall = _span_stats(session, span, [executed_in])
    return {
        **totals,
        "median_seconds_to_execute": overall["median_seconds"],
        "max_seconds_to_execute": overall["max_seconds"],
        "by_kind": by_kind,
        "received_by_category": _sorted(Counter({r.category or NONE_KEY: int(r.n) for r in by_category})),
    }


def data_request_stats(session: Session, period: Period) -> Figures:
    """Requests for information about users (orders of kind ``user_data_request``, LAW-23): received;
    complied with (executed through an approved disclosure that withheld nothing), partly complied with (the
    disclosure withheld some requested fields), refused (the basis not verified), open at the end."""
    is_request = StateOrder.kind == USER_DATA_REQUEST
    received = session.scalar(select(func.count()).where(is_request, _within(StateOrder.received_at, period)))
    given = (DisclosureStatus.approved, DisclosureStatus.delivered, DisclosureStatus.acknowledged)
    withheld = func.coalesce(json_length(Disclosure.withheld), 0)
    executed = session.execute(
        select(_count_if(withheld == 0).label("full"), _count_if(withheld > 0).label("partly"))
        .select_from(StateOrder)
        .join(Disclosure, and_(Disclosure.order_id == StateOrder.id, Disclosure.status.in_(given)))
        .where(is_request, _within(StateOrder.executed_at, period))
    ).one()
    refused = session.scalar(select(func.count()).where(is_request, _refused_in(period)))
    pending = session.scalar(select(func.count()).where(is_request, _open_at_end(period)))
    return {
        "received": int(received or 0),
        "complied": int(executed.full or 0),
        "partly_complied": int(executed.partly or 0),
        "refused": int(refused or 0),
        "open_at_end": int(pending or 0),
    }


# ---------------------------------------------------------------------------------------------------------
# Escalations to law enforcement (LAW-19)


def escalation_stats(session: Session, period: Period) -> Figures:
    """Notifications of threats to life or safety: created (by category and source), dispatched (with the
    median and longest time from creation to dispatch), acknowledged by the recipient, declined on review."""
    created_in = _within(Escalation.created_at, period)
    rows = session.execute(
        select(Escalation.category, Escalation.source, func.count().label("n"))
        .where(created_in)
        .group_by(Escalation.category, Escalation.source)
    ).all()
    by_category: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    for r in rows:
        by_category[r.category] += int(r.n)
        by_source[r.source] += int(r.n)
    dispatch = _span_stats(
        session,
        seconds_between(Escalation.dispatched_at, Escalation.created_at),
        [_within(Escalation.dispatched_at, period)],
    )
    acknowledged = session.scalar(select(func.count()).where(_within(Escalation.acknowledged_at, period)))
    declined = session.scalar(
        select(func.count()).where(Escalation.status == "declined", _within(Escalation.reviewed_at, period))
    )
    return {
        "created": sum(by_category.values()),
        "by_category": _sorted(by_category),
        "by_source": _sorted(by_source),
        "dispatched": dispatch["count"],
        "median_seconds_to_dispatch": dispatch["median_seconds"],
        "max_seconds_to_dispatch": dispatch["max_seconds"],
        "acknowledged": int(acknowledged or 0),
        "declined": int(declined or 0),
    }


# ---------------------------------------------------------------------------------------------------------
# Appeals (LAW-37(3): decisions on complaints about the platform's decisions)


def appeal_stats(session: Session, period: Period) -> Figures:
    """Appeals received (by who appealed), decided (by outcome: upheld or reversed, with the median time to
    decide), the share reversed, and those undecided at the end."""
    received_in = _within(Appeal.received_at, period)
    decided_in = _within(Appeal.decided_at, period)
    rows = session.execute(
        select(
            Appeal.appellant_role,
            Appeal.outcome,
            _count_if(received_in).label("received"),
            _count_if(decided_in).label("decided"),
        )
        .where(or_(received_in, decided_in))
        .group_by(Appeal.appellant_role, Appeal.outcome)
    ).all()
    by_role: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    for r in rows:
        by_role[r.appellant_role] += int(r.received)
        if r.outcome:
            by_outcome[r.outcome] += int(r.decided)
    decided = _span_stats(session, seconds_between(Appeal.decided_at, Appeal.received_at), [decided_in])
    pending = session.scalar(
        select(func.count()).where(
            Appeal.received_at < period.end,
            or_(Appeal.decided_at.is_(None), Appeal.decided_at >= period.end),
        )
    )
    reversed_ = int(by_outcome.get("reversed", 0))
    return {
        "received": sum(by_role.values()),
        "received_by_appellant": _sorted(by_role),
        "decided": decided["count"],
        "by_outcome": _sorted(by_outcome),
        "reversed": reversed_,
        "share_reversed": _share(reversed_, decided["count"]),
        "median_seconds_to_decide": decided["median_seconds"],
        "max_seconds_to_decide": decided["max_seconds"],
        "pending_at_end": int(pending or 0),
    }


# ---------------------------------------------------------------------------------------------------------
# All of it; canonical bytes and hash

SECTIONS: dict[str, Callable[[Session, Period], Figures]] = {
    "complaints": complaint_stats,
    "decisions": decision_stats,
    "automation": automation_stats,
    "orders": order_stats,
    "data_requests": data_request_stats,
    "escalations": escalation_stats,
    "appeals": appeal_stats,
}


def figures(
    session: Session,
    period: Period,
    *,
    progress: Callable[[str], None] | None = None,
    monthly: Iterable[Metric] = (),
) -> Figures:
    """Every section's figures for the period, plus ``schema_version`` and ``period``: a pure function of
    the records (the same data gives the same dict, and the same :func:`content_hash`). ``progress`` is
    called with each section's name once it is done (the CLI's progress bar). With ``monthly`` metrics,
    ``out["monthly"]`` is their series (``{metric: [[YYYY-MM, n], …]}``, equal to :func:`monthly_series`):
    complaints received and the decisions' metrics come from the sections' own grouped scans (which group
    by the month too), the others from one scan per table; ``progress("monthly")`` follows."""
    out: Figures = {"schema_version": SCHEMA_VERSION, "period": period.as_dict()}
    scans: dict[str, list[Any]] = {}
    for name, build in SECTIONS.items():
        if name == "complaints":
            scans[name] = complaint_scan(session, period)
            out[name] = complaint_stats(session, period, rows=scans[name])
        elif name == "decisions":
            scans[name] = decision_scan(session, period)
            out[name] = decision_stats(session, period, scan=scans[name])
        elif name == "automation":  # the decisions' grouped scan, read once for both sections
            out[name] = automation_stats(session, period, breakdown=out["decisions"]["breakdown"])
        else:
            out[name] = build(session, period)
        if progress is not None:
            progress(name)
    metrics = [Metric(m) for m in monthly]
    if metrics:
        months = period.months()
        series = _series_from_scans(scans, months, metrics)
        rest = [m for m in metrics if m.value not in series]
        series |= monthly_series(session, period, rest) if rest else {}
        out["monthly"] = {m.value: [[month, n] for month, n in series[m.value]] for m in metrics}
        if progress is not None:
            progress("monthly")
    return out


def _series_from_scans(
    scans: Mapping[str, list[Any]], months: list[Period], metrics: Iterable[Metric]
) -> dict[str, list[tuple[str, int]]]:
    """The monthly series that the complaints' and decisions' grouped scans already hold (their rows carry
    the month bucket of receipt or decision)."""
    tests: dict[Metric, tuple[str, Callable[[Any], int]]] = {
        Metric.complaints_received: ("complaints", lambda r: int(r.received)),
        Metric.decisions: ("decisions", lambda r: int(r.n)),
        Metric.restrictive_decisions: ("decisions", lambda r: int(r.n) if r.action != "no_violation" else 0),
        Metric.automated_decisions: (
            "decisions",
            lambda r: int(r.n) if r.automated_decision in AUTOMATED else 0,
        ),
    }
    out: dict[str, list[tuple[str, int]]] = {}
    for metric in metrics:
        if metric not in tests:
            continue
        table, count = tests[metric]
        by_bucket: Counter[int] = Counter()
        for row in scans[table]:
            by_bucket[int(row.bucket)] += count(row)
        out[metric.value] = [(m.first.strftime("%Y-%m"), by_bucket[i]) for i, m in enumerate(months)]
    return out


def canonical_json(data: Any) -> bytes:
    """The canonical bytes of JSON figures: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(data: Any) -> str:
    """``sha256:<hex>`` of :func:`canonical_json`."""
    return "sha256:" + hashlib.sha256(canonical_json(data)).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Month by month (the dashboard's series)


class Metric(StrEnum):
    complaints_received = "complaints_received"
    complaints_answered = "complaints_answered"
    decisions = "decisions"
    restrictive_decisions = "restrictive_decisions"
    automated_decisions = "automated_decisions"
    orders_received = "orders_received"
    orders_executed = "orders_executed"
    escalations = "escalations"
    appeals_received = "appeals_received"
    appeals_reversed = "appeals_reversed"
    automated_removals = "automated_removals"  # of unlawful content, as ``automation_stats`` counts them


def _metric(metric: Metric) -> tuple[Any, list[ColumnElement[bool]]]:
    """The timestamp column that places a record of ``metric`` in a month, and its extra conditions."""
    match metric:
        case Metric.complaints_received:
            return Complaint.received_at, [Complaint.status != ComplaintStatus.unverified]
        case Metric.complaints_answered:
            return Complaint.answered_at, [Complaint.status != ComplaintStatus.unverified]
        case Metric.decisions:
            return Decision.decided_at, []
        case Metric.restrictive_decisions:
            return Decision.decided_at, [Decision.action != "no_violation"]
        case Metric.automated_decisions:
            return Decision.decided_at, [Decision.automated_decision.in_(AUTOMATED)]
        case Metric.orders_received:
            return StateOrder.received_at, []
        case Metric.orders_executed:
            return StateOrder.executed_at, []
        case Metric.escalations:
            return Escalation.created_at, []
        case Metric.appeals_received:
            return Appeal.received_at, []
        case Metric.appeals_reversed:
            return Appeal.decided_at, [Appeal.outcome == "reversed"]
        case Metric.automated_removals:
            return Decision.decided_at, [
                Decision.ground_kind == "law",
                Decision.action.in_(REMOVAL_ACTIONS),
                Decision.automated_decision.in_(AUTOMATED),
            ]
    raise ValueError(metric)  # pragma: no cover


def monthly_counts(session: Session, period: Period, metric: Metric) -> list[tuple[str, int]]:
    """``[("YYYY-MM", count), …]`` for every Almaty month the period touches (zeros included), in one
    ``GROUP BY`` over the :func:`month_bucket` of the months' UTC boundaries."""
    column, conditions = _metric(Metric(metric))
    months = period.months()
    bucket = month_bucket(column, period).label("bucket")
    rows = session.execute(
        select(bucket, func.count())
        .where(_within(column, period), *conditions)
        .group_by(literal_column("bucket"))
    ).all()
    counts: dict[int, int] = {int(b): int(n) for b, n in rows}
    return [(m.first.strftime("%Y-%m"), int(counts.get(i, 0))) for i, m in enumerate(months)]


def monthly_series(
    session: Session, period: Period, metrics: Iterable[Metric]
) -> dict[str, list[tuple[str, int]]]:
    """:func:`monthly_counts` of several metrics, with one scan per table: metrics placed by the same
    timestamp column (decisions and automated decisions, …) are counted together."""
    months = period.months()
    groups: dict[str, list[tuple[Metric, Any, list[ColumnElement[bool]]]]] = {}
    for metric in metrics:
        column, conditions = _metric(Metric(metric))
        groups.setdefault(str(column), []).append((Metric(metric), column, conditions))
    out: dict[str, list[tuple[str, int]]] = {}
    for members in groups.values():
        column = members[0][1]
        bucket = month_bucket(column, period).label("bucket")
        counts = [_count_if(and_(true(), *conditions)) for _metric_, _column, conditions in members]
        rows = session.execute(
            select(bucket, *counts).where(_within(column, period)).group_by(literal_column("bucket"))
        ).all()
        by_bucket = {int(row[0]): row[1:] for row in rows}
        for k, (metric, _column, _conditions) in enumerate(members):
            out[metric.value] = [
                (m.first.strftime("%Y-%m"), int(by_bucket[i][k]) if i in by_bucket else 0)
                for i, m in enumerate(months)
            ]
    return out
