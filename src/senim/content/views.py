"""HTML pages: writing a post, a post's page with its comments, editing and deleting one's own items,
and serving images (only while their item may be seen)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from senim.ads.sponsored import sponsored_service
from senim.ads.sponsored_policy import Marking
from senim.content import age, policy
from senim.content.errors import ContentInvalid, NotAuthor
from senim.content.media import FormImages, UploadForm
from senim.content.service import content_service
from senim.errors import AppError, Invalid
from senim.models import ContentItem, ItemKind
from senim.web.auth import DbSession, Principal
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import Participant, Public, composer_context, form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

PUBLISHED = flash_message("content_published", N_("Your post is published."))
COMMENTED = flash_message("content_commented", N_("Your comment is published."))
EDITED = flash_message("content_edited", N_("Your changes are saved."))
DELETED = flash_message("content_deleted", N_("Deleted. It is no longer shown to anyone."))

SPONSORED_FIELDS = ("sponsored_label", "sponsor_name", "sponsor_bin")


def _sponsored_values(data: dict[str, str]) -> dict[str, str]:
    return {name: data.get(name, "") for name in SPONSORED_FIELDS}


def _marking(values: dict[str, str]) -> Marking | None:
    """The advertising marking a form sent, checked (a form error before anything is written)."""
    return sponsored_service.parse(values["sponsored_label"], values["sponsor_name"], values["sponsor_bin"])


# Browsers may cache an image of a public post briefly; removal reaches readers within this time.
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, no-store"


def _compose_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = composer_context(session, principal) | {"problems": problems or [], "values": values or {}}
    return render(request, "content/compose.html", context, status_code=status)


@router.get("/posts/new")
def compose(request: Request, session: DbSession, principal: Participant) -> Response:
    return _compose_page(
        request, session, principal, values={"community_id": request.query_params.get("community", "")}
    )


@router.post("/posts")
def publish(
    # First, so an oversized upload is refused before anything parses it; then the images are prepared,
    # before the session and the permission check take the database (see ``media.PreparedUploads``).
    form: UploadForm,
    prepared: FormImages,
    request: Request,
    session: DbSession,
    principal: Participant,
) -> Response:
    settings = request.app.state.settings
    data = fields(form)
    values = {
        "body": data.get("body", ""),
        "community_id": data.get("community_id", ""),
        "age_sign": data.get("age_sign", ""),
    } | _sponsored_values(data)
    try:
        try:
            community_id = uuid.UUID(values["community_id"]) if values["community_id"] else None
        except ValueError as exc:
            raise Invalid("Choose one of your communities.") from exc
        marking = _marking(values)
        images = prepared.get()
        with session.begin_nested():
            item = content_service.create_post(
                session,
                principal.require_user(),
                body=values["body"],
                community_id=community_id,
                images=images,
                settings=settings,
                age_sign=values["age_sign"],
                sponsored=marking,
            )
    except AppError as exc:
        return _compose_page(
            request, session, principal, problems=form_problems(exc), values=values, status=exc.status_code
        )
    return redirect(f"/p/{item.id}", PUBLISHED)


def _post_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    post_id: uuid.UUID,
    *,
    problems: list[str] | None = None,
    comment_body: str = "",
    comment_values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    viewer = principal.user
    post = content_service.get_post(session, viewer, post_id)
    comments = content_service.comments(
        session, viewer, post.id, cursor=request.query_params.get("after") or None
    )
    context = composer_context(session, principal) | {
        "card": content_service.card(session, post, signs=age.counted_signs(viewer)),
        "comments": comments.items,
        "comments_next": comments.next_cursor,
        "problems": problems or [],
        "comment_body": comment_body,
        "comment_values": comment_values or {},
        # The author of an unmarked post that looks like an advertisement is asked to mark it (LAW-68).
        "ad_prompt": sponsored_service.prompt_for(viewer, post),
    }
    return render(request, "content/post.html", context, status_code=status)


@router.get("/p/{post_id}")
def post_page(post_id: uuid.UUID, request: Request, session: DbSession, principal: Public) -> Response:
    return _post_page(request, session, principal, post_id)


@router.post("/p/{post_id}/comments")
def comment(
    post_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Participant
) -> Response:
    data = fields(form)
    body = data.get("body", "")
    values = _sponsored_values(data)
    try:
        marking = _marking(values)
        with session.begin_nested():
            content_service.create_comment(
                session, principal.require_user(), post_id, body, sponsored=marking
            )
    except Invalid as exc:
        return _post_page(
            request,
            session,
            principal,
            post_id,
            problems=form_problems(exc),
            comment_body=body,
            comment_values=values,
            status=exc.status_code,
        )
    return redirect(f"/p/{post_id}#comments", COMMENTED)


def own_item_for_form(session: DbSession, principal: Principal, item_id: uuid.UUID) -> ContentItem:
    """The item, if it is this user's: the same checks as the change itself, before showing the form."""
    user = principal.require_user()
    item = content_service.get_visible(session, user, item_id)
    if item.author_id != user.id:
        raise NotAuthor("Only the author can change or delete this.")
    return item


def item_path(item: ContentItem) -> str:
    return f"/p/{item.parent_id}#c-{item.id}" if item.kind == ItemKind.comment else f"/p/{item.id}"


def _edit_page(
    request: Request,
    item: ContentItem,
    *,
    body: str | None = None,
    age_sign: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "content/edit.html",
        {
            "item": item,
            "body": item.body if body is None else body,
            "age_sign": (item.age_sign or "") if age_sign is None else age_sign,
            "age_signs": age.SIGN_LABELS,
            "problems": problems or [],
            "back": item_path(item),
            "limit": policy.body_limit(ItemKind(item.kind)),
        },
        status_code=status,
    )


@router.get("/p/{item_id}/edit")
def edit_page(item_id: uuid.UUID, request: Request, session: DbSession, principal: Participant) -> Response:
    return _edit_page(request, own_item_for_form(session, principal, item_id))


@router.post("/p/{item_id}/edit")
def edit(
    item_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Participant
) -> Response:
    item = own_item_for_form(session, principal, item_id)
    data = fields(form)
    body = data.get("body", "")
    # A post's form always sends its sign ("" for none); a comment's has none, and keeps what it has.
    sign = data.get("age_sign", "") if item.kind == ItemKind.post else age.KEEP
    try:
        with session.begin_nested():
            content_service.edit(session, principal.require_user(), item_id, body, age_sign=sign)
    except ContentInvalid as exc:
        return _edit_page(
            request,
            item,
            body=body,
            age_sign=sign if isinstance(sign, str) else None,
            problems=form_problems(exc),
            status=exc.status_code,
        )
    return redirect(item_path(item), EDITED)


@router.get("/p/{item_id}/delete")
def delete_page(item_id: uuid.UUID, request: Request, session: DbSession, principal: Participant) -> Response:
    item = own_item_for_form(session, principal, item_id)
    return render(request, "content/delete.html", {"item": item, "back": item_path(item)})


@router.post("/p/{item_id}/delete")
def delete(item_id: uuid.UUID, session: DbSession, principal: Participant) -> Response:
    item = content_service.delete_own(session, principal.require_user(), item_id)
    return redirect(f"/p/{item.parent_id}" if item.kind == ItemKind.comment else "/", DELETED)


@router.get("/media/{media_id}")
def media(media_id: uuid.UUID, request: Request, session: DbSession, principal: Public) -> Response:
    served = content_service.open_media(session, principal.user, media_id, request.app.state.settings)
    return FileResponse(
        served.path,
        media_type=served.content_type,
        headers={
            "Cache-Control": PUBLIC_CACHE if served.public else PRIVATE_CACHE,
            "Content-Disposition": "inline",
        },
    )
