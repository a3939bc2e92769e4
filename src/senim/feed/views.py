"""HTML pages: the home feed with the post form, a person's page, "Not interested" and its undo."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from senim.ads.service import ads_service
from senim.feed import policy
from senim.feed.errors import HideTargetInvalid
from senim.feed.service import feed_service
from senim.models import HiddenKind
from senim.web.auth import DbSession
from senim.web.forms import Form, fields, flash_message, redirect, safe_next
from senim.web.i18n import N_, locale_var
from senim.web.pages import Participant, Public, composer_context, cursor_param
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

HIDDEN = {
    HiddenKind.post: flash_message("feed_hidden_post", N_("The post is hidden from your feed.")),
    HiddenKind.author: flash_message(
        "feed_hidden_author", N_("Posts by this author are hidden from your feeds.")
    ),
    HiddenKind.community: flash_message(
        "feed_hidden_community", N_("Posts from this community are hidden from your feeds.")
    ),
}
SHOWN = flash_message("feed_shown", N_("It is shown in your feeds again."))


@router.get("/")
def home(request: Request, session: DbSession, principal: Public) -> Response:
    page = feed_service.home(session, principal.user, cursor=cursor_param(request))
    every = request.app.state.settings.ads_every_n_items
    context = composer_context(session, principal) | {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "values": {},
        # Labelled ads between the posts (issue 10, senim.ads; LAW-56, 58, 59, 61).
        "ad_slots": ads_service.ad_slots(session, principal.user, locale_var.get(), len(page.items), every),
    }
    return render(request, "feed/home.html", context)


@router.get("/u/{username}")
def profile(username: str, request: Request, session: DbSession, principal: Public) -> Response:
    author = feed_service.author(session, username)
    page = feed_service.by_author(session, principal.user, author.id, cursor=cursor_param(request))
    context = composer_context(session, principal) | {
        "author": author,
        "items": page.items,
        "next_cursor": page.next_cursor,
        "author_hidden": feed_service.is_hidden(session, principal.user, HiddenKind.author, author.id),
    }
    return render(request, "feed/profile.html", context)


def _target(form: FormData) -> tuple[HiddenKind, uuid.UUID, str]:
    data = fields(form)
    try:
        kind = HiddenKind(data.get("target_type", ""))
        target_id = uuid.UUID(data.get("target_id", ""))
    except ValueError as exc:
        raise HideTargetInvalid("You can hide a post, an author or a community.") from exc
    return kind, target_id, safe_next(data.get("next"))


@router.post("/hide")
def hide(form: Form, session: DbSession, principal: Participant) -> Response:
    kind, target_id, next_path = _target(form)
    feed_service.hide(session, principal.require_user(), kind, target_id)
    return redirect(next_path, HIDDEN[kind])


@router.post("/unhide")
def unhide(form: Form, session: DbSession, principal: Participant) -> Response:
    kind, target_id, next_path = _target(form)
    feed_service.unhide(session, principal.require_user(), kind, target_id)
    return redirect(next_path, SHOWN)


@router.get("/account/hidden")
def hidden_page(request: Request, session: DbSession, principal: Participant) -> Response:
    entries = feed_service.hidden_list(session, principal.require_user())
    return render(request, "feed/hidden.html", {"entries": entries, "parameters": policy.PARAMETERS})
