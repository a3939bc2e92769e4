"""Time in Senim: timezone-aware UTC in code and storage, shown in Asia/Almaty."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return ``value`` as aware UTC; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def today_in(tz: ZoneInfo = ALMATY) -> date:
    return utcnow().astimezone(tz).date()


def age_on(birth: date, on: date) -> int:
    """Full years of a person born on ``birth`` at date ``on``."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years
