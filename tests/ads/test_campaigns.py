"""Advertisers, campaigns and creatives (issue 10, item 1): an identity with a valid BIN or IIN, verified
before anything goes live; prices in tenge stored as integer tiyn (never floats); https landing pages; an
advertiser sees only their own campaigns; every change audited; bad input refused with a 4xx and nothing
written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.ads.service import ads_service
from senim.config import Settings
from senim.kit.clock import today_in
from senim.models import AuditRecord, Role
from senim.models.ads import AdCampaign, AdCreative, Advertiser
from tests.ads.helpers import (
    VALID_BIN,
    VALID_IIN,
    bad_check_digit,
    english,
    make_advertiser,
    make_campaign,
    reviewer,
    sign_in,
    sign_in_advertiser,
)
from tests.fixtures.builders import make_user
from tests.fixtures.content import png_bytes
from tests.fixtures.moderation import audit_of, count, fresh


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    english(client)  # the tests read English wording; pages default to Kazakh


def _campaign_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "Autumn menu",
        "budget_tenge": "50000.50",
        "cpm_tenge": 1500,
        "starts_on": today_in().isoformat(),
        "targeting": {"languages": ["kk", "ru"], "regions": ["almaty_city"]},
    }
    body.update(overrides)
    return body


@pytest.mark.law("LAW-59")
def test_a_legal_entity_registers_with_its_bin_and_waits_for_verification(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.commit()
    csrf = sign_in(client, session, user)
    page = client.get("/ads")
    assert page.status_code == 200
    answer = client.post(
        "/ads/advertiser",
        data={
            "csrf_token": csrf,
            "kind": "legal_entity",
            "legal_name": "Dala Coffee LLP",
            "number": VALID_BIN,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    advertiser = fresh(session).scalars(select(Advertiser)).one()
    assert (advertiser.status, advertiser.bin, advertiser.iin) == ("pending", VALID_BIN, None)
    [record] = audit_of(fresh(session), "advertiser:register")
    assert record.data["bin"] == VALID_BIN
    assert "Waiting for verification" in client.get("/ads").text


def test_an_individuals_iin_is_encrypted_and_never_audited_or_returned(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, session, user)
    answer = client.post(
        "/api/v1/ads/advertiser",
        json={"kind": "individual", "legal_name": "Aigerim Sadykova IE", "number": VALID_IIN},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["bin"] is None and VALID_IIN not in answer.text
    s = fresh(session)
    assert s.scalars(select(Advertiser)).one().iin == VALID_IIN  # decrypted by the column type
    raw = s.execute(select(func.count()).select_from(Advertiser).where(Advertiser.iin.is_not(None))).scalar()
    assert raw == 1
    stored = s.connection().exec_driver_sql("SELECT iin FROM advertiser").scalar()
    assert stored and VALID_IIN not in str(stored)
    assert all(VALID_IIN not in str(r.data) for r in s.scalars(select(AuditRecord)))


INVALID_IDENTITIES = (
    ("legal_entity", bad_check_digit(VALID_BIN)),
    ("legal_entity", VALID_IIN),  # an IIN is not a BIN
    ("individual", VALID_BIN),
    ("individual", "12345"),
    ("company", VALID_BIN),
)


def test_an_invalid_identity_is_refused_and_nothing_written(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, session, user)
    for kind, number in INVALID_IDENTITIES:
        answer = client.post(
            "/api/v1/ads/advertiser", json={"kind": kind, "legal_name": "X LLP", "number": number}
        )
        assert answer.status_code == 422, (kind, number)
    s = fresh(session)
    assert count(s, Advertiser) == 0
    assert audit_of(s, "advertiser:register") == []


def test_a_campaign_stores_prices_as_integer_tiyn(client: TestClient, session: Session) -> None:
    advertiser = make_advertiser(session)
    session.commit()
    sign_in_advertiser(client, session, advertiser)
    answer = client.post("/api/v1/ads/campaigns", json=_campaign_body())
    assert answer.status_code == 201, answer.text
    data = answer.json()
    assert (data["budget_tiyn"], data["budget_tenge"], data["cpm_tiyn"]) == (5_000_050, "50000.50", 150_000)
    campaign = fresh(session).scalars(select(AdCampaign)).one()
    assert isinstance(campaign.budget_tiyn, int) and campaign.budget_tiyn == 5_000_050
    assert campaign.targeting == {"languages": ["kk", "ru"], "regions": ["almaty_city"]}
    [record] = audit_of(fresh(session), "campaign:create")
    assert record.data["budget_tiyn"] == 5_000_050


BAD_CAMPAIGNS: tuple[dict[str, object], ...] = (
    {"budget_tenge": 50000.5},  # a float is never money
    {"budget_tenge": "12.345"},  # below a tiyn
    {"cpm_tenge": "-5"},
    {"cpm_tenge": "abc"},
    {"name": ""},
    {"ends_on": (today_in() - timedelta(days=3)).isoformat()},
    {"starts_on": (today_in() - timedelta(days=30)).isoformat()},
)


def test_bad_campaigns_are_refused_and_nothing_written(client: TestClient, session: Session) -> None:
    advertiser = make_advertiser(session)
    session.commit()
    sign_in_advertiser(client, session, advertiser)
    for change in BAD_CAMPAIGNS:
        answer = client.post("/api/v1/ads/campaigns", json=_campaign_body(**change))
        assert answer.status_code == 422, (change, answer.text)
    s = fresh(session)
    assert count(s, AdCampaign) == 0
    assert audit_of(s, "campaign:create") == []


def test_no_campaign_without_an_advertiser_identity(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    sign_in(client, session, user)
    assert client.post("/api/v1/ads/campaigns", json=_campaign_body()).status_code == 403
    assert count(fresh(session), AdCampaign) == 0


def test_campaign_form_and_creative_with_an_image(
    client: TestClient, session: Session, settings: Settings
) -> None:
    advertiser = make_advertiser(session)
    session.commit()
    csrf = sign_in_advertiser(client, session, advertiser)
    answer = client.post(
        "/ads/campaigns",
        data={
            "csrf_token": csrf,
            "name": "Winter",
            "budget": "10000",
            "cpm": "800,50",
            "starts_on": today_in().isoformat(),
            "languages": ["kk"],
            "age_bands": ["25-34", "35-44"],
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    campaign = fresh(session).scalars(select(AdCampaign)).one()
    assert campaign.cpm_tiyn == 80_050 and campaign.targeting == {
        "age_bands": ["25-34", "35-44"],
        "languages": ["kk"],
    }
    answer = client.post(
        f"/ads/campaigns/{campaign.id}/creatives",
        data={"csrf_token": csrf, "headline": "Hot chocolate", "body": "", "landing_url": "https://dala.kz/"},
        files={"images": ("a.png", png_bytes(), "image/png")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    creative = fresh(session).scalars(select(AdCreative)).one()
    assert creative.status == "pending" and creative.image_key and creative.image_content_type == "image/png"
    assert (settings.media_dir / creative.image_key).is_file()
    assert [r.tag for r in audit_of(fresh(session), "creative:submit")] == ["creative:submit"]
    # Not public before it is approved; public once it is.
    client.cookies.clear()
    english(client)
    assert client.get(f"/ads/creatives/{creative.id}/image").status_code == 404
    ads_service.approve_creative(session, reviewer(session), creative.id)
    session.commit()
    image = client.get(f"/ads/creatives/{creative.id}/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"


def test_landing_pages_must_be_https(client: TestClient, session: Session) -> None:
    advertiser = make_advertiser(session)
    campaign = make_campaign(session, advertiser)
    session.commit()
    sign_in_advertiser(client, session, advertiser)
    for url in (
        "http://dala.kz/",
        "ftp://dala.kz/",
        "javascript:alert(1)",
        "https://localhost/",
        "dala.kz",
        "",
    ):
        answer = client.post(
            f"/api/v1/ads/campaigns/{campaign.id}/creatives", json={"headline": "Coffee", "landing_url": url}
        )
        assert answer.status_code == 422, url
    assert count(fresh(session), AdCreative) == 0


def test_an_advertiser_sees_only_their_own_campaigns(client: TestClient, session: Session) -> None:
    mine = make_advertiser(session)
    theirs = make_advertiser(session, name="Other LLP")
    their_campaign = make_campaign(session, theirs)
    session.commit()
    csrf = sign_in_advertiser(client, session, mine)
    assert client.get(f"/ads/campaigns/{their_campaign.id}").status_code == 404
    assert client.get(f"/api/v1/ads/campaigns/{their_campaign.id}").status_code == 404
    assert client.get("/api/v1/ads/campaigns").json() == []
    stop = client.post(f"/ads/campaigns/{their_campaign.id}/stop", data={"csrf_token": csrf})
    assert stop.status_code == 404
    assert fresh(session).get(AdCampaign, their_campaign.id).status == "active"  # type: ignore[union-attr]


def test_the_advertiser_stops_a_campaign(client: TestClient, session: Session) -> None:
    advertiser = make_advertiser(session)
    campaign = make_campaign(session, advertiser)
    session.commit()
    csrf = sign_in_advertiser(client, session, advertiser)
    answer = client.post(
        f"/ads/campaigns/{campaign.id}/stop", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert fresh(session).get(AdCampaign, campaign.id).status == "stopped"  # type: ignore[union-attr]
    assert len(audit_of(fresh(session), "campaign:stop")) == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.user, 200),
        (Role.ads_reviewer, 403),
        (Role.administrator, 403),
        (Role.moderator, 403),
        (Role.auditor, 403),
        (None, 401),
    ],
)
def test_advertiser_pages_are_for_users(
    client: TestClient, session: Session, role: Role | None, status: int
) -> None:
    if role is not None:
        person = make_user(session, role=role)
        session.commit()
        sign_in(client, session, person)
    assert client.get("/ads").status_code == status
    assert client.get("/api/v1/ads/campaigns").status_code == status
