"""Ads in the feed (issue 10, items 2 and 3): every ad carries the label and its advertiser's name and
account (LAW-56, 58, 59, 63), one ad slot after every N posts (``SENIM_ADS_EVERY_N_ITEMS``), "Why am I
seeing this ad?" shows the targeting parameters, and impressions are counted in aggregate only."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from senim.ads import repository
from senim.ads.repository import ads_repository as repo
from senim.ads.service import ads_service
from senim.config import Settings
from senim.db import Database
from senim.kit.clock import today_in
from senim.models import AccountStatus, User
from senim.models.ads import AdCampaign, AdImpressionCount, AdPreference, AdRepositoryEntry
from senim.web.middleware import LANG_COOKIE
from tests.ads.helpers import (
    adult,
    english,
    live_ad,
    make_advertiser,
    make_campaign,
    make_creative,
    shown_ads,
    sign_in,
)
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_post
from tests.fixtures.moderation import count, fresh


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    english(client)  # the tests read English wording; pages default to Kazakh


def _posts(session: Session, n: int) -> None:
    author = make_user(session)
    for i in range(n):
        make_post(session, author, f"Post {i}")


@pytest.mark.law("LAW-56")
@pytest.mark.law("LAW-58")
@pytest.mark.law("LAW-59")
@pytest.mark.law("LAW-63")
def test_every_ad_in_the_feed_is_labelled_with_its_advertiser(
    client: TestClient, session: Session, settings: Settings
) -> None:
    _advertiser, _campaign, creative = live_ad(session, settings, name="Dala Coffee LLP")
    _posts(session, 6)
    session.commit()
    page = client.get("/")
    assert page.status_code == 200
    assert shown_ads(page.text) == [str(creative.id)]
    ad = page.text[page.text.index(f'id="ad-{creative.id}"') :]
    ad = ad[: ad.index("</aside>")]
    assert '<strong class="ad-label">Ad</strong>' in ad  # the visible label, in the reader's language
    assert "Dala Coffee LLP" in ad  # the advertiser
    assert f'href="/ads/why/{creative.id}">Why am I seeing this ad?' in ad
    assert 'rel="sponsored' in ad
    assert creative.headline in ad


@pytest.mark.law("LAW-59")
def test_the_ad_names_the_advertisers_account(
    client: TestClient, session: Session, settings: Settings
) -> None:
    owner = make_user(session, username="dalacoffee")
    advertiser = make_advertiser(session, owner)
    creative = make_creative(session, settings, make_campaign(session, advertiser))
    _posts(session, 5)
    session.commit()
    html = client.get("/").text
    assert shown_ads(html) == [str(creative.id)]
    assert '<a href="/u/dalacoffee">@dalacoffee</a>' in html


def test_one_ad_slot_after_every_n_posts_and_none_when_n_is_zero(
    client: TestClient, session: Session, settings: Settings
) -> None:
    for name in ("Dala Coffee LLP", "Kazakh Air JSC", "Steppe Books LLP"):
        live_ad(session, settings, name=name)
    _posts(session, 12)
    session.commit()
    settings.ads_every_n_items = 4
    assert len(set(shown_ads(client.get("/").text))) == 3
    settings.ads_every_n_items = 0
    assert shown_ads(client.get("/").text) == []
    settings.ads_every_n_items = 5
    assert len(shown_ads(client.get("/").text)) == 2


def test_no_ad_without_an_approved_creative_of_a_verified_advertiser(
    client: TestClient, session: Session, settings: Settings
) -> None:
    unverified = make_advertiser(session, verified=False)
    make_creative(session, settings, make_campaign(session, unverified), approved=False)
    verified = make_advertiser(session)
    make_creative(session, settings, make_campaign(session, verified), approved=False)
    _posts(session, 10)
    session.commit()
    assert shown_ads(client.get("/").text) == []


def test_a_campaign_stops_at_its_budget(client: TestClient, session: Session, settings: Settings) -> None:
    _advertiser, campaign, _creative = live_ad(session, settings)
    campaign.budget_tiyn = 300  # three tenge: two impressions at 1500 tenge per thousand
    campaign.cpm_tiyn = 150_000
    session.commit()
    _posts(session, 5)
    session.commit()
    seen = [len(shown_ads(client.get("/").text)) for _ in range(4)]
    assert seen == [1, 1, 0, 0]
    row = fresh(session).get(AdCampaign, campaign.id)
    assert row is not None
    assert row.impressions == 2


def test_impressions_are_counted_per_day_region_and_age_band_without_viewers(
    client: TestClient, session: Session, settings: Settings
) -> None:
    _advertiser, _campaign, creative = live_ad(session, settings)
    viewer = adult(session)
    ads_service.set_preference(session, viewer, personalised=True, region="astana", interests=[])
    _posts(session, 5)
    session.commit()
    client.get("/")  # a visitor: age unknown, nothing about them recorded
    sign_in(client, session, viewer)
    client.get("/")
    client.get("/")
    rows = fresh(session).scalars(
        select(AdImpressionCount).where(AdImpressionCount.creative_id == creative.id)
    )
    counts = {(r.day, r.region, r.age_band): r.count for r in rows}
    assert counts == {(today_in(), "", ""): 1, (today_in(), "astana", "35-44"): 2}


@pytest.mark.law("LAW-56")
@pytest.mark.law("LAW-63")
@pytest.mark.parametrize(("language", "label"), [("kk", "Жарнама"), ("ru", "Реклама"), ("en", "Ad")])
def test_the_label_is_in_the_readers_language(
    client: TestClient, session: Session, settings: Settings, language: str, label: str
) -> None:
    live_ad(session, settings)
    _posts(session, 5)
    session.commit()
    client.cookies.set(LANG_COOKIE, language)
    assert f'<strong class="ad-label">{label}</strong>' in client.get("/").text


def test_an_ad_is_shown_and_charged_at_most_once_per_page(
    client: TestClient, session: Session, settings: Settings
) -> None:
    _advertiser, campaign, creative = live_ad(session, settings)
    _posts(session, 20)
    session.commit()
    assert shown_ads(client.get("/").text) == [str(creative.id)]  # four slots, one eligible ad
    row = fresh(session).get(AdCampaign, campaign.id)
    assert row is not None and row.impressions == 1
    [counted] = fresh(session).scalars(select(AdImpressionCount.count)).all()
    assert counted == 1


def test_the_budget_limit_is_in_the_charge_itself(session: Session, settings: Settings, db: Database) -> None:
    """Two ads of one campaign whose budget covers a single impression: ``live`` offers both (nothing is
    spent yet), the charge takes the last impression for one and drops the other (as when two pages are
    shown at once), and what was spent never exceeds the budget."""
    advertiser = make_advertiser(session)
    campaign = make_campaign(session, advertiser)
    make_creative(session, settings, campaign)
    make_creative(session, settings, campaign)
    campaign.budget_tiyn, campaign.cpm_tiyn = 150, 150_000  # 1.50 tenge: one impression
    session.commit()
    with db.transaction() as t:
        assert len(ads_service.ads_for(t, None, "en", 2, record=False)) == 2
        assert len(ads_service.ads_for(t, None, "en", 2)) == 1
    row = fresh(session).get(AdCampaign, campaign.id)
    assert row is not None and row.impressions == 1 and ads_service.spent_tiyn(row) == 150
    with db.transaction() as t:
        assert ads_service.ads_for(t, None, "en", 2) == []
    row = fresh(session).get(AdCampaign, campaign.id)
    assert row is not None and row.impressions == 1


@pytest.mark.parametrize("status", [AccountStatus.suspended, AccountStatus.deleted])
def test_no_ads_of_a_suspended_or_deleted_advertiser(
    client: TestClient, session: Session, settings: Settings, status: AccountStatus
) -> None:
    advertiser, _campaign, _creative = live_ad(session, settings)
    account = session.get(User, advertiser.user_id)
    assert account is not None
    account.status = status
    _posts(session, 5)
    session.commit()
    assert shown_ads(client.get("/").text) == []


def test_every_live_ad_gets_its_chance_beyond_the_candidate_limit(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = {live_ad(session, settings)[2].id for _ in range(2)}
    monkeypatch.setattr(repository, "LIVE_CANDIDATES", 1)
    seen = {creative.id for _ in range(40) for creative, _k, _a in repo.live(session, today_in())}
    assert seen == ids


def test_impressions_are_written_in_a_fixed_order(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two pages with the same ads in opposite orders lock their rows in the same order (no deadlock)."""
    for name in ("A LLP", "B LLP", "C LLP"):
        live_ad(session, settings, name=name)
    cards = ads_service.ads_for(session, None, "en", 3, record=False)
    written: list[tuple[str, str]] = []
    charge = repo.charge

    def spy(s: Session, campaign_id: uuid.UUID) -> bool:
        written.append((str(campaign_id), ""))
        return charge(s, campaign_id)

    monkeypatch.setattr(repo, "charge", spy)
    viewer = ads_service.viewer(session, None, "en")
    for page in (cards, list(reversed(cards))):
        written.clear()
        shown = ads_service.record_impressions(session, page, viewer, today_in())
        assert [c.creative.id for c in shown] == [c.creative.id for c in page]  # the page keeps its order
        assert written == sorted(written) and len(written) == 3


def _failing_count(s: Session, *_args: object) -> None:
    s.execute(text("SELECT no_such_column FROM ad_campaign"))  # a real database error


def test_a_failure_to_count_never_fails_the_page(
    client: TestClient, session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _advertiser, campaign, _creative = live_ad(session, settings)
    _posts(session, 5)
    session.commit()
    monkeypatch.setattr(repo, "count_impressions", _failing_count)
    page = client.get("/")
    assert page.status_code == 200 and "Post 4" in page.text
    assert shown_ads(page.text) == []  # not counted, so not shown (nor charged)
    row = fresh(session).get(AdCampaign, campaign.id)
    assert row is not None and row.impressions == 0


def test_a_failure_to_count_leaves_the_requests_transaction_usable(
    session: Session, settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    advertiser, campaign, _creative = live_ad(session, settings)
    session.commit()
    monkeypatch.setattr(repo, "count_impressions", _failing_count)
    with db.transaction() as t:  # a request's write transaction
        assert ads_service.ads_for(t, None, "en", 1) == []
        # The savepoint was rolled back: the charge is undone and the transaction goes on (on PostgreSQL
        # a failed statement outside a savepoint would abort every later one, and the commit).
        assert t.scalar(select(AdCampaign.impressions).where(AdCampaign.id == campaign.id)) == 0
        t.add(AdPreference(user_id=advertiser.user_id))
    assert fresh(session).scalars(select(AdRepositoryEntry)).all() == []
    assert count(fresh(session), AdPreference) == 1  # the request's own write was committed
