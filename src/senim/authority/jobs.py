"""The orders desk's clock sweep: warnings before deadlines, escalation after a breach (every minute:
the shortest statutory clock is two hours, and some orders are due at once)."""

from __future__ import annotations

import logging

from senim.authority.service import order_service
from senim.jobs import JobContext, periodic

SWEEP_JOB = "authority.sweep_clocks"
log = logging.getLogger("senim.authority")


@periodic(SWEEP_JOB, every_seconds=60)
def sweep_clocks(ctx: JobContext) -> None:
    warned, escalated = order_service.sweep_clocks(ctx.session)
    if warned or escalated:
        log.info("order clocks: %d warned, %d escalated", warned, escalated)
