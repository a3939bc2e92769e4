"""The public database of statements of reasons (issue 9, item C): every decision that restricted
something, with its ground, action, automation, date and kind of content, and no personal data — no
username, no id of a person, no text of the content, free text masked; filters, text search over the public
text only, keyset pages by day; for everyone. The record is masked once, when the decision is taken: a
later rename, account deletion or erasure of a complaint's contact details never unmasks it."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account.policy import TOKEN_SCOPES
from senim.account.service import account_service
from senim.audit import Actor
from senim.kit import cursor as time_cursor
from senim.kit.clock import ALMATY, utcnow
from senim.models import Complaint, ContentItem, Decision, Role, User
from senim.models.account import TOKEN_ONLY_ROLES
from senim.models.transparency import PublicStatement
from senim.privacy.retention import erase_complaint_contacts
from senim.transparency.statements import public_statement_service, public_text
from senim.web.middleware import LANG_COOKIE
from tests.fixtures.builders import PASSWORD
from tests.fixtures.moderation import decided, filed_about_a_post, make_moderator, make_person, sign_in
from tests.transparency.public_rows import make_complaint, make_decision, make_item

IIN = "900517300009"  # a valid IIN (its checksum holds)
EMAIL = "aigerim.nurlanova@mail.kz"
PHONE = "+7 701 234 56 78"
PHONE_8 = "87012345678"
FOREIGN_PHONE = "+44 20 7946 0958"
CONTENT = "Meet me at the old bridge tonight and bring the money in cash"
API = "/api/v1/transparency/statements"
PAGE = "/transparency/statements"


def english(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "en")


def published(session: Session, **fields: Any) -> Decision:
    """A decision written straight to the table, and its public record made as the moderation service
    makes it when a decision is taken."""
    decision = make_decision(session, **fields)
    public_statement_service.record(session, decision)
    return decision


def seed_personal(session: Session) -> dict[str, Any]:
    """A decision whose facts and terms clause hold every kind of personal data about the people it
    concerns, and the content's own words."""
    author = make_person(session, username="aigerim_writer", display_name="Aigerim Nurlanova")
    moderator = make_person(session, role=Role.moderator, username="dana_mod", display_name="Dana Moderova")
    complainant = make_person(session, username="bolat_s", display_name="Bolat Serikov")
    item = make_item(session, author, CONTENT)
    facts = (
        f"Aigerim Nurlanova (@aigerim_writer, account {author.id}) posted her IIN {IIN}, e-mail {EMAIL} and "
        f"phones {PHONE}, {PHONE_8} and {FOREIGN_PHONE}, see https://senim.kz/u/aigerim_writer. "
        "NURLANOVA wrote 'at the old bridge tonight and bring the money' to sell weapons. "
        "Reported by Bolat Serikov and by Gulnar Visitorova; reviewed by Dana Moderova."
    )
    decision = make_decision(
        session,
        at=utcnow() - timedelta(hours=1),
        item=item,
        facts=facts,
        decided_by=moderator,
        had_images=True,
    )
    make_complaint(
        session,
        received=utcnow() - timedelta(hours=3),
        complainant_id=complainant.id,
        decision_id=decision.id,
        item_id=item.id,
    )
    make_complaint(
        session,
        received=utcnow() - timedelta(hours=2),
        answered=utcnow() - timedelta(hours=1),
        contact_name="Gulnar Visitorova",
        contact_email="gulnar@example.kz",
        answer_decision_id=decision.id,
        item_id=item.id,
    )
    public_statement_service.record(session, decision)  # as when taken: its complaints are known then
    terms = published(
        session,
        at=utcnow() - timedelta(hours=2),
        item=item,
        ground="terms",
        terms_clause=f"Clause 4.2, write to {EMAIL}",
        facts="Spam links posted by aigerim_writer again.",
        automated="fully",
        detection=True,
        action="demote",
    )
    session.commit()
    return {
        "decision": decision,
        "terms": terms,
        "people": [author, moderator, complainant],
        "author": author,
        "moderator": moderator,
        "complainant": complainant,
        "item": item,
        "forbidden": [
            "Aigerim",
            "aigerim",
            "Nurlanova",
            "NURLANOVA",
            "aigerim_writer",
            "Dana",
            "Moderova",
            "dana_mod",
            "Bolat",
            "Serikov",
            "bolat_s",
            "Gulnar",
            "Visitorova",
            "gulnar@example.kz",
            IIN,
            EMAIL,
            "mail.kz",
            PHONE,
            PHONE_8,
            "7012345678",
            "701 234 56 78",
            FOREIGN_PHONE,
            "7946",
            "senim.kz/u",
            "old bridge",
            "bring the money",
            CONTENT,
            *(str(p.id) for p in [author, moderator, complainant]),
            *(p.id.hex for p in [author, moderator, complainant]),
            str(item.id),
            item.id.hex,
        ],
    }


def all_pages_json(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        answer = client.get(API, params={**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return items


@pytest.mark.law("LAW-37")
def test_statements_carry_no_personal_data_in_html_or_json(client: TestClient, session: Session) -> None:
    seeded = seed_personal(session)
    english(client)
    html = client.get(PAGE).text
    raw_json = client.get(API).text
    items = json.loads(raw_json)["items"]
    assert len(items) == 2
    for forbidden in seeded["forbidden"]:
        assert forbidden not in html, forbidden
        assert forbidden not in raw_json, forbidden
    main = next(i for i in items if i["id"] == str(seeded["decision"].id))
    facts = main["facts"]
    for mask in ("[name]", "[iin]", "[email]", "[phone]", "[link]", "[id]", "[quote]"):
        assert mask in facts, mask
    assert "to sell weapons" in facts  # the reasons themselves remain
    assert main["decided_on"] == seeded["decision"].decided_at.astimezone(ALMATY).date().isoformat()
    assert main["content_type"] == "post" and main["had_images"] is True
    assert main["action"] == "remove" and main["ground"] == "law"
    assert main["category"] == "unlawful.terrorism_extremism" and main["category_label"]
    assert main["automated"] is False and main["automated_decision"] == "not" and main["status"] == "in_force"
    # Only public fields: no person's id, no content, no username.
    assert set(main) == {
        "id",
        "decided_on",
        "content_type",
        "had_images",
        "action",
        "action_label",
        "ground",
        "category",
        "category_label",
        "legal_basis",
        "terms_clause",
        "ground_text",
        "facts",
        "source",
        "automated_detection",
        "automated_decision",
        "automated",
        "status",
    }
    terms = next(i for i in items if i["id"] == str(seeded["terms"].id))
    assert terms["terms_clause"] == "Clause 4.2, write to [email]" and terms["ground"] == "terms"
    assert terms["facts"] == "Spam links posted by [name] again." and terms["automated"] is True


@pytest.mark.law("LAW-37")
def test_later_changes_to_the_people_or_the_content_never_unmask_a_record(
    client: TestClient, session: Session
) -> None:
    """The record is masked when the decision is taken: renaming a profile, deleting one's account (the
    display name reset, the posts deleted), erasing a complainant's contact name or the content's text
    afterwards leaves it exactly as it was."""
    seeded = seed_personal(session)
    english(client)
    before = client.get(API).json()
    author, moderator, complainant = seeded["author"], seeded["moderator"], seeded["complainant"]
    account_service.update_profile(session, complainant, "Someone Else", "")
    account_service.update_profile(session, moderator, "Another Moderator", "")
    account_service.delete_account(session, author, PASSWORD)
    assert erase_complaint_contacts(session, utcnow() + timedelta(days=1)) == 1
    item = session.get(ContentItem, seeded["item"].id)
    assert item is not None
    item.body = ""  # as retention erases a deleted item's text
    session.commit()
    assert session.scalar(select(User.display_name).where(User.id == author.id)) != "Aigerim Nurlanova"
    assert session.scalars(select(Complaint.contact_name)).all() == [None, None]

    raw_json = client.get(API).text
    html = client.get(PAGE).text
    assert json.loads(raw_json) == before
    for forbidden in seeded["forbidden"]:
        assert forbidden not in html, forbidden
        assert forbidden not in raw_json, forbidden
    for secret in ("Aigerim", "Bolat", "Visitorova", "bring the money"):
        assert client.get(API, params={"q": secret}).json()["items"] == [], secret


@pytest.mark.law("LAW-37")
def test_a_search_cannot_find_a_record_by_the_personal_data_masked_in_it(
    client: TestClient, session: Session
) -> None:
    seed_personal(session)
    english(client)
    for secret in ("aigerim", "Nurlanova", IIN, EMAIL, "old bridge", "Bolat", "Visitorova"):
        assert client.get(API, params={"q": secret}).json()["items"] == [], secret
        assert "No statement of reasons matches." in client.get(PAGE, params={"q": secret}).text, secret
    found = client.get(API, params={"q": "SELL WEAPONS"}).json()["items"]
    assert len(found) == 1
    assert len(client.get(API, params={"q": "Spam links"}).json()["items"]) == 1
    assert len(client.get(API, params={"q": "terms of use"}).json()["items"]) == 1  # the ground's own text


def test_public_text_masks_each_kind(session: Session) -> None:
    text = public_text(
        f"Ivan Petrov <ivan@x.kz> {IIN} @ivan_p www.example.com/ivan 0b5e2c3a-1111-4222-8333-444455556666",
        names=["ivan_p", "Ivan Petrov"],
    )
    assert text == "[name] <[email]> [iin] [name] [link] [id]"
    assert public_text("Art. 41-1(1-1) of 12.03.2026 applies") == "Art. 41-1(1-1) of 12.03.2026 applies"
    assert public_text("He said: one two three four five six", content="one two three four five") == (
        "He said: [quote] six"
    )
    assert public_text("the cat", content="a cat") == "the cat"  # short contents only whole


@pytest.mark.law("LAW-37")
def test_filters_and_restricting_decisions_only(client: TestClient, session: Session) -> None:
    author = make_person(session)
    post = make_item(session, author, "one")
    comment = make_item(session, author, "two", kind="comment")
    now = utcnow()
    old = published(session, at=now - timedelta(days=40), item=post, action="geo_restrict", automated="fully")
    mid = published(session, at=now - timedelta(days=10), item=comment, category="unlawful.drugs")
    new = published(
        session,
        at=now - timedelta(hours=1),
        item=post,
        action="label",
        automated="partially",
        label="misleading",
    )
    account = published(
        session,
        at=now - timedelta(days=5),
        subject="account",
        affected=author,
        action="suspend",
        account_id=author.id,
    )
    nothing = published(session, at=now - timedelta(days=1), item=post, action="no_violation", ground=None)
    session.commit()
    assert session.get(PublicStatement, nothing.id) is None  # no restriction, no public record
    assert session.get(PublicStatement, old.id) is not None
    english(client)

    def ids(**params: Any) -> list[str]:
        return [i["id"] for i in all_pages_json(client, **params)]

    assert ids() == [str(d.id) for d in (new, account, mid, old)]  # newest first; "no violation" left out
    assert ids(category="unlawful.drugs") == [str(mid.id)]
    assert ids(action="geo_restrict") == [str(old.id)]
    assert ids(automated="yes") == [str(new.id), str(old.id)]
    assert ids(automated="no") == [str(account.id), str(mid.id)]
    assert ids(content_type="comment") == [str(mid.id)]
    assert ids(content_type="account") == [str(account.id)]
    day = (now - timedelta(days=10)).astimezone(ALMATY).date()
    assert ids(**{"from": day.isoformat(), "to": day.isoformat()}) == [str(mid.id)]
    assert ids(**{"from": (day + timedelta(days=1)).isoformat()}) == [str(new.id), str(account.id)]
    html = client.get(PAGE, params={"action": "suspend"}).text
    assert "Suspend" in html or "suspend" in html.lower()
    assert html.count('class="card statement"') == 1


def test_keyset_pages_cover_every_record_once(client: TestClient, session: Session) -> None:
    author = make_person(session)
    item = make_item(session, author)
    at = utcnow() - timedelta(hours=5)
    made = [published(session, at=at if n < 3 else at - timedelta(minutes=n), item=item) for n in range(7)]
    session.commit()
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = client.get(API, params=params).json()
        seen += [i["id"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 4 and len(seen) == 7 and set(seen) == {str(d.id) for d in made}
    # The HTML pages link to the next one with the filters kept.
    english(client)
    html = client.get(PAGE, params={"action": "remove"}).text
    link = re.search(r'href="(/transparency/statements\?[^"]+)" rel="next"', html)
    assert link is None  # 7 records fit on the first HTML page (25)


@pytest.mark.parametrize(
    "params",
    [
        {"category": "no.such.category"},
        {"action": "no_violation"},
        {"action": "explode"},
        {"automated": "maybe"},
        {"ground": "mood"},
        {"content_type": "video"},
        {"from": "2026-13-01"},
        {"from": "2026-05-02", "to": "2026-05-01"},
        {"cursor": "not-a-cursor"},
        {"cursor": time_cursor.encode(utcnow(), uuid.uuid4())},  # a link of the time-based kind
        {"cursor": base64.urlsafe_b64encode(b"2026-05-01|nothex").decode()},
        {"q": "x" * 201},
    ],
)
def test_bad_filters_are_refused(client: TestClient, session: Session, params: dict[str, str]) -> None:
    english(client)
    assert client.get(API, params=params).status_code == 422
    assert client.get(PAGE, params=params).status_code == 422


@pytest.mark.law("LAW-37")
def test_a_decision_taken_through_moderation_is_published_without_the_people(
    client: TestClient, session: Session
) -> None:
    """End to end: a complaint, a moderator's decision through the API, then the public record."""
    author = make_person(session, username="timur_author", display_name="Timur Akhmetov")
    filed = filed_about_a_post(
        client, session, body="Kill all of them near the stadium tomorrow night", author=author
    )
    moderator = make_moderator(session)
    session.commit()
    decision = decided(
        client,
        session,
        moderator,
        filed.case.id,
        facts="Timur Akhmetov (timur_author) calls for violence near the stadium tomorrow night; phone "
        f"{PHONE}.",
    )
    client.cookies.clear()
    english(client)
    raw = client.get(API).text
    [record] = json.loads(raw)["items"]
    assert record["id"] == str(decision.id) and record["source"] == "complaint"
    assert record["facts"] == "[name] ([name]) calls for violence [quote]; phone [phone]."
    html = client.get(PAGE).text
    for forbidden in (
        "Timur",
        "Akhmetov",
        "timur_author",
        PHONE,
        "stadium tomorrow",
        filed.complainant.username,
        filed.complainant.display_name,
        moderator.username,
        moderator.display_name,
        str(author.id),
        str(filed.complainant.id),
        str(moderator.id),
    ):
        assert forbidden not in raw and forbidden not in html, forbidden
    # The record was written with the decision, and the author deleting their account (the display name
    # reset, the post deleted) and the complainant renaming themselves afterwards change nothing in it.
    row = session.get(PublicStatement, decision.id)
    assert row is not None and row.day == decision.decided_at.astimezone(ALMATY).date()
    author = session.get(User, author.id)
    complainant = session.get(User, filed.complainant.id)
    assert author is not None and complainant is not None
    account_service.delete_account(session, author, PASSWORD)
    account_service.update_profile(session, complainant, "Renamed Person", "")
    session.commit()
    again = client.get(API).text
    assert json.loads(again) == json.loads(raw)
    for forbidden in (
        "Timur",
        "Akhmetov",
        "timur_author",
        "stadium tomorrow",
        filed.complainant.display_name,
    ):
        assert forbidden not in again and forbidden not in client.get(PAGE).text, forbidden


@pytest.mark.law("LAW-37")
def test_page_links_hold_the_day_and_never_a_time_of_day(client: TestClient, session: Session) -> None:
    author = make_person(session)
    item = make_item(session, author)
    day = utcnow().astimezone(ALMATY).date() - timedelta(days=1)
    noon = datetime.combine(day, time(12), tzinfo=ALMATY)
    made = [published(session, at=noon + timedelta(minutes=n), item=item) for n in range(3)]
    session.commit()
    raw = client.get(API, params={"limit": 1}).text
    assert not re.search(r"\d{2}:\d{2}", raw)  # no time of day anywhere in the answer
    token = json.loads(raw)["next_cursor"]
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    stamp, _, hex_id = decoded.partition("|")
    assert date.fromisoformat(stamp) == day and len(stamp) == len("YYYY-MM-DD")
    assert uuid.UUID(hex=hex_id) in {d.id for d in made}
    # Within a day, records come by id, not by time: the page order says nothing of the hour.
    ids = [i["id"] for i in client.get(API).json()["items"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3
    english(client)
    html = client.get(PAGE, params={"action": "remove"}).text
    assert not re.search(r"T\d{2}:\d{2}", html)


@pytest.mark.parametrize("role", [None, *Role])
def test_the_statements_are_open_to_every_role(
    client: TestClient, session: Session, role: Role | None
) -> None:
    published(session, item=make_item(session, make_person(session)))
    headers: dict[str, str] = {}
    if role in TOKEN_ONLY_ROLES:  # external principals come with an API token
        principal = make_person(session, role=role, password=None)
        issued = account_service.issue_token(
            session, Actor.system("test"), principal, name="t", scopes=sorted(TOKEN_SCOPES[role])[:1]
        )
        headers = {"authorization": f"Bearer {issued.token}"}
    elif role is not None:
        sign_in(client, session, make_person(session, role=role))
    session.commit()
    for path in (PAGE, API):
        assert client.get(path, headers=headers).status_code == 200, path
    assert len(client.get(API, headers=headers).json()["items"]) == 1


def test_a_search_pages_through_its_matches_only(client: TestClient, session: Session) -> None:
    """A search reads the stored public text (in the database, not record by record): few matches among
    many decisions come on pages of matches only, every match once."""
    author = make_person(session)
    item = make_item(session, author)
    now = utcnow()
    wanted = set()
    for n in range(8):
        facts = "Sold forged documents." if n in (1, 4, 6) else "Posted spam."
        decision = published(session, at=now - timedelta(days=n), item=item, facts=facts)
        if n in (1, 4, 6):
            wanted.add(str(decision.id))
    session.commit()
    found: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"q": "forged", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = client.get(API, params=params).json()
        found += [i["id"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(found) == 3 and set(found) == wanted and pages == 2
    # The public text is searchable in every interface language (the action's label here).
    published(session, item=item, action="demote", facts="Posted spam.")
    session.commit()
    for words in ("понижено в лентах", "Demoted in feeds"):
        assert len(client.get(API, params={"q": words}).json()["items"]) == 1, words
    assert client.get(API, params={"q": "100%_"}).json()["items"] == []  # LIKE wildcards are literal
