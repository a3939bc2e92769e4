"""The orders desk: orders and requests of state bodies received (signed through the API, or a letter a
legal officer enters with its scanned document), given their statutory clock, reviewed by a legal officer
(the basis verified, or rejected with reasons that go back to the body), and watched by a sweep that warns
before the deadline and escalates after it. Every step is audited; a body sees its own records only.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from senim import audit, taxonomy
from senim.account.policy import Perm, has_perm
from senim.account.service import account_service
from senim.audit import Actor
from senim.authority import policy
from senim.authority.errors import OrderClosed, OrderInvalid, OrderNotFound, SignatureRefused
from senim.authority.policy import OrderIntake, OrderKind
from senim.complaint.evidence import PreparedEvidence, storage_key
from senim.config import Settings
from senim.content import media
from senim.content.service import content_service
from senim.kit import deadlines, encrypted
from senim.kit.clock import ALMATY, utcnow
from senim.kit.text import clean
from senim.models import (
    ContentItem,
    DailyUserCount,
    OrderDocument,
    OrderStatus,
    Role,
    SigningSecret,
    StateOrder,
    User,
)
from senim.moderation.policy import Action, DecisionDraft, GroundKind, Source, TargetKind, tracking_number
from senim.moderation.service import Target, moderation_service
from senim.notification import webhooks
from senim.notification.service import notification_service
from senim.web.i18n import N_

OPEN = (OrderStatus.received, OrderStatus.accepted)
EVENT_EXECUTED = "order.executed"
# Measures taken by the execution step; a disclosure goes through its own four-eyes workflow.
EXECUTABLE = policy.EXECUTED_MEASURES | {"count", "inform"}
ORDER_ACTIONS = {"restrict": Action.geo_restrict, "remove": Action.remove, "suspend": Action.suspend}
# The ground of an order that names none, where the kind says it.
DEFAULT_CATEGORY = {OrderKind.child_cyberbullying: "cyberbullying_child"}
# The decision's facts (a catalog message, read in each reader's language); the order's body, number and
# basis are the decision's source identity.
FACTS = N_(
    "Taken on an order of a state body whose legal basis a legal officer verified; the content or account "
    "is restricted as the order requires."
)
SYSTEM = Actor.system("orders")
EVENT_RECEIVED = "order.received"
EVENT_REVIEWED = "order.reviewed"
NEW_ORDER = N_("Order {number} of {body} received: {kind}, due {due}.")
NEW_IMMEDIATE = N_("Order {number} of {body} must be executed IMMEDIATELY: {kind}.")
CLOCK_WARNING = N_("Order {number} is due soon ({due}) and not executed yet.")
CLOCK_BREACH = N_("Order {number} is past its statutory deadline ({due}) and not executed.")


class OrderService:
    # --- signing ------------------------------------------------------------------------------
    def issue_signing_secret(self, session: Session, actor: Actor, principal: User) -> str:
        """A new secret for ``principal`` (a state body) to sign its requests; the one in force before is
        revoked. Returned once; audited without the secret."""
        if principal.role != Role.authorized_body:
            raise OrderInvalid("Only the authorized body signs orders.")
        for old in session.scalars(
            select(SigningSecret).where(
                SigningSecret.principal_id == principal.id, SigningSecret.revoked_at.is_(None)
            )
        ):
            old.revoked_at = utcnow()
        secret = "sss_" + secrets.token_urlsafe(32)
        row = SigningSecret(
            id=uuid.uuid4(),
            principal_id=principal.id,
            secret=secret,
            prefix=secret[:8],
            created_by_id=actor.id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session, actor=actor, tag="signing_secret:issue", target=principal, data={"prefix": row.prefix}
        )
        return secret

    def verify_signature(self, session: Session, principal: User, body: bytes, header: str | None) -> None:
        """The ``Senim-Signature`` header of a request from ``principal`` is checked against the secret in
        force (HMAC-SHA256 over "timestamp.body", within the replay window); refused with 401 otherwise."""
        if not header:
            raise SignatureRefused("The request is not signed: send the Senim-Signature header.")
        secret = session.scalar(
            select(SigningSecret.secret).where(
                SigningSecret.principal_id == principal.id, SigningSecret.revoked_at.is_(None)
            )
        )
        if secret is None:
            raise SignatureRefused("No signing secret has been issued to this body.")
        try:
            webhooks.verify(secret, body, header, now=utcnow())
        except webhooks.InvalidSignature as exc:
            raise SignatureRefused("The request's signature does not verify.") from exc

    # --- intake -------------------------------------------------------------------------------
    def receive(
        self,
        session: Session,
        data: object,
        *,
        actor: Actor,
        channel: str,
        principal: User | None = None,
        entered_by: User | None = None,
        documents: Sequence[PreparedEvidence] = (),
        settings: Settings | None = None,
        signature_verified: bool = False,
    ) -> StateOrder:
        """Record an order (refused with each problem when invalid; nothing written) and start its clock.
        A preservation request puts its content under a legal hold at once."""
        found = policy.problems(data)
        if found:
            raise OrderInvalid("The order is not valid.", fields=found)
        intake = OrderIntake.model_validate(data)
        if principal is not None and intake.reference:
            earlier = session.scalar(
                select(StateOrder.number).where(
                    StateOrder.principal_id == principal.id, StateOrder.reference == clean(intake.reference)
                )
            )
            if earlier is not None:  # a retried or replayed request: one order, one clock
                raise OrderClosed(
                    "An order with this reference was received already: {number}.", number=earlier
                )
        items = self._items(session, intake)
        received = utcnow()
        clock = policy.clock(intake.kind)
        due = clock.due_at(received)
        body = intake.issuing_body or (principal.display_name if principal else "")
        if not body:
            raise OrderInvalid("Name the body that issued the order.", fields=["issuing_body: required"])
        basis = intake.legal_basis
        period = intake.period
        if period is None and "count" in intake.measures:
            last = received.astimezone(ALMATY).date() - timedelta(days=1)
            period = policy.Period(start=last - timedelta(days=policy.DEFAULT_COUNT_DAYS - 1), end=last)
        order = StateOrder(
            id=uuid.uuid4(),
            number=self._number(session),
            principal_id=principal.id if principal else None,
            issuing_body=clean(body),
            kind=intake.kind,
            reference=clean(intake.reference),
            basis_type=basis.type,
            basis_number=clean(basis.number),
            basis_date=basis.date.isoformat() if basis.date else None,
            basis_article=clean(basis.article),
            category=intake.category,
            measures=list(intake.measures),
            requested_fields=sorted(intake.requested_fields),
            targets=[t.model_dump(exclude_none=True) for t in intake.targets],
            note=clean(intake.note),
            period_start=period.start.isoformat() if period else None,
            period_end=period.end.isoformat() if period else None,
            channel=channel,
            signature_verified=signature_verified,
            entered_by_id=entered_by.id if entered_by else None,
            received_at=received,
            due_at=due,
            warn_at=deadlines.warn_at(clock.rule, received, due),
            status=OrderStatus.received,
        )
        session.add(order)
        session.flush()
        if documents and settings is not None:
            self._store_documents(session, settings, order, documents)
        audit.record(
            session,
            actor=actor,
            tag="order:receive",
            target=order,
            data={
                "number": order.number,
                "kind": order.kind,
                "channel": channel,
                "due_at": due,
                "law": policy.LAW_IDS[intake.kind],
                "documents": len(documents),
            },
        )
        if intake.kind is OrderKind.preservation:
            for item in items:
                content_service.place_hold(
                    session, actor, item, reason=f"preservation order {order.number}", source="order"
                )
        self._tell_legal_officers(session, order, NEW_IMMEDIATE if clock.rule.immediate else NEW_ORDER)
        if principal is not None:
            notification_service.emit(
                session, principal.id, EVENT_RECEIVED, self.event_data(order), event_id=order.id
            )
        return order

    def _items(self, session: Session, intake: OrderIntake) -> list[ContentItem]:
        """The posts and comments an order names; every named item and account must exist."""
        items, problems = [], []
        for index, target in enumerate(intake.targets):
            if target.type == "url":
                continue
            try:
                target_id = uuid.UUID(str(target.id))
            except ValueError:
                problems.append(f"targets.{index}.id: not an id")
                continue
            if target.type == "item":
                item = session.get(ContentItem, target_id)
                if item is None:
                    problems.append(f"targets.{index}.id: no such post or comment")
                else:
                    items.append(item)
            elif session.get(User, target_id) is None:
                problems.append(f"targets.{index}.id: no such account")
        if problems:
            raise OrderInvalid("The order is not valid.", fields=problems)
        return items

    def _number(self, session: Session) -> str:
        while True:
            number = tracking_number(secrets.token_bytes(8), prefix="O")
            if session.scalar(select(StateOrder.id).where(StateOrder.number == number)) is None:
                return number

    def _store_documents(
        self, session: Session, settings: Settings, order: StateOrder, documents: Sequence[PreparedEvidence]
    ) -> None:
        for document in documents:
            key = storage_key(document)
            media.write_file(settings.media_dir, key, encrypted.seal_file(key, document.data))
            session.add(
                OrderDocument(
                    id=uuid.uuid4(),
                    order_id=order.id,
                    filename=document.filename,
                    content_type=document.content_type,
                    size_bytes=len(document.data),
                    sha256=document.sha256,
                    storage_key=key,
                )
            )
        session.flush()

    def _tell_legal_officers(
        self, session: Session, order: StateOrder, message: str, *, admins: bool = False
    ) -> None:
        roles = (Role.legal_officer, Role.administrator) if admins else (Role.legal_officer,)
        for officer in account_service.active_with_roles(session, *roles):
            notification_service.notify(
                session,
                officer,
                message,
                {
                    "number": order.number,
                    "body": order.issuing_body,
                    "kind": policy.KIND_LABELS[OrderKind(order.kind)],
                    "due": order.due_at.isoformat(timespec="minutes"),
                },
                link=f"/console/orders/{order.number}",
            )

    def event_data(self, order: StateOrder) -> dict[str, object]:
        """What a webhook to the body carries: ids, status and times (no personal data)."""
        return {
            "number": order.number,
            "reference": order.reference,
            "kind": order.kind,
            "status": order.status,
            "received_at": order.received_at.isoformat(),
            "due_at": order.due_at.isoformat(),
            "rejection_reason": order.rejection_reason or None,
        }

    # --- review -------------------------------------------------------------------------------
    def review(
        self, session: Session, user: User, number: str, *, accept: bool, reason: str = ""
    ) -> StateOrder:
        """A legal officer verifies the basis (accepted: the measures are taken next) or rejects the order
        with reasons, which go back to the body."""
        order = self.get_for(session, user, number, for_update=True)
        if order.status != OrderStatus.received:
            raise OrderClosed("This order has been reviewed already.")
        reason = clean(reason).strip()
        if not accept and not reason:
            raise OrderInvalid("Give the reasons for rejecting the order; they are sent to the body.")
        order.status = OrderStatus.accepted if accept else OrderStatus.rejected
        order.reviewed_by_id, order.reviewed_at = user.id, utcnow()
        order.rejection_reason = "" if accept else reason[:5000]
        audit.record(
            session,
            actor=Actor.of(user),
            tag="order:accept" if accept else "order:reject",
            target=order,
            data={"number": order.number, "reason": order.rejection_reason},
        )
        if not accept and order.kind == OrderKind.preservation:
            for target in order.targets:
                item = session.get(ContentItem, uuid.UUID(target["id"])) if target["type"] == "item" else None
                if item is not None:
                    content_service.release_hold(
                        session,
                        Actor.of(user),
                        item,
                        reason=f"order {order.number} rejected",
                        source="order",
                        placed_for=f"preservation order {order.number}",
                    )
        if order.principal_id is not None:
            notification_service.emit(
                session, order.principal_id, EVENT_REVIEWED, self.event_data(order), event_id=uuid.uuid4()
            )
        return order

    # --- execution ----------------------------------------------------------------------------
    def execute(
        self,
        session: Session,
        user: User,
        number: str,
        *,
        category: str | None = None,
        base_url: str | None = None,
        tell_affected: bool = True,
        not_told_reason: str = "",
        answer: str = "",
    ) -> StateOrder:
        """Take the measures of an accepted order through the moderation actions, with the order as the
        decision's ground: restrict in Kazakhstan, remove, suspend (until lifted), preserve (legal hold),
        or, for a lifting order, undo what earlier orders did to the same targets; or answer it: the daily
        numbers of users of the period asked about (LAW-25), or the information a legal officer writes.
        The affected people get the statement of reasons as for any decision. The clock stops; the body is
        told what was done."""
        order = self.get_for(session, user, number, for_update=True)
        if order.status != OrderStatus.accepted:
            raise OrderClosed("Only an accepted order is executed.")
        not_told_reason = clean(not_told_reason).strip()[:2000]
        if not tell_affected and not not_told_reason:
            raise OrderInvalid(
                "Record why the affected people are not told (the law that keeps it from them)."
            )
        order.affected_told, order.not_told_reason = tell_affected, "" if tell_affected else not_told_reason
        measures = set(order.measures)
        if "disclose" in measures:
            raise OrderInvalid(
                "A disclosure of user data is prepared and approved by two people, not executed."
            )
        answer = clean(answer).strip()[:20000]
        if "inform" in measures and not answer:
            raise OrderInvalid("Write the information the body asked for.")
        category = category or order.category or DEFAULT_CATEGORY.get(OrderKind(order.kind))
        if (
            measures & {"restrict", "remove", "suspend"}
            and category not in taxonomy.versions()[-1].category_keys()
        ):
            raise OrderInvalid("Choose the category of the law the order applies (its ground).")
        actor = Actor.of(user)
        done: list[dict[str, Any]] = []
        if "count" in measures:
            figures = self._figures(session, order)
            done.append({"target": "platform", "measure": "count", "result": "answered", "figures": figures})
        if "inform" in measures:
            order.answer = answer
        for target in order.targets:
            if target["type"] == "url":
                done.append({"target": target["url"], "measure": "none", "result": "not_on_platform"})
                continue
            for measure in sorted(measures - {"count", "inform"}):
                result = self._take(session, actor, order, target, measure, category, base_url)
                done.append({"target": target["id"], "measure": measure, "result": result})
            if "inform" in measures:
                done.append({"target": target["id"], "measure": "inform", "result": "answered"})
        if category and not order.category:
            order.category = category
        self.complete(session, actor, order, done)
        return order

    def _figures(self, session: Session, order: StateOrder) -> list[dict[str, Any]]:
        """The stored daily counts of users in Kazakhstan over the order's period; a day without a count
        says so (null), it is not a day without users."""
        start = date.fromisoformat(order.period_start or "")
        end = date.fromisoformat(order.period_end or "")
        counts = {
            row.day: row
            for row in session.scalars(
                select(DailyUserCount).where(
                    DailyUserCount.day >= start.isoformat(), DailyUserCount.day <= end.isoformat()
                )
            )
        }
        figures = []
        for offset in range((end - start).days + 1):
            day = (start + timedelta(days=offset)).isoformat()
            row = counts.get(day)
            figures.append(
                {"day": day, "users": row.users if row else None, "method": row.method if row else None}
            )
        return figures

    def complete(self, session: Session, actor: Actor, order: StateOrder, done: list[dict[str, Any]]) -> None:
        """The order is executed: its clock stops, the step is audited, and the body is told, with the
        completion report to read through the API."""
        order.status, order.executed_at, order.outcome = OrderStatus.executed, utcnow(), done
        audit.record(
            session,
            actor=actor,
            tag="order:execute",
            target=order,
            data={"number": order.number, "done": done, "affected_told": order.affected_told},
        )
        if order.principal_id is not None:
            notification_service.emit(
                session,
                order.principal_id,
                EVENT_EXECUTED,
                self.event_data(order)
                | {
                    "executed_at": order.executed_at.isoformat(),
                    "outcome": done,
                    "completion_report": f"/api/v1/orders/{order.number}/completion",
                },
                event_id=uuid.uuid4(),
            )

    def completion_report(self, session: Session, order: StateOrder) -> dict[str, Any]:
        """What the platform did on an order, for the body: the order's times against its deadline, each
        measure per target with its result, the numbers or information asked for, and any disclosure's
        package (its SHA-256 and manifest, never its contents)."""
        from senim.authority.disclosure import disclosure_service

        disclosure = disclosure_service.latest(session, order)
        return {
            "number": order.number,
            "reference": order.reference,
            "kind": order.kind,
            "law": policy.LAW_IDS[OrderKind(order.kind)],
            "status": order.status,
            "received_at": order.received_at.isoformat(),
            "due_at": order.due_at.isoformat(),
            "executed_at": order.executed_at.isoformat() if order.executed_at else None,
            "within_deadline": order.executed_at <= order.due_at if order.executed_at else None,
            "rejection_reason": order.rejection_reason or None,
            "outcome": order.outcome,
            "answer": order.answer or None,
            "affected_told": order.affected_told,
            "disclosure": disclosure_service.summary(disclosure) if disclosure else None,
        }

    def _take(
        self,
        session: Session,
        actor: Actor,
        order: StateOrder,
        target: dict[str, str],
        measure: str,
        category: str | None,
        base_url: str | None,
    ) -> str:
        """One measure on one target; returns what happened, as a code the body's systems read:
        "decision:<id>", "held", "lifted:<n>", "not_applicable" (policy.RESULT_LABELS)."""
        target_id = uuid.UUID(target["id"])
        item = session.get(ContentItem, target_id) if target["type"] == "item" else None
        account = session.get(User, target_id) if target["type"] == "account" else None
        if measure == "preserve":
            if item is None:
                return "not_applicable"
            content_service.place_hold(session, actor, item, reason=f"order {order.number}", source="order")
            return "held"
        if measure == "restore":
            decisions = moderation_service.decisions_by_order(
                session, item_id=item.id if item else None, account_id=account.id if account else None
            )
            for decision in decisions:
                moderation_service.lift(session, actor, decision, reason=f"order {order.number} lifts it")
            return f"lifted:{len(decisions)}"
        action = ORDER_ACTIONS[measure]
        if (action is Action.suspend) != (account is not None):
            return "not_applicable"
        draft = DecisionDraft(
            target=TargetKind.account if account is not None else TargetKind.item,
            action=action,
            ground_kind=GroundKind.law,
            category=category,
            terms_clause=None,
            facts=FACTS.format(
                number=order.number,
                body=order.issuing_body,
                basis=" ".join(
                    x for x in (order.basis_number, order.basis_date or "", order.basis_article) if x
                ),
            ),
        )
        decision = moderation_service.record_decision(
            session,
            actor=actor,
            moderator=None,
            target=Target(subject=draft.target, item=item, account=account),
            draft=draft,
            source=Source.order,
            notify_affected=order.affected_told,
            source_identity=" · ".join(
                x for x in (order.issuing_body, order.number, order.basis_number, order.basis_date or "") if x
            ),
            base_url=base_url,
        )
        return f"decision:{decision.id}"

    # --- clocks -------------------------------------------------------------------------------
    def sweep_clocks(self, session: Session, now: datetime | None = None) -> tuple[int, int]:
        """Warn legal officers of orders running out, and escalate (to administrators too) those past
        their deadline; each once, audited. Returns (warned, escalated)."""
        now = now or utcnow()
        warned = escalated = 0
        open_orders = select(StateOrder).where(StateOrder.status.in_(OPEN)).with_for_update(skip_locked=True)
        for order in session.scalars(
            open_orders.where(StateOrder.breached_at.is_(None), StateOrder.due_at <= now)
        ):
            order.breached_at = now
            audit.record(
                session, actor=SYSTEM, tag="order:clock_breach", target=order, data={"due_at": order.due_at}
            )
            self._tell_legal_officers(session, order, CLOCK_BREACH, admins=True)
            escalated += 1
        for order in session.scalars(
            open_orders.where(
                StateOrder.warned_at.is_(None), StateOrder.warn_at <= now, StateOrder.due_at > now
            )
        ):
            order.warned_at = now
            audit.record(
                session, actor=SYSTEM, tag="order:clock_warn", target=order, data={"due_at": order.due_at}
            )
            self._tell_legal_officers(session, order, CLOCK_WARNING)
            warned += 1
        return warned, escalated

    # --- reading ------------------------------------------------------------------------------
    def list_for(self, session: Session, viewer: User, limit: int = 200) -> list[StateOrder]:
        """Open orders first, soonest due first; a body sees only its own."""
        query = select(StateOrder).order_by(StateOrder.status.not_in(OPEN), StateOrder.due_at).limit(limit)
        if viewer.role == Role.authorized_body:
            query = query.where(StateOrder.principal_id == viewer.id)
        return list(session.scalars(query))

    def get_for(self, session: Session, viewer: User, number: str, *, for_update: bool = False) -> StateOrder:
        query = select(StateOrder).where(StateOrder.number == number.strip().upper())
        if for_update:
            query = query.with_for_update()
        order = session.scalars(query).one_or_none()
        if (
            order is None
            or not has_perm(viewer.role, Perm.orders_read)
            or (viewer.role == Role.authorized_body and order.principal_id != viewer.id)
        ):
            raise OrderNotFound("No such order.")
        return order

    def get_by_id(self, session: Session, viewer: User, order_id: uuid.UUID) -> StateOrder:
        order = session.get(StateOrder, order_id)
        if order is None:
            raise OrderNotFound("No such order.")
        return self.get_for(session, viewer, order.number)

    def documents(self, session: Session, order: StateOrder) -> list[OrderDocument]:
        return list(
            session.scalars(
                select(OrderDocument)
                .where(OrderDocument.order_id == order.id)
                .order_by(OrderDocument.created_at)
            )
        )


order_service = OrderService()
