"""JSON API of online advertising: an advertiser's identity, campaigns and creatives (``advertise``), and
the public ad repository (LAW-64) with its SDAF export."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, StrictInt, StrictStr

from senim.account.policy import Perm
from senim.ads import policy, sdaf
from senim.ads.repository import Reach, RepositoryFilter
from senim.ads.service import ads_service
from senim.kit.clock import utcnow
from senim.models.ads import AdCampaign, AdCreative, AdRepositoryEntry, Advertiser
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1/ads", tags=["advertising"])

AdvertiserPrincipal = Annotated[Principal, Depends(requires(Perm.advertise))]
PublicPrincipal = Annotated[Principal, Depends(requires(Perm.public))]
Money = Annotated[
    StrictStr | StrictInt,
    Field(
        description="Tenge, as an integer or a decimal string with at most two decimals (tiyn); never a float"
    ),
]


class AdvertiserCreate(BaseModel):
    kind: str = Field(description="legal_entity (with its BIN) or individual (with their IIN)")
    legal_name: str = Field(max_length=policy.MAX_LEGAL_NAME)
    number: str = Field(max_length=20, description="The BIN or IIN: 12 digits with the check digit")


class AdvertiserRead(BaseModel):
    id: uuid.UUID
    kind: str
    legal_name: str
    bin: str | None = Field(description="A legal entity's BIN; an individual's IIN is never returned")
    status: str = Field(description="pending, verified or refused")
    refusal_reason: str

    @classmethod
    def of(cls, a: Advertiser) -> AdvertiserRead:
        return cls(
            id=a.id,
            kind=a.kind,
            legal_name=a.legal_name,
            bin=a.bin,
            status=a.status,
            refusal_reason=a.refusal_reason,
        )


class CampaignCreate(BaseModel):
    name: str = Field(max_length=policy.MAX_NAME)
    budget_tenge: Money
    cpm_tenge: Money = Field(description="Price per 1000 impressions, in tenge")
    starts_on: date
    ends_on: date | None = None
    targeting: dict[str, Any] = Field(
        default_factory=dict,
        description="languages, regions, age_bands (adults only), interests; empty: untargeted. Targeting "
        "by race or nationality, political views, biometric data, health, religion, sexual life or data "
        "identifying a person is refused with 422 (LAW-60).",
    )


class CreativeCreate(BaseModel):
    headline: str = Field(max_length=policy.MAX_HEADLINE)
    body: str = Field(default="", max_length=policy.MAX_BODY)
    landing_url: str = Field(max_length=policy.MAX_URL, description="An https:// address")


class CreativeRead(BaseModel):
    id: uuid.UUID
    headline: str
    body: str
    landing_url: str
    has_image: bool
    status: str = Field(description="pending, approved or refused")
    flags: list[dict[str, Any]] = Field(description="What the automatic screen pre-flagged for the reviewer")
    refusal_category: str | None
    refusal_law: str | None
    refusal_reason: str

    @classmethod
    def of(cls, c: AdCreative) -> CreativeRead:
        prohibited = policy.PROHIBITED_BY_KEY.get(c.refusal_category or "")
        return cls(
            id=c.id,
            headline=c.headline,
            body=c.body,
            landing_url=c.landing_url,
            has_image=c.image_key is not None,
            status=c.status,
            flags=list(c.flags),
            refusal_category=c.refusal_category,
            refusal_law=prohibited.law if prohibited else None,
            refusal_reason=c.refusal_reason,
        )


class CampaignRead(BaseModel):
    id: uuid.UUID
    name: str
    status: str
    budget_tiyn: int
    budget_tenge: str
    cpm_tiyn: int
    cpm_tenge: str
    spent_tiyn: int
    impressions: int
    starts_on: date
    ends_on: date | None
    targeting: dict[str, list[str]]
    creatives: list[CreativeRead] = Field(default_factory=list)

    @classmethod
    def of(cls, c: AdCampaign, creatives: list[AdCreative] | None = None) -> CampaignRead:
        return cls(
            id=c.id,
            name=c.name,
            status=c.status,
            budget_tiyn=c.budget_tiyn,
            budget_tenge=str(policy.tiyn_to_tenge(c.budget_tiyn)),
            cpm_tiyn=c.cpm_tiyn,
            cpm_tenge=str(policy.tiyn_to_tenge(c.cpm_tiyn)),
            spent_tiyn=policy.spent_tiyn(c.impressions, c.cpm_tiyn, c.budget_tiyn),
            impressions=c.impressions,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            targeting=c.targeting,
            creatives=[CreativeRead.of(x) for x in creatives or []],
        )


class ReachRead(BaseModel):
    """Impressions in aggregate; a region's or age band's count below 10 is the string "<10"."""

    total_impressions: int
    by_region: dict[str, int | str]
    by_age_band: dict[str, int | str]

    @classmethod
    def of(cls, reach: Reach | None) -> ReachRead:
        if reach is None:
            return cls(total_impressions=0, by_region={}, by_age_band={})
        return cls(
            total_impressions=reach.total,
            by_region=dict(reach.by_region),
            by_age_band=dict(reach.by_age_band),
        )


class RepositoryEntryRead(BaseModel):
    id: uuid.UUID
    kind: str
    label: str
    advertiser_name: str
    advertiser_bin: str | None
    advertiser_account: str
    campaign_name: str
    headline: str
    body: str
    landing_url: str
    has_image: bool
    first_shown_on: date
    last_shown_on: date
    kept_until: date
    targeting: dict[str, list[str]]
    reach: ReachRead

    @classmethod
    def of(cls, e: AdRepositoryEntry, reach: Reach | None) -> RepositoryEntryRead:
        return cls(
            id=e.id,
            kind=e.kind,
            label=e.label,
            advertiser_name=e.advertiser_name,
            advertiser_bin=e.advertiser_bin,
            advertiser_account=e.advertiser_account,
            campaign_name=e.campaign_name,
            headline=e.headline,
            body=e.body,
            landing_url=e.landing_url,
            has_image=e.has_image,
            first_shown_on=e.first_shown_on,
            last_shown_on=e.last_shown_on,
            kept_until=policy.repository_kept_until(e.last_shown_on),
            targeting=e.targeting,
            reach=ReachRead.of(reach),
        )


class RepositoryPage(BaseModel):
    total: int
    offset: int
    items: list[RepositoryEntryRead]


# --- the advertiser ---------------------------------------------------------------------------------
@router.get("/advertiser", response_model=AdvertiserRead | None)
def my_advertiser(session: DbSession, principal: AdvertiserPrincipal) -> AdvertiserRead | None:
    found = ads_service.advertiser_of(session, principal.require_user())
    return AdvertiserRead.of(found) if found else None


@router.post("/advertiser", response_model=AdvertiserRead, status_code=201)
def register_advertiser(
    body: AdvertiserCreate, session: DbSession, principal: AdvertiserPrincipal
) -> AdvertiserRead:
    """Submit (or, after a refusal, correct) the advertiser's identity for verification by an ads
    reviewer; no ad goes live before it is verified."""
    advertiser = ads_service.register_advertiser(
        session, principal.require_user(), kind=body.kind, legal_name=body.legal_name, number=body.number
    )
    return AdvertiserRead.of(advertiser)


@router.get("/campaigns", response_model=list[CampaignRead])
def my_campaigns(session: DbSession, principal: AdvertiserPrincipal) -> list[CampaignRead]:
    return [CampaignRead.of(c) for c in ads_service.campaigns_of(session, principal.require_user())]


@router.post("/campaigns", response_model=CampaignRead, status_code=201)
def create_campaign(body: CampaignCreate, session: DbSession, principal: AdvertiserPrincipal) -> CampaignRead:
    campaign = ads_service.create_campaign(
        session,
        principal.require_user(),
        name=body.name,
        budget=body.budget_tenge,
        cpm=body.cpm_tenge,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        targeting=body.targeting,
    )
    return CampaignRead.of(campaign)


@router.get("/campaigns/{campaign_id}", response_model=CampaignRead)
def campaign(campaign_id: uuid.UUID, session: DbSession, principal: AdvertiserPrincipal) -> CampaignRead:
    found = ads_service.own_campaign(session, principal.require_user(), campaign_id)
    return CampaignRead.of(found, ads_service.creatives_of(session, found))


@router.post("/campaigns/{campaign_id}/creatives", response_model=CreativeRead, status_code=201)
def submit_creative(
    campaign_id: uuid.UUID,
    body: CreativeCreate,
    request: Request,
    session: DbSession,
    principal: AdvertiserPrincipal,
) -> CreativeRead:
    """A text creative for review (images are added through the advertiser's pages)."""
    creative = ads_service.submit_creative(
        session,
        request.app.state.settings,
        principal.require_user(),
        campaign_id,
        headline=body.headline,
        body=body.body,
        landing_url=body.landing_url,
    )
    return CreativeRead.of(creative)


# --- the public repository --------------------------------------------------------------------------
def repository_filter(
    q: Annotated[str, Query(max_length=200)] = "",
    advertiser: Annotated[str, Query(max_length=300)] = "",
    shown_from: date | None = None,
    shown_to: date | None = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> RepositoryFilter:
    return RepositoryFilter(
        q=q.strip(),
        advertiser=advertiser.strip(),
        shown_from=shown_from,
        shown_to=shown_to,
        offset=offset,
        limit=limit,
    )


Filter = Annotated[RepositoryFilter, Depends(repository_filter)]


@router.get("/repository", response_model=RepositoryPage)
def repository(session: DbSession, principal: PublicPrincipal, f: Filter) -> RepositoryPage:
    """Every ad shown on the platform, with its advertiser, the period it was shown, its targeting
    parameters and its reach in aggregate; kept one year after it was last shown (LAW-64). Nothing about
    the people who saw it."""
    entries, total, reach = ads_service.search_repository(session, f)
    items = [RepositoryEntryRead.of(e, reach.get(e.creative_id) if e.creative_id else None) for e in entries]
    return RepositoryPage(total=total, offset=f.offset, items=items)


def _sdaf(request: Request, entries: list[AdRepositoryEntry], reach: dict[Any, Reach]) -> dict[str, Any]:
    settings = request.app.state.settings
    return sdaf.document(
        entries,
        reach,
        base_url=settings.base_url.rstrip("/"),
        platform_name=settings.operator_name,
        platform_bin=settings.operator_bin,
        generated_at=utcnow(),
    )


@router.get("/repository/sdaf.json")
def repository_sdaf(
    request: Request, session: DbSession, principal: PublicPrincipal, f: Filter
) -> dict[str, Any]:
    """The repository (with the same filters) as an SDAF JSON document."""
    entries, _total, reach = ads_service.search_repository(session, f)
    return _sdaf(request, entries, reach)


@router.get("/repository/{entry_id}", response_model=RepositoryEntryRead)
def repository_entry(
    entry_id: uuid.UUID, session: DbSession, principal: PublicPrincipal
) -> RepositoryEntryRead:
    entry, reach = ads_service.repository_entry(session, entry_id)
    return RepositoryEntryRead.of(entry, reach)


@router.get("/repository/{entry_id}/sdaf.json")
def repository_entry_sdaf(
    entry_id: uuid.UUID, request: Request, session: DbSession, principal: PublicPrincipal
) -> dict[str, Any]:
    entry, reach = ads_service.repository_entry(session, entry_id)
    return _sdaf(request, [entry], {entry.creative_id: reach} if reach else {})
