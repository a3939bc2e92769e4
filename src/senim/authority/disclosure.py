"""Disclosure of information about users to a state body on a lawful basis (LAW-23).

Two people: a legal officer prepares the disclosure of an accepted request (the fields it names, any
withheld with the reason, whether the affected people may be told); a second person — another legal
officer or the data protection officer, never the preparer — approves it or returns it with reasons.
Approval builds the **minimal package**: only the named fields of the named people, with what was not
disclosed and why, as JSON and PDF with a manifest of SHA-256 hashes, in an AES-256 encrypted archive.
The password is shown once to the approver, who gives it to the body by another channel (recorded);
it is never stored. Delivery is a job (a webhook to the body, or the legal officer hands over a letter's
archive); the body acknowledges receipt; the order's completion report names the package's hash.
Nobody sees the disclosed values in the console: they exist only inside the archive.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import FileResponse

from senim import audit
from senim.account.policy import Perm, has_perm
from senim.account.service import account_service
from senim.audit import Actor
from senim.authority import package, policy
from senim.authority.errors import FourEyes, OrderClosed, OrderInvalid, OrderNotFound
from senim.authority.service import order_service
from senim.config import Settings
from senim.content import media
from senim.jobs import enqueue
from senim.kit.clock import utcnow
from senim.kit.text import clean
from senim.models import (
    AccountStatus,
    ContentItem,
    Disclosure,
    DisclosureStatus,
    OrderStatus,
    Role,
    StateOrder,
    User,
    UserSession,
)
from senim.notification.service import notification_service
from senim.web.i18n import N_

DELIVER_JOB = "authority.deliver_disclosure"
EVENT_READY = "disclosure.ready"
LIVE = (
    DisclosureStatus.awaiting_approval,
    DisclosureStatus.approved,
    DisclosureStatus.delivered,
    DisclosureStatus.acknowledged,
)
AWAITING = N_("Disclosure for order {number} awaits the approval of a second person.")
RETURNED = N_("Your disclosure for order {number} was returned: {reason}")
TOLD = N_(
    "Information about your account ({fields}) was given to {body} on the basis of {basis}, as the law "
    "requires (order {number})."
)
# Fields that Senim does not keep at all: asked for, they are listed as not held.
NOT_KEPT = frozenset({"login_addresses"})


class DisclosureService:
    # --- preparing ----------------------------------------------------------------------------
    def prepare(
        self,
        session: Session,
        user: User,
        number: str,
        *,
        withheld: dict[str, str] | None = None,
        tell_affected: bool = True,
        not_told_reason: str = "",
    ) -> Disclosure:
        """A legal officer prepares the disclosure of an accepted request: the fields named, less any
        withheld with the reason; whether the affected people are told (or the law that keeps it from
        them). It then waits for a second person."""
        order = order_service.get_for(session, user, number, for_update=True)
        if not has_perm(user.role, Perm.orders_manage):
            raise OrderNotFound("No such order.")
        if order.status != OrderStatus.accepted or "disclose" not in order.measures:
            raise OrderClosed("Only an accepted request for information about users is disclosed.")
        if self.live(session, order) is not None:
            raise OrderClosed("A disclosure for this order is prepared already.")
        withheld = {k: clean(v).strip()[:1000] for k, v in (withheld or {}).items()}
        problems = [
            f"withheld.{k}: not a field the request names"
            for k in withheld
            if k not in order.requested_fields
        ]
        problems += [f"withheld.{k}: give the reason" for k, v in withheld.items() if not v]
        if problems:
            raise OrderInvalid("The disclosure is not valid.", fields=problems)
        fields = [f for f in order.requested_fields if f not in withheld]
        if not fields:
            raise OrderInvalid("Every field is withheld: reject the request or answer it instead.")
        not_told_reason = clean(not_told_reason).strip()[:2000]
        if not tell_affected and not not_told_reason:
            raise OrderInvalid(
                "Record why the affected people are not told (the law that keeps it from them)."
            )
        disclosure = Disclosure(
            id=uuid.uuid4(),
            order_id=order.id,
            status=DisclosureStatus.awaiting_approval,
            fields=fields,
            withheld=[{"field": k, "reason": "withheld", "note": v} for k, v in sorted(withheld.items())],
            prepared_by_id=user.id,
            tell_affected=tell_affected,
            not_told_reason="" if tell_affected else not_told_reason,
        )
        session.add(disclosure)
        session.flush()
        audit.record(
            session,
            actor=Actor.of(user),
            tag="disclosure:prepare",
            target=disclosure,
            data={"number": order.number, "fields": fields, "withheld": sorted(withheld)},
        )
        for approver in account_service.active_with_roles(
            session, Role.legal_officer, Role.data_protection_officer
        ):
            if approver.id != user.id:
                notification_service.notify(
                    session,
                    approver,
                    AWAITING,
                    {"number": order.number},
                    link=f"/console/orders/{order.number}",
                )
        return disclosure

    # --- the second pair of eyes --------------------------------------------------------------
    def approve(
        self,
        session: Session,
        user: User,
        disclosure_id: uuid.UUID,
        *,
        password_channel: str,
        settings: Settings,
    ) -> tuple[Disclosure, str]:
        """A second person approves: the package is built, encrypted and stored, its delivery queued, the
        order executed. Returns the archive's password, shown this once."""
        disclosure, order = self._awaiting(session, user, disclosure_id)
        password_channel = clean(password_channel).strip()[:300]
        if not password_channel:
            raise OrderInvalid("Say how the password reaches the body (not with the archive).")
        prepared_by = session.get(User, disclosure.prepared_by_id)
        now = utcnow()
        disclosure.decided_by_id, disclosure.decided_at = user.id, now
        document = self.document(
            session, order, disclosure, settings=settings, prepared_by=prepared_by, approved_by=user
        )
        body = session.get(User, order.principal_id) if order.principal_id else None
        built = package.build_package(document, language=body.language if body else settings.default_language)
        key = f"disclosures/{disclosure.id}.zip"
        media.write_file(settings.media_dir, key, built.archive)
        disclosure.status = DisclosureStatus.approved
        disclosure.archive_key, disclosure.archive_sha256 = key, built.sha256
        disclosure.archive_size, disclosure.manifest = len(built.archive), built.manifest
        disclosure.password_channel = password_channel
        subjects = [s["account_id"] for s in document["subjects"]]
        audit.record(
            session,
            actor=Actor.of(user),
            tag="disclosure:approve",
            target=disclosure,
            data={
                "number": order.number,
                "prepared_by": str(disclosure.prepared_by_id),
                "fields": disclosure.fields,
                "subjects": subjects,
                "archive_sha256": built.sha256,
                "password_channel": password_channel,
            },
        )
        order.affected_told, order.not_told_reason = disclosure.tell_affected, disclosure.not_told_reason
        if disclosure.tell_affected:
            self._tell_subjects(session, order, disclosure, subjects)
        done = [
            {
                "target": s["target"].get("id", s["target"].get("url")),
                "measure": "disclose",
                "result": "disclosed",
            }
            for s in document["subjects"]
        ] + [
            {
                "target": t["target"].get("id") or t["target"].get("url"),
                "measure": "disclose",
                "result": t["reason"],
            }
            for t in document["targets_not_found"]
        ]
        order_service.complete(session, Actor.of(user), order, done)
        enqueue(
            session,
            DELIVER_JOB,
            {"disclosure_id": str(disclosure.id)},
            idempotency_key=f"disclosure:{disclosure.id}",
        )
        return disclosure, built.password

    def return_to_preparer(
        self, session: Session, user: User, disclosure_id: uuid.UUID, reason: str
    ) -> Disclosure:
        """The second person sends it back with reasons; nothing is disclosed; it may be prepared again."""
        disclosure, order = self._awaiting(session, user, disclosure_id)
        reason = clean(reason).strip()[:2000]
        if not reason:
            raise OrderInvalid("Give the reasons for returning the disclosure.")
        disclosure.status = DisclosureStatus.returned
        disclosure.decided_by_id, disclosure.decided_at, disclosure.return_reason = user.id, utcnow(), reason
        audit.record(
            session,
            actor=Actor.of(user),
            tag="disclosure:return",
            target=disclosure,
            data={"number": order.number, "reason": reason},
        )
        preparer = session.get(User, disclosure.prepared_by_id)
        if preparer is not None:
            notification_service.notify(
                session,
                preparer,
                RETURNED,
                {"number": order.number, "reason": reason},
                link=f"/console/orders/{order.number}",
            )
        return disclosure

    def _awaiting(
        self, session: Session, user: User, disclosure_id: uuid.UUID
    ) -> tuple[Disclosure, StateOrder]:
        disclosure = session.scalars(
            select(Disclosure).where(Disclosure.id == disclosure_id).with_for_update()
        ).one_or_none()
        if disclosure is None or not has_perm(user.role, Perm.disclosures_approve):
            raise OrderNotFound("No such disclosure.")
        order = order_service.get_by_id(session, user, disclosure.order_id)
        if disclosure.status != DisclosureStatus.awaiting_approval:
            raise OrderClosed("This disclosure has been decided already.")
        if disclosure.prepared_by_id == user.id:
            raise FourEyes("You prepared this disclosure: a second person must approve or return it.")
        return disclosure, order

    # --- the package --------------------------------------------------------------------------
    def document(
        self,
        session: Session,
        order: StateOrder,
        disclosure: Disclosure,
        *,
        settings: Settings,
        prepared_by: User | None,
        approved_by: User | None,
    ) -> dict[str, Any]:
        """What the package holds: for every person the request names (an account, or a post's author),
        the approved fields only; every other field listed as not disclosed, with why."""
        withheld = {w["field"]: w for w in disclosure.withheld}
        subjects: list[dict[str, Any]] = []
        not_found: list[dict[str, Any]] = []
        for target in order.targets:
            account = self._subject(session, target)
            if account is None:
                reason = "not_on_platform" if target["type"] == "url" else "not_found"
                not_found.append({"target": target, "reason": reason})
                continue
            data: dict[str, Any] = {}
            missing: list[dict[str, Any]] = []
            for field in order.requested_fields:
                if field in withheld:
                    missing.append(withheld[field])
                    continue
                value = (
                    None if account.status == AccountStatus.deleted else self._value(session, account, field)
                )
                if value in (None, "", []):
                    reason = "account_erased" if account.status == AccountStatus.deleted else "not_held"
                    missing.append({"field": field, "reason": reason})
                else:
                    data[field] = value
            subjects.append(
                {"target": target, "account_id": str(account.id), "data": data, "not_disclosed": missing}
            )
        return {
            "platform": {"name": settings.operator_name, "bin": settings.operator_bin},
            "order": {
                "number": order.number,
                "issuing_body": order.issuing_body,
                "reference": order.reference,
                "kind": order.kind,
                "legal_basis": {
                    "type": order.basis_type,
                    "number": order.basis_number,
                    "date": order.basis_date,
                    "article": order.basis_article,
                },
                "received_at": order.received_at.isoformat(),
            },
            "disclosure_id": str(disclosure.id),
            "prepared_at": disclosure.created_at.isoformat(),
            "prepared_by": prepared_by.display_name if prepared_by else "",
            "approved_by": approved_by.display_name if approved_by else "",
            "approved_at": disclosure.decided_at.isoformat() if disclosure.decided_at else None,
            "requested_fields": list(order.requested_fields),
            "subjects": subjects,
            "not_disclosed": [
                {"field": f, "reason": "not_requested"}
                for f in sorted(policy.USER_FIELDS - set(order.requested_fields))
            ],
            "targets_not_found": not_found,
        }

    def _subject(self, session: Session, target: dict[str, str]) -> User | None:
        if target["type"] == "account":
            return session.get(User, uuid.UUID(target["id"]))
        if target["type"] == "item":
            item = session.get(ContentItem, uuid.UUID(target["id"]))
            return session.get(User, item.author_id) if item is not None else None
        return None

    def _value(self, session: Session, account: User, field: str) -> Any:
        """One field of one account, as disclosed (policy.USER_FIELDS)."""
        match field:
            case "username" | "display_name" | "email" | "phone":
                return getattr(account, field)
            case "date_of_birth":
                return account.date_of_birth.isoformat() if account.date_of_birth else None
            case "registered_at":
                return account.created_at.isoformat()
            case "last_login_at":
                last = session.scalar(
                    select(UserSession.created_at)
                    .where(UserSession.user_id == account.id)
                    .order_by(UserSession.created_at.desc())
                    .limit(1)
                )
                return last.isoformat() if last else None
            case "content_ids":
                return [
                    str(i)
                    for i in session.scalars(
                        select(ContentItem.id)
                        .where(ContentItem.author_id == account.id)
                        .order_by(ContentItem.created_at)
                    )
                ]
        if field in NOT_KEPT:
            return None
        raise ValueError(f"unknown user field {field!r}")

    def _tell_subjects(
        self, session: Session, order: StateOrder, disclosure: Disclosure, subjects: list[str]
    ) -> None:
        basis = " ".join(x for x in (order.basis_number, order.basis_date or "", order.basis_article) if x)
        for account_id in dict.fromkeys(subjects):
            account = session.get(User, uuid.UUID(account_id))
            if account is not None and account.status != AccountStatus.deleted:
                notification_service.notify(
                    session,
                    account,
                    TOLD,
                    {
                        "fields": ", ".join(disclosure.fields),
                        "body": order.issuing_body,
                        "basis": basis,
                        "number": order.number,
                    },
                )

    # --- delivery and acknowledgement ---------------------------------------------------------
    def deliver(self, session: Session, disclosure_id: uuid.UUID) -> None:
        """The delivery job: a body that sends orders through the API is told the package is ready
        (webhook, ids and hash only); for a letter, a legal officer hands over the archive and records it.
        Idempotent."""
        disclosure = session.get(Disclosure, disclosure_id)
        if disclosure is None or disclosure.status != DisclosureStatus.approved:
            return
        order = session.get(StateOrder, disclosure.order_id)
        if order is None or order.principal_id is None:
            return
        notification_service.emit(
            session,
            order.principal_id,
            EVENT_READY,
            self.summary(disclosure) | {"number": order.number},
            event_id=disclosure.id,
        )
        self._mark_delivered(session, Actor.system("orders"), disclosure, channel="api")

    def record_handover(
        self, session: Session, user: User, disclosure_id: uuid.UUID, channel: str
    ) -> Disclosure:
        """A legal officer records handing a letter's archive to the body (the channel named)."""
        disclosure = self._get(session, user, disclosure_id, lock=True)
        if not has_perm(user.role, Perm.orders_manage):
            raise OrderNotFound("No such disclosure.")
        if disclosure.status != DisclosureStatus.approved:
            raise OrderClosed("This package has been delivered already.")
        channel = clean(channel).strip()[:300]
        if not channel:
            raise OrderInvalid("Say how the archive was handed over.")
        self._mark_delivered(session, Actor.of(user), disclosure, channel=channel)
        return disclosure

    def _mark_delivered(
        self, session: Session, actor: Actor, disclosure: Disclosure, *, channel: str
    ) -> None:
        disclosure.status, disclosure.delivered_at = DisclosureStatus.delivered, utcnow()
        audit.record(
            session, actor=actor, tag="disclosure:deliver", target=disclosure, data={"channel": channel}
        )

    def acknowledge(self, session: Session, user: User, disclosure_id: uuid.UUID) -> Disclosure:
        """The body confirms it received the package (through the API or its portal), or a legal officer
        records the body's acknowledgement of a letter's package."""
        disclosure = self._get(session, user, disclosure_id, lock=True)
        if user.role != Role.authorized_body and not has_perm(user.role, Perm.orders_manage):
            raise OrderNotFound("No such disclosure.")
        if disclosure.status == DisclosureStatus.acknowledged:
            return disclosure
        if disclosure.status not in (DisclosureStatus.approved, DisclosureStatus.delivered):
            raise OrderClosed("There is no package to acknowledge.")
        if disclosure.delivered_at is None:
            disclosure.delivered_at = utcnow()
        disclosure.status = DisclosureStatus.acknowledged
        disclosure.acknowledged_at, disclosure.acknowledged_by_id = utcnow(), user.id
        audit.record(session, actor=Actor.of(user), tag="disclosure:acknowledge", target=disclosure, data={})
        return disclosure

    # --- reading ------------------------------------------------------------------------------
    def _get(
        self, session: Session, user: User, disclosure_id: uuid.UUID, *, lock: bool = False
    ) -> Disclosure:
        query = select(Disclosure).where(Disclosure.id == disclosure_id)
        disclosure = session.scalars(query.with_for_update() if lock else query).one_or_none()
        if disclosure is None:
            raise OrderNotFound("No such disclosure.")
        order_service.get_by_id(session, user, disclosure.order_id)  # a body reads only its own
        return disclosure

    def get_for(self, session: Session, user: User, disclosure_id: uuid.UUID) -> Disclosure:
        return self._get(session, user, disclosure_id)

    def for_order(self, session: Session, order: StateOrder) -> list[Disclosure]:
        return list(
            session.scalars(
                select(Disclosure).where(Disclosure.order_id == order.id).order_by(Disclosure.created_at)
            )
        )

    def live(self, session: Session, order: StateOrder) -> Disclosure | None:
        return next((d for d in reversed(self.for_order(session, order)) if d.status in LIVE), None)

    def latest(self, session: Session, order: StateOrder) -> Disclosure | None:
        found = self.for_order(session, order)
        return found[-1] if found else None

    def addressed_to(self, session: Session, body: User) -> list[Disclosure]:
        """The packages built for a body's own requests, newest first."""
        return list(
            session.scalars(
                select(Disclosure)
                .join(StateOrder, StateOrder.id == Disclosure.order_id)
                .where(StateOrder.principal_id == body.id, Disclosure.archive_key.is_not(None))
                .order_by(Disclosure.decided_at.desc())
            )
        )

    def archive_response(self, settings: Settings, disclosure: Disclosure) -> FileResponse:
        """The stored encrypted archive as a download (never cached), for the API, console and portal."""
        path = media.stored_path(settings.media_dir, disclosure.archive_key or "")
        if path is None:
            raise OrderNotFound("No such disclosure.")
        return FileResponse(
            path,
            media_type="application/zip",
            filename=f"disclosure-{disclosure.id}.zip",
            headers={"Cache-Control": "private, no-store", "Digest": f"sha-256={disclosure.archive_sha256}"},
        )

    def summary(self, disclosure: Disclosure) -> dict[str, Any]:
        """What the body may know of a package besides its contents: ids, status, times, hashes."""
        return {
            "id": str(disclosure.id),
            "status": disclosure.status,
            "fields": disclosure.fields,
            "archive": f"/api/v1/disclosures/{disclosure.id}/archive" if disclosure.archive_key else None,
            "archive_sha256": disclosure.archive_sha256,
            "manifest": disclosure.manifest or None,
            "approved_at": disclosure.decided_at.isoformat()
            if disclosure.archive_key and disclosure.decided_at
            else None,
            "delivered_at": disclosure.delivered_at.isoformat() if disclosure.delivered_at else None,
            "acknowledged_at": disclosure.acknowledged_at.isoformat() if disclosure.acknowledged_at else None,
        }


disclosure_service = DisclosureService()
