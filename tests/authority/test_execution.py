"""Execution of orders (issue 7 item 3): an accepted order's measures are taken through the moderation
actions with the order as the decision's ground — restricted in Kazakhstan within the 2-hour clock,
removed, accounts suspended — the affected person gets the statement of reasons, the body is told what was
done; a lifting order restores access at once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.authority.service import order_service
from senim.models import (
    AccountStatus,
    ContentItem,
    Decision,
    ItemStatus,
    Notification,
    Role,
    Statement,
    StateOrder,
    User,
)
from tests.authority.test_orders import make_body, restriction
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import fresh


def _accepted(client: TestClient, session: Session, order: dict[str, object]) -> tuple[str, User]:
    body = make_body(session)
    officer = make_user(session, role=Role.legal_officer)
    session.commit()
    answer = body.post(client, order)
    assert answer.status_code == 201, answer.text  # type: ignore[attr-defined]
    number = answer.json()["number"]  # type: ignore[attr-defined]
    order_service.review(session, officer, number, accept=True)
    session.commit()
    return number, officer


@pytest.mark.law("LAW-42")
def test_a_restriction_order_restricts_the_post_in_kazakhstan(client: TestClient, session: Session) -> None:
    post = make_post(session, make_user(session), "Vavada casino, bonus 500%")
    session.commit()
    number, officer = _accepted(client, session, restriction(post.id))
    login_as(client, officer)
    page = client.get(f"/console/orders/{number}")
    done = client.post(
        f"/console/orders/{number}/execute", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert done.status_code == 303
    assert fresh(session).get(ContentItem, post.id).status == ItemStatus.restricted  # type: ignore[union-attr]
    decision = session.scalars(select(Decision)).one()
    assert (decision.source, decision.category, decision.action) == (
        "order",
        "unlawful.online_casino",
        "geo_restrict",
    )
    assert number in decision.source_identity and "118" in decision.source_identity
    order = session.scalars(select(StateOrder)).one()
    assert order.status == "executed" and order.executed_at is not None
    assert order.outcome[0]["result"] == f"decision:{decision.id}"
    assert (
        client.post(
            f"/console/orders/{number}/execute", data={"csrf_token": csrf_from(page.text)}
        ).status_code
        == 409
    )


@pytest.mark.law("LAW-24")
def test_a_court_act_suspends_the_account(client: TestClient, session: Session) -> None:
    person = make_user(session)
    session.commit()
    order = {
        "kind": "account_suspension",
        "legal_basis": {"type": "court_act", "number": "2-55/2026", "date": "2026-11-10"},
        "category": "unlawful.fraud",
        "targets": [{"type": "account", "id": str(person.id)}],
    }
    number, officer = _accepted(client, session, order)
    order_service.execute(session, officer, number)
    session.commit()
    assert fresh(session).get(User, person.id).status == AccountStatus.suspended  # type: ignore[union-attr]


@pytest.mark.law("LAW-33")
@pytest.mark.law("LAW-44")
def test_cyberbullying_is_removed_and_a_lifting_order_restores_access(
    client: TestClient, session: Session
) -> None:
    post = make_post(session, make_user(session), "a post about a pupil")
    session.commit()
    order = {
        "kind": "child_cyberbullying",
        "legal_basis": {"type": "order", "number": "CB-9", "date": "2026-11-28"},
        "targets": [{"type": "item", "id": str(post.id)}],
    }
    number, officer = _accepted(client, session, order)
    order_service.execute(session, officer, number)  # the ground defaults to cyberbullying of a child
    session.commit()
    assert fresh(session).get(ContentItem, post.id).status == ItemStatus.removed  # type: ignore[union-attr]
    lift = {
        "kind": "lift_order",
        "legal_basis": {"type": "order", "number": "CB-9/lift", "date": "2026-11-29"},
        "targets": [{"type": "item", "id": str(post.id)}],
    }
    lifted, officer = _accepted(client, session, lift)
    order_service.execute(session, officer, lifted)
    session.commit()
    assert fresh(session).get(ContentItem, post.id).status == ItemStatus.visible  # type: ignore[union-attr]
    assert session.scalars(select(Decision)).one().status == "reversed"


def test_what_this_step_does_not_take_is_refused(client: TestClient, session: Session) -> None:
    person = make_user(session)
    session.commit()
    disclosure = {
        "kind": "user_data_request",
        "legal_basis": {"type": "court_act", "number": "1-2", "date": "2026-11-01"},
        "targets": [{"type": "account", "id": str(person.id)}],
        "requested_fields": ["email"],
    }
    number, officer = _accepted(client, session, disclosure)
    with pytest.raises(Exception, match="approved by two people"):
        order_service.execute(session, officer, number)
    session.rollback()
    post = make_post(session, make_user(session), "a post")
    session.commit()
    request = {
        "kind": "authority_request",
        "legal_basis": {"type": "request", "number": "R-1", "date": "2026-11-28"},
        "targets": [{"type": "item", "id": str(post.id)}],
        "measures": ["remove"],
    }
    number, officer = _accepted(client, session, request)
    with pytest.raises(Exception, match="category"):
        order_service.execute(session, officer, number)  # a removal needs its ground
    session.rollback()
    order_service.execute(session, officer, number, category="unlawful.drugs")
    session.commit()
    assert fresh(session).get(ContentItem, post.id).status == ItemStatus.removed  # type: ignore[union-attr]


@pytest.mark.law("LAW-18")
def test_an_order_kept_from_the_affected_person_records_why(client: TestClient, session: Session) -> None:
    author = make_user(session)
    post = make_post(session, author, "Vavada casino, bonus 500%")
    session.commit()
    number, officer = _accepted(client, session, restriction(post.id))
    with pytest.raises(Exception, match="Record why"):
        order_service.execute(session, officer, number, tell_affected=False)
    session.rollback()
    reason = "Criminal case 26-1-0042: the investigator forbids informing the suspect."
    order_service.execute(session, officer, number, tell_affected=False, not_told_reason=reason)
    session.commit()
    order = fresh(session).scalars(select(StateOrder)).one()
    assert (order.affected_told, order.not_told_reason) == (False, reason)
    assert session.scalars(select(Statement)).one().recipient_id == author.id  # kept for the record
    assert session.scalars(select(Notification).where(Notification.user_id == author.id)).all() == []
    assert fresh(session).get(ContentItem, post.id).status == ItemStatus.restricted  # type: ignore[union-attr]


def test_the_affected_person_is_told_by_default(client: TestClient, session: Session) -> None:
    author = make_user(session)
    post = make_post(session, author, "Vavada casino, bonus 500%")
    session.commit()
    number, officer = _accepted(client, session, restriction(post.id))
    order_service.execute(session, officer, number)
    session.commit()
    assert fresh(session).scalars(select(Notification).where(Notification.user_id == author.id)).all()
