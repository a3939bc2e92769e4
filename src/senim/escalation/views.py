"""The escalation console for safety officers: every escalation with its clock (time since detection,
until dispatch, until acknowledgement), the evidence, and the form that records an acknowledgement
received by phone or letter."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm, has_perm
from senim.console.views import page
from senim.escalation.service import escalation_service
from senim.kit.clock import utcnow
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(requires(Perm.escalations_read))]
Acknowledger = Annotated[Principal, Depends(requires(Perm.escalations_acknowledge))]
Reviewer = Annotated[Principal, Depends(requires(Perm.escalations_confirm))]

ACKNOWLEDGED = flash_message("escalation_acknowledged", N_("The acknowledgement is recorded."))
CONFIRMED = flash_message("escalation_confirmed", N_("Confirmed: law enforcement is being notified."))
DECLINED = flash_message("escalation_declined", N_("Declined: nothing was sent and the hold is released."))
STATUS_LABELS = {
    "awaiting_confirmation": N_("Awaiting a safety officer's confirmation"),
    "declined": N_("Declined by a safety officer; not sent"),
    "open": N_("Not dispatched: no channel answered"),
    "dispatched": N_("Sent; waiting for acknowledgement"),
    "acknowledged": N_("Acknowledged"),
}


@router.get("/console/escalations")
def escalations_page(request: Request, session: DbSession, principal: Reader) -> Response:
    rows = [
        (e, escalation_service.snapshot(session, e))
        for e in escalation_service.list(session, principal.require_user())
    ]
    return page(
        request,
        principal,
        "escalation/list.html",
        {
            "rows": rows,
            "now": utcnow(),
            "escalation_status": STATUS_LABELS,
            "may_review": has_perm(principal.role, Perm.escalations_confirm),
        },
    )


@router.post("/console/escalations/{escalation_id}/acknowledge")
def acknowledge_submit(
    escalation_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Acknowledger
) -> Response:
    escalation_service.acknowledge(
        session, principal.require_user(), escalation_id, fields(form).get("reference", "")
    )
    return redirect("/console/escalations", ACKNOWLEDGED)


@router.post("/console/escalations/{escalation_id}/review")
def review_submit(
    escalation_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Reviewer
) -> Response:
    data = fields(form)
    confirm = data.get("decision") == "confirm"
    escalation_service.review(
        session, principal.require_user(), escalation_id, confirm=confirm, note=data.get("note", "")
    )
    return redirect("/console/escalations", CONFIRMED if confirm else DECLINED)
