"""Every query on the advertising tables, including the advertiser's object-level scoping and the public
repository's search. Nothing here reads or writes anything about who saw an ad."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from senim.db import dialect_insert
from senim.models import AccountStatus, User
from senim.models.ads import (
    AdCampaign,
    AdCreative,
    AdImpressionCount,
    AdPreference,
    AdRepositoryEntry,
    Advertiser,
    AdvertiserStatus,
    CampaignStatus,
    CreativeStatus,
)

LIVE_CANDIDATES = 200  # at most this many live creatives are considered for one page


@dataclass(frozen=True)
class Reach:
    """An ad's impressions: the total, and by region and by age band (exact counts from ``reach``; the
    public repository shows small ones as "<10", ``policy.published_counts``)."""

    total: int
    by_region: Mapping[str, int | str]
    by_age_band: Mapping[str, int | str]


@dataclass(frozen=True)
class RepositoryFilter:
    q: str = ""
    advertiser: str = ""
    shown_from: date | None = None
    shown_to: date | None = None
    offset: int = 0
    limit: int = 50


class AdsRepository:
    # --- advertisers ----------------------------------------------------------------------------------
    def advertiser_of(self, session: Session, user_id: uuid.UUID, *, lock: bool = False) -> Advertiser | None:
        stmt = select(Advertiser).where(Advertiser.user_id == user_id)
        return session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()

    def advertiser(
        self, session: Session, advertiser_id: uuid.UUID, *, lock: bool = False
    ) -> Advertiser | None:
        stmt = select(Advertiser).where(Advertiser.id == advertiser_id)
        return session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()

    def advertisers(self, session: Session, status: AdvertiserStatus | None = None) -> list[Advertiser]:
        stmt = select(Advertiser).order_by(Advertiser.submitted_at)
        if status is not None:
            stmt = stmt.where(Advertiser.status == status)
        return list(session.scalars(stmt))

    # --- campaigns ------------------------------------------------------------------------------------
    def campaigns_of(self, session: Session, advertiser_id: uuid.UUID) -> list[AdCampaign]:
        return list(
            session.scalars(
                select(AdCampaign)
                .where(AdCampaign.advertiser_id == advertiser_id)
                .order_by(AdCampaign.created_at.desc())
            )
        )

    def campaign(self, session: Session, campaign_id: uuid.UUID, *, lock: bool = False) -> AdCampaign | None:
        stmt = select(AdCampaign).where(AdCampaign.id == campaign_id)
        return session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()

    def campaign_of(
        self, session: Session, advertiser_id: uuid.UUID, campaign_id: uuid.UUID
    ) -> AdCampaign | None:
        """The campaign, only when it belongs to ``advertiser_id`` (object-level scoping)."""
        return session.scalars(
            select(AdCampaign).where(AdCampaign.id == campaign_id, AdCampaign.advertiser_id == advertiser_id)
        ).one_or_none()

    # --- creatives ------------------------------------------------------------------------------------
    def creatives_of(self, session: Session, campaign_id: uuid.UUID) -> list[AdCreative]:
        return list(
            session.scalars(
                select(AdCreative)
                .where(AdCreative.campaign_id == campaign_id)
                .order_by(AdCreative.created_at)
            )
        )

    def creative(self, session: Session, creative_id: uuid.UUID, *, lock: bool = False) -> AdCreative | None:
        stmt = select(AdCreative).where(AdCreative.id == creative_id)
        return session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()

    def creatives(self, session: Session, status: CreativeStatus, limit: int = 200) -> list[AdCreative]:
        order = AdCreative.created_at if status is CreativeStatus.pending else AdCreative.reviewed_at.desc()
        return list(
            session.scalars(
                select(AdCreative).where(AdCreative.status == status).order_by(order).limit(limit)
            )
        )

    def live(self, session: Session, today: date) -> list[tuple[AdCreative, AdCampaign, Advertiser]]:
        """Creatives that may be shown today: approved, in an active campaign within its dates and budget,
        of a verified advertiser whose account is active (not suspended, not deleted). At most
        ``LIVE_CANDIDATES`` of them, a random sample each time, so that every live ad gets its chance
        however many there are (the targeting is matched afterwards, in Python)."""
        rows = session.execute(
            select(AdCreative, AdCampaign, Advertiser)
            .join(AdCampaign, AdCampaign.id == AdCreative.campaign_id)
            .join(Advertiser, Advertiser.id == AdCampaign.advertiser_id)
            .join(User, User.id == Advertiser.user_id)
            .where(
                AdCreative.status == CreativeStatus.approved,
                AdCampaign.status == CampaignStatus.active,
                Advertiser.status == AdvertiserStatus.verified,
                User.status == AccountStatus.active,
                AdCampaign.starts_on <= today,
                or_(AdCampaign.ends_on.is_(None), AdCampaign.ends_on >= today),
                AdCampaign.impressions * AdCampaign.cpm_tiyn < AdCampaign.budget_tiyn * 1000,
            )
            .order_by(func.random())
            .limit(LIVE_CANDIDATES)
        ).all()
        return [(r[0], r[1], r[2]) for r in rows]

    def advertiser_verified(self, session: Session, creative: AdCreative) -> bool:
        """Whether the advertiser behind ``creative`` is verified."""
        status = session.scalar(
            select(Advertiser.status)
            .join(AdCampaign, AdCampaign.advertiser_id == Advertiser.id)
            .where(AdCampaign.id == creative.campaign_id)
        )
        return status == AdvertiserStatus.verified

    def users(self, session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
        if not ids:
            return {}
        return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}

    # --- impressions (aggregate only) ------------------------------------------------------------------
    def count_impressions(
        self, session: Session, creative_id: uuid.UUID, day: date, region: str, age_band: str, n: int
    ) -> None:
        insert = dialect_insert(session)(AdImpressionCount).values(
            creative_id=creative_id, day=day, region=region, age_band=age_band, count=n
        )
        session.execute(
            insert.on_conflict_do_update(
                index_elements=["creative_id", "day", "region", "age_band"],
                set_={"count": AdImpressionCount.count + insert.excluded.count},
            )
        )

    def charge(self, session: Session, campaign_id: uuid.UUID) -> bool:
        """Count one impression on the campaign, only while it stays within its budget: the limit is in
        the UPDATE itself, so two pages shown at once cannot both take the last impression. False when the
        row was not updated (the budget is spent)."""
        result = session.execute(
            update(AdCampaign)
            .where(
                AdCampaign.id == campaign_id,
                (AdCampaign.impressions + 1) * AdCampaign.cpm_tiyn <= AdCampaign.budget_tiyn * 1000,
            )
            .values(impressions=AdCampaign.impressions + 1)
        )
        return bool(getattr(result, "rowcount", 0))

    def in_repository(self, session: Session, creative_id: uuid.UUID) -> bool:
        return (
            session.scalar(
                select(AdRepositoryEntry.id).where(AdRepositoryEntry.creative_id == creative_id).limit(1)
            )
            is not None
        )

    def upsert_entry(self, session: Session, values: dict[str, Any]) -> None:
        """The ad's repository entry: created at its first impression, else its last day moved on to
        ``values["last_shown_on"]`` (never back), in one statement (no window for the purge to delete
        the entry between a read and a write)."""
        insert = dialect_insert(session)(AdRepositoryEntry).values(**values)
        latest = func.greatest if session.get_bind().dialect.name == "postgresql" else func.max  # 2 args
        last_shown_on = latest(AdRepositoryEntry.last_shown_on, insert.excluded.last_shown_on)
        session.execute(
            insert.on_conflict_do_update(
                index_elements=["creative_id"], set_={"last_shown_on": last_shown_on}
            )
        )

    def reach(self, session: Session, creative_ids: list[uuid.UUID]) -> dict[uuid.UUID, Reach]:
        """Impressions of each creative in total, by region and by age band ("" where not recorded)."""
        if not creative_ids:
            return {}
        rows = session.execute(
            select(
                AdImpressionCount.creative_id,
                AdImpressionCount.region,
                AdImpressionCount.age_band,
                func.sum(AdImpressionCount.count),
            )
            .where(AdImpressionCount.creative_id.in_(creative_ids))
            .group_by(AdImpressionCount.creative_id, AdImpressionCount.region, AdImpressionCount.age_band)
        ).all()
        totals: dict[uuid.UUID, int] = defaultdict(int)
        regions: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        bands: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for creative_id, region, band, n in rows:
            totals[creative_id] += int(n)
            regions[creative_id][region or "unspecified"] += int(n)
            bands[creative_id][band or "unspecified"] += int(n)
        return {
            cid: Reach(totals[cid], dict(sorted(regions[cid].items())), dict(sorted(bands[cid].items())))
            for cid in creative_ids
            if cid in totals
        }

    # --- the public repository --------------------------------------------------------------------------
    def search(self, session: Session, f: RepositoryFilter) -> tuple[list[AdRepositoryEntry], int]:
        stmt = select(AdRepositoryEntry)
        if f.q:
            like = f"%{f.q.lower()}%"
            stmt = stmt.where(
                or_(
                    func.lower(AdRepositoryEntry.headline).like(like),
                    func.lower(AdRepositoryEntry.body).like(like),
                    func.lower(AdRepositoryEntry.advertiser_name).like(like),
                    func.lower(AdRepositoryEntry.campaign_name).like(like),
                )
            )
        if f.advertiser:
            like = f"%{f.advertiser.lower()}%"
            stmt = stmt.where(
                or_(
                    func.lower(AdRepositoryEntry.advertiser_name).like(like),
                    AdRepositoryEntry.advertiser_bin == f.advertiser,
                    func.lower(AdRepositoryEntry.advertiser_account) == f.advertiser.lower().lstrip("@"),
                )
            )
        if f.shown_from is not None:
            stmt = stmt.where(AdRepositoryEntry.last_shown_on >= f.shown_from)
        if f.shown_to is not None:
            stmt = stmt.where(AdRepositoryEntry.first_shown_on <= f.shown_to)
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = session.scalars(
            stmt.order_by(AdRepositoryEntry.last_shown_on.desc(), AdRepositoryEntry.id)
            .offset(f.offset)
            .limit(f.limit)
        )
        return list(rows), int(total)

    def entry(self, session: Session, entry_id: uuid.UUID) -> AdRepositoryEntry | None:
        return session.get(AdRepositoryEntry, entry_id)

    def expired_entries(self, session: Session, before: date) -> list[AdRepositoryEntry]:
        return list(
            session.scalars(
                select(AdRepositoryEntry).where(AdRepositoryEntry.last_shown_on < before).with_for_update()
            )
        )

    def delete_entries(self, session: Session, entries: list[AdRepositoryEntry]) -> None:
        creative_ids = [e.creative_id for e in entries if e.creative_id is not None]
        if creative_ids:
            session.execute(delete(AdImpressionCount).where(AdImpressionCount.creative_id.in_(creative_ids)))
        session.execute(delete(AdRepositoryEntry).where(AdRepositoryEntry.id.in_([e.id for e in entries])))

    # --- preferences ----------------------------------------------------------------------------------
    def preference(self, session: Session, user_id: uuid.UUID) -> AdPreference | None:
        return session.get(AdPreference, user_id)


ads_repository = AdsRepository()
