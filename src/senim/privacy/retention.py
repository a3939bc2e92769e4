"""Retention (LAW-74: personal data are kept until the purpose of collecting them is met): the daily purge
(``privacy.purge``) deletes or erases, per class, what has outlived its period (settings, in days):

- ``sessions``: sign-in sessions ended or expired more than ``retention_sessions_days`` ago;
- ``login_attempts``: sign-in attempts older than ``retention_login_attempts_days``;
- ``notifications``: notices written more than ``retention_notifications_days`` ago;
- ``finished_jobs``: jobs succeeded, cancelled or dead more than ``retention_finished_jobs_days`` ago;
- ``deleted_content``: the text of posts and comments deleted by their authors, or removed by a decision,
  more than ``retention_deleted_content_days`` ago is erased with its translations; the row stays as a
  trace (tombstone). Never for an item under a legal hold, an item with an open moderation case, or one
  whose removal can still be appealed or is under appeal;
- ``complaint_contacts``: the name and e-mail address of a person who complained without an account,
  ``retention_complaint_contact_days`` after the answer (not while an appeal of it is open);
- ``deleted_accounts``: the phone and country still on deleted accounts (nothing needs them any more).

The audit log is never purged: decisions, orders, disclosures and breaches must stay provable, and the log
is a hash chain that a deletion would break. One audit record ``retention:purge`` per run, with the counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from senim import audit
from senim.audit import Actor
from senim.config import Settings
from senim.models import (
    AccountStatus,
    Appeal,
    AppealStatus,
    CaseStatus,
    Complaint,
    ComplaintStatus,
    ContentItem,
    Decision,
    DecisionStatus,
    ItemStatus,
    Job,
    JobStatus,
    LegalHold,
    LoginAttempt,
    ModerationCase,
    Notification,
    User,
    UserSession,
)
from senim.privacy.inventory import retention_days
from senim.translation.service import translation_service

SYSTEM = Actor.system("retention")
CHUNK = 500
FINISHED = (JobStatus.succeeded, JobStatus.cancelled, JobStatus.dead)
CLASSES = (
    "sessions",
    "login_attempts",
    "notifications",
    "finished_jobs",
    "deleted_content",
    "complaint_contacts",
    "deleted_accounts",
)


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _cutoff(settings: Settings, name: str, now: datetime) -> datetime:
    return now - timedelta(days=retention_days(settings, name))


def purge_sessions(session: Session, cutoff: datetime) -> int:
    ended = or_(
        and_(UserSession.revoked_at.is_not(None), UserSession.revoked_at < cutoff),
        UserSession.expires_at < cutoff,
    )
    return _rowcount(session.execute(delete(UserSession).where(ended)))


def purge_login_attempts(session: Session, cutoff: datetime) -> int:
    return _rowcount(session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff)))


def purge_notifications(session: Session, cutoff: datetime) -> int:
    return _rowcount(session.execute(delete(Notification).where(Notification.created_at < cutoff)))


def purge_finished_jobs(session: Session, cutoff: datetime) -> int:
    finished = and_(Job.status.in_(FINISHED), func.coalesce(Job.finished_at, Job.created_at) < cutoff)
    return _rowcount(session.execute(delete(Job).where(finished)))


def _erasable_items(cutoff: datetime, now: datetime) -> ColumnElement[bool]:
    """Deleted or removed posts and comments whose text may be erased now."""
    held = exists().where(LegalHold.item_id == ContentItem.id, LegalHold.released_at.is_(None))
    open_case = exists().where(
        ModerationCase.item_id == ContentItem.id, ModerationCase.status == CaseStatus.open
    )
    appealable = exists().where(
        Decision.item_id == ContentItem.id,
        Decision.status == DecisionStatus.in_force,
        Decision.appealable_until.is_not(None),
        Decision.appealable_until > now,
    )
    appealed = exists().where(
        Appeal.decision_id == Decision.id,
        Decision.item_id == ContentItem.id,
        Appeal.status == AppealStatus.received,
    )
    # A removed item's row was last changed no earlier than its removal, so ``updated_at`` before the
    # cutoff means removed before it (a later change only makes the wait longer).
    gone = or_(
        and_(ContentItem.status == ItemStatus.deleted, ContentItem.deleted_at < cutoff),
        and_(ContentItem.status == ItemStatus.removed, ContentItem.updated_at < cutoff),
    )
    return and_(gone, ContentItem.body != "", ~held, ~open_case, ~appealable, ~appealed)


def erase_deleted_content(session: Session, cutoff: datetime, now: datetime) -> int:
    """Erase the text (and its translations) of deleted or removed items past the period; the row stays."""
    erased = 0
    condition = _erasable_items(cutoff, now)
    while True:
        items = list(
            session.scalars(select(ContentItem).where(condition).order_by(ContentItem.id).limit(CHUNK))
        )
        if not items:
            return erased
        for item in items:
            translation_service.forget(session, item.body)
            item.body = ""
        session.flush()
        erased += len(items)


def erase_complaint_contacts(session: Session, cutoff: datetime) -> int:
    """The name and address of people who complained without an account, the period after the answer."""
    appeal_open = exists().where(Appeal.complaint_id == Complaint.id, Appeal.status == AppealStatus.received)
    condition = and_(
        Complaint.complainant_id.is_(None),
        Complaint.status == ComplaintStatus.answered,
        Complaint.answered_at < cutoff,
        or_(Complaint.contact_email.is_not(None), Complaint.contact_name.is_not(None)),
        ~appeal_open,
    )
    erased = 0
    while True:
        # Through the ORM, attribute by attribute, so whatever the model keeps with an address goes too.
        complaints = list(
            session.scalars(select(Complaint).where(condition).order_by(Complaint.id).limit(CHUNK))
        )
        if not complaints:
            return erased
        for complaint in complaints:
            complaint.contact_name = None
            complaint.contact_email = None
        session.flush()
        erased += len(complaints)


def erase_deleted_account_leftovers(session: Session) -> int:
    """The phone and country a deleted account still holds (account deletion erases the rest)."""
    condition = and_(
        User.status == AccountStatus.deleted, or_(User.phone.is_not(None), User.country.is_not(None))
    )
    erased = 0
    while True:
        users = list(session.scalars(select(User).where(condition).order_by(User.id).limit(CHUNK)))
        if not users:
            return erased
        for user in users:
            user.phone = None
            user.country = None
        session.flush()
        erased += len(users)


def purge(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Delete or erase every class past its retention period; returns the counts per class, audited once."""
    cutoffs = {
        "sessions": _cutoff(settings, "retention_sessions_days", now),
        "login_attempts": _cutoff(settings, "retention_login_attempts_days", now),
        "notifications": _cutoff(settings, "retention_notifications_days", now),
        "finished_jobs": _cutoff(settings, "retention_finished_jobs_days", now),
        "deleted_content": _cutoff(settings, "retention_deleted_content_days", now),
        "complaint_contacts": _cutoff(settings, "retention_complaint_contact_days", now),
    }
    counts = {
        "sessions": purge_sessions(session, cutoffs["sessions"]),
        "login_attempts": purge_login_attempts(session, cutoffs["login_attempts"]),
        "notifications": purge_notifications(session, cutoffs["notifications"]),
        "finished_jobs": purge_finished_jobs(session, cutoffs["finished_jobs"]),
        "deleted_content": erase_deleted_content(session, cutoffs["deleted_content"], now),
        "complaint_contacts": erase_complaint_contacts(session, cutoffs["complaint_contacts"]),
        "deleted_accounts": erase_deleted_account_leftovers(session),
    }
    audit.record(
        session,
        actor=SYSTEM,
        tag="retention:purge",
        data={"counts": counts, "before": {k: v.isoformat() for k, v in cutoffs.items()}, "law": "LAW-74"},
    )
    return counts
