"""The console's own attention card: the background job queue (dead letters highlighted).

Other domains register their queues in their own ``attention.py`` (see ``senim.console.service``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from senim.account.policy import Perm
from senim.console import repository
from senim.console.service import AttentionCard, AttentionRow, attention_provider
from senim.jobs import service as jobs_service
from senim.kit.clock import utcnow
from senim.models import JobStatus, User
from senim.web.i18n import N_

JOBS = "/console/jobs"


@attention_provider("jobs", perm=Perm.jobs_read, order=900)
def job_queue(session: Session, viewer: User) -> AttentionCard:
    counts = jobs_service.counts(session)
    return AttentionCard(
        title=N_("Background jobs"),
        link=JOBS,
        rows=(
            AttentionRow(
                N_("Dead letters (attempts exhausted)"),
                counts[JobStatus.dead],
                link=f"{JOBS}?status=dead",
                urgent=True,
                oldest=repository.oldest_dead(session),
            ),
            AttentionRow(
                N_("Failed, waiting to be retried"),
                repository.failed_job_count(session),
                link=f"{JOBS}?status=failed",
            ),
            AttentionRow(
                N_("Pending"),
                counts[JobStatus.pending],
                link=f"{JOBS}?status=pending",
                oldest=repository.oldest_due_pending(session, utcnow()),
            ),
            AttentionRow(N_("Running"), counts[JobStatus.running], link=f"{JOBS}?status=running"),
            AttentionRow(N_("Succeeded"), counts[JobStatus.succeeded], link=f"{JOBS}?status=succeeded"),
            AttentionRow(N_("Cancelled"), counts[JobStatus.cancelled], link=f"{JOBS}?status=cancelled"),
        ),
    )
