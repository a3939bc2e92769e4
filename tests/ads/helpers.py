"""Builders for the advertising tests: valid BINs and IINs, advertisers, campaigns and creatives made
through the service (as the routes do), and the ads shown in a page."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.ads.service import ads_service
from senim.config import Settings
from senim.detection.pii import id_checksum_is_valid
from senim.kit.clock import today_in
from senim.models import Role, User
from senim.models.ads import AdCampaign, AdCreative, Advertiser
from senim.web.middleware import LANG_COOKIE
from tests.fixtures import moderation
from tests.fixtures.builders import make_user


def with_check_digit(prefix: str) -> str:
    """``prefix`` (11 digits) completed with its Kazakhstan check digit; the serial is moved on when a
    prefix has none."""
    assert len(prefix) == 11
    for serial in range(100):
        base = prefix[:-2] + f"{(int(prefix[-2:]) + serial) % 100:02d}"
        for digit in "0123456789":
            if id_checksum_is_valid(base + digit):
                return base + digit
    raise AssertionError("no check digit")


VALID_BIN = with_check_digit("05044001234")  # registered 2005-04, resident legal entity, head office
VALID_IIN = with_check_digit("90051730123")  # born 1990-05-17, 1900s, male


def bad_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def reviewer(session: Session) -> User:
    return make_user(session, role=Role.ads_reviewer)


def make_advertiser(
    session: Session, user: User | None = None, *, verified: bool = True, name: str = "Dala Coffee LLP"
) -> Advertiser:
    user = user or make_user(session)
    advertiser = ads_service.register_advertiser(
        session, user, kind="legal_entity", legal_name=name, number=VALID_BIN
    )
    if verified:
        ads_service.verify_advertiser(session, reviewer(session), advertiser.id)
    return advertiser


def make_campaign(session: Session, advertiser: Advertiser, **overrides: Any) -> AdCampaign:
    user = session.get(User, advertiser.user_id)
    assert user is not None
    fields: dict[str, Any] = {
        "name": f"Campaign {uuid.uuid4().hex[:6]}",
        "budget": "50000",
        "cpm": "1500",
        "starts_on": today_in(),
        "targeting": {},
    }
    fields.update(overrides)
    return ads_service.create_campaign(session, user, **fields)


def make_creative(
    session: Session,
    settings: Settings,
    campaign: AdCampaign,
    *,
    approved: bool = True,
    headline: str | None = None,
    **overrides: Any,
) -> AdCreative:
    advertiser = session.get(Advertiser, campaign.advertiser_id)
    assert advertiser is not None
    user = session.get(User, advertiser.user_id)
    assert user is not None
    fields: dict[str, Any] = {
        "headline": headline or f"Fresh coffee {uuid.uuid4().hex[:6]}",
        "body": "Roasted in Almaty every morning.",
        "landing_url": "https://dala-coffee.kz/menu",
    }
    fields.update(overrides)
    creative = ads_service.submit_creative(session, settings, user, campaign.id, **fields)
    if approved:
        ads_service.approve_creative(session, reviewer(session), creative.id)
    return creative


def live_ad(
    session: Session,
    settings: Settings,
    *,
    targeting: dict[str, Any] | None = None,
    name: str = "Dala Coffee LLP",
) -> tuple[Advertiser, AdCampaign, AdCreative]:
    advertiser = make_advertiser(session, name=name)
    campaign = make_campaign(session, advertiser, targeting=targeting or {})
    creative = make_creative(session, settings, campaign)
    return advertiser, campaign, creative


def english(client: TestClient) -> TestClient:
    """Pages in English (the tests read English wording; the default interface language is Kazakh)."""
    client.cookies.set(LANG_COOKIE, "en")
    return client


def sign_in(client: TestClient, session: Session, user: User) -> str:
    """Sign ``user`` in (``tests.fixtures.moderation.sign_in``), pages in English; returns the CSRF token."""
    token = moderation.sign_in(client, session, user)
    english(client)
    return token


def sign_in_advertiser(client: TestClient, session: Session, advertiser: Advertiser) -> str:
    """Sign the advertiser's account in (after ``session.commit()``); returns the CSRF token."""
    user = session.get(User, advertiser.user_id)
    assert user is not None
    return sign_in(client, session, user)


def shown_ads(html: str) -> list[str]:
    """The creative ids of the ads on a page, in order."""
    return re.findall(r'<aside class="card ad" id="ad-([0-9a-f-]+)"', html)


def adult(session: Session, **overrides: Any) -> User:
    return make_user(session, date_of_birth=date(1990, 5, 17), **overrides)


def minor(session: Session, **overrides: Any) -> User:
    return make_user(session, date_of_birth=today_in() - timedelta(days=365 * 15), **overrides)
