"""Personal data jobs: telling the people affected by a breach (in batches) and e-mailing the personal-data
authority; the breach sweep (records the authority's e-mail once sent, warns before the authority's due
time, escalates after it; every 10 minutes); the daily retention purge."""

from __future__ import annotations

import logging
import uuid

from senim.jobs import JobContext, job, periodic
from senim.kit.clock import utcnow
from senim.models import Breach, Priority
from senim.notification import email
from senim.notification.service import EMAIL_MAX_ATTEMPTS
from senim.privacy import retention
from senim.privacy.breach import NOTIFY_AUTHORITY_JOB, NOTIFY_USERS_JOB, SWEEP_JOB, breach_service
from senim.privacy.service import privacy_service

REQUESTS_SWEEP_JOB = "privacy.sweep_requests"

PURGE_JOB = "privacy.purge"
log = logging.getLogger("senim.privacy")


@job(NOTIFY_USERS_JOB, priority=Priority.high, max_attempts=20)
def notify_breach_users(ctx: JobContext) -> None:
    """One batch of the people a breach affects: a notice each, in the app and by e-mail (LAW-29)."""
    told = breach_service.notify_users(
        ctx.session, uuid.UUID(ctx.payload["breach_id"]), ctx.settings, ctx.payload.get("after")
    )
    log.info("breach %s: %d people told in this batch", ctx.payload["breach_id"], told)


@job(NOTIFY_AUTHORITY_JOB, priority=Priority.high, max_attempts=EMAIL_MAX_ATTEMPTS, external=True)
def notify_breach_authority(ctx: JobContext) -> None:
    """The e-mail to the personal-data authority (LAW-76); the sweep records it once this job succeeded."""
    breach = ctx.session.get(Breach, uuid.UUID(ctx.payload["breach_id"]))
    to = str(ctx.payload.get("to") or "")
    if breach is None or not to or breach.authority_notified_at is not None:
        return  # gone, or the officer recorded a notice by another channel meanwhile
    subject, body = breach_service.authority_email(ctx.session, breach, ctx.settings)
    msg = email.build_message(
        ctx.settings, to=to, subject=subject, body=body, idempotency_key=ctx.idempotency_key
    )
    email.send(ctx.settings, msg)


@periodic(SWEEP_JOB, every_seconds=600)
def sweep_breaches(ctx: JobContext) -> None:
    done = breach_service.sweep(ctx.session, ctx.settings)
    if any(done.values()):
        log.info("breach sweep: %s", done)


@periodic(PURGE_JOB, every_seconds=86400, priority=Priority.bulk)
def purge(ctx: JobContext) -> None:
    """Delete or erase what has outlived its retention period (never what is under a legal hold)."""
    counts = retention.purge(ctx.session, ctx.settings, utcnow())
    log.info("retention purge: %s", counts)


@periodic(REQUESTS_SWEEP_JOB, every_seconds=600)
def sweep_requests(ctx: JobContext) -> None:
    """Data subjects' requests past their deadline are escalated to the officers and administrators."""
    late = privacy_service.sweep_clocks(ctx.session)
    if late:
        log.info("data subjects' requests past their deadline: %d", late)
