"""The aggregation layer: hand-counted records give exactly the hand-counted figures, on SQLite and
PostgreSQL; periods follow Almaty days; the same data gives the same figures and hash."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from senim.models import Complaint, StateOrder
from senim.transparency import aggregation
from senim.transparency.aggregation import Metric, Period
from tests.transparency.report_records import DAY, EXPECTED, at, complaint, order, seed_year

YEAR = Period.year(2026)


def _without_breakdown(figures: dict[str, object]) -> dict[str, object]:
    decisions = dict(figures["decisions"])  # type: ignore[call-overload]
    decisions.pop("breakdown")
    return {**figures, "decisions": decisions}


@pytest.mark.law("LAW-37")
def test_figures_equal_the_hand_counted_records(session: Session) -> None:
    seed_year(session)
    figures = _without_breakdown(aggregation.figures(session, YEAR))
    for section, expected in EXPECTED.items():
        assert figures[section] == expected, section
    assert figures["period"] == {
        "start": "2025-12-31T19:00:00+00:00",
        "end": "2026-12-31T19:00:00+00:00",
        "first_day": "2026-01-01",
        "last_day": "2026-12-31",
        "time_zone": "Asia/Almaty",
    }


@pytest.mark.law("LAW-37")
def test_each_section_is_callable_alone_with_the_same_numbers(session: Session) -> None:
    seed_year(session)
    assert aggregation.complaint_stats(session, YEAR) == EXPECTED["complaints"]
    assert aggregation.appeal_stats(session, YEAR) == EXPECTED["appeals"]
    assert aggregation.data_request_stats(session, YEAR) == EXPECTED["data_requests"]
    breakdown = aggregation.decision_breakdown(session, YEAR)
    assert sum(r["count"] for r in breakdown) == EXPECTED["decisions"]["total"]
    assert {
        "ground": "law",
        "category": "unlawful.suicide",
        "action": "remove",
        "source": "detection",
        "automated_decision": "fully",
        "automated_detection": True,
        "count": 1,
    } in breakdown


@pytest.mark.law("LAW-37")
def test_the_same_records_give_the_same_figures_and_hash(session: Session) -> None:
    seed_year(session)
    first = aggregation.figures(session, YEAR)
    second = aggregation.figures(session, YEAR)
    assert first == second
    assert aggregation.canonical_json(first) == aggregation.canonical_json(second)
    assert aggregation.content_hash(first) == aggregation.content_hash(second)
    assert (
        aggregation.content_hash(first).startswith("sha256:") and len(aggregation.content_hash(first)) == 71
    )


def test_an_empty_period_has_zeros_and_no_medians(session: Session) -> None:
    figures = aggregation.figures(session, Period.year(2024))
    assert figures["complaints"]["received"] == 0
    assert figures["complaints"]["answer_time"] == {
        "median_seconds": None,
        "max_seconds": None,
        "within_20_days": 0,
        "share_within_20_days": None,
    }
    assert figures["orders"]["by_kind"] == {} and figures["orders"]["median_seconds_to_execute"] is None
    assert figures["appeals"]["share_reversed"] is None


def test_the_median_of_an_odd_count_is_the_middle_value(session: Session) -> None:
    start = datetime(2026, 5, 1, 6, tzinfo=UTC)
    rows = [
        complaint(start.replace(tzinfo=None).isoformat(), answered=timedelta(hours=h), outcome="upheld")
        for h in (1, 5, 100)
    ]
    session.execute(insert(Complaint), rows)
    session.commit()
    stats = aggregation.complaint_stats(session, Period.month(2026, 5))
    assert stats["answer_time"]["median_seconds"] == 5 * 3600
    assert stats["answer_time"]["max_seconds"] == 100 * 3600
    assert stats["answer_time"]["share_within_20_days"] == 1.0


def test_months_are_almaty_months_with_zeros(session: Session) -> None:
    seed_year(session)
    months = aggregation.monthly_counts(session, YEAR, Metric.complaints_received)
    assert [m for m, _ in months] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert dict(months) == {f"2026-{m:02d}": {1: 1, 3: 2, 6: 1, 12: 1}.get(m, 0) for m in range(1, 13)}
    assert dict(aggregation.monthly_counts(session, YEAR, Metric.appeals_reversed))["2026-08"] == 1
    assert sum(n for _, n in aggregation.monthly_counts(session, YEAR, Metric.decisions)) == 4


def test_a_period_is_whole_almaty_days() -> None:
    period = Period.days(date(2026, 3, 1), date(2026, 3, 31))
    assert period == Period.month(2026, 3)
    assert period.start == datetime(2026, 2, 28, 19, tzinfo=UTC)
    assert (period.first, period.last) == (date(2026, 3, 1), date(2026, 3, 31))
    assert [m.first.month for m in Period.year(2026).months()] == list(range(1, 13))
    assert Period.month(2026, 12).end == datetime(2026, 12, 31, 19, tzinfo=UTC)
    with pytest.raises(ValueError, match="ends after"):
        Period(period.end, period.start)


def test_an_event_counts_in_the_period_it_happened_in(session: Session) -> None:
    """A complaint received in one month and answered in the next: received in the first, answered and
    timed in the second, pending at the first's end."""
    session.execute(
        insert(Complaint),
        [complaint("2026-04-30T10:00:00", answered=timedelta(days=2), outcome="rejected", id=uuid.uuid4())],
    )
    session.commit()
    april, may = (
        aggregation.complaint_stats(session, Period.month(2026, 4)),
        aggregation.complaint_stats(session, Period.month(2026, 5)),
    )
    assert (april["received"], april["answered"], april["pending_at_end"]) == (1, 0, 1)
    assert (may["received"], may["answered"], may["pending_at_end"]) == (0, 1, 0)
    assert may["answer_time"]["median_seconds"] == 2 * DAY


def test_the_series_of_several_metrics_equal_each_metric_alone(session: Session) -> None:
    seed_year(session)
    series = aggregation.monthly_series(session, YEAR, list(Metric))
    assert set(series) == {m.value for m in Metric}
    for metric in Metric:
        assert series[metric.value] == aggregation.monthly_counts(session, YEAR, metric), metric
    assert sum(n for _, n in series["automated_decisions"]) == 2


# --- the reviewer's findings -------------------------------------------------------------------------


@pytest.mark.law("LAW-32")
@pytest.mark.law("LAW-37")
def test_answers_count_within_the_legal_deadline_not_twenty_times_24_hours(session: Session) -> None:
    """LAW-32 allows until the end of the Almaty day 20 calendar days after the day of receipt: a complaint
    received on 1 March (15:00 in Almaty) may be answered until 21 March 23:59:59.999999 Almaty."""
    due = datetime(2026, 3, 21, 18, 59, 59, 999999, tzinfo=UTC)  # 21 March, end of the day in Almaty
    rows = [
        # 20 days and 5 hours after receipt, before the end of the 20th day: on time
        complaint("2026-03-01T10:00:00", answered=timedelta(days=20, hours=5), outcome="upheld"),
        # the last microsecond of the 20th day: on time
        complaint("2026-03-01T10:00:00", answered=due - at("2026-03-01T10:00:00"), outcome="upheld"),
        # a microsecond later: late
        complaint(
            "2026-03-01T10:00:00",
            answered=due + timedelta(microseconds=1) - at("2026-03-01T10:00:00"),
            outcome="upheld",
        ),
    ]
    assert {r["legal_due_at"] for r in rows} == {due}
    session.execute(insert(Complaint), rows)
    session.commit()
    stats = aggregation.complaint_stats(session, Period.month(2026, 3))
    assert stats["answered"] == 3
    assert stats["answer_time"]["within_20_days"] == 2
    assert stats["answer_time"]["share_within_20_days"] == 0.6667


def test_a_complaint_inserted_without_its_legal_deadline_gets_the_one_of_its_receipt(
    session: Session,
) -> None:
    row = complaint("2026-03-01T20:00:00")  # 2 March 01:00 in Almaty
    del row["legal_due_at"]
    session.execute(insert(Complaint), [row])
    session.commit()
    stored = session.get(Complaint, row["id"])
    assert stored is not None
    assert stored.legal_due_at == datetime(2026, 3, 22, 18, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.law("LAW-41")
@pytest.mark.law("LAW-37")
def test_an_order_due_immediately_is_neither_on_time_nor_late(session: Session) -> None:
    received = at("2026-04-01T10:00:00")
    immediate = order("2026-04-01T10:00:00", "immediate_restriction", due=timedelta(0))
    timed = order("2026-04-02T10:00:00", "restriction_order", due=timedelta(hours=2))
    immediate |= {"status": "executed", "executed_at": received + timedelta(minutes=3)}
    timed |= {"status": "executed", "executed_at": timed["received_at"] + timedelta(hours=1)}
    session.execute(insert(StateOrder), [immediate, timed])
    session.commit()
    stats = aggregation.order_stats(session, Period.month(2026, 4))
    assert (stats["executed"], stats["executed_with_deadline"], stats["executed_within_deadline"]) == (
        2,
        1,
        1,
    )
    kind = stats["by_kind"]["immediate_restriction"]
    assert (kind["executed"], kind["executed_with_deadline"], kind["executed_within_deadline"]) == (1, 0, 0)
    assert kind["median_seconds_to_execute"] == 180.0  # how fast it was is still reported


@pytest.mark.law("LAW-37")
def test_a_span_of_exactly_n_and_a_half_seconds_rounds_the_same_on_both_backends(session: Session) -> None:
    """2.5 s rounds half away from zero to 3 s: exact integer arithmetic on SQLite (``julianday`` gave 2 for
    this very receipt time), ``ROUND(numeric)`` on PostgreSQL."""
    received = "2026-05-01T06:01:14.015838"
    rows = [complaint(received, answered=timedelta(seconds=2.5), outcome="upheld")]
    rows.append(complaint("2026-05-02T06:00:00", answered=timedelta(seconds=7, microseconds=499999)))
    session.execute(insert(Complaint), rows)
    session.commit()
    stats = aggregation.complaint_stats(session, Period.month(2026, 5))
    assert stats["answer_time"]["max_seconds"] == 7.0  # 7.499999 s
    assert stats["answer_time"]["median_seconds"] == (3 + 7) / 2
    only = aggregation.complaint_stats(session, Period.days(date(2026, 5, 1), date(2026, 5, 1)))
    assert only["answer_time"]["median_seconds"] == only["answer_time"]["max_seconds"] == 3.0


def test_the_reports_monthly_series_come_from_the_sections_scans_and_equal_the_series(
    session: Session,
) -> None:
    seed_year(session)
    metrics = list(Metric)
    steps: list[str] = []
    figures = aggregation.figures(session, YEAR, monthly=metrics, progress=steps.append)
    series = aggregation.monthly_series(session, YEAR, metrics)
    assert figures["monthly"] == {m: [[month, n] for month, n in series[m]] for m in series}
    assert steps == [*aggregation.SECTIONS, "monthly"]
    assert "monthly" not in aggregation.figures(session, YEAR)


def test_the_complaints_scan_reads_only_complaints_that_touch_the_period(session: Session) -> None:
    session.execute(
        insert(Complaint),
        [
            complaint("2026-01-10T10:00:00", answered=timedelta(days=1), outcome="upheld"),  # done before
            complaint("2026-01-10T10:00:00"),  # still pending
            complaint("2026-01-20T10:00:00", answered=timedelta(days=20), outcome="upheld"),  # answered in
            complaint("2026-02-10T10:00:00"),  # received in
            complaint("2026-03-10T10:00:00"),  # after
        ],
    )
    session.commit()
    rows = aggregation.complaint_scan(session, Period.month(2026, 2))
    assert sum(int(r.received) for r in rows) == 1
    assert sum(int(r.answered) for r in rows) == 1
    assert sum(int(r.pending) for r in rows) == 2
    # January's pending one, January's answered in February, February's received: the others are skipped
    assert sorted((r.outcome or "", int(r.bucket)) for r in rows) == [("", -1), ("", 0), ("upheld", -1)]
