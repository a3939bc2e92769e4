"""The risk register in the console (LAW-37): the list (the highest score first, or sorted otherwise,
filtered by status), the form for a new risk, a risk's page with its history, and the forms that change
and close it. Staff with ``transparency:read`` read; ``transparency:manage`` changes. A refused form comes
back with every problem (4xx) and nothing written."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from senim.account.policy import Perm, has_perm
from senim.console.views import NO_STORE, page
from senim.errors import AppError, NotFound
from senim.kit.clock import today_in
from senim.models import User
from senim.models.transparency import Risk, RiskCategory, RiskStatus
from senim.transparency import risk_policy
from senim.transparency.risks import MAX_TEXT, MAX_TITLE, RiskNotFound, RiskSort, risk_service
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import form_problems

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(requires(Perm.transparency_read))]
Manager = Annotated[Principal, Depends(requires(Perm.transparency_manage))]

BASE = "/console/transparency/risks"
CREATED = flash_message("risk_created", N_("The risk is recorded."))
UPDATED = flash_message("risk_updated", N_("The risk is updated."))
UNCHANGED = flash_message("risk_unchanged", N_("Nothing was changed."))
CLOSED = flash_message("risk_closed", N_("The risk is closed."))
SORT_LABELS: dict[RiskSort, str] = {
    RiskSort.score: N_("Highest score first"),
    RiskSort.score_asc: N_("Lowest score first"),
    RiskSort.newest: N_("Identified most recently first"),
    RiskSort.reviewed: N_("Longest without a review first"),
}
FORM_FIELDS = ("title", "description", "category", "likelihood", "impact", "mitigations", "owner_id")


def _staff(principal: Principal) -> None:
    """The register is for people signed in to the console, not for API tokens."""
    if principal.token is not None:
        raise NotFound("Page not found.")


def _context(session: Session, principal: Principal) -> dict[str, Any]:
    return {
        "can_manage": has_perm(principal.role, Perm.transparency_manage),
        "categories": [(c.value, risk_policy.CATEGORY_LABELS[c]) for c in RiskCategory],
        "category_labels": {c.value: label for c, label in risk_policy.CATEGORY_LABELS.items()},
        "risk_status_labels": {s.value: label for s, label in risk_policy.STATUS_LABELS.items()},
        "level_labels": {lv.value: label for lv, label in risk_policy.LEVEL_LABELS.items()},
        "likelihood_labels": risk_policy.LIKELIHOOD_LABELS,
        "impact_labels": risk_policy.IMPACT_LABELS,
        "level": risk_policy.level,
        "max_title": MAX_TITLE,
        "max_text": MAX_TEXT,
        "today": today_in().isoformat(),
    }


def _choice(enum: type[RiskStatus] | type[RiskSort], value: str | None) -> Any:
    if not value:
        return None
    try:
        return enum(value)
    except ValueError as exc:
        raise AppError(N_("Choose one of the offered options."), 422) from exc


@router.get(BASE)
def risks_page(request: Request, session: DbSession, principal: Reader) -> Response:
    _staff(principal)
    q = request.query_params
    status: RiskStatus | None = _choice(RiskStatus, q.get("status"))
    sort: RiskSort = _choice(RiskSort, q.get("sort")) or RiskSort.score
    risks = risk_service.list_all(session, status=status, sort=sort)
    owners = {u.id: u for u in risk_service.owners(session)}
    context = _context(session, principal) | {
        "risks": risks,
        "owners": _owners_of(session, risks, owners),
        "statuses": [(s.value, risk_policy.STATUS_LABELS[s]) for s in RiskStatus],
        "sorts": [(s.value, label) for s, label in SORT_LABELS.items()],
        "filters": {"status": status.value if status else "", "sort": sort.value},
    }
    return page(request, principal, "transparency/risks/list.html", context, headers=NO_STORE)


def _owners_of(session: Session, risks: list[Risk], known: dict[Any, User]) -> dict[Any, User]:
    owners = dict(known)
    for risk in risks:
        if risk.owner_id not in owners:
            user = session.get(User, risk.owner_id)
            if user is not None:
                owners[risk.owner_id] = user
    return owners


def _form_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = _context(session, principal) | {
        "owners": risk_service.owners(session),
        "statuses": [
            (s.value, risk_policy.STATUS_LABELS[s]) for s in RiskStatus if s is not RiskStatus.closed
        ],
        "problems": problems or [],
        "values": values
        or {
            "status": RiskStatus.identified.value,
            "identified_on": today_in().isoformat(),
            "owner_id": str(principal.id or ""),
        },
    }
    return page(request, principal, "transparency/risks/new.html", context, status=status, headers=NO_STORE)


@router.get(f"{BASE}/new")
def new_risk_page(request: Request, session: DbSession, principal: Manager) -> Response:
    _staff(principal)
    return _form_page(request, session, principal)


@router.post(f"{BASE}/new")
def new_risk_submit(request: Request, form: Form, session: DbSession, principal: Manager) -> Response:
    _staff(principal)
    data = {k: v for k, v in fields(form).items() if k != "csrf_token"}
    try:
        with session.begin_nested():
            risk = risk_service.create(session, principal.require_user(), data)
    except AppError as exc:
        return _form_page(
            request, session, principal, problems=form_problems(exc), values=data, status=exc.status_code
        )
    return redirect(f"{BASE}/{risk.id}", CREATED)


def _risk_page(
    request: Request,
    session: Session,
    principal: Principal,
    risk: Risk,
    *,
    problems: list[str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    current = RiskStatus(risk.status)
    edit_values: dict[str, Any] = {name: str(getattr(risk, name)) for name in FORM_FIELDS}
    edit_values |= {"status": current.value, "identified_on": risk.identified_on.isoformat(), "reviewed": ""}
    context = _context(session, principal) | {
        "risk": risk,
        "owner": session.get(User, risk.owner_id),
        "owners": risk_service.owners(session),
        "statuses": [(s.value, risk_policy.STATUS_LABELS[s]) for s in risk_policy.editable_statuses(current)],
        "history": risk_service.history(session, risk),
        "problems": problems or [],
        "values": edit_values | (values or {}),
        "is_closed": current is RiskStatus.closed,
    }
    return page(request, principal, "transparency/risks/risk.html", context, status=status, headers=NO_STORE)


@router.get(BASE + "/{risk_id}")
def risk_page(risk_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    _staff(principal)
    return _risk_page(request, session, principal, risk_service.get(session, risk_id))


@router.post(BASE + "/{risk_id}")
def edit_risk_submit(
    risk_id: str, request: Request, form: Form, session: DbSession, principal: Manager
) -> Response:
    """Change the risk; with "reviewed" ticked, also record that it was reviewed now."""
    _staff(principal)
    data = {k: v for k, v in fields(form).items() if k != "csrf_token"}
    try:
        with session.begin_nested():
            risk, changed = risk_service.update(
                session, principal.require_user(), risk_id, data, reviewed=data.get("reviewed") == "1"
            )
    except AppError as exc:
        if isinstance(exc, RiskNotFound):
            raise
        values = data | {"reviewed": data.get("reviewed", "")}
        risk = risk_service.get(session, risk_id)
        return _risk_page(
            request,
            session,
            principal,
            risk,
            problems=form_problems(exc),
            values=values,
            status=exc.status_code,
        )
    return redirect(f"{BASE}/{risk.id}", UPDATED if changed else UNCHANGED)


@router.post(BASE + "/{risk_id}/close")
def close_risk_submit(
    risk_id: str, request: Request, form: Form, session: DbSession, principal: Manager
) -> Response:
    _staff(principal)
    note = fields(form).get("note", "")
    try:
        with session.begin_nested():
            risk = risk_service.close(session, principal.require_user(), risk_id, note)
    except AppError as exc:
        if isinstance(exc, RiskNotFound):
            raise
        risk = risk_service.get(session, risk_id)
        return _risk_page(
            request,
            session,
            principal,
            risk,
            problems=form_problems(exc),
            values={"note": note},
            status=exc.status_code,
        )
    return redirect(f"{BASE}/{risk.id}", CLOSED)
