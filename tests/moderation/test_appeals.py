"""Appeals (LAW-32 by analogy: an appeal is a complaint about an action of the platform): the affected
person and the complainant appeal within the owner's window, another moderator decides, a reversal
restores the content and removes the strike, and the appellant gets a reasoned answer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.kit.clock import ALMATY
from senim.models import (
    Appeal,
    AppealOutcome,
    AppealStatus,
    ContentItem,
    Decision,
    DecisionStatus,
    ItemStatus,
    ModerationCase,
    StatementKind,
    Strike,
)
from senim.moderation.service import APPEAL_NOTICE, moderation_service
from tests.fixtures.content import make_post
from tests.fixtures.moderation import (
    FACTS,
    audit_of,
    case_events,
    claim,
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
)

REASON = "The post quotes a news article; it does not insult anyone."
REVIEW = "On a second reading the post is a quotation of a news report, which is lawful."


def _appeal(client: TestClient, decision_id: uuid.UUID, reason: str = REASON) -> Any:
    return client.post(f"/api/v1/decisions/{decision_id}/appeals", json={"reason": reason})


def _decide_appeal(client: TestClient, case_id: uuid.UUID, reverse: bool, **extra: Any) -> Any:
    body = {"reverse": reverse, "facts": REVIEW, **extra}
    return client.post(f"/api/v1/moderation/cases/{case_id}/appeal-decision", json=body)


def _decision(session: Session, decision_id: uuid.UUID) -> Decision:
    row = fresh(session).get(Decision, decision_id)
    assert row is not None
    return row


def _item_status(session: Session, item_id: uuid.UUID) -> str:
    item = fresh(session).get(ContentItem, item_id)
    assert item is not None
    return item.status


def _appeal_row(session: Session, appeal_id: str) -> Appeal:
    row = fresh(session).get(Appeal, uuid.UUID(appeal_id))
    assert row is not None
    return row


@pytest.mark.law("LAW-32")
def test_the_author_appeals_a_removal_and_another_moderator_reverses_it(
    client: TestClient, session: Session
) -> None:
    filed = filed_about_a_post(client, session)
    first, second = make_moderator(session), make_moderator(session)
    session.commit()
    decision = decided(client, session, first, filed.case.id, "remove")
    assert _item_status(session, filed.item.id) == ItemStatus.removed
    [strike] = fresh(session).scalars(select(Strike)).all()
    sign_in(client, session, filed.author)
    received = datetime.now(UTC)

    r = _appeal(client, decision.id)

    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["decision_id"]) == ("received", str(decision.id))
    appeal = _appeal_row(session, r.json()["id"])
    assert (appeal.appellant_id, appeal.appellant_role, appeal.reason) == (
        filed.author.id,
        "affected",
        REASON,
    )
    # Answered like a complaint: by the end of the 20th calendar day after the day of receipt.
    assert appeal.due_at is not None
    local_due = appeal.due_at.astimezone(ALMATY)
    assert local_due.date() == received.astimezone(ALMATY).date() + timedelta(days=20)
    assert (local_due.hour, local_due.minute) == (23, 59)
    assert appeal.case_id is not None
    case = fresh(session).get(ModerationCase, appeal.case_id)
    assert case is not None
    assert (case.kind, case.source, case.queue, case.excluded_moderator_id) == (
        "appeal",
        "appeal",
        "appeals",
        first.id,
    )
    [record] = audit_of(session, "appeal:file")
    assert (record.actor_id, record.target_id) == (filed.author.id, str(appeal.id))
    assert notices_of(session, filed.author)[-1].link == f"/decisions/{decision.id}"

    # The moderator who decided can neither take the appeal nor decide it.
    sign_in(client, session, first)
    assert client.get("/api/v1/moderation/cases").json()["items"] == []
    refused = claim(client, case.id)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "case_may_not_claim"
    case.assignee_id = first.id  # even holding it somehow, the decision is refused
    session.commit()
    before = snapshot(session)
    refused = _decide_appeal(client, case.id, True)
    assert refused.status_code == 403
    assert snapshot(session) == before
    case.assignee_id = None
    session.commit()

    sign_in(client, session, second)
    assert claim(client, case.id).status_code == 200
    r = _decide_appeal(client, case.id, True)

    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "reversed"
    appeal = _appeal_row(session, str(appeal.id))
    assert (appeal.status, appeal.outcome, appeal.decided_by_id) == (
        AppealStatus.decided,
        AppealOutcome.reversed,
        second.id,
    )
    assert appeal.new_decision_id is None
    reversed_ = _decision(session, decision.id)
    assert reversed_.status == DecisionStatus.reversed
    assert reversed_.reversed_at is not None
    assert _item_status(session, filed.item.id) == ItemStatus.visible  # the content is restored
    assert fresh(session).get(Strike, strike.id).removed_at is not None  # type: ignore[union-attr]
    assert moderation_service.active_weight(session, filed.author.id, 180) == 0
    [answer] = statements_of(session, kind=StatementKind.appeal_answer)
    assert (answer.recipient_id, answer.appeal_id, answer.decision_id) == (
        filed.author.id,
        appeal.id,
        decision.id,
    )
    assert answer.language == filed.author.language
    assert REVIEW in answer.body
    assert "The decision is reversed." in answer.body
    assert notices_of(session, filed.author)[-1].kind == APPEAL_NOTICE
    [record] = audit_of(session, "appeal:decide")
    assert (record.actor_id, record.data["outcome"]) == (second.id, "reversed")
    assert case_events(session, case.id)[-1] == "decided"
    sign_in(client, session, filed.author)
    kinds = [s["kind"] for s in client.get(f"/api/v1/decisions/{decision.id}").json()["statements"]]
    assert kinds == ["statement_of_reasons", "appeal_answer"]
    assert client.get(f"/api/v1/posts/{filed.item.id}").status_code == 200
    again = _appeal(client, decision.id, "And once more, after the reversal.")
    assert again.status_code in (403, 409)


@pytest.mark.law("LAW-32")
def test_the_complainant_appeals_no_violation_and_the_reversal_records_a_new_decision(
    client: TestClient, session: Session
) -> None:
    filed = filed_about_a_post(client, session)
    first, second = make_moderator(session), make_moderator(session)
    session.commit()
    original = decided(client, session, first, filed.case.id, "no_violation")
    assert original.appealable_until is not None  # complainants may appeal "no violation"
    sign_in(client, session, filed.author)
    refused = _appeal(client, original.id)  # nothing to appeal for the author
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "appeal_refused"
    sign_in(client, session, filed.complainant)
    r = _appeal(client, original.id)
    assert r.status_code == 201, r.text
    appeal = _appeal_row(session, r.json()["id"])
    assert (appeal.appellant_role, appeal.complaint_id) == ("complainant", filed.complaint.id)
    assert appeal.case_id is not None

    sign_in(client, session, second)
    assert claim(client, appeal.case_id).status_code == 200
    missing = _decide_appeal(client, appeal.case_id, True)
    assert missing.status_code == 422  # a reversal of "no violation" says what replaces it
    replacement = {
        "action": "remove",
        "ground_kind": "law",
        "category": "unlawful.interethnic_discord",
        "facts": FACTS,
    }
    r = _decide_appeal(client, appeal.case_id, True, replacement=replacement)

    assert r.status_code == 200, r.text
    appeal = _appeal_row(session, str(appeal.id))
    assert appeal.new_decision_id is not None
    new = _decision(session, appeal.new_decision_id)
    assert (new.action, new.source, new.follows_id, new.decided_by_id) == (
        "remove",
        "appeal",
        original.id,
        second.id,
    )
    assert _decision(session, original.id).status == DecisionStatus.reversed
    assert _item_status(session, filed.item.id) == ItemStatus.removed
    [answer] = statements_of(session, kind=StatementKind.appeal_answer)
    assert answer.recipient_id == filed.complainant.id
    assert "New decision: Removed." in answer.body
    [reasons] = statements_of(session, kind=StatementKind.statement_of_reasons)
    assert (reasons.decision_id, reasons.recipient_id) == (new.id, filed.author.id)
    assert [r.data["new_decision_id"] for r in audit_of(session, "appeal:decide")] == [str(new.id)]
    assert fresh(session).scalars(select(Strike)).one().decision_id == new.id


def test_an_upheld_appeal_changes_nothing(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    first, second = make_moderator(session), make_moderator(session)
    session.commit()
    decision = decided(client, session, first, filed.case.id, "remove")
    sign_in(client, session, filed.author)
    appeal_id = _appeal(client, decision.id).json()["id"]
    case_id = _appeal_row(session, appeal_id).case_id
    assert case_id is not None
    sign_in(client, session, second)
    assert claim(client, case_id).status_code == 200
    r = _decide_appeal(client, case_id, False)
    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "upheld"
    assert _decision(session, decision.id).status == DecisionStatus.in_force
    assert _item_status(session, filed.item.id) == ItemStatus.removed
    assert fresh(session).scalars(select(Strike)).one().removed_at is None
    [answer] = statements_of(session, kind=StatementKind.appeal_answer)
    assert "The decision is upheld." in answer.body
    assert "right to go to court" in answer.body


def test_a_reversal_after_an_interim_hide_makes_the_post_visible_again(
    client: TestClient, session: Session
) -> None:
    # cyberbullying_child hides a post after complaints from 2 distinct accounts.
    filed = filed_about_a_post(client, session, category="cyberbullying_child")
    other, first, second = make_person(session), make_moderator(session), make_moderator(session)
    session.commit()
    sign_in(client, session, other)
    assert file_complaint(client, filed.item.id, category="cyberbullying_child").status_code == 201
    assert _item_status(session, filed.item.id) == ItemStatus.hidden
    decision = decided(
        client, session, first, filed.case.id, "remove", ground_kind="law", category="cyberbullying_child"
    )
    assert _item_status(session, filed.item.id) == ItemStatus.removed
    sign_in(client, session, filed.author)
    appeal_id = _appeal(client, decision.id).json()["id"]
    case_id = _appeal_row(session, appeal_id).case_id
    assert case_id is not None
    sign_in(client, session, second)
    assert claim(client, case_id).status_code == 200
    assert _decide_appeal(client, case_id, True).status_code == 200
    assert _item_status(session, filed.item.id) == ItemStatus.visible  # not back to "hidden pending review"


def test_an_appeal_after_the_window_is_refused(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, "remove")
    row = _decision(session, decision.id)
    row.appealable_until = datetime.now(UTC) - timedelta(seconds=1)
    session.commit()
    sign_in(client, session, filed.author)
    before = snapshot(session)
    r = _appeal(client, decision.id)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "appeal_refused"
    assert snapshot(session) == before


def test_the_appeal_window_is_the_owners(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, "remove")
    assert decision.appealable_until is not None
    assert decision.appealable_until - decision.decided_at == timedelta(days=180)  # the default rules


def test_appealing_twice_is_refused(client: TestClient, session: Session) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, "remove")
    sign_in(client, session, filed.author)
    assert _appeal(client, decision.id).status_code == 201
    before = snapshot(session)
    r = _appeal(client, decision.id, "Once more, with feeling and more detail.")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "appeal_exists"
    assert snapshot(session) == before


def test_the_affected_person_and_the_complainant_share_one_appeal_case(
    client: TestClient, session: Session
) -> None:
    filed = filed_about_a_post(client, session)
    first, second = make_moderator(session), make_moderator(session)
    session.commit()
    decision = decided(client, session, first, filed.case.id, "label", label="disputed")
    sign_in(client, session, filed.author)
    one = _appeal(client, decision.id).json()["id"]
    sign_in(client, session, filed.complainant)
    two = _appeal(client, decision.id, "A label is not enough: it must be removed.").json()["id"]
    case_id = _appeal_row(session, one).case_id
    assert case_id is not None
    assert _appeal_row(session, two).case_id == case_id
    sign_in(client, session, second)
    assert claim(client, case_id).status_code == 200
    assert _decide_appeal(client, case_id, False).status_code == 200
    answers = statements_of(session, kind=StatementKind.appeal_answer)
    assert {a.recipient_id for a in answers} == {filed.author.id, filed.complainant.id}
    assert {_appeal_row(session, a).status for a in (one, two)} == {AppealStatus.decided}


@pytest.mark.parametrize(
    ("who", "reason", "status", "code"),
    [
        ("stranger", REASON, 404, "decision_not_found"),
        ("author", "No.", 422, "appeal_invalid"),
        ("author", "x" * 5001, 422, "invalid"),
    ],
    ids=["stranger", "short-reason", "long-reason"],
)
def test_bad_appeals_are_refused(
    client: TestClient, session: Session, who: str, reason: str, status: int, code: str
) -> None:
    filed = filed_about_a_post(client, session)
    moderator, stranger = make_moderator(session), make_person(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, "remove")
    sign_in(client, session, stranger if who == "stranger" else filed.author)
    before = snapshot(session)
    r = _appeal(client, decision.id, reason)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert snapshot(session) == before


def test_a_review_case_is_not_decided_as_an_appeal(client: TestClient, session: Session) -> None:
    author, moderator = make_person(session), make_moderator(session)
    post = make_post(session, author, "Something")
    session.commit()
    sign_in(client, session, moderator)
    case_id = client.post(
        "/api/v1/moderation/cases", json={"subject": "item", "target_id": str(post.id)}
    ).json()["id"]
    assert claim(client, case_id).status_code == 200
    r = _decide_appeal(client, uuid.UUID(case_id), True)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "decision_invalid"
