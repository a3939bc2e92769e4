"""HTML pages: the list of public communities, creating one, a community's page and its forms.

A community's page shows its feed (``senim.feed.service.feed_service.community``) with the feed's
partial ``feed/_items.html``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from senim.account.service import account_service
from senim.community import policy
from senim.community.service import community_service
from senim.errors import AppError
from senim.feed.service import feed_service
from senim.models import Community
from senim.web.auth import DbSession, Principal
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import Participant, Public, can_participate, cursor_param, form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

CREATED = flash_message("community_created", N_("The community is created. You are its owner."))
JOINED = flash_message("community_joined", N_("You joined the community."))
LEFT = flash_message("community_left", N_("You left the community."))
DESCRIBED = flash_message("community_described", N_("The description is saved."))
APPOINTED = flash_message("community_moderator_appointed", N_("The moderator is appointed."))
REMOVED = flash_message("community_moderator_removed", N_("The moderator role is taken away."))

FEED_LIMIT = 20


def _community_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    community: Community,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    viewer = principal.user
    role = community_service.role_of(session, community.id, viewer.id if viewer else None)
    feed = feed_service.community(
        session, viewer, community.id, cursor=cursor_param(request), limit=FEED_LIMIT
    )
    return render(
        request,
        "community/page.html",
        {
            "community": community,
            "member_count": community_service.member_count(session, community),
            "staff": community_service.moderators(session, community),
            "my_role": role,
            "can_participate": can_participate(principal),
            "can_join": policy.can_join(community.status),
            "can_edit": policy.can_edit_description(role),
            "is_owner": policy.can_manage_moderators(role),
            "feed": feed,
            "problems": problems or [],
            "values": values or {},
            "description_max": policy.DESCRIPTION_MAX,
        },
        status_code=status,
    )


@router.get("/communities")
def list_page(request: Request, session: DbSession, principal: Public) -> Response:
    page = community_service.list(session, limit=50, cursor=cursor_param(request))
    return render(
        request,
        "community/list.html",
        {
            "communities": page.items,
            "next_cursor": page.next_cursor,
            "counts": community_service.member_counts(session, [c.id for c in page.items]),
            "can_participate": can_participate(principal),
        },
    )


def _new_page(
    request: Request,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "community/new.html",
        {
            "problems": problems or [],
            "values": values or {},
            "slug_max": policy.SLUG_MAX,
            "name_max": policy.NAME_MAX,
            "description_max": policy.DESCRIPTION_MAX,
        },
        status_code=status,
    )


@router.get("/communities/new")
def new_page(request: Request, principal: Participant) -> Response:
    return _new_page(request)


@router.post("/communities")
def create_submit(
    request: Request,
    form: Form,
    session: DbSession,
    principal: Participant,
) -> Response:
    data = fields(form)
    values = {k: data.get(k, "") for k in ("slug", "name", "description")}
    try:
        with session.begin_nested():
            community = community_service.create(
                session, principal.require_user(), values["slug"], values["name"], values["description"]
            )
    except AppError as exc:
        return _new_page(request, form_problems(exc), values, status=exc.status_code)
    return redirect(f"/c/{community.slug}", CREATED)


@router.get("/c/{slug}")
def community_page(
    slug: str,
    request: Request,
    session: DbSession,
    principal: Public,
) -> Response:
    return _community_page(request, session, principal, community_service.get_by_slug(session, slug))


@router.post("/c/{slug}/join")
def join_submit(slug: str, session: DbSession, principal: Participant) -> Response:
    community = community_service.get_by_slug(session, slug)
    community_service.join(session, principal.require_user(), community)
    return redirect(f"/c/{community.slug}", JOINED)


@router.post("/c/{slug}/leave")
def leave_submit(slug: str, session: DbSession, principal: Participant) -> Response:
    community = community_service.get_by_slug(session, slug)
    community_service.leave(session, principal.require_user(), community)
    return redirect(f"/c/{community.slug}", LEFT)


@router.post("/c/{slug}/describe")
def describe_submit(
    slug: str,
    request: Request,
    form: Form,
    session: DbSession,
    principal: Participant,
) -> Response:
    community = community_service.get_by_slug(session, slug)
    description = fields(form).get("description", "")
    try:
        with session.begin_nested():
            community_service.update_description(session, principal.require_user(), community, description)
    except AppError as exc:
        return _community_page(
            request,
            session,
            principal,
            community,
            problems=form_problems(exc),
            values={"description": description},
            status=exc.status_code,
        )
    return redirect(f"/c/{community.slug}", DESCRIBED)


def _moderator_form(
    request: Request, form: Form, session: DbSession, principal: Principal, slug: str, *, appoint: bool
) -> Response:
    community = community_service.get_by_slug(session, slug)
    username = fields(form).get("username", "")
    try:
        with session.begin_nested():
            owner = principal.require_user()
            target = account_service.get_by_username(session, username)
            if appoint:
                community_service.appoint_moderator(session, owner, community, target)
            else:
                community_service.remove_moderator(session, owner, community, target)
    except AppError as exc:
        return _community_page(
            request,
            session,
            principal,
            community,
            problems=form_problems(exc),
            values={"username": username},
            status=exc.status_code,
        )
    return redirect(f"/c/{community.slug}", APPOINTED if appoint else REMOVED)


@router.post("/c/{slug}/moderators")
def appoint_submit(
    slug: str,
    request: Request,
    form: Form,
    session: DbSession,
    principal: Participant,
) -> Response:
    return _moderator_form(request, form, session, principal, slug, appoint=True)


@router.post("/c/{slug}/moderators/remove")
def remove_submit(
    slug: str,
    request: Request,
    form: Form,
    session: DbSession,
    principal: Participant,
) -> Response:
    return _moderator_form(request, form, session, principal, slug, appoint=False)
