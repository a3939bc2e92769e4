"""The jobs API: staff read the queue; administrators retry and cancel, and each action is audited."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.jobs import enqueue
from senim.models import AuditRecord, Job, JobStatus, Role
from tests.fixtures.builders import login, make_user
from tests.jobs.conftest import job_row


def _job(
    session: Session, name: str = "test.order", status: JobStatus = JobStatus.pending, **fields: object
) -> Job:
    job = enqueue(session, name, {"n": 1})
    job.status = status
    for key, value in fields.items():
        setattr(job, key, value)
    session.flush()
    return job


def _signed_in(client: TestClient, session: Session, role: Role) -> dict[str, str]:
    user = make_user(session, role=role)
    session.commit()
    return {"X-CSRF-Token": login(client, user)}


def _audit(session: Session, tag: str) -> list[AuditRecord]:
    session.expire_all()
    return list(session.scalars(select(AuditRecord).where(AuditRecord.tag == tag)))


def test_staff_list_jobs_filtered_by_status_and_name(client: TestClient, session: Session) -> None:
    dead = _job(session, "test.fail", JobStatus.dead, attempts=3, last_error="ValueError: boom 3")
    _job(session, "test.fail")
    _job(session, "test.order", JobStatus.dead)
    headers = _signed_in(client, session, Role.moderator)

    everything = client.get("/api/v1/jobs", headers=headers)
    assert everything.status_code == 200, everything.text
    assert len(everything.json()) == 3

    found = client.get("/api/v1/jobs", params={"status": "dead", "name": "test.fail"}, headers=headers)
    assert found.status_code == 200, found.text
    assert [j["id"] for j in found.json()] == [str(dead.id)]
    assert found.json()[0]["last_error"] == "ValueError: boom 3"

    assert client.get("/api/v1/jobs", params={"status": "asleep"}, headers=headers).status_code == 422
    assert client.get("/api/v1/jobs", params={"limit": 0}, headers=headers).status_code == 422


def test_staff_read_one_job_and_the_counts(client: TestClient, session: Session) -> None:
    job = _job(session, "test.order", JobStatus.succeeded)
    _job(session, "test.order", JobStatus.dead)
    _job(session, "test.order")
    headers = _signed_in(client, session, Role.auditor)

    one = client.get(f"/api/v1/jobs/{job.id}", headers=headers)
    assert one.status_code == 200, one.text
    assert (one.json()["name"], one.json()["status"], one.json()["payload"]) == (
        "test.order",
        "succeeded",
        {"n": 1},
    )
    assert client.get(f"/api/v1/jobs/{uuid.uuid4()}", headers=headers).status_code == 404

    counts = client.get("/api/v1/jobs/counts", headers=headers)
    assert counts.status_code == 200, counts.text
    assert counts.json() == {"pending": 1, "running": 0, "succeeded": 1, "dead": 1, "cancelled": 0}


def test_admin_retries_a_dead_job_now_with_fresh_attempts(client: TestClient, session: Session) -> None:
    job = _job(session, "test.fail", JobStatus.dead, attempts=3, last_error="ValueError: boom 3")
    headers = _signed_in(client, session, Role.administrator)

    r = client.post(f"/api/v1/jobs/{job.id}/retry", headers=headers)

    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["attempts"]) == ("pending", 0)
    row = job_row(session, job.id)
    assert (row.status, row.attempts, row.finished_at) == (JobStatus.pending, 0, None)
    (rec,) = _audit(session, "job:retry")
    assert (rec.target_type, rec.target_id) == ("job", str(job.id))
    assert rec.actor_label.startswith("administrator:")
    assert rec.data == {"name": "test.fail", "before": {"status": "dead", "attempts": 3}}


def test_admin_cancels_a_pending_job(client: TestClient, session: Session) -> None:
    job = _job(session)
    headers = _signed_in(client, session, Role.administrator)

    r = client.post(f"/api/v1/jobs/{job.id}/cancel", headers=headers)

    assert r.status_code == 200, r.text
    row = job_row(session, job.id)
    assert row.status == JobStatus.cancelled
    assert row.finished_at is not None
    (rec,) = _audit(session, "job:cancel")
    assert (rec.target_id, rec.data["before"]["status"]) == (str(job.id), "pending")


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (JobStatus.running, "cancel"),
        (JobStatus.running, "retry"),
        (JobStatus.succeeded, "retry"),
        (JobStatus.succeeded, "cancel"),
        (JobStatus.cancelled, "retry"),
    ],
)
def test_job_in_the_wrong_state_is_refused_with_409_and_nothing_written(
    client: TestClient, session: Session, status: JobStatus, action: str
) -> None:
    job = _job(session, status=status, attempts=1)
    headers = _signed_in(client, session, Role.administrator)

    r = client.post(f"/api/v1/jobs/{job.id}/{action}", headers=headers)

    assert r.status_code == 409, r.text
    assert job_row(session, job.id).status == status
    assert _audit(session, f"job:{action}") == []


def test_unknown_job_is_404(client: TestClient, session: Session) -> None:
    headers = _signed_in(client, session, Role.administrator)
    assert client.post(f"/api/v1/jobs/{uuid.uuid4()}/retry", headers=headers).status_code == 404


def test_moderator_reads_jobs_but_may_not_retry_or_cancel(client: TestClient, session: Session) -> None:
    job = _job(session, status=JobStatus.dead)
    headers = _signed_in(client, session, Role.moderator)

    assert client.get(f"/api/v1/jobs/{job.id}", headers=headers).status_code == 200
    for action in ("retry", "cancel"):
        assert client.post(f"/api/v1/jobs/{job.id}/{action}", headers=headers).status_code == 403

    assert job_row(session, job.id).status == JobStatus.dead
    assert session.scalar(select(func.count()).where(AuditRecord.tag.like("job:%"))) == 0


def test_platform_user_may_not_read_jobs(client: TestClient, session: Session) -> None:
    job = _job(session)
    headers = _signed_in(client, session, Role.user)

    assert client.get("/api/v1/jobs", headers=headers).status_code == 403
    assert client.get(f"/api/v1/jobs/{job.id}", headers=headers).status_code == 403
    assert client.post(f"/api/v1/jobs/{job.id}/cancel", headers=headers).status_code == 403


def test_anonymous_is_asked_to_log_in(client: TestClient, session: Session) -> None:
    job = _job(session)
    session.commit()

    assert client.get("/api/v1/jobs").status_code == 401
    assert client.get("/api/v1/jobs/counts").status_code == 401
    r = client.post(f"/api/v1/jobs/{job.id}/retry", json={})
    assert r.status_code == 401
    assert job_row(session, job.id).status == JobStatus.pending
