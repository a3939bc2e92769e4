"""The Kazakhstan working-day calendar: weekends, holidays, days off and transferred working days."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from senim.kit.calendar import KAZAKHSTAN, KazakhstanCalendar


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(date(2026, 3, 20), True, id="friday-before-nauryz-2026"),
        pytest.param(date(2026, 3, 21), False, id="nauryz-saturday"),
        pytest.param(date(2026, 3, 23), False, id="nauryz-monday-day-off"),
        pytest.param(date(2026, 3, 25), False, id="nauryz-wednesday-day-off"),
        pytest.param(date(2026, 3, 26), True, id="thursday-after-nauryz-2026"),
        pytest.param(date(2026, 1, 1), False, id="new-year-2026"),
        pytest.param(date(2026, 1, 2), False, id="second-new-year-day-2026"),
        pytest.param(date(2026, 1, 5), True, id="first-monday-of-2026"),
        pytest.param(date(2026, 1, 7), False, id="orthodox-christmas-2026"),
        pytest.param(date(2025, 1, 3), False, id="friday-3-jan-2025-transferred-day-off"),
        pytest.param(date(2025, 1, 4), False, id="saturday-4-jan-2025"),
        pytest.param(date(2025, 1, 5), True, id="sunday-5-jan-2025-transferred-working-day"),
        pytest.param(date(2026, 6, 6), False, id="ordinary-saturday"),
        pytest.param(date(2026, 6, 7), False, id="ordinary-sunday"),
        pytest.param(date(2026, 6, 8), True, id="ordinary-monday"),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert KAZAKHSTAN.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(date(2026, 3, 20), 0, date(2026, 3, 20), id="zero-is-the-day-itself"),
        pytest.param(date(2026, 3, 20), 1, date(2026, 3, 26), id="nauryz-2026-skipped"),
        pytest.param(date(2026, 3, 16), 15, date(2026, 4, 9), id="fifteen-across-nauryz-2026"),
        pytest.param(date(2025, 12, 31), 1, date(2026, 1, 5), id="new-year-2026-skipped"),
        pytest.param(date(2025, 12, 31), 3, date(2026, 1, 8), id="orthodox-christmas-skipped"),
        pytest.param(date(2024, 12, 31), 1, date(2025, 1, 5), id="working-sunday-5-jan-2025-counts"),
        pytest.param(date(2024, 12, 31), 3, date(2025, 1, 8), id="transfer-2025-then-christmas"),
        pytest.param(date(2026, 6, 5), 1, date(2026, 6, 8), id="weekend-skipped"),
        pytest.param(date(2026, 6, 6), 1, date(2026, 6, 8), id="from-a-saturday"),
        pytest.param(date(2026, 6, 8), 5, date(2026, 6, 15), id="a-whole-week"),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert KAZAKHSTAN.add_working_days(start, n) == expected


def test_add_working_days_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="negative"):
        KAZAKHSTAN.add_working_days(date(2026, 1, 5), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(date(2026, 3, 20), date(2026, 3, 20), 0, id="same-day"),
        pytest.param(date(2026, 3, 19), date(2026, 3, 20), 1, id="next-working-day"),
        pytest.param(date(2026, 3, 20), date(2026, 3, 25), 0, id="only-nauryz-days-off"),
        pytest.param(date(2026, 3, 20), date(2026, 3, 26), 1, id="over-nauryz"),
        pytest.param(date(2025, 1, 2), date(2025, 1, 6), 2, id="over-the-2025-transfer"),
        pytest.param(date(2026, 3, 26), date(2026, 3, 20), -1, id="backwards-is-negative"),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert KAZAKHSTAN.working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("day", "name"),
    [
        pytest.param(date(2026, 3, 23), "Nowruz Holiday", id="nauryz"),
        pytest.param(date(2026, 1, 1), "New Year's Day", id="new-year"),
        pytest.param(date(2025, 1, 3), "Day off (substituted from 01/05/2025)", id="transfer"),
        pytest.param(date(2026, 3, 20), None, id="ordinary-day"),
        pytest.param(date(2025, 1, 5), None, id="working-sunday"),
    ],
)
def test_holiday_name(day: date, name: str | None) -> None:
    assert KAZAKHSTAN.holiday_name(day) == name


def test_a_fresh_calendar_agrees_with_the_shared_one() -> None:
    fresh = KazakhstanCalendar()
    assert fresh.add_working_days(date(2026, 3, 20), 1) == date(2026, 3, 26)
    assert fresh.is_working_day(date(2025, 1, 5))


days = st.dates(min_value=date(2018, 1, 1), max_value=date(2034, 12, 31))
counts = st.integers(min_value=1, max_value=40)


@given(days, counts)
def test_add_working_days_lands_on_a_working_day(start: date, n: int) -> None:
    assert KAZAKHSTAN.is_working_day(KAZAKHSTAN.add_working_days(start, n))


@given(days, counts)
def test_add_working_days_is_strictly_increasing_in_n(start: date, n: int) -> None:
    assert KAZAKHSTAN.add_working_days(start, n - 1) < KAZAKHSTAN.add_working_days(start, n)


@given(days, st.integers(min_value=0, max_value=40))
def test_working_days_between_inverts_add_working_days(start: date, n: int) -> None:
    assert KAZAKHSTAN.working_days_between(start, KAZAKHSTAN.add_working_days(start, n)) == n
