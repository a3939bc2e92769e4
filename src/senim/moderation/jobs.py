"""The clock sweep: warnings before deadlines, escalation after breaches, missed delete duties,
suspensions that ended."""

from __future__ import annotations

import logging

from senim.jobs import JobContext, periodic
from senim.moderation.service import moderation_service

log = logging.getLogger("senim.moderation")
SWEEP_JOB = "moderation.sweep_clocks"


@periodic(SWEEP_JOB, every_seconds=300)
def sweep_clocks(ctx: JobContext) -> None:
    counts = moderation_service.sweep(ctx.session)
    if any(counts.values()):
        log.info("moderation clocks: %s", counts)
