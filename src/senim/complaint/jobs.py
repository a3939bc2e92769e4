"""E-mail to people who complain without an account: the confirmation link, the acknowledgement and
the reasoned answer. External jobs: they read with a read-only session and send; the payload holds the
complaint's id only."""

from __future__ import annotations

import uuid

from senim.complaint.service import (
    ANSWER_EMAIL_JOB,
    VERIFY_JOB,
    complaint_service,
    verification_token,
    visitor_appeal_token,
)
from senim.jobs import JobContext, job, periodic
from senim.models import Complaint
from senim.moderation.statements import local
from senim.notification import email
from senim.notification.service import EMAIL_MAX_ATTEMPTS, in_language
from senim.web.i18n import N_, gettext

VERIFY_SUBJECT = N_("Senim: confirm your request {number}")
VERIFY_BODY = N_(
    "Hello, {name}.\n\nYou asked Senim to remove information about you (request {number}). Open this link "
    "to confirm your e-mail address; the request is then received and answered within 20 days:\n\n{url}\n\n"
    "If you did not file this request, ignore this e-mail."
)
RECEIVED_SUBJECT = N_("Senim: your request {number} is received")
RECEIVED_BODY = N_(
    "Hello, {name}.\n\nYour request {number} is received. You will get a reasoned answer by e-mail by {due}."
)
ANSWERED_SUBJECT = N_("Senim: the answer to your request {number}")


def _send(ctx: JobContext, complaint: Complaint, subject: str, body: str) -> None:
    if not complaint.contact_email:
        return
    msg = email.build_message(
        ctx.settings,
        to=complaint.contact_email,
        subject=subject,
        body=body,
        idempotency_key=ctx.idempotency_key,
    )
    email.send(ctx.settings, msg)


@job(VERIFY_JOB, max_attempts=EMAIL_MAX_ATTEMPTS, external=True)
def send_verification(ctx: JobContext) -> None:
    complaint = ctx.session.get(Complaint, uuid.UUID(ctx.payload["complaint_id"]))
    if complaint is None:
        return
    url = (
        ctx.settings.base_url.rstrip("/")
        + "/complaints/verify/"
        + verification_token(ctx.settings, complaint.id)
    )
    with in_language(complaint.language):
        subject = gettext(VERIFY_SUBJECT, number=complaint.number)
        body = gettext(VERIFY_BODY, name=complaint.contact_name or "", number=complaint.number, url=url)
    _send(ctx, complaint, subject, body)


APPEAL_LINK = N_("If you disagree, you may appeal: another person will review the decision. {url}")
APPEAL_ANSWERED_SUBJECT = N_("Senim: the answer to your appeal ({number})")


@job(ANSWER_EMAIL_JOB, max_attempts=EMAIL_MAX_ATTEMPTS, external=True)
def email_visitor(ctx: JobContext) -> None:
    complaint = ctx.session.get(Complaint, uuid.UUID(ctx.payload["complaint_id"]))
    if complaint is None:
        return
    kind = ctx.payload["kind"]
    with in_language(complaint.language):
        if kind == "received":
            subject = gettext(RECEIVED_SUBJECT, number=complaint.number)
            due = local(complaint.due_at) if complaint.due_at else ""
            body = gettext(RECEIVED_BODY, name=complaint.contact_name or "", number=complaint.number, due=due)
        elif kind == "appeal_answered":
            statement = complaint_service.appeal_answer_of(ctx.session, complaint)
            if statement is None:
                return
            subject = gettext(APPEAL_ANSWERED_SUBJECT, number=complaint.number)
            body = statement.body
        else:
            answer = complaint_service.answer_of(ctx.session, complaint)
            if answer is None:
                return
            subject = gettext(ANSWERED_SUBJECT, number=complaint.number)
            token = visitor_appeal_token(ctx.settings, complaint.id)
            url = f"{ctx.settings.base_url.rstrip('/')}/complaints/{complaint.number}/appeal/{token}"
            body = answer.body + "\n\n" + gettext(APPEAL_LINK, url=url)
    _send(ctx, complaint, subject, body)


@periodic("complaint.purge_unverified", every_seconds=3600)
def purge_unverified(ctx: JobContext) -> None:
    """Visitors' requests never confirmed within 48 hours are deleted with their files."""
    complaint_service.purge_unverified(ctx.session, ctx.settings)
