"""Reading the audit log with filters (auditors and administrators)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import AuditRecord


@dataclass(frozen=True)
class AuditFilter:
    tag: str | None = None
    actor_id: uuid.UUID | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_seq: int | None = None
    limit: int = 100


def search(session: Session, f: AuditFilter) -> list[AuditRecord]:
    stmt = select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(max(1, min(f.limit, 500)))
    if f.tag:
        # "post:" matches every post verb; "post:create" one verb.
        stmt = stmt.where(
            AuditRecord.tag.startswith(f.tag) if f.tag.endswith(":") else AuditRecord.tag == f.tag
        )
    if f.actor_id:
        stmt = stmt.where(AuditRecord.actor_id == f.actor_id)
    if f.target_id:
        stmt = stmt.where(AuditRecord.target_id == f.target_id)
    if f.since:
        stmt = stmt.where(AuditRecord.at >= f.since)
    if f.until:
        stmt = stmt.where(AuditRecord.at < f.until)
    if f.before_seq:
        stmt = stmt.where(AuditRecord.seq < f.before_seq)
    return list(session.scalars(stmt))
