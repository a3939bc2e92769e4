"""The urgent dispatch of an escalation: it queues the signed webhooks (their delivery jobs retry until
delivered) and marks the escalation dispatched, in one transaction."""

from __future__ import annotations

import uuid

from senim.escalation.service import DISPATCH_JOB, EMAIL_ATTEMPTS, EMAIL_JOB, escalation_service
from senim.jobs import JobContext, job
from senim.models import Escalation, Priority
from senim.notification import email


@job(DISPATCH_JOB, priority=Priority.urgent, max_attempts=50)
def dispatch(ctx: JobContext) -> None:
    escalation_service.dispatch(ctx.session, uuid.UUID(ctx.payload["escalation_id"]), ctx.settings)


@job(EMAIL_JOB, priority=Priority.urgent, max_attempts=EMAIL_ATTEMPTS, external=True)
def send_email(ctx: JobContext) -> None:
    """The e-mail channel: read the escalation, render the notification, hand it to the relay."""
    escalation = ctx.session.get(Escalation, uuid.UUID(ctx.payload["escalation_id"]))
    if escalation is None or not ctx.settings.law_enforcement_email:
        return
    subject, body = escalation_service.email_text(ctx.session, escalation, ctx.settings)
    msg = email.build_message(
        ctx.settings,
        to=ctx.settings.law_enforcement_email,
        subject=subject,
        body=body,
        idempotency_key=ctx.idempotency_key,
    )
    email.send(ctx.settings, msg)
