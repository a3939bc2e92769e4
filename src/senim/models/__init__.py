"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from senim.models.account import (
    AccountStatus,
    ApiToken,
    DocumentAcceptance,
    LoginAttempt,
    Role,
    User,
    UserSession,
)
from senim.models.audit import AuditHead, AuditRecord
from senim.models.authority import MeasuresReport, OrderDocument, OrderStatus, SigningSecret, StateOrder
from senim.models.base import Base
from senim.models.community import Community, CommunityMember, CommunityStatus, MemberRole
from senim.models.complaint import (
    Complaint,
    ComplaintEvidence,
    ComplaintOutcome,
    ComplaintRuleSet,
    ComplaintStatus,
)
from senim.models.content import ContentItem, ItemKind, ItemStatus, LegalHold, Media
from senim.models.detection import DetectionRule, DetectionRuleVersion, HashBank, HashBankEntry, Signal
from senim.models.escalation import Escalation, EscalationStatus
from senim.models.feed import HiddenItem, HiddenKind
from senim.models.job import Job, JobSchedule, JobStatus, Priority
from senim.models.moderation import (
    Appeal,
    AppealOutcome,
    AppealStatus,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Decision,
    DecisionStatus,
    ModerationCase,
    Statement,
    StatementKind,
    Strike,
    StrikeKind,
)
from senim.models.notification import Notification, WebhookEndpoint
from senim.models.translation import Translation

__all__ = [
    "AccountStatus",
    "ApiToken",
    "Appeal",
    "AppealOutcome",
    "AppealStatus",
    "AuditHead",
    "AuditRecord",
    "Base",
    "CaseEvent",
    "CaseKind",
    "CaseStatus",
    "Community",
    "CommunityMember",
    "CommunityStatus",
    "Complaint",
    "ComplaintEvidence",
    "ComplaintOutcome",
    "ComplaintRuleSet",
    "ComplaintStatus",
    "ContentItem",
    "Decision",
    "DecisionStatus",
    "DetectionRule",
    "DetectionRuleVersion",
    "DocumentAcceptance",
    "Escalation",
    "EscalationStatus",
    "HashBank",
    "HashBankEntry",
    "HiddenItem",
    "HiddenKind",
    "ItemKind",
    "ItemStatus",
    "Job",
    "JobSchedule",
    "JobStatus",
    "LegalHold",
    "LoginAttempt",
    "MeasuresReport",
    "Media",
    "MemberRole",
    "ModerationCase",
    "Notification",
    "OrderDocument",
    "OrderStatus",
    "Priority",
    "Role",
    "Signal",
    "SigningSecret",
    "StateOrder",
    "Statement",
    "StatementKind",
    "Strike",
    "StrikeKind",
    "Translation",
    "User",
    "UserSession",
    "WebhookEndpoint",
]
