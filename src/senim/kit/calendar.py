"""The Kazakhstan working-day calendar: weekends, public holidays, days off and transfers.

Pure computation over the ``holidays`` package (no I/O, no clock reads). A day is a working day when
it is not a Saturday or Sunday, unless the government moved a working day onto it, and it is not a
public holiday or a (transferred) day off. Years are built once per calendar instance and cached.
"""

from __future__ import annotations

from datetime import date, timedelta
from threading import Lock

import holidays

ONE_DAY = timedelta(days=1)


class KazakhstanCalendar:
    """Working days in Kazakhstan; dates are local dates (Asia/Almaty)."""

    def __init__(self) -> None:
        self._years: dict[int, holidays.HolidayBase] = {}
        self._lock = Lock()

    def _year(self, year: int) -> holidays.HolidayBase:
        found = self._years.get(year)
        if found is None:
            with self._lock:
                found = self._years.get(year)
                if found is None:
                    found = holidays.Kazakhstan(years=year)
                    self._years[year] = found
        return found

    def holiday_name(self, day: date) -> str | None:
        """The name of the public holiday or day off on ``day``, or None."""
        name = self._year(day.year).get(day)
        return str(name) if name is not None else None

    def is_working_day(self, day: date) -> bool:
        year = self._year(day.year)
        if day in year:
            return False
        if day.weekday() in year.weekend:
            return day in year.weekend_workdays
        return True

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself does not count); ``day`` when n is 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        current = day
        while n:
            current += ONE_DAY
            if self.is_working_day(current):
                n -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        count, current = 0, start
        while current < end:
            current += ONE_DAY
            count += self.is_working_day(current)
        return count


KAZAKHSTAN = KazakhstanCalendar()
