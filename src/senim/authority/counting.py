"""Counting users located in Kazakhstan (LAW-12, 25), the published six-month figure (LAW-21), the
100,000 threshold and the platform's legal representative (LAW-10, 11).

**Presence.** A successful page visit records that someone used the platform that day
(:func:`record_request_presence`, called by the middleware): one ``user_presence`` row per person a day,
keyed by an HMAC of the account id ("user:<id>") or, for visitors not signed in, of the day, address and
browser ("visitor:<day>:<ip>:<user-agent>"), with whether they were in Kazakhstan as the configured
methods decide (``SENIM_USER_LOCATION_METHODS``, tried in order, the first that can tell). No address,
account id or country is stored. A per-process set of the keys written today keeps it to one INSERT per
person a day.

**Daily count.** The hourly job (``authority.count_users``) counts each past day's rows located in
Kazakhstan into ``daily_user_count`` (source "senim") and deletes the rows. With ``platform_figures`` the
integrating platform reports its own daily figure (``PUT /api/v1/user-counts/{day}``, source "platform");
a platform figure always stands over Senim's own count of the same day.

**Figures.** :meth:`CountingService.published` is the six complete months before the current one
(:func:`senim.authority.usercount.last_six_months`); :meth:`CountingService.check_threshold` tells the
administrators, once per month, that the last complete month's average passed 100,000 and a legal
representative must be appointed (LAW-10), whose details :meth:`CountingService.record_representative`
keeps for the authorized body's register (LAW-11).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from senim import audit
from senim.account.service import account_service
from senim.audit import Actor
from senim.authority import usercount
from senim.authority.errors import (
    RepresentativeInvalid,
    RepresentativeNotFound,
    UserCountConflict,
    UserCountInvalid,
)
from senim.authority.usercount import LocationMethod, MonthAverage
from senim.config import Settings
from senim.db import dialect_insert
from senim.detection.pii import bin_is_valid, iin_is_valid
from senim.errors import PermissionDenied
from senim.kit.clock import today_in, utcnow
from senim.kit.text import clean
from senim.models import DailyUserCount, LegalRepresentative, Role, ThresholdAlert, User, UserPresence
from senim.models.account import EXTERNAL_ROLES
from senim.notification.service import notification_service
from senim.web.i18n import N_

if TYPE_CHECKING:
    from starlette.requests import Request

    from senim.db import Database

log = logging.getLogger("senim.authority.counting")

SYSTEM = Actor.system("user_count")
SOURCE_SENIM = "senim"
SOURCE_PLATFORM = "platform"
# How far back a platform may report (and a reader may ask for) daily figures: a bit over a year, so a
# figure for every day of the published six months and of the authorized body's requests fits.
MAX_DAYS = 400
# More than five times Kazakhstan's population: a bigger daily figure is a mistake (and the column's
# 32-bit limit stays far away).
MAX_DAILY_USERS = 100_000_000
THRESHOLD = usercount.LEGAL_REPRESENTATIVE_THRESHOLD
# Page visits only: not files, the API, health checks or the staff console.
NOT_COUNTED_PREFIXES = ("/static/", "/api/", "/health", "/console", "/media/")
# The per-process memory of the presence rows written today; cleared when full (a repeat costs one
# INSERT that does nothing) and when the day changes.
WRITTEN_LIMIT = 100_000

# --- messages ---------------------------------------------------------------------------------------
DAY_PROBLEM = N_("The day is a date written YYYY-MM-DD.")
FUTURE_DAY_PROBLEM = N_("The day has not begun yet: a figure is reported for today or a past day.")
OLD_DAY_PROBLEM = N_("The day is more than 400 days ago.")
USERS_PROBLEM = N_("The number of users is a whole number from 0 to 100,000,000.")
RANGE_ORDER_PROBLEM = N_("The last day is before the first.")
RANGE_LENGTH_PROBLEM = N_("Ask for at most 400 days at a time.")
NOT_A_PLATFORM = N_("Only an integrating platform reports its daily figures.")
NAME_PROBLEM = N_("Enter the representative's full name or the legal entity's name (up to 300 characters).")
KIND_PROBLEM = N_("Choose whether the representative is an individual or a legal entity.")
IDENTIFIER_PROBLEM = N_(
    "Enter the 12-digit IIN of an individual or BIN of a legal entity; the check digit must be right."
)
ADDRESS_PROBLEM = N_("Enter the representative's address (up to 2000 characters).")
EMAIL_PROBLEM = N_("Enter a valid e-mail address.")
PHONE_PROBLEM = N_("Enter the phone number in international format: + and 8 to 15 digits.")
POWER_PROBLEM = N_(
    "Name the document that appoints the representative, such as the power of attorney's number and date "
    "(up to 300 characters)."
)
APPOINTED_PROBLEM = N_("Enter the date of appointment; it cannot be in the future.")
TAX_BODY_PROBLEM = N_("Say whether the representative also deals with the state revenue body.")
NO_REPRESENTATIVE = N_("No legal representative is on record.")
THRESHOLD_NONE_ON_RECORD = N_(
    "In {month} the platform had {average} users in Kazakhstan a day on average, more than 100,000: a legal "
    "representative must be appointed (LAW-10). None is on record: record one."
)
THRESHOLD_ON_RECORD = N_(
    "In {month} the platform had {average} users in Kazakhstan a day on average, more than 100,000: a legal "
    "representative must be appointed (LAW-10). {name} is on record: check their details are current."
)

REPRESENTATIVE_KINDS: dict[str, str] = {
    "individual": N_("An individual"),
    "legal_entity": N_("A legal entity"),
}
# What each location method means, in plain words (the public page and the console).
METHOD_TEXTS: dict[LocationMethod, str] = {
    LocationMethod.IP_RANGES: N_(
        "The internet address the visit comes from belongs to Kazakhstan's address ranges, as the regional "
        "internet registry (RIPE NCC) lists them. A VPN or a phone roaming abroad can make this wrong either "
        "way, so it is an estimate."
    ),
    LocationMethod.DECLARED_COUNTRY: N_("The country given in the person's account is Kazakhstan."),
    LocationMethod.PHONE_CODE: N_(
        "The phone number given in the person's account is a Kazakhstan number (+7 6xx or +7 7xx)."
    ),
    LocationMethod.PLATFORM_FIGURES: N_(
        "The platform counts its users located in Kazakhstan itself and reports the number for each day."
    ),
}

_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PHONE_RE = re.compile(r"\+[1-9]\d{7,14}")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


# --- configuration ----------------------------------------------------------------------------------
@lru_cache(maxsize=16)
def _parse_methods(text: str) -> tuple[LocationMethod, ...]:
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    known = ", ".join(m.value for m in LocationMethod)
    try:
        methods = tuple(dict.fromkeys(LocationMethod(name) for name in names))
    except ValueError as exc:
        raise ValueError(f"SENIM_USER_LOCATION_METHODS={text!r}: unknown method (known: {known})") from exc
    if not methods:
        raise ValueError(f"SENIM_USER_LOCATION_METHODS names no method (known: {known})")
    if LocationMethod.PLATFORM_FIGURES in methods and len(methods) > 1:
        raise ValueError("SENIM_USER_LOCATION_METHODS: platform_figures is used alone")
    return methods


def location_methods(settings: Settings) -> tuple[LocationMethod, ...]:
    """The configured methods in the order they are tried; a wrong setting is a ValueError."""
    return _parse_methods(settings.user_location_methods)


def platform_counts(settings: Settings) -> bool:
    """Whether the integrating platform reports the daily figures (Senim records no presence)."""
    return location_methods(settings) == (LocationMethod.PLATFORM_FIGURES,)


def method_label(settings: Settings) -> str:
    """The methods as stored with a count: "ip_ranges,declared_country"."""
    return ",".join(m.value for m in location_methods(settings))


@dataclass(frozen=True)
class RangesStatus:
    """What the console says about the file of Kazakhstan's address ranges."""

    path: Path | None
    readable: bool
    ranges: int
    problems: list[str]


_ranges: dict[str, tuple[int, int, usercount.ParsedRanges]] = {}
_ranges_lock = threading.Lock()


def _parsed_ranges(path: Path | None) -> usercount.ParsedRanges | None:
    """The file read and parsed, cached until it changes (path, modification time, size); None when
    there is no file or it cannot be read."""
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError as exc:
        log.warning("Kazakhstan address ranges file %s: %s", path, exc)
        return None
    key, stamp = str(path), (stat.st_mtime_ns, stat.st_size)
    cached = _ranges.get(key)
    if cached is not None and cached[:2] == stamp:
        return cached[2]
    with _ranges_lock:
        cached = _ranges.get(key)
        if cached is not None and cached[:2] == stamp:
            return cached[2]
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            log.warning("Kazakhstan address ranges file %s: %s", path, exc)
            return None
        parsed = usercount.parse_ranges(text)
        if parsed.problems:
            log.warning(
                "Kazakhstan address ranges file %s: %d lines left out, first: %s",
                path,
                len(parsed.problems),
                parsed.problems[0],
            )
        _ranges[key] = (*stamp, parsed)
        return parsed


def kazakhstan_networks(settings: Settings) -> usercount.KazakhstanNetworks | None:
    parsed = _parsed_ranges(settings.kz_ranges_file)
    return None if parsed is None else parsed.networks


def ranges_status(settings: Settings) -> RangesStatus:
    parsed = _parsed_ranges(settings.kz_ranges_file)
    if parsed is None:
        return RangesStatus(settings.kz_ranges_file, False, 0, [])
    return RangesStatus(settings.kz_ranges_file, True, len(parsed.networks), parsed.problems[:20])


def locate(settings: Settings, *, ip: str | None, country: str | None, phone: str | None) -> bool | None:
    """Whether someone is in Kazakhstan by the configured methods, in order, the first that can tell;
    None when none can (``ip_ranges`` without a readable ranges file cannot)."""
    for method in location_methods(settings):
        networks = None
        if method is LocationMethod.IP_RANGES:
            networks = kazakhstan_networks(settings)
            if networks is None:
                continue
        found = usercount.located_in_kazakhstan(
            method, ip=ip, declared_country=country, phone=phone, networks=networks
        )
        if found is not None:
            return found
    return None


def visitor_key(
    settings: Settings,
    *,
    user_id: uuid.UUID | None = None,
    day: date | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> str:
    """The keyed hash a person's presence is stored under: of "user:<id>" for an account, of
    "visitor:<day>:<ip>:<user-agent>" for a visitor not signed in (a new key every day). Keyed with a key
    derived from the secret, so it cannot be reversed by trying addresses."""
    if user_id is not None:
        message = f"user:{user_id}"
    else:
        message = f"visitor:{(day or today_in()).isoformat()}:{ip or ''}:{user_agent or ''}"
    key = hmac.new(settings.secret_bytes, b"senim.user_presence", hashlib.sha256).digest()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


class _Written:
    """The (day, key) pairs this process has written, so a person's later visits that day cost nothing."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._day: date | None = None
        self._keys: set[str] = set()
        self._lock = threading.Lock()

    def holds(self, day: date, key: str) -> bool:
        return self._day == day and key in self._keys

    def add(self, day: date, key: str) -> None:
        with self._lock:
            if self._day != day or len(self._keys) >= self.limit:
                self._keys = set()
                self._day = day
            self._keys.add(key)

    def forget(self) -> None:
        with self._lock:
            self._keys = set()
            self._day = None


_written = _Written(WRITTEN_LIMIT)


def forget_written() -> None:
    """Forget which presence rows this process wrote (tests, whose tables are emptied between them)."""
    _written.forget()


def counts_request(method: str, path: str, status: int) -> bool:
    """Whether a request is a page visit that counts: a successful GET of a page."""
    return method == "GET" and status < 400 and path != "/api" and not path.startswith(NOT_COUNTED_PREFIXES)


def record_request_presence(request: Request, response_status: int) -> None:
    """Record that the request's person used the platform today (the middleware calls this after the
    response, in a worker thread: it opens its own short write transaction). Counting never fails a
    request: any error is logged and swallowed."""
    try:
        _record_request_presence(request, response_status)
    except Exception:  # the count is an estimate; a visit must not fail for it
        log.exception("the presence of a visit could not be recorded")


def _record_request_presence(request: Request, response_status: int) -> None:
    if not counts_request(request.method, request.url.path, response_status):
        return
    settings: Settings = request.app.state.settings
    if platform_counts(settings):
        return
    principal = getattr(request.state, "principal", None)
    user: User | None = getattr(principal, "user", None)
    if getattr(principal, "token", None) is not None or (user is not None and user.role in EXTERNAL_ROLES):
        return  # an API principal, not a person visiting
    if user is None and not settings.count_visitors:
        return
    day = today_in()
    ip = request.client.host if request.client else None
    key = visitor_key(
        settings,
        user_id=user.id if user is not None else None,
        day=day,
        ip=ip,
        user_agent=request.headers.get("user-agent"),
    )
    if _written.holds(day, key):
        return
    database: Database = request.app.state.db
    with database.transaction() as session:
        counting_service.record_presence(
            session,
            day=day,
            visitor_key=key,
            ip=ip,
            country=user.country if user is not None else None,
            phone=user.phone if user is not None else None,
            settings=settings,
        )
    _written.add(day, key)


# --- values -----------------------------------------------------------------------------------------
def parse_day(value: str | date) -> date:
    """A day written YYYY-MM-DD (a refused day is a 422)."""
    if isinstance(value, date):
        return value
    text = value.strip()
    if not _DAY_RE.fullmatch(text):
        raise UserCountInvalid(DAY_PROBLEM)
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UserCountInvalid(DAY_PROBLEM) from exc


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, following - timedelta(days=1)


def months_back(today: date, months: int) -> date:
    """The first day of the month ``months`` before ``today``'s."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def grouped(number: float) -> str:
    """A whole number with thin spaces between thousands, read the same in every language: 100 001."""
    return f"{round(number):,}".replace(",", "\u202f")


@dataclass(frozen=True)
class DayFigure:
    day: date
    users: int | None  # None: no count for that day (not a day without users)
    source: str | None


@dataclass(frozen=True)
class ThresholdStatus:
    """The last complete month against the 100,000 threshold, and the 30-day early warning."""

    month: str
    average: float | None  # None: no day of that month is counted
    crossed: bool
    rolling_average: float | None
    rolling_crossed: bool
    alerts: list[ThresholdAlert]


class CountingService:
    # --- presence -----------------------------------------------------------------------------------
    def record_presence(
        self,
        session: Session,
        *,
        day: date,
        visitor_key: str,
        ip: str | None,
        country: str | None,
        phone: str | None,
        settings: Settings,
    ) -> bool:
        """Record one person's presence on ``day`` with whether they were in Kazakhstan (the first method
        that can tell decides); a second visit the same day writes nothing. Returns whether a row was
        written. Nothing is recorded when the platform reports its own figures."""
        if platform_counts(settings):
            return False
        located = locate(settings, ip=ip, country=country, phone=phone)
        insert = dialect_insert(session)(UserPresence).values(
            day=day.isoformat(), visitor=visitor_key, in_kazakhstan=located
        )
        result = cast(
            "CursorResult[Any]",
            session.execute(insert.on_conflict_do_nothing(index_elements=["day", "visitor"])),
        )
        return bool(result.rowcount)

    # --- daily counts -------------------------------------------------------------------------------
    def _count_row(self, session: Session, day: date) -> DailyUserCount | None:
        return session.scalars(
            select(DailyUserCount).where(DailyUserCount.day == day.isoformat()).with_for_update()
        ).one_or_none()

    def _discard_presence(self, session: Session, day: date) -> None:
        session.execute(delete(UserPresence).where(UserPresence.day == day.isoformat()))

    def count_day(self, session: Session, day: date, settings: Settings) -> DailyUserCount | None:
        """Count ``day``'s people located in Kazakhstan from its presence rows into its daily count
        (source "senim"), delete the rows and audit it. A platform's own figure for the day stands (the
        rows are deleted uncounted). Rows that arrive after the day was counted (a visit finishing at
        midnight) are added to its count: the rows counted before are gone, so adding is how none is
        lost. With ``platform_figures`` nothing is done. Returns the day's count, None when there is
        none."""
        existing = self._count_row(session, day)
        if platform_counts(settings):
            return existing
        tally: dict[bool | None, int] = {
            located: int(n)
            for located, n in session.execute(
                select(UserPresence.in_kazakhstan, func.count())
                .where(UserPresence.day == day.isoformat())
                .group_by(UserPresence.in_kazakhstan)
            )
        }
        if not tally:
            return existing
        self._discard_presence(session, day)
        if existing is not None and existing.source == SOURCE_PLATFORM:
            return existing
        located = tally.get(True, 0)
        method = method_label(settings)
        late = existing is not None
        if existing is None:
            row = DailyUserCount(
                id=uuid.uuid4(),
                day=day.isoformat(),
                users=located,
                method=method,
                source=SOURCE_SENIM,
                computed_at=utcnow(),
            )
            session.add(row)
        else:
            row = existing
            row.users += located
            row.method, row.computed_at = method, utcnow()
        session.flush()
        audit.record(
            session,
            actor=SYSTEM,
            tag="user_count:record",
            target=row,
            data={
                "day": row.day,
                "users": row.users,
                "method": method,
                "in_kazakhstan": located,
                "elsewhere": tally.get(False, 0),
                "unknown": tally.get(None, 0),
                "late": late,
            },
        )
        return row

    def count_pending_days(
        self, session: Session, settings: Settings, today: date | None = None
    ) -> list[str]:
        """The ``authority.count_users`` job: count every day before ``today`` (Kazakhstan) that has
        presence rows, then check the threshold. With ``platform_figures`` the rows of past days (left
        from before the setting changed) are deleted uncounted. Returns the days counted."""
        today = today or today_in()
        days = list(
            session.scalars(
                select(UserPresence.day)
                .where(UserPresence.day < today.isoformat())
                .group_by(UserPresence.day)
                .order_by(UserPresence.day)
            )
        )
        counted = []
        for text in days:
            day = date.fromisoformat(text)
            if platform_counts(settings):
                self._discard_presence(session, day)
            elif self.count_day(session, day, settings) is not None:
                counted.append(text)
        self.check_threshold(session, settings, today)
        return counted

    def report_figure(
        self, session: Session, actor: Actor, platform_user: User, day: str | date, users: object
    ) -> tuple[DailyUserCount, bool]:
        """The integrating platform's own count of users in Kazakhstan for ``day`` (LAW-12, 25): a past day
        or today, at most 400 days ago, a whole number from 0. It replaces any count of that day (a
        second report is audited with the value it replaces); the same figure again writes nothing.
        Returns the day's count and whether it was created."""
        if platform_user.role != Role.integrating_platform:
            raise PermissionDenied(NOT_A_PLATFORM)
        when = parse_day(day)
        today = today_in()
        if when > today:
            raise UserCountInvalid(FUTURE_DAY_PROBLEM)
        if when < today - timedelta(days=MAX_DAYS):
            raise UserCountInvalid(OLD_DAY_PROBLEM)
        if isinstance(users, bool) or not isinstance(users, int) or not 0 <= users <= MAX_DAILY_USERS:
            raise UserCountInvalid(USERS_PROBLEM)
        existing = self._count_row(session, when)
        if existing is not None and existing.source == SOURCE_PLATFORM and existing.users == users:
            return existing, False
        replaced = None if existing is None else {"users": existing.users, "source": existing.source}
        if existing is None:
            row = DailyUserCount(id=uuid.uuid4(), day=when.isoformat())
            session.add(row)
        else:
            row = existing
        row.users, row.method, row.source = users, LocationMethod.PLATFORM_FIGURES.value, SOURCE_PLATFORM
        row.reported_by_id, row.computed_at = platform_user.id, utcnow()
        try:
            session.flush()
        except IntegrityError as exc:  # the same day reported in a parallel request
            raise UserCountConflict("The record was changed at the same time. Try again.") from exc
        audit.record(
            session,
            actor=actor,
            tag="user_count:report",
            target=row,
            data={"day": row.day, "users": users, "replaced": replaced},
        )
        return row, existing is None

    # --- reading ------------------------------------------------------------------------------------
    def counts(self, session: Session, first: date, last: date) -> dict[date, DailyUserCount]:
        rows = session.scalars(
            select(DailyUserCount).where(
                DailyUserCount.day >= first.isoformat(), DailyUserCount.day <= last.isoformat()
            )
        )
        return {date.fromisoformat(row.day): row for row in rows}

    def _users(self, session: Session, first: date, last: date) -> dict[date, int]:
        return {day: row.users for day, row in self.counts(session, first, last).items()}

    def daily(self, session: Session, first: date, last: date) -> list[DayFigure]:
        """Every day from ``first`` to ``last`` with its count, None where there is none (LAW-25); at
        most 400 days."""
        if last < first:
            raise UserCountInvalid(RANGE_ORDER_PROBLEM)
        if (last - first).days + 1 > MAX_DAYS:
            raise UserCountInvalid(RANGE_LENGTH_PROBLEM)
        rows = self.counts(session, first, last)
        return [
            DayFigure(d.day, d.users, rows[d.day].source if d.day in rows else None)
            for d in usercount.daily_series({day: row.users for day, row in rows.items()}, first, last)
        ]

    def published(self, session: Session, today: date | None = None) -> list[MonthAverage]:
        """The published figure (LAW-21): the average daily users in Kazakhstan of each of the six complete
        months before ``today``'s, oldest first, leaving out months with no count."""
        today = today or today_in()
        last = months_back(today, 0) - timedelta(days=1)
        return usercount.last_six_months(self._users(session, months_back(today, 6), last), today)

    def monthly(self, session: Session, today: date | None = None, months: int = 12) -> list[MonthAverage]:
        """The average daily users of each of the last ``months`` months, the current one included."""
        today = today or today_in()
        averages = usercount.monthly_averages(self._users(session, months_back(today, months - 1), today))
        return [MonthAverage(y, m, a) for (y, m), a in averages.items()]

    def threshold_status(self, session: Session, today: date | None = None) -> ThresholdStatus:
        today = today or today_in()
        first = months_back(today, 1)
        daily = self._users(session, min(first, today - timedelta(days=30)), today)
        year, month = first.year, first.month
        in_month = [users for day, users in daily.items() if (day.year, day.month) == (year, month)]
        rolling = [users for day, users in daily.items() if today - timedelta(days=30) <= day < today]
        return ThresholdStatus(
            month=month_key(year, month),
            average=sum(in_month) / len(in_month) if in_month else None,
            crossed=usercount.threshold_crossed(daily, today) is not None,
            rolling_average=sum(rolling) / len(rolling) if rolling else None,
            rolling_crossed=usercount.rolling_threshold_crossed(daily, today) is not None,
            alerts=list(session.scalars(select(ThresholdAlert).order_by(ThresholdAlert.month.desc()))),
        )

    # --- the threshold ------------------------------------------------------------------------------
    def check_threshold(
        self, session: Session, settings: Settings, today: date | None = None
    ) -> ThresholdAlert | None:
        """When the last complete month's average daily users in Kazakhstan is more than 100,000 (LAW-10),
        and it has not been told yet: record the month, audit it and tell every active administrator
        that a legal representative must be appointed, saying whether one is on record. Once a month."""
        today = today or today_in()
        first = months_back(today, 1)
        crossed = usercount.threshold_crossed(
            self._users(session, first, month_bounds(first.year, first.month)[1]), today
        )
        if crossed is None:
            return None
        month = month_key(crossed.year, crossed.month)
        if session.scalar(select(ThresholdAlert.id).where(ThresholdAlert.month == month)) is not None:
            return None
        alert = ThresholdAlert(id=uuid.uuid4(), month=month, average=crossed.average, alerted_at=utcnow())
        session.add(alert)
        try:
            session.flush()
        except IntegrityError as exc:  # another run told it at the same time
            raise UserCountConflict("The record was changed at the same time. Try again.") from exc
        representative = self.current_representative(session)
        audit.record(
            session,
            actor=SYSTEM,
            tag="user_count:threshold",
            target=alert,
            data={
                "month": month,
                "average": crossed.average,
                "threshold": THRESHOLD,
                "method": settings.user_location_methods,
                "representative_on_record": representative is not None,
            },
        )
        params: dict[str, Any] = {"month": month, "average": grouped(crossed.average)}
        message = THRESHOLD_NONE_ON_RECORD
        if representative is not None:
            message, params["name"] = THRESHOLD_ON_RECORD, representative.name
        for admin in account_service.active_with_roles(session, Role.administrator):
            notification_service.notify(session, admin, message, params, link="/console/legal-representative")
        return alert

    # --- the legal representative -------------------------------------------------------------------
    def current_representative(
        self, session: Session, *, for_update: bool = False
    ) -> LegalRepresentative | None:
        """The legal representative in office (LAW-10), None when none is on record."""
        query = (
            select(LegalRepresentative)
            .where(LegalRepresentative.ended_at.is_(None))
            .order_by(LegalRepresentative.created_at.desc())
            .limit(1)
        )
        if for_update:
            query = query.with_for_update()
        return session.scalars(query).first()

    def representatives(self, session: Session, limit: int = 50) -> list[LegalRepresentative]:
        """Every representative on record, the newest first (those before have ``ended_at``)."""
        return list(
            session.scalars(
                select(LegalRepresentative).order_by(LegalRepresentative.created_at.desc()).limit(limit)
            )
        )

    def record_representative(
        self, session: Session, actor: Actor, data: Mapping[str, object]
    ) -> LegalRepresentative:
        """Record the legal representative appointed (LAW-10) with the details the authorized body's register
        needs (LAW-11); the one on record before leaves office. Each problem is refused (422) and nothing
        is written."""
        fields = _representative_fields(data)
        previous = self.current_representative(session, for_update=True)
        now = utcnow()
        if previous is not None:
            previous.ended_at = now
        row = LegalRepresentative(id=uuid.uuid4(), recorded_by_id=actor.id, created_at=now, **fields)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=actor,
            tag="legal_representative:record",
            target=row,
            data={
                "kind": row.kind,
                "appointed_on": row.appointed_on,
                "tax_body": row.tax_body,
                "replaces": str(previous.id) if previous is not None else None,
            },
        )
        return row

    def end_representative(self, session: Session, actor: Actor) -> LegalRepresentative:
        """The representative in office leaves it (with none appointed after them); audited."""
        current = self.current_representative(session, for_update=True)
        if current is None:
            raise RepresentativeNotFound(NO_REPRESENTATIVE)
        current.ended_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=actor,
            tag="legal_representative:end",
            target=current,
            data={"appointed_on": current.appointed_on},
        )
        return current


def _text(data: Mapping[str, object], name: str) -> str:
    value = data.get(name)
    return clean(value).strip() if isinstance(value, str) else ""


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"yes": True, "true": True, "on": True, "no": False, "false": False}.get(value.strip().lower())
    return None


def _representative_fields(data: Mapping[str, object]) -> dict[str, Any]:
    """The representative's checked and normalised details; every problem refused at once."""
    problems: list[str] = []
    name, kind, address = _text(data, "name"), _text(data, "kind"), _text(data, "address")
    power = _text(data, "power_of_attorney")
    if not 1 <= len(name) <= 300:
        problems.append(NAME_PROBLEM)
    if kind not in REPRESENTATIVE_KINDS:
        problems.append(KIND_PROBLEM)
    identifier = _text(data, "identifier").replace(" ", "")
    valid_id = iin_is_valid(identifier) if kind == "individual" else bin_is_valid(identifier)
    if not valid_id:
        problems.append(IDENTIFIER_PROBLEM)
    if not 1 <= len(address) <= 2000:
        problems.append(ADDRESS_PROBLEM)
    email = ""
    try:
        email = validate_email(_text(data, "email"), check_deliverability=False).normalized
    except EmailNotValidError:
        problems.append(EMAIL_PROBLEM)
    if len(email) > 254:
        problems.append(EMAIL_PROBLEM)
    phone = _PHONE_SEPARATORS.sub("", _text(data, "phone"))
    if not _PHONE_RE.fullmatch(phone):
        problems.append(PHONE_PROBLEM)
    if not 1 <= len(power) <= 300:
        problems.append(POWER_PROBLEM)
    appointed = _text(data, "appointed_on")
    try:
        appointed_on = parse_day(appointed)
        if appointed_on > today_in():
            problems.append(APPOINTED_PROBLEM)
    except UserCountInvalid:
        problems.append(APPOINTED_PROBLEM)
    tax_body = _flag(data.get("tax_body"))
    if tax_body is None:
        problems.append(TAX_BODY_PROBLEM)
    if problems:
        raise RepresentativeInvalid(problems[0], fields=problems)
    return {
        "name": name,
        "kind": kind,
        "identifier": identifier,
        "address": address,
        "email": email,
        "phone": phone,
        "power_of_attorney": power,
        "appointed_on": appointed,
        "tax_body": tax_body,
    }


counting_service = CountingService()
