"""Delivery jobs: one e-mail per notice, one POST per event and endpoint.

A failed delivery raises, and the worker retries the job with backoff. The idempotency key stays the
same across retries: the e-mail's Message-ID and the webhook's ``Idempotency-Key`` header let the
receiver drop a repeat.
"""

from __future__ import annotations

import logging
import uuid

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


@job(SEND_EMAIL, max_attempts=EMAIL_MAX_ATTEMPTS)
def send_email(ctx: JobContext) -> None:
    to = notification_service.email_recipient(ctx.session, uuid.UUID(ctx.payload["user_id"]))
    if to is None:
        log.info(
            "e-mail for notice %s not sent: the account has no address now", ctx.payload["notification_id"]
        )
        return
    msg = email.build_message(
        ctx.settings,
        to=to,
        subject=ctx.payload["subject"],
        body=ctx.payload["body"],
        idempotency_key=ctx.idempotency_key,
    )
    email.send(ctx.settings, msg)


@job(DELIVER_WEBHOOK, max_attempts=WEBHOOK_MAX_ATTEMPTS)
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
    webhooks.post(endpoint.url, body, headers, timeout=ctx.settings.webhook_timeout_seconds)
