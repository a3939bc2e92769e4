"""The audit chain detects edited, inserted and deleted records (``senim audit verify``)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from senim import audit
from senim.audit import Actor
from senim.audit.service import GENESIS, verify
from senim.models import AuditHead, AuditRecord, Role
from tests.fixtures.builders import login, make_user


def _three(session: Session) -> None:
    for i in range(3):
        audit.record(
            session,
            actor=Actor.system("test"),
            tag="thing:touch",
            target_type="thing",
            target_id=str(i),
            data={"i": i},
        )
    session.commit()


def test_intact_chain_verifies(session: Session) -> None:
    _three(session)
    result = verify(session)
    assert result.ok and result.checked == 3
    first = session.get(AuditRecord, 1)
    assert first is not None and first.prev_hash == GENESIS


def test_edited_record_is_named(session: Session) -> None:
    _three(session)
    session.execute(update(AuditRecord).where(AuditRecord.seq == 2).values(data={"i": 99}))
    session.commit()
    result = verify(session)
    assert not result.ok
    assert any("#2" in p and "edited" in p for p in result.problems)


def test_deleted_record_is_named(session: Session) -> None:
    _three(session)
    session.execute(delete(AuditRecord).where(AuditRecord.seq == 2))
    session.commit()
    result = verify(session)
    assert "record #2 is missing (deleted) before #3" in result.problems


def test_deleted_tail_is_detected(session: Session) -> None:
    _three(session)
    session.execute(delete(AuditRecord).where(AuditRecord.seq == 3))
    session.commit()
    assert any("end" in p for p in verify(session).problems)


def test_inserted_record_is_detected(session: Session) -> None:
    _three(session)
    rec = session.get(AuditRecord, 3)
    assert rec is not None
    session.expunge(rec)
    session.execute(update(AuditRecord).where(AuditRecord.seq == 3).values(seq=4))
    forged = AuditRecord(
        seq=3,
        at=rec.at,
        actor_id=None,
        actor_label="x",
        tag="forged:insert",
        data={},
        prev_hash="f" * 64,
        hash="0" * 64,
    )
    session.add(forged)
    session.execute(update(AuditHead).values(seq=4))
    session.commit()
    problems = verify(session).problems
    assert any("#3" in p for p in problems) and any("#4" in p for p in problems)


def test_audit_api_filters_and_verifies(client: TestClient, session: Session) -> None:
    auditor = make_user(session, role=Role.auditor)
    user = make_user(session)
    session.commit()
    login(client, auditor)
    records = client.get("/api/v1/audit", params={"tag": "user:create", "target_id": str(user.id)}).json()
    assert [r["target_id"] for r in records] == [str(user.id)]
    assert client.get("/api/v1/audit/verify").json()["ok"] is True
    # the request id of the login request was recorded
    logins = client.get("/api/v1/audit", params={"tag": "session:start"}).json()
    assert logins[0]["request_id"]


def test_records_chain_in_order(session: Session) -> None:
    _three(session)
    recs = session.scalars(select(AuditRecord).order_by(AuditRecord.seq)).all()
    assert [r.prev_hash for r in recs[1:]] == [r.hash for r in recs[:-1]]
