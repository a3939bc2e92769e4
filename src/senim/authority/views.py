"""The orders desk in the console: every order with its clock; a received letter entered with its scanned
document; an order's page with its basis, targets, documents and the legal review; and the signing secret
an administrator issues to the authorized body."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from senim import taxonomy
from senim.account.policy import Perm, has_perm
from senim.account.service import account_service
from senim.authority import policy
from senim.authority.disclosure import disclosure_service
from senim.authority.errors import OrderInvalid, OrderNotFound
from senim.authority.service import order_service
from senim.complaint.evidence import ComplaintForm, FormEvidence
from senim.console.views import NO_STORE, page
from senim.content import media
from senim.errors import AppError
from senim.kit import encrypted
from senim.kit.clock import utcnow
from senim.models import MeasuresReport, OrderDocument
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(requires(Perm.orders_read))]
Manager = Annotated[Principal, Depends(requires(Perm.orders_manage))]
Approver = Annotated[Principal, Depends(requires(Perm.disclosures_approve))]
BodyUser = Annotated[Principal, Depends(requires(Perm.orders_submit))]
TokensManager = Annotated[Principal, Depends(requires(Perm.tokens_manage))]

ACCEPTED = flash_message("order_accepted", N_("The basis is verified: the order is accepted."))
EXECUTED = flash_message("order_executed", N_("The order is executed; the body is told what was done."))
REJECTED = flash_message("order_rejected", N_("The order is rejected; the reasons go to the body."))
PREPARED = flash_message(
    "disclosure_prepared", N_("The disclosure is prepared; a second person must approve it.")
)
RETURNED = flash_message("disclosure_returned", N_("The disclosure is returned to its preparer."))
HANDED_OVER = flash_message("disclosure_handed_over", N_("The handing over of the archive is recorded."))
PORTAL_ACKNOWLEDGED = flash_message(
    "package_acknowledged", N_("Thank you: the platform is told you received the package.")
)
ACKNOWLEDGED = flash_message("disclosure_acknowledged", N_("The body's acknowledgement is recorded."))
DISCLOSURE_LABELS = {
    "awaiting_approval": N_("Awaiting a second person's approval"),
    "returned": N_("Returned with reasons"),
    "approved": N_("Approved: package built, being delivered"),
    "delivered": N_("Delivered"),
    "acknowledged": N_("Acknowledged by the body"),
}
FIELD_LABELS = {
    "username": N_("Username"),
    "display_name": N_("Display name"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "date_of_birth": N_("Date of birth"),
    "registered_at": N_("Registered at"),
    "last_login_at": N_("Last sign-in"),
    "login_addresses": N_("Sign-in addresses"),
    "content_ids": N_("Their posts and comments (ids)"),
}
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
        "can_approve": has_perm(principal.role, Perm.disclosures_approve),
        "disclosure_labels": DISCLOSURE_LABELS,
        "field_labels": FIELD_LABELS,
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
    context = _context(principal) | {
        "order": order,
        "documents": order_service.documents(session, order),
        "disclosures": disclosure_service.for_order(session, order),
        "user_id": principal.require_user().id,
    }
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
        answer=data.get("answer", ""),
    )
    return redirect(f"/console/orders/{order.number}", EXECUTED)


@router.post("/console/orders/{number}/disclosure")
def prepare_disclosure(number: str, form: Form, session: DbSession, principal: Manager) -> Response:
    """A legal officer prepares a disclosure: the fields named, any withheld with the reason."""
    _staff(principal)
    data = fields(form)
    withheld = {
        name.removeprefix("withhold_"): data.get(f"reason_{name.removeprefix('withhold_')}", "")
        for name in data
        if name.startswith("withhold_") and data[name] == "yes"
    }
    disclosure_service.prepare(
        session,
        principal.require_user(),
        number,
        withheld=withheld,
        tell_affected=data.get("tell_affected", "") != "no",
        not_told_reason=data.get("not_told_reason", ""),
    )
    return redirect(f"/console/orders/{number.strip().upper()}", PREPARED)


@router.post("/console/disclosures/{disclosure_id}/approve")
def approve_disclosure(
    disclosure_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Approver
) -> Response:
    """The second person approves: the package is built and encrypted; its password is shown once."""
    _staff(principal)
    disclosure, password = disclosure_service.approve(
        session,
        principal.require_user(),
        disclosure_id,
        password_channel=fields(form).get("password_channel", ""),
        settings=request.app.state.settings,
    )
    order = order_service.get_by_id(session, principal.require_user(), disclosure.order_id)
    return page(
        request,
        principal,
        "console/shown_once.html",
        {
            "title": N_("The disclosure package is built"),
            "secret_label": N_("Password of the archive"),
            "secret": password,
            "note": N_(
                "Give the password to the body by the channel you named, never with the archive. It is "
                "not stored: nobody can show it again."
            ),
            "facts": [
                (N_("Order"), order.number),
                (N_("SHA-256 of the archive"), disclosure.archive_sha256 or ""),
                (N_("The password goes by"), disclosure.password_channel),
            ],
            "back": f"/console/orders/{order.number}",
            "back_label": N_("Back"),
        },
        headers=NO_STORE,
    )


@router.post("/console/disclosures/{disclosure_id}/return")
def return_disclosure(
    disclosure_id: uuid.UUID, form: Form, session: DbSession, principal: Approver
) -> Response:
    _staff(principal)
    disclosure = disclosure_service.return_to_preparer(
        session, principal.require_user(), disclosure_id, fields(form).get("reason", "")
    )
    order = order_service.get_by_id(session, principal.require_user(), disclosure.order_id)
    return redirect(f"/console/orders/{order.number}", RETURNED)


@router.post("/console/disclosures/{disclosure_id}/handover")
def handover_disclosure(
    disclosure_id: uuid.UUID, form: Form, session: DbSession, principal: Manager
) -> Response:
    """A legal officer records handing a letter's archive to the body."""
    _staff(principal)
    disclosure = disclosure_service.record_handover(
        session, principal.require_user(), disclosure_id, fields(form).get("channel", "")
    )
    order = order_service.get_by_id(session, principal.require_user(), disclosure.order_id)
    return redirect(f"/console/orders/{order.number}", HANDED_OVER)


@router.post("/console/disclosures/{disclosure_id}/acknowledge")
def acknowledge_disclosure(disclosure_id: uuid.UUID, session: DbSession, principal: Manager) -> Response:
    """A legal officer records the body's acknowledgement of a letter's package."""
    _staff(principal)
    disclosure = disclosure_service.acknowledge(session, principal.require_user(), disclosure_id)
    order = order_service.get_by_id(session, principal.require_user(), disclosure.order_id)
    return redirect(f"/console/orders/{order.number}", ACKNOWLEDGED)


@router.get("/console/disclosures/{disclosure_id}/archive")
def disclosure_archive(
    disclosure_id: uuid.UUID, request: Request, session: DbSession, principal: Manager
) -> Response:
    """The encrypted archive, for a legal officer to hand over a letter's package."""
    _staff(principal)
    disclosure = disclosure_service.get_for(session, principal.require_user(), disclosure_id)
    return disclosure_service.archive_response(request.app.state.settings, disclosure)


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
    data = encrypted.open_file(document.storage_key, path.read_bytes())  # order letters are encrypted at rest
    headers = {
        "Cache-Control": "private, no-store",
        **encrypted.attachment_headers(f"{order.number}-{document.filename}"),
    }
    return Response(data, media_type=document.content_type, headers=headers)


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


# --- the authorized body's portal: its own requests, the packages addressed to it, the reports ---------


def _portal_context(principal: Principal) -> dict[str, Any]:
    return _context(principal) | {"now": utcnow()}


@router.get("/portal")
def portal(request: Request, session: DbSession, principal: BodyUser) -> Response:
    """The body's own orders and requests with their status, its packages, the reports of measures."""
    user = principal.require_user()
    context = _portal_context(principal) | {
        "orders": order_service.list_for(session, user),
        "packages": [
            (d, order_service.get_by_id(session, user, d.order_id))
            for d in disclosure_service.addressed_to(session, user)
        ],
        "reports": list(session.scalars(select(MeasuresReport).order_by(MeasuresReport.period_start.desc()))),
    }
    return render(request, "authority/portal.html", context)


@router.get("/portal/orders/{number}")
def portal_order(number: str, request: Request, session: DbSession, principal: BodyUser) -> Response:
    """One of the body's orders: its status, clock and completion report; a package to download."""
    user = principal.require_user()
    order = order_service.get_for(session, user, number)
    context = _portal_context(principal) | {
        "order": order,
        "report": order_service.completion_report(session, order),
        "disclosures": [d for d in disclosure_service.for_order(session, order) if d.archive_key],
    }
    return render(request, "authority/portal_order.html", context)


@router.get("/portal/disclosures/{disclosure_id}/archive")
def portal_archive(
    disclosure_id: uuid.UUID, request: Request, session: DbSession, principal: BodyUser
) -> Response:
    disclosure = disclosure_service.get_for(session, principal.require_user(), disclosure_id)
    return disclosure_service.archive_response(request.app.state.settings, disclosure)


@router.post("/portal/disclosures/{disclosure_id}/acknowledge")
def portal_acknowledge(disclosure_id: uuid.UUID, session: DbSession, principal: BodyUser) -> Response:
    disclosure = disclosure_service.acknowledge(session, principal.require_user(), disclosure_id)
    order = order_service.get_by_id(session, principal.require_user(), disclosure.order_id)
    return redirect(f"/portal/orders/{order.number}", PORTAL_ACKNOWLEDGED)


@router.get("/portal/reports/{report_id}")
def portal_report(
    report_id: uuid.UUID, request: Request, session: DbSession, principal: BodyUser
) -> Response:
    report = session.get(MeasuresReport, report_id)
    if report is None:
        raise OrderNotFound("No such report.")
    return render(request, "authority/portal_report.html", _portal_context(principal) | {"report": report})
