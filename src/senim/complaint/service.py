"""Complaints: filing with an instant acknowledgement and a tracking number (LAW-13, LAW-31), routing
into moderation cases under the owner's rules, the reasoned answer within the deadline (LAW-32),
requests to remove false information, also from people without an account (LAW-46-50), and the
versioned complaint rules themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from senim import audit
from senim.account.policy import Perm, has_perm
from senim.account.service import _valid_email
from senim.audit import Actor
from senim.community.service import community_service
from senim.complaint import rules as complaint_rules
from senim.complaint.errors import (
    ComplaintInvalid,
    ComplaintNotFound,
    ComplaintsBlocked,
    ComplaintTargetNotFound,
    RulesConflict,
    RulesInvalid,
    VerificationFailed,
)
from senim.complaint.evidence import MAX_FILES, PreparedEvidence, storage_key
from senim.complaint.rules import CategoryRule, RuleSet
from senim.config import Settings, get_settings
from senim.content import media as media_files
from senim.content.service import content_service
from senim.db import dialect_insert
from senim.errors import AppError, TooManyRequests
from senim.jobs import enqueue
from senim.kit import deadlines, encrypted
from senim.kit.clock import today_in, utcnow
from senim.kit.text import clean
from senim.models import (
    AccountStatus,
    Appeal,
    Complaint,
    ComplaintEvidence,
    ComplaintOutcome,
    ComplaintRuleSet,
    ComplaintStatus,
    ContentItem,
    Decision,
    ItemStatus,
    ModerationCase,
    Statement,
    StatementKind,
    Strike,
    StrikeKind,
    User,
)
from senim.moderation import policy as moderation_policy
from senim.moderation.policy import Action, Source, TargetKind
from senim.moderation.service import INTERIM_NOTICE, Target, _event, content_gone, moderation_service
from senim.moderation.statements import Context, complaint_answer, local
from senim.notification.service import in_language, notification_service
from senim.platform.service import platform_service
from senim.web.i18n import LANGUAGES, N_

PLATFORM_SUBJECTS = frozenset({TargetKind.interface, TargetKind.platform_action})
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 5_000
MAX_DETAIL = 2_000
MAX_REF = 500
VERIFY_JOB = "complaint.send_verification"
VERIFY_TTL_HOURS = 48
VISITOR_DAILY_LIMIT = 3  # requests without an account per e-mail address per day
LEGAL = deadlines.RULES["complaint_answer"]

RECEIVED_NOTICE = N_(
    "Your complaint {number} is received. You will get a reasoned answer by {due}. Follow it in your account."
)
ANSWERED_NOTICE = N_("Your complaint {number} is answered. Read the answer.")
BLOCKED_NOTICE = N_(
    "Several of your complaints were manifestly unfounded, so you cannot file complaints until {date}."
)
AUTHOR_NOTICE = N_(
    "Someone asks to remove your post as false information about them. You may answer the moderators "
    "or delete it yourself (users must delete false information they posted)."
)


@dataclass(frozen=True)
class Filing:
    """A complaint as a form or an API call submits it (ids already parsed)."""

    subject: TargetKind
    category: str
    description: str
    target_id: uuid.UUID | None = None
    target_ref: str = ""
    details: dict[str, str] | None = None
    concerns_me: bool = False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def verification_token(settings: Settings, complaint_id: uuid.UUID) -> str:
    """The e-mail confirmation token of a visitor's complaint: derived from the secret, so the job that
    sends it carries only the complaint's id (every staff role can read job payloads)."""
    mac = hmac.new(settings.secret_bytes, b"senim.complaint.verify:" + complaint_id.bytes, hashlib.sha256)
    return mac.hexdigest()[:40]


def visitor_appeal_token(settings: Settings, complaint_id: uuid.UUID) -> str:
    """The token in the appeal link e-mailed to a person without an account with the answer to their
    complaint: derived from the secret, never stored (staff reading statements never see it)."""
    mac = hmac.new(settings.secret_bytes, b"senim.complaint.appeal:" + complaint_id.bytes, hashlib.sha256)
    return mac.hexdigest()[:40]


def complaint_due(rule: CategoryRule, received: datetime) -> tuple[datetime, datetime]:
    """The answer deadline: the category's, never later than the legal 20 calendar days (LAW-32)."""
    own = deadlines.due_at(rule.answer_within.rule, received)
    legal = LEGAL.due_at(received)
    if own <= legal:
        return own, deadlines.warn_at(rule.answer_within.rule, received, own)
    return legal, LEGAL.warn_at(received)


class ComplaintService:
    # --- the owner's rules --------------------------------------------------------------------
    def current_rules(self, session: Session) -> tuple[int, RuleSet]:
        row = session.scalars(
            select(ComplaintRuleSet).order_by(ComplaintRuleSet.version.desc()).limit(1)
        ).first()
        if row is None:
            return 1, complaint_rules.default_rules(today_in())
        return row.version, RuleSet.model_validate(row.rules)

    def rules_at(self, session: Session, version: int) -> RuleSet:
        row = session.scalars(
            select(ComplaintRuleSet).where(ComplaintRuleSet.version == version)
        ).one_or_none()
        if row is None:
            if version == 1:
                return complaint_rules.default_rules(today_in())
            raise ComplaintNotFound("No such version of the complaint rules.")
        return RuleSet.model_validate(row.rules)

    def rule_versions(self, session: Session) -> list[ComplaintRuleSet]:
        return list(session.scalars(select(ComplaintRuleSet).order_by(ComplaintRuleSet.version.desc())))

    def _stored_version(self, session: Session) -> int:
        """The version complaints are filed under now; the shipped defaults are stored as version 1 the
        first time they are used, so a complaint's rule version can always be read back."""
        version, current = self.current_rules(session)
        if session.scalar(select(func.count()).select_from(ComplaintRuleSet)) == 0:
            # Two first complaints at once on PostgreSQL: the second insert does nothing.
            self._insert_version(session, 1, current.model_dump(mode="json"), note="defaults", by=None)
        return version

    def _insert_version(
        self, session: Session, version: int, rules: dict[str, Any], *, note: str, by: uuid.UUID | None
    ) -> ComplaintRuleSet | None:
        """Insert a rules version unless that number exists already (then None: someone saved first)."""
        inserted = session.scalar(
            dialect_insert(session)(ComplaintRuleSet)
            .values(
                id=uuid.uuid4(),
                version=version,
                rules=rules,
                note=note,
                created_by_id=by,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["version"])
            .returning(ComplaintRuleSet.id)
        )
        return None if inserted is None else session.get(ComplaintRuleSet, inserted)

    def save_rules(self, session: Session, actor: Actor, data: object, note: str = "") -> ComplaintRuleSet:
        """Store a new version of the rules (refused with every problem, "path: message", if invalid)."""
        problems = complaint_rules.problems(data)
        if problems:
            raise RulesInvalid("The complaint rules are not valid.", fields=problems)
        ruleset = RuleSet.model_validate(data)
        self._stored_version(session)
        latest = session.scalar(select(func.max(ComplaintRuleSet.version))) or 0
        row = self._insert_version(
            session, latest + 1, ruleset.model_dump(mode="json"), note=clean(note).strip()[:500], by=actor.id
        )
        if row is None:
            raise RulesConflict(
                "Someone saved the complaint rules at the same time. Reload them and try again."
            )
        audit.record(
            session,
            actor=actor,
            tag="complaint_rules:save",
            target=row,
            data={"version": row.version, "categories": len(ruleset.categories), "note": row.note},
        )
        return row

    # --- filing -------------------------------------------------------------------------------
    def _target(self, session: Session, viewer: User | None, filing: Filing, platform: User | None) -> Target:
        subject = filing.subject
        ref = filing.target_ref.strip()[:MAX_REF]
        if subject in (TargetKind.interface, TargetKind.platform_action):
            if subject is TargetKind.platform_action and filing.target_id is not None:
                # A person names a decision they may read; a platform, one about what it pushed.
                reader = viewer or platform
                if reader is None:
                    raise ComplaintTargetNotFound("Say what the complaint is about.")
                decision = moderation_service.decision_for(session, reader, filing.target_id)
                ref = ref or f"decision:{decision.id}"
            if not ref and not filing.target_id:
                raise ComplaintInvalid(N_("Say which page or action of the platform the complaint is about."))
            return Target(subject=subject, ref=ref)
        if filing.target_id is None:
            raise ComplaintTargetNotFound("Say what the complaint is about.")
        if subject is TargetKind.item:
            item = session.get(ContentItem, filing.target_id)
            pushed_by_me = item is not None and platform is not None and item.platform_id == platform.id
            if item is None or not (pushed_by_me or content_service.may_view(viewer, item)):
                raise ComplaintTargetNotFound("This post or comment does not exist or was removed.")
            if viewer is not None and item.author_id == viewer.id:
                raise ComplaintInvalid(N_("You cannot complain about your own content; you can delete it."))
            return Target(subject=subject, item=item)
        if subject is TargetKind.account:
            account = session.get(User, filing.target_id)
            if account is None or account.status == AccountStatus.deleted or account.is_external:
                raise ComplaintTargetNotFound("No such account.")
            if viewer is not None and account.id == viewer.id:
                raise ComplaintInvalid(N_("You cannot complain about your own account."))
            return Target(subject=subject, account=account)
        community = community_service.get(session, filing.target_id)
        return Target(subject=subject, community=community)

    def _problems(self, rule: CategoryRule, filing: Filing, evidence: list[PreparedEvidence]) -> list[str]:
        problems: list[str] = []
        text = filing.description.strip()
        if not MIN_DESCRIPTION <= len(text) <= MAX_DESCRIPTION:
            problems.append(N_("Describe the complaint in {min} to {max} characters."))
        details = filing.details or {}
        if "why_false" in rule.requires and len(details.get("why_false", "").strip()) < MIN_DESCRIPTION:
            problems.append(N_("Explain why the information is false."))
        if any(len(v) > MAX_DETAIL for v in details.values()):
            problems.append(N_("A field is too long: at most {detail} characters."))
        if "concerns_me" in rule.requires and not filing.concerns_me:
            problems.append(
                N_("Only the person the information is about can ask for this: confirm that it is about you.")
            )
        if "evidence" in rule.requires and not evidence:
            problems.append(N_("Attach at least one evidence file."))
        return problems

    def file(
        self,
        session: Session,
        filing: Filing,
        *,
        complainant: User | None = None,
        platform: User | None = None,
        external_reporter_id: str | None = None,
        contact_name: str = "",
        contact_email: str = "",
        language: str = "kk",
        evidence: list[PreparedEvidence] | None = None,
        settings: Settings | None = None,
        base_url: str | None = None,
    ) -> tuple[Complaint, str | None]:
        """File a complaint; returns it and, for a person without an account, the e-mail verification
        token (sent by a job; the complaint is acknowledged once the address is confirmed).

        A signed-in person files as themselves; an integrating platform files for one of its users
        (``external_reporter_id``); a visitor gives a name and an e-mail address.
        """
        settings = settings or get_settings()
        evidence = evidence or []
        filing = replace(
            filing,
            description=clean(filing.description),
            target_ref=clean(filing.target_ref),
            details={k: clean(v) for k, v in (filing.details or {}).items()},
        )
        contact_name = clean(contact_name)
        if (
            complainant is not None
            and complainant.complaints_blocked_until
            and complainant.complaints_blocked_until > utcnow()
        ):
            raise ComplaintsBlocked(BLOCKED_NOTICE, date=local(complainant.complaints_blocked_until))
        version, ruleset = self.current_rules(session)
        try:
            rule = ruleset.category(filing.category)
        except KeyError as exc:
            raise ComplaintInvalid(N_("Choose a category of complaint.")) from exc
        if filing.subject not in rule.subjects:
            raise ComplaintInvalid(N_("This category does not apply to what you complain about."))
        problems = self._problems(rule, filing, evidence)
        visitor = complainant is None and platform is None
        email: str | None = None
        if visitor:
            name = contact_name.strip()
            try:
                email = _valid_email(contact_email.strip())
            except AppError:
                email = None
            if not name or len(name) > 200:
                problems.append(N_("Give your name."))
            if email is None:
                problems.append(N_("Give an e-mail address where we can answer you."))
            elif self._recent_requests(session, email) >= VISITOR_DAILY_LIMIT:
                # The form e-mails the address it is given: a bound, so no one can flood a mailbox with it.
                raise TooManyRequests("Too many requests from this e-mail address today. Try again tomorrow.")
        if platform is not None and not (external_reporter_id or "").strip():
            problems.append(N_("Give the external id of the user who complains."))
        if problems:
            raise ComplaintInvalid(
                problems[0], fields=problems, min=MIN_DESCRIPTION, max=MAX_DESCRIPTION, detail=MAX_DETAIL
            )
        target = self._target(session, complainant, filing, platform)
        # Every check is done: nothing is written before this line (a refused form writes nothing).
        self._stored_version(session)
        now = utcnow()
        complaint = Complaint(
            id=uuid.uuid4(),
            number=self._new_number(session),
            status=ComplaintStatus.unverified if visitor else ComplaintStatus.received,
            complainant_id=complainant.id if complainant else None,
            platform_id=platform.id if platform else None,
            external_reporter_id=(external_reporter_id or "").strip()[:200] or None,
            contact_name=contact_name.strip()[:200] if visitor else None,
            contact_email=email,
            subject=filing.subject,
            item_id=target.item.id if target.item else None,
            account_id=target.account.id if target.account else None,
            community_id=target.community.id if target.community else None,
            decision_id=filing.target_id if filing.subject is TargetKind.platform_action else None,
            target_ref=target.ref,
            category=rule.key,
            rules_version=version,
            description=filing.description.strip(),
            details={k: v.strip() for k, v in (filing.details or {}).items() if v.strip()}
            | ({"concerns_me": "yes"} if filing.concerns_me else {}),
            language=language if language in LANGUAGES else "kk",
            received_at=now,
        )
        complaint.due_at = complaint_due(rule, now)[0]
        complaint.legal_due_at = LEGAL.due_at(now)
        session.add(complaint)
        session.flush()
        self._store_evidence(session, settings, complaint, evidence)
        filer = complainant or platform
        actor = Actor.of(filer) if filer is not None else Actor.system("visitor")
        audit.record(
            session,
            actor=actor,
            tag="complaint:file",
            target=complaint,
            data={
                "number": complaint.number,
                "subject": complaint.subject,
                "category": complaint.category,
                "rules_version": version,
                "evidence": len(evidence),
                "visitor": visitor,
            },
        )
        token: str | None = None
        if visitor:
            token = verification_token(settings, complaint.id)
            complaint.verify_digest = _digest(token)
            enqueue(session, VERIFY_JOB, {"complaint_id": str(complaint.id)})
        else:
            self._receive(session, complaint, rule, target, actor, base_url=base_url)
        return complaint, token

    def add_evidence(
        self,
        session: Session,
        filer: User,
        number: str,
        evidence: list[PreparedEvidence],
        settings: Settings | None = None,
    ) -> list[ComplaintEvidence]:
        """Attach evidence files to a complaint not yet answered (the API files complaints as JSON and
        their files after): only its complainant or the platform that filed it, at most 5 files in all."""
        complaint = self.get_for(session, filer, number)
        if filer.id not in (complaint.complainant_id, complaint.platform_id):
            raise ComplaintNotFound("No such complaint.")
        if complaint.status == ComplaintStatus.answered:
            raise ComplaintInvalid(N_("The complaint is answered; evidence can no longer be added."))
        if not evidence:
            raise ComplaintInvalid(N_("Attach at least one evidence file."))
        if len(self.evidence_of(session, complaint)) + len(evidence) > MAX_FILES:
            raise ComplaintInvalid(N_("At most {n} evidence files."), n=MAX_FILES)
        self._store_evidence(session, settings or get_settings(), complaint, evidence)
        audit.record(
            session,
            actor=Actor.of(filer),
            tag="complaint:add_evidence",
            target=complaint,
            data={"files": [e.sha256 for e in evidence]},
        )
        return self.evidence_of(session, complaint)

    def _recent_requests(self, session: Session, email: str) -> int:
        since = utcnow() - timedelta(days=1)
        count = session.scalar(
            select(func.count())
            .select_from(Complaint)
            .where(
                Complaint.contact_email_index == Complaint.email_index(email), Complaint.received_at >= since
            )
        )
        return int(count or 0)

    def purge_unverified(self, session: Session, settings: Settings, now: datetime | None = None) -> int:
        """Delete visitors' requests never confirmed within the link's lifetime, with their evidence files
        (the person's name and address are kept no longer than needed)."""
        cutoff = (now or utcnow()) - timedelta(hours=VERIFY_TTL_HOURS)
        stale = list(
            session.scalars(
                select(Complaint).where(
                    Complaint.status == ComplaintStatus.unverified, Complaint.received_at < cutoff
                )
            )
        )
        for complaint in stale:
            for row in self.evidence_of(session, complaint):
                path = media_files.stored_path(settings.media_dir, row.storage_key)
                if path is not None:
                    path.unlink(missing_ok=True)
                session.delete(row)
            session.flush()
            audit.record(
                session,
                actor=Actor.system("retention"),
                tag="complaint:purge_unverified",
                target=complaint,
                data={"number": complaint.number},
            )
            session.delete(complaint)
        session.flush()
        return len(stale)

    def _new_number(self, session: Session) -> str:
        while True:
            number = moderation_policy.tracking_number(secrets.token_bytes(8))
            if session.scalar(select(Complaint.id).where(Complaint.number == number)) is None:
                return number

    def _store_evidence(
        self, session: Session, settings: Settings, complaint: Complaint, evidence: list[PreparedEvidence]
    ) -> None:
        for file in evidence:
            key = storage_key(file)
            media_files.write_file(settings.media_dir, key, encrypted.seal_file(key, file.data))
            session.add(
                ComplaintEvidence(
                    id=uuid.uuid4(),
                    complaint_id=complaint.id,
                    filename=file.filename,
                    content_type=file.content_type,
                    size_bytes=len(file.data),
                    sha256=file.sha256,
                    storage_key=key,
                )
            )
        if evidence:
            session.flush()

    def _receive(
        self,
        session: Session,
        complaint: Complaint,
        rule: CategoryRule,
        target: Target,
        actor: Actor,
        *,
        base_url: str | None = None,
    ) -> None:
        """Acknowledge at once (LAW-13), route into the target's case, apply the interim measure."""
        now = utcnow()
        complaint.status, complaint.received_at = ComplaintStatus.received, now
        due, warn = complaint_due(rule, now)
        complaint.due_at = due
        complaint.legal_due_at = LEGAL.due_at(now)  # a visitor's request is received once confirmed
        language = moderation_policy.guess_language(
            target.item.body if target.item else complaint.description
        )
        disputed = session.get(Decision, complaint.decision_id) if complaint.decision_id else None
        case = moderation_service.open_case(
            session,
            target=target,
            source=Source.complaint,
            queue=rule.queue,
            priority=rule.priority,
            due=due,
            warn=warn,
            language="kk" if language == "kk" else None,
            actor=actor,
            # A dispute of a decision is never decided by the moderator who took it.
            excluded_moderator_id=disputed.decided_by_id if disputed else None,
        )
        complaint.case_id = case.id
        session.flush()
        _event(session, case, "complaint", actor.id, number=complaint.number, category=complaint.category)
        self._interim(session, case, rule, target, actor)
        self._acknowledge(session, complaint)
        if complaint.category == "false_information" and target.item is not None:
            # The author may answer or delete it (LAW-49): told in-app, or through their platform.
            author = session.get(User, target.item.author_id)
            if target.item.platform_id is not None:
                platform_service.notify_platform(
                    session,
                    target.item,
                    "item.removal_requested",
                    {
                        "complaint_id": str(complaint.id),
                        "category": complaint.category,
                        "case_id": str(case.id),
                    },
                )
            elif author is not None:
                notification_service.notify(
                    session, author, AUTHOR_NOTICE, link=f"/complaints/about/{target.item.id}"
                )

    def _interim(
        self, session: Session, case: ModerationCase, rule: CategoryRule, target: Target, actor: Actor
    ) -> None:
        """Hide the item pending review once ``hide_after`` distinct accounts complained of it."""
        item = target.item
        if rule.hide_after is None or item is None or item.status != ItemStatus.visible:
            return
        # Distinct accounts: Senim's members, and a platform's users only about what that platform pushed
        # (ids it makes up cannot hide anyone else's post). Visitors' requests do not count: an e-mail
        # address costs nothing.
        platform_user = cast(Complaint.platform_id, String) + ":" + Complaint.external_reporter_id
        who = func.coalesce(
            cast(Complaint.complainant_id, String),
            sql_case((Complaint.platform_id == item.platform_id, platform_user), else_=None),
        )
        complainants = session.scalar(
            select(func.count(func.distinct(who))).where(
                Complaint.case_id == case.id, Complaint.status == ComplaintStatus.received
            )
        )
        if int(complainants or 0) < rule.hide_after:
            return
        item.status = ItemStatus.hidden
        case.interim_hidden = True
        _event(session, case, "interim_hidden", None, complainants=int(complainants or 0))
        audit.record(
            session,
            actor=Actor.system("interim"),
            tag="item:hide_pending_review",
            target=item,
            data={"case_id": case.id, "complainants": int(complainants or 0), "threshold": rule.hide_after},
        )
        author = session.get(User, item.author_id)
        if author is not None and author.platform_id is None:
            notification_service.notify(
                session, author, INTERIM_NOTICE, link=f"/p/{item.parent_id or item.id}"
            )
        elif item.platform_id is not None:
            platform_service.notify_platform(
                session, item, "item.hidden_pending_review", {"case_id": str(case.id)}
            )

    def _acknowledge(self, session: Session, complaint: Complaint) -> None:
        params = {
            "number": complaint.number,
            "due": local(complaint.due_at) if complaint.due_at else "",
        }
        if complaint.complainant_id is not None:
            user = session.get(User, complaint.complainant_id)
            if user is not None:
                notification_service.notify(
                    session, user, RECEIVED_NOTICE, params, link=f"/complaints/{complaint.number}"
                )
        elif complaint.platform_id is not None:
            notification_service.emit(
                session,
                complaint.platform_id,
                "complaint.received",
                {
                    "complaint_id": str(complaint.id),
                    "number": complaint.number,
                    "due_at": complaint.due_at.isoformat() if complaint.due_at else None,  # ISO 8601
                },
            )
        elif complaint.contact_email:
            enqueue(session, ANSWER_EMAIL_JOB, {"complaint_id": str(complaint.id), "kind": "received"})

    def verify(self, session: Session, token: str, *, base_url: str | None = None) -> Complaint:
        """Confirm a visitor's e-mail address: the complaint is then received and acknowledged."""
        complaint = session.scalars(
            select(Complaint).where(Complaint.verify_digest == _digest(token)).with_for_update()
        ).one_or_none()
        if complaint is None:
            raise VerificationFailed("This confirmation link is not valid.")
        if complaint.status != ComplaintStatus.unverified:
            return complaint
        age = utcnow() - complaint.received_at
        if age.total_seconds() > VERIFY_TTL_HOURS * 3600:
            raise VerificationFailed("This confirmation link has expired. Please file the request again.")
        rule = self.rules_at(session, complaint.rules_version).category(complaint.category)
        target = moderation_service.target_of(session, complaint)
        actor = Actor.system("visitor")
        self._receive(session, complaint, rule, target, actor, base_url=base_url)
        audit.record(
            session, actor=actor, tag="complaint:verify", target=complaint, data={"number": complaint.number}
        )
        return complaint

    # --- answering ----------------------------------------------------------------------------
    def answer_case(
        self,
        session: Session,
        case: ModerationCase,
        decision: Decision,
        *,
        note: str = "",
        unfounded: bool = False,
        base_url: str | None = None,
    ) -> list[Complaint]:
        """Give every complainant of the case the reasoned answer (LAW-32), stored and sent."""
        complaints = list(
            session.scalars(
                select(Complaint).where(
                    Complaint.case_id == case.id, Complaint.status == ComplaintStatus.received
                )
            )
        )
        upheld = decision.action != Action.no_violation
        for complaint in complaints:
            self._answer(session, complaint, decision, note=note, base_url=base_url)
            if complaint.subject in PLATFORM_SUBJECTS or content_gone(decision):
                complaint.outcome = ComplaintOutcome.resolved  # answered; nothing left to restrict
            else:
                complaint.outcome = ComplaintOutcome.upheld if upheld else ComplaintOutcome.rejected
            complaint.manifestly_unfounded = unfounded and complaint.outcome == ComplaintOutcome.rejected
            if complaint.manifestly_unfounded and complaint.complainant_id:
                self._unfounded_strike(session, complaint)
        return complaints

    def _answer(
        self, session: Session, complaint: Complaint, decision: Decision, *, note: str, base_url: str | None
    ) -> None:
        now = utcnow()
        complaint.status, complaint.answered_at = ComplaintStatus.answered, now
        complaint.answer_decision_id = decision.id
        ruleset = self.rules_at(session, complaint.rules_version)
        rule = ruleset.category(complaint.category)
        recipient = session.get(User, complaint.complainant_id) if complaint.complainant_id else None
        language = recipient.language if recipient else complaint.language
        ctx = Context(
            subject_name="post",
            link=f"/complaints/{complaint.number}",
            base_url=base_url or get_settings().base_url,
        )
        with in_language(language) as lang:
            body = complaint_answer(
                decision,
                ctx,
                number=complaint.number,
                received_at=complaint.received_at,
                category_label=complaint_rules.category_label(rule, lang),
                false_information=complaint.category == "false_information",
                about_platform=complaint.subject in PLATFORM_SUBJECTS,
                note=note,
            )
        session.add(
            Statement(
                id=uuid.uuid4(),
                kind=StatementKind.complaint_answer,
                decision_id=decision.id,
                complaint_id=complaint.id,
                recipient_id=recipient.id if recipient else None,
                language=lang,
                body=body,
            )
        )
        audit.record(
            session,
            actor=Actor.system("moderation"),
            tag="complaint:answer",
            target=complaint,
            data={"decision_id": decision.id, "on_time": complaint.due_at is None or now <= complaint.due_at},
        )
        if recipient is not None:
            notification_service.notify(
                session, recipient, ANSWERED_NOTICE, {"number": complaint.number}, link=ctx.link
            )
        elif complaint.platform_id is not None:
            notification_service.emit(
                session,
                complaint.platform_id,
                "complaint.answered",
                {
                    "complaint_id": str(complaint.id),
                    "number": complaint.number,
                    "decision_id": str(decision.id),
                },
            )
        elif complaint.contact_email:
            enqueue(session, ANSWER_EMAIL_JOB, {"complaint_id": str(complaint.id), "kind": "answered"})

    def _unfounded_strike(self, session: Session, complaint: Complaint) -> None:
        assert complaint.complainant_id is not None  # noqa: S101 - checked by the caller
        session.add(
            Strike(
                id=uuid.uuid4(),
                user_id=complaint.complainant_id,
                kind=StrikeKind.complaints,
                weight=1,
                complaint_id=complaint.id,
            )
        )
        session.flush()
        rules = self.current_rules(session)[1].strikes
        since = utcnow() - timedelta(days=rules.complaint_window_days)
        count = session.scalar(
            select(func.count())
            .select_from(Strike)
            .where(
                Strike.user_id == complaint.complainant_id,
                Strike.kind == StrikeKind.complaints,
                Strike.removed_at.is_(None),
                Strike.created_at >= since,
            )
        )
        user = session.get(User, complaint.complainant_id)
        if user is None or int(count or 0) < rules.unfounded_limit:
            return
        user.complaints_blocked_until = utcnow() + timedelta(days=rules.unfounded_block_days)
        audit.record(
            session,
            actor=Actor.system("strikes"),
            tag="user:block_complaints",
            target=user,
            data={"until": user.complaints_blocked_until, "unfounded": int(count or 0)},
        )
        notification_service.notify(
            session, user, BLOCKED_NOTICE, {"date": local(user.complaints_blocked_until)}
        )

    # --- reading ------------------------------------------------------------------------------
    def mine(self, session: Session, user: User, limit: int = 100) -> list[Complaint]:
        return list(
            session.scalars(
                select(Complaint)
                .where(Complaint.complainant_id == user.id)
                .order_by(Complaint.received_at.desc())
                .limit(limit)
            )
        )

    def get_for(self, session: Session, viewer: User, number: str) -> Complaint:
        """A complaint its complainant, the platform that filed it, or staff may read; else 404."""
        complaint = session.scalars(
            select(Complaint).where(Complaint.number == number.strip().upper())
        ).one_or_none()
        if complaint is None:
            raise ComplaintNotFound("No such complaint.")
        if viewer.id in (complaint.complainant_id, complaint.platform_id):
            return complaint
        if has_perm(viewer.role, Perm.cases_read):
            return complaint
        raise ComplaintNotFound("No such complaint.")

    def by_appeal_token(self, session: Session, number: str, token: str, settings: Settings) -> Complaint:
        """The answered complaint of a person without an account, from the appeal link of their e-mail."""
        complaint = session.scalars(
            select(Complaint).where(Complaint.number == number.strip().upper())
        ).one_or_none()
        if (
            complaint is None
            or complaint.complainant_id is not None
            or complaint.contact_email is None
            or not hmac.compare_digest(token.encode(), visitor_appeal_token(settings, complaint.id).encode())
        ):
            raise ComplaintNotFound("No such complaint.")
        return complaint

    def appealed(self, session: Session, complaint: Complaint) -> bool:
        return (
            session.scalar(select(Appeal.id).where(Appeal.complaint_id == complaint.id).limit(1)) is not None
        )

    def appeal_answer_of(self, session: Session, complaint: Complaint) -> Statement | None:
        return session.scalars(
            select(Statement)
            .where(Statement.complaint_id == complaint.id, Statement.kind == StatementKind.appeal_answer)
            .order_by(Statement.created_at.desc())
        ).first()

    def answer_of(self, session: Session, complaint: Complaint) -> Statement | None:
        return session.scalars(
            select(Statement).where(
                Statement.complaint_id == complaint.id, Statement.kind == StatementKind.complaint_answer
            )
        ).first()

    def open_evidence(
        self, session: Session, evidence_id: uuid.UUID, settings: Settings
    ) -> tuple[ComplaintEvidence, bytes]:
        """An evidence file, decrypted, for staff who review complaints (the route declares
        ``cases:read``)."""
        row = session.get(ComplaintEvidence, evidence_id)
        path = media_files.stored_path(settings.media_dir, row.storage_key) if row else None
        if row is None or path is None:
            raise ComplaintNotFound("No such complaint.")
        return row, encrypted.open_file(row.storage_key, path.read_bytes())

    def evidence_of(self, session: Session, complaint: Complaint) -> list[ComplaintEvidence]:
        return list(
            session.scalars(
                select(ComplaintEvidence)
                .where(ComplaintEvidence.complaint_id == complaint.id)
                .order_by(ComplaintEvidence.created_at)
            )
        )


ANSWER_EMAIL_JOB = "complaint.email_visitor"

complaint_service = ComplaintService()
