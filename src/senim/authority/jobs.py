"""The orders desk's jobs: the clock sweep (warnings before deadlines, escalation after a breach; every
minute: the shortest statutory clock is two hours, and some orders are due at once), and the reports of
measures to the authorized body (built once a period has ended, e-mailed)."""

from __future__ import annotations

import logging
import uuid

from senim.authority import reports
from senim.authority.counting import counting_service
from senim.authority.disclosure import DELIVER_JOB, disclosure_service
from senim.authority.service import order_service
from senim.jobs import JobContext, job, periodic
from senim.models import MeasuresReport
from senim.notification import email

SWEEP_JOB = "authority.sweep_clocks"
REPORT_JOB = "authority.measures_report"
COUNT_JOB = "authority.count_users"
log = logging.getLogger("senim.authority")


@periodic(SWEEP_JOB, every_seconds=60)
def sweep_clocks(ctx: JobContext) -> None:
    warned, escalated = order_service.sweep_clocks(ctx.session)
    if warned or escalated:
        log.info("order clocks: %d warned, %d escalated", warned, escalated)


@periodic(REPORT_JOB, every_seconds=3600)
def measures_report(ctx: JobContext) -> None:
    """Once a period has ended, its report of measures is built, stored and sent (checked hourly)."""
    reports.make_due_report(ctx.session, ctx.settings)


@job(reports.EMAIL_JOB, max_attempts=20, external=True)
def email_report(ctx: JobContext) -> None:
    report = ctx.session.get(MeasuresReport, uuid.UUID(ctx.payload["report_id"]))
    if report is None or not ctx.settings.authority_email:
        return
    subject, body = reports.email_text(report, ctx.settings)
    msg = email.build_message(
        ctx.settings,
        to=ctx.settings.authority_email,
        subject=subject,
        body=body,
        idempotency_key=ctx.idempotency_key,
    )
    email.send(ctx.settings, msg)


@job(DELIVER_JOB, max_attempts=20)
def deliver_disclosure(ctx: JobContext) -> None:
    """Tell the body its package is ready (the webhook itself is a delivery job of its own)."""
    disclosure_service.deliver(ctx.session, uuid.UUID(ctx.payload["disclosure_id"]))


@periodic(COUNT_JOB, every_seconds=3600)
def count_users(ctx: JobContext) -> None:
    """Count each past day's presence into its daily count (LAW-12, 25); check the threshold (LAW-10)."""
    counted = counting_service.count_pending_days(ctx.session, ctx.settings)
    if counted:
        log.info("users in Kazakhstan counted for %s", ", ".join(counted))
