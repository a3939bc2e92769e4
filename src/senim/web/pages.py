"""Helpers shared by the routes of several domains: the usual permissions, form problems, the post form.

``Public`` and ``Participant`` are the two permissions most routes declare (see ``senim.web.auth``);
``form_problems`` turns a refused form's error into the translated lines shown above the form;
``composer_context`` is what the post form (``feed/_compose.html``) needs wherever a page shows it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from senim.account.policy import Perm, has_perm
from senim.content import age
from senim.content import policy as content_policy
from senim.content.media import CONTENT_TYPES
from senim.content.service import content_service
from senim.errors import AppError
from senim.web import i18n
from senim.web.auth import Principal, requires

Public = Annotated[Principal, Depends(requires(Perm.public))]
Participant = Annotated[Principal, Depends(requires(Perm.participate))]


def form_problems(exc: AppError) -> list[str]:
    """The translated problems of a refused form: each of ``fields`` when the error lists several, or its
    message; the error's other parameters fill the placeholders."""
    params = {k: v for k, v in exc.params.items() if k != "fields"}
    return [i18n.gettext(p, **params) for p in (exc.params.get("fields") or [exc.message])]


def can_participate(principal: Principal) -> bool:
    return has_perm(principal.role, Perm.participate)


def cursor_param(request: Request, name: str = "cursor") -> str | None:
    """A page cursor from the query string; an empty one means the first page."""
    return request.query_params.get(name) or None


def composer_context(session: Session, principal: Principal) -> dict[str, Any]:
    """What the post and comment forms show: whether the reader may write, where, and the limits."""
    participate = can_participate(principal)
    user = principal.user
    return {
        "can_participate": participate,
        "communities": content_service.postable_communities(session, user) if user and participate else [],
        "max_images": content_policy.MAX_IMAGES_PER_POST,
        "max_post_chars": content_policy.MAX_POST_CHARS,
        "max_comment_chars": content_policy.MAX_COMMENT_CHARS,
        "accept": ",".join(sorted(CONTENT_TYPES | {"image/gif"})),
        "age_signs": age.SIGN_LABELS,
    }
