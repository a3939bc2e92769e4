"""JSON API: moderators' queues and cases, decisions and their statements, appeals, the DSA export."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.account.policy import Perm, has_perm
from senim.community.service import community_service
from senim.content.service import content_service
from senim.errors import AppError
from senim.models import Complaint, Decision, ModerationCase, User
from senim.moderation import dsa
from senim.moderation.errors import DecisionInvalid, DecisionNotFound
from senim.moderation.policy import DecisionDraft, TargetKind
from senim.moderation.schemas import (
    AppealCreate,
    AppealDecisionCreate,
    AppealRead,
    CaseList,
    CaseOpen,
    CaseRead,
    DecisionCreate,
    DecisionRead,
    DsaStatement,
    EscalationCreate,
    StatementRead,
)
from senim.moderation.service import Target, moderation_service
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1", tags=["moderation"])

Moderator = Annotated[Principal, Depends(requires(Perm.moderate))]
CaseReader = Annotated[Principal, Depends(requires(Perm.cases_read))]
SignedIn = Annotated[Principal, Depends(requires(Perm.signed_in))]
Complainer = Annotated[Principal, Depends(requires(Perm.complain))]


def case_read(session: Session, case: ModerationCase) -> CaseRead:
    complaints = session.scalar(
        select(func.count()).select_from(Complaint).where(Complaint.case_id == case.id)
    )
    return CaseRead(
        id=case.id,
        kind=case.kind,
        status=case.status,
        subject=case.subject,
        target_id=case.item_id or case.account_id or case.community_id,
        source=case.source,
        queue=case.queue,
        priority=case.priority,
        language=case.language,
        opened_at=case.opened_at,
        due_at=case.due_at,
        escalated=case.escalated_at is not None,
        assignee_id=case.assignee_id,
        interim_hidden=case.interim_hidden,
        complaints=int(complaints or 0),
    )


def draft_of(subject: str, body: DecisionCreate) -> DecisionDraft:
    return DecisionDraft(
        target=TargetKind(subject),
        action=body.action,
        ground_kind=body.ground_kind,
        category=body.category,
        terms_clause=body.terms_clause,
        facts=body.facts,
        age_sign=body.age_sign,
        label=body.label,
        suspend_days=body.suspend_days,
    )


def decision_read(session: Session, viewer: User, decision: Decision) -> DecisionRead:
    return DecisionRead(
        id=decision.id,
        subject=decision.subject,
        target_id=decision.item_id or decision.account_id or decision.community_id,
        action=decision.action,
        age_sign=decision.age_sign,
        label=decision.label,
        restriction_until=decision.restriction_until,
        ground_kind=decision.ground_kind,
        category=decision.category,
        taxonomy_version=decision.taxonomy_version,
        legal_basis=decision.legal_basis,
        terms_clause=decision.terms_clause,
        facts=decision.facts,
        source=decision.source,
        automated_detection=decision.automated_detection,
        automated_decision=decision.automated_decision,
        decided_at=decision.decided_at,
        status=decision.status,
        appealable_until=decision.appealable_until,
        statements=[
            StatementRead(kind=s.kind, language=s.language, body=s.body, created_at=s.created_at)
            for s in moderation_service.statements(session, viewer, decision)
        ],
    )


def target_for(session: Session, viewer: User, subject: TargetKind, target_id: uuid.UUID) -> Target:
    if subject is TargetKind.item:
        return Target(subject=subject, item=content_service.get_visible(session, viewer, target_id))
    if subject is TargetKind.community:
        return Target(subject=subject, community=community_service.get(session, target_id))
    if subject is TargetKind.account:
        account = session.get(User, target_id)
        if account is None or account.is_external:
            raise DecisionNotFound("No such account.")
        return Target(subject=subject, account=account)
    raise DecisionInvalid("A case is opened on a post, a comment, an account or a community.")


@router.get("/moderation/cases", response_model=CaseList)
def list_cases(
    session: DbSession,
    principal: Moderator,
    queue: Annotated[str | None, Query(max_length=64)] = None,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CaseList:
    """Open cases this moderator can take, the most urgent first (escalated, deadline, priority)."""
    cases = moderation_service.queue(session, principal.require_user(), queue=queue, mine=mine, limit=limit)
    return CaseList(items=[case_read(session, c) for c in cases])


@router.post("/moderation/cases", response_model=CaseRead, status_code=201)
def open_case(body: CaseOpen, session: DbSession, principal: Moderator) -> CaseRead:
    """Open a case on the moderator's own initiative."""
    user = principal.require_user()
    target = target_for(session, user, body.subject, body.target_id)
    return case_read(session, moderation_service.open_own_initiative(session, user, target, body.note))


@router.get("/moderation/cases/{case_id}", response_model=CaseRead)
def read_case(case_id: uuid.UUID, session: DbSession, principal: CaseReader) -> CaseRead:
    return case_read(session, moderation_service.get_case(session, case_id))


@router.post("/moderation/cases/{case_id}/claim", response_model=CaseRead)
def claim_case(case_id: uuid.UUID, session: DbSession, principal: Moderator) -> CaseRead:
    return case_read(session, moderation_service.claim(session, principal.require_user(), case_id))


@router.post("/moderation/cases/{case_id}/release", response_model=CaseRead)
def release_case(case_id: uuid.UUID, session: DbSession, principal: Moderator) -> CaseRead:
    return case_read(session, moderation_service.release(session, principal.require_user(), case_id))


@router.post("/moderation/cases/{case_id}/escalate", response_model=CaseRead)
def escalate_case(
    case_id: uuid.UUID, body: EscalationCreate, session: DbSession, principal: Moderator
) -> CaseRead:
    return case_read(
        session, moderation_service.escalate(session, principal.require_user(), case_id, body.note)
    )


@router.post("/moderation/cases/{case_id}/decision", response_model=DecisionRead, status_code=201)
def decide_case(
    case_id: uuid.UUID, body: DecisionCreate, request: Request, session: DbSession, principal: Moderator
) -> DecisionRead:
    user = principal.require_user()
    case = moderation_service.get_case(session, case_id)
    decision = moderation_service.decide(
        session,
        user,
        case_id,
        draft_of(case.subject, body),
        note=body.note,
        unfounded=body.unfounded,
        base_url=request.app.state.settings.base_url,
    )
    return decision_read(session, user, decision)


@router.post("/moderation/cases/{case_id}/appeal-decision", response_model=AppealRead)
def decide_appeal(
    case_id: uuid.UUID, body: AppealDecisionCreate, session: DbSession, principal: Moderator
) -> AppealRead:
    user = principal.require_user()
    case = moderation_service.get_case(session, case_id)
    appeal = moderation_service.decide_appeal(
        session,
        user,
        case_id,
        reverse=body.reverse,
        facts=body.facts,
        new_draft=draft_of(case.subject, body.replacement) if body.replacement else None,
    )
    return appeal_read(appeal)


def appeal_read(appeal: object) -> AppealRead:
    return AppealRead.model_validate(appeal, from_attributes=True)


@router.get("/decisions/{decision_id}", response_model=DecisionRead)
def read_decision(decision_id: uuid.UUID, session: DbSession, principal: SignedIn) -> DecisionRead:
    """A decision with the statements its reader received: the affected person, a complainant, staff
    who oversee moderation, or the platform that pushed the content."""
    user = principal.require_user()
    return decision_read(session, user, moderation_service.decision_for(session, user, decision_id))


@router.get("/decisions/{decision_id}/dsa", response_model=DsaStatement)
def decision_dsa(decision_id: uuid.UUID, session: DbSession, principal: SignedIn) -> DsaStatement:
    """The decision as an EU DSA statement of reasons, with the result of its validation (empty when
    valid). For staff who oversee moderation and for the platform that pushed the content."""
    user = principal.require_user()
    decision = moderation_service.decision_for(session, user, decision_id)
    if not (has_perm(user.role, Perm.cases_read) or user.is_external):
        raise DecisionNotFound("No such decision.")
    try:
        statement = moderation_service.dsa_statement(session, decision)
    except dsa.NotExportable as exc:
        raise AppError("This decision restricts nothing, so it has no statement of reasons.", 409) from exc
    return DsaStatement(statement=statement, problems=dsa.validate_statement(statement))


@router.post("/decisions/{decision_id}/appeals", response_model=AppealRead, status_code=201)
def file_appeal(
    decision_id: uuid.UUID, body: AppealCreate, request: Request, session: DbSession, principal: Complainer
) -> AppealRead:
    appeal = moderation_service.file_appeal(
        session,
        principal.require_user(),
        decision_id,
        body.reason,
        base_url=request.app.state.settings.base_url,
    )
    return appeal_read(appeal)
