"""The orders desk in the console: every order with its clock; a received letter entered with its scanned
document; an order's page with its basis, targets, documents and the legal review; and the signing secret
an administrator issues to the authorized body."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from senim import taxonomy
from senim.account.policy import Perm, has_perm
from senim.account.service import account_service
from senim.authority import policy
from senim.authority.errors import OrderInvalid, OrderNotFound
from senim.authority.service import order_service
from senim.complaint.evidence import ComplaintForm, FormEvidence
from senim.console.views import NO_STORE, page
from senim.content import media
from senim.errors import AppError
from senim.kit.clock import utcnow
from senim.models import OrderDocument
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import form_problems

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(requires(Perm.orders_read))]
Manager = Annotated[Principal, Depends(requires(Perm.orders_manage))]
TokensManager = Annotated[Principal, Depends(requires(Perm.tokens_manage))]

ACCEPTED = flash_message("order_accepted", N_("The basis is verified: the order is accepted."))
EXECUTED = flash_message("order_executed", N_("The order is executed; the body is told what was done."))
REJECTED = flash_message("order_rejected", N_("The order is rejected; the reasons go to the body."))
STATUS_LABELS = {
    "received": N_("Received: legal review"),
    "accepted": N_("Accepted: measures being taken"),
    "rejected": N_("Rejected"),
    "executed": N_("Executed"),
}
BASIS_LABELS = {
    "court_act": N_("Court act"),
    "request": N_("Request"),
    "order": N_("Order"),
    "law_article": N_("Article of a law"),
}


def _staff(principal: Principal) -> None:
    """The console is for staff; a state body follows its orders through the API."""
    if principal.token is not None:
        raise OrderNotFound("No such order.")


def _context(principal: Principal) -> dict[str, Any]:
    return {
        "can_manage": has_perm(principal.role, Perm.orders_manage),
        "kinds": [(k, policy.KIND_LABELS[k]) for k in policy.OrderKind],
        "kind_labels": policy.KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "basis_labels": BASIS_LABELS,
        "measure_labels": policy.MEASURE_LABELS,
        "result_labels": policy.RESULT_LABELS,
        "now": utcnow(),
        "categories": [(c.key, c.label) for c in taxonomy.versions()[-1].categories],
    }


@router.get("/console/orders")
def orders_page(request: Request, session: DbSession, principal: Reader) -> Response:
    _staff(principal)
    orders = order_service.list_for(session, principal.require_user())
    return page(request, principal, "authority/list.html", _context(principal) | {"orders": orders})


def _new_page(
    request: Request,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = _context(principal) | {"problems": problems or [], "values": values or {}}
    return page(request, principal, "authority/new.html", context, status=status)


@router.get("/console/orders/new")
def new_order_page(request: Request, principal: Manager) -> Response:
    _staff(principal)
    return _new_page(request, principal)


def _letter(data: dict[str, str], form: Any) -> dict[str, Any]:
    """The order of a letter, as the API takes it, from the form's fields."""
    targets = []
    for line in data.get("targets", "").splitlines():
        line = line.strip()
        if not line:
            continue
        kind, _, value = line.partition(":")
        kind = kind.strip()
        targets.append(
            {"type": "url", "url": line} if kind in ("http", "https") else {"type": kind, "id": value.strip()}
        )
    basis: dict[str, Any] = {"type": data.get("basis_type", ""), "number": data.get("basis_number", "")}
    if data.get("basis_date"):
        basis["date"] = data["basis_date"]
    if data.get("basis_article"):
        basis["article"] = data["basis_article"]
    order: dict[str, Any] = {
        "kind": data.get("kind", ""),
        "reference": data.get("reference", ""),
        "issuing_body": data.get("issuing_body", ""),
        "legal_basis": basis,
        "targets": targets,
        "measures": form.getlist("measures"),
        "requested_fields": [f.strip() for f in data.get("requested_fields", "").split(",") if f.strip()],
        "note": data.get("note", ""),
    }
    if data.get("category"):
        order["category"] = data["category"]
    return order


@router.post("/console/orders/new")
def new_order_submit(
    request: Request, form: ComplaintForm, evidence: FormEvidence, session: DbSession, principal: Manager
) -> Response:
    """A legal officer enters a letter received on paper or by e-mail, with its scanned document."""
    _staff(principal)
    data = fields(form)
    user = principal.require_user()
    try:
        documents = evidence.get()
        if not documents:
            raise OrderInvalid("Attach the scanned document of the letter.")
        with session.begin_nested():
            order = order_service.receive(
                session,
                _letter(data, form),
                actor=principal.actor,
                channel="letter",
                entered_by=user,
                documents=documents,
                settings=request.app.state.settings,
            )
    except AppError as exc:
        return _new_page(request, principal, problems=form_problems(exc), values=data, status=exc.status_code)
    return redirect(f"/console/orders/{order.number}")


@router.get("/console/orders/{number}")
def order_page(number: str, request: Request, session: DbSession, principal: Reader) -> Response:
    _staff(principal)
    order = order_service.get_for(session, principal.require_user(), number)
    context = _context(principal) | {"order": order, "documents": order_service.documents(session, order)}
    return page(request, principal, "authority/order.html", context)


@router.post("/console/orders/{number}/review")
def review_submit(number: str, form: Form, session: DbSession, principal: Manager) -> Response:
    _staff(principal)
    data = fields(form)
    accept = data.get("decision") == "accept"
    order = order_service.review(
        session, principal.require_user(), number, accept=accept, reason=data.get("reason", "")
    )
    return redirect(f"/console/orders/{order.number}", ACCEPTED if accept else REJECTED)


@router.post("/console/orders/{number}/execute")
def execute_submit(
    number: str, request: Request, form: Form, session: DbSession, principal: Manager
) -> Response:
    """Take the order's measures (restrict, remove, suspend, preserve, restore) through moderation."""
    _staff(principal)
    data = fields(form)
    order = order_service.execute(
        session,
        principal.require_user(),
        number,
        category=data.get("category") or None,
        base_url=request.app.state.settings.base_url,
        tell_affected=data.get("tell_affected", "") != "no",
        not_told_reason=data.get("not_told_reason", ""),
    )
    return redirect(f"/console/orders/{order.number}", EXECUTED)


@router.get("/console/orders/documents/{document_id}")
def document_file(
    document_id: uuid.UUID, request: Request, session: DbSession, principal: Reader
) -> Response:
    _staff(principal)
    document = session.get(OrderDocument, document_id)
    if document is None:
        raise OrderNotFound("No such order.")
    order = order_service.get_by_id(session, principal.require_user(), document.order_id)
    path = media.stored_path(request.app.state.settings.media_dir, document.storage_key)
    if path is None:
        raise OrderNotFound("No such order.")
    return FileResponse(
        path,
        media_type=document.content_type,
        filename=f"{order.number}-{document.filename}",
        headers={"Cache-Control": "private, no-store"},
    )


@router.post("/console/users/{user_id}/signing-secret")
def issue_signing_secret(
    user_id: uuid.UUID, request: Request, session: DbSession, principal: TokensManager
) -> Response:
    """An administrator issues the authorized body its request-signing secret, shown once."""
    body = account_service.get(session, user_id)
    secret = order_service.issue_signing_secret(session, principal.actor, body)
    return page(
        request,
        principal,
        "console/shown_once.html",
        {
            "title": N_("The new signing secret"),
            "secret_label": N_("Signing secret"),
            "secret": secret,
            "note": N_(
                "The body signs every order it sends with it (Senim-Signature, HMAC-SHA256 over the "
                "timestamp and the body). The secret issued before no longer verifies."
            ),
            "facts": [(N_("Account"), body.username)],
            "back": f"/console/users/{body.id}",
            "back_label": N_("Back"),
        },
        headers=NO_STORE,
    )
