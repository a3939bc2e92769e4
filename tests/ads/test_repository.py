"""The public ad repository (issue 10, item 5; LAW-64): every ad that was shown, with its advertiser, the
period it was shown, its targeting parameters and its reach in aggregate, searchable in HTML and JSON and
exported in SDAF JSON; no personal data of the people who saw it (no viewer column in any advertising
table); purged one year after the ad was last shown by the daily job ``ads.purge_repository``."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from senim.ads.jobs import PURGE_REPOSITORY_JOB
from senim.ads.repository import ads_repository as repo
from senim.ads.service import ads_service
from senim.config import Settings
from senim.db import Database
from senim.jobs import enqueue
from senim.jobs.registry import HANDLERS
from senim.kit.clock import today_in
from senim.models import Job, JobStatus, Role, User
from senim.models.ads import AdImpressionCount, AdRepositoryEntry
from tests.ads.helpers import adult, english, live_ad, minor, sign_in
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_post
from tests.fixtures.moderation import audit_of, count, fresh
from tests.notification.jobrunner import run_due_jobs

DAY = timedelta(days=1)
VIEWER_EMAILS = ("viewer.one@example.kz", "viewer.two@example.kz")
VIEWER_NAMES = ("secretviewer1", "secretviewer2")


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    english(client)  # the tests read English wording; pages default to Kazakh


def _show(client: TestClient, session: Session, settings: Settings) -> tuple[uuid.UUID, uuid.UUID]:
    """A targeted and an untargeted ad, seen by two adults with known e-mails, a minor and a visitor."""
    _a, _c, targeted = live_ad(
        session, settings, targeting={"languages": ["en"], "regions": ["astana"]}, name="Kazakh Air JSC"
    )
    _a, _c, untargeted = live_ad(session, settings, name="Dala Coffee LLP")
    author = make_user(session)
    for i in range(10):
        make_post(session, author, f"Post {i}")
    viewers = [
        adult(session, email=email, username=name, display_name=f"Display {name}")
        for email, name in zip(VIEWER_EMAILS, VIEWER_NAMES, strict=True)
    ]
    for viewer in viewers:
        ads_service.set_preference(session, viewer, personalised=True, region="astana", interests=["travel"])
    child = minor(session, username="secretchild")
    session.commit()
    for viewer in [*viewers, child]:
        sign_in(client, session, viewer)
        client.get("/")
    client.cookies.clear()
    english(client)
    client.get("/")
    return targeted.id, untargeted.id


@pytest.mark.law("LAW-64")
def test_every_shown_ad_is_in_the_repository_with_advertiser_period_targeting_and_reach(
    client: TestClient, session: Session, settings: Settings
) -> None:
    targeted, untargeted = _show(client, session, settings)
    _a, _c, never_shown = live_ad(session, settings, name="Never Shown LLP")
    never_shown.status = "pending"  # type: ignore[assignment]
    session.commit()
    page = client.get("/api/v1/ads/repository")
    assert page.status_code == 200
    data = page.json()
    assert data["total"] == 2
    items = {i["advertiser_name"]: i for i in data["items"]}
    assert set(items) == {"Kazakh Air JSC", "Dala Coffee LLP"}
    air = items["Kazakh Air JSC"]
    assert air["targeting"] == {"languages": ["en"], "regions": ["astana"]}
    assert air["first_shown_on"] == air["last_shown_on"] == today_in().isoformat()
    assert air["kept_until"] == (today_in() + 365 * DAY).isoformat()
    # Targeted: only the two adults (in Astana, 35-44) saw it, once each (an ad at most once a page).
    coffee = items["Dala Coffee LLP"]
    assert air["reach"]["total_impressions"] == 2  # totals are exact
    assert air["reach"]["by_region"] == {"astana": "<10"} and air["reach"]["by_age_band"] == {"35-44": "<10"}
    # Untargeted: everyone got it once; the minor and the visitor with nothing about them recorded.
    assert coffee["targeting"] == {} and coffee["reach"]["total_impressions"] == 4
    assert coffee["reach"]["by_region"] == {"astana": "<10", "unspecified": "<10"}
    html = client.get("/ads/repository")
    assert html.status_code == 200
    assert (
        "Kazakh Air JSC" in html.text
        and "Dala Coffee LLP" in html.text
        and "Never Shown LLP" not in html.text
    )
    entry = (
        fresh(session)
        .scalars(select(AdRepositoryEntry).where(AdRepositoryEntry.creative_id == targeted))
        .one()
    )
    detail = client.get(f"/ads/repository/{entry.id}")
    assert detail.status_code == 200 and "Astana" in detail.text and "Kazakh Air JSC" in detail.text
    assert client.get(f"/api/v1/ads/repository/{entry.id}").json()["reach"] == air["reach"]
    assert untargeted


@pytest.mark.law("LAW-64")
def test_the_repository_is_searchable(client: TestClient, session: Session, settings: Settings) -> None:
    _show(client, session, settings)
    by_word = client.get("/api/v1/ads/repository", params={"advertiser": "kazakh air"}).json()
    assert [i["advertiser_name"] for i in by_word["items"]] == ["Kazakh Air JSC"]
    assert client.get("/api/v1/ads/repository", params={"q": "no such words"}).json()["total"] == 0
    tomorrow = (today_in() + DAY).isoformat()
    assert client.get("/api/v1/ads/repository", params={"shown_from": tomorrow}).json()["total"] == 0
    html = client.get("/ads/repository", params={"advertiser": "Dala"}).text
    assert "Dala Coffee LLP" in html and "Kazakh Air JSC" not in html
    assert client.get("/ads/repository", params={"shown_from": "yesterday"}).status_code == 422
    assert client.get("/api/v1/ads/repository", params={"shown_from": "yesterday"}).status_code == 422


@pytest.mark.law("LAW-64")
def test_the_repository_is_exported_in_sdaf_json(
    client: TestClient, session: Session, settings: Settings
) -> None:
    targeted, _untargeted = _show(client, session, settings)
    doc = client.get("/api/v1/ads/repository/sdaf.json").json()
    assert (doc["format"], doc["version"], doc["platform"]["country"]) == ("SDAF", "1.0", "KZ")
    ads = {a["advertiser"]["name"]: a for a in doc["ads"]}
    air = ads["Kazakh Air JSC"]
    assert air["label"] == "Ad" and air["targeting"]["targeted"] is True
    assert air["targeting"]["parameters"] == {"languages": ["en"], "regions": ["astana"]}
    assert air["period"]["first_shown"] == today_in().isoformat()
    coffee = ads["Dala Coffee LLP"]
    assert (air["reach"]["total_impressions"], coffee["reach"]["total_impressions"]) == (2, 4)
    assert coffee["reach"]["by_age_band"] == {"35-44": "<10", "unspecified": "<10"}
    assert coffee["targeting"]["targeted"] is False
    assert air["advertiser"]["identifier"]["scheme"] == "KZ-BIN"
    entry = (
        fresh(session)
        .scalars(select(AdRepositoryEntry).where(AdRepositoryEntry.creative_id == targeted))
        .one()
    )
    one = client.get(f"/api/v1/ads/repository/{entry.id}/sdaf.json").json()
    assert [a["ad_id"] for a in one["ads"]] == [str(entry.id)]


@pytest.mark.law("LAW-64")
def test_the_repository_holds_no_personal_data_of_viewers(
    client: TestClient, session: Session, settings: Settings
) -> None:
    _show(client, session, settings)
    s = fresh(session)
    entry = s.scalars(select(AdRepositoryEntry)).first()
    assert entry is not None
    pages = [
        client.get("/ads/repository").text,
        client.get(f"/ads/repository/{entry.id}").text,
        client.get("/api/v1/ads/repository").text,
        client.get(f"/api/v1/ads/repository/{entry.id}").text,
        client.get("/api/v1/ads/repository/sdaf.json").text,
        client.get(f"/api/v1/ads/repository/{entry.id}/sdaf.json").text,
    ]
    viewer_ids = [
        str(u.id) for u in s.scalars(select(User).where(User.username.in_([*VIEWER_NAMES, "secretchild"])))
    ]
    assert len(viewer_ids) == 3
    for text in pages:
        for secret in (*VIEWER_EMAILS, *VIEWER_NAMES, "secretchild", *viewer_ids, "Display secretviewer1"):
            assert secret not in text
    # No column of the impression counts or the repository can hold a viewer.
    inspector = inspect(s.get_bind())
    for table in ("ad_impression_count", "ad_repository_entry"):
        columns = {c["name"] for c in inspector.get_columns(table)}
        assert not columns & {"user_id", "viewer_id", "account_id", "session_id", "ip", "ip_address", "email"}
        foreign = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert "user_account" not in foreign
    # The only advertising table keyed by an account is the person's own settings, not what they saw.
    keyed = {
        t
        for t in ("advertiser", "ad_campaign", "ad_creative", "ad_impression_count", "ad_repository_entry")
        if any(
            fk["referred_table"] == "user_account" and "user_id" in fk["constrained_columns"]
            for fk in inspector.get_foreign_keys(t)
        )
    }
    assert keyed == {"advertiser"}  # the advertiser's own account
    assert count(s, AdImpressionCount) >= 2


@pytest.mark.law("LAW-64")
def test_ads_are_purged_a_year_after_they_were_last_shown(
    client: TestClient, session: Session, settings: Settings, db: Database
) -> None:
    spec = HANDLERS[PURGE_REPOSITORY_JOB]
    assert spec.every_seconds == 86400
    _show(client, session, settings)
    s = fresh(session)
    old, recent = s.scalars(select(AdRepositoryEntry).order_by(AdRepositoryEntry.advertiser_name)).all()
    old.first_shown_on = old.last_shown_on = today_in() - 366 * DAY
    recent.first_shown_on, recent.last_shown_on = today_in() - 400 * DAY, today_in() - 364 * DAY
    s.commit()
    old_creative, recent_id = old.creative_id, recent.id
    with db.transaction() as t:
        enqueue(t, PURGE_REPOSITORY_JOB, {"slot": "test"})
    run_due_jobs(db, settings)
    s = fresh(session)
    assert [e.id for e in s.scalars(select(AdRepositoryEntry))] == [recent_id]
    assert (
        s.scalars(select(AdImpressionCount).where(AdImpressionCount.creative_id == old_creative)).all() == []
    )
    assert (
        s.scalars(select(AdImpressionCount).where(AdImpressionCount.creative_id != old_creative)).all() != []
    )
    [run] = audit_of(s, "ad_repository:purge")
    assert run.data["deleted"] == 1 and run.actor_label == "system:ads"
    assert s.scalars(select(Job).where(Job.name == PURGE_REPOSITORY_JOB)).one().status == JobStatus.succeeded


@pytest.mark.law("LAW-64")
@pytest.mark.parametrize("role", [None, Role.user, Role.moderator, Role.auditor])
def test_the_repository_is_public(client: TestClient, session: Session, role: Role | None) -> None:
    if role is not None:
        person = make_user(session, role=role)
        session.commit()
        sign_in(client, session, person)
    for path in ("/ads/repository", "/api/v1/ads/repository", "/api/v1/ads/repository/sdaf.json"):
        assert client.get(path).status_code == 200


def _shown_once(session: Session, settings: Settings, db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    """A live untargeted ad shown once to a visitor; its creative id and repository entry id."""
    _a, _c, creative = live_ad(session, settings)
    session.commit()
    with db.transaction() as t:
        assert [c.creative.id for c in ads_service.ads_for(t, None, "en", 1)] == [creative.id]
    entry = (
        fresh(session)
        .scalars(select(AdRepositoryEntry).where(AdRepositoryEntry.creative_id == creative.id))
        .one()
    )
    return creative.id, entry.id


@pytest.mark.law("LAW-64")
def test_small_counts_by_region_and_age_band_are_published_as_under_ten(
    client: TestClient, session: Session, settings: Settings, db: Database
) -> None:
    creative_id, entry_id = _shown_once(session, settings, db)
    with db.transaction() as t:
        repo.count_impressions(t, creative_id, today_in(), "astana", "35-44", 12)
        repo.count_impressions(t, creative_id, today_in(), "almaty", "25-34", 9)
    regions = {"almaty": "<10", "astana": 12, "unspecified": "<10"}
    bands = {"25-34": "<10", "35-44": 12, "unspecified": "<10"}
    reach = client.get(f"/api/v1/ads/repository/{entry_id}").json()["reach"]
    assert reach == {"total_impressions": 22, "by_region": regions, "by_age_band": bands}  # total exact
    [listed] = client.get("/api/v1/ads/repository").json()["items"]
    assert listed["reach"] == reach
    [ad] = client.get(f"/api/v1/ads/repository/{entry_id}/sdaf.json").json()["ads"]
    assert ad["reach"] == {"total_impressions": 22, "by_region": regions, "by_age_band": bands}
    [ad] = client.get("/api/v1/ads/repository/sdaf.json").json()["ads"]
    assert ad["reach"]["by_region"] == regions
    html = client.get(f"/ads/repository/{entry_id}").text
    assert "<td>&lt;10</td>" in html and "<td>12</td>" in html and "<td>9</td>" not in html
    assert "<td>1</td>" not in html


@pytest.mark.law("LAW-64")
def test_the_entry_moves_on_in_one_upsert_and_is_made_again_after_a_purge(
    session: Session, settings: Settings, db: Database
) -> None:
    creative_id, entry_id = _shown_once(session, settings, db)
    later, earlier = today_in() + 3 * DAY, today_in() - 3 * DAY
    with db.transaction() as t:
        card = ads_service.card(t, ads_service.creative(t, creative_id))
        viewer = ads_service.viewer(t, None, "en")
        ads_service.record_impressions(t, [card], viewer, later)
        ads_service.record_impressions(t, [card], viewer, earlier)  # never moves back
    entry = fresh(session).get(AdRepositoryEntry, entry_id)
    assert entry is not None and (entry.first_shown_on, entry.last_shown_on) == (today_in(), later)
    assert count(fresh(session), AdRepositoryEntry) == 1
    # Purged (last shown over a year ago), then shown again: a new entry, not an ad outside the repository.
    with db.transaction() as t:
        old = t.get(AdRepositoryEntry, entry_id)
        assert old is not None
        old.first_shown_on = old.last_shown_on = today_in() - 400 * DAY
        t.flush()
        assert ads_service.purge_repository(t) == 1
        ads_service.record_impressions(t, [card], viewer, today_in())
    again = fresh(session).scalars(select(AdRepositoryEntry)).one()
    assert again.id != entry_id and (again.first_shown_on, again.last_shown_on) == (today_in(), today_in())
