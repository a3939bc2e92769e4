"""JSON API: moderators escalate a post or comment; safety officers and law enforcement read escalations
and record the acknowledgement (law enforcement with its token, scope ``escalation:acknowledge``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from senim.account.policy import Perm
from senim.content.service import content_service
from senim.escalation.schemas import (
    Acknowledgement,
    EscalationCreate,
    EscalationDetail,
    EscalationList,
    EscalationRead,
    EscalationReview,
)
from senim.escalation.service import escalation_service
from senim.models import Escalation
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1", tags=["escalations"])

Escalator = Annotated[Principal, Depends(requires(Perm.escalate))]
Reader = Annotated[Principal, Depends(requires(Perm.escalations_read, "escalation:read"))]
Acknowledger = Annotated[Principal, Depends(requires(Perm.escalations_acknowledge, "escalation:acknowledge"))]
Reviewer = Annotated[Principal, Depends(requires(Perm.escalations_confirm))]


def _read(escalation: Escalation) -> EscalationRead:
    return EscalationRead.model_validate(escalation, from_attributes=True)


@router.post("/items/{item_id}/escalations", response_model=EscalationRead, status_code=201)
def escalate(
    item_id: uuid.UUID, body: EscalationCreate, session: DbSession, principal: Escalator
) -> EscalationRead:
    """Mark content as a threat to life or safety: law enforcement is notified at once, the content is kept
    as evidence under a legal hold, and an urgent case opens."""
    user = principal.require_user()
    item = content_service.get_visible(session, user, item_id)
    return _read(
        escalation_service.escalate(
            session,
            item,
            actor=principal.actor,
            category=body.category,
            reason=body.reason,
            source="moderator",
        )
    )


@router.get("/escalations", response_model=EscalationList)
def list_escalations(session: DbSession, principal: Reader) -> EscalationList:
    return EscalationList(
        items=[_read(e) for e in escalation_service.list(session, principal.require_user())]
    )


@router.get("/escalations/{escalation_id}", response_model=EscalationDetail)
def read_escalation(escalation_id: uuid.UUID, session: DbSession, principal: Reader) -> EscalationDetail:
    escalation = escalation_service.get_for(session, principal.require_user(), escalation_id)
    return EscalationDetail(
        escalation=_read(escalation), notification=escalation_service.snapshot(session, escalation)
    )


@router.post("/escalations/{escalation_id}/acknowledge", response_model=EscalationRead)
def acknowledge(
    escalation_id: uuid.UUID, body: Acknowledgement, session: DbSession, principal: Acknowledger
) -> EscalationRead:
    """The recipient confirms receipt (or a safety officer records it): the escalation's clock stops."""
    return _read(
        escalation_service.acknowledge(session, principal.require_user(), escalation_id, body.reference)
    )


@router.post("/escalations/{escalation_id}/confirm", response_model=EscalationRead)
def confirm(
    escalation_id: uuid.UUID, body: EscalationReview, session: DbSession, principal: Reviewer
) -> EscalationRead:
    """A safety officer confirms a detected threat that awaits confirmation: it is sent at once."""
    return _read(
        escalation_service.review(
            session, principal.require_user(), escalation_id, confirm=True, note=body.note
        )
    )


@router.post("/escalations/{escalation_id}/decline", response_model=EscalationRead)
def decline(
    escalation_id: uuid.UUID, body: EscalationReview, session: DbSession, principal: Reviewer
) -> EscalationRead:
    """A safety officer finds no threat before dispatch (a note is required): nothing is sent and the legal
    hold is released; the urgent moderation case stays open."""
    return _read(
        escalation_service.review(
            session, principal.require_user(), escalation_id, confirm=False, note=body.note
        )
    )
