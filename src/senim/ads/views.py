"""HTML pages of online advertising: the advertiser's own pages (``/ads``: identity, campaigns,
creatives, with the reviewers' reasons), "Why am I seeing this ad?", a person's ad settings
(``/account/ads``), and the public ad repository (``/ads/repository``, LAW-64)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from senim.account.policy import Perm
from senim.ads import policy
from senim.ads.errors import AdsInvalid
from senim.ads.repository import RepositoryFilter
from senim.ads.service import ads_service
from senim.content.media import FormImages
from senim.errors import AppError
from senim.kit.clock import today_in
from senim.web import i18n
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

AdvertiserPrincipal = Annotated[Principal, Depends(requires(Perm.advertise))]
PublicPrincipal = Annotated[Principal, Depends(requires(Perm.public))]
SignedIn = Annotated[Principal, Depends(requires(Perm.signed_in))]

REGISTERED = flash_message(
    "ads_advertiser_registered", N_("Your identity is sent for verification by an ads reviewer.")
)
CAMPAIGN_CREATED = flash_message("ads_campaign_created", N_("The campaign is created. Add an ad to it."))
CAMPAIGN_STOPPED = flash_message(
    "ads_campaign_stopped", N_("The campaign is stopped: its ads are no longer shown.")
)
CREATIVE_SUBMITTED = flash_message(
    "ads_creative_submitted", N_("The ad is sent for review. It goes live once an ads reviewer approves it.")
)
PREFERENCES_SAVED = flash_message("ads_preferences_saved", N_("Your ad settings are saved."))
REPOSITORY_PAGE = 50


def labels() -> dict[str, Any]:
    return {
        "advertiser_kinds": policy.ADVERTISER_KINDS,
        "advertiser_status_labels": policy.ADVERTISER_STATUS_LABELS,
        "creative_status_labels": policy.CREATIVE_STATUS_LABELS,
        "campaign_status_labels": policy.CAMPAIGN_STATUS_LABELS,
        "prohibited": policy.PROHIBITED_BY_KEY,
        "parameter_labels": policy.PARAMETER_LABELS,
        "parameter_values": policy.ALLOWED_PARAMETERS,
        "regions": policy.REGIONS,
        "interests": policy.INTERESTS,
        "languages": policy.LANGUAGES,
        "age_bands": list(policy.AGE_BANDS),
        "tenge": lambda tiyn: i18n.fmt_tenge(policy.tiyn_to_tenge(tiyn)),
        "ad_label": policy.AD_LABEL,
    }


# --- the advertiser ---------------------------------------------------------------------------------
def _home(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    form: str = "",
    status: int = 200,
) -> Response:
    user = principal.require_user()
    campaigns = ads_service.campaigns_of(session, user)
    context = labels() | {
        "advertiser": ads_service.advertiser_of(session, user),
        "campaigns": campaigns,
        "spent": {c.id: ads_service.spent_tiyn(c) for c in campaigns},
        "problems": problems or [],
        "values": values or {},
        "form": form,
        "today": today_in().isoformat(),
    }
    return render(request, "ads/home.html", context, status_code=status)


@router.get("/ads")
def home(request: Request, session: DbSession, principal: AdvertiserPrincipal) -> Response:
    """The advertiser's identity and its review, their campaigns, and forms for both."""
    return _home(request, session, principal)


@router.post("/ads/advertiser")
def register(request: Request, form: Form, session: DbSession, principal: AdvertiserPrincipal) -> Response:
    data = fields(form)
    try:
        with session.begin_nested():
            ads_service.register_advertiser(
                session,
                principal.require_user(),
                kind=data.get("kind", ""),
                legal_name=data.get("legal_name", ""),
                number=data.get("number", ""),
            )
    except AppError as exc:
        return _home(
            request,
            session,
            principal,
            problems=form_problems(exc),
            values=data,
            form="advertiser",
            status=exc.status_code,
        )
    return redirect("/ads", REGISTERED)


def _targeting_from_form(form: Any) -> dict[str, list[str]]:
    return {
        name: [v for v in form.getlist(name) if isinstance(v, str) and v]
        for name in policy.ALLOWED_PARAMETERS
    }


@router.post("/ads/campaigns")
def create_campaign(
    request: Request, form: Form, session: DbSession, principal: AdvertiserPrincipal
) -> Response:
    data = fields(form)
    try:
        with session.begin_nested():
            campaign = ads_service.create_campaign(
                session,
                principal.require_user(),
                name=data.get("name", ""),
                budget=data.get("budget", ""),
                cpm=data.get("cpm", ""),
                starts_on=data.get("starts_on", ""),
                ends_on=data.get("ends_on", "") or None,
                targeting=_targeting_from_form(form),
            )
    except AppError as exc:
        return _home(
            request,
            session,
            principal,
            problems=form_problems(exc),
            values=data,
            form="campaign",
            status=exc.status_code,
        )
    return redirect(f"/ads/campaigns/{campaign.id}", CAMPAIGN_CREATED)


def _campaign_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    campaign_id: uuid.UUID,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    campaign = ads_service.own_campaign(session, principal.require_user(), campaign_id)
    context = labels() | {
        "campaign": campaign,
        "creatives": ads_service.creatives_of(session, campaign),
        "spent": ads_service.spent_tiyn(campaign),
        "problems": problems or [],
        "values": values or {},
    }
    return render(request, "ads/campaign.html", context, status_code=status)


@router.get("/ads/campaigns/{campaign_id}")
def campaign_page(
    campaign_id: uuid.UUID, request: Request, session: DbSession, principal: AdvertiserPrincipal
) -> Response:
    return _campaign_page(request, session, principal, campaign_id)


@router.post("/ads/campaigns/{campaign_id}/creatives")
def submit_creative(
    campaign_id: uuid.UUID,
    request: Request,
    images: FormImages,
    form: Form,
    session: DbSession,
    principal: AdvertiserPrincipal,
) -> Response:
    data = fields(form)
    try:
        with session.begin_nested():
            ads_service.submit_creative(
                session,
                request.app.state.settings,
                principal.require_user(),
                campaign_id,
                headline=data.get("headline", ""),
                body=data.get("body", ""),
                landing_url=data.get("landing_url", ""),
                images=images.get(),
            )
    except AppError as exc:
        if exc.status_code not in (409, 413, 422):
            raise
        return _campaign_page(
            request,
            session,
            principal,
            campaign_id,
            problems=form_problems(exc),
            values=data,
            status=exc.status_code,
        )
    return redirect(f"/ads/campaigns/{campaign_id}", CREATIVE_SUBMITTED)


@router.post("/ads/campaigns/{campaign_id}/stop")
def stop_campaign(campaign_id: uuid.UUID, session: DbSession, principal: AdvertiserPrincipal) -> Response:
    ads_service.stop_campaign(session, principal.require_user(), campaign_id)
    return redirect(f"/ads/campaigns/{campaign_id}", CAMPAIGN_STOPPED)


# --- anyone -----------------------------------------------------------------------------------------
@router.get("/ads/why/{creative_id}")
def why(creative_id: uuid.UUID, request: Request, session: DbSession, principal: PublicPrincipal) -> Response:
    """ "Why am I seeing this ad?": who placed it, the targeting parameters its campaign used, which of them
    matched you, or why you receive only untargeted ads (LAW-58, 59, 61)."""
    explanation = ads_service.explain(session, principal.user, i18n.locale_var.get(), creative_id)
    context = labels() | {
        "x": explanation,
        "untargeted_reasons": policy.UNTARGETED_REASONS,
    }
    return render(request, "ads/why.html", context)


@router.get("/ads/creatives/{creative_id}/image")
def creative_image(
    creative_id: uuid.UUID, request: Request, session: DbSession, principal: PublicPrincipal
) -> Response:
    path, content_type = ads_service.image_path(session, request.app.state.settings, creative_id)
    return FileResponse(path, media_type=content_type, headers={"Content-Disposition": "inline"})


@router.get("/account/ads")
def preferences_page(request: Request, session: DbSession, principal: SignedIn) -> Response:
    """A person's ad settings: personalised ads on or off, and their declared region and interests."""
    return _preferences(request, session, principal)


def _preferences(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    user = principal.require_user()
    context = labels() | {
        "pref": ads_service.preference(session, user),
        "viewer": ads_service.viewer(session, user, i18n.locale_var.get()),
        "untargeted_reasons": policy.UNTARGETED_REASONS,
        "problems": problems or [],
    }
    return render(request, "ads/preferences.html", context, status_code=status)


@router.post("/account/ads")
def save_preferences(request: Request, form: Form, session: DbSession, principal: SignedIn) -> Response:
    data = fields(form)
    try:
        with session.begin_nested():
            ads_service.set_preference(
                session,
                principal.require_user(),
                personalised=data.get("personalised") == "on",
                region=data.get("region", ""),
                interests=[v for v in form.getlist("interests") if isinstance(v, str)],
            )
    except AppError as exc:
        return _preferences(request, session, principal, problems=form_problems(exc), status=exc.status_code)
    return redirect("/account/ads", PREFERENCES_SAVED)


def _day(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise AdsInvalid("A date is written YYYY-MM-DD.") from exc


@router.get("/ads/repository")
def repository(
    request: Request,
    session: DbSession,
    principal: PublicPrincipal,
    q: str = "",
    advertiser: str = "",
    shown_from: str = "",
    shown_to: str = "",
    page: int = 1,
) -> Response:
    """The public ad repository: every ad shown, its advertiser, period, targeting and reach (LAW-64)."""
    page = max(1, min(page, 100_000))
    f = RepositoryFilter(
        q=q.strip()[:200],
        advertiser=advertiser.strip()[:300],
        shown_from=_day(shown_from),
        shown_to=_day(shown_to),
        offset=(page - 1) * REPOSITORY_PAGE,
        limit=REPOSITORY_PAGE,
    )
    entries, total, reach = ads_service.search_repository(session, f)
    context = labels() | {
        "entries": entries,
        "total": total,
        "reach": reach,
        "page": page,
        "pages": max(1, (total + REPOSITORY_PAGE - 1) // REPOSITORY_PAGE),
        "filters": {"q": q, "advertiser": advertiser, "shown_from": shown_from, "shown_to": shown_to},
        "kept_until": policy.repository_kept_until,
    }
    return render(request, "ads/repository.html", context)


@router.get("/ads/repository/{entry_id}")
def repository_entry(
    entry_id: uuid.UUID, request: Request, session: DbSession, principal: PublicPrincipal
) -> Response:
    entry, reach = ads_service.repository_entry(session, entry_id)
    context = labels() | {"e": entry, "r": reach, "kept_until": policy.repository_kept_until}
    return render(request, "ads/repository_entry.html", context)
