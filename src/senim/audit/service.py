"""Appending to and verifying the audit chain.

Each record's hash is SHA-256 over the previous record's hash and a canonical JSON form of the record.
The single ``audit_head`` row holds the last sequence number and hash; appending locks it, so records
are chained in commit order on PostgreSQL and SQLite alike. ``verify`` walks the chain and names the
first record that was edited, inserted or deleted, and a truncated tail.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from senim.kit.clock import utcnow
from senim.models import AuditHead, AuditRecord, User

GENESIS = "0" * 64
HEAD_ID = 1

request_id_var: ContextVar[str | None] = ContextVar("senim_request_id", default=None)


@dataclass(frozen=True)
class Actor:
    """Who acts: a person, an external principal by token, or the system itself (jobs, sweeps)."""

    id: uuid.UUID | None
    label: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(id=user.id, label=f"{user.role}:{user.username}")

    @classmethod
    def system(cls, what: str = "system") -> Actor:
        return cls(id=None, label=f"system:{what}")


def _canonical(rec: AuditRecord) -> bytes:
    body = {
        "seq": rec.seq,
        "at": rec.at.isoformat(),
        "actor_id": str(rec.actor_id) if rec.actor_id else None,
        "actor_label": rec.actor_label,
        "tag": rec.tag,
        "target_type": rec.target_type,
        "target_id": rec.target_id,
        "data": rec.data,
        "request_id": rec.request_id,
        "prev_hash": rec.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def compute_hash(rec: AuditRecord) -> str:
    return hashlib.sha256(_canonical(rec)).hexdigest()


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, default=str))


def _lock_head(session: Session) -> AuditHead:
    head = session.scalars(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()).one_or_none()
    if head is None:
        # The very first record: create the head so that concurrent first writers cannot both insert
        # it (ON CONFLICT DO NOTHING), then lock the one row that exists.
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
        session.execute(insert(AuditHead).values(id=HEAD_ID, seq=0, hash=GENESIS).on_conflict_do_nothing())
        head = session.scalars(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()).one()
    return head


def record(
    session: Session,
    *,
    actor: Actor,
    tag: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
) -> AuditRecord:
    """Append one audit record. ``target`` may be a model instance with an ``id``."""
    if target is not None:
        target_type = target_type or getattr(target, "__tablename__", type(target).__name__)
        target_id = target_id or str(target.id)
    head = _lock_head(session)
    rec = AuditRecord(
        seq=head.seq + 1,
        at=utcnow(),
        actor_id=actor.id,
        actor_label=actor.label,
        tag=tag,
        target_type=target_type,
        target_id=target_id,
        data=_jsonable(data or {}),
        request_id=request_id_var.get(),
        prev_hash=head.hash,
    )
    rec.hash = compute_hash(rec)
    session.add(rec)
    head.seq = rec.seq
    head.hash = rec.hash
    session.flush()
    return rec


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str] = field(default_factory=list)


def verify(session: Session, *, batch: int = 2000) -> VerifyResult:
    """Walk the chain in order and report every break, naming the records concerned."""
    problems: list[str] = []
    prev_hash, expected_seq, checked, last = GENESIS, 1, 0, 0
    after = 0
    while True:
        rows = session.scalars(
            select(AuditRecord).where(AuditRecord.seq > after).order_by(AuditRecord.seq).limit(batch)
        ).all()
        if not rows:
            break
        for rec in rows:
            checked += 1
            if rec.seq != expected_seq:
                gap = (
                    f"#{expected_seq}" if rec.seq - 1 == expected_seq else f"#{expected_seq}..#{rec.seq - 1}"
                )
                problems.append(f"record {gap} is missing (deleted) before #{rec.seq}")
            if rec.prev_hash != prev_hash:
                problems.append(
                    f"record #{rec.seq} does not follow the record before it (inserted or reordered)"
                )
            if compute_hash(rec) != rec.hash:
                problems.append(
                    f"record #{rec.seq} ({rec.tag}) was edited: its content no longer matches its hash"
                )
            prev_hash, expected_seq, last = rec.hash, rec.seq + 1, rec.seq
        after = rows[-1].seq
    head = session.get(AuditHead, HEAD_ID)
    if head is not None and (head.seq != last or head.hash != prev_hash):
        problems.append(
            f"the chain ends at #{last} but its head says #{head.seq}: records at the end were deleted"
        )
    return VerifyResult(ok=not problems, checked=checked, problems=problems)
