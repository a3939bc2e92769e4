"""Sponsored posts (issue 10, item 4): authors mark paid posts and comments with a wording the law allows
and name the sponsor, through the web forms and the API; the marking is shown above the text on the post
page and in the feed; a wrong wording is refused with nothing written; every change is audited."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account.policy import TOKEN_SCOPES
from senim.account.service import account_service
from senim.ads import sponsored_policy
from senim.ads.sponsored_policy import (
    Marking,
    MarkingRefused,
    canonical_label,
    marking_problems,
    read_marking,
)
from senim.audit import Actor
from senim.content.service import content_service
from senim.models import AuditRecord, ContentItem, LegalHold, Role, Signal
from senim.models.account import TOKEN_ONLY_ROLES
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import counts, login_as, make_post, png_bytes
from tests.fixtures.moderation import make_person, sign_in

BIN = "040140000018"  # 12 digits, April 2004, a legal entity, valid check digit
MARK = {"label": "Жарнама", "sponsor_name": "Kaspi Bank", "sponsor_bin": BIN}
# The wordings as law-requirements.md lists them for LAW-66, lower case as there.
LAW_KK = (
    "жарнама",
    "жарнамалық материал",
    "серіктестік материал",
    "демеушілік материал",
    "жарнама құқығында",
    "демеушімен төленген",
    "pr құқығында",
)
LAW_RU = (
    "реклама",
    "рекламный материал",
    "партнерский материал",
    "спонсорский материал",
    "на правах рекламы",
    "оплачено спонсором",
    "на правах pr",
)


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    client.cookies.set("senim_lang", "en")


def _item(session: Session, item_id: str | uuid.UUID) -> ContentItem:
    session.expire_all()
    item = session.get(ContentItem, uuid.UUID(str(item_id)))
    assert item is not None
    return item


def _audit(session: Session, tag: str = "content:mark_sponsored") -> list[AuditRecord]:
    session.expire_all()
    return list(session.scalars(select(AuditRecord).where(AuditRecord.tag == tag).order_by(AuditRecord.seq)))


def _post_id(location: str) -> uuid.UUID:
    match = re.match(r"^/p/([0-9a-f-]{36})", location)
    assert match, location
    return uuid.UUID(match.group(1))


def _label_block(html: str) -> str:
    match = re.search(r'<p class="sponsored-label" role="note">(.*?)</p>', html, re.S)
    assert match, "no advertising marking on the page"
    return " ".join(match.group(1).split())


# --- the allowed wordings (policy) -------------------------------------------------------------------
@pytest.mark.law("LAW-66")
def test_the_allowed_wordings_are_exactly_those_the_law_lists() -> None:
    assert tuple(label.casefold() for label in sponsored_policy.KAZAKH_LABELS) == LAW_KK
    assert tuple(label.casefold() for label in sponsored_policy.RUSSIAN_LABELS) == LAW_RU
    assert sponsored_policy.ALLOWED_LABELS == sponsored_policy.KAZAKH_LABELS + sponsored_policy.RUSSIAN_LABELS


@pytest.mark.law("LAW-66")
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Жарнама", "Жарнама"),
        ("жарнама", "Жарнама"),
        ("  ЖАРНАМА  ҚҰҚЫҒЫНДА ", "Жарнама құқығында"),
        ("«Реклама»", "Реклама"),
        ("#реклама", "Реклама"),
        ("на правах рекламы", "На правах рекламы"),
        ("Партнёрский материал", "Партнерский материал"),
        ("на правах pr", "На правах PR"),
        ("Демеушімен төленген", "Демеушімен төленген"),
        ("Sponsored", None),
        ("Ad", None),
        ("Серіктестік жарнама", None),  # not among the wordings the law lists
        ("Рекламка", None),
        ("", None),
        (None, None),
    ],
)
def test_a_typed_wording_is_read_as_the_listed_one(typed: str | None, stored: str | None) -> None:
    assert canonical_label(typed) == stored


@pytest.mark.law("LAW-62")
@pytest.mark.parametrize(
    ("label", "name", "bin_", "problems"),
    [
        ("Реклама", "ТОО Ромашка", "", []),
        ("Реклама", "ТОО Ромашка", BIN, []),
        ("Реклама", "ТОО Ромашка", "0401 4000 0018", []),
        ("", "", "", []),
        (None, None, None, []),
        ("Реклама", "", "", [sponsored_policy.NO_SPONSOR]),
        ("Реклама", "   ", "", [sponsored_policy.NO_SPONSOR]),
        ("", "ТОО Ромашка", "", [sponsored_policy.NO_LABEL]),
        ("Sponsored", "ТОО Ромашка", "", [sponsored_policy.BAD_LABEL]),
        ("Реклама", "x" * 201, "", [sponsored_policy.LONG_SPONSOR]),
        ("Реклама", "ТОО Ромашка", "040140000019", [sponsored_policy.BAD_BIN]),
        ("Реклама", "ТОО Ромашка", "12345", [sponsored_policy.BAD_BIN]),
        ("Ad", "", "1", [sponsored_policy.BAD_LABEL, sponsored_policy.NO_SPONSOR, sponsored_policy.BAD_BIN]),
    ],
)
def test_marking_problems(label: str | None, name: str | None, bin_: str | None, problems: list[str]) -> None:
    assert marking_problems(label, name, bin_) == problems


def test_read_marking_tidies_what_it_keeps() -> None:
    assert read_marking("реклама", "  ТОО   Ромашка ", "0401 4000 0018") == Marking(
        "Реклама", "ТОО Ромашка", BIN
    )
    assert read_marking("", "", "") is None
    with pytest.raises(MarkingRefused) as refused:
        read_marking("Sponsored", "", "")
    assert refused.value.problems == [sponsored_policy.BAD_LABEL, sponsored_policy.NO_SPONSOR]


def test_the_language_of_a_wording() -> None:
    assert {sponsored_policy.label_language(w) for w in sponsored_policy.KAZAKH_LABELS} == {"kk"}
    assert {sponsored_policy.label_language(w) for w in sponsored_policy.RUSSIAN_LABELS} == {"ru"}


# --- the web forms -----------------------------------------------------------------------------------
@pytest.mark.law("LAW-62")
@pytest.mark.law("LAW-65")
@pytest.mark.law("LAW-66")
def test_a_post_marked_through_the_form_shows_its_marking_on_the_page_and_in_the_feed(
    client: TestClient, session: Session
) -> None:
    author, reader = make_user(session), make_user(session)
    session.commit()
    login_as(client, author)
    home = client.get("/")
    assert 'name="sponsored_label"' in home.text and "На правах рекламы" in home.text
    r = client.post(
        "/posts",
        data={
            "body": "Our new café opens today. Промокод ANNA15",
            "sponsored_label": "Жарнама",
            "sponsor_name": "Kaspi Bank",
            "sponsor_bin": BIN,
            "csrf_token": csrf_from(home.text),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    item = _item(session, _post_id(r.headers["location"]))
    assert (item.sponsored_label, item.sponsor_name, item.sponsor_bin) == ("Жарнама", "Kaspi Bank", BIN)
    [rec] = _audit(session)
    assert rec.actor_id == author.id and rec.target_id == str(item.id)
    assert rec.data["via"] == "create" and rec.data["before"] is None
    assert rec.data["after"] == {"label": "Жарнама", "sponsor_name": "Kaspi Bank", "sponsor_bin": BIN}
    # Marked: no prompt, no signal.
    assert session.scalars(select(Signal).where(Signal.item_id == item.id)).all() == []
    login_as(client, reader)
    for path in (f"/p/{item.id}", "/"):
        page = client.get(path).text
        block = _label_block(page)
        assert "Жарнама" in block and 'Sponsor: <span class="sponsor">Kaspi Bank</span>' in block
        assert '<strong class="ad-mark" lang="kk">Жарнама</strong>' in block
        assert f"BIN {BIN}" in block
        # Above the text: the marking comes first in the post's card.
        card = page[page.index(f'id="post-{item.id}"') :]
        assert card.index("sponsored-label") < card.index("Our new café opens today")
    assert "This looks like an advertisement" not in client.get(f"/p/{item.id}").text


@pytest.mark.law("LAW-66")
@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"sponsored_label": "Sponsored", "sponsor_name": "Kaspi Bank"},
            "Choose one of the markings the law",
        ),
        ({"sponsored_label": "Реклама", "sponsor_name": ""}, "Name the sponsor"),
        ({"sponsored_label": "Реклама", "sponsor_name": "Kaspi", "sponsor_bin": "123"}, "BIN is 12 digits"),
    ],
)
def test_the_form_refuses_a_wrong_marking_and_writes_nothing(
    client: TestClient, session: Session, fields: dict[str, str], problem: str
) -> None:
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    before, audits = counts(session), len(_audit(session, "post:create"))
    r = client.post("/posts", data={"body": "Paid words", "csrf_token": csrf, **fields})
    assert r.status_code == 422
    assert problem in r.text
    assert ">Paid words</textarea>" in r.text  # what was typed is kept
    assert counts(session) == before
    assert len(_audit(session, "post:create")) == audits and _audit(session) == []


@pytest.mark.law("LAW-62")
@pytest.mark.law("LAW-66")
def test_a_comment_marked_through_the_form_shows_its_marking(client: TestClient, session: Session) -> None:
    author, commenter = make_user(session), make_user(session)
    post = make_post(session, author, "What should I buy?")
    session.commit()
    csrf = login_as(client, commenter)
    page = client.get(f"/p/{post.id}").text
    assert 'id="comment-sponsored-label"' in page
    r = client.post(
        f"/p/{post.id}/comments",
        data={
            "body": "This phone!",
            "sponsored_label": "Реклама",
            "sponsor_name": "Shop",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    comment = session.scalars(select(ContentItem).where(ContentItem.parent_id == post.id)).one()
    assert (comment.sponsored_label, comment.sponsor_name, comment.sponsor_bin) == ("Реклама", "Shop", None)
    assert _audit(session)[0].data["kind"] == "comment"
    assert '<strong class="ad-mark" lang="ru">Реклама</strong>' in _label_block(
        client.get(f"/p/{post.id}").text
    )
    refused = client.post(
        f"/p/{post.id}/comments",
        data={"body": "Another", "sponsored_label": "Реклама", "sponsor_name": "", "csrf_token": csrf},
    )
    assert refused.status_code == 422 and "Name the sponsor" in refused.text
    assert len(session.scalars(select(ContentItem).where(ContentItem.parent_id == post.id)).all()) == 1


@pytest.mark.law("LAW-62")
@pytest.mark.law("LAW-65")
def test_the_author_marks_changes_and_removes_the_marking_on_its_page(
    client: TestClient, session: Session
) -> None:
    author = make_user(session)
    post = make_post(session, author, "A review of my new kettle")
    session.commit()
    login_as(client, author)
    assert f'href="/p/{post.id}/sponsored"' in client.get(f"/p/{post.id}/edit").text
    form = client.get(f"/p/{post.id}/sponsored")
    assert form.status_code == 200
    csrf = csrf_from(form.text)
    r = client.post(
        f"/p/{post.id}/sponsored",
        data={"sponsored_label": "серіктестік материал", "sponsor_name": "Kettle LLP", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith(f"/p/{post.id}")
    assert _item(session, post.id).sponsored_label == "Серіктестік материал"
    assert "The advertising marking is saved" in client.get(r.headers["location"]).text
    # The same marking again changes nothing and writes no audit record.
    client.post(
        f"/p/{post.id}/sponsored",
        data={"sponsored_label": "Серіктестік материал", "sponsor_name": "Kettle LLP", "csrf_token": csrf},
    )
    assert len(_audit(session)) == 1
    form = client.get(f"/p/{post.id}/sponsored").text
    assert '<option value="Серіктестік материал" selected>' in form and 'value="Kettle LLP"' in form
    r = client.post(
        f"/p/{post.id}/sponsored",
        data={"remove": "1", "sponsored_label": "Реклама", "sponsor_name": "x", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    item = _item(session, post.id)
    assert (item.sponsored_label, item.sponsor_name, item.sponsor_bin) == (None, None, None)
    first, second = _audit(session)
    assert first.data["via"] == "form" and first.data["before"] is None
    assert first.data["after"] == {
        "label": "Серіктестік материал",
        "sponsor_name": "Kettle LLP",
        "sponsor_bin": None,
    }
    assert second.data["before"] == first.data["after"] and second.data["after"] is None
    assert 'class="sponsored-label"' not in client.get(f"/p/{post.id}").text


@pytest.mark.law("LAW-66")
def test_the_marking_page_refuses_a_wrong_wording_and_writes_nothing(
    client: TestClient, session: Session
) -> None:
    author = make_user(session)
    post = make_post(session, author, "Words")
    session.commit()
    csrf = login_as(client, author)
    r = client.post(
        f"/p/{post.id}/sponsored",
        data={"sponsored_label": "Paid ad", "sponsor_name": "Kettle LLP", "csrf_token": csrf},
    )
    assert r.status_code == 422
    assert "Choose one of the markings the law allows" in r.text and 'value="Kettle LLP"' in r.text
    assert _item(session, post.id).sponsored_label is None
    assert _audit(session) == []


def test_only_the_author_marks(client: TestClient, session: Session) -> None:
    author, other = make_user(session), make_user(session)
    post = make_post(session, author, "Mine")
    session.commit()
    csrf = login_as(client, other)
    assert client.get(f"/p/{post.id}/sponsored").status_code == 403
    data = {"sponsored_label": "Реклама", "sponsor_name": "X", "csrf_token": csrf}
    assert client.post(f"/p/{post.id}/sponsored", data=data).status_code == 403
    r = client.patch(f"/api/v1/posts/{post.id}", json={"body": "Mine", "sponsored": MARK})
    assert r.status_code == 403
    assert client.get(f"/p/{uuid.uuid4()}/sponsored").status_code == 404
    assert _item(session, post.id).sponsored_label is None and _audit(session) == []


def test_a_held_item_keeps_its_marking(client: TestClient, session: Session) -> None:
    author = make_user(session)
    post = make_post(session, author, "Evidence")
    content_service.place_hold(session, Actor.system("test"), post, reason="order 1", source="order")
    session.commit()
    csrf = login_as(client, author)
    data = {"sponsored_label": "Реклама", "sponsor_name": "X", "csrf_token": csrf}
    r = client.post(f"/p/{post.id}/sponsored", data=data)
    assert r.status_code == 409 and "legal hold" in r.text
    assert _item(session, post.id).sponsored_label is None
    assert session.scalars(select(LegalHold)).one().released_at is None


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.user, 200),
        (Role.moderator, 200),
        (Role.administrator, 200),
        (Role.ads_reviewer, 200),
        (Role.legal_officer, 200),
        (Role.auditor, 403),
        (Role.law_enforcement, 403),
        (Role.authorized_body, 403),
        (Role.integrating_platform, 403),
    ],
)
def test_who_opens_and_sends_the_marking_form(
    client: TestClient, session: Session, role: Role, status: int
) -> None:
    headers: dict[str, str] = {}
    if role in TOKEN_ONLY_ROLES:  # external principals use API tokens, never a password
        person = make_user(session, role=role, password=None)
        scopes = sorted(TOKEN_SCOPES[role])[:1]
        token = account_service.issue_token(session, Actor.system("test"), person, name="t", scopes=scopes)
        headers, csrf = {"authorization": f"Bearer {token.token}"}, ""
    else:
        person = make_person(session, role=role)
    post = make_post(session, person, "My words")
    session.commit()
    if not headers:
        csrf = sign_in(client, session, person)
        client.cookies.set("senim_lang", "en")
    assert client.get(f"/p/{post.id}/sponsored", headers=headers).status_code == status
    r = client.post(
        f"/p/{post.id}/sponsored",
        data={"sponsored_label": "Реклама", "sponsor_name": "X", "csrf_token": csrf},
        headers=headers,
        follow_redirects=False,
    )
    assert r.status_code == (303 if status == 200 else 403)
    assert (_item(session, post.id).sponsored_label == "Реклама") is (status == 200)


def test_visitors_are_asked_to_sign_in(client: TestClient, session: Session) -> None:
    post = make_post(session, make_user(session), "Words")
    session.commit()
    assert client.get(f"/p/{post.id}/sponsored", follow_redirects=False).status_code == 401
    assert client.post(f"/p/{post.id}/sponsored", data={}, follow_redirects=False).status_code in (401, 403)
    assert _item(session, post.id).sponsored_label is None


# --- the API -----------------------------------------------------------------------------------------
@pytest.mark.law("LAW-62")
@pytest.mark.law("LAW-66")
def test_a_post_marked_through_the_api(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    login_as(client, author)
    r = client.post(
        "/api/v1/posts",
        json={"body": "New sneakers", "sponsored": {**MARK, "label": "на правах рекламы"}},
    )
    assert r.status_code == 201, r.text
    assert r.json()["sponsored"] == {
        "label": "На правах рекламы",
        "sponsor_name": "Kaspi Bank",
        "sponsor_bin": BIN,
    }
    item = _item(session, r.json()["id"])
    assert item.sponsored_label == "На правах рекламы"
    assert _audit(session)[0].data["after"]["label"] == "На правах рекламы"
    assert client.get(f"/api/v1/posts/{item.id}").json()["sponsored"]["sponsor_name"] == "Kaspi Bank"
    [fed] = [p for p in client.get("/api/v1/feed").json()["items"] if p["id"] == str(item.id)]
    assert fed["sponsored"]["label"] == "На правах рекламы"
    unmarked = client.post("/api/v1/posts", json={"body": "Plain words"}).json()
    assert unmarked["sponsored"] is None


@pytest.mark.law("LAW-66")
def test_a_multipart_post_carries_its_marking(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    form = {
        "body": "Paid",
        "sponsored_label": "Оплачено спонсором",
        "sponsor_name": "Brand",
        "csrf_token": csrf,
    }
    image = [("images", ("a.png", png_bytes(), "image/png"))]
    r = client.post("/api/v1/posts", data=form, files=image)
    assert r.status_code == 201, r.text
    assert r.json()["sponsored"]["label"] == "Оплачено спонсором"
    before = counts(session)
    refused = client.post("/api/v1/posts", data={**form, "sponsored_label": "Paid"}, files=image)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "sponsored_invalid"
    assert counts(session) == before


@pytest.mark.law("LAW-66")
@pytest.mark.parametrize(
    "sponsored",
    [
        {"label": "Sponsored", "sponsor_name": "Kaspi Bank"},
        {"label": "Серіктестік жарнама", "sponsor_name": "Kaspi Bank"},
        {"label": "Реклама", "sponsor_name": ""},
        {"label": "Реклама", "sponsor_name": "Kaspi", "sponsor_bin": "040140000019"},
    ],
)
def test_the_api_refuses_a_wrong_marking_with_422_and_writes_nothing(
    client: TestClient, session: Session, sponsored: dict[str, str]
) -> None:
    author = make_user(session)
    post = make_post(session, author, "Old")
    session.commit()
    login_as(client, author)
    before = counts(session)
    r = client.post("/api/v1/posts", json={"body": "Paid", "sponsored": sponsored})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "sponsored_invalid" and r.json()["error"]["problems"]
    assert counts(session) == before
    r = client.patch(f"/api/v1/posts/{post.id}", json={"body": "New", "sponsored": sponsored})
    assert r.status_code == 422
    r = client.post(f"/api/v1/posts/{post.id}/comments", json={"body": "c", "sponsored": sponsored})
    assert r.status_code == 422
    item = _item(session, post.id)
    assert item.body == "Old" and item.sponsored_label is None
    assert counts(session) == before and _audit(session) == []
    assert _audit(session, "item:edit") == []


@pytest.mark.law("LAW-62")
def test_the_api_changes_keeps_and_removes_a_marking(client: TestClient, session: Session) -> None:
    author = make_user(session)
    post = make_post(session, author, "Words")
    session.commit()
    login_as(client, author)
    url = f"/api/v1/posts/{post.id}"
    r = client.patch(url, json={"body": "Words", "sponsored": MARK})
    assert r.status_code == 200 and r.json()["sponsored"]["label"] == "Жарнама"
    r = client.patch(url, json={"body": "Other words"})  # omitted: kept
    assert r.json()["sponsored"]["label"] == "Жарнама"
    r = client.patch(url, json={"body": "Other words", "sponsored": None})  # null: removed
    assert r.json()["sponsored"] is None
    assert _item(session, post.id).sponsored_label is None
    marked, removed = _audit(session)
    assert marked.data["via"] == "api" and marked.data["after"]["sponsor_bin"] == BIN
    assert removed.data["after"] is None and removed.actor_id == author.id


@pytest.mark.law("LAW-62")
def test_a_comment_marked_through_the_api(client: TestClient, session: Session) -> None:
    author = make_user(session)
    post = make_post(session, author, "Question")
    session.commit()
    login_as(client, author)
    r = client.post(f"/api/v1/posts/{post.id}/comments", json={"body": "Answer", "sponsored": MARK})
    assert r.status_code == 201, r.text
    assert r.json()["sponsored"]["label"] == "Жарнама"
    comment_id = r.json()["id"]
    listed = client.get(f"/api/v1/posts/{post.id}/comments").json()["items"]
    assert listed[0]["sponsored"]["sponsor_name"] == "Kaspi Bank"
    r = client.patch(f"/api/v1/comments/{comment_id}", json={"body": "Answer", "sponsored": None})
    assert r.status_code == 200 and r.json()["sponsored"] is None
    assert [a.data["via"] for a in _audit(session)] == ["create", "api"]
