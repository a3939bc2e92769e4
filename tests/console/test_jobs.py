"""The job queue in the console: every staff role reads it by state and name; only administrators retry
and cancel, each action audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.kit.clock import utcnow
from senim.models import AuditRecord, Job, JobStatus, Role
from tests.fixtures.console import audit_count, make_job, staff


def listed(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/console/jobs/([0-9a-f-]+)">', html)


@pytest.fixture
def queue(session: Session) -> dict[str, Job]:
    jobs = {
        "pending": make_job(session, "notification.send_email"),
        "failed": make_job(
            session, "notification.deliver_webhook", attempts=3, last_error="HTTP 503 " + "x" * 300
        ),
        "retried": make_job(session, "notification.send_email", attempts=0, last_error="old error"),
        "running": make_job(session, "feed.rebuild", status=JobStatus.running, attempts=1),
        "dead": make_job(
            session, "notification.deliver_webhook", status=JobStatus.dead, attempts=24, last_error="gone"
        ),
        "succeeded": make_job(session, "feed.rebuild", status=JobStatus.succeeded, attempts=1),
        "cancelled": make_job(session, "feed.rebuild", status=JobStatus.cancelled),
    }
    session.commit()
    return jobs


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"pending", "failed", "retried", "running", "dead", "succeeded", "cancelled"}),
        ("status=pending", {"pending", "failed", "retried"}),
        ("status=failed", {"failed"}),
        ("status=running", {"running"}),
        ("status=dead", {"dead"}),
        ("status=succeeded", {"succeeded"}),
        ("status=cancelled", {"cancelled"}),
        ("name=notification.", {"pending", "failed", "retried", "dead"}),
        ("name=notification.send_email&status=pending", {"pending", "retried"}),
        ("name=feed.rebuild&status=dead", set()),
        ("name=%25", set()),
    ],
)
def test_staff_read_the_queue_by_state_and_name(
    client: TestClient, session: Session, queue: dict[str, Job], query: str, expected: set[str]
) -> None:
    staff(client, session, Role.moderator)
    page = client.get(f"/console/jobs?{query}")
    assert page.status_code == 200
    assert set(listed(page.text)) == {str(queue[k].id) for k in expected}


def test_the_table_shows_the_job_facts(client: TestClient, session: Session, queue: dict[str, Job]) -> None:
    staff(client, session, Role.auditor)
    page = client.get("/console/jobs?status=failed").text
    assert "notification.deliver_webhook" in page
    assert f"<td>3/{queue['failed'].max_attempts}</td>" in page  # attempts / max attempts
    assert "HTTP 503" in page and "x" * 200 not in page  # the last error is truncated
    assert 'aria-current="page">Failed, waiting to be retried</a>' in page
    assert client.get("/console/jobs?status=lost").status_code == 422


def test_the_list_pages_newest_first(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("senim.console.views.JOBS_PAGE", 2)
    now = utcnow()
    ids = [str(make_job(session, created_at=now - timedelta(minutes=n)).id) for n in range(5)]
    staff(client, session, Role.moderator)
    seen: list[str] = []
    link: str | None = "/console/jobs?status=pending"
    while link:
        page = client.get(link.replace("&amp;", "&")).text
        seen += listed(page)
        found = re.search(r'<a href="(/console/jobs\?[^"]*cursor=[^"]+)">Next page</a>', page)
        link = found.group(1) if found else None
    assert seen == ids


def test_the_detail_shows_the_payload_as_json(client: TestClient, session: Session) -> None:
    job = make_job(
        session, status=JobStatus.dead, payload={"item_id": "<b>42</b>"}, last_error="Boom: <oops>"
    )
    session.commit()
    staff(client, session, Role.moderator)
    page = client.get(f"/console/jobs/{job.id}")
    assert page.status_code == 200
    assert '"item_id": "\\u003cb\\u003e42\\u003c/b\\u003e"' in page.text  # JSON, markup escaped
    assert "Boom: &lt;oops&gt;" in page.text
    assert "Retry now" not in page.text and "Cancel the job" not in page.text  # moderators only read
    assert client.get("/console/jobs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_admin_sees_the_actions_the_state_allows(
    client: TestClient, session: Session, queue: dict[str, Job]
) -> None:
    staff(client, session)
    for key in ("dead", "pending"):
        page = client.get(f"/console/jobs/{queue[key].id}").text
        assert "Retry now" in page and "Cancel the job" in page
    for key in ("running", "succeeded", "cancelled"):
        page = client.get(f"/console/jobs/{queue[key].id}").text
        assert "Retry now" not in page and "Cancel the job" not in page


def test_admin_retries_a_dead_letter(client: TestClient, session: Session, queue: dict[str, Job]) -> None:
    admin, csrf = staff(client, session)
    dead = queue["dead"]
    r = client.post(f"/console/jobs/{dead.id}/retry", data={"csrf_token": csrf}, follow_redirects=False)
    assert (
        r.status_code == 303 and r.headers["location"] == f"/console/jobs/{dead.id}?msg=console_job_retried"
    )
    session.expire_all()
    job = session.get(Job, dead.id)
    assert job is not None and job.status == JobStatus.pending and job.attempts == 0
    record = session.scalars(select(AuditRecord).where(AuditRecord.tag == "job:retry")).one()
    assert record.actor_id == admin.id and record.target_id == str(dead.id)
    assert record.data["before"] == {"status": "dead", "attempts": 24}
    assert "The job will run again now." in client.get(r.headers["location"]).text


def test_admin_cancels_a_waiting_job(client: TestClient, session: Session, queue: dict[str, Job]) -> None:
    admin, csrf = staff(client, session)
    r = client.post(
        f"/console/jobs/{queue['pending'].id}/cancel", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].endswith("msg=console_job_cancelled")
    session.expire_all()
    assert session.get(Job, queue["pending"].id).status == JobStatus.cancelled  # type: ignore[union-attr]
    record = session.scalars(select(AuditRecord).where(AuditRecord.tag == "job:cancel")).one()
    assert record.actor_id == admin.id


@pytest.mark.parametrize(
    ("key", "action", "message"),
    [
        ("running", "retry", "A running job cannot be retried or cancelled."),
        ("running", "cancel", "A running job cannot be retried or cancelled."),
        ("succeeded", "retry", "Only a pending or dead job can be retried."),
        ("cancelled", "cancel", "Only a pending or dead job can be cancelled."),
    ],
)
def test_a_refused_action_is_explained_and_writes_nothing(
    client: TestClient, session: Session, queue: dict[str, Job], key: str, action: str, message: str
) -> None:
    _admin, csrf = staff(client, session)
    before = audit_count(session)
    status = queue[key].status
    r = client.post(f"/console/jobs/{queue[key].id}/{action}", data={"csrf_token": csrf})
    assert r.status_code == 409 and message in r.text
    session.expire_all()
    assert session.get(Job, queue[key].id).status == status  # type: ignore[union-attr]
    assert audit_count(session) == before
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.post(f"/console/jobs/{missing}/{action}", data={"csrf_token": csrf}).status_code == 404


@pytest.mark.parametrize("role", [Role.moderator, Role.auditor, Role.safety_officer])
@pytest.mark.parametrize("action", ["retry", "cancel"])
def test_other_staff_read_jobs_but_cannot_act_on_them(
    client: TestClient, session: Session, queue: dict[str, Job], role: Role, action: str
) -> None:
    _user, csrf = staff(client, session, role)
    before = audit_count(session)
    assert client.get(f"/console/jobs/{queue['dead'].id}").status_code == 200
    r = client.post(f"/console/jobs/{queue['dead'].id}/{action}", data={"csrf_token": csrf})
    assert r.status_code == 403
    session.expire_all()
    assert session.get(Job, queue["dead"].id).status == JobStatus.dead  # type: ignore[union-attr]
    assert audit_count(session) == before
