"""The scan of every new or edited post, comment, profile and community (queued by the content, platform,
account and community services); the payload names one of ``item_id``, ``account_id``, ``community_id``."""

from __future__ import annotations

import uuid

from senim.content.policy import DETECTION_SCAN_JOB
from senim.detection.service import detection_service
from senim.jobs import JobContext, job
from senim.moderation.policy import TargetKind


@job(DETECTION_SCAN_JOB, priority=20)
def scan(ctx: JobContext) -> None:
    for subject in (TargetKind.item, TargetKind.account, TargetKind.community):
        if f"{subject}_id" in ctx.payload:
            detection_service.scan(ctx.session, subject, uuid.UUID(ctx.payload[f"{subject}_id"]))
