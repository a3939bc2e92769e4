"""JSON API of the person's personal data: their copy (LAW-77, 82) and their requests (LAW-75, 76)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from senim.account.policy import Perm
from senim.privacy.service import privacy_service
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1", tags=["personal data"])

SignedIn = Annotated[Principal, Depends(requires(Perm.signed_in))]


class SubjectRequestCreate(BaseModel):
    kind: str = Field(description="withdraw_consent, block, destroy or correct")
    details: str = Field(default="", max_length=5000, description="Which data and why.")


class SubjectRequestRead(BaseModel):
    number: str
    kind: str
    status: str = Field(description="received, done or refused")
    received_at: datetime
    due_at: datetime = Field(description="The statutory deadline, in working days (Kazakhstan calendar).")
    answer: str


class SubjectRequestList(BaseModel):
    items: list[SubjectRequestRead]


@router.get("/me/data")
def my_data(session: DbSession, principal: SignedIn) -> dict[str, Any]:
    """Everything Senim holds about the signed-in person, including who on the staff opened it and why."""
    return privacy_service.export(session, principal.require_user())


@router.get("/me/privacy-requests", response_model=SubjectRequestList)
def my_requests(session: DbSession, principal: SignedIn) -> SubjectRequestList:
    rows = privacy_service.requests_of(session, principal.require_user())
    return SubjectRequestList(
        items=[SubjectRequestRead.model_validate(r, from_attributes=True) for r in rows]
    )


@router.post("/me/privacy-requests", response_model=SubjectRequestRead, status_code=201)
def file_request(body: SubjectRequestCreate, session: DbSession, principal: SignedIn) -> SubjectRequestRead:
    """Ask to withdraw consent (answered within 15 working days) or to block, destroy or correct data
    (1 working day)."""
    request = privacy_service.file_request(session, principal.require_user(), body.kind, body.details)
    return SubjectRequestRead.model_validate(request, from_attributes=True)
