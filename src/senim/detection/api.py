"""JSON API: detection rules for administrators (save a version, move through the lifecycle), and the
signals recorded about an item for staff who oversee moderation."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from senim.account.policy import Perm
from senim.detection.schemas import RuleList, RuleMove, RuleRead, RuleSave, SignalList, SignalRead
from senim.detection.service import detection_service
from senim.models import DetectionRule
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
