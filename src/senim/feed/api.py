"""JSON API: the non-profiled feeds (LAW-35) and "Not interested" (LAW-52)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from senim.community.service import community_service
from senim.content import policy as content_policy
from senim.content.schemas import error_responses
from senim.feed.schemas import FeedPage, HiddenCreate, HiddenRead
from senim.feed.service import feed_service
from senim.models import HiddenKind
from senim.web.auth import DbSession
from senim.web.pages import Participant, Public

router = APIRouter(prefix="/api/v1", tags=["feed"])

CursorQuery = Annotated[str | None, Query(description="`next_cursor` of the previous page")]
LimitQuery = Annotated[int, Query(ge=1, le=content_policy.MAX_PAGE_SIZE)]


@router.get(
    "/feed",
    response_model=FeedPage,
    summary="The home feed: every visible post, newest first, without profiling",
    responses=error_responses(422),
)
def home(
    session: DbSession,
    principal: Public,
    cursor: CursorQuery = None,
    limit: LimitQuery = content_policy.DEFAULT_PAGE_SIZE,
) -> FeedPage:
    return FeedPage.of(feed_service.home(session, principal.user, cursor=cursor, limit=limit))


@router.get(
    "/communities/{community}/feed",
    response_model=FeedPage,
    summary="A community's feed (the community by id or slug)",
    responses=error_responses(404, 422),
)
def community(
    community: str,
    session: DbSession,
    principal: Public,
    cursor: CursorQuery = None,
    limit: LimitQuery = content_policy.DEFAULT_PAGE_SIZE,
) -> FeedPage:
    found = community_service.find(session, community)
    return FeedPage.of(feed_service.community(session, principal.user, found.id, cursor=cursor, limit=limit))


@router.get(
    "/users/{username}/posts",
    response_model=FeedPage,
    summary="A person's posts, newest first",
    responses=error_responses(404, 422),
)
def by_author(
    username: str,
    session: DbSession,
    principal: Public,
    cursor: CursorQuery = None,
    limit: LimitQuery = content_policy.DEFAULT_PAGE_SIZE,
) -> FeedPage:
    author = feed_service.author(session, username)
    return FeedPage.of(feed_service.by_author(session, principal.user, author.id, cursor=cursor, limit=limit))


@router.post(
    "/hidden",
    response_model=HiddenRead,
    status_code=201,
    summary="Hide a post, an author or a community from your feeds",
    responses={
        200: {"model": HiddenRead, "description": "It was already hidden; nothing changed"},
        **error_responses(401, 403, 404, 422),
    },
)
def hide(body: HiddenCreate, response: Response, session: DbSession, principal: Participant) -> HiddenRead:
    row, created = feed_service.hide(session, principal.require_user(), body.target_type, body.target_id)
    if not created:
        response.status_code = 200
    return HiddenRead.of_row(row)


@router.delete(
    "/hidden/{target_type}/{target_id}",
    status_code=204,
    summary="Show again what you hid (nothing happens if it was not hidden)",
    responses=error_responses(401, 403, 422),
)
def unhide(
    target_type: HiddenKind, target_id: uuid.UUID, session: DbSession, principal: Participant
) -> Response:
    feed_service.unhide(session, principal.require_user(), target_type, target_id)
    return Response(status_code=204)


@router.get(
    "/hidden",
    response_model=list[HiddenRead],
    summary="What you hid from your feeds",
    responses=error_responses(401, 403),
)
def hidden_list(session: DbSession, principal: Participant) -> list[HiddenRead]:
    return [HiddenRead.of_entry(e) for e in feed_service.hidden_list(session, principal.require_user())]
