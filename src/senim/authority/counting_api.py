"""JSON API of user counting: the integrating platform reports its daily figure of users in Kazakhstan
(LAW-12); the authorized body and staff read the daily figures (LAW-25) and the legal representative on
record (LAW-10, 11); anyone reads the published six-month figure (LAW-21)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from senim.account.policy import Perm
from senim.authority.counting import (
    MAX_DAILY_USERS,
    NO_REPRESENTATIVE,
    counting_service,
    location_methods,
    month_key,
    parse_day,
)
from senim.authority.errors import RepresentativeNotFound
from senim.kit.clock import today_in
from senim.models import DailyUserCount
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1", tags=["user counts"])

Reporter = Annotated[Principal, Depends(requires(Perm.user_counts_report, "user_counts:report"))]
Reader = Annotated[Principal, Depends(requires(Perm.user_counts_read, "user_counts:read"))]
Anyone = Annotated[Principal, Depends(requires(Perm.public))]

DEFAULT_DAYS = 30


class UserCountReport(BaseModel):
    users: int = Field(
        strict=True,
        ge=0,
        le=MAX_DAILY_USERS,
        description="The number of distinct users located in Kazakhstan on that day (Asia/Almaty).",
    )


class UserCountRead(BaseModel):
    day: date
    users: int
    source: str = Field(description='"platform": reported by the platform; "senim": counted by Senim.')
    method: str = Field(description="How location was decided: the methods, or platform_figures.")
    computed_at: datetime


class DayCount(BaseModel):
    day: date
    users: int | None = Field(description="null: the day has no count (not a day without users).")
    source: str | None


class UserCountSeries(BaseModel):
    first: date
    last: date
    location_methods: list[str]
    days: list[DayCount]


class MonthFigure(BaseModel):
    month: str = Field(description="YYYY-MM")
    average_daily_users: float = Field(description="Over the days of the month that have a count.")


class PublishedFigure(BaseModel):
    as_of: date = Field(
        description="The day the figure is computed for (Asia/Almaty); its month is left out."
    )
    location_methods: list[str]
    months: list[MonthFigure] = Field(
        description="The six complete months before the current one, oldest first; months without a count "
        "are left out."
    )


class RepresentativeRead(BaseModel):
    name: str
    kind: str = Field(description="individual or legal_entity")
    identifier: str = Field(description="IIN of an individual or BIN of a legal entity")
    address: str
    email: str
    phone: str
    power_of_attorney: str
    appointed_on: date
    tax_body: bool = Field(description="Also deals with the state revenue body.")
    recorded_at: datetime


def _read(row: DailyUserCount) -> UserCountRead:
    return UserCountRead(
        day=date.fromisoformat(row.day),
        users=row.users,
        source=row.source,
        method=row.method,
        computed_at=row.computed_at,
    )


@router.put(
    "/user-counts/{day}",
    response_model=UserCountRead,
    responses={
        200: {"description": "The day had a figure; it is replaced (or was already the same)."},
        201: {"description": "The day's figure is recorded."},
    },
)
def report_figure(
    day: str, body: UserCountReport, response: Response, session: DbSession, principal: Reporter
) -> UserCountRead:
    """The platform's own count of users located in Kazakhstan on ``day`` (YYYY-MM-DD, Asia/Almaty): a
    past day or today, at most 400 days ago. A second report of the same day replaces the first."""
    row, created = counting_service.report_figure(
        session, principal.actor, principal.require_user(), day, body.users
    )
    response.status_code = 201 if created else 200
    return _read(row)


@router.get("/user-counts", response_model=UserCountSeries)
def read_counts(
    request: Request,
    session: DbSession,
    principal: Reader,
    first: Annotated[
        str | None, Query(alias="from", description="YYYY-MM-DD; default 29 days before to")
    ] = None,
    last: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD; default today")] = None,
) -> UserCountSeries:
    """The number of users located in Kazakhstan per day (LAW-25), at most 400 days at a time."""
    end = parse_day(last) if last else today_in()
    start = parse_day(first) if first else end - timedelta(days=DEFAULT_DAYS - 1)
    days = counting_service.daily(session, start, end)
    return UserCountSeries(
        first=start,
        last=end,
        location_methods=_methods(request),
        days=[DayCount(day=d.day, users=d.users, source=d.source) for d in days],
    )


def _methods(request: Request) -> list[str]:
    return [m.value for m in location_methods(request.app.state.settings)]


@router.get("/user-counts/published", response_model=PublishedFigure)
def published(request: Request, session: DbSession, principal: Anyone) -> PublishedFigure:
    """The average number of users located in Kazakhstan a day, for each of the last six complete months
    (LAW-21). Public."""
    today = today_in()
    return PublishedFigure(
        as_of=today,
        location_methods=_methods(request),
        months=[
            MonthFigure(month=month_key(m.year, m.month), average_daily_users=round(m.average, 1))
            for m in counting_service.published(session, today)
        ],
    )


@router.get("/legal-representative", response_model=RepresentativeRead)
def legal_representative(session: DbSession, principal: Reader) -> RepresentativeRead:
    """The platform's legal representative in office (LAW-10) with the details for the authorized body's
    register (LAW-11); 404 when none is on record."""
    row = counting_service.current_representative(session)
    if row is None:
        raise RepresentativeNotFound(NO_REPRESENTATIVE)
    return RepresentativeRead(
        name=row.name,
        kind=row.kind,
        identifier=row.identifier,
        address=row.address,
        email=row.email,
        phone=row.phone,
        power_of_attorney=row.power_of_attorney,
        appointed_on=date.fromisoformat(row.appointed_on),
        tax_body=row.tax_body,
        recorded_at=row.created_at,
    )
