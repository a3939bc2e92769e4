"""The urgent dispatch of an escalation: it queues the signed webhooks (their delivery jobs retry until
delivered) and marks the escalation dispatched, in one transaction."""

from __future__ import annotations

import uuid

from senim.escalation.service import DISPATCH_JOB, escalation_service
from senim.jobs import JobContext, job
from senim.models import Priority


@job(DISPATCH_JOB, priority=Priority.urgent, max_attempts=50)
def dispatch(ctx: JobContext) -> None:
    escalation_service.dispatch(ctx.session, uuid.UUID(ctx.payload["escalation_id"]))
