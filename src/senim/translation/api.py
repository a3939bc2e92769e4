"""JSON API: any visible post, comment, profile or community in Kazakh, and the engine's status."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from senim.community.service import community_service
from senim.content.service import content_service
from senim.feed.service import feed_service
from senim.translation.schemas import EngineRead, TranslationRead
from senim.translation.service import Rendering, translation_service
from senim.web.auth import DbSession
from senim.web.pages import Public

router = APIRouter(prefix="/api/v1", tags=["translation"])


def _read(rendering: Rendering) -> TranslationRead:
    return TranslationRead(
        outcome=rendering.outcome,
        language=rendering.language,
        confidence=round(rendering.confidence, 3),
        text=rendering.text,
        other_script=rendering.other_script,
        engine=rendering.engine,
    )


@router.get("/items/{item_id}/kazakh", response_model=TranslationRead)
def item_in_kazakh(
    item_id: uuid.UUID, request: Request, session: DbSession, principal: Public
) -> TranslationRead:
    """A post or comment in Kazakh (LAW-09): translated, or as it is when it is Kazakh already."""
    item = content_service.get_visible(session, principal.user, item_id)
    settings = request.app.state.settings
    return _read(translation_service.into_kazakh(session, item.body, settings, language=item.language))


@router.get("/users/{username}/kazakh", response_model=TranslationRead)
def profile_in_kazakh(
    username: str, request: Request, session: DbSession, principal: Public
) -> TranslationRead:
    author = feed_service.author(session, username)
    return _read(translation_service.into_kazakh(session, author.bio, request.app.state.settings))


@router.get("/communities/{slug}/kazakh", response_model=TranslationRead)
def community_in_kazakh(
    slug: str, request: Request, session: DbSession, principal: Public
) -> TranslationRead:
    community = community_service.get_by_slug(session, slug)
    return _read(translation_service.into_kazakh(session, community.description, request.app.state.settings))


@router.get("/translation/engine", response_model=EngineRead)
def engine_status(request: Request, principal: Public) -> EngineRead:
    """Whether automatic translation works on this site now, and with what."""
    status = translation_service.status(request.app.state.settings)
    return EngineRead(
        configured=status.configured, engine=status.name, version=status.version, problem=status.problem
    )
