"""Online advertising on the platform (issue 10): advertisers verified by an ads reviewer, campaigns with
prices in tiyn and targeting limited by law (LAW-60), creatives reviewed before they go live (LAW-57, 70,
72), ads in the feed with their label and advertiser (LAW-56, 58, 59, 63), untargeted ads only for minors
and people who switched personalised ads off (LAW-61), impressions counted in aggregate, and the public ad
repository kept one year after an ad was last shown (LAW-64).

Every state change writes its audit record in the same transaction; notices to advertisers are
notifications (delivered by jobs).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from senim import audit
from senim.account import minors
from senim.ads import policy
from senim.ads.errors import (
    AdNotFound,
    AdsInvalid,
    AdStateConflict,
    AdvertiserRequired,
    SelfReview,
    TargetingRefused,
)
from senim.ads.repository import Reach, RepositoryFilter
from senim.ads.repository import ads_repository as repo
from senim.audit import Actor
from senim.config import Settings
from senim.content import media as media_files
from senim.errors import Invalid
from senim.kit.clock import today_in, utcnow
from senim.kit.text import clean
from senim.models import User
from senim.models.ads import (
    AdCampaign,
    AdCreative,
    AdPreference,
    AdRepositoryEntry,
    Advertiser,
    AdvertiserKind,
    AdvertiserStatus,
    CampaignStatus,
    CreativeStatus,
)
from senim.notification.service import notification_service
from senim.web import i18n
from senim.web.i18n import N_

log = logging.getLogger("senim.ads")
SYSTEM = Actor.system("ads")
ADVERTISER_VERIFIED = N_("Your advertiser identity ({name}) is verified: approved ads can now go live.")
ADVERTISER_REFUSED = N_("Your advertiser identity ({name}) was not verified: {reason}")
CREATIVE_APPROVED = N_("Your ad \u201c{headline}\u201d is approved.")
CREATIVE_REFUSED = N_("Your ad \u201c{headline}\u201d is refused ({category}): {reason}")
TOO_LONG = N_("A name or headline is too long: see the limits under the fields.")


@dataclass(frozen=True)
class AdCard:
    """One ad as shown: the creative, its campaign, its advertiser and the advertiser's account."""

    creative: AdCreative
    campaign: AdCampaign
    advertiser: Advertiser
    account: User
    targeted: bool


@dataclass(frozen=True)
class Explanation:
    """ "Why am I seeing this ad?": the campaign's parameters, what of them matched the viewer, and why the
    viewer receives only untargeted ads when they do."""

    card: AdCard
    parameters: dict[str, list[str]]
    matched: dict[str, list[str]]
    untargeted_reason: str


def _text(value: str, limit: int, problem: str, problems: list[str]) -> str:
    """A one-line field: whitespace collapsed, required, at most ``limit`` characters."""
    value = " ".join(clean(value or "").split())
    if not value:
        problems.append(problem)
    elif len(value) > limit:
        problems.append(TOO_LONG)
    return value


def _date(value: str | date | None, problems: list[str], *, required: bool) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        if required:
            problems.append(N_("Give the first day of the campaign (YYYY-MM-DD)."))
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(N_("A date is written YYYY-MM-DD."))
        return None


def _localised(params: dict[str, str]) -> dict[str, str]:
    """A targeting problem's parameters, the protected ground (a catalog id) in the reader's language."""
    return {k: i18n.gettext(v) if k == "ground" else v for k, v in params.items()}


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _refuse(problems: list[str]) -> None:
    if problems:
        raise AdsInvalid(problems[0], fields=problems)


def _not_own(reviewer: User, advertiser: Advertiser | None) -> None:
    """An ads reviewer never decides on their own advertiser identity or their own ads."""
    if advertiser is not None and advertiser.user_id == reviewer.id:
        raise SelfReview("You cannot review your own advertiser identity or ads.")


def _targeting_error(problems: list[policy.TargetingProblem]) -> Invalid:
    """The error for a campaign's targeting problems: ``TargetingRefused`` (``targeting_refused``) naming
    the protected ground when one is profiled on (LAW-60), else a plain ``AdsInvalid``; every problem is
    listed under ``fields``."""
    protected = [p for p in problems if p.protected]
    first = protected[0] if protected else problems[0]
    error: Invalid = (TargetingRefused if protected else AdsInvalid)(
        first.message,
        # Each line is translated here with its own parameters; braces a client sent are escaped so the
        # error handler's formatting (with the first problem's parameters) leaves them be.
        fields=[_escape(i18n.gettext(p.message, **_localised(p.params))) for p in problems],
    )
    error.params.update(_localised(first.params))
    return error


def _published(reach: Reach) -> Reach:
    """Reach as the public repository shows it: the exact total, counts by region and by age band below
    ``policy.SMALL_COUNT`` as "<10" (so a few people in one region or age band cannot be singled out)."""
    return Reach(
        reach.total,
        policy.published_counts({k: int(v) for k, v in reach.by_region.items()}),
        policy.published_counts({k: int(v) for k, v in reach.by_age_band.items()}),
    )


class AdsService:
    # --- advertisers ---------------------------------------------------------------------------------
    def advertiser_of(self, session: Session, user: User) -> Advertiser | None:
        return repo.advertiser_of(session, user.id)

    def register_advertiser(
        self, session: Session, user: User, *, kind: str, legal_name: str, number: str
    ) -> Advertiser:
        """The advertiser's identity: a legal entity's name and BIN, or an individual's name and IIN (12
        digits with the Kazakhstan check digit). It waits for an ads reviewer; a refused identity may be
        corrected and submitted again; a verified one is final."""
        problems: list[str] = []
        name = _text(legal_name, policy.MAX_LEGAL_NAME, N_("Give the advertiser's legal name."), problems)
        number = "".join((number or "").split())
        problem = policy.identity_problem(kind, number)
        if problem:
            problems.append(problem)
        _refuse(problems)
        advertiser = repo.advertiser_of(session, user.id, lock=True)
        if advertiser is not None and advertiser.status == AdvertiserStatus.verified:
            raise AdStateConflict("Your advertiser identity is verified already.")
        if advertiser is None:
            advertiser = Advertiser(id=uuid.uuid4(), user_id=user.id)
            session.add(advertiser)
        advertiser.kind = AdvertiserKind(kind)
        advertiser.legal_name = name
        advertiser.bin = number if kind == AdvertiserKind.legal_entity else None
        advertiser.iin = number if kind == AdvertiserKind.individual else None
        advertiser.status = AdvertiserStatus.pending
        advertiser.submitted_at = utcnow()
        advertiser.reviewed_by_id, advertiser.reviewed_at, advertiser.refusal_reason = None, None, ""
        session.flush()
        audit.record(
            session,
            actor=Actor.of(user),
            tag="advertiser:register",
            target=advertiser,
            data={"kind": kind, "legal_name": name, "bin": advertiser.bin},  # never the IIN
        )
        return advertiser

    def _pending_advertiser(self, session: Session, advertiser_id: uuid.UUID) -> Advertiser:
        advertiser = repo.advertiser(session, advertiser_id, lock=True)
        if advertiser is None:
            raise AdNotFound("No such advertiser.")
        if advertiser.status != AdvertiserStatus.pending:
            raise AdStateConflict("This advertiser has been reviewed already.")
        return advertiser

    def verify_advertiser(self, session: Session, reviewer: User, advertiser_id: uuid.UUID) -> Advertiser:
        advertiser = self._pending_advertiser(session, advertiser_id)
        _not_own(reviewer, advertiser)
        advertiser.status = AdvertiserStatus.verified
        advertiser.reviewed_by_id, advertiser.reviewed_at = reviewer.id, utcnow()
        audit.record(session, actor=Actor.of(reviewer), tag="advertiser:verify", target=advertiser, data={})
        self._tell(session, advertiser, ADVERTISER_VERIFIED, {"name": advertiser.legal_name})
        return advertiser

    def refuse_advertiser(
        self, session: Session, reviewer: User, advertiser_id: uuid.UUID, *, reason: str
    ) -> Advertiser:
        reason = clean(reason or "").strip()
        if not reason:
            raise AdsInvalid("Give the reasons the advertiser will read.")
        if len(reason) > policy.MAX_REASON:
            raise AdsInvalid("The reasons are too long.")
        advertiser = self._pending_advertiser(session, advertiser_id)
        _not_own(reviewer, advertiser)
        advertiser.status = AdvertiserStatus.refused
        advertiser.reviewed_by_id, advertiser.reviewed_at = reviewer.id, utcnow()
        advertiser.refusal_reason = reason
        audit.record(
            session,
            actor=Actor.of(reviewer),
            tag="advertiser:refuse",
            target=advertiser,
            data={"reason": reason},
        )
        self._tell(session, advertiser, ADVERTISER_REFUSED, {"name": advertiser.legal_name, "reason": reason})
        return advertiser

    def advertisers(self, session: Session, status: AdvertiserStatus | None = None) -> list[Advertiser]:
        return repo.advertisers(session, status)

    def advertiser(self, session: Session, advertiser_id: uuid.UUID) -> Advertiser:
        found = repo.advertiser(session, advertiser_id)
        if found is None:
            raise AdNotFound("No such advertiser.")
        return found

    def _tell(self, session: Session, advertiser: Advertiser, kind: str, params: dict[str, Any]) -> None:
        user = session.get(User, advertiser.user_id)
        if user is not None:
            notification_service.notify(session, user, kind, params, link="/ads")

    def _require_advertiser(self, session: Session, user: User) -> Advertiser:
        advertiser = repo.advertiser_of(session, user.id)
        if advertiser is None:
            raise AdvertiserRequired("Register as an advertiser first.")
        return advertiser

    # --- campaigns -----------------------------------------------------------------------------------
    def create_campaign(
        self,
        session: Session,
        user: User,
        *,
        name: str,
        budget: str | int | Any,
        cpm: str | int | Any,
        starts_on: str | date | None,
        ends_on: str | date | None = None,
        targeting: Mapping[str, Any] | None = None,
    ) -> AdCampaign:
        """A campaign with its budget and price per 1000 impressions in tenge (stored as tiyn) and its
        targeting. A parameter profiling on a protected ground (race or nationality, political views,
        biometrics, health, religion, sexual life, data identifying a person) is refused with a 422
        ``targeting_refused`` naming it (LAW-60), before anything else is checked or written; other
        targeting problems (unknown parameters or values, minor age bands) are a plain ``ads_invalid``."""
        advertiser = self._require_advertiser(session, user)
        clean_targeting, targeting_problems = policy.check_targeting(targeting or {})
        if targeting_problems:
            raise _targeting_error(targeting_problems)
        problems: list[str] = []
        title = _text(name, policy.MAX_NAME, N_("Give the campaign a name."), problems)
        budget_tiyn = policy.tenge_to_tiyn(budget)
        if budget_tiyn is None:
            problems.append(N_("The budget is an amount in tenge, for example 50000 or 50000.50."))
        cpm_tiyn = policy.tenge_to_tiyn(cpm)
        if cpm_tiyn is None:
            problems.append(N_("The price per 1000 impressions is an amount in tenge, for example 1500."))
        first_day = _date(starts_on, problems, required=True)
        last_day = _date(ends_on, problems, required=False)
        if first_day and last_day and last_day < first_day:
            problems.append(N_("The campaign cannot end before it starts."))
        if first_day and first_day < today_in() - timedelta(days=1):
            problems.append(N_("The campaign cannot start in the past."))
        _refuse(problems)
        assert budget_tiyn is not None  # noqa: S101
        assert cpm_tiyn is not None  # noqa: S101
        assert first_day is not None  # noqa: S101
        campaign = AdCampaign(
            id=uuid.uuid4(),
            advertiser_id=advertiser.id,
            name=title,
            budget_tiyn=budget_tiyn,
            cpm_tiyn=cpm_tiyn,
            starts_on=first_day,
            ends_on=last_day,
            targeting=clean_targeting,
            status=CampaignStatus.active,
            impressions=0,
        )
        session.add(campaign)
        session.flush()
        audit.record(
            session,
            actor=Actor.of(user),
            tag="campaign:create",
            target=campaign,
            data={
                "name": title,
                "budget_tiyn": budget_tiyn,
                "cpm_tiyn": cpm_tiyn,
                "starts_on": first_day,
                "ends_on": last_day,
                "targeting": clean_targeting,
            },
        )
        return campaign

    def campaigns_of(self, session: Session, user: User) -> list[AdCampaign]:
        advertiser = repo.advertiser_of(session, user.id)
        return repo.campaigns_of(session, advertiser.id) if advertiser else []

    def own_campaign(self, session: Session, user: User, campaign_id: uuid.UUID) -> AdCampaign:
        advertiser = self._require_advertiser(session, user)
        campaign = repo.campaign_of(session, advertiser.id, campaign_id)
        if campaign is None:
            raise AdNotFound("No such campaign.")
        return campaign

    def stop_campaign(self, session: Session, user: User, campaign_id: uuid.UUID) -> AdCampaign:
        campaign = self.own_campaign(session, user, campaign_id)
        campaign = repo.campaign(session, campaign.id, lock=True) or campaign
        if campaign.status == CampaignStatus.stopped:
            raise AdStateConflict("The campaign is stopped already.")
        campaign.status = CampaignStatus.stopped
        audit.record(session, actor=Actor.of(user), tag="campaign:stop", target=campaign, data={})
        return campaign

    def creatives_of(self, session: Session, campaign: AdCampaign) -> list[AdCreative]:
        return repo.creatives_of(session, campaign.id)

    def spent_tiyn(self, campaign: AdCampaign) -> int:
        return policy.spent_tiyn(campaign.impressions, campaign.cpm_tiyn, campaign.budget_tiyn)

    # --- creatives -----------------------------------------------------------------------------------
    def submit_creative(
        self,
        session: Session,
        settings: Settings,
        user: User,
        campaign_id: uuid.UUID,
        *,
        headline: str,
        body: str = "",
        landing_url: str = "",
        images: Sequence[media_files.PreparedImage] = (),
    ) -> AdCreative:
        """A creative for review. The keyword and domain screen pre-flags it for the reviewer; nothing
        goes live before an ads reviewer approves it."""
        campaign = self.own_campaign(session, user, campaign_id)
        if campaign.status != CampaignStatus.active:
            raise AdStateConflict("The campaign is stopped.")
        problems: list[str] = []
        title = _text(headline, policy.MAX_HEADLINE, N_("Give the ad a headline."), problems)
        text = clean(body or "").strip()
        if len(text) > policy.MAX_BODY:
            problems.append(N_("The ad's text is too long."))
        url = (landing_url or "").strip()
        url_problem = policy.landing_url_problem(url)
        if url_problem:
            problems.append(url_problem)
        if len(images) > 1:
            problems.append(N_("An ad carries at most one image."))
        if problems:
            raise AdsInvalid(problems[0], fields=problems)
        creative = AdCreative(
            id=uuid.uuid4(),
            campaign_id=campaign.id,
            headline=title,
            body=text,
            landing_url=url,
            status=CreativeStatus.pending,
            flags=policy.screen(title, text, url),
        )
        if images:
            image = images[0]
            key = "ads/" + media_files.new_storage_key(image)
            media_files.write_file(settings.media_dir, key, image.data)
            creative.image_key, creative.image_content_type = key, image.content_type
            creative.image_width, creative.image_height = image.width, image.height
        session.add(creative)
        session.flush()
        audit.record(
            session,
            actor=Actor.of(user),
            tag="creative:submit",
            target=creative,
            data={"campaign": str(campaign.id), "flags": creative.flags},
        )
        return creative

    def _pending_creative(self, session: Session, creative_id: uuid.UUID) -> AdCreative:
        creative = repo.creative(session, creative_id, lock=True)
        if creative is None:
            raise AdNotFound("No such ad.")
        if creative.status != CreativeStatus.pending:
            raise AdStateConflict("This ad has been reviewed already.")
        return creative

    def _advertiser_of_creative(self, session: Session, creative: AdCreative) -> Advertiser | None:
        campaign = repo.campaign(session, creative.campaign_id)
        return repo.advertiser(session, campaign.advertiser_id) if campaign else None

    def approve_creative(self, session: Session, reviewer: User, creative_id: uuid.UUID) -> AdCreative:
        """The ad may go live (while its campaign runs). Only an ad of a verified advertiser is approved
        (409 otherwise): an approved ad is public (its image, "Why am I seeing this ad?"), and nothing of
        an advertiser is shown before it is verified."""
        creative = self._pending_creative(session, creative_id)
        advertiser = self._advertiser_of_creative(session, creative)
        _not_own(reviewer, advertiser)
        if advertiser is None or advertiser.status != AdvertiserStatus.verified:
            raise AdStateConflict("Verify the advertiser before approving its ads.")
        creative.status = CreativeStatus.approved
        creative.reviewed_by_id, creative.reviewed_at = reviewer.id, utcnow()
        audit.record(
            session,
            actor=Actor.of(reviewer),
            tag="creative:approve",
            target=creative,
            data={"flags_overridden": creative.flags},
        )
        self._tell_about(session, creative, CREATIVE_APPROVED, {"headline": creative.headline})
        return creative

    def refuse_creative(
        self, session: Session, reviewer: User, creative_id: uuid.UUID, *, category: str, reason: str
    ) -> AdCreative:
        """Refused for a prohibited category with reasons the advertiser sees (LAW-57, 70, 72)."""
        prohibited = policy.PROHIBITED_BY_KEY.get(category or "")
        reason = clean(reason or "").strip()
        problems = []
        if prohibited is None:
            problems.append(N_("Choose the ground of the refusal."))
        if not reason:
            problems.append(N_("Give the reasons the advertiser will read."))
        elif len(reason) > policy.MAX_REASON:
            problems.append(N_("The reasons are too long."))
        _refuse(problems)
        assert prohibited is not None  # noqa: S101
        creative = self._pending_creative(session, creative_id)
        _not_own(reviewer, self._advertiser_of_creative(session, creative))
        creative.status = CreativeStatus.refused
        creative.reviewed_by_id, creative.reviewed_at = reviewer.id, utcnow()
        creative.refusal_category, creative.refusal_reason = prohibited.key, reason
        audit.record(
            session,
            actor=Actor.of(reviewer),
            tag="creative:refuse",
            target=creative,
            data={"category": prohibited.key, "law": prohibited.law, "reason": reason},
        )
        self._tell_about(
            session,
            creative,
            CREATIVE_REFUSED,
            {"headline": creative.headline, "category": prohibited.label, "reason": reason},
        )
        return creative

    def _tell_about(self, session: Session, creative: AdCreative, kind: str, params: dict[str, Any]) -> None:
        campaign = repo.campaign(session, creative.campaign_id)
        advertiser = repo.advertiser(session, campaign.advertiser_id) if campaign else None
        user = session.get(User, advertiser.user_id) if advertiser else None
        if user is not None and campaign is not None:
            notification_service.notify(session, user, kind, params, link=f"/ads/campaigns/{campaign.id}")

    def creative(self, session: Session, creative_id: uuid.UUID) -> AdCreative:
        found = repo.creative(session, creative_id)
        if found is None:
            raise AdNotFound("No such ad.")
        return found

    def creatives(self, session: Session, status: CreativeStatus) -> list[AdCreative]:
        return repo.creatives(session, status)

    def card(self, session: Session, creative: AdCreative) -> AdCard:
        campaign = repo.campaign(session, creative.campaign_id)
        advertiser = repo.advertiser(session, campaign.advertiser_id) if campaign else None
        account = session.get(User, advertiser.user_id) if advertiser else None
        if campaign is None or advertiser is None or account is None:
            raise AdNotFound("No such ad.")
        return AdCard(creative, campaign, advertiser, account, policy.is_targeted(campaign.targeting))

    def publicly_showable(self, session: Session, creative: AdCreative) -> bool:
        """Whether anyone may see ``creative`` outside the console: an approved ad of a verified
        advertiser, or an ad already in the public repository (it was shown, LAW-64)."""
        if creative.status == CreativeStatus.approved and repo.advertiser_verified(session, creative):
            return True
        return repo.in_repository(session, creative.id)

    def image_path(self, session: Session, settings: Settings, creative_id: uuid.UUID) -> tuple[Path, str]:
        """A creative's image, public once the ad is publicly showable (``publicly_showable``)."""
        creative = repo.creative(session, creative_id)
        if creative is None or creative.image_key is None or creative.image_content_type is None:
            raise AdNotFound("No such ad.")
        if not self.publicly_showable(session, creative):
            raise AdNotFound("No such ad.")
        path = media_files.stored_path(settings.media_dir, creative.image_key)
        if path is None:
            raise AdNotFound("No such ad.")
        return path, creative.image_content_type

    def image_for_review(
        self, session: Session, settings: Settings, creative_id: uuid.UUID
    ) -> tuple[Path, str]:
        """Any creative's image, whatever its status, for the ads reviewers (the route declares
        ``ads:read``)."""
        creative = repo.creative(session, creative_id)
        path = (
            media_files.stored_path(settings.media_dir, creative.image_key)
            if creative and creative.image_key
            else None
        )
        if creative is None or path is None or creative.image_content_type is None:
            raise AdNotFound("No such ad.")
        return path, creative.image_content_type

    # --- the viewer ----------------------------------------------------------------------------------
    def preference(self, session: Session, user: User) -> AdPreference | None:
        return repo.preference(session, user.id)

    def forget_viewer(self, session: Session, user: User) -> bool:
        """Erase a person's advertising choices when their account is closed (the row would otherwise
        outlive the soft-deleted account); whether there were any."""
        pref = repo.preference(session, user.id)
        if pref is not None:
            session.delete(pref)
            session.flush()
        return pref is not None

    def data_of(self, session: Session, user: User) -> dict[str, Any]:
        """What advertising holds about a person, for their own export: their choices, and their advertiser
        identity if they advertise (the IIN shown only by its last four digits)."""
        pref = repo.preference(session, user.id)
        advertiser = repo.advertiser_of(session, user.id)
        return {
            "ad_preferences": None
            if pref is None
            else {"personalised": pref.personalised, "region": pref.region, "interests": pref.interests},
            "advertiser": None
            if advertiser is None
            else {
                "kind": advertiser.kind,
                "legal_name": advertiser.legal_name,
                "number_last_digits": (advertiser.bin or advertiser.iin or "")[-4:],
                "status": advertiser.status,
            },
        }

    def set_preference(
        self,
        session: Session,
        user: User,
        *,
        personalised: bool,
        region: str = "",
        interests: Sequence[str] = (),
    ) -> AdPreference:
        """A person's own choice: personalised ads on or off (then only untargeted ads), and the region and
        interests they declare for targeted ads."""
        region = (region or "").strip()
        problems: list[str] = []
        if region and region not in policy.REGIONS:
            problems.append(N_("Choose a region of Kazakhstan from the list."))
        chosen = sorted({i.strip() for i in interests if i.strip()})
        if any(i not in policy.INTERESTS for i in chosen):
            problems.append(N_("Choose interests from the list."))
        _refuse(problems)
        pref = repo.preference(session, user.id)
        if pref is None:
            pref = AdPreference(user_id=user.id)
            session.add(pref)
        pref.personalised, pref.region, pref.interests = personalised, region, chosen
        pref.updated_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=Actor.of(user),
            tag="ad_preference:update",
            target_type="ad_preference",
            target_id=str(user.id),
            data={"personalised": personalised},
        )
        return pref

    def viewer(self, session: Session, user: User | None, language: str) -> policy.Viewer:
        """What ad selection may know about ``user``: nothing at all for minors and people of unknown age
        (LAW-61) or people who switched personalised ads off."""
        if not minors.may_target_ads(user):
            return policy.Viewer(targetable=False, reason="minor")
        assert user is not None  # noqa: S101 - a known adult is a signed-in person
        pref = repo.preference(session, user.id)
        if pref is not None and not pref.personalised:
            return policy.Viewer(targetable=False, reason="personalised_off")
        return policy.Viewer(
            targetable=True,
            # The person's own interface language, else the page's.
            language=user.language if user.language in policy.LANGUAGES else language,
            region=pref.region if pref else "",
            age_band=policy.age_band(minors.age_of(user)),
            interests=frozenset(pref.interests) if pref else frozenset(),
        )

    # --- serving -------------------------------------------------------------------------------------
    def ads_for(
        self, session: Session, user: User | None, language: str, slots: int, *, record: bool = True
    ) -> list[AdCard]:
        """Up to ``slots`` ads for a page seen by ``user``: live ads the viewer may be shown (targeted ones
        only to targetable viewers matching them), in random order, each at most once on a page. With
        ``record``, each is charged to its campaign and counted in aggregate; an ad its campaign's budget
        no longer covers is dropped, and when counting fails no ad is shown (the page still is)."""
        if slots <= 0:
            return []
        today = today_in()
        viewer = self.viewer(session, user, language)
        eligible = [
            (creative, campaign, advertiser)
            for creative, campaign, advertiser in repo.live(session, today)
            if policy.matches(campaign.targeting, viewer)
        ]
        if not eligible:
            return []
        secrets.SystemRandom().shuffle(eligible)
        chosen = eligible[:slots]  # an ad is shown (and charged) at most once per page
        accounts = repo.users(session, {a.user_id for _, _, a in chosen})
        cards = [
            AdCard(c, k, a, accounts[a.user_id], policy.is_targeted(k.targeting))
            for c, k, a in chosen
            if a.user_id in accounts
        ]
        if record and cards:
            cards = self._record(session, cards, viewer, today)
        return cards

    def ad_slots(
        self, session: Session, user: User | None, language: str, item_count: int, every: int
    ) -> dict[int, AdCard]:
        """The ads of a feed page: position (after which item, 1-based) to ad, one every ``every`` items."""
        positions = policy.ad_positions(item_count, every)
        return dict(zip(positions, self.ads_for(session, user, language, len(positions)), strict=False))

    def _record(
        self, session: Session, cards: list[AdCard], viewer: policy.Viewer, day: date
    ) -> list[AdCard]:
        """Count the impressions and return the cards that were counted. A page read writes in a short
        write transaction of its own; a write session in a savepoint. Counting never fails the page: a
        database error (a deadlock, a lost connection) is logged, the savepoint rolled back (the request's
        own transaction stays usable) and no ad is shown, so that no ad is shown uncounted or outside the
        repository."""
        database = session.info.get("database")
        try:
            if session.info.get("read_only") and database is not None:
                with database.transaction() as writer:
                    return self.record_impressions(writer, cards, viewer, day)
            with session.begin_nested():
                return self.record_impressions(session, cards, viewer, day)
        except SQLAlchemyError as exc:
            log.warning("ad impressions not counted, no ads shown on this page: %s", exc)
            return []

    def record_impressions(
        self, session: Session, cards: Sequence[AdCard], viewer: policy.Viewer, day: date
    ) -> list[AdCard]:
        """Charge each ad's impression to its campaign within its budget (the limit is in the UPDATE;
        a card whose campaign's budget is spent is dropped), count it per creative, day, region and age
        band (blank for untargeted viewers), and create or move on the ad's repository entry in one
        upsert. Rows are written in a fixed order (sorted by campaign, then creative; per ad its campaign,
        its repository entry, its count) so that two pages counting the same ads, or a page and the
        purge, lock rows in the same order and cannot deadlock. Returns the cards counted,
        in their original order."""
        region = viewer.region if viewer.targetable else ""
        band = viewer.age_band if viewer.targetable else ""
        counted: set[uuid.UUID] = set()
        for card in sorted(cards, key=lambda c: (str(c.campaign.id), str(c.creative.id))):
            if card.creative.id in counted or not repo.charge(session, card.campaign.id):
                continue
            # The entry before the counts: the purge locks entries, then deletes their counts.
            repo.upsert_entry(session, self._entry_values(card, day))
            repo.count_impressions(session, card.creative.id, day, region, band, 1)
            counted.add(card.creative.id)
        return [card for card in cards if card.creative.id in counted]

    def _entry_values(self, card: AdCard, day: date) -> dict[str, Any]:
        return {
            "id": uuid.uuid4(),
            "created_at": utcnow(),
            "kind": "platform_ad",
            "creative_id": card.creative.id,
            "advertiser_name": card.advertiser.legal_name,
            "advertiser_bin": card.advertiser.bin,
            "advertiser_account": card.account.username,
            "campaign_name": card.campaign.name,
            "headline": card.creative.headline,
            "body": card.creative.body,
            "landing_url": card.creative.landing_url,
            "has_image": card.creative.image_key is not None,
            "label": policy.AD_LABEL,
            "targeting": dict(card.campaign.targeting),
            "first_shown_on": day,
            "last_shown_on": day,
        }

    def explain(
        self, session: Session, user: User | None, language: str, creative_id: uuid.UUID
    ) -> Explanation:
        """ "Why am I seeing this ad?" for a publicly showable ad (``publicly_showable``; LAW-58, 59)."""
        creative = repo.creative(session, creative_id)
        if creative is None or not self.publicly_showable(session, creative):
            raise AdNotFound("No such ad.")
        card = self.card(session, creative)
        viewer = self.viewer(session, user, language)
        targeting = {k: list(v) for k, v in card.campaign.targeting.items() if v}
        return Explanation(
            card=card,
            parameters=targeting,
            matched=policy.matched_parameters(targeting, viewer),
            untargeted_reason=viewer.reason,
        )

    # --- the repository ------------------------------------------------------------------------------
    def search_repository(
        self, session: Session, f: RepositoryFilter
    ) -> tuple[list[AdRepositoryEntry], int, dict[uuid.UUID, Reach]]:
        """Ads in the public repository with their reach as published (``_published``)."""
        entries, total = repo.search(session, f)
        reach = repo.reach(session, [e.creative_id for e in entries if e.creative_id is not None])
        return entries, total, {cid: _published(r) for cid, r in reach.items()}

    def repository_entry(
        self, session: Session, entry_id: uuid.UUID
    ) -> tuple[AdRepositoryEntry, Reach | None]:
        entry = repo.entry(session, entry_id)
        if entry is None:
            raise AdNotFound("No such ad in the repository.")
        reach = repo.reach(session, [entry.creative_id]) if entry.creative_id else {}
        found = reach.get(entry.creative_id) if entry.creative_id else None
        return entry, _published(found) if found else None

    def purge_repository(self, session: Session, today: date | None = None) -> int:
        """Delete the repository's ads last shown more than a year ago, with their impression counts
        (LAW-64). Audited once per run."""
        today = today or today_in()
        before = today - timedelta(days=policy.RETENTION_DAYS)
        expired = repo.expired_entries(session, before)
        if expired:
            repo.delete_entries(session, expired)
        audit.record(
            session,
            actor=SYSTEM,
            tag="ad_repository:purge",
            target_type="ad_repository",
            target_id="-",
            data={"deleted": len(expired), "last_shown_before": before},
        )
        return len(expired)


ads_service = AdsService()
