"""The console home page: role-aware links and what needs attention (later issues add their queues)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm, has_perm
from senim.jobs.service import counts
from senim.web.auth import DbSession, Principal, requires
from senim.web.i18n import N_
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

# (permission, path, label): the console sections, shown to whoever holds the permission.
SECTIONS = [
    (Perm.audit_read, "/console/audit", N_("Audit log")),
    (Perm.jobs_read, "/api/v1/jobs?status=dead", N_("Failed background jobs (dead letters)")),
    (Perm.users_manage, "/api/v1/users", N_("Users and roles")),
    (Perm.tokens_manage, "/api/v1/tokens", N_("API tokens")),
]


@router.get("/console")
def console_home(
    request: Request, session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.console))]
) -> Response:
    role = principal.role
    sections = [(path, label) for perm, path, label in SECTIONS if has_perm(role, perm)]
    job_counts = counts(session) if has_perm(role, Perm.jobs_read) else {}
    return render(request, "console/home.html", {"sections": sections, "job_counts": job_counts})
