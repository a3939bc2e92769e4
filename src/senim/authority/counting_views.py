"""Pages of user counting: the published figure for everyone (LAW-21), the daily counts and the threshold
monitor in the console (LAW-12, 25, 10), and the legal representative's details (LAW-10, 11)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm, has_perm
from senim.authority.counting import (
    METHOD_TEXTS,
    REPRESENTATIVE_KINDS,
    THRESHOLD,
    counting_service,
    location_methods,
    platform_counts,
    ranges_status,
)
from senim.config import Settings
from senim.console.views import NO_STORE, page
from senim.errors import AppError, NotFound
from senim.kit.clock import today_in
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import Public, form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(requires(Perm.user_counts_read))]
Manager = Annotated[Principal, Depends(requires(Perm.representative_manage))]

CONSOLE_DAYS = 60
REPRESENTATIVE_RECORDED = flash_message(
    "representative_recorded", N_("The legal representative is recorded; the one before left office.")
)
REPRESENTATIVE_ENDED = flash_message(
    "representative_ended", N_("The legal representative has left office; none is on record now.")
)
SOURCE_LABELS = {"senim": N_("Counted by Senim"), "platform": N_("Reported by the platform")}


def _staff(principal: Principal) -> None:
    """Console pages are for people signed in; API principals read the figures through the API."""
    if principal.token is not None:
        raise NotFound("Page not found.")


def _methods(settings: Settings) -> list[tuple[str, str]]:
    return [(m.value, METHOD_TEXTS[m]) for m in location_methods(settings)]


@router.get("/about/users")
def published_page(request: Request, session: DbSession, principal: Public) -> Response:
    """The average number of users located in Kazakhstan a day, for each of the last six complete months,
    and how location is decided (LAW-21)."""
    settings: Settings = request.app.state.settings
    today = today_in()
    months = [
        {"start": date(m.year, m.month, 1), "average": round(m.average)}
        for m in counting_service.published(session, today)
    ]
    return render(
        request,
        "authority/published_users.html",
        {
            "months": months,
            "today": today,
            "methods": _methods(settings),
            "platform_counts": platform_counts(settings),
            "several_methods": len(location_methods(settings)) > 1,
            "count_visitors": settings.count_visitors,
        },
    )


@router.get("/console/user-counts")
def counts_page(request: Request, session: DbSession, principal: Reader) -> Response:
    """The last 60 days' counts, the monthly averages, the threshold and the representative on record."""
    _staff(principal)
    settings: Settings = request.app.state.settings
    today = today_in()
    days = counting_service.daily(session, today - timedelta(days=CONSOLE_DAYS), today - timedelta(days=1))
    context: dict[str, Any] = {
        "days": list(reversed(days)),
        "monthly": [
            {"start": date(m.year, m.month, 1), "average": round(m.average, 1)}
            for m in reversed(counting_service.monthly(session, today))
        ],
        "published": [
            {"start": date(m.year, m.month, 1), "average": round(m.average)}
            for m in counting_service.published(session, today)
        ],
        "threshold": counting_service.threshold_status(session, today),
        "threshold_value": THRESHOLD,
        "representative": counting_service.current_representative(session),
        "kind_labels": REPRESENTATIVE_KINDS,
        "source_labels": SOURCE_LABELS,
        "methods": _methods(settings),
        "platform_counts": platform_counts(settings),
        "ranges": ranges_status(settings) if settings.kz_ranges_file is not None else None,
        "count_visitors": settings.count_visitors,
        "can_manage": has_perm(principal.role, Perm.representative_manage),
    }
    return page(request, principal, "authority/user_counts.html", context, headers=NO_STORE)


def _representative_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "representative": counting_service.current_representative(session),
        "history": counting_service.representatives(session),
        "kinds": list(REPRESENTATIVE_KINDS.items()),
        "kind_labels": REPRESENTATIVE_KINDS,
        "problems": problems or [],
        "values": values or {},
        "today": today_in(),
    }
    return page(request, principal, "authority/representative.html", context, status=status, headers=NO_STORE)


@router.get("/console/legal-representative")
def representative_page(request: Request, session: DbSession, principal: Manager) -> Response:
    _staff(principal)
    return _representative_page(request, session, principal)


@router.post("/console/legal-representative")
def representative_submit(request: Request, form: Form, session: DbSession, principal: Manager) -> Response:
    """Record the legal representative appointed (every field required), or record that the one in office
    has left it (``action=end``). A refused form is shown again with each problem (422), nothing written."""
    _staff(principal)
    data = fields(form)
    try:
        with session.begin_nested():
            if data.get("action") == "end":
                counting_service.end_representative(session, principal.actor)
            else:
                counting_service.record_representative(session, principal.actor, data)
    except AppError as exc:
        values = {k: v for k, v in data.items() if k not in ("csrf_token", "action")}
        return _representative_page(
            request, session, principal, problems=form_problems(exc), values=values, status=exc.status_code
        )
    ended = data.get("action") == "end"
    return redirect(
        "/console/legal-representative", REPRESENTATIVE_ENDED if ended else REPRESENTATIVE_RECORDED
    )
