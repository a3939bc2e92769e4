"""JSON API of the audit log: read and filter (auditors, administrators), and verify the chain."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from senim.account.policy import Perm
from senim.audit.repository import AuditFilter, search
from senim.audit.service import verify
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditRecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor_id: uuid.UUID | None
    actor_label: str
    tag: str
    target_type: str | None
    target_id: str | None
    data: dict[str, Any]
    request_id: str | None
    prev_hash: str
    hash: str


class VerifyRead(BaseModel):
    ok: bool
    checked: int
    problems: list[str]


@router.get("", response_model=list[AuditRecordRead])
def list_records(
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.audit_read))],
    tag: str | None = None,
    actor_id: uuid.UUID | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_seq: int | None = None,
    limit: int = 100,
) -> list[Any]:
    return search(session, AuditFilter(tag, actor_id, target_id, since, until, before_seq, limit))


@router.get("/verify", response_model=VerifyRead)
def verify_chain(
    session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.audit_read))]
) -> VerifyRead:
    result = verify(session)
    return VerifyRead(ok=result.ok, checked=result.checked, problems=result.problems)
