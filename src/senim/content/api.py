"""JSON API: posts (with images), comments, edits and deletions by their authors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import FormData

from senim.ads.sponsored import sponsored_service
from senim.ads.sponsored_policy import Marking
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
    SponsoredMark,
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
                        "sponsored_label": {
                            "type": "string",
                            "description": "The advertising marking (LAW-66), as `sponsored.label` in JSON; "
                            "empty or omitted: not marked",
                        },
                        "sponsor_name": {"type": "string", "description": "The sponsor, with a marking"},
                        "sponsor_bin": {"type": "string", "description": "The sponsor's BIN (optional)"},
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


def _marking(mark: SponsoredMark | None) -> Marking | None:
    """The advertising marking sent, checked (422 before anything is written)."""
    if mark is None:
        return None
    return sponsored_service.parse(mark.label, mark.sponsor_name, mark.sponsor_bin)


def _form_text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


def _parse_post_input(data: PostInput) -> tuple[str, uuid.UUID | None, str | None, Marking | None]:
    """The text, the community, the age sign (checked by the service) and the advertising marking
    (checked here) of a new post."""
    if data.json is not None:
        try:
            parsed = PostCreate.model_validate_json(data.json)
        except ValidationError as exc:
            raise _body_error(exc) from exc
        return parsed.body, parsed.community_id, parsed.age_sign, _marking(parsed.sponsored)
    assert data.form is not None  # noqa: S101 - read_post_input returns one or the other
    form = data.form
    marking = sponsored_service.parse(
        _form_text(form, "sponsored_label"), _form_text(form, "sponsor_name"), _form_text(form, "sponsor_bin")
    )
    return (
        _form_text(form, "body") or "",
        _parse_uuid(_form_text(form, "community_id")),
        _form_text(form, "age_sign"),
        marking,
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
    body, community_id, age_sign, marking = _parse_post_input(data)
    item = content_service.create_post(
        session,
        principal.require_user(),
        body=body,
        community_id=community_id,
        images=prepared.get(),
        settings=request.app.state.settings,
        age_sign=age_sign,
        sponsored=marking,
    )
    return PostRead.of(content_service.card(session, item, signs=age.counted_signs(principal.user)))


@router.get("/posts/{post_id}", response_model=PostRead, responses=error_responses(404))
def read_post(post_id: uuid.UUID, session: DbSession, principal: Public) -> PostRead:
    post = content_service.get_post(session, principal.user, post_id)
    return PostRead.of(content_service.card(session, post, signs=age.counted_signs(principal.user)))


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
    remark = "sponsored" in body.model_fields_set
    marking = _marking(body.sponsored) if remark else None
    if remark:  # first, so a newly marked text is not taken for an unmarked advertisement
        content_service.mark_sponsored(session, user, post_id, marking, via="api")
    post = content_service.edit(session, user, post_id, body.body, age_sign=sign)
    return PostRead.of(content_service.card(session, post, signs=age.counted_signs(principal.user)))


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
    marking = _marking(body.sponsored)
    comment = content_service.create_comment(
        session, principal.require_user(), post_id, body.body, sponsored=marking
    )
    return CommentRead.of(content_service.card(session, comment, signs=age.counted_signs(principal.user)))


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
    user = principal.require_user()
    remark = "sponsored" in body.model_fields_set
    marking = _marking(body.sponsored) if remark else None
    if remark:  # first, so a newly marked text is not taken for an unmarked advertisement
        content_service.mark_sponsored(session, user, comment_id, marking, via="api")
    comment = content_service.edit(session, user, comment_id, body.body)
    return CommentRead.of(content_service.card(session, comment, signs=age.counted_signs(principal.user)))


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
