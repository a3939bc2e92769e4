"""Age signs (LAW-83, LAW-84), who sees what (LAW-22, LAW-85), safer defaults for minors (LAW-61) and the
fast track for cyberbullying of a child (LAW-33), end to end through the app."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.account.minors import age_of, is_known_adult, may_profile, may_target_ads
from senim.audit import Actor
from senim.complaint.rules import category_label, default_rules
from senim.config import Settings
from senim.content import age
from senim.content.service import content_service
from senim.db import Database
from senim.feed import policy as feed_policy
from senim.kit.clock import today_in
from senim.models import AuditRecord, Community, ContentItem, Decision, Media, Role, Statement, User
from senim.moderation.policy import Action, DecisionDraft, GroundKind, Source, TargetKind
from senim.moderation.service import Target, moderation_service
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.community import Platform, make_platform
from tests.fixtures.content import counts, log_out, login_as, make_community, png_bytes
from tests.fixtures.moderation import (
    claim,
    decide,
    filed_about_a_post,
    fresh,
    make_moderator,
    sign_in,
    text_in,
)
from tests.notification.jobrunner import run_due_jobs


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    client.cookies.set("senim_lang", "en")


def born(years: int) -> date:
    """A date of birth making a person exactly ``years`` old all through this year (1 January)."""
    return date(today_in().year - years, 1, 1)


def signed_post(
    session: Session,
    author: User,
    body: str,
    sign: str | None,
    *,
    community: Community | None = None,
    images: tuple[bytes, ...] = (),
    settings: Settings | None = None,
) -> ContentItem:
    return content_service.create_post(
        session,
        author,
        body=body,
        community_id=community.id if community else None,
        age_sign=sign,
        images=images,
        settings=settings,
    )


def decision_on(
    session: Session,
    item: ContentItem,
    action: Action,
    *,
    sign: str | None = None,
    category: str | None = None,
    facts: str = "The post is examined for its audience.",
    label: str | None = None,
    moderator: User | None = None,
) -> Decision:
    """A moderator's decision on ``item`` on the platform's own initiative: on a law ground when it cites
    a ``category``, else on the terms (graphic content)."""
    moderator = moderator or make_moderator(session)
    return moderation_service.record_decision(
        session,
        actor=Actor.of(moderator),
        moderator=moderator,
        target=Target(subject=TargetKind.item, item=item),
        draft=DecisionDraft(
            target=TargetKind.item,
            action=action,
            ground_kind=GroundKind.law if category else GroundKind.terms,
            category=category,
            terms_clause=None if category else "5.1 (graphic content)",
            facts=facts,
            age_sign=sign,
            label=label,
        ),
        source=Source.own_initiative,
    )


def audit_of(session: Session, tag: str) -> list[AuditRecord]:
    return list(fresh(session).scalars(select(AuditRecord).where(AuditRecord.tag == tag)))


# --- the pure rules ---------------------------------------------------------------------------------


@pytest.mark.law("LAW-83")
def test_the_six_signs_of_the_law_and_their_minimum_ages() -> None:
    assert age.AGE_SIGNS == ("6-", "6+", "12+", "14+", "16+", "18+")
    assert age.MIN_AGE == {"6-": 0, "6+": 6, "12+": 12, "14+": 14, "16+": 16, "18+": 18}
    assert "0+" not in age.MIN_AGE  # the law has no 0+
    assert set(age.SIGN_LABELS) == set(age.AGE_SIGNS)


@pytest.mark.law("LAW-83")
@pytest.mark.law("LAW-22")
@pytest.mark.parametrize(
    ("viewer_age", "allowed"),
    [
        (0, ("6-",)),
        (5, ("6-",)),
        (6, ("6-", "6+")),
        (11, ("6-", "6+")),
        (12, ("6-", "6+", "12+")),
        (13, ("6-", "6+", "12+")),
        (14, ("6-", "6+", "12+", "14+")),
        (17, ("6-", "6+", "12+", "14+", "16+")),
        (18, age.AGE_SIGNS),
        (64, age.AGE_SIGNS),
        (None, ("6-", "6+", "12+", "14+", "16+")),  # age unknown: up to 16+, never 18+
    ],
)
def test_a_reader_sees_the_signs_up_to_their_age(viewer_age: int | None, allowed: tuple[str, ...]) -> None:
    assert age.allowed_signs(viewer_age) == allowed
    assert all(age.may_see(s, viewer_age) == (s in allowed) for s in age.AGE_SIGNS)
    assert age.may_see(None, viewer_age)  # an item without a sign is shown to everyone


@pytest.mark.parametrize(
    ("signs", "highest"),
    [
        ((), None),
        ((None,), None),
        (("12+", None, "6-"), "12+"),
        (("18+", "16+"), "18+"),
        (("6-", "6+"), "6+"),
    ],
)
def test_the_highest_sign_wins(signs: tuple[str | None, ...], highest: str | None) -> None:
    assert age.higher(*signs) == highest


@pytest.mark.parametrize(("raw", "parsed"), [("", None), (None, None), (" 14+ ", "14+"), ("6-", "6-")])
def test_a_sign_is_parsed_from_a_form(raw: str | None, parsed: str | None) -> None:
    assert age.parse_sign(raw) == parsed


@pytest.mark.parametrize("raw", ["0+", "21+", "18", "PG-13", "6–"])
def test_anything_else_is_not_a_sign(raw: str) -> None:
    with pytest.raises(ValueError, match=r".+"):
        age.parse_sign(raw)


@pytest.mark.law("LAW-22")
def test_age_is_counted_from_the_date_of_birth_in_almaty() -> None:
    person = User(date_of_birth=date(2012, 3, 10))
    assert age_of(person, today=date(2026, 3, 9)) == 13
    assert age_of(person, today=date(2026, 3, 10)) == 14
    assert age_of(None) is None
    assert age_of(User(date_of_birth=None)) is None
    leap = User(date_of_birth=date(2008, 2, 29))  # turns 18 on 1 March in a year without 29 February
    assert (age_of(leap, today=date(2026, 2, 28)), age_of(leap, today=date(2026, 3, 1))) == (17, 18)


@pytest.mark.law("LAW-61")
@pytest.mark.law("LAW-22")
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (None, False),  # a visitor: age unknown
        (User(date_of_birth=None), False),  # an account without a date of birth
        (User(date_of_birth=date(2010, 6, 1)), False),  # 16 on the day below
        (User(date_of_birth=date(2008, 6, 2)), False),  # 18 tomorrow
        (User(date_of_birth=date(2008, 6, 1)), True),  # 18 today
        (User(date_of_birth=date(1980, 1, 1)), True),
    ],
)
def test_no_profiling_and_no_targeted_ads_for_minors_or_unknown_ages(who: User | None, allowed: bool) -> None:
    today = date(2026, 6, 1)
    assert may_profile(who, today) is allowed
    assert may_target_ads(who, today) is allowed
    assert is_known_adult(who, today) is allowed


@pytest.mark.law("LAW-85")
def test_every_category_of_information_forbidden_for_children_is_recognised() -> None:
    from senim import taxonomy

    for version in taxonomy.versions():
        for category in version.categories:
            expected = category.group is taxonomy.Group.harmful_to_children
            assert age.harmful_to_children(category.key) is expected, category.key
    assert age.harmful_to_children("children.obscene_language")
    assert not age.harmful_to_children(None)
    assert not age.harmful_to_children("no.such.category")


# --- what each reader sees --------------------------------------------------------------------------

BODIES: dict[str | None, str] = {
    None: "Story-unsigned for all",
    "6-": "Story-sixminus cartoon",
    "12+": "Story-twelve adventure",
    "14+": "Story-fourteen drama",
    "16+": "Story-sixteen thriller",
    "18+": "Story-eighteen adults only",
}


@dataclass
class World:
    author: User
    community: Community
    posts: dict[str | None, ContentItem]
    comments: dict[str | None, ContentItem]


def _world(session: Session) -> World:
    author = make_user(session)
    community = make_community(session, author)
    posts = {s: signed_post(session, author, body, s, community=community) for s, body in BODIES.items()}
    comments = {
        s: content_service.create_comment(session, author, post.id, f"Reply-{BODIES[s].split()[0]}")
        for s, post in posts.items()
    }
    session.commit()
    return World(author, community, posts, comments)


# Each reader (an age, None: a visitor, "unknown": signed in without a date of birth) and the signs they see.
VIEWERS: dict[str, tuple[int | str | None, set[str | None]]] = {
    "visitor": (None, {None, "6-", "12+", "14+", "16+"}),
    "child of 13": (13, {None, "6-", "12+"}),
    "teen of 16": (16, {None, "6-", "12+", "14+", "16+"}),
    "adult": (30, set(BODIES)),
    "no date of birth": ("unknown", {None, "6-", "12+", "14+", "16+"}),
}


def _sign_in_viewer(client: TestClient, session: Session, viewer: int | str | None) -> None:
    if viewer is None:
        log_out(client)
        return
    user = make_user(session, date_of_birth=None if viewer == "unknown" else born(int(viewer)))
    session.commit()
    login_as(client, user)


@pytest.mark.law("LAW-83")
@pytest.mark.law("LAW-85")
@pytest.mark.law("LAW-22")
@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_no_reader_gets_an_item_above_their_age_anywhere(
    client: TestClient, session: Session, viewer: str
) -> None:
    """Feeds (home, community, profile, in HTML and the API), the post page, its comments, the Kazakh
    translation of posts and comments: an item above the reader's age is left out, or answers 404 like a
    missing page, without its text."""
    world = _world(session)
    reader_age, visible = VIEWERS[viewer]
    _sign_in_viewer(client, session, reader_age)

    lists = [
        client.get("/"),
        client.get(f"/c/{world.community.slug}"),
        client.get(f"/u/{world.author.username}"),
        client.get("/api/v1/feed"),
        client.get(f"/api/v1/communities/{world.community.slug}/feed"),
        client.get(f"/api/v1/users/{world.author.username}/posts"),
    ]
    for page in lists:
        assert page.status_code == 200, page.url
        for sign, body in BODIES.items():
            assert (body in page.text) is (sign in visible), (page.url, sign)
    for path in ("/api/v1/feed", f"/api/v1/communities/{world.community.slug}/feed"):
        shown = {p["age_sign"] for p in client.get(path).json()["items"]}
        assert shown == visible

    for sign, post in world.posts.items():
        comment = world.comments[sign]
        answers = [
            client.get(f"/p/{post.id}"),
            client.get(f"/api/v1/posts/{post.id}"),
            client.get(f"/api/v1/posts/{post.id}/comments"),
            client.get(f"/translate/item/{post.id}"),
            client.get(f"/api/v1/items/{post.id}/kazakh"),
            client.get(f"/translate/item/{comment.id}"),  # a comment under a post out of sight
            client.get(f"/api/v1/items/{comment.id}/kazakh"),
        ]
        for answer in answers:
            if sign in visible:
                assert answer.status_code != 404, (answer.url, sign)
            else:
                assert answer.status_code == 404, (answer.url, sign)
                assert BODIES[sign] not in answer.text
                assert comment.body not in answer.text
        if sign in visible:
            assert comment.body in client.get(f"/p/{post.id}").text


@pytest.mark.law("LAW-83")
def test_the_author_sees_their_own_post_whatever_its_sign(client: TestClient, session: Session) -> None:
    teen = make_user(session, date_of_birth=born(15))
    post = signed_post(session, teen, "My own Story-sixteen", "16+")
    session.commit()
    login_as(client, teen)
    assert client.get(f"/p/{post.id}").status_code == 200
    assert "My own Story-sixteen" in client.get(f"/u/{teen.username}").text
    assert "My own Story-sixteen" in client.get("/").text


@pytest.mark.law("LAW-83")
@pytest.mark.law("LAW-22")
def test_a_comment_marked_above_the_readers_age_is_left_out(client: TestClient, session: Session) -> None:
    author = make_user(session)
    moderator = make_moderator(session)
    post = signed_post(session, author, "An ordinary post", None)
    comment = content_service.create_comment(session, author, post.id, "A comment-fourteen")
    decision_on(
        session,
        comment,
        Action.age_restrict,
        sign="14+",
        facts="A graphic description of an injury.",
        moderator=moderator,
    )
    child = make_user(session, date_of_birth=born(13))
    teen = make_user(session, date_of_birth=born(14))
    session.commit()
    login_as(client, child)
    assert "A comment-fourteen" not in client.get(f"/p/{post.id}").text
    assert client.get(f"/api/v1/posts/{post.id}/comments").json()["items"] == []
    assert client.get(f"/translate/item/{comment.id}").status_code == 404
    login_as(client, teen)
    assert "A comment-fourteen" in client.get(f"/p/{post.id}").text
    assert [c["body"] for c in client.get(f"/api/v1/posts/{post.id}/comments").json()["items"]] == [
        "A comment-fourteen"
    ]


@pytest.mark.law("LAW-83")
def test_images_of_a_signed_post_are_served_only_to_those_who_may_see_it(
    client: TestClient, session: Session, settings: Settings
) -> None:
    author = make_user(session)
    signed = signed_post(session, author, "With a picture", "14+", images=(png_bytes(),), settings=settings)
    unsigned = signed_post(session, author, "For all", None, images=(png_bytes(),), settings=settings)
    child = make_user(session, date_of_birth=born(13))
    adult = make_user(session)
    session.commit()
    image = {
        item.id: session.scalars(select(Media).where(Media.item_id == item.id)).one()
        for item in (signed, unsigned)
    }
    login_as(client, child)
    assert client.get(f"/media/{image[signed.id].id}").status_code == 404
    assert client.get(f"/media/{image[unsigned.id].id}").headers["cache-control"].startswith("public")
    login_as(client, adult)
    served = client.get(f"/media/{image[signed.id].id}")
    assert served.status_code == 200
    assert served.headers["cache-control"] == "private, no-store"  # no shared cache may pass it to a child


# --- authors set the sign ---------------------------------------------------------------------------


@pytest.mark.law("LAW-84")
@pytest.mark.law("LAW-83")
def test_the_author_sets_and_changes_the_sign_through_the_forms(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    login_as(client, author)
    home = client.get("/")
    assert 'name="age_sign"' in home.text
    for sign in age.AGE_SIGNS:
        assert f'<option value="{sign}"' in home.text
    r = client.post(
        "/posts",
        data={"body": "A film review", "age_sign": "14+", "csrf_token": csrf_from(home.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    post = fresh(session).scalars(select(ContentItem)).one()
    assert post.age_sign == "14+"
    [created] = audit_of(session, "post:create")
    assert created.data["age_sign"] == "14+"
    page = client.get(f"/p/{post.id}").text
    assert '<span class="age-sign" aria-label="Age sign">14+</span>' in page

    form = client.get(f"/p/{post.id}/edit")
    assert '<option value="14+" selected>' in form.text
    r = client.post(
        f"/p/{post.id}/edit",
        data={"body": "A film review", "age_sign": "16+", "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert fresh(session).get(ContentItem, post.id).age_sign == "16+"  # type: ignore[union-attr]
    [edited] = audit_of(session, "item:edit")
    assert (edited.data["age_sign_before"], edited.data["age_sign"]) == ("14+", "16+")
    assert edited.data["sha256"] == edited.data["sha256_before"]  # only the sign changed


@pytest.mark.law("LAW-84")
def test_the_author_sets_and_changes_the_sign_through_the_api(client: TestClient, session: Session) -> None:
    author = make_user(session)
    session.commit()
    csrf = sign_in(client, session, author)
    r = client.post("/api/v1/posts", json={"body": "Game stream", "age_sign": "12+"})
    assert r.status_code == 201, r.text
    post_id = r.json()["id"]
    assert r.json()["age_sign"] == "12+"
    multipart = client.post(
        "/api/v1/posts",
        data={"body": "Photo", "age_sign": "6+"},
        files=[("images", ("a.png", png_bytes(), "image/png"))],
        headers={"X-CSRF-Token": csrf},
    )
    assert multipart.status_code == 201, multipart.text
    assert multipart.json()["age_sign"] == "6+"

    kept = client.patch(f"/api/v1/posts/{post_id}", json={"body": "Game stream, edited"})
    assert kept.json()["age_sign"] == "12+"  # omitted: kept
    raised = client.patch(f"/api/v1/posts/{post_id}", json={"body": "Game stream, edited", "age_sign": "18+"})
    assert raised.json()["age_sign"] == "18+"
    cleared = client.patch(f"/api/v1/posts/{post_id}", json={"body": "Game stream, edited", "age_sign": None})
    assert cleared.json()["age_sign"] is None
    tags = [(r.data.get("age_sign_before"), r.data.get("age_sign")) for r in audit_of(session, "item:edit")]
    assert sorted(tags, key=str) == sorted([(None, None), ("12+", "18+"), ("18+", None)], key=str)


def _comment_form(client: TestClient, session: Session) -> tuple[ContentItem, str]:
    author = make_user(session)
    post = signed_post(session, author, "A post", None)
    comment = content_service.create_comment(session, author, post.id, "A comment")
    session.commit()
    login_as(client, author)
    return comment, csrf_from(client.get(f"/p/{comment.id}/edit").text)


def test_a_comment_form_has_no_sign_and_editing_keeps_none(client: TestClient, session: Session) -> None:
    comment, csrf = _comment_form(client, session)
    assert 'name="age_sign"' not in client.get(f"/p/{comment.id}/edit").text
    r = client.post(
        f"/p/{comment.id}/edit",
        data={"body": "A comment, edited", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert fresh(session).get(ContentItem, comment.id).age_sign is None  # type: ignore[union-attr]


BAD = "21+"


@pytest.mark.law("LAW-83")
@pytest.mark.parametrize("how", ["form", "json", "multipart"])
def test_a_bad_sign_on_a_new_post_is_422_and_writes_nothing(
    client: TestClient, session: Session, how: str
) -> None:
    author = make_user(session)
    session.commit()
    csrf = login_as(client, author)
    before = counts(session), audit_count(session)
    if how == "form":
        r = client.post("/posts", data={"body": "Hello", "age_sign": BAD, "csrf_token": csrf})
        assert "Choose one of the age signs" in r.text
        assert 'role="alert"' in r.text
    elif how == "json":
        r = client.post("/api/v1/posts", json={"body": "Hello", "age_sign": BAD})
    else:
        r = client.post(
            "/api/v1/posts",
            data={"body": "Hello", "age_sign": BAD},
            files=[("images", ("a.png", png_bytes(), "image/png"))],
            headers={"X-CSRF-Token": csrf},
        )
        assert r.json()["error"]["code"] == "content_invalid"
    assert r.status_code == 422
    assert (counts(session), audit_count(session)) == before


@pytest.mark.law("LAW-83")
@pytest.mark.parametrize("how", ["form", "api"])
def test_a_bad_sign_on_an_edit_is_422_and_changes_nothing(
    client: TestClient, session: Session, how: str
) -> None:
    author = make_user(session)
    post = signed_post(session, author, "Original text", "12+")
    session.commit()
    csrf = login_as(client, author)
    if how == "form":
        r = client.post(f"/p/{post.id}/edit", data={"body": "New text", "age_sign": BAD, "csrf_token": csrf})
    else:
        r = client.patch(f"/api/v1/posts/{post.id}", json={"body": "New text", "age_sign": BAD})
    assert r.status_code == 422
    item = fresh(session).get(ContentItem, post.id)
    assert item is not None
    assert (item.body, item.age_sign) == ("Original text", "12+")
    assert audit_of(session, "item:edit") == []


def audit_count(session: Session) -> int:
    return int(fresh(session).scalar(select(func.count()).select_from(AuditRecord)) or 0)


# --- integrating platforms --------------------------------------------------------------------------


@pytest.fixture
def platform(session: Session) -> Platform:
    p = make_platform(session)
    session.commit()
    return p


@pytest.mark.law("LAW-84")
@pytest.mark.law("LAW-83")
def test_a_platform_pushes_the_sign_of_its_item(
    client: TestClient, session: Session, platform: Platform
) -> None:
    h = platform.headers
    assert (
        client.put("/api/v1/platform/accounts/u-1", json={"display_name": "A"}, headers=h).status_code == 201
    )
    item = {"author_external_id": "u-1", "kind": "post", "body": "Pushed film"}
    r = client.put("/api/v1/platform/items/p-1", json={**item, "age_sign": "16+"}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["age_sign"] == "16+"
    [pushed] = audit_of(session, "platform:push_item")
    assert pushed.data["age_sign"] == "16+"
    assert client.put("/api/v1/platform/items/p-1", json=item, headers=h).json()["age_sign"] == "16+"  # kept
    lowered = client.put("/api/v1/platform/items/p-1", json={**item, "age_sign": "12+"}, headers=h)
    assert lowered.json()["age_sign"] == "12+"
    cleared = client.put("/api/v1/platform/items/p-1", json={**item, "age_sign": ""}, headers=h)
    assert cleared.json()["age_sign"] is None
    assert client.get("/api/v1/platform/items/p-1", headers=h).json()["age_sign"] is None

    before = audit_count(session), fresh(session).scalar(select(func.count()).select_from(ContentItem))
    bad = client.put("/api/v1/platform/items/p-2", json={**item, "age_sign": "0+"}, headers=h)
    assert bad.status_code == 422
    assert (
        audit_count(session),
        fresh(session).scalar(select(func.count()).select_from(ContentItem)),
    ) == before


# --- information forbidden for children (LAW-85) ------------------------------------------------------


@pytest.mark.law("LAW-85")
@pytest.mark.law("LAW-22")
def test_a_decision_citing_information_forbidden_for_children_hides_it_from_minors(
    client: TestClient, session: Session
) -> None:
    """A moderator labels a post under CHL Art. 16(2) (obscene language): it stays up for adults and is
    18+ from then on, so no minor sees it; when the decision is lifted the post is for everyone again."""
    filed = filed_about_a_post(
        client, session, body="A Story-swearing full of obscene words", category="children.obscene_language"
    )
    moderator = make_moderator(session)
    child = make_user(session, date_of_birth=born(15))
    adult = make_user(session)
    session.commit()
    sign_in(client, session, moderator)
    assert claim(client, filed.case.id).status_code == 200
    r = decide(client, filed.case.id, "label", category="children.obscene_language", label="sensitive")
    assert r.status_code == 201, r.text
    decision = fresh(session).get(Decision, uuid.UUID(r.json()["id"]))
    assert decision is not None
    assert (decision.action, decision.age_sign) == ("label", "18+")
    item = fresh(session).get(ContentItem, filed.item.id)
    assert item is not None
    assert (item.status, item.label, item.age_sign) == ("visible", "sensitive", "18+")

    login_as(client, child)
    assert client.get(f"/p/{item.id}").status_code == 404
    assert "Story-swearing" not in client.get("/").text
    login_as(client, adult)
    assert "Story-swearing" in client.get(f"/p/{item.id}").text

    moderation_service.lift(session, Actor.of(moderator), decision, "The order was lifted.")
    session.commit()
    assert fresh(session).get(ContentItem, item.id).age_sign is None  # type: ignore[union-attr]
    login_as(client, child)
    assert client.get(f"/p/{item.id}").status_code == 200


@pytest.mark.law("LAW-85")
@pytest.mark.parametrize(
    ("category", "chosen", "expected"),
    [
        ("children.sexual_content", "12+", "18+"),  # forbidden for children: 18+ whatever was chosen
        ("children.antisocial", "16+", "18+"),
        ("unlawful.cruelty_violence", "16+", "16+"),  # another ground: the moderator's sign stands
    ],
)
def test_an_age_restriction_for_information_forbidden_for_children_is_18_plus(
    session: Session, category: str, chosen: str, expected: str
) -> None:
    author, moderator = make_user(session), make_moderator(session)
    post = signed_post(session, author, "Something", None)
    decision = decision_on(
        session,
        post,
        Action.age_restrict,
        sign=chosen,
        category=category,
        facts="The post describes the matter in detail.",
        moderator=moderator,
    )
    session.commit()
    assert (decision.age_sign, post.age_sign) == (expected, expected)
    [record] = audit_of(session, "decision:record")
    assert record.data["age_sign"] == expected


@pytest.mark.law("LAW-85")
def test_a_removal_for_information_forbidden_for_children_sets_no_sign(session: Session) -> None:
    author, moderator = make_user(session), make_moderator(session)
    post = signed_post(session, author, "Something", None)
    decision = decision_on(
        session,
        post,
        Action.remove,
        category="children.sexual_violence",
        facts="The post depicts sexual violence.",
        moderator=moderator,
    )
    session.commit()
    assert (decision.age_sign, post.status, post.age_sign) == (None, "removed", None)


@pytest.mark.law("LAW-85")
def test_the_author_cannot_lower_a_sign_a_decision_set(client: TestClient, session: Session) -> None:
    author, moderator = make_user(session), make_moderator(session)
    post = signed_post(session, author, "Swearing again", "12+")
    decision_on(
        session,
        post,
        Action.warn,
        category="children.obscene_language",
        facts="Obscene language throughout the post.",
        moderator=moderator,
    )
    session.commit()
    assert post.age_sign == "18+"
    sign_in(client, session, author)
    r = client.patch(f"/api/v1/posts/{post.id}", json={"body": "Swearing again", "age_sign": "12+"})
    assert r.status_code == 422
    assert "18+" in r.json()["error"]["message"]
    assert fresh(session).get(ContentItem, post.id).age_sign == "18+"  # type: ignore[union-attr]
    assert client.patch(f"/api/v1/posts/{post.id}", json={"body": "Edited text"}).status_code == 200


@pytest.mark.law("LAW-85")
def test_a_pushed_item_keeps_the_sign_a_decision_set(
    client: TestClient, session: Session, platform: Platform
) -> None:
    h = platform.headers
    client.put("/api/v1/platform/accounts/u-1", json={"display_name": "A"}, headers=h)
    item = {"author_external_id": "u-1", "kind": "post", "body": "Pushed swearing", "age_sign": "12+"}
    r = client.put("/api/v1/platform/items/p-1", json=item, headers=h)
    post = fresh(session).get(ContentItem, uuid.UUID(r.json()["id"]))
    assert post is not None
    decision_on(
        session,
        post,
        Action.label,
        category="children.obscene_language",
        facts="Obscene language throughout the item.",
        label="sensitive",
    )
    session.commit()
    again = client.put(
        "/api/v1/platform/items/p-1", json={**item, "body": "Pushed swearing, edited"}, headers=h
    )
    assert again.status_code == 200
    assert again.json()["age_sign"] == "18+"  # the platform's 12+ cannot lower the decision's 18+


@pytest.mark.law("LAW-85")
def test_a_detection_rule_for_information_forbidden_for_children_makes_it_18_plus(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    admin = make_user(session, role=Role.administrator)
    session.commit()
    sign_in(client, session, admin)
    spec = {
        "category": "children.obscene_language",
        "matchers": [{"type": "regex", "pattern": r"\bбля\w*"}],
        "action": {"type": "age_restrict", "age_sign": "16+"},
    }
    assert client.put("/api/v1/detection/rules/obscene", json={"spec": spec}).status_code == 200
    for step in ("shadow", "live"):
        assert client.post("/api/v1/detection/rules/obscene/status", json={"status": step}).status_code == 200
    post = signed_post(session, make_user(session), "бля, опять дождь", None)
    session.commit()
    run_due_jobs(db, settings)
    decision = fresh(session).scalars(select(Decision)).one()
    assert (decision.source, decision.automated_decision, decision.age_sign) == ("detection", "fully", "18+")
    assert fresh(session).get(ContentItem, post.id).age_sign == "18+"  # type: ignore[union-attr]


# --- safer defaults (LAW-61) ------------------------------------------------------------------------


@pytest.mark.law("LAW-61")
@pytest.mark.law("LAW-35")
def test_the_feed_profiles_nobody_so_minors_get_no_personalisation(
    client: TestClient, session: Session
) -> None:
    """The feed never personalises (``feed.policy.PROFILED``): two readers of the same age who behave
    differently get the same feed. ``may_profile`` is False for minors, for a later feature that would."""
    assert feed_policy.PROFILED is False
    author = make_user(session)
    posts = [signed_post(session, author, f"Numbered post {n}", None) for n in range(3)]
    active = make_user(session, date_of_birth=born(13))
    quiet = make_user(session, date_of_birth=born(13))
    for post in posts:
        content_service.create_comment(session, active, post.id, "I like this a lot")
    session.commit()
    feeds = []
    for reader in (active, quiet):
        login_as(client, reader)
        feeds.append([p["id"] for p in client.get("/api/v1/feed").json()["items"]])
        assert not may_profile(reader) and not may_target_ads(reader)
    assert feeds[0] == feeds[1] == [str(p.id) for p in reversed(posts)]


# --- cyberbullying of a child: the fast track (LAW-33) ------------------------------------------------


@pytest.mark.law("LAW-33")
@pytest.mark.law("LAW-22")
def test_cyberbullying_of_a_child_is_answered_within_24_hours_by_the_children_queue(
    client: TestClient, session: Session
) -> None:
    rule = default_rules(today_in()).category("cyberbullying_child")
    assert (rule.queue, rule.priority, rule.answer_within.unit, rule.answer_within.amount) == (
        "children",
        1,
        "hours",
        24,
    )
    filed = filed_about_a_post(
        client, session, body="Everyone laugh at this kid", category="cyberbullying_child"
    )
    complaint, case = filed.complaint, fresh(session).merge(filed.case)
    assert complaint.due_at is not None and case.due_at is not None
    assert complaint.due_at - complaint.received_at == timedelta(hours=24)
    assert case.due_at == complaint.due_at
    assert (case.queue, case.priority) == ("children", 1)
    # The category is offered on the complaint form in every interface language.
    for language in ("kk", "ru", "en"):
        label = category_label(rule, language)
        assert label == text_in(language, "Cyberbullying of a child")
        client.cookies.set("senim_lang", language)
        form = client.get(f"/complaints/new?subject=item&target={filed.item.id}")
        assert label in form.text
    assert category_label(rule, "kk") != category_label(rule, "en")


@pytest.mark.law("LAW-85")
def test_a_post_counts_only_the_comments_its_reader_may_see(client: TestClient, session: Session) -> None:
    author = make_user(session, date_of_birth=born(30))
    post = signed_post(session, author, "A post everyone may read", None)
    content_service.create_comment(session, author, post.id, "A comment for everyone")
    adult_only = content_service.create_comment(session, author, post.id, "A comment for adults")
    adult_only.age_sign = "18+"  # as a decision citing information harmful to children leaves it
    minor = make_user(session, date_of_birth=born(14))
    adult = make_user(session, date_of_birth=born(40))
    moderator = make_user(session, role=Role.moderator)
    session.commit()

    def counted() -> int:
        return int(client.get(f"/api/v1/posts/{post.id}").json()["comment_count"])

    assert counted() == 1  # a visitor: age unknown
    for reader, expected in ((minor, 1), (adult, 2), (moderator, 2)):
        login_as(client, reader)
        assert counted() == expected, reader.role
        assert len(client.get(f"/api/v1/posts/{post.id}/comments").json()["items"]) == expected
        log_out(client)


@pytest.mark.law("LAW-85")
def test_a_later_lower_sign_never_undercuts_harmful_information_and_a_reversal_keeps_the_authors_sign(
    session: Session,
) -> None:
    author, moderator = make_user(session), make_moderator(session)
    post = signed_post(session, author, "Swearing, quoted", "16+")
    harmful = decision_on(
        session, post, Action.warn, category="children.obscene_language", moderator=moderator
    )
    assert post.age_sign == "18+"
    lower = decision_on(session, post, Action.age_restrict, sign="12+")
    session.commit()
    assert (lower.age_sign, post.age_sign) == ("12+", "18+")  # the harmful decision still in force

    moderation_service.lift(session, Actor.system("test"), harmful, "the order is lifted")
    session.commit()
    assert post.age_sign == "16+"  # the author's own sign, above the 12+ still in force
    moderation_service.lift(session, Actor.system("test"), lower, "the order is lifted")
    session.commit()
    assert (post.age_sign, post.own_age_sign) == ("16+", "16+")  # never unsigned: under-6s never see it


@pytest.mark.law("LAW-85")
def test_the_statement_names_the_18_plus_sign_a_decision_left_on_the_item(session: Session) -> None:
    author, moderator = make_user(session, language="en"), make_moderator(session)
    post = signed_post(session, author, "Swearing, quoted", None)
    decision = decision_on(
        session, post, Action.warn, category="children.obscene_language", moderator=moderator
    )
    session.commit()
    [statement] = fresh(session).scalars(select(Statement).where(Statement.decision_id == decision.id))
    assert decision.age_sign == "18+"
    assert "Decision: Warning; age sign 18+." in statement.body
