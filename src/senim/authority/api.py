"""JSON API of the orders desk: the authorized body sends orders and requests with its token and a
signature over the body (``Senim-Signature``, the scheme of Senim's webhooks, with its signing secret),
and follows its own records; staff who may read orders see them all."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from sqlalchemy import select

from senim.account.policy import Perm
from senim.authority.disclosure import disclosure_service
from senim.authority.errors import OrderInvalid, OrderNotFound
from senim.authority.schemas import (
    CompletionReport,
    DisclosureRead,
    MeasuresReportList,
    MeasuresReportRead,
    OrderList,
    OrderRead,
)
from senim.authority.service import order_service
from senim.models import MeasuresReport, StateOrder
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1", tags=["orders"])

Submitter = Annotated[Principal, Depends(requires(Perm.orders_submit, "authority:submit"))]
Reader = Annotated[Principal, Depends(requires(Perm.orders_read, "authority:read"))]


def read(order: StateOrder) -> OrderRead:
    return OrderRead.model_validate(order, from_attributes=True)


async def raw_body(request: Request) -> bytes:
    """The request body as sent: the signature is over these bytes."""
    return await request.body()


@router.post("/orders", response_model=OrderRead, status_code=201)
def submit(
    body: Annotated[bytes, Depends(raw_body)], request: Request, session: DbSession, principal: Submitter
) -> OrderRead:
    """An order or request of the authorized body: JSON (see docs/orders.md), signed over the raw body.
    Answered at once with Senim's number and the statutory deadline; refused with each problem (422), or
    401 for a missing or wrong signature; nothing is written then."""
    user = principal.require_user()
    order_service.verify_signature(session, user, body, request.headers.get("senim-signature"))
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise OrderInvalid("The body is not valid JSON.") from exc
    order = order_service.receive(
        session, data, actor=principal.actor, channel="api", principal=user, signature_verified=True
    )
    return read(order)


@router.get("/orders", response_model=OrderList)
def list_orders(session: DbSession, principal: Reader) -> OrderList:
    """A body's own orders and requests with their status; staff see all."""
    return OrderList(items=[read(o) for o in order_service.list_for(session, principal.require_user())])


@router.get("/orders/{number}", response_model=OrderRead)
def read_order(number: str, session: DbSession, principal: Reader) -> OrderRead:
    return read(order_service.get_for(session, principal.require_user(), number))


@router.get("/orders/{number}/completion", response_model=CompletionReport)
def completion(number: str, session: DbSession, principal: Reader) -> CompletionReport:
    """The completion report of an order: what was done, when, against the statutory deadline."""
    order = order_service.get_for(session, principal.require_user(), number)
    return CompletionReport.model_validate(order_service.completion_report(session, order))


@router.get("/disclosures/{disclosure_id}", response_model=DisclosureRead)
def read_disclosure(disclosure_id: uuid.UUID, session: DbSession, principal: Reader) -> DisclosureRead:
    disclosure = disclosure_service.get_for(session, principal.require_user(), disclosure_id)
    return DisclosureRead.model_validate(disclosure_service.summary(disclosure))


@router.get("/disclosures/{disclosure_id}/archive", response_class=FileResponse)
def disclosure_archive(
    disclosure_id: uuid.UUID, request: Request, session: DbSession, principal: Reader
) -> FileResponse:
    """The encrypted archive (AES-256 ZIP: disclosure.json, disclosure.pdf, manifest.json); its password
    comes separately from the platform's legal officer."""
    disclosure = disclosure_service.get_for(session, principal.require_user(), disclosure_id)
    return disclosure_service.archive_response(request.app.state.settings, disclosure)


@router.post("/disclosures/{disclosure_id}/acknowledge", response_model=DisclosureRead)
def acknowledge_disclosure(
    disclosure_id: uuid.UUID, session: DbSession, principal: Submitter
) -> DisclosureRead:
    """The body confirms it received the package."""
    disclosure = disclosure_service.acknowledge(session, principal.require_user(), disclosure_id)
    return DisclosureRead.model_validate(disclosure_service.summary(disclosure))


@router.get("/reports/measures", response_model=MeasuresReportList)
def list_reports(session: DbSession, principal: Reader) -> MeasuresReportList:
    """The reports of measures taken against unlawful content (LAW-20), newest first."""
    rows = session.scalars(select(MeasuresReport).order_by(MeasuresReport.period_start.desc()))
    return MeasuresReportList(
        items=[MeasuresReportRead.model_validate(r, from_attributes=True) for r in rows]
    )


@router.get("/reports/measures/{report_id}", response_model=MeasuresReportRead)
def read_report(report_id: uuid.UUID, session: DbSession, principal: Reader) -> MeasuresReportRead:
    report = session.get(MeasuresReport, report_id)
    if report is None:
        raise OrderNotFound("No such report.")
    return MeasuresReportRead.model_validate(report, from_attributes=True)
