"""Delivery jobs against real local servers: an SMTP sink and an HTTP webhook receiver on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.config import Mode, Settings
from senim.db import Database
from senim.jobs.registry import HANDLERS
from senim.kit.clock import utcnow
from senim.models import AccountStatus, Job, JobStatus, Notification, Role
from senim.notification.email import message_id
from senim.notification.service import DELIVER_WEBHOOK, SEND_EMAIL, notification_service
from senim.notification.webhooks import InvalidSignature, verify
from senim.web import i18n
from tests.fixtures.builders import make_user
from tests.fixtures.notification import SmtpSink, WebhookReceiver, free_port, make_endpoint
from tests.notification.jobrunner import make_due, run_due_jobs

KIND = "Your complaint {number} was received."
KK = "Сіздің {number} шағымыңыз қабылданды. Рақмет, құрметті қолданушы!"


def _job(session: Session, name: str) -> Job:
    session.expire_all()
    return session.scalars(select(Job).where(Job.name == name)).one()


def test_email_reaches_the_smtp_sink_in_kazakh(
    db: Database, session: Session, settings: Settings, sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(i18n.catalog("kk"), KIND, KK)
    user = make_user(session, email="aigerim@example.kz", language="kk", display_name="Әйгерім")
    notification_service.notify(session, user, KIND, {"number": "C-1024"}, link="/complaints/C-1024")
    session.commit()

    run_due_jobs(db, settings)

    job = _job(session, SEND_EMAIL)
    assert job.status == JobStatus.succeeded, job.last_error
    [mail] = sink.messages
    assert mail.rcpt_tos == ["aigerim@example.kz"]
    assert mail.message["To"] == "aigerim@example.kz"
    assert mail.message["From"] == settings.mail_from
    assert mail.message["Subject"] == "Senim: " + KK.format(number="C-1024")
    assert mail.message["Message-ID"] == message_id(job.idempotency_key, settings.mail_from)
    assert mail.message.get_content_charset() == "utf-8"
    assert mail.message.get_content_type() == "text/plain"
    assert KK.format(number="C-1024") in mail.text
    assert "Әйгерім" in mail.text
    assert f"{settings.base_url}/complaints/C-1024" in mail.text
    assert i18n.locale_var.get() == i18n.DEFAULT_LANGUAGE  # the job rendered in Kazakh only for the e-mail


def test_email_is_not_sent_when_the_account_was_deleted_meanwhile(
    db: Database, session: Session, settings: Settings, sink: SmtpSink
) -> None:
    user = make_user(session, email="gone@example.kz")
    notification_service.notify(session, user, KIND, {"number": "C-1"})
    user.status = AccountStatus.deleted
    session.commit()

    run_due_jobs(db, settings)

    assert _job(session, SEND_EMAIL).status == JobStatus.succeeded
    assert sink.messages == []


def test_unreachable_smtp_server_fails_the_job_for_a_retry(
    db: Database, session: Session, settings: Settings
) -> None:
    settings.smtp_port = free_port()  # nothing listens there
    user = make_user(session, email="a@example.kz")
    notification_service.notify(session, user, KIND, {"number": "C-2"})
    session.commit()

    run_due_jobs(db, settings)

    job = _job(session, SEND_EMAIL)
    assert (job.status, job.attempts) == (JobStatus.pending, 1)
    assert "e-mail delivery failed" in (job.last_error or "")


def _platform_with_endpoint(session: Session, receiver: WebhookReceiver, events: list[str] | None = None):  # type: ignore[no-untyped-def]
    platform = make_user(session, role=Role.integrating_platform, password=None)
    endpoint, secret = make_endpoint(session, platform, receiver.url, events or ["decision.recorded"])
    return platform, endpoint, secret


def test_webhook_delivery_is_signed_and_verifies(
    db: Database, session: Session, settings: Settings, receiver: WebhookReceiver
) -> None:
    platform, _endpoint, secret = _platform_with_endpoint(session, receiver)
    emitted = notification_service.emit(
        session, platform.id, "decision.recorded", {"external_id": "post-77", "ground": "Сәлем"}
    )
    session.commit()

    run_due_jobs(db, settings)

    assert _job(session, DELIVER_WEBHOOK).status == JobStatus.succeeded
    [req] = receiver.requests
    event_id = str(emitted.event_id)
    assert req.path == "/hook"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["senim-event"] == "decision.recorded"
    assert req.headers["senim-event-id"] == event_id
    assert req.headers["idempotency-key"] == event_id
    timestamp = verify(secret, req.body, req.headers["senim-signature"], now=time.time())
    assert abs(timestamp - time.time()) < 60
    body = json.loads(req.body)
    assert body["id"] == event_id
    assert body["event"] == "decision.recorded"
    assert body["data"] == {"external_id": "post-77", "ground": "Сәлем"}

    # A tampered body or a replay after the window does not verify.
    with pytest.raises(InvalidSignature):
        verify(
            secret, req.body.replace(b"post-77", b"post-78"), req.headers["senim-signature"], now=time.time()
        )
    with pytest.raises(InvalidSignature):
        verify(
            secret,
            req.body,
            req.headers["senim-signature"],
            now=timestamp + settings.webhook_replay_window_seconds + 1,
        )


def test_receiver_error_is_retried_later_with_the_same_idempotency_key(
    db: Database, session: Session, settings: Settings, receiver: WebhookReceiver
) -> None:
    platform, _endpoint, secret = _platform_with_endpoint(session, receiver)
    emitted = notification_service.emit(session, platform.id, "decision.recorded", {"n": 1})
    session.commit()
    key = emitted.jobs[0].idempotency_key
    receiver.statuses = [500]

    before = utcnow()
    run_due_jobs(db, settings)

    job = _job(session, DELIVER_WEBHOOK)
    assert (job.status, job.attempts) == (JobStatus.pending, 1)
    assert job.run_at > before
    assert "500" in (job.last_error or "")
    assert job.idempotency_key == key
    assert len(receiver.requests) == 1

    make_due(db, job.id)
    run_due_jobs(db, settings)

    job = _job(session, DELIVER_WEBHOOK)
    assert (job.status, job.attempts) == (JobStatus.succeeded, 2)
    assert job.idempotency_key == key
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == str(emitted.event_id)
    verify(secret, second.body, second.headers["senim-signature"], now=time.time())


def test_unreachable_receiver_fails_the_job_for_a_retry(
    db: Database, session: Session, settings: Settings
) -> None:
    platform = make_user(session, role=Role.integrating_platform, password=None)
    make_endpoint(session, platform, f"http://127.0.0.1:{free_port()}/hook")
    notification_service.emit(session, platform.id, "decision.recorded", {})
    session.commit()

    run_due_jobs(db, settings)

    job = _job(session, DELIVER_WEBHOOK)
    assert (job.status, job.attempts) == (JobStatus.pending, 1)
    assert "ConnectError" in (job.last_error or "")


def test_disabled_endpoint_finishes_the_job_without_sending(
    db: Database, session: Session, settings: Settings, receiver: WebhookReceiver
) -> None:
    platform, endpoint, _secret = _platform_with_endpoint(session, receiver)
    notification_service.emit(session, platform.id, "decision.recorded", {})
    notification_service.disable_endpoint(session, Actor.system("test"), endpoint.id)
    session.commit()

    run_due_jobs(db, settings)

    assert _job(session, DELIVER_WEBHOOK).status == JobStatus.succeeded
    assert receiver.requests == []


def test_a_rotated_secret_signs_the_next_attempt(
    db: Database, session: Session, settings: Settings, receiver: WebhookReceiver
) -> None:
    platform, endpoint, old = _platform_with_endpoint(session, receiver)
    notification_service.emit(session, platform.id, "decision.recorded", {})
    _, new = notification_service.rotate_secret(session, Actor.system("test"), endpoint.id)
    session.commit()

    run_due_jobs(db, settings)

    [req] = receiver.requests
    verify(new, req.body, req.headers["senim-signature"], now=time.time())
    with pytest.raises(InvalidSignature):
        verify(old, req.body, req.headers["senim-signature"], now=time.time())


def test_delivery_jobs_are_external() -> None:
    """Both talk to the network: they run with a read session and hold no write lock meanwhile."""
    import senim.notification.jobs  # noqa: F401 - registers the handlers

    assert HANDLERS[SEND_EMAIL].external
    assert HANDLERS[DELIVER_WEBHOOK].external


def test_email_for_a_notice_that_is_gone_finishes_without_sending(
    db: Database, session: Session, settings: Settings, sink: SmtpSink
) -> None:
    user = make_user(session, email="a@example.kz")
    note = notification_service.notify(session, user, KIND, {"number": "C-3"})
    session.commit()
    session.execute(delete(Notification).where(Notification.id == note.id))
    session.commit()

    run_due_jobs(db, settings)

    assert _job(session, SEND_EMAIL).status == JobStatus.succeeded
    assert sink.messages == []


def test_production_refuses_a_webhook_host_that_resolves_to_a_private_address(
    db: Database,
    session: Session,
    settings: Settings,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    real = socket.getaddrinfo

    def resolve(host: str, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == "hooks.platform.invalid" else host, *args, **kwargs)

    platform = make_user(session, role=Role.integrating_platform, password=None)
    make_endpoint(session, platform, f"http://hooks.platform.invalid:{port}/hook")  # accepted in test mode
    notification_service.emit(session, platform.id, "decision.recorded", {"n": 1})
    session.commit()
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    production = settings.model_copy(update={"mode": Mode.production, "secret_key": SecretStr("s" * 40)})

    run_due_jobs(db, production)

    job = _job(session, DELIVER_WEBHOOK)
    assert (job.status, job.attempts) == (JobStatus.pending, 1)  # an ordinary failure: retried with backoff
    assert job.last_error == (
        "DestinationRefused: webhook destination refused: hooks.platform.invalid resolves to 127.0.0.1,"
        " which is not a public address"
    )
    assert receiver.requests == []
