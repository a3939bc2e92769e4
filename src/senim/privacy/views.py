"""Personal data pages: the person's own (their data, consents, export, requests) and the data protection
officer's (requests with their clocks, a person's personal data opened for a stated purpose, the access
log)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm, has_perm
from senim.console.views import NO_STORE, page
from senim.errors import AppError
from senim.kit.clock import ALMATY
from senim.models import SubjectRequestKind
from senim.privacy import policy
from senim.privacy.errors import PrivacyInvalid
from senim.privacy.service import privacy_service
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

SignedIn = Annotated[Principal, Depends(requires(Perm.signed_in))]
Reader = Annotated[Principal, Depends(requires(Perm.privacy_read))]
Officer = Annotated[Principal, Depends(requires(Perm.privacy_manage))]

FILED = flash_message(
    "privacy_request_filed", N_("Your request is received; the answer is due by the date shown.")
)
DECIDED = flash_message("privacy_request_decided", N_("The answer is recorded and the person is told."))


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": policy.KIND_LABELS,
        "request_status_labels": policy.STATUS_LABELS,
        "data_labels": policy.CONSENT_DATA,
        "purpose_labels": policy.CONSENT_PURPOSES,
        "duration_labels": policy.DURATION_LABELS,
        "view_purposes": policy.PURPOSES,
    }


def _my_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    user = principal.require_user()
    context = _labels() | {
        "consents": privacy_service.consents(session, user),
        "requests": privacy_service.requests_of(session, user),
        "kinds": list(SubjectRequestKind),
        "problems": problems or [],
        "values": values or {},
        "data": privacy_service.export(session, user),
    }
    response = render(request, "privacy/mine.html", context, status_code=status)
    response.headers.update(NO_STORE)
    return response


@router.get("/account/privacy")
def my_privacy(request: Request, session: DbSession, principal: SignedIn) -> Response:
    """The person's personal data as Senim holds it, their consents, and their requests."""
    return _my_page(request, session, principal)


@router.get("/account/privacy/export.json")
def my_export(session: DbSession, principal: SignedIn) -> Response:
    """The same, as a JSON file to keep or take elsewhere."""
    user = principal.require_user()
    body = json.dumps(privacy_service.export(session, user), ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="senim-{user.username}.json"', **NO_STORE},
    )


@router.post("/account/privacy/requests")
def file_request(request: Request, form: Form, session: DbSession, principal: SignedIn) -> Response:
    data = fields(form)
    try:
        with session.begin_nested():
            privacy_service.file_request(
                session, principal.require_user(), data.get("kind", ""), data.get("details", "")
            )
    except AppError as exc:
        return _my_page(
            request, session, principal, problems=form_problems(exc), values=data, status=exc.status_code
        )
    return redirect("/account/privacy", FILED)


# --- the data protection officer ----------------------------------------------------------------


@router.get("/console/privacy/requests")
def requests_page(request: Request, session: DbSession, principal: Reader) -> Response:
    context = _labels() | {"requests": privacy_service.open_requests(session)}
    return page(request, principal, "privacy/requests.html", context)


@router.get("/console/privacy/requests/{number}")
def request_page(number: str, request: Request, session: DbSession, principal: Reader) -> Response:
    subject_request = privacy_service.get(session, number)
    context = _labels() | {
        "item": subject_request,
        "can_decide": has_perm(principal.role, Perm.privacy_manage),
    }
    return page(request, principal, "privacy/request.html", context)


@router.post("/console/privacy/requests/{number}/decide")
def decide_request(number: str, form: Form, session: DbSession, principal: Officer) -> Response:
    data = fields(form)
    decided = privacy_service.decide(
        session,
        principal.require_user(),
        number,
        grant=data.get("decision") == "grant",
        answer=data.get("answer", ""),
    )
    return redirect(f"/console/privacy/requests/{decided.number}", DECIDED)


@router.get("/console/privacy/people/{user_id}")
def person_page(user_id: uuid.UUID, request: Request, principal: Officer) -> Response:
    """The form to open a person's personal data: nothing is shown until a purpose is given."""
    return page(request, principal, "privacy/person.html", _labels() | {"user_id": user_id, "shown": None})


@router.post("/console/privacy/people/{user_id}")
def person_open(
    user_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Officer
) -> Response:
    """Open a person's personal data for the purpose given; the view is logged before anything is shown."""
    data = fields(form)
    person, shown = privacy_service.view_personal_data(
        session, principal.require_user(), user_id, purpose=data.get("purpose", ""), note=data.get("note", "")
    )
    context = _labels() | {"user_id": user_id, "person": person, "shown": shown}
    return page(request, principal, "privacy/person.html", context, headers=NO_STORE)


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise PrivacyInvalid("A date is written YYYY-MM-DD.") from exc
    return datetime.combine(day + timedelta(days=1) if end else day, time.min, tzinfo=ALMATY)


@router.get("/console/privacy/access-log")
def access_log_page(
    request: Request,
    session: DbSession,
    principal: Reader,
    staff: str = "",
    subject: str = "",
    purpose: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    """Every staff view of a person's personal data, with its purpose; filtered by staff member, person,
    purpose and days."""
    try:
        staff_id = uuid.UUID(staff) if staff else None
        subject_id = uuid.UUID(subject) if subject else None
    except ValueError as exc:
        raise PrivacyInvalid("Not an account id.") from exc
    if purpose and purpose not in policy.PURPOSES:
        raise PrivacyInvalid("Choose why you open this person's personal data.")
    entries = privacy_service.access_log(
        session,
        staff_id=staff_id,
        subject_id=subject_id,
        purpose=purpose or None,
        since=_day(since),
        until=_day(until, end=True),
    )
    filters = {"staff": staff, "subject": subject, "purpose": purpose, "since": since, "until": until}
    return page(
        request, principal, "privacy/access_log.html", _labels() | {"entries": entries, "filters": filters}
    )
