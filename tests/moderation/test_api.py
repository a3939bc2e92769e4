"""Cases and decisions through the API: one case per target, the queue, interim measures, Kazakh
content for Kazakh readers (LAW-09a), claims (never two moderators on one case), escalation, every
decision's effect, statements of reasons, strikes, the DSA export and webhooks to platforms."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.complaint import service as complaint_module
from senim.complaint.rules import default_rules
from senim.complaint.service import BLOCKED_NOTICE, complaint_service
from senim.kit.clock import today_in
from senim.models import (
    AccountStatus,
    CaseEvent,
    Community,
    CommunityStatus,
    Complaint,
    ComplaintOutcome,
    ContentItem,
    Decision,
    ItemStatus,
    ModerationCase,
    Role,
    Statement,
    StatementKind,
    Strike,
    StrikeKind,
    User,
)
from senim.moderation.service import (
    DECIDED_NOTICE,
    ESCALATED_NOTICE,
    INTERIM_NOTICE,
    STRIKES_CLAUSE,
    STRIKES_FACTS,
)
from tests.fixtures.community import make_community, make_platform, push_account, push_item
from tests.fixtures.content import make_post
from tests.fixtures.moderation import (
    FACTS,
    KAZAKH,
    RUSSIAN,
    audit_of,
    case_events,
    case_of,
    claim,
    complaint_by_number,
    count,
    decide,
    decided,
    file_complaint,
    filed_about_a_post,
    fresh,
    make_moderator,
    make_person,
    notices_of,
    sign_in,
    snapshot,
    statements_of,
    webhook_events,
)
from tests.fixtures.notification import make_endpoint


def _item(session: Session, item_id: uuid.UUID) -> ContentItem:
    item = fresh(session).get(ContentItem, item_id)
    assert item is not None
    return item


def _case(session: Session, case_id: uuid.UUID) -> ModerationCase:
    case = fresh(session).get(ModerationCase, case_id)
    assert case is not None
    return case


def _user(session: Session, user_id: uuid.UUID) -> User:
    user = fresh(session).get(User, user_id)
    assert user is not None
    return user


def _queue(client: TestClient, **params: Any) -> list[str]:
    r = client.get("/api/v1/moderation/cases", params=params)
    assert r.status_code == 200, r.text
    return [c["id"] for c in r.json()["items"]]


def _save_rules(session: Session, change: Any) -> None:
    data = default_rules(today_in()).model_dump(mode="json")
    change(data)
    complaint_service.save_rules(session, Actor.system("test"), data)
    session.commit()


# --- cases and the queue --------------------------------------------------------------------------


def test_complaints_about_the_same_post_join_one_case(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session, category="spam_fraud")
    second = make_person(session)
    session.commit()
    assert (filed.case.priority, filed.case.queue) == (4, "general")
    sign_in(client, session, second)

    r = file_complaint(client, filed.item.id, category="cyberbullying_child")

    assert r.status_code == 201, r.text
    joined = complaint_by_number(session, r.json()["number"])
    assert joined.case_id == filed.case.id
    case = _case(session, filed.case.id)
    # Joining keeps the earliest deadline and the highest priority (and its queue).
    assert case.due_at == joined.due_at < filed.complaint.due_at  # type: ignore[operator]
    assert (case.priority, case.queue) == (1, "children")
    assert count(session, ModerationCase) == 1
    assert case_events(session, case.id) == ["opened", "complaint", "joined", "complaint", "interim_hidden"]
    assert len(audit_of(session, "case:open")) == 1
    moderator = make_moderator(session)
    session.commit()
    sign_in(client, session, moderator)
    read = client.get(f"/api/v1/moderation/cases/{case.id}").json()
    assert read["complaints"] == 2
    assert read["target_id"] == str(filed.item.id)


def test_the_queue_is_ordered_by_deadline_then_priority(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    author, complainant = make_person(session), make_person(session)
    moderator, senior = make_moderator(session), make_moderator(session, role=Role.senior_moderator)
    posts = [make_post(session, author, f"Post {n}") for n in range(4)]
    session.commit()
    now = datetime.now(UTC)
    monkeypatch.setattr(complaint_module, "utcnow", lambda: now)  # same day: the same 20-day deadline
    sign_in(client, session, complainant)
    cases: dict[str, str] = {}
    for post, category in zip(
        posts,
        ["spam_fraud", "unlawful.fraud", "unlawful.terrorism_extremism", "cyberbullying_child"],
        strict=True,
    ):
        number = file_complaint(client, post.id, category=category).json()["number"]
        cases[category] = str(case_of(session, number))

    sign_in(client, session, moderator)
    expected = [
        cases["cyberbullying_child"],  # due in 24 hours
        cases["unlawful.terrorism_extremism"],  # priority 1
        cases["unlawful.fraud"],  # priority 2
        cases["spam_fraud"],  # priority 4
    ]
    assert _queue(client) == expected
    assert _queue(client, queue="urgent") == [cases["unlawful.terrorism_extremism"]]
    assert _queue(client, limit=2) == expected[:2]
    assert claim(client, cases["unlawful.fraud"]).status_code == 200
    assert _queue(client, mine=True) == [cases["unlawful.fraud"]]
    escalated = client.post(
        f"/api/v1/moderation/cases/{cases['unlawful.fraud']}/escalate", json={"note": "Needs a lawyer"}
    )
    assert escalated.status_code == 200
    sign_in(client, session, senior)
    assert _queue(client)[0] == cases["unlawful.fraud"]  # escalated cases come first for seniors


def test_only_moderators_read_the_queue(client: TestClient, session: Session) -> None:
    user = make_person(session)
    auditor = make_person(session, role=Role.auditor)
    session.commit()
    assert client.get("/api/v1/moderation/cases").status_code == 401
    sign_in(client, session, user)
    assert client.get("/api/v1/moderation/cases").status_code == 403
    assert client.post(f"/api/v1/moderation/cases/{uuid.uuid4()}/claim", json={}).status_code == 403
    sign_in(client, session, auditor)
    assert client.get("/api/v1/moderation/cases").status_code == 403  # auditors read cases one by one
    assert client.get(f"/api/v1/moderation/cases/{uuid.uuid4()}").status_code == 404


def test_a_post_is_hidden_after_complaints_from_distinct_accounts_and_restored_on_no_violation(
    client: TestClient, session: Session
) -> None:
    # cyberbullying_child hides after complaints from 2 distinct accounts (the default rules).
    filed = filed_about_a_post(client, session, category="cyberbullying_child")
    again = file_complaint(client, filed.item.id, category="cyberbullying_child")
    assert again.status_code == 201
    assert _item(session, filed.item.id).status == ItemStatus.visible  # the same person twice is one
    other, stranger, moderator = make_person(session), make_person(session), make_moderator(session)
    session.commit()
    sign_in(client, session, other)

    assert file_complaint(client, filed.item.id, category="cyberbullying_child").status_code == 201

    assert _item(session, filed.item.id).status == ItemStatus.hidden
    case = _case(session, filed.case.id)
    assert case.interim_hidden
    [record] = audit_of(session, "item:hide_pending_review")
    assert record.target_id == str(filed.item.id)
    assert (record.data["complainants"], record.data["threshold"]) == (2, 2)
    assert "interim_hidden" in case_events(session, case.id)
    assert [n.kind for n in notices_of(session, filed.author)] == [INTERIM_NOTICE]
    sign_in(client, session, stranger)
    assert client.get(f"/api/v1/posts/{filed.item.id}").status_code == 404
    sign_in(client, session, filed.author)
    assert client.get(f"/api/v1/posts/{filed.item.id}").status_code == 200  # the author still sees it

    decided(client, session, moderator, case.id, "no_violation")

    assert _item(session, filed.item.id).status == ItemStatus.visible
    complaints = fresh(session).scalars(select(Complaint).where(Complaint.case_id == case.id)).all()
    assert len(complaints) == 3
    assert {c.outcome for c in complaints} == {ComplaintOutcome.rejected}
    assert len(statements_of(session, kind=StatementKind.complaint_answer)) == 3
    assert statements_of(session, kind=StatementKind.statement_of_reasons) == []  # nothing restricted
    assert count(session, Strike) == 0


@pytest.mark.law("LAW-09a")
def test_kazakh_content_goes_only_to_moderators_who_read_kazakh(client: TestClient, session: Session) -> None:
    kazakh = filed_about_a_post(client, session, body=KAZAKH)
    russian = filed_about_a_post(client, session, body=RUSSIAN)
    reads_kazakh = make_moderator(session, languages=("kk",))
    reads_russian = make_moderator(session, languages=("ru", "en"))
    reads_nothing = make_moderator(session, languages=())
    session.commit()
    assert (kazakh.case.language, russian.case.language) == ("kk", None)

    sign_in(client, session, reads_russian)
    assert _queue(client) == [str(russian.case.id)]
    r = claim(client, kazakh.case.id)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "case_may_not_claim"
    assert _case(session, kazakh.case.id).assignee_id is None
    sign_in(client, session, reads_nothing)
    assert _queue(client) == [str(russian.case.id)]

    sign_in(client, session, reads_kazakh)
    assert set(_queue(client)) == {str(kazakh.case.id), str(russian.case.id)}
    assert claim(client, kazakh.case.id).status_code == 200
    assert _case(session, kazakh.case.id).assignee_id == reads_kazakh.id


@pytest.mark.law("LAW-09a")
def test_a_kazakh_complaint_joining_a_case_makes_it_a_kazakh_case(
    client: TestClient, session: Session
) -> None:
    moderator = make_moderator(session)
    filed = filed_about_a_post(client, session, body=RUSSIAN)
    assert filed.case.language is None
    session.commit()
    # A complaint about an account is routed by the language of its description.
    sign_in(client, session, moderator)
    r = client.post(
        "/api/v1/moderation/cases",
        json={"subject": "account", "target_id": str(filed.author.id), "note": "Seen in the feed"},
    )
    assert r.status_code == 201, r.text
    sign_in(client, session, filed.complainant)
    joined = file_complaint(
        client, filed.author.id, subject="account", category="terms_other", description=KAZAKH
    )
    assert joined.status_code == 201
    case = _case(session, uuid.UUID(r.json()["id"]))
    assert case_of(session, joined.json()["number"]) == case.id
    assert (case.language, case.source) == ("kk", "own_initiative")


# --- claims ---------------------------------------------------------------------------------------


def test_two_moderators_never_hold_the_same_case(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    first, second = make_moderator(session), make_moderator(session)
    session.commit()
    sign_in(client, session, first)
    assert claim(client, filed.case.id).status_code == 200
    sign_in(client, session, second)
    before = snapshot(session)

    r = claim(client, filed.case.id)

    assert r.status_code == 409
    assert r.json()["error"]["code"] == "case_claimed"
    assert snapshot(session) == before
    assert _case(session, filed.case.id).assignee_id == first.id
    r = decide(client, filed.case.id)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "case_not_yours"
    assert snapshot(session) == before
    assert _item(session, filed.item.id).status == ItemStatus.visible

    sign_in(client, session, first)
    assert claim(client, filed.case.id).status_code == 200  # claiming again is harmless
    assert case_events(session, filed.case.id).count("claimed") == 2
    assert client.post(f"/api/v1/moderation/cases/{filed.case.id}/release", json={}).status_code == 200
    assert _case(session, filed.case.id).assignee_id is None
    sign_in(client, session, second)
    assert claim(client, filed.case.id).status_code == 200
    assert [r.actor_id for r in audit_of(session, "case:claim")] == [first.id, first.id, second.id]
    assert len(audit_of(session, "case:release")) == 1


def test_deciding_a_case_nobody_holds_is_refused(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    sign_in(client, session, moderator)
    before = snapshot(session)
    r = decide(client, filed.case.id)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "case_not_yours"
    assert client.post(f"/api/v1/moderation/cases/{filed.case.id}/release", json={}).status_code == 403
    assert decide(client, uuid.uuid4()).status_code == 404
    assert snapshot(session) == before
    decided(client, session, moderator, filed.case.id)
    r = claim(client, filed.case.id)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "case_closed"


@pytest.mark.backend("postgresql")
def test_concurrent_claims_one_moderator_wins(app: Any, session: Session) -> None:
    moderators = [make_moderator(session) for _ in range(2)]
    author, complainant = make_person(session), make_person(session)
    session.commit()
    clients = [TestClient(app, base_url="http://testserver") for _ in moderators]
    case_ids = []
    with clients[0] as a, clients[1] as b:
        sign_in(a, session, complainant)
        for n in range(6):
            post = make_post(session, author, f"Post {n}")
            session.commit()
            number = file_complaint(a, post.id).json()["number"]
            case_ids.append(case_of(session, number))
        for c, moderator in zip((a, b), moderators, strict=True):
            sign_in(c, session, moderator)
        for case_id in case_ids:
            barrier = threading.Barrier(2)
            statuses: list[int] = []

            def take(
                c: TestClient, case_id: uuid.UUID = case_id, barrier: threading.Barrier = barrier
            ) -> None:
                barrier.wait()
                statuses.append(claim(c, case_id).status_code)  # noqa: B023

            threads = [threading.Thread(target=take, args=(c,)) for c in (a, b)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            assert sorted(statuses) == [200, 409], statuses
            assert case_events(session, case_id).count("claimed") == 1
            assert _case(session, case_id).assignee_id in {m.id for m in moderators}


def test_escalation_hides_the_case_from_moderators_who_are_not_senior(
    client: TestClient, session: Session
) -> None:
    filed = filed_about_a_post(client, session)
    moderator, other = make_moderator(session), make_moderator(session)
    senior = make_moderator(session, role=Role.senior_moderator)
    session.commit()
    sign_in(client, session, moderator)
    url = f"/api/v1/moderation/cases/{filed.case.id}/escalate"
    assert client.post(url, json={"note": "Unclear"}).status_code == 403  # not held
    assert claim(client, filed.case.id).status_code == 200
    assert client.post(url, json={"note": "   "}).status_code == 422

    r = client.post(url, json={"note": "Public figure; needs a senior"})

    assert r.status_code == 200, r.text
    assert r.json()["escalated"] is True
    assert r.json()["assignee_id"] is None
    case = _case(session, filed.case.id)
    assert case.escalated_at is not None
    [record] = audit_of(session, "case:escalate")
    assert (record.actor_id, record.data["note"]) == (moderator.id, "Public figure; needs a senior")
    assert [n.kind for n in notices_of(session, senior)] == [ESCALATED_NOTICE]
    assert notices_of(session, other) == []
    for who in (moderator, other):
        sign_in(client, session, who)
        assert _queue(client) == []
        r = claim(client, filed.case.id)
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "case_may_not_claim"
    sign_in(client, session, senior)
    assert _queue(client) == [str(filed.case.id)]
    decision = decided(client, session, senior, filed.case.id, "remove")
    assert decision.decided_by_id == senior.id


# --- decisions and their effects ------------------------------------------------------------------

EFFECTS: dict[str, tuple[dict[str, Any], dict[str, Any], int]] = {
    # action: (extra fields, item columns after, strike weight)
    "remove": ({}, {"status": ItemStatus.removed}, 2),
    "geo_restrict": ({}, {"status": ItemStatus.restricted}, 2),
    "age_restrict": ({"age_sign": "16+"}, {"status": ItemStatus.visible, "age_sign": "16+"}, 0),
    "label": ({"label": "disputed"}, {"status": ItemStatus.visible, "label": "disputed"}, 0),
    "demote": ({}, {"status": ItemStatus.visible, "demoted": True}, 0),
    "warn": ({}, {"status": ItemStatus.visible, "age_sign": None, "label": None, "demoted": False}, 1),
    "require_author_delete": ({}, {"status": ItemStatus.visible}, 1),
}


@pytest.mark.parametrize("action", list(EFFECTS))
def test_each_decision_takes_effect_and_is_explained_to_the_author(
    client: TestClient, session: Session, action: str
) -> None:
    extra, after, weight = EFFECTS[action]
    author = make_person(session, language="ru")
    filed = filed_about_a_post(client, session, author=author)
    moderator = make_moderator(session)
    session.commit()
    started = datetime.now(UTC)

    decision = decided(client, session, moderator, filed.case.id, action, **extra)

    item = _item(session, filed.item.id)
    for column, value in after.items():
        assert getattr(item, column) == value, column
    assert decision.action == action
    assert (decision.ground_kind, decision.category) == ("law", "unlawful.interethnic_discord")
    assert decision.legal_basis
    assert decision.taxonomy_version
    assert (decision.source, decision.automated_decision, decision.decided_by_id) == (
        "complaint",
        "not",
        moderator.id,
    )
    assert decision.affected_user_id == author.id
    assert decision.appealable_until is not None
    if action == "require_author_delete":
        assert decision.restriction_until is not None
        assert (
            started + timedelta(hours=23)
            < decision.restriction_until
            <= datetime.now(UTC) + timedelta(hours=24)
        )
    case = _case(session, filed.case.id)
    assert (case.status, case.open_key, case.assignee_id) == ("closed", None, moderator.id)
    assert case_events(session, case.id)[-1] == "decided"
    [record] = audit_of(session, "decision:record")
    assert (record.actor_id, record.target_id) == (moderator.id, str(decision.id))
    assert record.data["action"] == action
    [statement] = statements_of(session, kind=StatementKind.statement_of_reasons)
    assert (statement.recipient_id, statement.decision_id, statement.language) == (
        author.id,
        decision.id,
        "ru",
    )
    assert FACTS in statement.body
    assert decision.legal_basis in statement.body
    [notice] = notices_of(session, author)
    assert notice.kind == DECIDED_NOTICE
    assert (notice.link or "").startswith(f"/decisions/{decision.id}/appeal/{author.id}.")
    strikes = fresh(session).scalars(select(Strike)).all()
    assert [(s.user_id, s.weight, s.kind) for s in strikes] == (
        [(author.id, weight, "content")] if weight else []
    )
    answer = complaint_by_number(session, filed.number)
    assert (answer.status, answer.outcome) == ("answered", ComplaintOutcome.upheld)

    sign_in(client, session, author)
    seen = client.get(f"/api/v1/decisions/{decision.id}")
    assert seen.status_code == 200
    assert [s["kind"] for s in seen.json()["statements"]] == ["statement_of_reasons"]
    assert seen.json()["statements"][0]["body"] == statement.body


def test_the_statement_and_the_answer_are_in_each_readers_language(
    client: TestClient, session: Session
) -> None:
    author = make_person(session, language="kk")
    filed = filed_about_a_post(client, session, author=author)
    complainant = _user(session, filed.complainant.id)
    complainant.language = "ru"
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, "remove")
    [statement] = statements_of(session, kind=StatementKind.statement_of_reasons)
    [answer] = statements_of(session, kind=StatementKind.complaint_answer)
    assert (statement.language, statement.recipient_id) == ("kk", author.id)
    assert (answer.language, answer.recipient_id) == ("ru", complainant.id)
    for body in (statement.body, answer.body):
        assert FACTS in body
        assert decision.legal_basis in body


def test_an_account_is_suspended_for_a_time(client: TestClient, session: Session) -> None:
    complainant, account, moderator = make_person(session), make_person(session), make_moderator(session)
    session.commit()
    sign_in(client, session, account)
    account_client_cookies = dict(client.cookies)
    sign_in(client, session, complainant)
    r = file_complaint(client, account.id, subject="account", category="terms_other")
    case_id = case_of(session, r.json()["number"])
    started = datetime.now(UTC)

    decision = decided(
        client,
        session,
        moderator,
        case_id,
        "suspend",
        ground_kind="terms",
        category=None,
        terms_clause="3.1 (threats)",
        suspend_days=7,
    )

    suspended = _user(session, account.id)
    assert suspended.status == AccountStatus.suspended
    assert suspended.suspended_until == decision.restriction_until
    assert started + timedelta(days=7) <= suspended.suspended_until <= datetime.now(UTC) + timedelta(days=7)  # type: ignore[operator]
    assert (decision.ground_kind, decision.terms_clause, decision.category) == (
        "terms",
        "3.1 (threats)",
        None,
    )
    [record] = audit_of(session, "user:set_status")
    assert (record.target_id, record.data["to"]) == (str(account.id), "suspended")
    [statement] = statements_of(session, kind=StatementKind.statement_of_reasons)
    assert statement.recipient_id == account.id
    assert "3.1 (threats)" in statement.body
    client.cookies.clear()
    client.cookies.update(account_client_cookies)
    assert client.get("/api/v1/complaints").status_code == 401  # a suspension ends every session


def test_a_permanent_suspension_has_no_end(client: TestClient, session: Session) -> None:
    complainant, account, moderator = make_person(session), make_person(session), make_moderator(session)
    session.commit()
    sign_in(client, session, complainant)
    r = file_complaint(client, account.id, subject="account", category="terms_other")
    case_id = case_of(session, r.json()["number"])
    decision = decided(
        client, session, moderator, case_id, "suspend", ground_kind="terms", category=None, terms_clause="3.9"
    )
    assert decision.restriction_until is None
    assert _user(session, account.id).status == AccountStatus.suspended
    assert _user(session, account.id).suspended_until is None
    assert "permanently" in statements_of(session, kind=StatementKind.statement_of_reasons)[0].body


def test_a_community_is_removed(client: TestClient, session: Session) -> None:
    owner, complainant, moderator = make_person(session), make_person(session), make_moderator(session)
    community = make_community(session, owner)
    session.commit()
    sign_in(client, session, complainant)
    r = file_complaint(client, community.id, subject="community", category="unlawful.drugs")
    case_id = case_of(session, r.json()["number"])
    decision = decided(client, session, moderator, case_id, "remove", category="unlawful.drugs")
    assert fresh(session).get(Community, community.id).status == CommunityStatus.removed  # type: ignore[union-attr]
    assert decision.affected_user_id == owner.id
    [statement] = statements_of(session, kind=StatementKind.statement_of_reasons)
    assert statement.recipient_id == owner.id


@pytest.mark.law("LAW-31")
def test_an_interface_complaint_is_answered_and_restricts_nothing(
    client: TestClient, session: Session
) -> None:
    complainant, moderator = make_person(session), make_moderator(session)
    session.commit()
    sign_in(client, session, complainant)
    r = file_complaint(
        client, None, subject="interface", category="interface_problem", target_ref="/settings: button broken"
    )
    number = r.json()["number"]
    case_id = case_of(session, number)
    sign_in(client, session, moderator)
    assert claim(client, case_id).status_code == 200
    refused = decide(client, case_id, "remove")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "decision_invalid"
    decided(
        client, session, moderator, case_id, "no_violation", facts="The button works; we fixed a typo in it."
    )
    sign_in(client, session, complainant)
    shown = client.get(f"/api/v1/complaints/{number}").json()
    assert shown["status"] == "answered"
    assert "we fixed a typo" in shown["answer"]


BAD_DECISIONS: dict[str, dict[str, Any]] = {
    "no-ground": {"ground_kind": None, "category": None},
    "unknown-law-category": {"category": "unlawful.no_such_thing"},
    "terms-without-clause": {"ground_kind": "terms", "category": None},
    "age-restrict-without-sign": {"action": "age_restrict"},
    "label-unknown": {"action": "label", "label": "meh"},
    "suspend-a-post": {"action": "suspend"},
    "short-facts": {"facts": "bad"},
    "unknown-action": {"action": "ban_forever"},
}


@pytest.mark.parametrize("case", list(BAD_DECISIONS))
def test_a_decision_without_its_ground_or_parameters_is_refused(
    client: TestClient, session: Session, case: str
) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    sign_in(client, session, moderator)
    assert claim(client, filed.case.id).status_code == 200
    body: dict[str, Any] = {
        "action": "remove",
        "ground_kind": "law",
        "category": "unlawful.interethnic_discord",
        "facts": FACTS,
    }
    body.update(BAD_DECISIONS[case])
    before = snapshot(session)

    r = client.post(f"/api/v1/moderation/cases/{filed.case.id}/decision", json=body)

    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] in {"decision_invalid", "invalid"}
    assert snapshot(session) == before
    assert _item(session, filed.item.id).status == ItemStatus.visible
    case_row = _case(session, filed.case.id)
    assert (case_row.status, case_row.assignee_id) == ("open", moderator.id)


# --- the DSA export ------------------------------------------------------------------------------


def test_the_dsa_export_of_a_removal_is_valid(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, "remove")

    r = client.get(f"/api/v1/decisions/{decision.id}/dsa")

    assert r.status_code == 200, r.text
    assert r.json()["problems"] == {}
    statement = r.json()["statement"]
    assert statement["puid"] == str(decision.id)
    assert statement["decision_facts"] == FACTS
    assert statement["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    sign_in(client, session, filed.author)  # the author reads the decision, not the export
    assert client.get(f"/api/v1/decisions/{decision.id}").status_code == 200
    assert client.get(f"/api/v1/decisions/{decision.id}/dsa").status_code == 404
    sign_in(client, session, make_person(session))
    assert client.get(f"/api/v1/decisions/{decision.id}").status_code == 404


def test_no_violation_has_no_dsa_statement(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, "no_violation")
    assert client.get(f"/api/v1/decisions/{decision.id}/dsa").status_code == 409


# --- strikes --------------------------------------------------------------------------------------


def test_repeated_removals_lead_to_an_automated_suspension(client: TestClient, session: Session) -> None:
    # The owner's rules: an active weight of 6 (three removals of weight 2) suspends for 7 days.
    _save_rules(session, lambda d: d["strikes"].update(thresholds=[[6, 7], [10, 0]]))
    author, complainant, moderator = make_person(session), make_person(session), make_moderator(session)
    posts = [make_post(session, author, f"Rude post {n}") for n in range(3)]
    session.commit()
    sign_in(client, session, complainant)
    cases = []
    for post in posts:
        number = file_complaint(client, post.id).json()["number"]
        cases.append(case_of(session, number))
    sign_in(client, session, moderator)
    removals = []
    for n, case_id in enumerate(cases):
        assert claim(client, case_id).status_code == 200
        r = decide(client, case_id, "remove")
        assert r.status_code == 201, r.text
        removals.append(uuid.UUID(r.json()["id"]))
        if n < 2:
            assert _user(session, author.id).status == AccountStatus.active

    suspension = fresh(session).scalars(select(Decision).where(Decision.action == "suspend")).one()
    assert suspension.follows_id == removals[-1]
    assert (suspension.automated_decision, suspension.decided_by_id, suspension.source) == (
        "fully",
        None,
        "own_initiative",
    )
    assert (suspension.account_id, suspension.ground_kind) == (author.id, "terms")
    assert (suspension.facts, suspension.terms_clause) == (STRIKES_FACTS, STRIKES_CLAUSE)
    user = _user(session, author.id)
    assert user.status == AccountStatus.suspended
    assert user.suspended_until == suspension.restriction_until
    assert suspension.restriction_until is not None
    assert (
        timedelta(days=6, hours=23)
        < suspension.restriction_until - suspension.decided_at
        <= timedelta(days=7)
    )
    assert [s.weight for s in fresh(session).scalars(select(Strike))] == [2, 2, 2]
    [statement] = statements_of(session, decision_id=suspension.id)
    assert statement.recipient_id == author.id
    assert "fully automated" in statement.body
    assert len(audit_of(session, "decision:record")) == 4


def test_manifestly_unfounded_complaints_block_the_complainant(client: TestClient, session: Session) -> None:
    _save_rules(session, lambda d: d["strikes"].update(unfounded_limit=2, unfounded_block_days=30))
    author, complainant, moderator = make_person(session), make_person(session), make_moderator(session)
    posts = [make_post(session, author, f"Harmless post {n}") for n in range(3)]
    session.commit()
    sign_in(client, session, complainant)
    numbers = [file_complaint(client, p.id).json()["number"] for p in posts[:2]]
    sign_in(client, session, moderator)
    for number in numbers:
        case_id = case_of(session, number)
        assert claim(client, case_id).status_code == 200  # type: ignore[arg-type]
        r = decide(client, case_id, "no_violation", unfounded=True)  # type: ignore[arg-type]
        assert r.status_code == 201, r.text
    started = datetime.now(UTC)

    strikes = fresh(session).scalars(select(Strike)).all()
    assert [(s.user_id, s.kind) for s in strikes] == [(complainant.id, StrikeKind.complaints)] * 2
    assert all(complaint_by_number(session, n).manifestly_unfounded for n in numbers)
    blocked = _user(session, complainant.id).complaints_blocked_until
    assert blocked is not None
    assert started + timedelta(days=29, hours=23) < blocked <= started + timedelta(days=30)
    [record] = audit_of(session, "user:block_complaints")
    assert record.target_id == str(complainant.id)
    assert record.data["unfounded"] == 2
    assert BLOCKED_NOTICE in [n.kind for n in notices_of(session, complainant)]

    sign_in(client, session, complainant)
    before = snapshot(session)
    r = file_complaint(client, posts[2].id)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "complaints_blocked"
    assert snapshot(session) == before


def test_an_upheld_complaint_is_never_unfounded(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decided(client, session, moderator, filed.case.id, "remove", unfounded=True)
    assert not complaint_by_number(session, filed.number).manifestly_unfounded
    assert count(session, Strike, Strike.kind == StrikeKind.complaints) == 0


# --- integrating platforms ------------------------------------------------------------------------


def test_a_decision_on_a_platforms_item_is_pushed_to_it_by_webhook(
    client: TestClient, session: Session
) -> None:
    platform = make_platform(session)
    pushed_author = push_account(session, platform.principal, "acc-1")
    item = push_item(session, platform.principal, "post-7", "acc-1", "Pushed rude text")
    make_endpoint(session, platform.principal, "http://127.0.0.1:9/hook")
    moderator = make_moderator(session)
    session.commit()
    r = file_complaint(
        client, None, headers=platform.headers, target_external_id="post-7", reporter_external_id="u-1"
    )
    assert r.status_code == 201, r.text
    case_id = case_of(session, r.json()["number"])

    decision = decided(client, session, moderator, case_id, "remove")

    assert _item(session, item.id).status == ItemStatus.removed
    [event] = webhook_events(session, "decision.recorded")
    assert event["data"]["decision_id"] == str(decision.id)
    assert event["data"]["action"] == "remove"
    assert event["data"]["ground"] == "unlawful.interethnic_discord"
    assert event["data"]["subject"] == {"type": "item", "id": str(item.id), "external_id": "post-7"}
    [answered] = webhook_events(session, "complaint.answered")
    assert answered["data"]["decision_id"] == str(decision.id)
    # The pushed author's statement is stored (the platform reads it); no notice on Senim.
    [statement] = statements_of(session, kind=StatementKind.statement_of_reasons)
    assert statement.recipient_id == pushed_author.id
    assert notices_of(session, pushed_author) == []
    client.cookies.clear()
    seen = client.get(f"/api/v1/decisions/{decision.id}", headers=platform.headers)
    assert seen.status_code == 200
    assert [s["body"] for s in seen.json()["statements"]] == [statement.body]
    export = client.get(f"/api/v1/decisions/{decision.id}/dsa", headers=platform.headers)
    assert export.status_code == 200
    assert export.json()["problems"] == {}


def test_a_moderator_opens_a_case_on_their_own_initiative(client: TestClient, session: Session) -> None:
    author, moderator = make_person(session), make_moderator(session)
    post = make_post(session, author, "Found while browsing")
    session.commit()
    sign_in(client, session, moderator)
    r = client.post(
        "/api/v1/moderation/cases", json={"subject": "item", "target_id": str(post.id), "note": "x"}
    )
    assert r.status_code == 201, r.text
    assert (r.json()["source"], r.json()["complaints"], r.json()["due_at"]) == ("own_initiative", 0, None)
    case_id = uuid.UUID(r.json()["id"])
    assert case_events(session, case_id) == ["opened", "noted"]
    decision = decided(client, session, moderator, case_id, "label", label="sensitive")
    assert decision.source == "own_initiative"
    assert _item(session, post.id).label == "sensitive"
    assert (
        fresh(session).scalars(select(CaseEvent).where(CaseEvent.kind == "decided")).one().case_id == case_id
    )
    assert count(session, Statement, Statement.kind == StatementKind.complaint_answer) == 0


def test_a_platforms_user_complaining_twice_counts_once_for_the_interim_hide(
    client: TestClient, session: Session
) -> None:
    platform = make_platform(session)
    push_account(session, platform.principal, "acc-1")
    item = push_item(session, platform.principal, "post-7", "acc-1", "Pushed text about a pupil")
    make_endpoint(session, platform.principal, "http://127.0.0.1:9/hook")
    session.commit()

    def complain(reporter: str) -> None:
        r = file_complaint(
            client,
            None,
            headers=platform.headers,
            category="cyberbullying_child",  # hidden after complaints from 2 distinct accounts
            target_external_id="post-7",
            reporter_external_id=reporter,
        )
        assert r.status_code == 201, r.text

    complain("u-1")
    complain("u-1")
    assert _item(session, item.id).status == ItemStatus.visible
    assert webhook_events(session, "item.hidden_pending_review") == []
    complain("u-2")
    assert _item(session, item.id).status == ItemStatus.hidden
    [event] = webhook_events(session, "item.hidden_pending_review")
    assert event["data"]["subject"]["external_id"] == "post-7"
