"""HTML pages: the signed-in user's notices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm
from senim.notification.service import notification_service, render_notice
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import flash_message, redirect
from senim.web.i18n import N_
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

ALL_READ = flash_message("notices_read", N_("All notices are marked as read."))
PAGE_SIZE = 100


@router.get("/notifications")
def notifications_page(
    request: Request, session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.signed_in))]
) -> Response:
    user = principal.require_user()
    notices = [
        {
            "id": note.id,
            "text": render_notice(note.kind, note.params),
            "link": note.link,
            "created_at": note.created_at,
            "unread": note.read_at is None,
        }
        for note in notification_service.list_for(session, user, limit=PAGE_SIZE)
    ]
    unread = notification_service.unread_count(session, user)
    return render(request, "notification/list.html", {"notices": notices, "unread": unread})


@router.post("/notifications/read-all")
def mark_all_read(
    session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.signed_in))]
) -> Response:
    notification_service.mark_all_read(session, principal.require_user())
    return redirect("/notifications", ALL_READ)
