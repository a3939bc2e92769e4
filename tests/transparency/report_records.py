"""Hand-counted records for the transparency report's tests: :func:`seed_year` writes one of each kind of
record the annual report counts, around the edges of 2026 in Asia/Almaty (UTC+5), and :data:`EXPECTED`
holds the figures counted by hand from them."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from senim.kit import deadlines
from senim.models import (
    Appeal,
    Complaint,
    ContentItem,
    Decision,
    DetectionRule,
    Disclosure,
    Escalation,
    Role,
    Signal,
    StateOrder,
)
from tests.fixtures.builders import make_user

DAY = 86400
_seq = itertools.count(1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def complaint(received: str, *, answered: timedelta | None = None, **over: Any) -> dict[str, Any]:
    n = next(_seq)
    start = at(received)
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "number": f"T-{n:04d}-{uuid.uuid4().hex[:4]}",
        "status": "answered" if answered else "received",
        "subject": "item",
        "category": "unlawful.suicide",
        "rules_version": 1,
        "description": "hand-counted",
        "details": {},
        "language": "kk",
        "received_at": start,
        "legal_due_at": deadlines.RULES["complaint_answer"].due_at(start),
        "answered_at": start + answered if answered else None,
        "outcome": None,
        "manifestly_unfounded": False,
    }
    return row | over


def decision(decided: str, action: str, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "subject": "item",
        "action": action,
        "facts": "hand-counted decision",
        "source": "complaint",
        "ground_kind": None,
        "category": None,
        "automated_detection": False,
        "automated_decision": "not",
        "decided_at": at(decided),
    }
    return row | over


def order(received: str, kind: str, *, due: timedelta, **over: Any) -> dict[str, Any]:
    n = next(_seq)
    start = at(received)
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "number": f"O-T{n:03d}-{uuid.uuid4().hex[:4].upper()}",
        "issuing_body": "Ministry",
        "kind": kind,
        "basis_type": "law_article",
        "basis_article": "Art. 1",
        "measures": [],
        "requested_fields": [],
        "targets": [],
        "channel": "letter",
        "received_at": start,
        "due_at": start + due,
        "warn_at": start + due / 2,
        "status": "received",
    }
    return row | over


def seed_year(session: Session) -> dict[str, uuid.UUID]:
    """The hand-counted records (committed); returns a few ids the tests use."""
    author = make_user(session, role=Role.user)
    officer = make_user(session, role=Role.legal_officer)
    session.commit()
    item_id, rule_id = uuid.uuid4(), uuid.uuid4()
    session.execute(
        insert(ContentItem), [{"id": item_id, "kind": "post", "author_id": author.id, "body": "x"}]
    )
    session.execute(insert(DetectionRule), [{"id": rule_id, "name": f"rule-{uuid.uuid4().hex[:6]}"}])
    session.execute(
        insert(Complaint),
        [
            complaint("2026-03-01T10:00:00", answered=timedelta(days=2), outcome="upheld"),
            complaint("2026-03-05T10:00:00", answered=timedelta(days=25), outcome="rejected"),
            complaint(
                "2026-06-01T10:00:00",
                answered=timedelta(days=10),
                outcome="resolved",
                category="false_information",
                manifestly_unfounded=True,
            ),
            complaint("2026-12-20T10:00:00"),  # unanswered at the end
            complaint("2026-04-01T10:00:00", status="unverified"),  # never confirmed: not received
            # 2026-01-01 00:00 in Almaty: the first moment of the year
            complaint("2025-12-31T19:00:00", category="spam_fraud", subject="account"),
            # a second earlier: received in 2025, answered in 2026 (after exactly three days)
            complaint("2025-12-31T18:59:59", answered=timedelta(days=3), outcome="upheld"),
        ],
    )
    d1 = decision(
        "2026-02-10T08:00:00",
        "remove",
        source="detection",
        ground_kind="law",
        category="unlawful.suicide",
        automated_detection=True,
        automated_decision="fully",
    )
    session.execute(
        insert(Decision),
        [
            d1,
            decision(
                "2026-02-11T08:00:00",
                "geo_restrict",
                source="order",
                ground_kind="law",
                category="unlawful.suicide",
            ),
            decision("2026-02-12T08:00:00", "no_violation"),
            decision(
                "2026-02-13T08:00:00",
                "suspend",
                source="own_initiative",
                ground_kind="terms",
                automated_decision="partially",
            ),
            # 2027-01-01 00:00 in Almaty: next year's
            decision(
                "2026-12-31T19:00:00",
                "remove",
                ground_kind="law",
                category="unlawful.drugs",
                automated_decision="partially",
            ),
        ],
    )
    signal = {"subject": "item", "item_id": item_id, "rule_id": rule_id, "rule_version": 1, "score": 1.0}
    session.execute(
        insert(Signal),
        [
            signal
            | {
                "id": uuid.uuid4(),
                "category": "unlawful.suicide",
                "evidence": [],
                "action": "hide",
                "created_at": at("2026-02-10T07:59:00"),
            },
            signal
            | {
                "id": uuid.uuid4(),
                "category": "unlawful.drugs",
                "evidence": [],
                "shadow": True,
                "created_at": at("2026-02-10T07:59:00"),
            },
        ],
    )
    o1 = order(
        "2026-02-01T10:00:00", "restriction_order", due=timedelta(hours=2), category="unlawful.suicide"
    )
    o2 = order(
        "2026-02-02T10:00:00", "restriction_order", due=timedelta(hours=2), category="unlawful.suicide"
    )
    o3 = order("2026-05-01T10:00:00", "user_data_request", due=timedelta(hours=24))
    o4 = order("2026-05-02T10:00:00", "user_data_request", due=timedelta(hours=24))
    o5 = order("2026-05-03T10:00:00", "user_data_request", due=timedelta(hours=24))
    o6 = order("2026-12-30T10:00:00", "authority_request", due=timedelta(hours=24))
    for o, hours in ((o1, 1), (o2, 3), (o3, 20), (o4, 30)):
        o["status"], o["executed_at"] = "executed", o["received_at"] + timedelta(hours=hours)
    o5["status"], o5["reviewed_at"] = "rejected", o5["received_at"] + timedelta(hours=2)
    session.execute(insert(StateOrder), [o1, o2, o3, o4, o5, o6])
    disclosure = {"fields": ["email"], "prepared_by_id": officer.id}
    session.execute(
        insert(Disclosure),
        [
            disclosure | {"id": uuid.uuid4(), "order_id": o3["id"], "status": "approved", "withheld": []},
            disclosure
            | {
                "id": uuid.uuid4(),
                "order_id": o4["id"],
                "status": "delivered",
                "withheld": [{"field": "phone", "reason": "not_held"}],
            },
            # returned to its preparer before the approved one: not counted
            disclosure | {"id": uuid.uuid4(), "order_id": o4["id"], "status": "returned", "withheld": []},
        ],
    )
    e1 = at("2026-07-01T10:00:00")
    session.execute(
        insert(Escalation),
        [
            {
                "id": uuid.uuid4(),
                "item_id": item_id,
                "category": "unlawful.suicide",
                "source": "detection",
                "reason": "r",
                "status": "acknowledged",
                "created_at": e1,
                "dispatched_at": e1 + timedelta(seconds=60),
                "acknowledged_at": e1 + timedelta(hours=1),
            },
            {
                "id": uuid.uuid4(),
                "item_id": item_id,
                "category": "unlawful.suicide",
                "source": "moderator",
                "reason": "r",
                "status": "declined",
                "created_at": at("2026-07-02T10:00:00"),
                "reviewed_at": at("2026-07-02T10:05:00"),
            },
        ],
    )
    a1, a2 = at("2026-08-01T10:00:00"), at("2026-08-02T10:00:00")
    appeal = {"decision_id": d1["id"], "reason": "r"}
    session.execute(
        insert(Appeal),
        [
            appeal
            | {
                "id": uuid.uuid4(),
                "appellant_role": "affected",
                "status": "decided",
                "received_at": a1,
                "decided_at": a1 + timedelta(days=2),
                "outcome": "reversed",
            },
            appeal
            | {
                "id": uuid.uuid4(),
                "appellant_role": "complainant",
                "status": "decided",
                "received_at": a2,
                "decided_at": a2 + timedelta(days=4),
                "outcome": "upheld",
            },
            appeal
            | {"id": uuid.uuid4(), "appellant_role": "affected", "received_at": at("2026-12-31T18:00:00")},
        ],
    )
    session.commit()
    return {"decision": d1["id"], "item": item_id, "rule": rule_id}


EXPECTED: dict[str, Any] = {
    "complaints": {
        "received": 5,
        "received_by_category": {"false_information": 1, "spam_fraud": 1, "unlawful.suicide": 3},
        "received_by_subject": {"account": 1, "item": 4},
        "answered": 4,
        "answered_by_outcome": {"rejected": 1, "resolved": 1, "upheld": 2},
        "answered_by_category_and_outcome": [
            {"category": "false_information", "outcome": "resolved", "count": 1},
            {"category": "unlawful.suicide", "outcome": "rejected", "count": 1},
            {"category": "unlawful.suicide", "outcome": "upheld", "count": 2},
        ],
        "answer_time": {
            "median_seconds": (3 * DAY + 10 * DAY) / 2,
            "max_seconds": 25.0 * DAY,
            "within_20_days": 3,
            "share_within_20_days": 0.75,
        },
        "manifestly_unfounded": 1,
        "pending_at_end": 2,
    },
    "decisions": {
        "total": 4,
        "restrictive": 3,
        "by_action": {"geo_restrict": 1, "no_violation": 1, "remove": 1, "suspend": 1},
        "by_source": {"complaint": 1, "detection": 1, "order": 1, "own_initiative": 1},
        "by_ground": {"law": 2, "none": 1, "terms": 1},
        "by_automated_decision": {"fully": 1, "not": 2, "partially": 1},
        "automated_detection": 1,
        "by_category_and_action": [
            {"category": "none", "action": "no_violation", "count": 1},
            {"category": "none", "action": "suspend", "count": 1},
            {"category": "unlawful.suicide", "action": "geo_restrict", "count": 1},
            {"category": "unlawful.suicide", "action": "remove", "count": 1},
        ],
    },
    "automation": {
        "unlawful_removed_automated": 1,
        "unlawful_removed_automated_by_category": {"unlawful.suicide": 1},
        "automated_decisions": 2,
        "automated_decisions_by_automation_and_action": [
            {"automated_decision": "fully", "action": "remove", "count": 1},
            {"automated_decision": "partially", "action": "suspend", "count": 1},
        ],
        "detection_actions": 1,
        "detection_actions_by_category_and_action": [
            {"category": "unlawful.suicide", "action": "hide", "count": 1}
        ],
        "shadow_signals": 1,
    },
    "orders": {
        "received": 6,
        "executed": 4,
        "executed_with_deadline": 4,
        "executed_within_deadline": 2,
        "refused": 1,
        "open_at_end": 1,
        "median_seconds_to_execute": (3 * 3600 + 20 * 3600) / 2,
        "max_seconds_to_execute": 30.0 * 3600,
        "received_by_category": {"none": 4, "unlawful.suicide": 2},
        "by_kind": {
            "authority_request": {
                "received": 1,
                "executed": 0,
                "executed_with_deadline": 0,
                "executed_within_deadline": 0,
                "refused": 0,
                "open_at_end": 1,
                "median_seconds_to_execute": None,
                "max_seconds_to_execute": None,
            },
            "restriction_order": {
                "received": 2,
                "executed": 2,
                "executed_with_deadline": 2,
                "executed_within_deadline": 1,
                "refused": 0,
                "open_at_end": 0,
                "median_seconds_to_execute": 2 * 3600.0,
                "max_seconds_to_execute": 3 * 3600.0,
            },
            "user_data_request": {
                "received": 3,
                "executed": 2,
                "executed_with_deadline": 2,
                "executed_within_deadline": 1,
                "refused": 1,
                "open_at_end": 0,
                "median_seconds_to_execute": 25 * 3600.0,
                "max_seconds_to_execute": 30 * 3600.0,
            },
        },
    },
    "data_requests": {"received": 3, "complied": 1, "partly_complied": 1, "refused": 1, "open_at_end": 0},
    "escalations": {
        "created": 2,
        "by_category": {"unlawful.suicide": 2},
        "by_source": {"detection": 1, "moderator": 1},
        "dispatched": 1,
        "median_seconds_to_dispatch": 60.0,
        "max_seconds_to_dispatch": 60.0,
        "acknowledged": 1,
        "declined": 1,
    },
    "appeals": {
        "received": 3,
        "received_by_appellant": {"affected": 2, "complainant": 1},
        "decided": 2,
        "by_outcome": {"reversed": 1, "upheld": 1},
        "reversed": 1,
        "share_reversed": 0.5,
        "median_seconds_to_decide": 3.0 * DAY,
        "max_seconds_to_decide": 4.0 * DAY,
        "pending_at_end": 1,
    },
}
