"""Decisions no person took (PDL Art. 19-1, LAW-80): the statement of reasons says so and offers an
objection, and an appeal against such a decision is answered by a person within 3 working days."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.kit.deadlines import RULES, due_at
from senim.models import Appeal, Decision, ModerationCase
from senim.moderation.statements import Context, statement_of_reasons
from senim.notification.service import in_language
from tests.fixtures.moderation import audit_of, decided, filed_about_a_post, fresh, make_moderator, sign_in

REASON = "The post quotes a news article; it does not insult anyone."


def _removed(client: TestClient, session: Session, automation: str) -> tuple[Decision, object]:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, "remove")
    decision.automated_decision = automation  # as the detection pipeline records an automatic removal
    decision.decided_by_id = None
    session.commit()
    return decision, filed.author


@pytest.mark.law("LAW-80")
def test_an_appeal_against_an_automated_decision_is_an_objection_answered_in_3_working_days(
    client: TestClient, session: Session
) -> None:
    decision, author = _removed(client, session, "fully")
    sign_in(client, session, author)
    received = datetime.now(UTC)

    r = client.post(f"/api/v1/decisions/{decision.id}/appeals", json={"reason": REASON})

    assert r.status_code == 201, r.text
    appeal = fresh(session).get(Appeal, uuid.UUID(r.json()["id"]))
    assert appeal is not None and appeal.due_at is not None
    expected = due_at(RULES["automated_decision_objection"].rule, received)
    assert abs((appeal.due_at - expected).total_seconds()) < 120
    case = session.get(ModerationCase, appeal.case_id)
    assert case is not None and case.due_at == appeal.due_at  # the person reviewing sees the short clock
    [record] = audit_of(session, "appeal:file")
    assert record.data["automated_objection"] is True


@pytest.mark.law("LAW-80")
@pytest.mark.parametrize("automation", ["not", "partially"])
def test_an_appeal_against_a_decision_a_person_took_keeps_the_20_days(
    client: TestClient, session: Session, automation: str
) -> None:
    decision, author = _removed(client, session, automation)
    sign_in(client, session, author)
    received = datetime.now(UTC)

    r = client.post(f"/api/v1/decisions/{decision.id}/appeals", json={"reason": REASON})

    assert r.status_code == 201, r.text
    appeal = fresh(session).get(Appeal, uuid.UUID(r.json()["id"]))
    assert appeal is not None and appeal.due_at is not None
    expected = due_at(RULES["complaint_answer"].rule, received)
    assert abs((appeal.due_at - expected).total_seconds()) < 120
    [record] = audit_of(session, "appeal:file")
    assert record.data["automated_objection"] is False


def _statement(automation: str, language: str) -> str:
    now = datetime.now(UTC)
    decision = Decision(
        action="remove",
        ground_kind="terms",
        category="unlawful.interethnic_discord",
        terms_clause="4.2",
        legal_basis="",
        facts="The post calls for discord.",
        source="detection",
        automated_detection=True,
        automated_decision=automation,
        decided_at=now,
        appealable_until=now,
    )
    with in_language(language):
        return statement_of_reasons(decision, Context("post", "/decisions/x", "https://senim.example"))


@pytest.mark.law("LAW-80")
def test_the_statement_of_an_automated_decision_offers_the_objection_in_every_language() -> None:
    assert "3 working days" in _statement("fully", "en")
    assert "Article 19-1" in _statement("fully", "en")
    assert "статья 19-1" in _statement("fully", "ru") and "3 рабочих дней" in _statement("fully", "ru")
    assert "19-1" in _statement("fully", "kk") and "3 жұмыс күні" in _statement("fully", "kk")
    assert "19-1" not in _statement("not", "en")
    assert "19-1" not in _statement("partially", "en")
