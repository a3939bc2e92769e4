"""The moderation pages end to end: the console queue and case page with their forms, the complaint-rules
editor, moderators' languages, the decision page with its appeal form, and what decisions do to feeds."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.complaint.rules import default_rules
from senim.models import (
    Appeal,
    AuditRecord,
    ComplaintRuleSet,
    ContentItem,
    Decision,
    ItemStatus,
    ModerationCase,
    Notification,
    Role,
    Statement,
    User,
)
from senim.moderation.policy import Action, DecisionDraft, GroundKind, Source, TargetKind
from senim.moderation.service import Target, moderation_service
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import (
    KAZAKH,
    decided,
    filed_about_a_post,
    make_moderator,
    sign_in,
)


def _count(session: Session, model: type[object]) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _draft(action: Action, **extra: str) -> DecisionDraft:
    return DecisionDraft(
        target=TargetKind.item,
        action=action,
        ground_kind=GroundKind.terms,
        category=None,
        terms_clause="5.1 (sensitive content)",
        facts="Graphic description of an accident.",
        **extra,  # type: ignore[arg-type]
    )


def _csrf(client: TestClient, path: str = "/console") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_from(page.text)


@pytest.mark.law("LAW-09a")
def test_the_queue_shows_kazakh_cases_only_to_moderators_who_read_kazakh(
    client: TestClient, session: Session
) -> None:
    filed = filed_about_a_post(client, session, body=KAZAKH)
    reader = make_moderator(session, languages=("kk", "ru"))
    other = make_moderator(session, languages=("ru", "en"))
    session.commit()
    login_as(client, reader)
    assert f"/console/cases/{filed.case.id}" in client.get("/console/cases").text
    login_as(client, other)
    assert f"/console/cases/{filed.case.id}" not in client.get("/console/cases").text
    refused = client.post(
        f"/console/cases/{filed.case.id}/claim", data={"csrf_token": _csrf(client, "/console/cases")}
    )
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(ModerationCase, filed.case.id).assignee_id is None  # type: ignore[union-attr]


@pytest.mark.law("LAW-15")
@pytest.mark.law("LAW-32")
def test_a_moderator_claims_and_decides_through_the_console(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    login_as(client, moderator)
    page = client.get(f"/console/cases/{filed.case.id}")
    assert filed.number in page.text
    csrf = csrf_from(page.text)
    claimed = client.post(
        f"/console/cases/{filed.case.id}/claim", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert claimed.status_code == 303
    before = (_count(session, Decision), _count(session, AuditRecord))
    refused = client.post(
        f"/console/cases/{filed.case.id}/decide",
        data={"csrf_token": csrf, "action": "remove", "facts": "Hateful words about a group of people."},
    )
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert (_count(session, Decision), _count(session, AuditRecord)) == before
    done = client.post(
        f"/console/cases/{filed.case.id}/decide",
        data={
            "csrf_token": csrf,
            "action": "remove",
            "ground_kind": "law",
            "category": "unlawful.interethnic_discord",
            "facts": "Hateful words about a group of people.",
            "note": "Thank you for the report.",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    session.expire_all()
    assert session.get(ContentItem, filed.item.id).status == ItemStatus.removed  # type: ignore[union-attr]
    assert session.get(ModerationCase, filed.case.id).status == "closed"  # type: ignore[union-attr]


def test_the_rules_editor_refuses_bad_rules_and_saves_a_new_version(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, role=Role.administrator)
    session.commit()
    login_as(client, admin)
    csrf = _csrf(client, "/console/complaint-rules")
    bad_json = client.post("/console/complaint-rules", data={"csrf_token": csrf, "rules": "{not json"})
    assert bad_json.status_code == 422
    rules = default_rules(date(2026, 11, 28)).model_dump(mode="json")
    rules["categories"][0]["answer_within"] = {"unit": "calendar_days", "amount": 30}
    too_late = client.post("/console/complaint-rules", data={"csrf_token": csrf, "rules": json.dumps(rules)})
    assert too_late.status_code == 422
    assert "categories.0.answer_within" in too_late.text
    assert _count(session, ComplaintRuleSet) == 0
    rules["categories"][0]["answer_within"] = {"unit": "calendar_days", "amount": 10}
    saved = client.post(
        "/console/complaint-rules",
        data={"csrf_token": csrf, "rules": json.dumps(rules), "note": "faster answers"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    versions = session.scalars(select(ComplaintRuleSet).order_by(ComplaintRuleSet.version)).all()
    assert [v.version for v in versions] == [1, 2] and versions[1].note == "faster answers"


@pytest.mark.law("LAW-09a")
def test_an_administrator_sets_the_languages_a_moderator_reads(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.administrator)
    moderator = make_user(session, role=Role.moderator)
    session.commit()
    login_as(client, admin)
    csrf = _csrf(client, f"/console/users/{moderator.id}")
    response = client.post(
        f"/console/users/{moderator.id}/languages",
        data={"csrf_token": csrf, "languages": ["kk", "ru", "xx"]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.expire_all()
    assert session.get(User, moderator.id).languages == ["kk", "ru"]  # type: ignore[union-attr]
    audit = session.scalars(select(AuditRecord).where(AuditRecord.tag == "user:set_languages")).one()
    assert audit.data["to"] == ["kk", "ru"]


def test_the_decision_page_is_for_the_people_it_concerns_and_takes_an_appeal(
    client: TestClient, session: Session
) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id)
    login_as(client, make_user(session))
    assert client.get(f"/decisions/{decision.id}").status_code == 404
    sign_in(client, session, filed.author)
    page = client.get(f"/decisions/{decision.id}")
    assert page.status_code == 200 and decision.facts in page.text
    short = client.post(
        f"/decisions/{decision.id}/appeal", data={"csrf_token": csrf_from(page.text), "reason": "no"}
    )
    assert short.status_code == 422 and _count(session, Appeal) == 0
    done = client.post(
        f"/decisions/{decision.id}/appeal",
        data={
            "csrf_token": csrf_from(page.text),
            "reason": "The post quotes a news article; it calls for nothing.",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _count(session, Appeal) == 1
    assert 'action="/decisions/' not in client.get(f"/decisions/{decision.id}").text  # one appeal each


def test_age_restricted_and_demoted_posts_leave_the_feeds_they_must(
    client: TestClient, session: Session
) -> None:
    author = make_user(session)
    adult_post = make_post(session, author, "A post only for adults")
    demoted_post = make_post(session, author, "A post moved down")
    minor = make_user(session, date_of_birth=date(2012, 1, 1))
    adult = make_user(session)
    moderator = make_moderator(session)
    session.commit()
    for item, draft in (
        (adult_post, _draft(Action.age_restrict, age_sign="18+")),
        (demoted_post, _draft(Action.demote)),
    ):
        moderation_service.record_decision(
            session,
            actor=Actor.of(moderator),
            moderator=moderator,
            target=Target(subject=TargetKind.item, item=item),
            draft=draft,
            source=Source.own_initiative,
        )
    session.commit()
    visitor_feed = client.get("/").text
    assert "only for adults" not in visitor_feed and "moved down" not in visitor_feed
    assert client.get(f"/p/{adult_post.id}").status_code == 404
    login_as(client, minor)
    assert "only for adults" not in client.get("/").text
    login_as(client, adult)
    assert "only for adults" in client.get("/").text
    assert "moved down" not in client.get("/").text
    assert "moved down" in client.get(f"/u/{author.username}").text


def test_the_console_home_shows_moderators_the_queue(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decided_elsewhere = make_moderator(session)
    session.commit()
    sign_in(client, session, decided_elsewhere)
    assert client.post(f"/api/v1/moderation/cases/{filed.case.id}/claim", json={}).status_code == 200
    login_as(client, moderator)
    home = client.get("/console").text
    card = home[home.index("/console/cases") :]
    assert "Open cases" in card or "Ашық істер" in card or "Открытые дела" in card
    login_as(client, decided_elsewhere)
    mine = client.get("/console/cases?mine=1").text
    assert f"/console/cases/{filed.case.id}" in mine


@pytest.mark.law("LAW-52")
def test_a_suspended_person_appeals_from_the_link_in_the_statement(
    client: TestClient, session: Session
) -> None:
    """A suspension ends the sessions and a suspended account cannot sign in; the link in the statement
    of reasons still lets the person read the decision and appeal it to another moderator."""
    person = make_user(session)
    moderator = make_moderator(session)
    session.commit()
    decision = moderation_service.record_decision(
        session,
        actor=Actor.of(moderator),
        moderator=moderator,
        target=Target(subject=TargetKind.account, account=person),
        draft=DecisionDraft(
            target=TargetKind.account,
            action=Action.suspend,
            ground_kind=GroundKind.terms,
            category=None,
            terms_clause="6.1 (spam)",
            facts="The account sent the same advertisement to hundreds of people.",
            suspend_days=30,
        ),
        source=Source.own_initiative,
    )
    session.commit()
    statement = session.scalars(select(Statement).where(Statement.decision_id == decision.id)).one()
    assert "/appeal/" not in statement.body  # staff who read statements never see the person's link
    notice = session.scalars(select(Notification).where(Notification.user_id == person.id)).one()
    link = re.fullmatch(r"(/decisions/[0-9a-f-]+/appeal/[0-9a-f-]+\.[0-9a-f]+)", notice.link or "")
    assert link, notice.link
    client.cookies.clear()
    page = client.get(link.group(1))
    assert page.status_code == 200 and decision.facts in page.text
    sent = client.post(
        link.group(1),
        data={
            "csrf_token": csrf_from(page.text),
            "reason": "I sent it to my own colleagues, who asked for it.",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    appeal = session.scalars(select(Appeal)).one()
    assert appeal.appellant_id == person.id and appeal.decision_id == decision.id
    forged = link.group(1)[:-4] + "0000"
    assert client.get(forged).status_code == 404
    assert client.get(link.group(1)[:-4] + "%C3%A9").status_code == 404  # not ASCII: still a plain 404
    someone = make_user(session)
    session.commit()
    other = link.group(1).replace(str(person.id), str(someone.id))
    assert client.get(other).status_code == 404
