"""Counting users located in Kazakhstan end to end: presence recorded once a day per person from page
visits, located by each configured method (LAW-12); the daily count and the figures the authorized body
reads (LAW-25); the integrating platform's own figures; the published six-month figure (LAW-21); the
100,000 threshold told to administrators once a month (LAW-10); the legal representative's details for the
authorized body's register (LAW-11); country and phone pushed by a platform."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.account.service import account_service
from senim.audit import Actor
from senim.authority import counting
from senim.authority.counting import (
    THRESHOLD_NONE_ON_RECORD,
    THRESHOLD_ON_RECORD,
    counting_service,
    counts_request,
    month_key,
    months_back,
    visitor_key,
)
from senim.config import Settings
from senim.db import Database
from senim.detection.pii import bin_is_valid, id_checksum_is_valid, iin_is_valid
from senim.kit.clock import today_in, utcnow
from senim.models import (
    AccountStatus,
    AuditRecord,
    DailyUserCount,
    LegalRepresentative,
    Notification,
    Role,
    ThresholdAlert,
    User,
    UserPresence,
)
from senim.web.middleware import LANG_COOKIE
from tests.fixtures.builders import make_user
from tests.fixtures.community import Platform, audit_records, make_platform
from tests.fixtures.moderation import fresh, sign_in

KZ_ADDRESS = "2.72.10.20"  # inside 2.72.0.0/13 (Kazakhtelecom)
ELSEWHERE = "203.0.113.9"  # documentation range, not Kazakhstan
COUNT_SCOPES = {Role.integrating_platform: "user_counts:report", Role.authorized_body: "user_counts:read"}


# --- harness ----------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _forget_written() -> Iterator[None]:
    """Each test starts with an empty memory of presence written (the tables are emptied between tests)."""
    counting.forget_written()
    yield
    counting.forget_written()


def visitor(app: FastAPI, address: str, user_agent: str = "Firefox/140") -> TestClient:
    client = TestClient(app, base_url="http://testserver", client=(address, 40000))
    client.headers["user-agent"] = user_agent
    return client


@pytest.fixture
def kz_ranges(tmp_path: Path, settings: Settings) -> Path:
    """A small list of Kazakhstan's ranges (CIDR, one a line), set as the operator's file."""
    path = tmp_path / "kz-ranges.txt"
    path.write_text("# Kazakhstan\n2.72.0.0/13\n\n95.56.0.0/14\n2a03:32c0::/29\n", encoding="utf-8")
    settings.kz_ranges_file = path
    return path


def presence(session: Session) -> list[UserPresence]:
    return list(fresh(session).scalars(select(UserPresence).order_by(UserPresence.visitor)))


def rows(session: Session, model: type[object]) -> int:
    return int(fresh(session).scalar(select(func.count()).select_from(model)) or 0)


def audits(session: Session) -> int:
    return rows(session, AuditRecord)


def token_for(session: Session, role: Role) -> dict[str, str]:
    principal = make_user(session, role=role, password=None, date_of_birth=None)
    issued = account_service.issue_token(
        session, Actor.system("test"), principal, name="counts", scopes=[COUNT_SCOPES[role]]
    )
    session.commit()
    return {"authorization": f"Bearer {issued.token}"}


def reporting_platform(session: Session) -> Platform:
    platform = make_platform(session, scopes=["platform:push", "user_counts:report"])
    session.commit()
    return platform


def seed(session: Session, counts: dict[date, int], source: str = "senim") -> None:
    for day, users in counts.items():
        session.add(
            DailyUserCount(
                id=uuid.uuid4(),
                day=day.isoformat(),
                users=users,
                method="ip_ranges" if source == "senim" else "platform_figures",
                source=source,
                computed_at=utcnow(),
            )
        )
    session.commit()


def month_days(first: date) -> list[date]:
    last = months_back(first, -1) - timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def with_check_digit(first11: str) -> str:
    for digit in "0123456789":
        if id_checksum_is_valid(first11 + digit):
            return first11 + digit
    raise AssertionError(f"no check digit for {first11}")


IIN = with_check_digit("90051730001")  # born 17 May 1990, a man of the 20th century
BIN = with_check_digit("06054000001")  # registered May 2006, a legal entity's head office


def representative_form(**changes: str) -> dict[str, str]:
    form = {
        "name": "Aigerim Nurlanovna Sadykova",
        "kind": "individual",
        "identifier": IIN,
        "address": "Almaty, Dostyk avenue 1, office 10",
        "email": "representative@example.kz",
        "phone": "+77012345678",
        "power_of_attorney": "Power of attorney No. 15 of 1 December 2026",
        "appointed_on": (today_in() - timedelta(days=3)).isoformat(),
        "tax_body": "yes",
    }
    form.update(changes)
    return form


def test_the_identifiers_of_the_examples_are_valid() -> None:
    assert iin_is_valid(IIN) and bin_is_valid(BIN) and not bin_is_valid(IIN)


# --- presence (LAW-12) --------------------------------------------------------------------------------
@pytest.mark.law("LAW-12")
def test_a_person_is_recorded_once_a_day_however_many_pages_they_open(
    app: FastAPI, session: Session, settings: Settings, kz_ranges: Path
) -> None:
    person = make_user(session)
    session.commit()
    with visitor(app, KZ_ADDRESS) as client:
        sign_in(client, session, person)
        for path in ("/", "/about/feed", "/", "/communities"):
            assert client.get(path).status_code == 200
    [row] = presence(session)
    assert row.day == today_in().isoformat()
    assert row.visitor == visitor_key(settings, user_id=person.id)
    assert row.in_kazakhstan is True
    with visitor(app, ELSEWHERE) as other:
        other.get("/")
        other.get("/about/feed")
    assert sorted(r.in_kazakhstan for r in presence(session)) == [False, True]


@pytest.mark.law("LAW-12")
def test_a_second_process_writes_the_same_person_once(
    app: FastAPI, session: Session, settings: Settings, kz_ranges: Path
) -> None:
    """The per-process memory only saves work: the database keeps one row per person a day anyway."""
    with visitor(app, KZ_ADDRESS) as client:
        client.get("/")
        counting.forget_written()  # as if the next visit reached another worker process
        client.get("/")
    assert len(presence(session)) == 1


@pytest.mark.law("LAW-12")
def test_visitor_keys_hold_no_address_or_id_and_change_every_day(
    app: FastAPI, session: Session, settings: Settings, kz_ranges: Path
) -> None:
    person = make_user(session)
    session.commit()
    with visitor(app, KZ_ADDRESS, "Chrome/131") as client:
        client.get("/")
    [row] = presence(session)
    today = today_in()
    assert row.visitor == visitor_key(settings, day=today, ip=KZ_ADDRESS, user_agent="Chrome/131")
    assert re.fullmatch(r"[0-9a-f]{64}", row.visitor)
    assert KZ_ADDRESS not in row.visitor and str(person.id) not in row.visitor
    tomorrow = visitor_key(settings, day=today + timedelta(days=1), ip=KZ_ADDRESS, user_agent="Chrome/131")
    assert tomorrow != row.visitor
    other_secret = Settings(mode="test", secret_key="another-secret-of-at-least-32-chars!!")
    assert visitor_key(other_secret, day=today, ip=KZ_ADDRESS, user_agent="Chrome/131") != row.visitor
    # Nothing anywhere in the presence table holds the address.
    assert not [r for r in presence(session) if KZ_ADDRESS in f"{r.day}{r.visitor}{r.in_kazakhstan}"]


def test_visitors_are_not_counted_when_the_operator_says_so(
    app: FastAPI, session: Session, settings: Settings, kz_ranges: Path
) -> None:
    settings.count_visitors = False
    person = make_user(session)
    session.commit()
    with visitor(app, KZ_ADDRESS) as client:
        client.get("/")
        assert presence(session) == []
        sign_in(client, session, person)
        client.get("/")
    [row] = presence(session)
    assert row.visitor == visitor_key(settings, user_id=person.id)


@pytest.mark.parametrize(
    ("method", "path", "status", "counted"),
    [
        ("GET", "/", 200, True),
        ("GET", "/p/123", 303, True),
        ("GET", "/about/users", 200, True),
        ("HEAD", "/", 200, False),
        ("POST", "/posts", 303, False),
        ("GET", "/nothing", 404, False),
        ("GET", "/", 500, False),
        ("GET", "/api/v1/feed", 200, False),
        ("GET", "/api", 200, False),
        ("GET", "/static/senim.css", 200, False),
        ("GET", "/media/abc", 200, False),
        ("GET", "/health", 200, False),
        ("GET", "/console/user-counts", 200, False),
    ],
)
def test_only_successful_page_visits_count(method: str, path: str, status: int, counted: bool) -> None:
    assert counts_request(method, path, status) is counted


def test_api_calls_failed_pages_and_api_principals_record_nothing(
    app: FastAPI, session: Session, settings: Settings, kz_ranges: Path
) -> None:
    headers = token_for(session, Role.authorized_body)
    with visitor(app, KZ_ADDRESS) as client:
        assert client.get("/api/v1/feed").status_code == 200
        assert client.get("/no-such-page").status_code == 404
        assert client.get("/static/senim.css").status_code == 200
        assert client.get("/about/users", headers=headers).status_code == 200  # a body's token, not a person
    assert presence(session) == []


def test_a_failing_count_never_fails_the_visit(
    app: FastAPI, session: Session, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.user_location_methods = "ip_ranges,carrier_pigeon"
    with visitor(app, KZ_ADDRESS) as client:
        assert client.get("/").status_code == 200
    assert presence(session) == []
    assert "could not be recorded" in caplog.text


# --- where someone is: each method (LAW-12) -------------------------------------------------------------
def _located(
    db: Database,
    settings: Settings,
    *,
    ip: str | None = None,
    country: str | None = None,
    phone: str | None = None,
) -> tuple[bool, bool | None]:
    key = uuid.uuid4().hex
    with db.transaction() as s:
        written = counting_service.record_presence(
            s, day=today_in(), visitor_key=key, ip=ip, country=country, phone=phone, settings=settings
        )
    with db.transaction(write=False) as s:
        row = s.get(UserPresence, (today_in().isoformat(), key))
        return written, None if row is None else row.in_kazakhstan


@pytest.mark.law("LAW-12")
@pytest.mark.parametrize(
    ("methods", "inputs", "located"),
    [
        ("ip_ranges", {"ip": KZ_ADDRESS}, True),
        ("ip_ranges", {"ip": "95.59.255.255"}, True),
        ("ip_ranges", {"ip": "2a03:32c0::1"}, True),
        ("ip_ranges", {"ip": "::ffff:2.72.0.1"}, True),
        ("ip_ranges", {"ip": ELSEWHERE}, False),
        ("ip_ranges", {"ip": "testclient"}, None),
        ("ip_ranges", {}, None),
        ("declared_country", {"country": "KZ"}, True),
        ("declared_country", {"country": "RU"}, False),
        ("declared_country", {"ip": KZ_ADDRESS}, None),
        ("phone_code", {"phone": "+77012345678"}, True),
        ("phone_code", {"phone": "+77272501234"}, True),
        ("phone_code", {"phone": "+79161234567"}, False),
        ("phone_code", {"phone": "+4930123456"}, None),  # not in zone +7: usercount cannot tell
        ("phone_code", {}, None),
        # Tried in order, the first that can tell decides.
        ("declared_country,ip_ranges", {"ip": KZ_ADDRESS}, True),
        ("declared_country,ip_ranges", {"country": "RU", "ip": KZ_ADDRESS}, False),
        ("ip_ranges,declared_country,phone_code", {"ip": ELSEWHERE, "country": "KZ"}, False),
        ("ip_ranges,declared_country,phone_code", {"ip": "unknown", "phone": "+77012345678"}, True),
        ("phone_code,declared_country", {"country": "KZ"}, True),
    ],
)
def test_location_by_each_method_in_order(
    db: Database,
    settings: Settings,
    kz_ranges: Path,
    methods: str,
    inputs: dict[str, str],
    located: bool | None,
) -> None:
    settings.user_location_methods = methods
    assert _located(db, settings, **inputs) == (True, located)


@pytest.mark.law("LAW-12")
def test_without_a_ranges_file_the_next_method_tells(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    settings.user_location_methods = "ip_ranges,declared_country"
    assert _located(db, settings, ip=KZ_ADDRESS, country="KZ") == (True, True)
    settings.kz_ranges_file = tmp_path / "missing.txt"
    assert _located(db, settings, ip=KZ_ADDRESS) == (True, None)


@pytest.mark.law("LAW-12")
def test_a_ripe_delegated_file_is_read_and_reread_when_it_changes(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "delegated-ripencc-extended-latest"
    path.write_text(
        "2|ripencc|20261201|3|19830705|20261130|+0100\n"
        "ripencc|*|ipv4|*|2|summary\n"
        "ripencc|KZ|ipv4|2.72.0.0|524288|20100303|allocated|abc\n"
        "ripencc|RU|ipv4|5.3.0.0|65536|20110101|allocated|def\n",
        encoding="utf-8",
    )
    settings.kz_ranges_file = path
    settings.user_location_methods = "ip_ranges"
    assert _located(db, settings, ip="2.79.255.255") == (True, True)
    assert _located(db, settings, ip="5.3.0.1") == (True, False)
    path.write_text("5.3.0.0/16\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _located(db, settings, ip="5.3.0.1") == (True, True)
    assert _located(db, settings, ip="2.79.255.255") == (True, False)


@pytest.mark.law("LAW-12")
def test_with_platform_figures_senim_records_no_presence(
    app: FastAPI, db: Database, session: Session, settings: Settings
) -> None:
    settings.user_location_methods = "platform_figures"
    assert _located(db, settings, country="KZ") == (False, None)
    with visitor(app, KZ_ADDRESS) as client:
        client.get("/")
    assert presence(session) == []


# --- the daily count (LAW-12, LAW-25) -------------------------------------------------------------------
def _presence(session: Session, day: date, *located: bool | None) -> None:
    for value in located:
        session.add(UserPresence(day=day.isoformat(), visitor=uuid.uuid4().hex, in_kazakhstan=value))
    session.commit()


def _count(session: Session, day: date) -> DailyUserCount | None:
    return fresh(session).scalars(select(DailyUserCount).where(DailyUserCount.day == day.isoformat())).first()


@pytest.mark.law("LAW-12")
@pytest.mark.law("LAW-25")
def test_a_day_is_counted_from_its_presence_which_is_then_deleted(
    db: Database, session: Session, settings: Settings
) -> None:
    day = today_in() - timedelta(days=1)
    _presence(session, day, True, True, True, False, None)
    _presence(session, today_in(), True)
    with db.transaction() as s:
        counting_service.count_day(s, day, settings)
    count = _count(session, day)
    assert count is not None
    assert (count.users, count.source, count.method) == (3, "senim", "ip_ranges,declared_country,phone_code")
    assert [r.day for r in presence(session)] == [today_in().isoformat()]
    [record] = audit_records(session, "user_count:record")
    assert record.data == {
        "day": day.isoformat(),
        "users": 3,
        "method": "ip_ranges,declared_country,phone_code",
        "in_kazakhstan": 3,
        "elsewhere": 1,
        "unknown": 1,
        "late": False,
    }
    # Visits that reach the table after the day was counted are added to it, then deleted too.
    _presence(session, day, True, False)
    with db.transaction() as s:
        counting_service.count_day(s, day, settings)
    assert _count(session, day).users == 4  # type: ignore[union-attr]
    assert audit_records(session, "user_count:record")[-1].data["late"] is True
    # Nothing to count: nothing written.
    with db.transaction() as s:
        counting_service.count_day(s, day, settings)
    assert len(audit_records(session, "user_count:record")) == 2


@pytest.mark.law("LAW-25")
def test_a_platform_figure_stands_over_senims_count_of_the_same_day(
    db: Database, session: Session, settings: Settings
) -> None:
    day = today_in() - timedelta(days=2)
    seed(session, {day: 777}, source="platform")
    _presence(session, day, True, True)
    with db.transaction() as s:
        counting_service.count_day(s, day, settings)
    count = _count(session, day)
    assert count is not None and (count.users, count.source) == (777, "platform")
    assert presence(session) == []
    assert audit_records(session, "user_count:record") == []


def test_with_platform_figures_count_day_does_nothing(
    db: Database, session: Session, settings: Settings
) -> None:
    settings.user_location_methods = "platform_figures"
    day = today_in() - timedelta(days=1)
    _presence(session, day, True)
    with db.transaction() as s:
        assert counting_service.count_day(s, day, settings) is None
    assert _count(session, day) is None and len(presence(session)) == 1


@pytest.mark.law("LAW-12")
def test_the_hourly_job_counts_every_past_day_with_presence_and_not_today(
    db: Database, session: Session, settings: Settings
) -> None:
    today = today_in()
    _presence(session, today - timedelta(days=3), True, False)
    _presence(session, today - timedelta(days=1), True, True, None)
    _presence(session, today, True)
    with db.transaction() as s:
        counted = counting_service.count_pending_days(s, settings, today)
    assert counted == [(today - timedelta(days=3)).isoformat(), (today - timedelta(days=1)).isoformat()]
    assert _count(session, today - timedelta(days=3)).users == 1  # type: ignore[union-attr]
    assert _count(session, today - timedelta(days=1)).users == 2  # type: ignore[union-attr]
    assert _count(session, today) is None
    assert [r.day for r in presence(session)] == [today.isoformat()]
    with db.transaction() as s:
        assert counting_service.count_pending_days(s, settings, today) == []


# --- the platform's own figures (LAW-12, LAW-25) -------------------------------------------------------
@pytest.mark.law("LAW-12")
@pytest.mark.law("LAW-25")
def test_the_platform_reports_a_day_and_a_second_report_replaces_it(
    client: TestClient, session: Session
) -> None:
    platform = reporting_platform(session)
    day = (today_in() - timedelta(days=1)).isoformat()
    first = client.put(f"/api/v1/user-counts/{day}", json={"users": 120_500}, headers=platform.headers)
    assert first.status_code == 201, first.text
    assert first.json()["users"] == 120_500 and first.json()["source"] == "platform"
    count = _count(session, date.fromisoformat(day))
    assert count is not None
    assert (count.users, count.source, count.method) == (120_500, "platform", "platform_figures")
    assert count.reported_by_id == platform.principal.id
    second = client.put(f"/api/v1/user-counts/{day}", json={"users": 121_000}, headers=platform.headers)
    assert second.status_code == 200 and second.json()["users"] == 121_000
    records = audit_records(session, "user_count:report")
    assert [r.data for r in records] == [
        {"day": day, "users": 120_500, "replaced": None},
        {"day": day, "users": 121_000, "replaced": {"users": 120_500, "source": "platform"}},
    ]
    assert records[-1].actor_id == platform.principal.id
    # The same figure again changes nothing and records nothing.
    again = client.put(f"/api/v1/user-counts/{day}", json={"users": 121_000}, headers=platform.headers)
    assert again.status_code == 200
    assert len(audit_records(session, "user_count:report")) == 2
    # Today may be reported too (a running figure).
    today = client.put(f"/api/v1/user-counts/{today_in()}", json={"users": 0}, headers=platform.headers)
    assert today.status_code == 201


@pytest.mark.law("LAW-25")
def test_a_platform_figure_replaces_senims_count(client: TestClient, session: Session) -> None:
    day = today_in() - timedelta(days=5)
    seed(session, {day: 90})
    platform = reporting_platform(session)
    r = client.put(f"/api/v1/user-counts/{day}", json={"users": 95}, headers=platform.headers)
    assert r.status_code == 200
    assert audit_records(session, "user_count:report")[0].data["replaced"] == {"users": 90, "source": "senim"}


@pytest.mark.law("LAW-25")
@pytest.mark.parametrize(
    ("day", "body"),
    [
        ("2026-13-01", {"users": 5}),
        ("yesterday", {"users": 5}),
        ("20261201", {"users": 5}),
        ("tomorrow", {"users": 5}),
        ("long-ago", {"users": 5}),
        ("yesterday-iso", {"users": -1}),
        ("yesterday-iso", {"users": "12"}),
        ("yesterday-iso", {"users": 1.5}),
        ("yesterday-iso", {"users": True}),
        ("yesterday-iso", {"users": 100_000_001}),
        ("yesterday-iso", {}),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_written(
    client: TestClient, session: Session, day: str, body: dict[str, Any]
) -> None:
    platform = reporting_platform(session)
    today = today_in()
    day = {
        "tomorrow": (today + timedelta(days=1)).isoformat(),
        "long-ago": (today - timedelta(days=401)).isoformat(),
        "yesterday-iso": (today - timedelta(days=1)).isoformat(),
    }.get(day, day)
    before = audits(session)
    r = client.put(f"/api/v1/user-counts/{day}", json=body, headers=platform.headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] in {"invalid", "user_count_invalid"}
    assert rows(session, DailyUserCount) == 0 and audits(session) == before


@pytest.mark.law("LAW-25")
def test_only_the_integrating_platform_reports_figures(client: TestClient, session: Session) -> None:
    day = (today_in() - timedelta(days=1)).isoformat()
    body = token_for(session, Role.authorized_body)
    assert client.put(f"/api/v1/user-counts/{day}", json={"users": 1}, headers=body).status_code == 403
    pusher_only = make_platform(session, scopes=["platform:push"])
    session.commit()
    r = client.put(f"/api/v1/user-counts/{day}", json={"users": 1}, headers=pusher_only.headers)
    assert r.status_code == 403 and "user_counts:report" in r.json()["error"]["message"]
    assert client.put(f"/api/v1/user-counts/{day}", json={"users": 1}).status_code == 401
    admin = make_user(session, role=Role.administrator)
    session.commit()
    sign_in(client, session, admin)
    assert client.put(f"/api/v1/user-counts/{day}", json={"users": 1}).status_code == 403
    assert rows(session, DailyUserCount) == 0


# --- reading the daily figures (LAW-25) ----------------------------------------------------------------
@pytest.mark.law("LAW-25")
def test_the_authorized_body_reads_the_users_per_day(client: TestClient, session: Session) -> None:
    today = today_in()
    seed(session, {today - timedelta(days=3): 1500, today - timedelta(days=1): 1700})
    seed(session, {today - timedelta(days=2): 1600}, source="platform")
    body = token_for(session, Role.authorized_body)
    first, last = (today - timedelta(days=3)).isoformat(), today.isoformat()
    r = client.get(f"/api/v1/user-counts?from={first}&to={last}", headers=body)
    assert r.status_code == 200, r.text
    data = r.json()
    assert (data["first"], data["last"]) == (first, last)
    assert data["location_methods"] == ["ip_ranges", "declared_country", "phone_code"]
    assert data["days"] == [
        {"day": first, "users": 1500, "source": "senim"},
        {"day": (today - timedelta(days=2)).isoformat(), "users": 1600, "source": "platform"},
        {"day": (today - timedelta(days=1)).isoformat(), "users": 1700, "source": "senim"},
        {"day": last, "users": None, "source": None},
    ]
    default = client.get("/api/v1/user-counts", headers=body).json()
    assert len(default["days"]) == 30 and default["last"] == today.isoformat()


@pytest.mark.law("LAW-25")
@pytest.mark.parametrize(
    "query",
    ["from=2026-02-30", "to=soon", "from=2026-12-02&to=2026-12-01", "from=2025-01-01&to=2026-12-01"],
)
def test_bad_or_too_long_periods_are_422(client: TestClient, session: Session, query: str) -> None:
    body = token_for(session, Role.authorized_body)
    r = client.get(f"/api/v1/user-counts?{query}", headers=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "user_count_invalid"


@pytest.mark.law("LAW-25")
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.legal_officer, 200),
        (Role.auditor, 200),
        (Role.administrator, 200),
        (Role.user, 403),
        (Role.moderator, 403),
        (None, 401),
    ],
)
def test_who_reads_the_daily_figures(
    client: TestClient, session: Session, role: Role | None, status: int
) -> None:
    if role is not None:
        sign_in(client, session, make_user(session, role=role))
    assert client.get("/api/v1/user-counts").status_code == status


def test_a_platform_token_does_not_read_the_figures(client: TestClient, session: Session) -> None:
    platform = reporting_platform(session)
    assert client.get("/api/v1/user-counts", headers=platform.headers).status_code == 403


# --- the published figure (LAW-21) ----------------------------------------------------------------------
def _seven_months(session: Session) -> dict[str, float]:
    """Two counted days in each of the seven complete months before this one, and one in this month;
    returns the expected average by month."""
    today = today_in()
    counts: dict[date, int] = {today.replace(day=1): 999_999}
    expected = {}
    for back in range(1, 8):
        first = months_back(today, back)
        counts[first] = back * 1000
        counts[first + timedelta(days=9)] = back * 1000 + 11
        expected[month_key(first.year, first.month)] = back * 1000 + 5.5
    seed(session, counts)
    return expected


@pytest.mark.law("LAW-21")
def test_the_published_figure_is_the_six_complete_months_before_this_one(
    client: TestClient, session: Session
) -> None:
    expected = _seven_months(session)
    today = today_in()
    r = client.get("/api/v1/user-counts/published")  # no one signed in
    assert r.status_code == 200, r.text
    data = r.json()
    months = [month_key(d.year, d.month) for d in (months_back(today, back) for back in range(6, 0, -1))]
    assert [m["month"] for m in data["months"]] == months
    assert [m["average_daily_users"] for m in data["months"]] == [expected[m] for m in months]
    assert month_key(today.year, today.month) not in [m["month"] for m in data["months"]]
    assert data["as_of"] == today.isoformat()


@pytest.mark.law("LAW-21")
def test_a_month_without_counts_is_left_out_of_the_published_figure(
    client: TestClient, session: Session
) -> None:
    first = months_back(today_in(), 2)
    seed(session, {first: 40})
    months = client.get("/api/v1/user-counts/published").json()["months"]
    assert months == [{"month": month_key(first.year, first.month), "average_daily_users": 40.0}]


@pytest.mark.law("LAW-21")
@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_published_page_shows_each_month_in_the_readers_language(
    client: TestClient, session: Session, kz_ranges: Path, lang: str
) -> None:
    _seven_months(session)
    client.cookies.set(LANG_COOKIE, lang)
    r = client.get("/about/users")
    assert r.status_code == 200
    assert r.headers["content-language"] == lang
    page = r.text
    today = today_in()
    for back in range(1, 7):
        first = months_back(today, back)
        assert format_date(first, "LLLL y", locale=lang) in page
        assert format_decimal(round(back * 1000 + 5.5), locale=lang) in page
    assert format_date(months_back(today, 7), "LLLL y", locale=lang) not in page
    assert format_decimal(999_999, locale=lang) not in page


@pytest.mark.law("LAW-21")
def test_the_published_page_says_how_location_is_decided(
    client: TestClient, settings: Settings, kz_ranges: Path
) -> None:
    client.cookies.set(LANG_COOKIE, "en")
    page = client.get("/about/users").text
    assert "No month has been counted yet." in page
    assert "RIPE NCC" in page and "country given in the person" in page and "+7 6xx" in page
    assert "first that can tell decides" in page and "changes every day" in page
    settings.user_location_methods = "platform_figures"
    settings.count_visitors = False
    page = client.get("/about/users").text
    assert "reports the number for each day" in page and "RIPE NCC" not in page


# --- the threshold (LAW-10) -----------------------------------------------------------------------------
def _last_month(session: Session, users: int) -> str:
    first = months_back(today_in(), 1)
    seed(session, dict.fromkeys(month_days(first), users))
    return month_key(first.year, first.month)


def _admins(session: Session) -> tuple[User, User]:
    admins = make_user(session, role=Role.administrator), make_user(session, role=Role.administrator)
    suspended = make_user(session, role=Role.administrator)
    suspended.status = AccountStatus.suspended
    make_user(session, role=Role.legal_officer)
    session.commit()
    return admins


def _notices(session: Session) -> list[Notification]:
    return list(fresh(session).scalars(select(Notification)))


@pytest.mark.law("LAW-10")
def test_an_average_of_exactly_100000_is_not_more_than_100000(
    db: Database, session: Session, settings: Settings
) -> None:
    _admins(session)
    _last_month(session, 100_000)
    with db.transaction() as s:
        assert counting_service.check_threshold(s, settings, today_in()) is None
    assert rows(session, ThresholdAlert) == 0 and _notices(session) == []
    assert audit_records(session, "user_count:threshold") == []


@pytest.mark.law("LAW-10")
def test_more_than_100000_tells_every_administrator_once(
    db: Database, session: Session, settings: Settings
) -> None:
    admins = _admins(session)
    month = _last_month(session, 100_001)
    with db.transaction() as s:
        alert = counting_service.check_threshold(s, settings, today_in())
    assert alert is not None and alert.month == month and alert.average == 100_001
    notices = _notices(session)
    assert sorted(n.user_id for n in notices) == sorted(a.id for a in admins)
    assert {n.kind for n in notices} == {THRESHOLD_NONE_ON_RECORD}
    assert notices[0].params == {"month": month, "average": "100\u202f001"}
    assert notices[0].link == "/console/legal-representative"
    [record] = audit_records(session, "user_count:threshold")
    assert record.data["month"] == month and record.data["representative_on_record"] is False
    # The hourly job runs again: the month is told once.
    with db.transaction() as s:
        assert counting_service.check_threshold(s, settings, today_in()) is None
        counting_service.count_pending_days(s, settings)
    assert rows(session, ThresholdAlert) == 1 and len(_notices(session)) == 2


@pytest.mark.law("LAW-10")
def test_the_notice_names_the_representative_on_record(
    db: Database, session: Session, settings: Settings
) -> None:
    _admins(session)
    with db.transaction() as s:
        counting_service.record_representative(s, Actor.system("test"), representative_form())
    _last_month(session, 250_000)
    with db.transaction() as s:
        counting_service.check_threshold(s, settings, today_in())
    notices = _notices(session)
    assert {n.kind for n in notices} == {THRESHOLD_ON_RECORD}
    assert notices[0].params["name"] == "Aigerim Nurlanovna Sadykova"


@pytest.mark.law("LAW-10")
def test_the_console_shows_the_threshold_and_the_counts(client: TestClient, session: Session) -> None:
    _last_month(session, 100_001)
    officer = make_user(session, role=Role.legal_officer)
    sign_in(client, session, officer)
    client.cookies.set(LANG_COOKIE, "en")
    r = client.get("/console/user-counts")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    page = r.text
    assert "Yes: a legal representative is required." in page
    assert "None on record." in page
    assert "100,001" in page
    assert "not counted" in page
    assert "/console/legal-representative" not in page  # a legal officer does not record it


@pytest.mark.parametrize(("role", "status"), [(Role.moderator, 403), (Role.user, 403), (None, 401)])
def test_the_console_counts_page_is_refused_to_others(
    client: TestClient, session: Session, role: Role | None, status: int
) -> None:
    client.headers["accept"] = "application/json"
    if role is not None:
        sign_in(client, session, make_user(session, role=role))
    assert client.get("/console/user-counts").status_code == status


def test_api_principals_read_counts_through_the_api_not_the_console(
    client: TestClient, session: Session
) -> None:
    body = token_for(session, Role.authorized_body)
    assert client.get("/console/user-counts", headers=body).status_code == 404


# --- the legal representative (LAW-10, LAW-11) ---------------------------------------------------------
@pytest.mark.law("LAW-10")
@pytest.mark.law("LAW-11")
def test_an_administrator_records_the_legal_representative(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.administrator)
    csrf = sign_in(client, session, admin)
    client.cookies.set(LANG_COOKIE, "en")
    form = client.get("/console/legal-representative")
    assert form.status_code == 200 and "No legal representative is on record." in form.text
    for name in representative_form():
        field_id = re.search(rf'id="([^"]+)" name="{name}"', form.text)
        assert field_id and f'for="{field_id.group(1)}"' in form.text, name
    r = client.post(
        "/console/legal-representative",
        data={**representative_form(phone="+7 701 234-56-78"), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("msg=representative_recorded")
    [row] = fresh(session).scalars(select(LegalRepresentative)).all()
    assert (row.name, row.kind, row.identifier, row.phone, row.tax_body, row.ended_at) == (
        "Aigerim Nurlanovna Sadykova",
        "individual",
        IIN,
        "+77012345678",
        True,
        None,
    )
    assert row.recorded_by_id == admin.id
    [record] = audit_records(session, "legal_representative:record")
    assert record.actor_id == admin.id and record.data["replaces"] is None
    page = client.get(r.headers["location"]).text
    assert "The legal representative is recorded" in page and "Aigerim Nurlanovna Sadykova" in page
    # A legal entity appointed later replaces them.
    entity = representative_form(name="Senim Legal LLP", kind="legal_entity", identifier=BIN, tax_body="no")
    r = client.post(
        "/console/legal-representative", data={**entity, "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    reps = {r.name: r for r in fresh(session).scalars(select(LegalRepresentative))}
    assert reps["Aigerim Nurlanovna Sadykova"].ended_at is not None
    assert reps["Senim Legal LLP"].ended_at is None and reps["Senim Legal LLP"].tax_body is False
    assert audit_records(session, "legal_representative:record")[-1].data["replaces"] == str(row.id)
    # And the one in office may leave it.
    r = client.post(
        "/console/legal-representative", data={"action": "end", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    assert counting_service.current_representative(fresh(session)) is None
    [ended] = audit_records(session, "legal_representative:end")
    assert ended.target_id == str(reps["Senim Legal LLP"].id)


@pytest.mark.law("LAW-11")
@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"name": ""}, "full name"),
        ({"kind": "robot"}, "individual or a legal entity"),
        ({"identifier": "12345"}, "12-digit IIN"),
        ({"identifier": IIN[:-1] + str((int(IIN[-1]) + 1) % 10)}, "check digit"),
        ({"identifier": BIN}, "12-digit IIN"),  # a BIN given for an individual
        ({"address": ""}, "address"),
        ({"email": "not-an-address"}, "valid e-mail"),
        ({"phone": "87012345678"}, "international format"),
        ({"power_of_attorney": ""}, "appoints the representative"),
        ({"appointed_on": "tomorrow"}, "date of appointment"),
        ({"appointed_on": "2026-02-30"}, "date of appointment"),
        ({"tax_body": ""}, "state revenue body"),
    ],
)
def test_a_bad_representative_form_is_shown_again_and_nothing_is_written(
    client: TestClient, session: Session, change: dict[str, str], says: str
) -> None:
    admin = make_user(session, role=Role.administrator)
    csrf = sign_in(client, session, admin)
    client.cookies.set(LANG_COOKIE, "en")
    if change.get("appointed_on") == "tomorrow":
        change = {"appointed_on": (today_in() + timedelta(days=1)).isoformat()}
    before = audits(session)
    form = representative_form(**change)
    r = client.post("/console/legal-representative", data={**form, "csrf_token": csrf})
    assert r.status_code == 422
    assert says in r.text
    assert 'role="alert"' in r.text
    assert form["address"] in r.text or not form["address"]  # what was typed is kept
    assert rows(session, LegalRepresentative) == 0 and audits(session) == before


@pytest.mark.law("LAW-10")
def test_only_administrators_record_the_representative(client: TestClient, session: Session) -> None:
    officer = make_user(session, role=Role.legal_officer)
    csrf = sign_in(client, session, officer)
    assert client.get("/console/legal-representative").status_code == 403
    r = client.post("/console/legal-representative", data={**representative_form(), "csrf_token": csrf})
    assert r.status_code == 403
    admin = make_user(session, role=Role.administrator)
    sign_in(client, session, admin)
    r = client.post("/console/legal-representative", data=representative_form())  # no CSRF token
    assert r.status_code == 403
    assert rows(session, LegalRepresentative) == 0


def test_ending_when_no_one_is_in_office_is_404(client: TestClient, session: Session) -> None:
    csrf = sign_in(client, session, make_user(session, role=Role.administrator))
    r = client.post("/console/legal-representative", data={"action": "end", "csrf_token": csrf})
    assert r.status_code == 404 and audit_records(session, "legal_representative:end") == []


@pytest.mark.law("LAW-11")
def test_the_representative_is_read_through_the_api_by_the_body_and_staff(
    client: TestClient, db: Database, session: Session
) -> None:
    body = token_for(session, Role.authorized_body)
    r = client.get("/api/v1/legal-representative", headers=body)
    assert r.status_code == 404 and r.json()["error"]["code"] == "representative_not_found"
    with db.transaction() as s:
        counting_service.record_representative(
            s, Actor.system("test"), representative_form(kind="legal_entity", identifier=BIN)
        )
    r = client.get("/api/v1/legal-representative", headers=body)
    assert r.status_code == 200
    data = r.json()
    assert data["name"] == "Aigerim Nurlanovna Sadykova" and data["identifier"] == BIN
    assert data["kind"] == "legal_entity" and data["phone"] == "+77012345678" and data["tax_body"] is True
    assert data["email"] == "representative@example.kz"
    sign_in(client, session, make_user(session, role=Role.auditor))
    assert client.get("/api/v1/legal-representative").status_code == 200


@pytest.mark.parametrize(("role", "status"), [(Role.user, 403), (Role.moderator, 403), (None, 401)])
def test_the_representative_api_is_refused_to_others(
    client: TestClient, session: Session, role: Role | None, status: int
) -> None:
    if role is not None:
        sign_in(client, session, make_user(session, role=role))
    assert client.get("/api/v1/legal-representative").status_code == status
    platform = reporting_platform(session)
    client.cookies.clear()
    assert client.get("/api/v1/legal-representative", headers=platform.headers).status_code == 403


# --- country and phone pushed by a platform (LAW-12) ----------------------------------------------------
@pytest.mark.law("LAW-12")
def test_a_platform_pushes_country_and_phone_kept_out_of_the_audit_log(
    client: TestClient, session: Session
) -> None:
    platform = reporting_platform(session)
    url = "/api/v1/platform/accounts/u-77"
    r = client.put(
        url, json={"display_name": "Dana", "country": "kz", "phone": "+77012345678"}, headers=platform.headers
    )
    assert r.status_code == 201, r.text
    user = fresh(session).scalars(select(User).where(User.external_id == "u-77")).one()
    assert (user.country, user.phone) == ("KZ", "+77012345678")
    created = audit_records(session, "platform:push_account")[-1]
    assert {"country", "phone"} <= set(created.data["changed"])
    assert "+77012345678" not in str(created.data) and "KZ" not in str(created.data)
    # Omitted keeps, a change is recorded by name only.
    client.put(url, json={"display_name": "Dana", "country": "RU"}, headers=platform.headers)
    user = fresh(session).get_one(User, user.id)
    assert (user.country, user.phone) == ("RU", "+77012345678")
    assert audit_records(session, "platform:push_account")[-1].data["changed"] == ["country"]
    # "" clears.
    client.put(url, json={"display_name": "Dana", "phone": ""}, headers=platform.headers)
    assert fresh(session).get_one(User, user.id).phone is None
    assert audit_records(session, "platform:push_account")[-1].data["changed"] == ["phone"]
    # The same again changes nothing.
    before = len(audit_records(session, "platform:push_account"))
    client.put(url, json={"display_name": "Dana", "country": "ru", "phone": ""}, headers=platform.headers)
    assert len(audit_records(session, "platform:push_account")) == before


@pytest.mark.parametrize(
    "change",
    [
        {"country": "KAZ"},
        {"country": "K1"},
        {"country": "ZZ"},
        {"country": "Kazakhstan"},
        {"phone": "87012345678"},
        {"phone": "+7 701 234 56 78"},
        {"phone": "+0123456789"},
        {"phone": "+1234567"},
        {"phone": "+1234567890123456"},
    ],
)
def test_bad_country_or_phone_is_422_and_nothing_is_written(
    client: TestClient, session: Session, change: dict[str, str]
) -> None:
    platform = reporting_platform(session)
    before = (rows(session, User), audits(session))
    r = client.put(
        "/api/v1/platform/accounts/u-78", json={"display_name": "Dana", **change}, headers=platform.headers
    )
    assert r.status_code == 422, r.text
    assert (rows(session, User), audits(session)) == before


@pytest.mark.law("LAW-12")
def test_a_pushed_country_and_phone_locate_the_person(
    db: Database, session: Session, settings: Settings, client: TestClient
) -> None:
    platform = reporting_platform(session)
    client.put(
        "/api/v1/platform/accounts/u-79",
        json={"display_name": "Dana", "country": "KZ"},
        headers=platform.headers,
    )
    user = fresh(session).scalars(select(User).where(User.external_id == "u-79")).one()
    settings.user_location_methods = "declared_country,phone_code"
    assert _located(db, settings, country=user.country, phone=user.phone) == (True, True)
