"""The audit log viewer for auditors and administrators (filters by tag, actor, target, period)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm
from senim.audit.repository import AuditFilter, search
from senim.console.views import console_sections
from senim.web.auth import DbSession, Principal, requires
from senim.web.i18n import display_tz
from senim.web.templating import render

router = APIRouter(include_in_schema=False)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _when(value: str | None) -> datetime | None:
    """A date or time typed in the filter form, read in the display time zone (Asia/Almaty)."""
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=display_tz())
    return parsed


@router.get("/console/audit")
def audit_log(
    request: Request, session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.audit_read))]
) -> Response:
    q = request.query_params
    f = AuditFilter(
        tag=q.get("tag") or None,
        actor_id=_uuid(q.get("actor_id")),
        target_id=q.get("target_id") or None,
        since=_when(q.get("since")),
        until=_when(q.get("until")),
        before_seq=int(q["before_seq"]) if q.get("before_seq", "").isdigit() else None,
        limit=100,
    )
    records = search(session, f)
    sections = console_sections(principal.role, request.url.path)
    return render(request, "audit/log.html", {"records": records, "filters": q, "console_sections": sections})
