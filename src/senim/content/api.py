"""JSON API: posts (with images), comments, edits and deletions by their authors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import FormData

from senim.content import age, policy
from senim.content.errors import ItemNotFound, UnsupportedMediaType
from senim.content.media import IMAGE_FIELD, PreparedUploads, prepare_uploads, upload_form
from senim.content.schemas import (
    CommentCreate,
    CommentPage,
    CommentRead,
    CommentUpdate,
    PostCreate,
    PostRead,
    PostUpdate,
    error_responses,
)
from senim.content.service import content_service
from senim.errors import Invalid
from senim.models import ItemKind
from senim.web.auth import DbSession, Principal
from senim.web.forms import files
from senim.web.pages import Participant, Public

router = APIRouter(prefix="/api/v1", tags=["content"])

# The create route reads its body itself (JSON or multipart), so its request body is described here.
POST_CREATE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": PostCreate.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "body": {"type": "string", "description": "The text; may be empty with images"},
                        "community_id": {"type": "string", "format": "uuid"},
                        "age_sign": {
                            "type": "string",
                            "enum": ["", *age.AGE_SIGNS],
                            "description": "The age sign (LAW-83); empty or omitted: none",
                        },
                        IMAGE_FIELD: {
                            "type": "array",
                            "maxItems": policy.MAX_IMAGES_PER_POST,
                            "items": {"type": "string", "format": "binary"},
                            "description": "JPEG, PNG, WebP or GIF (first frame). Decoded, turned upright "
                            "and re-encoded without any metadata (EXIF, GPS, XMP, ICC, comments).",
                        },
                    },
                },
                "encoding": {IMAGE_FIELD: {"contentType": "image/jpeg, image/png, image/webp, image/gif"}},
            },
        },
    }
}


def _parse_uuid(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Invalid("Choose one of your communities.") from exc


def _body_error(exc: ValidationError) -> RequestValidationError:
    return RequestValidationError([{**err, "loc": ("body", *err["loc"])} for err in exc.errors()])


@dataclass(frozen=True)
class PostInput:
    """The create request's body as sent: JSON bytes or a parsed multipart form."""

    json: bytes | None = None
    form: FormData | None = None


async def read_post_input(request: Request) -> PostInput:
    """Read the body on the event loop (no database here); the route itself runs in the thread pool."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        return PostInput(json=await request.body())
    if ctype == "multipart/form-data":
        return PostInput(form=await upload_form(request))
    raise UnsupportedMediaType("Send the post as JSON or as a multipart form.")


PostInputBody = Annotated[PostInput, Depends(read_post_input)]


def prepare_post_images(data: PostInputBody, request: Request) -> PreparedUploads:
    """The images of a multipart post, prepared before the route's session and permission check touch
    the database (see ``media.PreparedUploads``). A plain ``def``: it runs in the thread pool."""
    if data.form is None:
        return PreparedUploads()
    return prepare_uploads(files(data.form, IMAGE_FIELD), request.app.state.settings)


def _parse_post_input(data: PostInput) -> tuple[str, uuid.UUID | None, str | None]:
    """The text, the community and the age sign (checked by the service) of a new post."""
    if data.json is not None:
        try:
            parsed = PostCreate.model_validate_json(data.json)
        except ValidationError as exc:
            raise _body_error(exc) from exc
        return parsed.body, parsed.community_id, parsed.age_sign
    assert data.form is not None  # noqa: S101 - read_post_input returns one or the other
    text = data.form.get("body")
    raw_community = data.form.get("community_id")
    community_id = _parse_uuid(raw_community if isinstance(raw_community, str) else None)
    raw_sign = data.form.get("age_sign")
    return (
        text if isinstance(text, str) else "",
        community_id,
        raw_sign if isinstance(raw_sign, str) else None,
    )


@router.post(
    "/posts",
    response_model=PostRead,
    status_code=201,
    summary="Publish a post (JSON, or a multipart form with images)",
    responses=error_responses(401, 403, 404, 413, 415, 422),
    openapi_extra=POST_CREATE_BODY,
)
def create_post(
    # First, so an oversized upload is refused before anything parses it; then the images are prepared,
    # before the session and the permission check take the database.
    data: PostInputBody,
    prepared: Annotated[PreparedUploads, Depends(prepare_post_images)],
    request: Request,
    session: DbSession,
    principal: Participant,
) -> PostRead:
    body, community_id, age_sign = _parse_post_input(data)
    item = content_service.create_post(
        session,
        principal.require_user(),
        body=body,
        community_id=community_id,
        images=prepared.get(),
        settings=request.app.state.settings,
        age_sign=age_sign,
    )
    return PostRead.of(content_service.card(session, item))


@router.get("/posts/{post_id}", response_model=PostRead, responses=error_responses(404))
def read_post(post_id: uuid.UUID, session: DbSession, principal: Public) -> PostRead:
    post = content_service.get_post(session, principal.user, post_id)
    return PostRead.of(content_service.card(session, post))


@router.patch(
    "/posts/{post_id}",
    response_model=PostRead,
    summary="Edit your post",
    responses=error_responses(401, 403, 404, 422),
)
def edit_post(post_id: uuid.UUID, body: PostUpdate, session: DbSession, principal: Participant) -> PostRead:
    user = principal.require_user()
    content_service.get_post(session, user, post_id)
    sign = body.age_sign if "age_sign" in body.model_fields_set else age.KEEP
    post = content_service.edit(session, user, post_id, body.body, age_sign=sign)
    return PostRead.of(content_service.card(session, post))


@router.delete(
    "/posts/{post_id}", status_code=204, summary="Delete your post", responses=error_responses(401, 403, 404)
)
def delete_post(post_id: uuid.UUID, session: DbSession, principal: Participant) -> Response:
    user = principal.require_user()
    content_service.get_post(session, user, post_id)
    content_service.delete_own(session, user, post_id)
    return Response(status_code=204)


@router.post(
    "/posts/{post_id}/comments",
    response_model=CommentRead,
    status_code=201,
    summary="Comment on a post",
    responses=error_responses(401, 403, 404, 409, 422),
)
def create_comment(
    post_id: uuid.UUID, body: CommentCreate, session: DbSession, principal: Participant
) -> CommentRead:
    comment = content_service.create_comment(session, principal.require_user(), post_id, body.body)
    return CommentRead.of(content_service.card(session, comment))


@router.get("/posts/{post_id}/comments", response_model=CommentPage, responses=error_responses(404, 422))
def list_comments(
    post_id: uuid.UUID,
    session: DbSession,
    principal: Public,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=policy.MAX_PAGE_SIZE)] = policy.MAX_PAGE_SIZE,
) -> CommentPage:
    page = content_service.comments(session, principal.user, post_id, cursor=cursor, limit=limit)
    return CommentPage(items=[CommentRead.of(c) for c in page.items], next_cursor=page.next_cursor)


def _own_comment(session: DbSession, principal: Principal, comment_id: uuid.UUID) -> None:
    item = content_service.get_visible(session, principal.require_user(), comment_id)
    if item.kind != ItemKind.comment:
        raise ItemNotFound("This post or comment does not exist or was removed.")


@router.patch(
    "/comments/{comment_id}",
    response_model=CommentRead,
    summary="Edit your comment",
    responses=error_responses(401, 403, 404, 422),
)
def edit_comment(
    comment_id: uuid.UUID, body: CommentUpdate, session: DbSession, principal: Participant
) -> CommentRead:
    _own_comment(session, principal, comment_id)
    comment = content_service.edit(session, principal.require_user(), comment_id, body.body)
    return CommentRead.of(content_service.card(session, comment))


@router.delete(
    "/comments/{comment_id}",
    status_code=204,
    summary="Delete your comment",
    responses=error_responses(401, 403, 404),
)
def delete_comment(comment_id: uuid.UUID, session: DbSession, principal: Participant) -> Response:
    _own_comment(session, principal, comment_id)
    content_service.delete_own(session, principal.require_user(), comment_id)
    return Response(status_code=204)
