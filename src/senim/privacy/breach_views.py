"""The register of breaches in the console (LAW-29, 76): the list with the authority's clocks, the form
the data protection officer records a breach with, and a breach's page with who was told and when, and the
officer's actions (record the authority's notice sent by another channel, update the measures, close).
Administrators and auditors read; only the data protection officer changes anything."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm, has_perm
from senim.config import Settings
from senim.console.views import NO_STORE, page
from senim.errors import AppError
from senim.kit.clock import ALMATY, utcnow
from senim.models import Breach, User
from senim.privacy import inventory
from senim.privacy.breach import MAX_CHANNEL, MAX_TEXT, BreachNotFound, breach_service
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import form_problems

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(requires(Perm.privacy_read))]
Officer = Annotated[Principal, Depends(requires(Perm.privacy_manage))]

RECORDED = flash_message(
    "breach_recorded",
    N_(
        "The breach is recorded: the affected people are being told, and the e-mail to the authority is "
        "queued."
    ),
)
RECORDED_NO_EMAIL = flash_message(
    "breach_recorded_no_email",
    N_(
        "The breach is recorded and the affected people are being told. No e-mail address of the authority "
        "is configured: notify it by another channel and record it below."
    ),
)
AUTHORITY_RECORDED = flash_message("breach_authority_recorded", N_("The authority's notice is recorded."))
MEASURES_UPDATED = flash_message("breach_measures_updated", N_("The measures are updated."))
CLOSED = flash_message("breach_closed", N_("The breach is closed."))
STATUS_LABELS = {"open": N_("Open: being handled"), "closed": N_("Closed")}


def _staff(principal: Principal) -> None:
    """The register is for people signed in to the console, not for API tokens."""
    if principal.token is not None:
        raise BreachNotFound(N_("No such breach."))


def _context(request: Request, principal: Principal) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    return {
        "can_manage": has_perm(principal.role, Perm.privacy_manage),
        "classes": [(c.key, c.label) for c in inventory.BREACH_CLASSES],
        "class_labels": {c.key: c.label for c in inventory.DATA_CLASSES},
        "breach_status_labels": STATUS_LABELS,
        "authority_email": settings.pd_authority_email,
        "dpo_name": settings.dpo_name,
        "dpo_contact": settings.dpo_contact,
        "now": utcnow(),
        "max_text": MAX_TEXT,
        "max_channel": MAX_CHANNEL,
    }


@router.get("/console/privacy/breaches")
def breaches_page(request: Request, session: DbSession, principal: Reader) -> Response:
    _staff(principal)
    context = _context(request, principal) | {"breaches": breach_service.list_all(session)}
    return page(request, principal, "privacy/breaches.html", context, headers=NO_STORE)


def _new_page(
    request: Request,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = _context(request, principal) | {
        "problems": problems or [],
        "values": values or {},
        "latest": utcnow().astimezone(ALMATY).strftime("%Y-%m-%dT%H:%M"),
    }
    return page(request, principal, "privacy/breach_new.html", context, status=status, headers=NO_STORE)


@router.get("/console/privacy/breaches/new")
def new_breach_page(request: Request, principal: Officer) -> Response:
    _staff(principal)
    return _new_page(request, principal)


@router.post("/console/privacy/breaches/new")
def new_breach_submit(request: Request, form: Form, session: DbSession, principal: Officer) -> Response:
    """Record a breach; a refused form comes back with every problem (422) and nothing is written."""
    _staff(principal)
    settings: Settings = request.app.state.settings
    data: dict[str, Any] = {k: v for k, v in fields(form).items() if k != "csrf_token"}
    data["data_classes"] = [c for c in form.getlist("data_classes") if isinstance(c, str)]
    try:
        with session.begin_nested():
            breach = breach_service.record(session, principal.require_user(), data, settings)
    except AppError as exc:
        return _new_page(request, principal, problems=form_problems(exc), values=data, status=exc.status_code)
    return redirect(
        f"/console/privacy/breaches/{breach.number}",
        RECORDED if settings.pd_authority_email else RECORDED_NO_EMAIL,
    )


def _breach_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    breach: Breach,
    *,
    problems: list[str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = _context(request, principal) | {
        "breach": breach,
        "email_job": breach_service.authority_job(session, breach),
        "people": breach_service.affected_people(session, breach),
        "recorded_by": session.get(User, breach.recorded_by_id) if breach.recorded_by_id else None,
        "closed_by": session.get(User, breach.closed_by_id) if breach.closed_by_id else None,
        "problems": problems or [],
        "values": values or {},
    }
    return page(request, principal, "privacy/breach.html", context, status=status, headers=NO_STORE)


@router.get("/console/privacy/breaches/{number}")
def breach_page(number: str, request: Request, session: DbSession, principal: Reader) -> Response:
    _staff(principal)
    return _breach_page(request, session, principal, breach_service.get(session, number))


def _act(
    request: Request,
    session: DbSession,
    principal: Principal,
    number: str,
    form_data: dict[str, str],
    action: str,
) -> Response:
    """One of the officer's actions on a breach; refused: the page again with the problem, nothing written."""
    user = principal.require_user()
    try:
        with session.begin_nested():
            if action == "authority":
                breach = breach_service.record_authority_notice(
                    session, user, number, form_data.get("channel", "")
                )
                flash = AUTHORITY_RECORDED
            elif action == "measures":
                breach = breach_service.update_measures(session, user, number, form_data.get("measures", ""))
                flash = MEASURES_UPDATED
            else:
                breach = breach_service.close(session, user, number, form_data.get("note", ""))
                flash = CLOSED
    except AppError as exc:
        if isinstance(exc, BreachNotFound):
            raise
        values = {k: v for k, v in form_data.items() if k != "csrf_token"}
        breach = breach_service.get(session, number)
        return _breach_page(
            request,
            session,
            principal,
            breach,
            problems=form_problems(exc),
            values=values,
            status=exc.status_code,
        )
    return redirect(f"/console/privacy/breaches/{breach.number}", flash)


@router.post("/console/privacy/breaches/{number}/authority")
def authority_submit(
    number: str, request: Request, form: Form, session: DbSession, principal: Officer
) -> Response:
    """The officer notified the authority by another channel: how, recorded now."""
    _staff(principal)
    return _act(request, session, principal, number, fields(form), "authority")


@router.post("/console/privacy/breaches/{number}/measures")
def measures_submit(
    number: str, request: Request, form: Form, session: DbSession, principal: Officer
) -> Response:
    _staff(principal)
    return _act(request, session, principal, number, fields(form), "measures")


@router.post("/console/privacy/breaches/{number}/close")
def close_submit(
    number: str, request: Request, form: Form, session: DbSession, principal: Officer
) -> Response:
    _staff(principal)
    return _act(request, session, principal, number, fields(form), "close")
