"""Notices to people (in-app and e-mail) and signed events to external principals (webhooks).

Nothing here sends anything: ``notify`` writes the notice and enqueues ``notification.send_email``,
``emit`` enqueues one ``notification.deliver_webhook`` per subscribed endpoint, all in the caller's
transaction, so a notice or event exists exactly when the change that caused it commits. Job payloads
carry ids (and, for webhooks, the event's non-personal data), never personal data: staff can read them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from senim import audit
from senim.audit import Actor
from senim.config import Mode, Settings, get_settings
from senim.jobs import enqueue
from senim.kit.clock import utcnow
from senim.kit.secrets import new_token
from senim.models import AccountStatus, Job, Notification, User, WebhookEndpoint
from senim.models.account import EXTERNAL_ROLES
from senim.notification import policy
from senim.notification.errors import (
    NoticeNotFound,
    WebhookEndpointDisabled,
    WebhookEndpointInvalid,
    WebhookEndpointNotFound,
)
from senim.web import i18n

SEND_EMAIL = "notification.send_email"
DELIVER_WEBHOOK = "notification.deliver_webhook"
# Retries with the worker's backoff (2 s doubling, at most 1 h apart): about 5 h for e-mail (a relay
# being down for maintenance), about 13 h for webhooks (a receiver's outage overnight).
EMAIL_MAX_ATTEMPTS = 16
WEBHOOK_MAX_ATTEMPTS = 24
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix that makes leaked secrets recognisable
MAX_LIST = 200


@dataclass(frozen=True)
class EmailContent:
    subject: str
    body: str
    language: str


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str
    language: str


@dataclass(frozen=True)
class Emitted:
    event_id: uuid.UUID
    jobs: list[Job]


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """What the JSON columns will hold: UUIDs, dates and decimals as strings."""
    return cast(dict[str, Any], json.loads(json.dumps(data, default=str)))


def render_notice(kind: str, params: dict[str, Any]) -> str:
    """A notice in the current language; an English fallback if a translation has broken placeholders."""
    try:
        return i18n.gettext(kind, **params)
    except (KeyError, IndexError, ValueError):
        return kind.format(**params) if params else kind


@contextmanager
def in_language(language: str) -> Iterator[str]:
    """Render in ``language`` (an e-mail in its reader's language, whatever the request's language)."""
    lang = language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    token = i18n.locale_var.set(lang)
    try:
        yield lang
    finally:
        i18n.locale_var.reset(token)


class NotificationService:
    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings

    @property
    def settings(self) -> Settings:
        return self._settings or get_settings()

    # --- in-app notices and e-mail --------------------------------------------------------------
    def notify(
        self,
        session: Session,
        user: User,
        kind: str,
        params: dict[str, Any] | None = None,
        *,
        link: str | None = None,
        email: bool = True,
    ) -> Notification:
        """Write an in-app notice for ``user`` and, when asked and possible, queue it as an e-mail.

        ``kind`` is an English message id with ``{placeholders}`` filled from ``params``; the notice is
        rendered in the reader's language when shown, the e-mail in the user's language when it is sent.
        ``link`` is a path on this site. A wrong kind, params or link is the calling code's bug
        (ValueError).

        The e-mail job's payload holds the notice's id only: every staff member can read job payloads
        (``/api/v1/jobs``), so the address, the name and the text are loaded and rendered by the job.
        """
        params = _jsonable(params or {})
        if not kind or len(kind) > policy.MAX_KIND_LENGTH:
            raise ValueError(f"a notice kind is a message id of 1 to {policy.MAX_KIND_LENGTH} characters")
        try:
            kind.format(**params)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"the params do not fill the placeholders of {kind!r}") from exc
        if link is not None and not policy.link_is_valid(link):
            raise ValueError(f"a notice links to a path on this site, not {link!r}")
        note = Notification(id=uuid.uuid4(), user_id=user.id, kind=kind, params=params, link=link)
        session.add(note)
        session.flush()
        if email and user.email and user.status != AccountStatus.deleted:
            enqueue(
                session,
                SEND_EMAIL,
                {"notification_id": str(note.id)},
                idempotency_key=f"{SEND_EMAIL}:{note.id}",
                max_attempts=EMAIL_MAX_ATTEMPTS,
            )
        return note

    def email_to_send(
        self, session: Session, notification_id: uuid.UUID, *, base_url: str | None = None
    ) -> OutgoingEmail | None:
        """The e-mail for a notice as it is to be sent now, or None when there is nothing to send.

        Read-only (the ``notification.send_email`` job runs it with a read session). The address and
        language are the account's current ones (they may have changed since the notice was written);
        nothing is sent when the notice or the account is gone, or the account has no address now.
        """
        note = session.get(Notification, notification_id)
        if note is None:
            return None
        user = session.get(User, note.user_id)
        if user is None or user.status == AccountStatus.deleted or not user.email:
            return None
        content = self.email_content(user, note, base_url=base_url)
        return OutgoingEmail(
            to=user.email, subject=content.subject, body=content.body, language=content.language
        )

    def email_content(self, user: User, note: Notification, *, base_url: str | None = None) -> EmailContent:
        """Subject and plain-text body of a notice, in the user's language."""
        base = (base_url or self.settings.base_url).rstrip("/")
        link_url = base + note.link if note.link else ""
        notices_url = base + "/notifications"
        with in_language(user.language) as lang:
            text = render_notice(note.kind, note.params)
            subject = i18n.gettext("Senim: {notice}", notice=policy.shorten(text))
            parts = [i18n.gettext("Hello, {name}.", name=user.display_name), text]
            if note.link:
                parts.append(i18n.gettext("Open it on Senim: {url}", url=link_url))
            footer = i18n.gettext(
                "You receive this e-mail because you have an account on Senim. All your notices: {url}",
                url=notices_url,
            )
        body = "\n\n".join(parts) + "\n\n-- \n" + footer + "\n"
        return EmailContent(subject=policy.shorten(subject, 250), body=body, language=lang)

    def list_for(
        self, session: Session, user: User, unread_only: bool = False, limit: int = 50
    ) -> list[Notification]:
        query = select(Notification).where(Notification.user_id == user.id)
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
        return list(session.scalars(query.limit(min(max(limit, 1), MAX_LIST))))

    def unread_count(self, session: Session, user: User) -> int:
        count = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        return int(count or 0)

    def mark_read(self, session: Session, user: User, notification_id: uuid.UUID) -> Notification:
        """Mark one of the user's own notices read; anyone else's is "not found" (nothing is revealed)."""
        note = session.scalars(
            select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
        ).one_or_none()
        if note is None:
            raise NoticeNotFound("No such notice.")
        if note.read_at is None:
            note.read_at = utcnow()
        return note

    def mark_all_read(self, session: Session, user: User) -> int:
        result = session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )
        return int(cast(CursorResult[Any], result).rowcount or 0)

    # --- webhooks -------------------------------------------------------------------------------
    def emit(
        self,
        session: Session,
        principal_id: uuid.UUID,
        event: str,
        data: dict[str, Any],
        *,
        event_id: uuid.UUID | None = None,
        priority: int | None = None,
    ) -> Emitted:
        """Queue ``event`` for every active endpoint of the principal subscribed to it (or to ``*``).
        ``priority``: the delivery jobs' (an escalation's go before every scan and routine delivery).

        ``data`` must hold **ids and non-personal facts only** (record ids, external ids, a ground, a
        status, a deadline): it is stored in the delivery job's payload, which every staff role can
        read (``/api/v1/jobs``), and sent to the receiver, which fetches anything more through the API.
        Never put names, e-mail addresses, phone numbers, message text or other personal data in it.

        All endpoints receive the same event id; the job's idempotency key is event id + endpoint id,
        so emitting the same event id twice queues nothing new.
        """
        if not policy.event_is_valid(event):
            raise ValueError(f"not a valid event name: {event!r}")
        event_id = event_id or uuid.uuid4()
        created_at = utcnow().isoformat().replace("+00:00", "Z")
        data = _jsonable(data)
        endpoints = session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.principal_id == principal_id, WebhookEndpoint.active.is_(True))
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        ).all()
        jobs = [
            enqueue(
                session,
                DELIVER_WEBHOOK,
                {
                    "endpoint_id": str(endpoint.id),
                    "event_id": str(event_id),
                    "event": event,
                    "data": data,
                    "created_at": created_at,
                },
                idempotency_key=f"{event_id}:{endpoint.id}",
                max_attempts=WEBHOOK_MAX_ATTEMPTS,
                priority=priority,
            )
            for endpoint in endpoints
            if policy.subscribed(list(endpoint.events), event)
        ]
        return Emitted(event_id=event_id, jobs=jobs)

    def add_endpoint(
        self, session: Session, actor: Actor, principal: User, url: str, events: list[str]
    ) -> tuple[WebhookEndpoint, str]:
        """Register an endpoint for an external principal; the secret is returned here and never again."""
        if principal.role not in EXTERNAL_ROLES or principal.status != AccountStatus.active:
            raise WebhookEndpointInvalid(
                "Only an active platform, state body or law-enforcement account can have webhook endpoints."
            )
        url = url.strip()
        problem = policy.url_problem(url, production=self.settings.mode is Mode.production)
        if problem:
            raise WebhookEndpointInvalid(problem)
        cleaned = [e.strip() for e in events]
        events_problem = policy.events_problem(cleaned)
        if events_problem:
            message, params = events_problem
            raise WebhookEndpointInvalid(message, **params)
        secret = new_token(prefix=SECRET_PREFIX)
        endpoint = WebhookEndpoint(
            id=uuid.uuid4(),
            principal_id=principal.id,
            url=url,
            secret=secret,
            events=policy.normalise_events(cleaned),
            active=True,
        )
        session.add(endpoint)
        session.flush()
        audit.record(
            session,
            actor=actor,
            tag="webhook:add",
            target=endpoint,
            data={"principal": principal.username, "url": url, "events": endpoint.events},
        )
        return endpoint, secret

    def disable_endpoint(self, session: Session, actor: Actor, endpoint_id: uuid.UUID) -> WebhookEndpoint:
        """Stop deliveries; queued deliveries for it finish without sending."""
        endpoint = self._lock_endpoint(session, endpoint_id)
        if endpoint.active:
            endpoint.active = False
            audit.record(
                session, actor=actor, tag="webhook:disable", target=endpoint, data={"url": endpoint.url}
            )
        return endpoint

    def rotate_secret(
        self, session: Session, actor: Actor, endpoint_id: uuid.UUID
    ) -> tuple[WebhookEndpoint, str]:
        """Replace the secret at once; deliveries from now on (and retries) are signed with the new one."""
        endpoint = self._lock_endpoint(session, endpoint_id)
        if not endpoint.active:
            raise WebhookEndpointDisabled("This webhook endpoint is disabled.")
        secret = new_token(prefix=SECRET_PREFIX)
        endpoint.secret = secret
        audit.record(session, actor=actor, tag="webhook:rotate", target=endpoint, data={"url": endpoint.url})
        return endpoint, secret

    def list_endpoints(
        self, session: Session, principal_id: uuid.UUID | None = None
    ) -> list[WebhookEndpoint]:
        query = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at.desc(), WebhookEndpoint.id)
        if principal_id is not None:
            query = query.where(WebhookEndpoint.principal_id == principal_id)
        return list(session.scalars(query))

    def endpoint_for_delivery(self, session: Session, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
        """The endpoint a queued delivery goes to, or None when it was disabled or removed since."""
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        return endpoint if endpoint is not None and endpoint.active else None

    def _lock_endpoint(self, session: Session, endpoint_id: uuid.UUID) -> WebhookEndpoint:
        endpoint = session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).with_for_update()
        ).one_or_none()
        if endpoint is None:
            raise WebhookEndpointNotFound("No such webhook endpoint.")
        return endpoint


notification_service = NotificationService()
