"""The scan of every new or edited post and comment (queued by the content and platform services)."""

from __future__ import annotations

import uuid

from senim.content.policy import DETECTION_SCAN_JOB
from senim.detection.service import detection_service
from senim.jobs import JobContext, job


@job(DETECTION_SCAN_JOB, priority=20)
def scan(ctx: JobContext) -> None:
    detection_service.scan_item(ctx.session, uuid.UUID(ctx.payload["item_id"]))
