"""Redaction (issue 8 item 7): personal data a moderator writes into a decision's facts never reaches a
statement of reasons, a reasoned answer or the public DSA export — the personal-data detectors replace it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.fixtures.moderation import decided, filed_about_a_post, make_moderator, statements_of

FACTS = (
    "The post publishes the neighbour's phone +7 701 234 56 78 and e-mail neighbour@example.kz "
    "with a call to harass them."
)


@pytest.mark.law("LAW-27")
@pytest.mark.law("LAW-28")
def test_personal_data_in_the_facts_is_redacted_in_statements_and_the_public_export(
    client: TestClient, session: Session
) -> None:
    filed = filed_about_a_post(client, session)
    moderator = make_moderator(session)
    session.commit()
    decision = decided(client, session, moderator, filed.case.id, facts=FACTS)
    statements = statements_of(session, decision_id=decision.id)
    assert statements
    for statement in statements:
        assert "234 56 78" not in statement.body and "neighbour@example.kz" not in statement.body
    assert any("[phone]" in s.body and "[email]" in s.body for s in statements)
    exported = client.get(f"/api/v1/decisions/{decision.id}/dsa")
    assert exported.status_code == 200, exported.text
    facts = exported.json()["statement"]["decision_facts"]
    assert "neighbour@example.kz" not in facts and "[email]" in facts and "[phone]" in facts
