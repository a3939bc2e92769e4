"""JSON API: file and follow complaints (people and integrating platforms); read and set the rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account.policy import Perm
from senim.complaint.errors import ComplaintTargetNotFound
from senim.complaint.evidence import FormEvidence
from senim.complaint.schemas import (
    ComplaintCreate,
    ComplaintList,
    ComplaintRead,
    EvidenceList,
    EvidenceRead,
    RulesRead,
    RulesUpdate,
)
from senim.complaint.service import Filing, complaint_service
from senim.models import Complaint, ContentItem, Role, User
from senim.moderation.policy import TargetKind
from senim.web.auth import DbSession, Principal, requires
from senim.web.pages import Public

router = APIRouter(prefix="/api/v1", tags=["complaints"])

Complainer = Annotated[Principal, Depends(requires(Perm.complain))]
RulesAdmin = Annotated[Principal, Depends(requires(Perm.complaint_rules_manage))]


def complaint_read(session: Session, complaint: Complaint) -> ComplaintRead:
    answer = complaint_service.answer_of(session, complaint)
    return ComplaintRead(
        number=complaint.number,
        status=complaint.status,
        subject=complaint.subject,
        category=complaint.category,
        rules_version=complaint.rules_version,
        target_id=complaint.item_id
        or complaint.account_id
        or complaint.community_id
        or complaint.decision_id,
        received_at=complaint.received_at,
        due_at=complaint.due_at,
        answered_at=complaint.answered_at,
        outcome=complaint.outcome,
        decision_id=complaint.answer_decision_id,
        answer=answer.body if answer else None,
    )


def _platform_item(session: Session, platform: User, external_id: str) -> ContentItem:
    item = session.scalars(
        select(ContentItem).where(
            ContentItem.platform_id == platform.id, ContentItem.external_id == external_id
        )
    ).one_or_none()
    if item is None:
        raise ComplaintTargetNotFound("This post or comment does not exist or was removed.")
    return item


@router.post("/complaints", response_model=ComplaintRead, status_code=201)
def file_complaint(
    body: ComplaintCreate, request: Request, session: DbSession, principal: Complainer
) -> ComplaintRead:
    """File a complaint; the answer carries its tracking number at once (automatic acknowledgement)."""
    user = principal.require_user()
    platform = user if user.role == Role.integrating_platform else None
    target_id = body.target_id
    if platform is not None and body.target_external_id and body.subject is TargetKind.item:
        target_id = _platform_item(session, platform, body.target_external_id).id
    complaint, _ = complaint_service.file(
        session,
        Filing(
            subject=body.subject,
            category=body.category,
            description=body.description,
            target_id=target_id,
            target_ref=body.target_ref,
            details={"why_false": body.why_false},
            concerns_me=body.concerns_me,
        ),
        complainant=None if platform else user,
        platform=platform,
        external_reporter_id=body.reporter_external_id,
        language=body.language if platform else user.language,
        settings=request.app.state.settings,
    )
    return complaint_read(session, complaint)


@router.get("/complaints", response_model=ComplaintList)
def my_complaints(session: DbSession, principal: Complainer) -> ComplaintList:
    user = principal.require_user()
    if user.role == Role.integrating_platform:
        rows = list(
            session.scalars(
                select(Complaint)
                .where(Complaint.platform_id == user.id)
                .order_by(Complaint.received_at.desc())
                .limit(100)
            )
        )
    else:
        rows = complaint_service.mine(session, user)
    return ComplaintList(items=[complaint_read(session, c) for c in rows])


@router.get("/complaints/{number}", response_model=ComplaintRead)
def read_complaint(number: str, session: DbSession, principal: Complainer) -> ComplaintRead:
    return complaint_read(session, complaint_service.get_for(session, principal.require_user(), number))


@router.post("/complaints/{number}/evidence", response_model=EvidenceList, status_code=201)
def add_evidence(
    number: str, request: Request, evidence: FormEvidence, session: DbSession, principal: Complainer
) -> EvidenceList:
    """Attach evidence files (multipart field ``evidence``, images or PDF, at most 5 per complaint)."""
    rows = complaint_service.add_evidence(
        session, principal.require_user(), number, evidence.get(), settings=request.app.state.settings
    )
    return EvidenceList(
        items=[
            EvidenceRead(
                filename=r.filename, content_type=r.content_type, size_bytes=r.size_bytes, sha256=r.sha256
            )
            for r in rows
        ]
    )


@router.get("/complaint-rules", response_model=RulesRead)
def read_rules(session: DbSession, principal: Public) -> RulesRead:
    """The complaint rules in force: categories, required fields, queues, deadlines, interim measures."""
    version, rules = complaint_service.current_rules(session)
    return RulesRead(version=version, rules=rules.model_dump(mode="json"))


@router.put("/complaint-rules", response_model=RulesRead)
def save_rules(body: RulesUpdate, session: DbSession, principal: RulesAdmin) -> RulesRead:
    row = complaint_service.save_rules(session, principal.actor, body.rules, body.note)
    return RulesRead(version=row.version, rules=row.rules)
