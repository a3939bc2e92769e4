"""The data subject's side of personal data protection: consent records (LAW-73), requests with their
statutory clocks answered by the data protection officer (withdrawal of consent, LAW-75; blocking,
destruction and correction, LAW-76), the person's own copy of their data (LAW-77, 82), and the log of
staff views of a person's personal data with their purpose."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from senim import audit
from senim.account.service import account_service
from senim.ads.service import ads_service
from senim.audit import Actor
from senim.config import Settings
from senim.errors import NotFound
from senim.kit.clock import utcnow
from senim.kit.text import clean
from senim.models import (
    AccessLogEntry,
    AccountStatus,
    Appeal,
    Complaint,
    Consent,
    ContentItem,
    Decision,
    DocumentAcceptance,
    Notification,
    Role,
    Strike,
    SubjectRequest,
    SubjectRequestKind,
    SubjectRequestStatus,
    User,
    UserSession,
)
from senim.moderation.policy import tracking_number
from senim.notification.service import notification_service
from senim.privacy import policy, transfers
from senim.privacy.errors import PrivacyInvalid, RequestClosed, RequestNotFound
from senim.web.i18n import N_

SYSTEM = Actor.system("privacy")
NEW_REQUEST = N_("A data subject's request {number} ({kind}) is due {due}.")
ANSWERED = N_("Your request {number} about your personal data is answered: {status}.")
CLOCK_BREACH = N_("The data subject's request {number} is past its statutory deadline ({due}).")
# What a person's export holds, most recent first, at most this many of each.
EXPORT_LIMIT = 10_000


class PrivacyService:
    # --- consent ------------------------------------------------------------------------------
    def record_consent(
        self,
        session: Session,
        user: User,
        *,
        settings: Settings,
        policy_version: str,
        method: str,
        actor: Actor | None = None,
    ) -> Consent:
        """The consent a person gives (at registration through the form, or an integrating platform
        passing on the consent it obtained), with the terms the law asks it to state."""
        terms = self.consent_terms(settings)
        consent = Consent(
            id=uuid.uuid4(),
            user_id=user.id,
            operator_name=terms["operator_name"],
            operator_bin=terms["operator_bin"],
            policy_version=policy_version,
            language=user.language,
            data_list=terms["data_list"],
            purposes=terms["purposes"],
            duration=terms["duration"],
            third_parties=terms["third_parties"],
            cross_border=terms["cross_border"],
            published=terms["published"],
            method=method,
            text_sha256=policy.terms_sha256(terms),
            given_at=utcnow(),
        )
        session.add(consent)
        session.flush()
        audit.record(
            session,
            actor=actor or (Actor.of(user) if method == "web_form" else SYSTEM),
            tag="consent:give",
            target=user,
            data={"consent": str(consent.id), "method": method, "policy_version": policy_version},
        )
        return consent

    def consent_terms(self, settings: Settings) -> dict[str, Any]:
        """The terms a consent given now states (the sign-up page shows ``policy.consent_statement``)."""
        return policy.consent_terms(
            settings.operator_name,
            settings.operator_bin,
            settings.data_location,
            **transfers.consent_flags(settings),
        )

    def consents(self, session: Session, user: User) -> list[Consent]:
        return list(
            session.scalars(
                select(Consent).where(Consent.user_id == user.id).order_by(Consent.given_at.desc())
            )
        )

    # --- requests -----------------------------------------------------------------------------
    def file_request(self, session: Session, user: User, kind: str, details: str = "") -> SubjectRequest:
        """The person asks; the clock starts (working days, Kazakhstan calendar); the data protection
        officers are told."""
        try:
            request_kind = SubjectRequestKind(kind)
        except ValueError as exc:
            raise PrivacyInvalid("Choose what you ask for.") from exc
        details = clean(details).strip()
        if len(details) > policy.MAX_DETAILS:
            raise PrivacyInvalid("The description is too long.")
        if request_kind is not SubjectRequestKind.withdraw_consent and not details:
            raise PrivacyInvalid("Say which data and why.")
        open_same = session.scalar(
            select(SubjectRequest.number).where(
                SubjectRequest.user_id == user.id,
                SubjectRequest.kind == request_kind,
                SubjectRequest.status == SubjectRequestStatus.received,
            )
        )
        if open_same is not None:
            raise RequestClosed("You have asked this already: request {number} is open.", number=open_same)
        received = utcnow()
        request = SubjectRequest(
            id=uuid.uuid4(),
            number=self._number(session),
            user_id=user.id,
            kind=request_kind,
            details=details,
            received_at=received,
            due_at=policy.clock(request_kind).due_at(received),
        )
        session.add(request)
        session.flush()
        audit.record(
            session,
            actor=Actor.of(user),
            tag="subject_request:file",
            target=request,
            data={"number": request.number, "kind": request.kind, "law": policy.LAW_IDS[request_kind]},
        )
        self._tell_officers(session, request, NEW_REQUEST)
        return request

    def decide(
        self, session: Session, officer: User, number: str, *, grant: bool, answer: str
    ) -> SubjectRequest:
        """The data protection officer grants the request (saying what was done) or refuses it with
        reasons; granting a withdrawal of consent withdraws it and closes the account (nothing is processed
        any more, except what the law keeps: legal holds, the audit log)."""
        request = session.scalars(
            select(SubjectRequest).where(SubjectRequest.number == number.strip().upper()).with_for_update()
        ).one_or_none()
        if request is None:
            raise RequestNotFound("No such request.")
        if request.status != SubjectRequestStatus.received:
            raise RequestClosed("This request has been answered already.")
        answer = clean(answer).strip()
        if not answer:
            raise PrivacyInvalid("Say what was done, or the reasons for refusing.")
        if len(answer) > policy.MAX_ANSWER:
            raise PrivacyInvalid("The answer is too long.")
        person = session.get(User, request.user_id)
        if person is None:
            raise RequestNotFound("No such request.")
        request.status = SubjectRequestStatus.done if grant else SubjectRequestStatus.refused
        request.decided_by_id, request.decided_at, request.answer = officer.id, utcnow(), answer
        data: dict[str, Any] = {"number": request.number, "kind": request.kind, "status": request.status}
        if grant and request.kind == SubjectRequestKind.withdraw_consent:
            for consent in self.consents(session, person):
                if consent.withdrawn_at is None:
                    consent.withdrawn_at = utcnow()
            if person.status == AccountStatus.deleted:  # the person deleted it themselves meanwhile
                data["account_closed"] = "already"
            else:
                data["account_closed"] = account_service.close_account(session, Actor.of(officer), person)
        audit.record(
            session, actor=Actor.of(officer), tag="subject_request:decide", target=request, data=data
        )
        notification_service.notify(
            session,
            person,
            ANSWERED,
            {"number": request.number, "status": policy.STATUS_LABELS[request.status]},
            link="/account/privacy",
        )
        return request

    def sweep_clocks(self, session: Session, now: datetime | None = None) -> int:
        """Requests past their deadline: the data protection officers and administrators are told, once."""
        now = now or utcnow()
        late = session.scalars(
            select(SubjectRequest)
            .where(
                SubjectRequest.status == SubjectRequestStatus.received,
                SubjectRequest.breached_at.is_(None),
                SubjectRequest.due_at <= now,
            )
            .with_for_update(skip_locked=True)
        ).all()
        for request in late:
            request.breached_at = now
            audit.record(session, actor=SYSTEM, tag="subject_request:clock_breach", target=request, data={})
            self._tell_officers(session, request, CLOCK_BREACH, admins=True)
        return len(late)

    def requests_of(self, session: Session, user: User) -> list[SubjectRequest]:
        return list(
            session.scalars(
                select(SubjectRequest)
                .where(SubjectRequest.user_id == user.id)
                .order_by(SubjectRequest.received_at.desc())
            )
        )

    def open_requests(self, session: Session, limit: int = 500) -> list[SubjectRequest]:
        """Open requests first, soonest due first, then the answered ones."""
        return list(
            session.scalars(
                select(SubjectRequest)
                .order_by(SubjectRequest.status != SubjectRequestStatus.received, SubjectRequest.due_at)
                .limit(limit)
            )
        )

    def get(self, session: Session, number: str) -> SubjectRequest:
        request = session.scalars(
            select(SubjectRequest).where(SubjectRequest.number == number.strip().upper())
        ).one_or_none()
        if request is None:
            raise RequestNotFound("No such request.")
        return request

    def _number(self, session: Session) -> str:
        while True:
            number = tracking_number(secrets.token_bytes(8), prefix="P")
            if session.scalar(select(SubjectRequest.id).where(SubjectRequest.number == number)) is None:
                return number

    def _tell_officers(
        self, session: Session, request: SubjectRequest, message: str, *, admins: bool = False
    ) -> None:
        roles = (
            (Role.data_protection_officer, Role.administrator) if admins else (Role.data_protection_officer,)
        )
        for officer in account_service.active_with_roles(session, *roles):
            notification_service.notify(
                session,
                officer,
                message,
                {
                    "number": request.number,
                    "kind": policy.KIND_LABELS[SubjectRequestKind(request.kind)],
                    "due": request.due_at.isoformat(timespec="minutes"),
                },
                link=f"/console/privacy/requests/{request.number}",
            )

    # --- the person's own copy ----------------------------------------------------------------
    def export(self, session: Session, user: User) -> dict[str, Any]:
        """Everything Senim holds about the person, as they may see it (LAW-77 free access, LAW-82):
        the account, consents and documents accepted, what they published, complaints and appeals they
        filed, decisions about them and strikes, notices, requests, sessions — and who on the staff looked
        at their personal data, when and why."""

        def iso(value: object) -> object:
            return value.isoformat() if hasattr(value, "isoformat") else value

        items = session.scalars(
            select(ContentItem)
            .where(ContentItem.author_id == user.id)
            .order_by(ContentItem.created_at.desc())
            .limit(EXPORT_LIMIT)
        )
        own_items = select(ContentItem.id).where(ContentItem.author_id == user.id)
        decisions = session.scalars(
            select(Decision)
            .where(or_(Decision.account_id == user.id, Decision.item_id.in_(own_items)))
            .order_by(Decision.decided_at.desc())
            .limit(EXPORT_LIMIT)
        )
        return {
            "account": {
                "id": str(user.id),
                "username": user.username,
                "display_name": user.display_name,
                "email": user.email,
                "phone": user.phone,
                "country": user.country,
                "date_of_birth": iso(user.date_of_birth),
                "language": user.language,
                "bio": user.bio,
                "status": user.status,
                "registered_at": iso(user.created_at),
            },
            "consents": [
                {
                    "given_at": iso(c.given_at),
                    "withdrawn_at": iso(c.withdrawn_at),
                    "operator": c.operator_name,
                    "operator_bin": c.operator_bin,
                    "data": c.data_list,
                    "purposes": c.purposes,
                    "duration": c.duration,
                    "third_parties": c.third_parties,
                    "cross_border": c.cross_border,
                    "published": c.published,
                    "policy_version": c.policy_version,
                    "method": c.method,
                }
                for c in self.consents(session, user)
            ],
            "documents_accepted": [
                {
                    "kind": d.kind,
                    "version": d.version,
                    "language": d.language,
                    "accepted_at": iso(d.accepted_at),
                }
                for d in session.scalars(
                    select(DocumentAcceptance).where(DocumentAcceptance.user_id == user.id)
                )
            ],
            "posts_and_comments": [
                {
                    "id": str(i.id),
                    "kind": i.kind,
                    "status": i.status,
                    "created_at": iso(i.created_at),
                    "body": i.body,
                }
                for i in items
            ],
            "complaints_filed": [
                {
                    "number": c.number,
                    "category": c.category,
                    "status": c.status,
                    "received_at": iso(c.received_at),
                }
                for c in session.scalars(select(Complaint).where(Complaint.complainant_id == user.id))
            ],
            "decisions_about_you": [
                {"id": str(d.id), "action": d.action, "category": d.category, "decided_at": iso(d.decided_at)}
                for d in decisions
            ],
            "appeals": [
                {
                    "decision_id": str(a.decision_id),
                    "reason": a.reason,
                    "status": a.status,
                    "outcome": a.outcome,
                    "received_at": iso(a.received_at),
                }
                for a in session.scalars(
                    select(Appeal).where(Appeal.appellant_id == user.id).order_by(Appeal.received_at.desc())
                )
            ],
            "strikes": [
                {
                    "kind": k.kind,
                    "weight": k.weight,
                    "given_at": iso(k.created_at),
                    "removed_at": iso(k.removed_at),
                }
                for k in session.scalars(
                    select(Strike).where(Strike.user_id == user.id).order_by(Strike.created_at.desc())
                )
            ],
            "notifications": session.scalar(
                select(func.count()).select_from(Notification).where(Notification.user_id == user.id)
            ),
            "requests": [
                {
                    "number": r.number,
                    "kind": r.kind,
                    "status": r.status,
                    "received_at": iso(r.received_at),
                    "due_at": iso(r.due_at),
                    "answer": r.answer or None,
                }
                for r in self.requests_of(session, user)
            ],
            "sessions": [
                {
                    "started_at": iso(s.created_at),
                    "expires_at": iso(s.expires_at),
                    "ended_at": iso(s.revoked_at),
                }
                for s in session.scalars(select(UserSession).where(UserSession.user_id == user.id))
            ],
            **ads_service.data_of(session, user),
            "staff_views_of_your_data": [
                {"at": iso(e.at), "purpose": e.purpose, "fields": e.fields}
                for e in session.scalars(
                    select(AccessLogEntry)
                    .where(AccessLogEntry.subject_id == user.id)
                    .order_by(AccessLogEntry.at.desc())
                )
            ],
        }

    # --- staff views --------------------------------------------------------------------------
    def view_personal_data(
        self, session: Session, staff: User, subject_id: uuid.UUID, *, purpose: str, note: str = ""
    ) -> tuple[User, dict[str, Any]]:
        """A staff member opens a person's personal data for a stated purpose; the view is logged first."""
        if purpose not in policy.PURPOSES:
            raise PrivacyInvalid("Choose why you open this person's personal data.")
        note = clean(note).strip()[:500]
        person = session.get(User, subject_id)
        if person is None or person.is_external:
            raise NotFound("No such account.")
        shown = {
            "email": person.email,
            "phone": person.phone,
            "country": person.country,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        }
        entry = AccessLogEntry(
            id=uuid.uuid4(),
            staff_id=staff.id,
            subject_id=person.id,
            purpose=purpose,
            note=note,
            fields=sorted(shown),
            at=utcnow(),
        )
        session.add(entry)
        session.flush()
        audit.record(
            session,
            actor=Actor.of(staff),
            tag="personal_data:view",
            target=person,
            data={"purpose": purpose, "fields": entry.fields},
        )
        return person, shown

    def access_log(
        self,
        session: Session,
        *,
        staff_id: uuid.UUID | None = None,
        subject_id: uuid.UUID | None = None,
        purpose: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 500,
    ) -> list[AccessLogEntry]:
        query = select(AccessLogEntry).order_by(AccessLogEntry.at.desc()).limit(limit)
        if staff_id is not None:
            query = query.where(AccessLogEntry.staff_id == staff_id)
        if subject_id is not None:
            query = query.where(AccessLogEntry.subject_id == subject_id)
        if purpose:
            query = query.where(AccessLogEntry.purpose == purpose)
        if since is not None:
            query = query.where(AccessLogEntry.at >= since)
        if until is not None:
            query = query.where(AccessLogEntry.at < until)
        return list(session.scalars(query))


privacy_service = PrivacyService()
