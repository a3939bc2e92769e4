"""Advertising records: advertisers, campaigns, creatives, reviews, impressions in aggregate, the repository.

Who saw an ad is never stored: impressions are counts per creative, day, region and age band
(``ad_impression_count``), and the public repository (``ad_repository_entry``, LAW-64) holds the ad, its
advertiser, the period it was shown, its targeting parameters and those counts, nothing about a viewer.
The only table here keyed by an account besides the advertiser's own profile is ``ad_preference``: a
person's own choice to switch off personalised ads and what they declare for targeting (region, interests).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from senim.kit.clock import utcnow
from senim.kit.encrypted import Encrypted
from senim.models.base import Base, CreatedMixin, IdMixin


class AdvertiserKind(StrEnum):
    legal_entity = "legal_entity"  # identified by its BIN
    individual = "individual"  # a person (or sole entrepreneur) identified by their IIN


class AdvertiserStatus(StrEnum):
    pending = "pending"  # waiting for an ads reviewer to check the identity
    verified = "verified"
    refused = "refused"  # with reasons the advertiser sees; they may correct and submit again


class Advertiser(IdMixin, CreatedMixin, Base):
    """An account that places ads (``Perm.advertise``), with the identity an ads reviewer verified before
    any of its ads may go live. A legal entity's BIN is public; an individual's IIN is personal data,
    encrypted at rest and never shown in public."""

    __tablename__ = "advertiser"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), unique=True)
    kind: Mapped[AdvertiserKind] = mapped_column(String(16))
    legal_name: Mapped[str] = mapped_column(String(300))
    bin: Mapped[str | None] = mapped_column(String(12))
    iin: Mapped[str | None] = mapped_column(Encrypted("advertiser.iin"))
    status: Mapped[AdvertiserStatus] = mapped_column(String(16), default=AdvertiserStatus.pending)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    refusal_reason: Mapped[str] = mapped_column(Text, default="")


class CampaignStatus(StrEnum):
    active = "active"  # its approved creatives are shown within its dates and budget
    stopped = "stopped"  # stopped by the advertiser: nothing more is shown


class AdCampaign(IdMixin, CreatedMixin, Base):
    """A campaign: dates, budget and price per 1000 impressions in tiyn (1 tenge = 100 tiyn, integers,
    never floats), and its targeting parameters (``ads.policy.ALLOWED_PARAMETERS``; empty: untargeted)."""

    __tablename__ = "ad_campaign"

    advertiser_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("advertiser.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    budget_tiyn: Mapped[int] = mapped_column(BigInteger)
    cpm_tiyn: Mapped[int] = mapped_column(BigInteger)  # price per 1000 impressions
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    targeting: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[CampaignStatus] = mapped_column(String(16), default=CampaignStatus.active)
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)  # total shown, for the budget


class CreativeStatus(StrEnum):
    pending = "pending"  # waiting for an ads reviewer
    approved = "approved"  # may be shown (live while its campaign and advertiser allow)
    refused = "refused"  # with the prohibited category and reasons the advertiser sees


class AdCreative(IdMixin, CreatedMixin, Base):
    """One ad: text, an optional image (stored like post images, without metadata), an https landing
    page; reviewed before it goes live. ``flags`` are what the automatic screen found for the reviewer.
    When it was shown is kept on its repository entry (``AdRepositoryEntry``), not here."""

    __tablename__ = "ad_creative"
    __table_args__ = (Index("ix_ad_creative_status", "status"),)

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ad_campaign.id"), index=True)
    headline: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    landing_url: Mapped[str] = mapped_column(String(500))
    image_key: Mapped[str | None] = mapped_column(String(200))
    image_content_type: Mapped[str | None] = mapped_column(String(32))
    image_width: Mapped[int | None] = mapped_column(Integer)
    image_height: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[CreativeStatus] = mapped_column(String(16), default=CreativeStatus.pending)
    flags: Mapped[list[Any]] = mapped_column(default=list)  # [{"category", "match", "law"}]
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    refusal_category: Mapped[str | None] = mapped_column(String(32))  # ads.policy.PROHIBITED key
    refusal_reason: Mapped[str] = mapped_column(Text, default="")


class AdImpressionCount(Base):
    """How many times a creative was shown on a day, by region and age band: aggregate counts only, no
    viewer. Region and age band are "" when the viewer gets untargeted ads (minors, people of unknown age,
    people who switched personalised ads off): nothing about them is used, not even for counting."""

    __tablename__ = "ad_impression_count"
    __table_args__ = (UniqueConstraint("creative_id", "day", "region", "age_band"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    creative_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ad_creative.id"))
    day: Mapped[date]
    region: Mapped[str] = mapped_column(String(32), default="")
    age_band: Mapped[str] = mapped_column(String(16), default="")
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class AdRepositoryEntry(IdMixin, CreatedMixin, Base):
    """The public ad repository (LAW-64): a copy of each ad as it was shown, its advertiser, the period it
    was shown and its targeting parameters; reach comes from ``ad_impression_count``. Kept one year after
    the ad was last shown, then purged (``ads.purge_repository``). No personal data of viewers."""

    __tablename__ = "ad_repository_entry"
    __table_args__ = (Index("ix_ad_repository_entry_last_shown_on", "last_shown_on"),)

    kind: Mapped[str] = mapped_column(String(32), default="platform_ad")
    creative_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ad_creative.id", ondelete="SET NULL"), unique=True
    )
    advertiser_name: Mapped[str] = mapped_column(String(300))
    advertiser_bin: Mapped[str | None] = mapped_column(String(12))
    advertiser_account: Mapped[str] = mapped_column(String(64))  # the advertiser's username (LAW-59)
    campaign_name: Mapped[str] = mapped_column(String(200), default="")
    headline: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    landing_url: Mapped[str] = mapped_column(String(500), default="")
    has_image: Mapped[bool] = mapped_column(default=False)
    label: Mapped[str] = mapped_column(String(64), default="Ad")
    targeting: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_shown_on: Mapped[date]
    last_shown_on: Mapped[date]


class AdPreference(Base):
    """A person's own advertising choices: personalised ads off (then only untargeted ads), and the
    region and interests they declare for targeted ads. Nothing here is inferred from behaviour."""

    __tablename__ = "ad_preference"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    personalised: Mapped[bool] = mapped_column(default=True)
    region: Mapped[str] = mapped_column(String(32), default="")
    interests: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
