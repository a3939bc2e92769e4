"""Escalation of content that threatens life or safety to law enforcement (LAW-19, OPL Art. 9(4)(5)).

``escalate`` is one transaction: the escalation, a legal hold on the item (nobody deletes the evidence),
an urgent moderation case, the audit record and the urgent ``escalation.dispatch`` job. The job queues a
signed webhook to every law-enforcement principal (retried until delivered); the escalation stays open
until the recipient's acknowledgement is recorded (their API callback, or a safety officer entering it).
Webhook data holds ids and facts only; the recipient reads the evidence snapshot through the API.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from senim import audit, taxonomy
from senim.account.policy import Perm, has_perm
from senim.account.service import account_service
from senim.audit import Actor
from senim.config import Settings, get_settings
from senim.content.service import content_service
from senim.escalation.errors import EscalationClosed, EscalationInvalid, EscalationNotFound
from senim.jobs import enqueue
from senim.kit.clock import utcnow
from senim.kit.text import clean
from senim.models import (
    ContentItem,
    Escalation,
    EscalationStatus,
    Priority,
    Role,
    User,
)
from senim.moderation.policy import Source, TargetKind, guess_language
from senim.moderation.service import Target, moderation_service
from senim.notification.service import in_language, notification_service
from senim.web.i18n import N_, gettext

DISPATCH_JOB = "escalation.dispatch"
EMAIL_JOB = "escalation.email"
EMAIL_ATTEMPTS = 50  # retried with backoff until the relay takes it
EVENT = "escalation.created"
MAX_REASON = 2_000
EMAIL_SUBJECT = N_("Senim: threat to life or safety, escalation {id} ({category})")
EMAIL_INTRO = N_("Content that threatens life or safety was detected on the platform (OPL Art. 9(4)(5)).")
CLOSED = (EscalationStatus.acknowledged, EscalationStatus.declined)
AWAITING = N_(
    "Escalation {id}: a detected threat to life or safety awaits your confirmation; it is sent to law "
    "enforcement automatically when the time runs out."
)
NO_RECIPIENT = N_(
    "Escalation {id}: no law-enforcement channel is configured. Notify the police by phone now and record "
    "their acknowledgement."
)


class EscalationService:
    def escalate(
        self,
        session: Session,
        item: ContentItem,
        *,
        actor: Actor,
        category: str,
        reason: str,
        source: str,
        signal_id: uuid.UUID | None = None,
        confirm_minutes: int | None = None,
    ) -> Escalation:
        """Escalate ``item`` (idempotent: an escalation not yet closed is returned as it is).

        With ``confirm_minutes`` (a rule that asks for it) the notification waits for a safety officer:
        confirmed, it goes at once; declined, nothing is sent; with no answer in time it goes anyway.
        """
        try:
            threat = taxonomy.versions()[-1].get(category).threat_to_life
        except KeyError:
            threat = False
        if not threat:
            raise EscalationInvalid(
                "Only content that threatens life or safety is escalated to law enforcement."
            )
        reason = clean(reason).strip()[:MAX_REASON]
        if not reason:
            raise EscalationInvalid("Say why the content threatens life or safety.")
        existing = session.scalars(
            select(Escalation).where(Escalation.item_id == item.id, Escalation.status.not_in(CLOSED))
        ).first()
        if existing is not None:
            return existing
        content_service.place_hold(
            session, actor, item, reason=f"escalation: {reason}"[:500], source="escalation"
        )
        case = moderation_service.open_case(
            session,
            target=Target(subject=TargetKind.item, item=item),
            source=Source.detection if source == "detection" else Source.own_initiative,
            queue="urgent",
            priority=1,
            due=utcnow(),
            warn=utcnow(),
            language="kk" if guess_language(item.body) == "kk" else None,
            actor=actor,
        )
        escalation = Escalation(
            id=uuid.uuid4(),
            item_id=item.id,
            category=category,
            source=source,
            reason=reason,
            signal_id=signal_id,
            case_id=case.id,
            created_by_id=actor.id,
            status=EscalationStatus.open,
        )
        if confirm_minutes:
            escalation.status = EscalationStatus.awaiting_confirmation
            escalation.confirm_by = utcnow() + timedelta(minutes=confirm_minutes)
        session.add(escalation)
        session.flush()
        audit.record(
            session,
            actor=actor,
            tag="escalation:create",
            target=escalation,
            data={
                "item_id": item.id,
                "category": category,
                "source": source,
                "confirm_by": escalation.confirm_by,
            },
        )
        # Awaiting confirmation, the same job runs at the deadline and sends unless an officer acted.
        self._queue_dispatch(session, escalation, run_at=escalation.confirm_by)
        if escalation.confirm_by is not None:
            self._tell_officers(session, escalation, AWAITING)
        return escalation

    def _queue_dispatch(
        self, session: Session, escalation: Escalation, *, run_at: datetime | None, key: str = ""
    ) -> None:
        enqueue(
            session,
            DISPATCH_JOB,
            {"escalation_id": str(escalation.id)},
            priority=Priority.urgent,
            run_at=run_at,
            idempotency_key=f"{DISPATCH_JOB}:{escalation.id}{key}",
        )

    def _tell_officers(self, session: Session, escalation: Escalation, message: str) -> None:
        for officer in account_service.active_with_roles(session, Role.safety_officer):
            notification_service.notify(
                session, officer, message, {"id": str(escalation.id)[:8]}, link="/console/escalations"
            )

    def review(
        self, session: Session, user: User, escalation_id: uuid.UUID, *, confirm: bool, note: str
    ) -> Escalation:
        """A safety officer confirms a detected threat (sent at once) or declines it (nothing is sent, the
        legal hold is released; the urgent moderation case stays for a moderator's decision)."""
        escalation = self.get_for(session, user, escalation_id, for_update=True)
        if escalation.status != EscalationStatus.awaiting_confirmation:
            raise EscalationClosed("This escalation no longer awaits confirmation.")
        note = clean(note).strip()[:500]
        if not confirm and not note:
            raise EscalationInvalid("Say why the content does not threaten life or safety.")
        actor = Actor.of(user)
        escalation.reviewed_at, escalation.reviewed_by_id, escalation.review_note = utcnow(), user.id, note
        if confirm:
            escalation.status = EscalationStatus.open
            self._queue_dispatch(session, escalation, run_at=None, key=":confirmed")
        else:
            escalation.status = EscalationStatus.declined
            item = session.get(ContentItem, escalation.item_id)
            if item is not None:
                content_service.release_hold(
                    session,
                    actor,
                    item,
                    reason=f"escalation declined: {note}",
                    source="escalation",
                    placed_for=f"escalation: {escalation.reason}"[:500],
                )
        audit.record(
            session,
            actor=actor,
            tag="escalation:confirm" if confirm else "escalation:decline",
            target=escalation,
            data={"note": note},
        )
        return escalation

    def dispatch(self, session: Session, escalation_id: uuid.UUID, settings: Settings | None = None) -> int:
        """Queue the signed notification to every law-enforcement principal; returns how many deliveries.

        With no channel configured the escalation stays open and safety officers are told at once.
        """
        escalation = session.scalars(
            select(Escalation).where(Escalation.id == escalation_id).with_for_update()
        ).one_or_none()
        if escalation is None or escalation.status not in (
            EscalationStatus.open,
            EscalationStatus.awaiting_confirmation,
        ):
            return 0
        if escalation.status == EscalationStatus.awaiting_confirmation:
            # The confirmation window closed with no answer: a possible threat to life is sent anyway.
            audit.record(
                session, actor=Actor.system("escalation"), tag="escalation:confirm_timeout", target=escalation
            )
        principals = account_service.active_with_roles(session, Role.law_enforcement)
        deliveries = 0
        if (settings or get_settings()).law_enforcement_email:
            enqueue(
                session,
                EMAIL_JOB,
                {"escalation_id": str(escalation.id)},
                priority=Priority.urgent,
                idempotency_key=f"{EMAIL_JOB}:{escalation.id}",
                max_attempts=EMAIL_ATTEMPTS,
            )
            deliveries += 1
        for principal in principals:
            emitted = notification_service.emit(
                session,
                principal.id,
                EVENT,
                self.event_data(session, escalation),
                event_id=escalation.id,
                priority=Priority.urgent,  # ahead of every scan and routine delivery waiting
            )
            deliveries += len(emitted.jobs)
        if deliveries == 0:
            escalation.status = EscalationStatus.open
            self._tell_officers(session, escalation, NO_RECIPIENT)
            audit.record(
                session, actor=Actor.system("escalation"), tag="escalation:no_channel", target=escalation
            )
            return 0
        escalation.status, escalation.dispatched_at = EscalationStatus.dispatched, utcnow()
        audit.record(
            session,
            actor=Actor.system("escalation"),
            tag="escalation:dispatch",
            target=escalation,
            data={"deliveries": deliveries},
        )
        return deliveries

    def event_data(self, session: Session, escalation: Escalation) -> dict[str, object]:
        """What the webhook carries: ids and facts; the evidence is read through the API."""
        category = taxonomy.versions()[-1].get(escalation.category)
        item = session.get(ContentItem, escalation.item_id)
        return {
            "escalation_id": str(escalation.id),
            "category": escalation.category,
            "legal_basis": category.legal_basis,
            "item_id": str(escalation.item_id),
            "author_id": str(item.author_id) if item else None,
            "detected_at": escalation.created_at.isoformat(),
            "evidence_sha256": hashlib.sha256((item.body if item else "").encode()).hexdigest(),
            "url": f"{get_settings().base_url.rstrip('/')}/api/v1/escalations/{escalation.id}",
        }

    def email_text(self, session: Session, escalation: Escalation, settings: Settings) -> tuple[str, str]:
        """Subject and body of the e-mail channel, in the operator's default language: the notification
        in full (sent to the configured law-enforcement contact, never kept in a job payload)."""
        n = self.snapshot(session, escalation)
        where = settings.base_url.rstrip("/") + str(n["where"])
        with in_language(settings.default_language):
            subject = gettext(EMAIL_SUBJECT, id=str(escalation.id)[:8], category=n["category"])
            lines = [
                gettext(EMAIL_INTRO),
                gettext("Escalation: {id}", id=escalation.id),
                gettext("Category: {category} ({basis})", category=n["category"], basis=n["legal_basis"]),
                gettext("Detected at (UTC): {at}", at=n["detected_at"]),
                gettext("Posted at (UTC): {at}", at=n["posted_at"]),
                gettext("Where: {url}", url=where),
                gettext("Account: {account}", account=n["account"]),
                gettext("Why: {reason}", reason=n["reason"]),
                gettext("Evidence SHA-256: {sha}", sha=n["evidence_sha256"]),
                gettext("Text:") + "\n" + str(n["text"]),
                gettext("Acknowledge receipt: POST {url}/acknowledge", url=n["url"]),
            ]
        return subject, "\n\n".join(lines)

    def snapshot(self, session: Session, escalation: Escalation) -> dict[str, object]:
        """The notification in full, for the recipient and safety officers: what, where, when, the account
        (its identifiers, which the law allows), the evidence and why it was detected."""
        item = session.get(ContentItem, escalation.item_id)
        author = session.get(User, item.author_id) if item else None
        return {
            **self.event_data(session, escalation),
            "status": escalation.status,
            "reason": escalation.reason,
            "source": escalation.source,
            "text": item.body if item else "",
            "posted_at": item.created_at.isoformat() if item else None,
            "where": f"/p/{item.parent_id or item.id}" if item else None,
            "account": {"id": str(author.id), "username": author.username} if author else None,
            "dispatched_at": escalation.dispatched_at.isoformat() if escalation.dispatched_at else None,
            "acknowledged_at": escalation.acknowledged_at.isoformat() if escalation.acknowledged_at else None,
            "confirm_by": escalation.confirm_by.isoformat() if escalation.confirm_by else None,
        }

    def acknowledge(
        self, session: Session, user: User, escalation_id: uuid.UUID, reference: str
    ) -> Escalation:
        escalation = self.get_for(session, user, escalation_id, for_update=True)
        if escalation.status == EscalationStatus.declined:
            raise EscalationClosed("This escalation was declined; nothing was sent.")
        if escalation.status == EscalationStatus.awaiting_confirmation:
            raise EscalationClosed(
                "This escalation awaits a safety officer's confirmation; nothing was sent yet."
            )
        if escalation.status != EscalationStatus.acknowledged:
            escalation.status = EscalationStatus.acknowledged
            escalation.acknowledged_at, escalation.acknowledged_by_id = utcnow(), user.id
            escalation.acknowledgement = clean(reference).strip()[:500]
            audit.record(
                session,
                actor=Actor.of(user),
                tag="escalation:acknowledge",
                target=escalation,
                data={"reference": escalation.acknowledgement},
            )
        return escalation

    def get_for(
        self, session: Session, viewer: User, escalation_id: uuid.UUID, *, for_update: bool = False
    ) -> Escalation:
        query = select(Escalation).where(Escalation.id == escalation_id)
        if for_update:
            query = query.with_for_update()
        escalation = session.scalars(query).one_or_none()
        if (
            escalation is None
            or not has_perm(viewer.role, Perm.escalations_read)
            or (viewer.role == Role.law_enforcement and escalation.dispatched_at is None)
        ):
            raise EscalationNotFound("No such escalation.")
        return escalation

    def list(self, session: Session, viewer: User, limit: int = 100) -> list[Escalation]:
        """Not yet closed first (oldest first: the longest wait on top), then the others. Law enforcement
        sees only what was sent to it (nothing awaiting confirmation, nothing declined)."""
        query = select(Escalation).order_by(Escalation.status.in_(CLOSED), Escalation.created_at).limit(limit)
        if viewer.role == Role.law_enforcement:
            query = query.where(Escalation.dispatched_at.is_not(None))
        return list(session.scalars(query))


escalation_service = EscalationService()
