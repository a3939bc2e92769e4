"""Statutory clocks: due times from the rule that applies, in UTC, counted on Almaty local days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from senim.kit import deadlines
from senim.kit.clock import ALMATY
from senim.kit.deadlines import (
    RULES,
    ClockKind,
    DeadlineRule,
    calendar_days_after_receipt,
    due_at,
    hours,
    warn_at,
    working_days,
)


def almaty(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ALMATY)


def end_of_almaty_day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=ALMATY).astimezone(UTC)


@pytest.mark.law("LAW-32")
@pytest.mark.parametrize(
    ("received", "due"),
    [
        pytest.param(
            almaty(2025, 12, 31, 23, 30), end_of_almaty_day(2026, 1, 20), id="late-31-dec-next-day-is-day-1"
        ),
        pytest.param(
            almaty(2026, 1, 1, 0, 10),
            end_of_almaty_day(2026, 1, 21),
            id="just-after-midnight-counts-from-almaty-day",
        ),
        pytest.param(
            almaty(2026, 3, 10, 12, 0), end_of_almaty_day(2026, 3, 30), id="nauryz-days-are-calendar-days"
        ),
        pytest.param(almaty(2026, 3, 5, 9, 0), end_of_almaty_day(2026, 3, 25), id="ends-on-a-nauryz-day-off"),
        pytest.param(almaty(2025, 12, 20, 8, 0), end_of_almaty_day(2026, 1, 9), id="across-new-year"),
    ],
)
def test_complaint_answer_is_due_at_the_end_of_the_twentieth_day_after_receipt(
    received: datetime, due: datetime
) -> None:
    assert due_at(RULES["complaint_answer"].rule, received.astimezone(UTC)) == due


@pytest.mark.law("LAW-32")
def test_a_complaint_at_0010_almaty_is_still_the_previous_day_in_utc() -> None:
    received = almaty(2026, 1, 1, 0, 10).astimezone(UTC)
    assert received.date().isoformat() == "2025-12-31"
    due = due_at(RULES["complaint_answer"].rule, received)
    assert due == datetime(2026, 1, 21, 18, 59, 59, 999999, tzinfo=UTC)
    assert due.tzinfo is UTC


@pytest.mark.parametrize(
    ("name", "received", "due"),
    [
        pytest.param(
            "authority_request",
            almaty(2026, 3, 20, 22, 30),
            almaty(2026, 3, 21, 22, 30),
            marks=pytest.mark.law("LAW-16"),
            id="24h-across-midnight-into-nauryz",
        ),
        pytest.param(
            "cyberbullying_child_removal",
            almaty(2025, 12, 31, 23, 0),
            almaty(2026, 1, 1, 23, 0),
            marks=pytest.mark.law("LAW-33"),
            id="24h-across-new-year",
        ),
        pytest.param(
            "restriction_order",
            almaty(2025, 12, 31, 23, 15),
            almaty(2026, 1, 1, 1, 15),
            marks=pytest.mark.law("LAW-42"),
            id="2h-across-new-year-midnight",
        ),
        pytest.param(
            "restriction_order",
            almaty(2026, 6, 6, 10, 0),
            almaty(2026, 6, 6, 12, 0),
            marks=pytest.mark.law("LAW-42"),
            id="2h-on-a-saturday",
        ),
    ],
)
def test_hour_clocks_run_through_nights_weekends_and_holidays(
    name: str, received: datetime, due: datetime
) -> None:
    assert due_at(RULES[name].rule, received.astimezone(UTC)) == due.astimezone(UTC)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("immediate_restriction", marks=pytest.mark.law("LAW-41")),
        pytest.param("lift_order", marks=pytest.mark.law("LAW-44")),
        pytest.param("law_enforcement_notice", marks=pytest.mark.law("LAW-19")),
    ],
)
def test_immediate_rules_are_due_at_receipt_and_flagged(name: str) -> None:
    rule = RULES[name].rule
    received = almaty(2026, 3, 23, 3, 7).astimezone(UTC)
    assert rule.immediate
    assert rule.kind is ClockKind.IMMEDIATE
    assert due_at(rule, received) == received
    assert warn_at(rule, received) == received


@pytest.mark.parametrize(
    ("name", "received", "due"),
    [
        pytest.param(
            "unlawful_personal_data_removal",
            almaty(2026, 3, 20, 16, 0),
            end_of_almaty_day(2026, 3, 26),
            marks=pytest.mark.law("LAW-50"),
            id="1-day-over-nauryz",
        ),
        pytest.param(
            "personal_data_correction",
            almaty(2025, 1, 4, 11, 0),
            end_of_almaty_day(2025, 1, 5),
            marks=pytest.mark.law("LAW-76"),
            id="1-day-from-saturday-to-working-sunday",
        ),
        pytest.param(
            "breach_notice_to_authority",
            almaty(2025, 1, 5, 10, 0),
            end_of_almaty_day(2025, 1, 6),
            marks=pytest.mark.law("LAW-76"),
            id="1-day-from-working-sunday",
        ),
        pytest.param(
            "breach_notice_to_authority",
            almaty(2026, 1, 1, 0, 10),
            end_of_almaty_day(2026, 1, 5),
            marks=pytest.mark.law("LAW-76"),
            id="1-day-received-on-new-year-almaty",
        ),
        pytest.param(
            "consent_withdrawal",
            almaty(2026, 3, 16, 9, 0),
            end_of_almaty_day(2026, 4, 9),
            marks=pytest.mark.law("LAW-75"),
            id="15-days-over-nauryz",
        ),
        pytest.param(
            "third_party_transfer_notice",
            almaty(2025, 12, 26, 9, 0),
            end_of_almaty_day(2026, 1, 14),
            marks=pytest.mark.law("LAW-79"),
            id="10-days-over-new-year-and-christmas",
        ),
        pytest.param(
            "automated_decision_objection",
            almaty(2026, 6, 5, 17, 0),
            end_of_almaty_day(2026, 6, 10),
            marks=pytest.mark.law("LAW-80"),
            id="3-days-over-a-weekend",
        ),
    ],
)
def test_working_day_clocks_end_with_the_nth_working_day_after_receipt(
    name: str, received: datetime, due: datetime
) -> None:
    assert due_at(RULES[name].rule, received.astimezone(UTC)) == due


@pytest.mark.parametrize(
    ("name", "law_id", "kind", "amount"),
    [
        ("complaint_answer", "LAW-32", ClockKind.CALENDAR_DAYS, 20),
        ("authority_request", "LAW-16", ClockKind.HOURS, 24),
        ("cyberbullying_child_removal", "LAW-33", ClockKind.HOURS, 24),
        ("restriction_order", "LAW-42", ClockKind.HOURS, 2),
        ("immediate_restriction", "LAW-41", ClockKind.IMMEDIATE, 0),
        ("lift_order", "LAW-44", ClockKind.IMMEDIATE, 0),
        ("law_enforcement_notice", "LAW-19", ClockKind.IMMEDIATE, 0),
        ("unlawful_personal_data_removal", "LAW-50", ClockKind.WORKING_DAYS, 1),
        ("personal_data_correction", "LAW-76", ClockKind.WORKING_DAYS, 1),
        ("breach_notice_to_authority", "LAW-76", ClockKind.WORKING_DAYS, 1),
        ("consent_withdrawal", "LAW-75", ClockKind.WORKING_DAYS, 15),
        ("third_party_transfer_notice", "LAW-79", ClockKind.WORKING_DAYS, 10),
        ("automated_decision_objection", "LAW-80", ClockKind.WORKING_DAYS, 3),
    ],
)
def test_the_registry_names_each_clock_with_its_law_and_article(
    name: str, law_id: str, kind: ClockKind, amount: int
) -> None:
    clock = RULES[name]
    assert (clock.name, clock.law_id, clock.rule) == (name, law_id, DeadlineRule(kind, amount))
    assert clock.article


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        RULES["complaint_answer"] = RULES["lift_order"]  # type: ignore[index]


@pytest.mark.parametrize("name", sorted(RULES))
def test_naive_received_times_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(RULES[name].rule, datetime(2026, 1, 5, 9, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        warn_at(RULES[name].rule, datetime(2026, 1, 5, 9, 0))  # noqa: DTZ001


def test_a_naive_due_time_is_refused() -> None:
    received = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        warn_at(hours(2), received, datetime(2026, 1, 5, 11, 0))  # noqa: DTZ001


def test_other_offsets_are_accepted_and_returned_in_utc() -> None:
    received = almaty(2026, 1, 5, 9, 0)  # aware, but not UTC
    assert due_at(hours(2), received) == datetime(2026, 1, 5, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", sorted(n for n, c in RULES.items() if not c.rule.immediate))
@pytest.mark.parametrize(
    "received",
    [almaty(2025, 12, 31, 23, 59), almaty(2026, 3, 20, 16, 0), almaty(2026, 6, 6, 0, 5)],
    ids=["new-year-eve", "before-nauryz", "saturday-night"],
)
def test_warning_comes_after_receipt_and_at_least_15_minutes_before_due(
    name: str, received: datetime
) -> None:
    clock = RULES[name]
    due = clock.due_at(received.astimezone(UTC))
    warn = clock.warn_at(received.astimezone(UTC))
    assert received < warn < due
    assert due - warn >= timedelta(minutes=15)


@pytest.mark.parametrize(
    ("rule", "after"),
    [
        pytest.param(hours(2), timedelta(minutes=90), id="2h-warns-at-75-percent"),
        pytest.param(hours(24), timedelta(hours=18), id="24h-warns-at-75-percent"),
        pytest.param(hours(1), timedelta(minutes=45), id="1h-75-percent-is-15-minutes-before"),
    ],
)
def test_warn_at_takes_75_percent_of_the_span(rule: DeadlineRule, after: timedelta) -> None:
    received = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert warn_at(rule, received) == received + after


def test_a_short_span_warns_15_minutes_before_due_but_never_before_receipt() -> None:
    received = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert warn_at(hours(1), received, received + timedelta(minutes=40)) == received + timedelta(minutes=25)
    assert warn_at(hours(1), received, received + timedelta(minutes=10)) == received
    assert warn_at(hours(1), received, received - timedelta(minutes=10)) == received


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: hours(0), id="zero-hours"),
        pytest.param(lambda: calendar_days_after_receipt(-1), id="negative-days"),
        pytest.param(lambda: working_days(0), id="zero-working-days"),
        pytest.param(lambda: DeadlineRule(ClockKind.IMMEDIATE, 3), id="immediate-with-amount"),
    ],
)
def test_malformed_rules_are_refused(make: Callable[[], DeadlineRule]) -> None:
    with pytest.raises(ValueError, match="amount"):
        make()


def test_immediately_is_the_shared_immediate_rule() -> None:
    assert deadlines.immediately() is deadlines.IMMEDIATELY
    assert [r.describe() for r in (hours(2), calendar_days_after_receipt(20), working_days(3))] == [
        "2 h",
        "20 calendar days after the day of receipt",
        "3 working days after the day of receipt",
    ]
    assert deadlines.IMMEDIATELY.describe() == "immediately"
