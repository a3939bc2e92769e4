"""Retention (issue 8, item 3; LAW-74: personal data are kept until the purpose is met): the daily purge
deletes or erases each class past its period, spares what is recent, never touches an item under a legal
hold (or one still under review or appeal), never purges the audit log, and is audited once per run."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim import audit
from senim.audit import Actor
from senim.config import Settings
from senim.content.service import content_service
from senim.db import Database
from senim.jobs import enqueue
from senim.jobs.registry import HANDLERS
from senim.kit.clock import utcnow
from senim.models import (
    AccountStatus,
    Appeal,
    AppealStatus,
    AuditRecord,
    Complaint,
    ComplaintStatus,
    ContentItem,
    Decision,
    ItemStatus,
    Job,
    JobStatus,
    LoginAttempt,
    Notification,
    Translation,
    User,
    UserSession,
)
from senim.privacy import retention
from senim.privacy.jobs import PURGE_JOB
from senim.translation.service import text_digest
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_post
from tests.fixtures.moderation import count, fresh, make_person
from tests.notification.jobrunner import run_due_jobs

DAY = timedelta(days=1)


def _session_row(
    session: Session, user: User, *, expires: datetime, revoked: datetime | None = None
) -> UserSession:
    row = UserSession(
        id=uuid.uuid4(),
        user_id=user.id,
        token_digest=secrets.token_hex(32),
        csrf_token=secrets.token_hex(16),
        expires_at=expires,
        revoked_at=revoked,
    )
    session.add(row)
    return row


def _job(session: Session, status: JobStatus, finished: datetime | None, created: datetime) -> Job:
    row = Job(
        id=uuid.uuid4(),
        name="notification.send_email",
        payload={"notification_id": str(uuid.uuid4())},
        status=status,
        finished_at=finished,
        created_at=created,
        run_at=created,
        idempotency_key=f"test:{uuid.uuid4()}",
    )
    session.add(row)
    return row


def _gone(session: Session, author: User, body: str, status: ItemStatus, when: datetime) -> ContentItem:
    item = make_post(session, author, body)
    item.status = status
    item.deleted_at = when if status == ItemStatus.deleted else None
    item.updated_at = when
    session.flush()
    return item


def _decision(session: Session, item: ContentItem, *, appealable_until: datetime | None = None) -> Decision:
    decision = Decision(
        id=uuid.uuid4(),
        subject="item",
        item_id=item.id,
        action="remove",
        facts="Removed for the test.",
        source="complaint",
        decided_at=utcnow() - 400 * DAY,
        appealable_until=appealable_until,
    )
    session.add(decision)
    session.flush()
    return decision


def _visitor_complaint(session: Session, answered: datetime | None, n: int) -> Complaint:
    complaint = Complaint(
        id=uuid.uuid4(),
        number=f"C-TEST-{n:04d}",
        status=ComplaintStatus.answered if answered else ComplaintStatus.received,
        contact_name=f"Visitor {n}",
        contact_email=f"visitor{n}@example.kz",
        subject="item",
        category="unlawful.false_information",
        rules_version=1,
        description="False information about me.",
        details={},
        language="ru",
        received_at=(answered or utcnow()) - 10 * DAY,
        answered_at=answered,
    )
    session.add(complaint)
    session.flush()
    return complaint


@pytest.mark.law("LAW-74")
@pytest.mark.law("LAW-27")
def test_the_daily_purge_erases_each_class_past_its_period_and_spares_the_rest(
    session: Session, db: Database, settings: Settings
) -> None:
    now = utcnow()
    owner = make_person(session)
    author = make_person(session)
    # Sessions: ended or expired over 30 days ago go; recent and live ones stay.
    old_revoked = _session_row(session, owner, expires=now + DAY, revoked=now - 31 * DAY)
    old_expired = _session_row(session, owner, expires=now - 31 * DAY)
    recent_revoked = _session_row(session, owner, expires=now + DAY, revoked=now - 5 * DAY)
    live = _session_row(session, owner, expires=now + 10 * DAY)
    # Sign-in attempts: 30 days.
    session.add(LoginAttempt(id=uuid.uuid4(), key_digest="a" * 64, succeeded=False, at=now - 31 * DAY))
    session.add(LoginAttempt(id=uuid.uuid4(), key_digest="b" * 64, succeeded=True, at=now - DAY))
    # Notices: 365 days.
    old_note = Notification(
        id=uuid.uuid4(), user_id=owner.id, kind="Old", params={}, created_at=now - 366 * DAY
    )
    new_note = Notification(
        id=uuid.uuid4(), user_id=owner.id, kind="New", params={}, created_at=now - 364 * DAY
    )
    session.add_all([old_note, new_note])
    # Jobs: finished (succeeded, cancelled, dead) over 90 days ago go; pending and recent ones stay.
    old_done = _job(session, JobStatus.succeeded, now - 91 * DAY, now - 92 * DAY)
    old_dead = _job(session, JobStatus.dead, now - 100 * DAY, now - 101 * DAY)
    old_pending = _job(session, JobStatus.pending, None, now - 200 * DAY)
    recent_done = _job(session, JobStatus.succeeded, now - 10 * DAY, now - 11 * DAY)
    # Content: the text of items deleted or removed over 180 days ago is erased with its translations...
    deleted = _gone(session, author, "I regret writing this", ItemStatus.deleted, now - 181 * DAY)
    session.add(
        Translation(
            id=uuid.uuid4(),
            text_sha256=text_digest("I regret writing this"),
            source_language="en",
            target_language="kk",
            model_version="test",
            engine="test",
            text="Мұны жазғаныма өкінемін",
        )
    )
    removed = _gone(session, author, "Removed long ago", ItemStatus.removed, now - 200 * DAY)
    _decision(session, removed, appealable_until=now - 100 * DAY)
    # ... but not under a legal hold, not recently, not while the removal can be appealed or is appealed,
    # not while a case about it is open, and never a visible item.
    held = _gone(session, author, "Evidence for the police", ItemStatus.deleted, now - 400 * DAY)
    content_service.place_hold(
        session, Actor.system("test"), held, reason="escalation E-1", source="escalation"
    )
    recent = _gone(session, author, "Deleted last week", ItemStatus.deleted, now - 7 * DAY)
    appealable = _gone(session, author, "Removed, appeal window open", ItemStatus.removed, now - 200 * DAY)
    _decision(session, appealable, appealable_until=now + 10 * DAY)
    appealed = _gone(session, author, "Removed, under appeal", ItemStatus.removed, now - 200 * DAY)
    appealed_decision = _decision(session, appealed, appealable_until=now - 150 * DAY)
    session.add(
        Appeal(
            id=uuid.uuid4(),
            decision_id=appealed_decision.id,
            appellant_id=author.id,
            appellant_role="affected",
            reason="Please look again.",
            status=AppealStatus.received,
        )
    )
    visible = make_post(session, author, "Still here")
    visible.updated_at = now - 1000 * DAY
    # Complaints without an account: the name and address go 365 days after the answer.
    answered_long_ago = _visitor_complaint(session, now - 366 * DAY, 1)
    answered_recently = _visitor_complaint(session, now - 30 * DAY, 2)
    still_open = _visitor_complaint(session, None, 3)
    under_appeal = _visitor_complaint(session, now - 400 * DAY, 4)
    session.add(
        Appeal(
            id=uuid.uuid4(),
            decision_id=_decision(session, visible).id,
            complaint_id=under_appeal.id,
            appellant_role="complainant",
            reason="The answer is wrong.",
            status=AppealStatus.received,
        )
    )
    # A deleted account still holding the phone and country an integrating platform passed.
    closed = make_person(session)
    closed.status, closed.phone, closed.country = AccountStatus.deleted, "+77010000000", "KZ"
    active = make_person(session)
    active.phone, active.country = "+77010000001", "KZ"
    audit.record(session, actor=Actor.system("test"), tag="test:old_record", data={})
    session.commit()
    audit_before = count(session, AuditRecord)
    purged_sessions, purged_jobs = {old_revoked.id, old_expired.id}, {old_done.id, old_dead.id}

    with db.transaction() as s:
        counts = retention.purge(s, settings, now)

    assert counts == {
        "sessions": 2,
        "login_attempts": 1,
        "notifications": 1,
        "finished_jobs": 2,
        "deleted_content": 2,
        "complaint_contacts": 1,
        "deleted_accounts": 1,
    }
    s = fresh(session)
    left_sessions = set(s.scalars(select(UserSession.id)))
    assert left_sessions == {recent_revoked.id, live.id}
    assert not purged_sessions & left_sessions
    assert [a.key_digest for a in s.scalars(select(LoginAttempt))] == ["b" * 64]
    assert [n.kind for n in s.scalars(select(Notification))] == ["New"]
    left_jobs = set(s.scalars(select(Job.id)))
    assert {old_pending.id, recent_done.id} <= left_jobs and not purged_jobs & left_jobs
    bodies = {i.id: i.body for i in s.scalars(select(ContentItem))}
    assert bodies[deleted.id] == "" and bodies[removed.id] == ""  # rows kept as tombstones
    assert bodies[held.id] == "Evidence for the police"
    assert bodies[recent.id] == "Deleted last week"
    assert bodies[appealable.id] == "Removed, appeal window open"
    assert bodies[appealed.id] == "Removed, under appeal"
    assert bodies[visible.id] == "Still here"
    assert count(s, Translation) == 0
    contacts = {c.id: (c.contact_name, c.contact_email) for c in s.scalars(select(Complaint))}
    assert contacts[answered_long_ago.id] == (None, None)
    assert contacts[answered_recently.id] == ("Visitor 2", "visitor2@example.kz")
    assert contacts[still_open.id] == ("Visitor 3", "visitor3@example.kz")
    assert contacts[under_appeal.id] == ("Visitor 4", "visitor4@example.kz")
    people = {u.id: (u.phone, u.country) for u in s.scalars(select(User))}
    assert people[closed.id] == (None, None) and people[active.id] == ("+77010000001", "KZ")
    # The audit log is never purged: one record more, the purge's own, and the chain still verifies.
    assert count(s, AuditRecord) == audit_before + 1
    [run] = s.scalars(select(AuditRecord).where(AuditRecord.tag == "retention:purge")).all()
    assert run.data["counts"] == counts and run.actor_label == "system:retention"
    assert audit.verify(s).ok


@pytest.mark.law("LAW-74")
def test_the_purge_is_a_daily_job_that_follows_the_settings(
    session: Session, db: Database, settings: Settings
) -> None:
    spec = HANDLERS[PURGE_JOB]
    assert spec.every_seconds == 86400
    author = make_user(session)
    item = _gone(session, author, "Deleted twelve days ago", ItemStatus.deleted, utcnow() - 12 * DAY)
    held = _gone(session, author, "Held, deleted long ago", ItemStatus.deleted, utcnow() - 900 * DAY)
    content_service.place_hold(session, Actor.system("test"), held, reason="order O-1", source="order")
    session.commit()
    settings.retention_deleted_content_days = 10
    with db.transaction() as s:
        enqueue(s, PURGE_JOB, {"slot": "test"})
    run_due_jobs(db, settings)
    s = fresh(session)
    assert s.get(ContentItem, item.id).body == ""  # type: ignore[union-attr]
    assert s.get(ContentItem, held.id).body == "Held, deleted long ago"  # type: ignore[union-attr]
    [run] = s.scalars(select(AuditRecord).where(AuditRecord.tag == "retention:purge")).all()
    assert run.data["counts"]["deleted_content"] == 1
    assert s.scalars(select(Job).where(Job.name == PURGE_JOB)).one().status == JobStatus.succeeded
    # Released, the hold no longer protects it: the next run erases it.
    content_service.release_hold(
        s, Actor.system("test"), held, reason="order closed", source="order", placed_for="order O-1"
    )
    s.commit()
    with db.transaction() as t:
        assert retention.purge(t, settings, utcnow())["deleted_content"] == 1
    assert fresh(session).get(ContentItem, held.id).body == ""  # type: ignore[union-attr]


def test_a_retention_under_one_day_counts_as_one_day(
    session: Session, db: Database, settings: Settings
) -> None:
    owner = make_user(session)
    session.add(
        LoginAttempt(id=uuid.uuid4(), key_digest="c" * 64, succeeded=False, at=utcnow() - timedelta(hours=2))
    )
    session.commit()
    settings.retention_login_attempts_days = 0
    with db.transaction() as s:
        assert retention.purge(s, settings, utcnow())["login_attempts"] == 0
    assert count(session, LoginAttempt) == 1 and owner.id
