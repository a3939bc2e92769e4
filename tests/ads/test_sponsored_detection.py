"""Probable unmarked advertising (issue 10, item 4): the detector's table in Kazakh, Russian and English,
and what happens to an unmarked post that looks like an ad — a detection signal, an in-app notice to its
author with a link to mark it, a prompt on the post page for the author only — and what never happens:
the post is not hidden or removed."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.ads import sponsored
from senim.ads.sponsored import sponsored_service
from senim.ads.sponsored_policy import Marking
from senim.content.service import content_service
from senim.detection.advertising import AdReason, ad_reasons, find_ad_hints, looks_like_ad
from senim.detection.rules import RuleSpec
from senim.detection.service import detection_service
from senim.models import (
    AuditRecord,
    ContentItem,
    DetectionRule,
    DetectionRuleVersion,
    ItemStatus,
    Job,
    Notification,
    Signal,
)
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import login_as, make_post

PROMPT = "This looks like an advertisement: mark it."


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    client.cookies.set("senim_lang", "en")


# --- the detector ------------------------------------------------------------------------------------
@pytest.mark.law("LAW-65")
@pytest.mark.law("LAW-68")
@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        # Russian
        ("Промокод ANNA15 даёт скидку 10%", {AdReason.promo_code}),
        ("промокод: SALE20", {AdReason.promo_code}),
        ("Скидка по ссылке в профиле!", {AdReason.promo_phrase}),
        ("Переходи по ссылке в профиле и заказывай", {AdReason.promo_phrase}),
        ("Заказывайте по моему коду LENA7", {AdReason.promo_phrase, AdReason.promo_code}),
        ("Ссылка в шапке профиля", {AdReason.promo_phrase}),
        ("Моя партнёрская ссылка тут", {AdReason.promo_phrase}),
        # Kazakh
        ("Жеңілдік коды: AIGUL10", {AdReason.promo_code}),
        ("Профильдегі сілтеме арқылы тапсырыс беріңіз", {AdReason.promo_phrase}),
        ("Менің промокодым DANA5 бар", {AdReason.promo_phrase, AdReason.promo_code}),
        ("Сілтеме бойынша өтіңіз, жеңілдік бар", {AdReason.promo_phrase}),
        # English
        ("Link in bio!", {AdReason.promo_phrase}),
        ("Use my code ANNA15 at checkout", {AdReason.promo_phrase, AdReason.promo_code}),
        ("Get 20% off with promo code SPRING", {AdReason.promo_code}),
        ("#ad my new headphones", {AdReason.promo_phrase}),
        # Links
        (
            "Buy here: https://shop.example.kz/item?utm_source=insta&utm_medium=post",
            {AdReason.affiliate_link},
        ),
        ("https://kaspi.kz/shop/p/phone-123/?c=750000000&ref=shared_link", {AdReason.affiliate_link}),
        ("shop.example.com/?aff=anna", {AdReason.affiliate_link}),
        ("https://s.click.aliexpress.com/e/_DdAbc", {AdReason.affiliate_link}),
        ("amzn.to/3xYz", {AdReason.affiliate_link}),
        ("Тут: bit.ly/3abcd", {AdReason.short_link}),
        ("https://clck.ru/36abc", {AdReason.short_link}),
        # Not advertising
        ("Сегодня хорошая погода в Алматы", set()),
        ("Бүгін Алматыда ауа райы жақсы", set()),
        ("I wrote some code at work today", set()),
        ("The COVID19 pandemic is over", set()),
        ("Введите код ИИН в форму", set()),
        ("Read the docs at https://docs.python.org/3/library/re.html", set()),
        ("https://github.com/python/cpython/pull/1?tab=files", set()),
        ("Write to anna@bit.ly.example", set()),
        ("Скидки на хлеб в магазине у дома", set()),
        ("Сілтеме жоқ", set()),
        ("", set()),
    ],
)
def test_the_detector_finds_probable_advertising(text: str, reasons: set[AdReason]) -> None:
    assert set(ad_reasons(text)) == reasons
    assert looks_like_ad(text) is bool(reasons)


def test_every_hint_points_at_the_words_that_show_it() -> None:
    text = "Привет! Промокод ANNA15, а ещё link in bio и bit.ly/x1"
    hints = find_ad_hints(text)
    assert [text[h.start : h.end] for h in hints] == [h.text for h in hints]
    assert [h.text for h in hints] == ["Промокод", "link in bio", "bit.ly/x1"]
    assert hints[0].evidence() == {"start": 8, "end": 16, "matcher": "ads:promo_code"}


def test_the_built_in_rule_spec_is_a_valid_rule() -> None:
    spec = RuleSpec.model_validate(sponsored.RULE_SPEC)
    assert spec.category == "unlawful.advertising"


# --- the prompt to mark ------------------------------------------------------------------------------
def _publish(client: TestClient, body: str) -> uuid.UUID:
    home = client.get("/")
    r = client.post("/posts", data={"body": body, "csrf_token": csrf_from(home.text)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return uuid.UUID(r.headers["location"].split("/")[2][:36])


def _notices(session: Session, user_id: uuid.UUID) -> list[Notification]:
    session.expire_all()
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)))


def _ad_signals(session: Session, item_id: uuid.UUID) -> list[Signal]:
    session.expire_all()
    return sponsored_service.signals_of(session, item_id)


@pytest.mark.law("LAW-65")
@pytest.mark.law("LAW-68")
@pytest.mark.law("LAW-72")
def test_an_unmarked_promo_post_asks_its_author_to_mark_it_and_stays_visible(
    client: TestClient, session: Session
) -> None:
    author, reader = make_user(session), make_user(session)
    session.commit()
    login_as(client, author)
    post_id = _publish(client, "Новая коллекция! Промокод ANNA15, ссылка в профиле")
    item = session.get(ContentItem, post_id)
    assert item is not None and item.status == ItemStatus.visible and item.sponsored_label is None
    # A signal: category, rule, evidence spans, what it did.
    [signal] = _ad_signals(session, post_id)
    assert (signal.category, signal.action, signal.shadow, signal.score) == (
        "unlawful.advertising",
        "prompt_author",
        False,
        1.0,
    )
    assert {e["matcher"] for e in signal.evidence} == {"ads:promo_code", "ads:promo_phrase"}
    rule = session.get(DetectionRule, signal.rule_id)
    assert rule is not None and (rule.name, rule.status) == ("ads.unmarked", "draft")
    [record] = session.scalars(select(AuditRecord).where(AuditRecord.tag == "signal:record")).all()
    assert record.target_id == str(signal.id) and record.data["reasons"] == ["promo_code", "promo_phrase"]
    # The notice, in-app only (no e-mail job), linking to the marking form.
    [notice] = _notices(session, author.id)
    assert notice.kind == sponsored.POST_NOTICE and notice.link == f"/p/{post_id}/sponsored"
    assert session.scalars(select(Job).where(Job.name == "notification.send_email")).all() == []
    assert "looks like an advertisement" in client.get("/notifications").text
    # The prompt on the post page, for the author.
    page = client.get(f"/p/{post_id}").text
    assert PROMPT in page and f'href="/p/{post_id}/sponsored"' in page
    assert "It mentions a promo or discount code." in page
    form = client.get(f"/p/{post_id}/sponsored").text
    assert "This looks like an advertisement." in form
    # Not for other readers, who still see the post.
    login_as(client, reader)
    page = client.get(f"/p/{post_id}").text
    assert PROMPT not in page and "Промокод ANNA15" in page
    # Marked: the prompt is gone.
    csrf = login_as(client, author)
    r = client.post(
        f"/p/{post_id}/sponsored",
        data={"sponsored_label": "Реклама", "sponsor_name": "Fashion LLP", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert PROMPT not in client.get(f"/p/{post_id}").text


@pytest.mark.law("LAW-68")
def test_a_marked_or_ordinary_post_is_not_flagged(client: TestClient, session: Session) -> None:
    author = make_user(session)
    ordinary = make_post(session, author, "Бүгін Алматыда ауа райы жақсы")
    marked = content_service.create_post(
        session, author, body="Промокод ANNA15", sponsored=Marking("Жарнама", "Brand")
    )
    session.commit()
    assert _ad_signals(session, ordinary.id) == [] and _ad_signals(session, marked.id) == []
    assert _notices(session, author.id) == []
    login_as(client, author)
    assert PROMPT not in client.get(f"/p/{ordinary.id}").text
    assert PROMPT not in client.get(f"/p/{marked.id}").text


@pytest.mark.law("LAW-68")
def test_an_edit_that_adds_a_promo_code_asks_once(client: TestClient, session: Session) -> None:
    author = make_user(session)
    post = make_post(session, author, "My new sneakers")
    session.commit()
    login_as(client, author)
    for body in ("My new sneakers, use my code ANNA15", "My new sneakers, promo code ANNA15"):
        r = client.patch(f"/api/v1/posts/{post.id}", json={"body": body})
        assert r.status_code == 200
    assert len(_ad_signals(session, post.id)) == 2  # each flagged text is on record
    assert len(_notices(session, author.id)) == 1  # the author is asked once


@pytest.mark.law("LAW-68")
def test_marking_while_editing_does_not_prompt(client: TestClient, session: Session) -> None:
    author = make_user(session)
    post = make_post(session, author, "My new sneakers")
    session.commit()
    login_as(client, author)
    r = client.patch(
        f"/api/v1/posts/{post.id}",
        json={"body": "Promo code ANNA15", "sponsored": {"label": "Реклама", "sponsor_name": "Shoes LLP"}},
    )
    assert r.status_code == 200 and r.json()["sponsored"]["label"] == "Реклама"
    assert _ad_signals(session, post.id) == [] and _notices(session, author.id) == []


@pytest.mark.law("LAW-68")
def test_an_unmarked_promo_comment_asks_its_author(client: TestClient, session: Session) -> None:
    author, commenter = make_user(session), make_user(session)
    post = make_post(session, author, "Where to buy a kettle?")
    session.commit()
    login_as(client, commenter)
    r = client.post(f"/api/v1/posts/{post.id}/comments", json={"body": "Жеңілдік коды: AIGUL10"})
    assert r.status_code == 201
    comment_id = uuid.UUID(r.json()["id"])
    assert len(_ad_signals(session, comment_id)) == 1
    [notice] = _notices(session, commenter.id)
    assert notice.kind == sponsored.COMMENT_NOTICE and notice.link == f"/p/{comment_id}/sponsored"
    assert _notices(session, author.id) == []
    assert client.get(f"/p/{comment_id}/sponsored").status_code == 200


def test_the_rule_engine_does_not_run_the_built_in_rule_again(session: Session) -> None:
    author = make_user(session)
    post = make_post(session, author, "link in bio")
    session.flush()
    [signal] = _ad_signals(session, post.id)
    versions = session.scalars(
        select(DetectionRuleVersion).where(DetectionRuleVersion.rule_id == signal.rule_id)
    )
    assert [v.spec for v in versions] == [sponsored.RULE_SPEC]
    assert detection_service.scan_item(session, post.id) == []
    assert len(_ad_signals(session, post.id)) == 1
