"""The orders desk (issue 7 items 1, 2, 5 and the review of item 3): the authorized body sends orders
through the API with its token and a signature over the body; a legal officer enters a received letter
with its scanned document; each order gets its statutory clock (2 h, 24 h, immediately); the sweep warns
and escalates; a legal officer verifies the basis or rejects with reasons sent back; a body sees only its
own records; bad and unsigned requests are refused with clear errors and nothing is written."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account.service import account_service
from senim.audit import Actor
from senim.authority import policy
from senim.authority.policy import OrderKind
from senim.authority.service import order_service
from senim.kit.clock import ALMATY
from senim.models import AuditRecord, LegalHold, Notification, Role, StateOrder, User
from senim.notification.webhooks import sign
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import fresh, sign_in


@dataclass
class Body:
    principal: User
    token: str
    secret: str

    def post(
        self, client: TestClient, order: object, *, secret: str | None = None, signed: bool = True
    ) -> object:
        raw = json.dumps(order) if not isinstance(order, str) else order
        headers = {
            "authorization": f"Bearer {self.token}",
            "content-type": "application/json",
            "accept-language": "en",
        }
        if signed:
            headers["senim-signature"] = sign(secret or self.secret, raw, int(time.time()))
        return client.post("/api/v1/orders", content=raw, headers=headers)

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}


def make_body(session: Session, name: str = "Ministry of Culture and Information") -> Body:
    """A state body with its API token and signing secret, and a password for its portal."""
    principal = make_user(session, role=Role.authorized_body, display_name=name)
    issued = account_service.issue_token(
        session, Actor.system("test"), principal, name="orders", scopes=["authority:submit", "authority:read"]
    )
    secret = order_service.issue_signing_secret(session, Actor.system("test"), principal)
    return Body(principal, issued.token, secret)


def restriction(item_id: object) -> dict[str, object]:
    return {
        "kind": "restriction_order",
        "reference": "MCI-41-1/2026-118",
        "legal_basis": {"type": "order", "number": "118", "date": "2026-11-27", "article": "COMM Art. 41-1"},
        "category": "unlawful.online_casino",
        "targets": [{"type": "item", "id": str(item_id)}],
    }


def _orders(session: Session) -> list[StateOrder]:
    return list(fresh(session).scalars(select(StateOrder)))


@pytest.mark.law("LAW-42")
def test_a_signed_restriction_order_is_received_with_its_two_hour_clock(
    client: TestClient, session: Session
) -> None:
    body = make_body(session)
    officer = make_user(session, role=Role.legal_officer)
    post = make_post(session, make_user(session), "Vavada casino bonus, mirror link")
    session.commit()
    answer = body.post(client, restriction(post.id))
    assert answer.status_code == 201, answer.text
    data = answer.json()
    assert policy.NUMBER_RE.fullmatch(data["number"]) and data["status"] == "received"
    received = datetime.fromisoformat(data["received_at"])
    assert datetime.fromisoformat(data["due_at"]) - received == timedelta(hours=2)
    order = _orders(session)[0]
    assert (
        order.signature_verified
        and order.channel == "api"
        and order.issuing_body == body.principal.display_name
    )
    assert session.scalars(select(Notification).where(Notification.user_id == officer.id)).one()
    assert fresh(session).scalars(select(AuditRecord).where(AuditRecord.tag == "order:receive")).one()
    mine = client.get(f"/api/v1/orders/{data['number']}", headers=body.headers)
    assert mine.status_code == 200 and mine.json()["reference"] == "MCI-41-1/2026-118"


@pytest.mark.law("LAW-18")
@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"signed": False}, 401, "not signed"),
        ({"secret": "sss_wrong"}, 401, "does not verify"),
        ({"order": "{not json"}, 422, "not valid JSON"),
        ({"order": {"kind": "restriction_order", "legal_basis": {"type": "order"}}}, 422, "legal_basis"),
        ({"drop": "category"}, 422, "ground"),
        ({"target": "00000000-0000-0000-0000-000000000000"}, 422, "no such post"),
        (
            {
                "extra": {
                    "kind": "court_act",
                    "measures": ["remove", "disclose"],
                    "requested_fields": ["email"],
                }
            },
            422,
            "order of its own",
        ),
    ],
)
def test_bad_and_unsigned_orders_are_refused_and_nothing_is_written(
    client: TestClient, session: Session, change: dict[str, object], status: int, says: str
) -> None:
    body = make_body(session)
    post = make_post(session, make_user(session), "a post")
    session.commit()
    order: object = restriction(post.id)
    if "drop" in change:
        order = {k: v for k, v in restriction(post.id).items() if k != change["drop"]}
    if "target" in change:
        order = restriction(change["target"])
    if "extra" in change:
        order = {**restriction(post.id), **change["extra"]}  # type: ignore[dict-item]
    order = change.get("order", order)
    answer = body.post(client, order, secret=change.get("secret"), signed=change.get("signed", True))  # type: ignore[arg-type]
    assert answer.status_code == status and says in answer.text
    assert _orders(session) == []


def test_a_revoked_secret_no_longer_verifies(client: TestClient, session: Session) -> None:
    body = make_body(session)
    post = make_post(session, make_user(session), "a post")
    old = body.secret
    body.secret = order_service.issue_signing_secret(session, Actor.system("test"), body.principal)
    session.commit()
    assert body.post(client, restriction(post.id), secret=old).status_code == 401
    assert body.post(client, restriction(post.id)).status_code == 201


@pytest.mark.law("LAW-16")
@pytest.mark.law("LAW-41")
@pytest.mark.law("LAW-44")
@pytest.mark.law("LAW-33")
def test_the_clocks_across_midnight_in_almaty() -> None:
    late = datetime(2026, 12, 31, 23, 30, tzinfo=ALMATY).astimezone(UTC)
    assert policy.clock(OrderKind.restriction_order).due_at(late) == datetime(
        2027, 1, 1, 1, 30, tzinfo=ALMATY
    )
    assert policy.clock(OrderKind.authority_request).due_at(late) == datetime(
        2027, 1, 1, 23, 30, tzinfo=ALMATY
    )
    assert policy.clock(OrderKind.child_cyberbullying).due_at(late) == late + timedelta(hours=24)
    for kind in (OrderKind.immediate_restriction, OrderKind.lift_order):
        assert policy.clock(kind).due_at(late) == late
    assert set(policy.CLOCKS) == set(OrderKind)


@pytest.mark.law("LAW-42")
def test_the_sweep_warns_then_escalates_once_each(client: TestClient, session: Session) -> None:
    body = make_body(session)
    officer = make_user(session, role=Role.legal_officer)
    admin = make_user(session, role=Role.administrator)
    post = make_post(session, make_user(session), "a post")
    session.commit()
    assert body.post(client, restriction(post.id)).status_code == 201
    order = _orders(session)[0]
    assert order_service.sweep_clocks(session, order.received_at + timedelta(minutes=30)) == (0, 0)
    assert order_service.sweep_clocks(session, order.received_at + timedelta(minutes=95)) == (1, 0)
    assert order_service.sweep_clocks(session, order.received_at + timedelta(minutes=100)) == (0, 0)
    assert order_service.sweep_clocks(session, order.received_at + timedelta(hours=2, minutes=1)) == (0, 1)
    assert order_service.sweep_clocks(session, order.received_at + timedelta(hours=3)) == (0, 0)
    session.commit()
    kinds = [n.kind for n in session.scalars(select(Notification).where(Notification.user_id == officer.id))]
    assert len(kinds) == 3  # received, due soon, past the deadline
    assert session.scalars(select(Notification).where(Notification.user_id == admin.id)).one()
    tags = [r.tag for r in fresh(session).scalars(select(AuditRecord))]
    assert tags.count("order:clock_warn") == 1 and tags.count("order:clock_breach") == 1


@pytest.mark.law("LAW-18")
def test_a_legal_officer_accepts_or_rejects_with_reasons_the_body_reads(
    client: TestClient, session: Session
) -> None:
    body = make_body(session)
    officer = make_user(session, role=Role.legal_officer)
    post = make_post(session, make_user(session), "a post")
    session.commit()
    first = body.post(client, restriction(post.id)).json()["number"]  # type: ignore[attr-defined]
    replayed = body.post(client, restriction(post.id))  # the same reference again: a retry, refused
    assert replayed.status_code == 409 and first in replayed.text  # type: ignore[attr-defined]
    second_order = {**restriction(post.id), "reference": "MCI-41-1/2026-119"}
    second = body.post(client, second_order).json()["number"]  # type: ignore[attr-defined]
    login_as(client, officer)
    page = client.get(f"/console/orders/{first}")
    assert page.status_code == 200 and "Legal review" in page.text
    csrf = csrf_from(page.text)
    refused = client.post(f"/console/orders/{second}/review", data={"csrf_token": csrf, "decision": "reject"})
    assert refused.status_code == 422
    done = client.post(
        f"/console/orders/{first}/review",
        data={"csrf_token": csrf, "decision": "accept"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    reason = "The order names no post of this platform under its Art. 41-1 ground."
    client.post(
        f"/console/orders/{second}/review", data={"csrf_token": csrf, "decision": "reject", "reason": reason}
    )
    again = client.post(
        f"/console/orders/{first}/review", data={"csrf_token": csrf, "decision": "reject", "reason": "x"}
    )
    assert again.status_code == 409
    client.cookies.clear()
    seen = {o["number"]: o for o in client.get("/api/v1/orders", headers=body.headers).json()["items"]}
    assert seen[first]["status"] == "accepted"
    assert (seen[second]["status"], seen[second]["rejection_reason"]) == ("rejected", reason)


def test_a_body_never_sees_another_bodys_orders(client: TestClient, session: Session) -> None:
    ministry, other = make_body(session), make_body(session, "Another body")
    post = make_post(session, make_user(session), "a post")
    session.commit()
    number = ministry.post(client, restriction(post.id)).json()["number"]  # type: ignore[attr-defined]
    assert client.get(f"/api/v1/orders/{number}", headers=other.headers).status_code == 404
    assert client.get("/api/v1/orders", headers=other.headers).json()["items"] == []
    assert len(client.get("/api/v1/orders", headers=ministry.headers).json()["items"]) == 1
    assert client.get("/console/orders", headers=ministry.headers).status_code in (403, 404)


@pytest.mark.law("LAW-17")
def test_a_legal_officer_enters_a_letter_with_its_scan(client: TestClient, session: Session) -> None:
    officer = make_user(session, role=Role.legal_officer)
    target = make_user(session)
    session.commit()
    login_as(client, officer)
    page = client.get("/console/orders/new")
    form = {
        "csrf_token": csrf_from(page.text),
        "kind": "court_act",
        "issuing_body": "Almaty District Court No. 2",
        "reference": "2-3344/2026",
        "basis_type": "court_act",
        "basis_number": "2-3344/2026",
        "basis_date": "2026-11-02",
        "targets": f"account:{target.id}",
        "measures": "suspend",
    }
    scan = ("letter.pdf", b"%PDF-1.4\n% scanned letter\n", "application/pdf")
    refused = client.post("/console/orders/new", data=form)
    assert refused.status_code == 422 and _orders(session) == []  # the scan is required
    done = client.post("/console/orders/new", data=form, files=[("evidence", scan)], follow_redirects=False)
    assert done.status_code == 303, done.text
    order = _orders(session)[0]
    assert (order.channel, order.entered_by_id, order.kind) == ("letter", officer.id, "court_act")
    detail = client.get(done.headers["location"])
    link = detail.text.split('href="/console/orders/documents/')[1].split('"')[0]
    document = client.get(f"/console/orders/documents/{link}")
    assert document.status_code == 200 and document.content.startswith(b"%PDF")


@pytest.mark.law("LAW-18")
def test_a_preservation_request_holds_the_content_until_rejected(
    client: TestClient, session: Session
) -> None:
    body = make_body(session)
    post = make_post(session, make_user(session), "evidence")
    session.commit()
    order = {
        "kind": "preservation",
        "legal_basis": {"type": "request", "number": "77", "date": "2026-11-28"},
        "targets": [{"type": "item", "id": str(post.id)}],
    }
    number = body.post(client, order).json()["number"]  # type: ignore[attr-defined]
    hold = fresh(session).scalars(select(LegalHold)).one()
    assert hold.item_id == post.id and hold.released_at is None
    order_service.review(
        session, make_user(session, role=Role.legal_officer), number, accept=False, reason="No basis."
    )
    session.commit()
    assert fresh(session).scalars(select(LegalHold)).one().released_at is not None


def test_an_administrator_issues_the_signing_secret_once(client: TestClient, session: Session) -> None:
    body = make_body(session)
    admin = make_user(session, role=Role.administrator)
    session.commit()
    login_as(client, admin)
    page = client.get(f"/console/users/{body.principal.id}")
    assert "Issue a signing secret" in page.text
    shown = client.post(
        f"/console/users/{body.principal.id}/signing-secret", data={"csrf_token": csrf_from(page.text)}
    )
    assert (
        shown.status_code == 200
        and "sss_" in shown.text
        and shown.headers["cache-control"].startswith("no-store")
    )
    assert "signing_secret:issue" in [r.tag for r in fresh(session).scalars(select(AuditRecord))]


@pytest.mark.parametrize(
    ("role", "list_status", "review_status"),
    [
        (Role.legal_officer, 200, 303),
        (Role.data_protection_officer, 200, 403),
        (Role.administrator, 200, 403),
        (Role.moderator, 403, 403),
        (Role.user, 403, 403),
    ],
)
def test_who_reaches_the_orders_desk(
    client: TestClient, session: Session, role: Role, list_status: int, review_status: int
) -> None:
    body = make_body(session)
    post = make_post(session, make_user(session), "a post")
    session.commit()
    number = body.post(client, restriction(post.id)).json()["number"]  # type: ignore[attr-defined]
    csrf = sign_in(client, session, make_user(session, role=role))
    assert client.get("/console/orders").status_code == list_status
    answer = client.post(
        f"/console/orders/{number}/review",
        data={"csrf_token": csrf, "decision": "accept"},
        follow_redirects=False,
    )
    assert answer.status_code == review_status
