"""JSON API: detection rules for administrators (save a version, move through the lifecycle), and the
signals recorded about an item for staff who oversee moderation."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from senim.account.policy import Perm
from senim.detection.banks import hash_bank_service
from senim.detection.errors import BankNotFound
from senim.detection.hashlist import HashKind
from senim.detection.schemas import (
    BankCreate,
    BankImport,
    BankImported,
    BankList,
    BankRead,
    RuleList,
    RuleMove,
    RuleRead,
    RuleSave,
    SignalList,
    SignalRead,
)
from senim.detection.service import detection_service
from senim.models import DetectionRule, HashBank
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1", tags=["detection"])

RulesAdmin = Annotated[Principal, Depends(requires(Perm.detection_manage))]
CaseReader = Annotated[Principal, Depends(requires(Perm.cases_read))]


def _read(session: Session, rule: DetectionRule) -> RuleRead:
    return RuleRead(
        name=rule.name,
        status=rule.status,
        version=rule.version,
        spec=detection_service.spec_of(session, rule).model_dump(mode="json"),
        updated_at=rule.updated_at,
    )


@router.get("/detection/rules", response_model=RuleList)
def list_rules(session: DbSession, principal: RulesAdmin) -> RuleList:
    return RuleList(items=[_read(session, r) for r in detection_service.rules(session)])


@router.put("/detection/rules/{name}", response_model=RuleRead)
def save_rule(name: str, body: RuleSave, session: DbSession, principal: RulesAdmin) -> RuleRead:
    """Create the rule as a draft, or store a new version of it (an invalid rule: 422 with each problem)."""
    return _read(session, detection_service.save_rule(session, principal.actor, name, body.spec, body.note))


@router.post("/detection/rules/{name}/status", response_model=RuleRead)
def move_rule(name: str, body: RuleMove, session: DbSession, principal: RulesAdmin) -> RuleRead:
    """draft → shadow (records signals, acts on nothing) → live (acts) → retired."""
    return _read(session, detection_service.move(session, principal.actor, name, body.status))


@router.get("/items/{item_id}/signals", response_model=SignalList)
def item_signals(item_id: uuid.UUID, session: DbSession, principal: CaseReader) -> SignalList:
    rows = detection_service.signals_of(session, item_id)
    return SignalList(
        items=[
            SignalRead(
                id=s.id,
                rule=name,
                rule_version=s.rule_version,
                category=s.category,
                score=s.score,
                evidence=list(s.evidence),
                shadow=s.shadow,
                action=s.action,
                created_at=s.created_at,
            )
            for s, name in rows
        ]
    )


# --- hash banks -------------------------------------------------------------------------------------
def _bank(bank: HashBank, entries: int) -> BankRead:
    return BankRead(
        name=bank.name,
        description=bank.description,
        version=bank.version,
        entries=entries,
        updated_at=bank.updated_at,
    )


@router.get("/detection/hash-banks", response_model=BankList)
def list_banks(session: DbSession, principal: RulesAdmin) -> BankList:
    return BankList(items=[_bank(b, n) for b, n in hash_bank_service.banks(session)])


@router.post("/detection/hash-banks", response_model=BankRead, status_code=201)
def create_bank(body: BankCreate, session: DbSession, principal: RulesAdmin) -> BankRead:
    return _bank(hash_bank_service.create(session, principal.actor, body.name, body.description), 0)


@router.post("/detection/hash-banks/{name}/entries", response_model=BankImported)
def import_entries(name: str, body: BankImport, session: DbSession, principal: RulesAdmin) -> BankImported:
    """Add a hash list to a bank; a list with any problem adds nothing (422 naming each line)."""
    kind = HashKind(body.default_kind) if body.default_kind else None
    return BankImported(added=hash_bank_service.import_list(session, principal.actor, name, body.list, kind))


@router.get("/detection/hash-banks/{name}/export")
def export_bank(
    name: str, session: DbSession, principal: RulesAdmin, format: Literal["csv", "json"] = "csv"
) -> Response:
    text = hash_bank_service.export(session, name, format)
    media_type = "application/json" if format == "json" else "text/csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{format}"'}
    return Response(text, media_type=f"{media_type}; charset=utf-8", headers=headers)


@router.delete("/detection/hash-banks/{name}/entries/{kind}/{value}", status_code=204)
def remove_entry(
    name: str, kind: HashKind, value: str, session: DbSession, principal: RulesAdmin
) -> Response:
    if not hash_bank_service.remove(session, principal.actor, name, kind, value):
        raise BankNotFound("No such hash in this bank.")
    return Response(status_code=204)
