"""Advertising jobs: the daily purge of the ad repository (LAW-64: kept one year after an ad was last
shown)."""

from __future__ import annotations

import logging

from senim.ads.service import ads_service
from senim.jobs import JobContext, periodic
from senim.models import Priority

PURGE_REPOSITORY_JOB = "ads.purge_repository"
log = logging.getLogger("senim.ads")


@periodic(PURGE_REPOSITORY_JOB, every_seconds=86400, priority=Priority.bulk)
def purge_repository(ctx: JobContext) -> None:
    """Delete the repository's ads last shown more than a year ago, with their impression counts."""
    deleted = ads_service.purge_repository(ctx.session)
    log.info("ad repository purge: %d ads deleted", deleted)
