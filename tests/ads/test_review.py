"""Review by ads reviewers (issue 10, item 1; LAW-57, 70, 72): advertisers are verified and creatives
approved before anything goes live; the keyword and domain screen pre-flags prohibited ads for the
reviewer; a refusal states the prohibited category, its law and reasons the advertiser sees; ``ads:read``
looks, only ``ads:review`` decides; every decision audited and the advertiser told."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.ads.errors import SelfReview
from senim.ads.service import ads_service
from senim.config import Settings
from senim.content import media as media_files
from senim.models import Notification, Role
from senim.models.ads import AdCreative, Advertiser, CreativeStatus
from tests.ads.helpers import (
    english,
    make_advertiser,
    make_campaign,
    make_creative,
    reviewer,
    shown_ads,
    sign_in,
    sign_in_advertiser,
)
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_post, png_bytes
from tests.fixtures.moderation import audit_of, fresh


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    english(client)  # the tests read English wording; pages default to Kazakh


def _pending(session: Session, settings: Settings, **overrides: str) -> AdCreative:
    advertiser = make_advertiser(session)
    return make_creative(session, settings, make_campaign(session, advertiser), approved=False, **overrides)


PROHIBITED = (
    ("Best online casino bonus", "https://win.kz/", "gambling"),
    ("Jackpot every day", "https://play.1xbet.kz/", "gambling"),
    ("Новые вейпы со скидкой", "https://shop.kz/", "tobacco"),
    ("Водка к празднику", "https://shop.kz/", "alcohol"),
    ("Пистолеты и патроны", "https://shop.kz/", "weapons"),
    ("Гарантированный доход 30% в месяц", "https://invest.kz/", "pyramid"),
    ("Антибиотики без рецепта", "https://apteka.kz/", "medicines"),
)


@pytest.mark.law("LAW-70")
def test_the_screen_pre_flags_prohibited_ads_for_the_reviewer(
    client: TestClient, session: Session, settings: Settings
) -> None:
    creatives = [_pending(session, settings, headline=h, landing_url=u) for h, u, _c in PROHIBITED]
    staff = reviewer(session)
    session.commit()
    for creative, (_h, _u, category) in zip(creatives, PROHIBITED, strict=True):
        assert category in {f["category"] for f in creative.flags}, creative.headline
    sign_in(client, session, staff)
    queue = client.get("/console/ads")
    assert queue.status_code == 200
    assert all(h in queue.text for h, _u, _c in PROHIBITED)
    page = client.get(f"/console/ads/creatives/{creatives[0].id}")
    assert page.status_code == 200 and "Flagged by the screen" in page.text and "casino" in page.text


def test_a_clean_ad_is_not_flagged(session: Session, settings: Settings) -> None:
    assert _pending(session, settings, headline="Fresh coffee in Almaty").flags == []


@pytest.mark.law("LAW-57")
@pytest.mark.law("LAW-70")
def test_a_refusal_states_the_category_law_and_reasons_to_the_advertiser(
    client: TestClient, session: Session, settings: Settings
) -> None:
    creative = _pending(session, settings, headline="Online casino: 100 free spins")
    staff = reviewer(session)
    session.commit()
    csrf = sign_in(client, session, staff)
    answer = client.post(
        f"/console/ads/creatives/{creative.id}/decide",
        data={
            "csrf_token": csrf,
            "decision": "refuse",
            "category": "gambling",
            "reason": "Internet casinos may not be advertised in Kazakhstan.",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    s = fresh(session)
    row = s.get(AdCreative, creative.id)
    assert row is not None
    assert (row.status, row.refusal_category, row.reviewed_by_id) == ("refused", "gambling", staff.id)
    [record] = audit_of(s, "creative:refuse")
    assert record.data["category"] == "gambling" and "Art. 6(6)" in record.data["law"]
    advertiser = s.scalars(select(Advertiser)).one()
    notices = s.scalars(select(Notification).where(Notification.user_id == advertiser.user_id)).all()
    assert any("Internet casinos may not be advertised" in str(n.params) for n in notices)
    sign_in_advertiser(client, session, advertiser)
    page = client.get(f"/ads/campaigns/{row.campaign_id}")
    assert "Internet casinos may not be advertised in Kazakhstan." in page.text
    assert "Electronic or internet casinos and unlicensed gambling or betting" in page.text
    assert "Advertising Law Art. 6(6)" in page.text
    assert client.get(f"/api/v1/ads/campaigns/{row.campaign_id}").json()["creatives"][0]["refusal_law"]


def test_a_refusal_without_ground_or_reasons_is_refused(
    client: TestClient, session: Session, settings: Settings
) -> None:
    creative = _pending(session, settings)
    staff = reviewer(session)
    session.commit()
    csrf = sign_in(client, session, staff)
    for data in (
        {"category": "", "reason": "No."},
        {"category": "gambling", "reason": ""},
        {"category": "x"},
    ):
        answer = client.post(
            f"/console/ads/creatives/{creative.id}/decide",
            data={"csrf_token": csrf, "decision": "refuse", **data},
        )
        assert answer.status_code == 422, data
    assert fresh(session).get(AdCreative, creative.id).status == "pending"  # type: ignore[union-attr]
    assert audit_of(fresh(session), "creative:refuse") == []


def test_nothing_goes_live_before_review_and_verification(
    client: TestClient, session: Session, settings: Settings
) -> None:
    advertiser = make_advertiser(session, verified=False)
    creative = make_creative(session, settings, make_campaign(session, advertiser), approved=False)
    author = make_user(session)
    for i in range(5):
        make_post(session, author, f"Post {i}")
    staff = reviewer(session)
    session.commit()
    assert shown_ads(client.get("/").text) == []
    csrf = sign_in(client, session, staff)
    approve = {"csrf_token": csrf, "decision": "approve"}
    # An ad of an advertiser not verified yet is not approved: an approved ad is public.
    refused = client.post(f"/console/ads/creatives/{creative.id}/decide", data=approve)
    assert refused.status_code == 409 and "Verify the advertiser" in refused.text
    assert fresh(session).get(AdCreative, creative.id).status == "pending"  # type: ignore[union-attr]
    assert audit_of(fresh(session), "creative:approve") == []
    verify = {"csrf_token": csrf, "decision": "verify"}
    assert client.post(f"/console/ads/advertisers/{advertiser.id}/decide", data=verify).status_code == 200
    client.cookies.clear()
    english(client)
    assert shown_ads(client.get("/").text) == []  # verified, but the ad is not approved yet
    csrf = sign_in(client, session, staff)
    approve = {"csrf_token": csrf, "decision": "approve"}
    assert client.post(f"/console/ads/creatives/{creative.id}/decide", data=approve).status_code == 200
    client.cookies.clear()
    english(client)
    assert shown_ads(client.get("/").text) == [str(creative.id)]
    s = fresh(session)
    assert [r.tag for r in audit_of(s, "creative:approve")] == ["creative:approve"]
    assert [r.tag for r in audit_of(s, "advertiser:verify")] == ["advertiser:verify"]
    # Decided once: a second decision is a conflict and changes nothing.
    csrf = sign_in(client, session, staff)
    again = client.post(f"/console/ads/creatives/{creative.id}/decide", data={**approve, "csrf_token": csrf})
    assert again.status_code == 409


@pytest.mark.parametrize("decision", ["verify", "refuse"])
def test_a_reviewer_never_reviews_their_own_advertiser_identity(
    client: TestClient, session: Session, decision: str
) -> None:
    staff = reviewer(session)
    advertiser = make_advertiser(session, staff, verified=False)
    session.commit()
    csrf = sign_in(client, session, staff)
    data = {"csrf_token": csrf, "decision": decision, "reason": "Looks fine to me."}
    answer = client.post(f"/console/ads/advertisers/{advertiser.id}/decide", data=data)
    assert answer.status_code == 403
    assert fresh(session).get(Advertiser, advertiser.id).status == "pending"  # type: ignore[union-attr]
    assert audit_of(fresh(session), f"advertiser:{decision}") == []


@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_a_reviewer_never_reviews_their_own_ads(
    client: TestClient, session: Session, settings: Settings, decision: str
) -> None:
    staff = reviewer(session)
    advertiser = make_advertiser(session, staff, verified=False)
    ads_service.verify_advertiser(session, reviewer(session), advertiser.id)  # by a colleague
    creative = make_creative(session, settings, make_campaign(session, advertiser), approved=False)
    session.commit()
    csrf = sign_in(client, session, staff)
    data = {"csrf_token": csrf, "decision": decision, "category": "other", "reason": "Fine."}
    answer = client.post(f"/console/ads/creatives/{creative.id}/decide", data=data)
    assert answer.status_code == 403
    assert fresh(session).get(AdCreative, creative.id).status == "pending"  # type: ignore[union-attr]
    assert audit_of(fresh(session), f"creative:{decision}") == []
    with pytest.raises(SelfReview):
        ads_service.approve_creative(session, staff, creative.id)


def test_an_approved_ad_of_an_unverified_advertiser_is_not_public(
    client: TestClient, session: Session, settings: Settings
) -> None:
    """Approved before the rule (or by hand): neither its image nor "Why am I seeing this ad?" is public
    until its advertiser is verified or the ad is in the repository."""
    advertiser = make_advertiser(session, verified=False)
    creative = make_creative(
        session,
        settings,
        make_campaign(session, advertiser),
        approved=False,
        images=[media_files.prepare_image(png_bytes(), max_bytes=10**6, max_pixels=10**6)],
    )
    creative.status = CreativeStatus.approved
    session.commit()
    assert client.get(f"/ads/why/{creative.id}").status_code == 404
    assert client.get(f"/ads/creatives/{creative.id}/image").status_code == 404
    ads_service.verify_advertiser(session, reviewer(session), advertiser.id)
    session.commit()
    assert client.get(f"/ads/why/{creative.id}").status_code == 200
    assert client.get(f"/ads/creatives/{creative.id}/image").status_code == 200


def test_a_refused_advertiser_sees_the_reasons_and_may_correct(
    client: TestClient, session: Session, settings: Settings
) -> None:
    advertiser = make_advertiser(session, verified=False)
    staff = reviewer(session)
    session.commit()
    csrf = sign_in(client, session, staff)
    page = client.get(f"/console/ads/advertisers/{advertiser.id}")
    assert page.status_code == 200 and "Dala Coffee LLP" in page.text
    refuse = {"csrf_token": csrf, "decision": "refuse", "reason": "The name does not match the register."}
    assert client.post(f"/console/ads/advertisers/{advertiser.id}/decide", data=refuse).status_code == 200
    assert fresh(session).get(Advertiser, advertiser.id).status == "refused"  # type: ignore[union-attr]
    assert len(audit_of(fresh(session), "advertiser:refuse")) == 1
    sign_in_advertiser(client, session, advertiser)
    home = client.get("/ads").text
    assert "The name does not match the register." in home and 'action="/ads/advertiser"' in home


@pytest.mark.parametrize(
    ("role", "read", "decide"),
    [
        (Role.ads_reviewer, 200, 303),
        (Role.administrator, 200, 403),
        (Role.auditor, 200, 403),
        (Role.moderator, 403, 403),
        (Role.user, 403, 403),
        (None, 401, 401),
    ],
)
def test_console_permissions(
    client: TestClient, session: Session, settings: Settings, role: Role | None, read: int, decide: int
) -> None:
    creative = _pending(session, settings)
    csrf = ""
    if role is not None:
        person = make_user(session, role=role)
        session.commit()
        csrf = sign_in(client, session, person)
    session.commit()
    assert client.get("/console/ads").status_code == read
    assert client.get(f"/console/ads/creatives/{creative.id}").status_code == read
    answer = client.post(
        f"/console/ads/creatives/{creative.id}/decide",
        data={"csrf_token": csrf, "decision": "approve"},
        follow_redirects=False,
    )
    assert answer.status_code == decide
    assert fresh(session).get(AdCreative, creative.id).status == (  # type: ignore[union-attr]
        "approved" if decide == 303 else "pending"
    )
