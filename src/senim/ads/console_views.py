"""The ads reviewers' console (``/console/ads``): advertisers waiting for verification and ads waiting for
review, each with what the automatic screen pre-flagged; approve, or refuse with the prohibited category
and reasons the advertiser sees. ``ads:read`` to look, ``ads:review`` to decide."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from senim.account.policy import Perm, has_perm
from senim.ads.service import ads_service
from senim.ads.views import labels
from senim.console.views import page
from senim.errors import AppError
from senim.models.ads import AdvertiserStatus, CreativeStatus
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import form_problems

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(requires(Perm.ads_read))]
Reviewer = Annotated[Principal, Depends(requires(Perm.ads_review))]

VERIFIED = flash_message("ads_advertiser_verified", N_("The advertiser is verified and told."))
ADVERTISER_REFUSED = flash_message("ads_advertiser_refused", N_("The advertiser is refused and told why."))
APPROVED = flash_message("ads_creative_approved", N_("The ad is approved and the advertiser told."))
REFUSED = flash_message("ads_creative_refused", N_("The ad is refused and the advertiser told why."))


def _masked(number: str | None) -> str:
    return "\u2022" * 8 + number[-4:] if number else ""


@router.get("/console/ads")
def queue(request: Request, session: DbSession, principal: Reader) -> Response:
    context = labels() | {
        "advertisers": ads_service.advertisers(session, AdvertiserStatus.pending),
        "pending": ads_service.creatives(session, CreativeStatus.pending),
        "approved": ads_service.creatives(session, CreativeStatus.approved)[:50],
        "refused": ads_service.creatives(session, CreativeStatus.refused)[:50],
    }
    return page(request, principal, "ads/console.html", context)


def _advertiser_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    advertiser_id: uuid.UUID,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    advertiser = ads_service.advertiser(session, advertiser_id)
    context = labels() | {
        "a": advertiser,
        "iin_masked": _masked(advertiser.iin),
        "can_review": has_perm(principal.role, Perm.ads_review),
        "problems": problems or [],
    }
    return page(request, principal, "ads/console_advertiser.html", context, status=status)


@router.get("/console/ads/advertisers/{advertiser_id}")
def advertiser_page(
    advertiser_id: uuid.UUID, request: Request, session: DbSession, principal: Reader
) -> Response:
    return _advertiser_page(request, session, principal, advertiser_id)


@router.post("/console/ads/advertisers/{advertiser_id}/decide")
def decide_advertiser(
    advertiser_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Reviewer
) -> Response:
    data = fields(form)
    reviewer = principal.require_user()
    try:
        with session.begin_nested():
            if data.get("decision") == "verify":
                ads_service.verify_advertiser(session, reviewer, advertiser_id)
                flash = VERIFIED
            else:
                ads_service.refuse_advertiser(session, reviewer, advertiser_id, reason=data.get("reason", ""))
                flash = ADVERTISER_REFUSED
    except AppError as exc:
        if exc.status_code != 422:
            raise
        return _advertiser_page(
            request, session, principal, advertiser_id, problems=form_problems(exc), status=exc.status_code
        )
    return redirect(f"/console/ads/advertisers/{advertiser_id}", flash)


def _creative_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    creative_id: uuid.UUID,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    creative = ads_service.creative(session, creative_id)
    context = labels() | {
        "card": ads_service.card(session, creative),
        "can_review": has_perm(principal.role, Perm.ads_review),
        "problems": problems or [],
    }
    return page(request, principal, "ads/console_creative.html", context, status=status)


@router.get("/console/ads/creatives/{creative_id}")
def creative_page(
    creative_id: uuid.UUID, request: Request, session: DbSession, principal: Reader
) -> Response:
    return _creative_page(request, session, principal, creative_id)


@router.get("/console/ads/creatives/{creative_id}/image")
def creative_image(
    creative_id: uuid.UUID, request: Request, session: DbSession, principal: Reader
) -> Response:
    path, content_type = ads_service.image_for_review(session, request.app.state.settings, creative_id)
    return FileResponse(
        path, media_type=content_type, headers={"Content-Disposition": "inline", "Cache-Control": "no-store"}
    )


@router.post("/console/ads/creatives/{creative_id}/decide")
def decide_creative(
    creative_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Reviewer
) -> Response:
    data = fields(form)
    reviewer = principal.require_user()
    try:
        with session.begin_nested():
            if data.get("decision") == "approve":
                ads_service.approve_creative(session, reviewer, creative_id)
                flash = APPROVED
            else:
                ads_service.refuse_creative(
                    session,
                    reviewer,
                    creative_id,
                    category=data.get("category", ""),
                    reason=data.get("reason", ""),
                )
                flash = REFUSED
    except AppError as exc:
        if exc.status_code != 422:
            raise
        return _creative_page(
            request, session, principal, creative_id, problems=form_problems(exc), status=exc.status_code
        )
    return redirect(f"/console/ads/creatives/{creative_id}", flash)
