"""Pre-translation: new posts and comments translated into Kazakh ahead of their readers, when
``SENIM_TRANSLATION_PRETRANSLATE`` is on (queued by the content service)."""

from __future__ import annotations

import uuid

from senim.jobs import JobContext, job
from senim.translation.service import TRANSLATE_JOB, translation_service


@job(TRANSLATE_JOB, priority=60)
def translate(ctx: JobContext) -> None:
    translation_service.pretranslate(ctx.session, uuid.UUID(ctx.payload["item_id"]), ctx.settings)
