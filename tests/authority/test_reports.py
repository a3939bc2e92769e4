"""Reports of measures to the authorized body (LAW-20, issue 7 item 4): once a period (monthly by
default, a setting) has ended, the report — decisions by category and action, orders executed with their
times, escalations — is built once, stored, sent to the body by webhook and e-mail, and read through the
API by the body."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.authority import reports
from senim.authority.service import order_service
from senim.config import Settings
from senim.db import Database
from senim.kit.clock import ALMATY
from senim.models import Decision, Job, MeasuresReport, Role, StateOrder
from tests.authority.test_orders import make_body, restriction
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_post
from tests.fixtures.moderation import fresh
from tests.fixtures.notification import make_endpoint, smtp_sink, webhook_receiver
from tests.notification.jobrunner import run_due_jobs


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (date(2026, 11, 28), 1, (date(2026, 10, 1), date(2026, 10, 31))),
        (date(2026, 1, 1), 1, (date(2025, 12, 1), date(2025, 12, 31))),
        (date(2026, 3, 1), 1, (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2026, 11, 28), 3, (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2027, 1, 2), 6, (date(2026, 7, 1), date(2026, 12, 31))),
    ],
)
def test_the_last_complete_period(today: date, months: int, expected: tuple[date, date]) -> None:
    assert reports.last_complete_period(today, months) == expected


@pytest.mark.law("LAW-20")
def test_the_monthly_report_is_built_once_sent_and_read_by_the_body(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    body = make_body(session)
    officer = make_user(session, role=Role.legal_officer)
    post = make_post(session, make_user(session), "casino")
    session.commit()
    number = body.post(client, restriction(post.id)).json()["number"]  # type: ignore[attr-defined]
    order_service.review(session, officer, number, accept=True)
    order_service.execute(session, officer, number)
    session.commit()
    decided = fresh(session).scalars(select(Decision)).one().decided_at
    _first, last = reports.period_containing(decided.astimezone(ALMATY).date(), 1)
    today = last + timedelta(days=1)  # the month of the decision has just ended
    with smtp_sink() as sink, webhook_receiver() as receiver:
        configured = settings.model_copy(
            update={"authority_email": "reports@mci.gov.kz", "smtp_port": sink.port}
        )
        make_endpoint(session, body.principal, receiver.url, [reports.EVENT])
        session.commit()
        report = reports.make_due_report(session, configured, today)
        assert report is not None and reports.make_due_report(session, configured, today) is None
        session.commit()
        data = report.data
        assert data["decisions"]["total"] == 1  # type: ignore[index]
        assert data["decisions"]["by_category_and_action"] == [  # type: ignore[index]
            {"category": "unlawful.online_casino", "action": "geo_restrict", "count": 1}
        ]
        [executed] = data["orders"]["executed"]  # type: ignore[index]
        assert executed["kind"] == "restriction_order" and executed["within_deadline"] is True
        assert "number" not in executed and "issuing_body" not in executed  # every body reads the report
        assert fresh(session).scalars(select(Job).where(Job.name == "notification.deliver_webhook")).all()
        run_due_jobs(db, configured)
        assert [json.loads(r.body)["data"]["report_id"] for r in receiver.requests] == [str(report.id)]
        assert len(sink.messages) == 1 and "restriction_order" in sink.messages[0].text
        assert sink.messages[0].rcpt_tos == ["reports@mci.gov.kz"]
    listed = client.get("/api/v1/reports/measures", headers=body.headers).json()["items"]
    assert [r["id"] for r in listed] == [str(report.id)]
    assert client.get(f"/api/v1/reports/measures/{report.id}", headers=body.headers).json()["data"] == data
    assert len(session.scalars(select(MeasuresReport)).all()) == 1


def test_an_empty_period_still_has_its_report(session: Session, settings: Settings) -> None:
    report = reports.make_due_report(session, settings, date(2026, 2, 3))
    assert report is not None and (report.period_start, report.period_end) == ("2026-01-01", "2026-01-31")
    assert report.data["decisions"]["total"] == 0 and report.data["orders"]["received"] == 0  # type: ignore[index]


def test_people_without_the_right_do_not_read_reports(client: TestClient, session: Session) -> None:
    from tests.fixtures.moderation import sign_in

    sign_in(client, session, make_user(session, role=Role.moderator))
    assert client.get("/api/v1/reports/measures").status_code == 403


@pytest.mark.law("LAW-20")
def test_an_order_executed_after_its_month_counts_open_then_executed(
    client: TestClient, session: Session
) -> None:
    body = make_body(session)
    officer = make_user(session, role=Role.legal_officer)
    post = make_post(session, make_user(session), "casino")
    session.commit()
    number = body.post(client, restriction(post.id)).json()["number"]  # type: ignore[attr-defined]
    order = fresh(session).scalars(select(StateOrder)).one()
    received = order.received_at.astimezone(ALMATY).date()
    first, last = reports.period_containing(received, 1)
    # The order was received in one month and executed in the next one.
    order_service.review(session, officer, number, accept=True)
    order_service.execute(session, officer, number)
    session.flush()
    order.executed_at = datetime.combine(last + timedelta(days=2), time(10), tzinfo=ALMATY).astimezone(UTC)
    session.commit()

    then = reports.build(session, first, last)
    after = reports.build(
        session, last + timedelta(days=1), reports.period_containing(last + timedelta(days=1), 1)[1]
    )

    assert (then["orders"]["received"], then["orders"]["open"], then["orders"]["executed"]) == (1, 1, [])  # type: ignore[index]
    assert (after["orders"]["received"], after["orders"]["open"]) == (0, 0)  # type: ignore[index]
    assert [e["kind"] for e in after["orders"]["executed"]] == ["restriction_order"]  # type: ignore[index]
