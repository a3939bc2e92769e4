"""notify, emit and endpoint management at the service level: rows, jobs and audit records written."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.audit.service import request_id_var
from senim.config import Mode, Settings
from senim.errors import Conflict, Invalid, NotFound
from senim.kit.crypto import generate_key
from senim.models import AuditRecord, Job, Notification, Role, WebhookEndpoint
from senim.notification.service import (
    DELIVER_WEBHOOK,
    EMAIL_MAX_ATTEMPTS,
    SEND_EMAIL,
    WEBHOOK_MAX_ATTEMPTS,
    NotificationService,
    notification_service,
)
from senim.web import i18n
from tests.fixtures.builders import make_user
from tests.fixtures.notification import make_endpoint

KIND = "Your post «{title}» was hidden."


def test_notify_writes_a_notice_and_queues_an_email_job_by_id(session: Session) -> None:
    user = make_user(session, email="aigerim@example.kz", language="kk")
    token = request_id_var.set("req-42")
    try:
        note = notification_service.notify(session, user, KIND, {"title": "Алматы"}, link="/posts/1")
    finally:
        request_id_var.reset(token)
    session.commit()

    row = session.scalars(select(Notification)).one()
    assert (row.user_id, row.kind, row.params, row.link, row.read_at) == (
        user.id,
        KIND,
        {"title": "Алматы"},
        "/posts/1",
        None,
    )
    job = session.scalars(select(Job).where(Job.name == SEND_EMAIL)).one()
    assert job.idempotency_key == f"{SEND_EMAIL}:{note.id}"
    assert job.request_id == "req-42"
    assert job.max_attempts == EMAIL_MAX_ATTEMPTS
    assert job.payload == {"notification_id": str(note.id)}


def test_email_job_payload_holds_no_personal_data(session: Session) -> None:
    """Every staff role reads job payloads (/api/v1/jobs): the job loads and renders the e-mail itself."""
    user = make_user(
        session, email="aigerim.private@example.kz", language="ru", display_name="Айгерим Сериковна"
    )
    note = notification_service.notify(session, user, KIND, {"title": "Алматы"}, link="/posts/1")
    session.commit()

    job = session.scalars(select(Job).where(Job.name == SEND_EMAIL)).one()
    stored = json.dumps(job.payload, ensure_ascii=False)
    outgoing = notification_service.email_to_send(session, note.id)
    assert outgoing is not None
    for secret in (
        "aigerim.private@example.kz",
        "Айгерим",
        "Сериковна",
        "Алматы",  # the notice's text
        outgoing.subject,
        outgoing.body.strip().splitlines()[0],  # the greeting, with the name
    ):
        assert secret not in stored
    assert set(job.payload) == {"notification_id"}


def test_email_is_rendered_when_sent_in_the_users_current_language(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(i18n.catalog("kk"), KIND, "Сіздің «{title}» жазбаңыз жасырылды.")
    user = make_user(session, email="old@example.kz", language="ru", display_name="Әйгерім")
    note = notification_service.notify(session, user, KIND, {"title": "Алматы"}, link="/posts/1")
    user.language = "kk"  # changed after the notice was written, before the e-mail went out
    user.email = "new@example.kz"
    session.commit()

    outgoing = notification_service.email_to_send(session, note.id, base_url="https://senim.example.kz/")

    assert outgoing is not None
    assert (outgoing.to, outgoing.language) == ("new@example.kz", "kk")
    assert "Сіздің «Алматы» жазбаңыз жасырылды." in outgoing.subject
    assert "Сіздің «Алматы» жазбаңыз жасырылды." in outgoing.body
    assert "Әйгерім" in outgoing.body
    assert "https://senim.example.kz/posts/1" in outgoing.body
    # The caller's own language is untouched.
    assert i18n.locale_var.get() == i18n.DEFAULT_LANGUAGE


def test_nothing_to_send_when_the_notice_or_the_address_is_gone(session: Session) -> None:
    user = make_user(session, email="a@example.kz")
    note = notification_service.notify(session, user, KIND, {"title": "a"})
    session.commit()
    assert notification_service.email_to_send(session, uuid.uuid4()) is None
    user.email = None
    session.commit()
    assert notification_service.email_to_send(session, note.id) is None


def test_no_email_without_an_address_or_when_not_asked(session: Session) -> None:
    without = make_user(session)
    with_address = make_user(session, email="a@example.kz")
    notification_service.notify(session, without, KIND, {"title": "a"})
    notification_service.notify(session, with_address, KIND, {"title": "b"}, email=False)
    session.commit()
    assert len(session.scalars(select(Notification)).all()) == 2
    assert session.scalars(select(Job).where(Job.name == SEND_EMAIL)).all() == []


@pytest.mark.parametrize(
    ("kind", "params", "link", "problem"),
    [
        (KIND, {}, None, "placeholders"),  # a placeholder left unfilled
        ("", {}, None, "message id"),
        ("x" * 256, {}, None, "message id"),
        (KIND, {"title": "a"}, "https://evil.example/", "path on this site"),
    ],
)
def test_notify_refuses_calling_code_mistakes(
    session: Session, kind: str, params: dict, link: str | None, problem: str
) -> None:
    user = make_user(session)
    with pytest.raises(ValueError, match=problem):
        notification_service.notify(session, user, kind, params, link=link)
    assert session.scalars(select(Notification)).all() == []


def test_reading_notices_is_scoped_to_their_reader(session: Session) -> None:
    a, b = make_user(session), make_user(session)
    mine = [notification_service.notify(session, a, KIND, {"title": str(i)}) for i in range(3)]
    theirs = notification_service.notify(session, b, KIND, {"title": "b"})
    session.commit()

    assert notification_service.unread_count(session, a) == 3
    with pytest.raises(NotFound):
        notification_service.mark_read(session, a, theirs.id)
    with pytest.raises(NotFound):
        notification_service.mark_read(session, a, uuid.uuid4())
    notification_service.mark_read(session, a, mine[0].id)
    assert notification_service.unread_count(session, a) == 2
    assert [n.id for n in notification_service.list_for(session, a, unread_only=True)] == [
        n.id for n in notification_service.list_for(session, a) if n.id != mine[0].id
    ]
    assert notification_service.mark_all_read(session, a) == 2
    assert notification_service.unread_count(session, a) == 0
    assert notification_service.unread_count(session, b) == 1
    session.commit()


def test_emit_queues_one_delivery_per_subscribed_active_endpoint(session: Session) -> None:
    platform = make_user(session, role=Role.integrating_platform, password=None)
    other = make_user(session, role=Role.integrating_platform, password=None)
    exact, _ = make_endpoint(session, platform, "https://a.example.kz/h", ["decision.recorded"])
    star, _ = make_endpoint(session, platform, "https://b.example.kz/h", ["*"])
    make_endpoint(session, platform, "https://c.example.kz/h", ["order.received"])
    off, _ = make_endpoint(session, platform, "https://d.example.kz/h", ["*"])
    notification_service.disable_endpoint(session, Actor.system("test"), off.id)
    make_endpoint(session, other, "https://e.example.kz/h", ["*"])

    emitted = notification_service.emit(
        session, platform.id, "decision.recorded", {"item": uuid.UUID(int=7), "ground": "LAW-14"}
    )
    session.commit()

    jobs = session.scalars(select(Job).where(Job.name == DELIVER_WEBHOOK)).all()
    assert {j.payload["endpoint_id"] for j in jobs} == {str(exact.id), str(star.id)}
    for job in jobs:
        assert job.idempotency_key == f"{emitted.event_id}:{job.payload['endpoint_id']}"
        assert job.payload["event_id"] == str(emitted.event_id)
        assert job.payload["event"] == "decision.recorded"
        assert job.payload["data"] == {"item": str(uuid.UUID(int=7)), "ground": "LAW-14"}
        assert job.payload["created_at"].endswith("Z")
        assert job.max_attempts == WEBHOOK_MAX_ATTEMPTS

    again = notification_service.emit(
        session, platform.id, "decision.recorded", {}, event_id=emitted.event_id
    )
    session.commit()
    assert {j.id for j in again.jobs} == {j.id for j in jobs}
    assert len(session.scalars(select(Job).where(Job.name == DELIVER_WEBHOOK)).all()) == 2


def test_emit_refuses_a_malformed_event_name(session: Session) -> None:
    with pytest.raises(ValueError, match="event"):
        notification_service.emit(session, uuid.uuid4(), "Not An Event", {})


def test_endpoint_management_is_audited_and_never_logs_the_secret(session: Session) -> None:
    admin = make_user(session, role=Role.administrator)
    platform = make_user(session, role=Role.integrating_platform, password=None)
    actor = Actor.of(admin)
    endpoint, secret = notification_service.add_endpoint(
        session, actor, platform, " https://p.example.kz/h ", ["order.received", "decision.recorded"]
    )
    assert secret.startswith("whsec_")
    assert endpoint.secret == secret
    assert endpoint.url == "https://p.example.kz/h"
    assert endpoint.events == ["decision.recorded", "order.received"]
    _, rotated = notification_service.rotate_secret(session, actor, endpoint.id)
    assert rotated != secret
    assert endpoint.secret == rotated
    notification_service.disable_endpoint(session, actor, endpoint.id)
    notification_service.disable_endpoint(session, actor, endpoint.id)  # already off: nothing more
    with pytest.raises(Conflict):
        notification_service.rotate_secret(session, actor, endpoint.id)
    session.commit()

    records = session.scalars(
        select(AuditRecord).where(AuditRecord.tag.like("webhook:%")).order_by(AuditRecord.seq)
    ).all()
    assert [r.tag for r in records] == ["webhook:add", "webhook:rotate", "webhook:disable"]
    assert all(r.actor_id == admin.id and r.target_id == str(endpoint.id) for r in records)
    assert records[0].data == {
        "principal": platform.username,
        "url": "https://p.example.kz/h",
        "events": ["decision.recorded", "order.received"],
    }
    assert not any(s in str(r.data) for r in records for s in (secret, rotated))


@pytest.mark.parametrize("role", [Role.user, Role.moderator, Role.administrator])
def test_endpoints_belong_to_external_principals_only(session: Session, role: Role) -> None:
    person = make_user(session, role=role)
    with pytest.raises(Invalid):
        notification_service.add_endpoint(
            session, Actor.system("test"), person, "https://p.example.kz/h", ["*"]
        )
    assert session.scalars(select(WebhookEndpoint)).all() == []


def test_production_accepts_only_https(session: Session, database_url: str) -> None:
    production = NotificationService(
        Settings(
            mode=Mode.production,
            database_url=database_url,  # type: ignore[arg-type]
            secret_key="s" * 40,  # type: ignore[arg-type]
            data_keys="1:" + generate_key(),  # type: ignore[arg-type]
            index_key=generate_key(),  # type: ignore[arg-type]
        )
    )
    body = make_user(session, role=Role.authorized_body, password=None)
    with pytest.raises(Invalid):
        production.add_endpoint(session, Actor.system("test"), body, "http://gov.example.kz/h", ["*"])
    with pytest.raises(Invalid):
        production.add_endpoint(session, Actor.system("test"), body, "https://127.0.0.1/h", ["*"])
    endpoint, _ = production.add_endpoint(
        session, Actor.system("test"), body, "https://gov.example.kz/h", ["*"]
    )
    assert endpoint.active
