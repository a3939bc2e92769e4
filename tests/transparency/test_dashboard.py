"""The public transparency dashboard (issue 9, item 3): key figures and monthly series for the last twelve
months equal to hand-counted records, the open data (CSV and JSON) with its columns, the published number of
users in Kazakhstan (LAW-21), orders of state bodies by kind, links to published annual reports; for
everyone, with no personal data."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.account.policy import TOKEN_SCOPES
from senim.account.service import account_service
from senim.audit import Actor
from senim.authority.counting import counting_service
from senim.models import DailyUserCount, Role
from senim.models.account import TOKEN_ONLY_ROLES
from senim.models.transparency import ReportStatus, TransparencyReport
from senim.transparency import public
from senim.web.middleware import LANG_COOKIE
from tests.fixtures.moderation import make_person, sign_in
from tests.transparency.public_rows import (
    in_month,
    make_complaint,
    make_decision,
    make_escalation,
    make_item,
    make_order,
    month_start,
)

SERIES_KEYS = [key for key, _label, _doc in public.SERIES]


def month(months_ago: int) -> str:
    return month_start(months_ago).strftime("%Y-%m")


def seed(session: Session) -> dict[str, dict[str, int]]:
    """Records in and out of the window; returns the hand-counted series {series: {YYYY-MM: n}}."""
    author = make_person(session, username="aigerim_writer", display_name="Aigerim Nurlanova")
    moderator = make_person(session, role=Role.moderator)
    item = make_item(session, author, "A post about the weather in Almaty today")
    # Complaints: received this month (two, one answered this month), two months ago (answered last month),
    # thirteen months ago (outside); an unconfirmed visitor's complaint is not received.
    make_complaint(session, received=in_month(0))
    make_complaint(session, received=in_month(0), answered=in_month(0))
    make_complaint(session, received=in_month(2), answered=in_month(1))
    make_complaint(session, received=in_month(13), answered=in_month(13, day=20))
    make_complaint(session, received=in_month(0), status="unverified")
    # Decisions: this month three (one automated removal of unlawful content; an automated removal on a
    # terms ground is not one; a "no violation"), three months ago two (an automated geo-restriction of
    # unlawful content counts; an automated label does not), fourteen months ago one (outside).
    make_decision(session, at=in_month(0), item=item, automated="fully", detection=True, decided_by=None)
    make_decision(session, at=in_month(0), item=item, ground="terms", automated="fully")
    make_decision(
        session, at=in_month(0), item=item, action="no_violation", ground=None, decided_by=moderator
    )
    make_decision(session, at=in_month(3), item=item, action="geo_restrict", automated="partially")
    make_decision(session, at=in_month(3), item=item, action="label", automated="fully", label="misleading")
    make_decision(session, at=in_month(14), item=item, automated="fully")
    # Orders: two received last month (one executed then, one this month); one long ago (outside).
    make_order(session, received=in_month(1), executed=in_month(1, day=11))
    make_order(session, received=in_month(1, day=12), executed=in_month(0))
    make_order(session, received=in_month(13), executed=in_month(13, day=11))
    # Escalations: one this month, two five months ago.
    make_escalation(session, item, at=in_month(0))
    make_escalation(session, item, at=in_month(5))
    make_escalation(session, item, at=in_month(5, day=20))
    session.commit()
    return {
        "complaints_received": {month(0): 2, month(2): 1},
        "complaints_answered": {month(0): 1, month(1): 1},
        "decisions": {month(0): 3, month(3): 2},
        "automated_removals": {month(0): 1, month(3): 1},
        "orders_received": {month(1): 2},
        "orders_executed": {month(1): 1, month(0): 1},
        "escalations": {month(0): 1, month(5): 2},
    }


def english(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "en")


def figure(html: str, name: str) -> int:
    match = re.search(rf'data-figure="{name}">([\d,]+)', html)
    assert match, name
    return int(match.group(1).replace(",", ""))


def cell(html: str, month_key: str, series: str) -> int:
    row = re.search(rf'<tr data-month="{month_key}">(.*?)</tr>', html, re.S)
    assert row, month_key
    match = re.search(rf'data-series="{series}">([\d,]+)<', row.group(1))
    assert match, (month_key, series)
    return int(match.group(1).replace(",", ""))


@pytest.mark.law("LAW-37")
def test_the_dashboard_figures_equal_the_hand_counted_records(client: TestClient, session: Session) -> None:
    expected = seed(session)
    english(client)
    answer = client.get("/transparency")
    assert answer.status_code == 200
    html = answer.text
    assert figure(html, "complaints_received") == 3
    assert figure(html, "complaints_answered") == 2
    assert figure(html, "decisions") == 5
    assert figure(html, "restrictive_decisions") == 4
    assert figure(html, "automated_removals") == 2
    assert figure(html, "orders_received") == 2
    assert figure(html, "orders_executed") == 2
    assert figure(html, "escalations") == 3
    months = [month(k) for k in range(11, -1, -1)]
    assert re.findall(r'<tr data-month="(\d{4}-\d{2})">', html) == months
    for key in SERIES_KEYS:
        for m in months:
            assert cell(html, m, key) == expected[key].get(m, 0), (key, m)
    # One chart per series, drawn on the server, each named for screen readers; the table follows.
    assert html.count("<svg") == len(SERIES_KEYS) + 1 and html.count('role="img"') == len(SERIES_KEYS)
    assert "<script" not in html.split("<main", 1)[1]
    # Orders by kind.
    kind_row = re.search(r'<tr data-kind="restriction_order">(.*?)</tr>', html, re.S)
    assert kind_row and re.findall(r"<td>(\d+)</td>", kind_row.group(1))[:2] == ["2", "2"]
    # No person on the page.
    for personal in ("aigerim_writer", "Aigerim", "Nurlanova", "weather in Almaty"):
        assert personal not in html


@pytest.mark.law("LAW-37")
def test_the_open_data_gives_the_same_series_with_documented_columns(
    client: TestClient, session: Session
) -> None:
    expected = seed(session)
    english(client)
    data = client.get("/transparency/data/monthly.json")
    assert data.status_code == 200 and data.headers["content-type"].startswith("application/json")
    body = data.json()
    assert body["schema_version"] == 1 and body["time_zone"] == "Asia/Almaty"
    assert list(body["columns"]) == ["month", "first_day", "last_day", "complete", *SERIES_KEYS]
    assert all(isinstance(v, str) and v for v in body["columns"].values())
    rows = body["months"]
    assert [r["month"] for r in rows] == [month(k) for k in range(11, -1, -1)]
    assert [r["complete"] for r in rows] == [True] * 11 + [False]
    assert rows[0]["first_day"] == month_start(11).isoformat()
    assert rows[-1]["last_day"] == (date.fromisoformat(body["period"]["last_day"])).isoformat()
    for r in rows:
        for key in SERIES_KEYS:
            assert r[key] == expected[key].get(r["month"], 0), (key, r["month"])

    answer = client.get("/transparency/data/monthly.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(table[0]) == list(body["columns"])
    assert [
        {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in r.items()} for r in rows
    ] == table


@pytest.mark.law("LAW-21")
def test_the_dashboard_shows_the_published_number_of_users_in_kazakhstan(
    client: TestClient, session: Session
) -> None:
    # Two counted days in each of the last six complete months (k months ago: 100·k and 300·k, so an
    # average of 200·k), one day this month (not published), and a month seven months ago (too old).
    for k in range(1, 8):
        first = month_start(k)
        session.add(
            DailyUserCount(id=uuid.uuid4(), day=first.isoformat(), users=100 * k, method="m", source="senim")
        )
        second = (first + timedelta(days=1)).isoformat()
        session.add(DailyUserCount(id=uuid.uuid4(), day=second, users=300 * k, method="m", source="senim"))
    session.add(
        DailyUserCount(
            id=uuid.uuid4(), day=month_start(0).isoformat(), users=99999, method="m", source="senim"
        )
    )
    session.commit()
    english(client)
    html = client.get("/transparency").text
    table = re.search(r'<table id="users-table">(.*?)</table>', html, re.S)
    assert table
    averages = [int(n.replace(",", "")) for n in re.findall(r"<td>([\d,]+)</td>", table.group(1))]
    assert averages == [200 * k for k in range(6, 0, -1)]  # oldest first, as published
    published = [round(m.average) for m in counting_service.published(session)]
    assert averages == published
    assert "99,999" not in table.group(1) and "1,400" not in table.group(1)


@pytest.mark.law("LAW-37")
def test_published_annual_reports_are_linked_and_drafts_are_not(client: TestClient, session: Session) -> None:
    for year, version, status in (
        (2025, 1, ReportStatus.published),
        (2025, 2, ReportStatus.published),
        (2026, 1, ReportStatus.draft),
    ):
        session.add(
            TransparencyReport(
                id=uuid.uuid4(),
                year=year,
                version=version,
                status=status,
                figures={},
                content_hash="sha256:0",
            )
        )
    session.commit()
    english(client)
    html = client.get("/transparency").text
    assert html.count('href="/transparency/reports/2025"') == 1
    assert "/transparency/reports/2026" not in html


def test_an_empty_platform_shows_zeros(client: TestClient, session: Session) -> None:
    english(client)
    html = client.get("/transparency").text
    assert figure(html, "decisions") == 0 and "No annual report has been published yet." in html
    assert "No month has been counted yet." in html
    body = client.get("/transparency/data/monthly.json").json()
    assert len(body["months"]) == 12 and all(r[k] == 0 for r in body["months"] for k in SERIES_KEYS)


@pytest.mark.parametrize("role", [None, *Role])
def test_the_public_pages_are_open_to_everyone(
    client: TestClient, session: Session, role: Role | None
) -> None:
    headers: dict[str, str] = {}
    if role in TOKEN_ONLY_ROLES:  # external principals come with an API token
        principal = make_person(session, role=role, password=None)
        scopes = sorted(TOKEN_SCOPES[role])[:1]
        issued = account_service.issue_token(
            session, Actor.system("test"), principal, name="t", scopes=scopes
        )
        session.commit()
        headers = {"authorization": f"Bearer {issued.token}"}
    elif role is not None:
        sign_in(client, session, make_person(session, role=role))
    for path in (
        "/transparency",
        "/transparency/data/monthly.csv",
        "/transparency/data/monthly.json",
        "/transparency/statements",
        "/api/v1/transparency/statements",
    ):
        assert client.get(path, headers=headers).status_code == 200, path


def test_bar_geometry_scales_to_the_largest_month() -> None:
    chart = public.bar_chart("x", "X", [("2026-01", 0), ("2026-02", 5), ("2026-03", 10)])
    assert [b.height for b in chart.bars] == [0.0, 58.0, 116.0]
    assert chart.bars[2].y == public.TOP and chart.maximum == 10 and chart.total == 15
    flat = public.bar_chart("y", "Y", [("2026-01", 0), ("2026-02", 0)])
    assert [b.height for b in flat.bars] == [0.0, 0.0]


def test_the_dashboard_is_computed_at_most_once_a_minute(session: Session) -> None:
    cache = public.DashboardCache()
    first = cache.get(session)
    make_order(session, received=in_month(0))
    session.commit()
    assert cache.get(session) is first and first.figures["orders"]["received"] == 0
    cache.seconds = 0
    again = cache.get(session)
    assert again is not first and again.figures["orders"]["received"] == 1
