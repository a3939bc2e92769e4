""" "Translate into Kazakh" on every post, comment, profile and community: a page with the original and its
Kazakh (no JavaScript needed), or a plain notice when no engine is configured."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from senim.community.service import community_service
from senim.content.service import content_service
from senim.feed.service import feed_service
from senim.translation.service import Outcome, translation_service
from senim.web.auth import DbSession
from senim.web.pages import Public
from senim.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: DbSession, text: str, back: str, language: str | None) -> Response:
    settings = request.app.state.settings
    rendering = translation_service.into_kazakh(session, text, settings, language=language)
    return render(
        request,
        "translation/page.html",
        {"original": text, "rendering": rendering, "back": back, "Outcome": Outcome},
    )


@router.get("/translate/item/{item_id}")
def translate_item(item_id: uuid.UUID, request: Request, session: DbSession, principal: Public) -> Response:
    item = content_service.get_visible(session, principal.user, item_id)
    back = f"/p/{item.parent_id or item.id}"
    return _page(request, session, item.body, back, item.language)


@router.get("/translate/user/{username}")
def translate_profile(username: str, request: Request, session: DbSession, principal: Public) -> Response:
    author = feed_service.author(session, username)
    return _page(request, session, author.bio, f"/u/{author.username}", None)


@router.get("/translate/community/{slug}")
def translate_community(slug: str, request: Request, session: DbSession, principal: Public) -> Response:
    community = community_service.get_by_slug(session, slug)
    return _page(request, session, community.description, f"/c/{community.slug}", None)
