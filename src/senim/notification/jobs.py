"""Delivery jobs: one e-mail per notice, one POST per event and endpoint.

Both are ``external`` jobs: the handler reads what it needs with a read-only session and talks to the
network; no write transaction is open while an SMTP server or a webhook receiver takes its time, and
the worker marks the job succeeded afterwards. A failed delivery raises, and the worker retries the job
with backoff. The idempotency key stays the same across retries, and a crash between sending and
marking also sends again: the e-mail's Message-ID and the webhook's ``Idempotency-Key`` header let the
receiver drop a repeat.
"""

from __future__ import annotations

import logging
import uuid

from senim.config import Mode
from senim.jobs import JobContext, job
from senim.kit.clock import utcnow
from senim.notification import email, webhooks
from senim.notification.service import (
    DELIVER_WEBHOOK,
    EMAIL_MAX_ATTEMPTS,
    SEND_EMAIL,
    WEBHOOK_MAX_ATTEMPTS,
    notification_service,
)

log = logging.getLogger("senim.notification")


@job(SEND_EMAIL, max_attempts=EMAIL_MAX_ATTEMPTS, external=True)
def send_email(ctx: JobContext) -> None:
    """Render the notice in its reader's current language and send it; the payload holds only its id."""
    notification_id = uuid.UUID(ctx.payload["notification_id"])
    outgoing = notification_service.email_to_send(
        ctx.session, notification_id, base_url=ctx.settings.base_url
    )
    if outgoing is None:
        log.info(
            "e-mail for notice %s not sent: the notice or the account's address is gone", notification_id
        )
        return
    msg = email.build_message(
        ctx.settings,
        to=outgoing.to,
        subject=outgoing.subject,
        body=outgoing.body,
        idempotency_key=ctx.idempotency_key,
    )
    email.send(ctx.settings, msg)


@job(DELIVER_WEBHOOK, max_attempts=WEBHOOK_MAX_ATTEMPTS, external=True)
def deliver_webhook(ctx: JobContext) -> None:
    payload = ctx.payload
    endpoint = notification_service.endpoint_for_delivery(ctx.session, uuid.UUID(payload["endpoint_id"]))
    if endpoint is None:
        log.info(
            "event %s not delivered: endpoint %s is disabled or gone",
            payload["event_id"],
            payload["endpoint_id"],
        )
        return
    body = webhooks.encode_event(
        event_id=payload["event_id"],
        event=payload["event"],
        created_at=payload["created_at"],
        data=payload["data"],
    )
    headers = webhooks.delivery_headers(
        endpoint.secret,
        body,
        event=payload["event"],
        event_id=payload["event_id"],
        timestamp=int(utcnow().timestamp()),
    )
    webhooks.post(
        endpoint.url,
        body,
        headers,
        timeout=ctx.settings.webhook_timeout_seconds,
        public_only=ctx.settings.mode is Mode.production,
    )
