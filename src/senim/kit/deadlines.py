"""Statutory clocks: pure functions from the rule that applies to a due time (DESIGN.md invariant 3).

A rule is one of four kinds: a number of hours, calendar days counted from the day after receipt,
Kazakhstan working days after the day of receipt, or "immediately". Day-based clocks end at the last
microsecond of their last day in Asia/Almaty. Everything here is pure: no I/O, no current-time reads;
callers compute the due time once and store it on the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType

from senim.kit.calendar import KAZAKHSTAN, KazakhstanCalendar
from senim.kit.clock import ALMATY

WARN_SHARE = 0.75  # warn when this share of the span has passed ...
WARN_LEAD = timedelta(minutes=15)  # ... and at least this long before the due time
END_OF_DAY = time.max  # 23:59:59.999999


class ClockKind(StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    IMMEDIATE = "immediate"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    kind: ClockKind
    amount: int = 0

    def __post_init__(self) -> None:
        if self.kind is ClockKind.IMMEDIATE:
            if self.amount != 0:
                raise ValueError("an immediate rule has no amount")
        elif self.amount < 1:
            raise ValueError("a clock needs a positive amount")

    @property
    def immediate(self) -> bool:
        return self.kind is ClockKind.IMMEDIATE

    def describe(self) -> str:
        """A short English description for docs and logs (not user-facing text)."""
        match self.kind:
            case ClockKind.HOURS:
                return f"{self.amount} h"
            case ClockKind.CALENDAR_DAYS:
                return f"{self.amount} calendar days after the day of receipt"
            case ClockKind.WORKING_DAYS:
                return f"{self.amount} working days after the day of receipt"
            case ClockKind.IMMEDIATE:
                return "immediately"


def hours(n: int) -> DeadlineRule:
    return DeadlineRule(ClockKind.HOURS, n)


def calendar_days_after_receipt(n: int) -> DeadlineRule:
    return DeadlineRule(ClockKind.CALENDAR_DAYS, n)


def working_days(n: int) -> DeadlineRule:
    return DeadlineRule(ClockKind.WORKING_DAYS, n)


IMMEDIATELY = DeadlineRule(ClockKind.IMMEDIATE)


def immediately() -> DeadlineRule:
    return IMMEDIATELY


def _checked_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


def _end_of_local_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=ALMATY).astimezone(UTC)


def due_at(
    rule: DeadlineRule, received_at: datetime, *, calendar: KazakhstanCalendar = KAZAKHSTAN
) -> datetime:
    """When ``rule`` falls due for something received at ``received_at`` (aware; result in UTC)."""
    received = _checked_utc(received_at, "received_at")
    local_day = received.astimezone(ALMATY).date()
    match rule.kind:
        case ClockKind.IMMEDIATE:
            return received
        case ClockKind.HOURS:
            return received + timedelta(hours=rule.amount)
        case ClockKind.CALENDAR_DAYS:
            return _end_of_local_day(local_day + timedelta(days=rule.amount))
        case ClockKind.WORKING_DAYS:
            return _end_of_local_day(calendar.add_working_days(local_day, rule.amount))
    raise AssertionError(rule.kind)  # pragma: no cover


def warn_at(rule: DeadlineRule, received_at: datetime, due: datetime | None = None) -> datetime:
    """When to warn that ``rule`` is running out: after 75% of the span, and at least 15 minutes
    before the due time (never before receipt). An immediate rule warns at once."""
    received = _checked_utc(received_at, "received_at")
    due = due_at(rule, received) if due is None else _checked_utc(due, "due")
    if rule.immediate or due <= received:
        return received
    span = due - received
    return max(received, min(received + span * WARN_SHARE, due - WARN_LEAD))


@dataclass(frozen=True, slots=True)
class StatutoryClock:
    """A named deadline with the legal requirement and article it comes from."""

    name: str
    law_id: str
    article: str
    rule: DeadlineRule

    def due_at(self, received_at: datetime) -> datetime:
        return due_at(self.rule, received_at)

    def warn_at(self, received_at: datetime) -> datetime:
        return warn_at(self.rule, received_at)


def _registry(*clocks: StatutoryClock) -> Mapping[str, StatutoryClock]:
    return MappingProxyType({clock.name: clock for clock in clocks})


RULES: Mapping[str, StatutoryClock] = _registry(
    StatutoryClock("complaint_answer", "LAW-32", "OPL Art. 11(3)", calendar_days_after_receipt(20)),
    StatutoryClock("authority_request", "LAW-16", "OPL Art. 9(4)(2)", hours(24)),
    StatutoryClock("cyberbullying_child_removal", "LAW-33", "OPL Art. 14(3)", hours(24)),
    StatutoryClock("restriction_order", "LAW-42", "COMM Art. 41-1(3)(1)", hours(2)),
    StatutoryClock("immediate_restriction", "LAW-41", "COMM Art. 41-1(1-1)", IMMEDIATELY),
    StatutoryClock("lift_order", "LAW-44", "COMM Art. 41-1(4)-(7)", IMMEDIATELY),
    StatutoryClock("law_enforcement_notice", "LAW-19", "OPL Art. 9(4)(5)", IMMEDIATELY),
    StatutoryClock("unlawful_personal_data_removal", "LAW-50", "PDL Art. 6, 25(2)(8)", working_days(1)),
    StatutoryClock("personal_data_correction", "LAW-76", "PDL Art. 25(2)(8)", working_days(1)),
    StatutoryClock("breach_notice_to_authority", "LAW-76", "PDL Art. 25(2)(8)", working_days(1)),
    StatutoryClock("consent_withdrawal", "LAW-75", "PDL Art. 8(7)", working_days(15)),
    StatutoryClock("third_party_transfer_notice", "LAW-79", "PDL Art. 19(1)", working_days(10)),
    StatutoryClock("automated_decision_objection", "LAW-80", "PDL Art. 19-1", working_days(3)),
    StatutoryClock("control_recommendation_execution", "LAW-90", "OPL Art. 6", working_days(3)),
    StatutoryClock("control_recommendation_objection", "LAW-90", "OPL Art. 6", working_days(3)),
)
