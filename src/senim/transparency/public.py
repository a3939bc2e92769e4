"""The public transparency dashboard's figures (LAW-37, LAW-21): counts only, never a person.

* **Window**: the twelve calendar months (Asia/Almaty) up to and including the current one; the current
  month counts to today and is marked incomplete.
* **Monthly series** (:data:`SERIES`): complaints received and answered, moderation decisions, automated
  removals of unlawful content, orders of state bodies received and executed, escalations to law
  enforcement, all from :func:`senim.transparency.aggregation.monthly_series` (one scan per table;
  automated removals are ``Metric.automated_removals``, the definition of ``automation_stats``).
* **Key figures**: :func:`senim.transparency.aggregation.figures` over the window (complaints, decisions,
  automation, orders by kind, user-data requests, escalations, appeals).
* **Users in Kazakhstan** (LAW-21): the published figure, :meth:`CountingService.published`, as it is
  (not recomputed here).
* **Annual reports**: the published ones, one link per year.

Everything returned is plain numbers and keys; the open data (CSV and JSON) is :func:`monthly_csv` and
:func:`monthly_json` of the same series. The dashboard keeps what it computed for a minute per app
(:class:`DashboardCache`), so a busy public page does not run the aggregates on every visit.
"""

from __future__ import annotations

import csv
import io
import threading
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.authority.counting import counting_service
from senim.kit.clock import ALMATY, today_in, utcnow
from senim.models.transparency import ReportStatus, TransparencyReport
from senim.transparency import aggregation
from senim.transparency.aggregation import Metric, Period
from senim.web.i18n import N_

SCHEMA_VERSION = 1
MONTHS = 12
CACHE_SECONDS = 60.0
AUTOMATED_REMOVALS = "automated_removals"

# (key, label, description of the open-data column): the monthly series, in the order shown.
SERIES: list[tuple[str, str, str]] = [
    (
        "complaints_received",
        N_("Complaints received"),
        N_(
            "Complaints received in the month (confirmed ones; a visitor's unconfirmed complaint is not "
            "counted)."
        ),
    ),
    (
        "complaints_answered",
        N_("Complaints answered"),
        N_("Complaints given a reasoned answer in the month, whenever they were received."),
    ),
    ("decisions", N_("Moderation decisions"), N_("Moderation decisions taken in the month, of every kind.")),
    (
        AUTOMATED_REMOVALS,
        N_("Automated removals"),
        N_(
            "Decisions on a ground of law that removed content or made it unavailable in Kazakhstan, taken "
            "fully or partly by automated means."
        ),
    ),
    (
        "orders_received",
        N_("Orders received"),
        N_("Orders and requests of state bodies received in the month."),
    ),
    (
        "orders_executed",
        N_("Orders executed"),
        N_("Orders and requests of state bodies executed in the month, whenever they were received."),
    ),
    (
        "escalations",
        N_("Escalations to law enforcement"),
        N_("Threats to life or safety notified to law enforcement (created in the month)."),
    ),
]
SERIES_METRICS: dict[str, Metric] = {
    "complaints_received": Metric.complaints_received,
    "complaints_answered": Metric.complaints_answered,
    "decisions": Metric.decisions,
    "orders_received": Metric.orders_received,
    "orders_executed": Metric.orders_executed,
    "escalations": Metric.escalations,
    AUTOMATED_REMOVALS: Metric.automated_removals,
}
# The open data's leading columns, then one per series.
MONTH_COLUMNS: list[tuple[str, str]] = [
    ("month", N_("The month, YYYY-MM (Asia/Almaty).")),
    ("first_day", N_("The first day counted, YYYY-MM-DD.")),
    ("last_day", N_("The last day counted, YYYY-MM-DD (today for the current month).")),
    ("complete", N_("true once the month is over; false for the current month, counted so far.")),
]


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    first_day: date
    last_day: date
    complete: bool
    values: dict[str, int]


@dataclass(frozen=True)
class Dashboard:
    period: Period
    months: list[MonthRow]
    figures: dict[str, Any]
    users: list[dict[str, Any]]  # LAW-21: {"month": date, "average": int}
    reports: list[int]  # years with a published annual report, latest first
    generated_at: datetime


def window(today: date | None = None, months: int = MONTHS) -> Period:
    """The ``months`` calendar months up to today's, today included (Asia/Almaty)."""
    today = today or today_in()
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period.days(first, today)


def monthly_series(session: Session, period: Period, today: date | None = None) -> list[MonthRow]:
    """Every series month by month over ``period``."""
    today = today or today_in()
    series = aggregation.monthly_series(session, period, SERIES_METRICS.values())  # one scan per table
    columns = {key: series[metric.value] for key, metric in SERIES_METRICS.items()}
    rows = []
    for i, month in enumerate(period.months()):
        full_month = Period.month(month.first.year, month.first.month)
        rows.append(
            MonthRow(
                month=month.first.strftime("%Y-%m"),
                first_day=month.first,
                last_day=month.last,
                complete=full_month.last < today,
                values={key: columns[key][i][1] for key, _label, _doc in SERIES},
            )
        )
    return rows


def published_users(session: Session, today: date | None = None) -> list[dict[str, Any]]:
    """LAW-21: the published average number of users in Kazakhstan a day, per month of the last six
    complete months (the figure :meth:`CountingService.published` publishes, rounded as /about/users
    shows it)."""
    return [
        {"month": date(m.year, m.month, 1), "average": round(m.average)}
        for m in counting_service.published(session, today)
    ]


def published_report_years(session: Session) -> list[int]:
    """The years with a published annual report, the latest first."""
    years = session.scalars(
        select(TransparencyReport.year)
        .where(TransparencyReport.status == ReportStatus.published)
        .group_by(TransparencyReport.year)
        .order_by(TransparencyReport.year.desc())
    )
    return [int(y) for y in years]


def dashboard(session: Session, today: date | None = None) -> Dashboard:
    """Everything the dashboard shows, computed now."""
    today = today or today_in()
    period = window(today)
    return Dashboard(
        period=period,
        months=monthly_series(session, period, today),
        figures=aggregation.figures(session, period),
        users=published_users(session, today),
        reports=published_report_years(session),
        generated_at=utcnow(),
    )


@dataclass
class DashboardCache:
    """The last dashboard computed, kept ``seconds`` (per app, per Almaty day)."""

    seconds: float = CACHE_SECONDS
    _value: Dashboard | None = None
    _day: date | None = None
    _at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, session: Session) -> Dashboard:
        """The cached dashboard, or a new one: one request computes while the others wait for its result
        (never every waiting request at once when the cache expires)."""
        today = today_in()
        with self._lock:
            fresh = self._day == today and clock.monotonic() - self._at < self.seconds
            if fresh and self._value is not None:
                return self._value
            self._value = dashboard(session, today)
            self._day, self._at = today, clock.monotonic()
            return self._value


# --- open data -----------------------------------------------------------------------------------------
def column_docs() -> list[tuple[str, str]]:
    """Every column of the monthly open data with its description (message ids)."""
    return MONTH_COLUMNS + [(key, doc) for key, _label, doc in SERIES]


def monthly_csv(months: list[MonthRow]) -> str:
    """The monthly series as CSV (UTF-8, a header row, one row a month, oldest first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _doc in column_docs()])
    for row in months:
        writer.writerow(
            [
                row.month,
                row.first_day.isoformat(),
                row.last_day.isoformat(),
                "true" if row.complete else "false",
                *(row.values[key] for key, _label, _doc in SERIES),
            ]
        )
    return out.getvalue()


def monthly_json(board: Dashboard, describe: Any) -> dict[str, Any]:
    """The monthly series as JSON, with the columns described (``describe`` translates a message id)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "time_zone": "Asia/Almaty",
        "generated_at": board.generated_at.astimezone(ALMATY).isoformat(),
        "period": board.period.as_dict(),
        "columns": {name: describe(doc) for name, doc in column_docs()},
        "months": [
            {
                "month": row.month,
                "first_day": row.first_day.isoformat(),
                "last_day": row.last_day.isoformat(),
                "complete": row.complete,
                **{key: row.values[key] for key, _label, _doc in SERIES},
            }
            for row in board.months
        ],
    }


# --- charts --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bar:
    label: str  # the month, YYYY-MM
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    """A bar chart's geometry, drawn as SVG by the template (``transparency/public/_chart.html``)."""

    key: str
    title: str
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    maximum: int
    total: int


CHART_WIDTH, CHART_HEIGHT, TOP, BOTTOM, LEFT = 360, 160, 16, 28, 8


def bar_chart(key: str, title: str, points: list[tuple[str, int]]) -> Chart:
    """Bars for ``points`` scaled to the largest value (an all-zero chart has flat bars)."""
    maximum = max((v for _label, v in points), default=0)
    plot = CHART_HEIGHT - TOP - BOTTOM
    slot = (CHART_WIDTH - 2 * LEFT) / max(len(points), 1)
    bars = []
    for i, (label, value) in enumerate(points):
        height = 0.0 if maximum == 0 else plot * value / maximum
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=round(TOP + plot - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
            )
        )
    return Chart(
        key=key,
        title=title,
        bars=bars,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        baseline=TOP + plot,
        maximum=maximum,
        total=sum(v for _label, v in points),
    )


def charts(months: list[MonthRow]) -> list[Chart]:
    return [bar_chart(key, label, [(m.month, m.values[key]) for m in months]) for key, label, _doc in SERIES]
