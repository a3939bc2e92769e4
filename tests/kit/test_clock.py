"""Kazakhstan has one time zone, UTC+5, since 1 March 2024: the time-zone database must know it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from senim.kit.clock import ALMATY, as_utc


def test_almaty_is_utc_plus_5_in_2026() -> None:
    # Older tz databases still say UTC+6; deadlines counted in Almaty days would then be an hour off.
    assert datetime(2026, 6, 1, 12, tzinfo=ALMATY).utcoffset() == timedelta(hours=5)
    assert datetime(2026, 1, 15, 12, tzinfo=ALMATY).utcoffset() == timedelta(hours=5)


def test_naive_times_are_taken_as_utc() -> None:
    assert as_utc(datetime(2026, 3, 21, 0, 0)) == datetime(2026, 3, 21, 0, 0, tzinfo=UTC)  # noqa: DTZ001
