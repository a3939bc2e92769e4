"""The author's form to mark a post or comment as advertising, or to change or remove its marking
(LAW-62, LAW-65, LAW-66). Notices about an unmarked post that looks like an advertisement link here."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from senim.ads.sponsored import marking_of, sponsored_service
from senim.content.service import content_service
from senim.content.views import item_path, own_item_for_form
from senim.errors import AppError
from senim.models import ContentItem
from senim.web.auth import DbSession, Principal
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import Participant, form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

MARKED = flash_message("sponsored_marked", N_("The advertising marking is saved and shown above the text."))
UNMARKED = flash_message("sponsored_unmarked", N_("The advertising marking is removed."))


def _page(
    request: Request,
    principal: Principal,
    item: ContentItem,
    *,
    values: dict[str, str] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    marking = marking_of(item)
    current = {
        "sponsored_label": marking.label if marking else "",
        "sponsor_name": marking.sponsor_name if marking else "",
        "sponsor_bin": (marking.sponsor_bin or "") if marking else "",
    }
    return render(
        request,
        "content/sponsored.html",
        {
            "item": item,
            "values": values if values is not None else current,
            "marked": marking is not None,
            "reasons": sponsored_service.prompt_for(principal.user, item),
            "problems": problems or [],
            "back": item_path(item),
        },
        status_code=status,
    )


@router.get("/p/{item_id}/sponsored")
def sponsored_page(
    item_id: uuid.UUID, request: Request, session: DbSession, principal: Participant
) -> Response:
    return _page(request, principal, own_item_for_form(session, principal, item_id))


@router.post("/p/{item_id}/sponsored")
def mark_sponsored(
    item_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Participant
) -> Response:
    item = own_item_for_form(session, principal, item_id)
    data = fields(form)
    values = {name: data.get(name, "") for name in ("sponsored_label", "sponsor_name", "sponsor_bin")}
    if data.get("remove"):
        values = dict.fromkeys(values, "")
    try:
        marking = sponsored_service.parse(
            values["sponsored_label"], values["sponsor_name"], values["sponsor_bin"]
        )
        with session.begin_nested():
            content_service.mark_sponsored(session, principal.require_user(), item.id, marking, via="form")
    except AppError as exc:
        return _page(
            request, principal, item, values=values, problems=form_problems(exc), status=exc.status_code
        )
    return redirect(item_path(item), MARKED if marking else UNMARKED)
