"""Cases, queues, decisions, statements of reasons, strikes and appeals.

Every change takes the acting moderator (or the system) explicitly, locks the case, checks the policy,
changes, writes the case event and the audit record, and queues notices and webhooks, in the caller's
transaction. Claiming is one conditional UPDATE, so two moderators can never hold (and decide) the same
case; a case is decided only by the moderator holding it.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, literal, or_, select, update
from sqlalchemy.orm import Session

from senim import audit, taxonomy
from senim.account.policy import Perm, has_perm
from senim.account.service import account_service
from senim.audit import Actor
from senim.config import Settings, get_settings
from senim.content import age
from senim.content.service import content_service
from senim.db import dialect_insert
from senim.jobs import enqueue
from senim.kit.clock import today_in, utcnow
from senim.kit.deadlines import RULES, calendar_days_after_receipt, due_at
from senim.kit.deadlines import warn_at as deadline_warn_at
from senim.kit.text import clean
from senim.models import (
    AccountStatus,
    Appeal,
    AppealOutcome,
    AppealStatus,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Community,
    CommunityStatus,
    Complaint,
    ComplaintOutcome,
    ContentItem,
    Decision,
    DecisionStatus,
    ItemStatus,
    Media,
    ModerationCase,
    Role,
    Statement,
    StatementKind,
    Strike,
    StrikeKind,
    User,
)
from senim.moderation import dsa, policy
from senim.moderation.errors import (
    AppealExists,
    AppealInvalid,
    AppealRefused,
    CaseClaimed,
    CaseClosed,
    CaseNotFound,
    DecisionInvalid,
    DecisionNotFound,
    MayNotClaim,
    NotYourCase,
)
from senim.moderation.policy import Action, DecisionDraft, GroundKind, Source, TargetKind
from senim.moderation.statements import Context, action_text, appeal_answer, local, statement_of_reasons
from senim.notification.service import in_language, notification_service
from senim.platform.service import platform_service
from senim.transparency.statements import public_statement_service
from senim.web.i18n import N_

APPEAL_ANSWER = calendar_days_after_receipt(20)  # an appeal is a complaint about an action (LAW-32)
MAX_QUEUE = 200
MIN_APPEAL_CHARS = 10
MAX_APPEAL_CHARS = 5_000

DECIDED_NOTICE = N_(
    "A moderation decision was taken about your content or account. Read the reasons and how to appeal."
)
APPEAL_NOTICE = N_("Your appeal was decided. Read the answer.")
WARN_NOTICE = N_("Case {case} is close to its deadline ({due}).")
BREACH_NOTICE = N_("Case {case} is past its deadline and was escalated to senior moderators.")
ESCALATED_NOTICE = N_("Case {case} was escalated to senior moderators.")
INTERIM_NOTICE = N_("Your post or comment is hidden while moderators review complaints about it.")
# The system's own decisions state their clause and facts as message ids, shown in each reader's language.
STRIKES_CLAUSE = N_("repeated breaches of the terms of use (strikes)")
STRIKES_FACTS = N_(
    "Repeated breaches: the weight of the decisions about this account within the window of the rules "
    "reached the threshold for a suspension."
)
DELETE_DUTY_CLAUSE = N_("the duty to delete false or unlawful content one posted (OPL Art. 16(2))")
DELETE_DUE_FACTS = N_("The author did not delete the content by the deadline set in the earlier decision.")


def subject_text(name: str, text: str) -> str:
    """A profile's or community's text as one string: its name, a line break, its bio or description
    (detection's evidence spans count in it)."""
    return f"{name}\n{text}"


@dataclass(frozen=True)
class Target:
    """What a case or a decision is about."""

    subject: TargetKind
    item: ContentItem | None = None
    account: User | None = None
    community: Community | None = None
    ref: str = ""  # interface and platform-action complaints: the page or action, as described

    @property
    def key(self) -> str | None:
        """One open case per target; complaints about the interface each get their own case."""
        if self.item is not None:
            return f"item:{self.item.id}"
        if self.account is not None:
            return f"account:{self.account.id}"
        if self.community is not None:
            return f"community:{self.community.id}"
        return None

    @property
    def text(self) -> str:
        """The target's text: a post's body; a profile's display name and bio; a community's name and
        description (a line between them). Detection scans it; moderators read it translated."""
        if self.item is not None:
            return self.item.body
        if self.account is not None:
            return subject_text(self.account.display_name, self.account.bio)
        if self.community is not None:
            return subject_text(self.community.name, self.community.description)
        return ""

    @property
    def affected_user_id(self) -> uuid.UUID | None:
        if self.item is not None:
            return self.item.author_id
        if self.account is not None:
            return self.account.id
        if self.community is not None:
            return self.community.created_by_id
        return None

    @property
    def subject_name(self) -> str:
        if self.item is not None:
            return str(self.item.kind)
        return self.subject.value if self.subject in (TargetKind.account, TargetKind.community) else "post"


@dataclass(frozen=True)
class CaseView:
    case: ModerationCase
    target: Target
    complaints: list[Complaint]
    events: list[CaseEvent]
    appeal: Appeal | None
    appealed: Decision | None


def _event(
    session: Session, case: ModerationCase, kind: str, actor_id: uuid.UUID | None, **data: Any
) -> None:
    session.add(CaseEvent(id=uuid.uuid4(), case_id=case.id, kind=kind, actor_id=actor_id, data=data))


def _moderator_languages(user: User) -> list[str]:
    return [str(x) for x in (user.languages or [])]


def _appeal_mac(settings: Settings, decision_id: uuid.UUID, user_id: uuid.UUID) -> str:
    message = b"senim.appeal:" + decision_id.bytes + user_id.bytes
    return hmac.new(settings.secret_bytes, message, hashlib.sha256).hexdigest()[:40]


def appeal_link(settings: Settings, decision_id: uuid.UUID, user_id: uuid.UUID) -> str:
    """The page where the person a decision affects reads it and appeals without signing in: a suspended
    account cannot sign in, and must still be able to appeal its suspension. The path carries an HMAC of
    the decision and the person, so it works for them only."""
    return f"/decisions/{decision_id}/appeal/{user_id}.{_appeal_mac(settings, decision_id, user_id)}"


def _keeps_item_for_minors(action: Action, category: str) -> bool:
    """Whether a decision citing ``category`` leaves the item up while it is information forbidden for
    children (CHL Art. 16(2)): then the item is marked 18+ and minors no longer see it (LAW-85)."""
    return (
        action in policy.RESTRICTIVE
        and action not in (Action.remove, Action.geo_restrict)
        and age.harmful_to_children(category)
    )


def content_gone(decision: Decision) -> bool:
    """Whether the item was already deleted by its author, or removed, when the decision was taken."""
    return decision.previous_status in (ItemStatus.deleted, ItemStatus.removed)


class ModerationService:
    # --- targets ------------------------------------------------------------------------------
    def target_of(self, session: Session, row: ModerationCase | Decision | Complaint) -> Target:
        subject = TargetKind(row.subject)
        return Target(
            subject=subject,
            item=session.get(ContentItem, row.item_id) if row.item_id else None,
            account=session.get(User, row.account_id) if row.account_id else None,
            community=session.get(Community, row.community_id) if row.community_id else None,
            ref=getattr(row, "target_ref", ""),
        )

    # --- cases --------------------------------------------------------------------------------
    def open_case(
        self,
        session: Session,
        *,
        target: Target,
        source: Source,
        queue: str,
        priority: int,
        due: datetime | None,
        warn: datetime | None,
        language: str | None,
        actor: Actor,
        kind: CaseKind = CaseKind.review,
        key: str | None = None,
        excluded_moderator_id: uuid.UUID | None = None,
    ) -> ModerationCase:
        """Open a case on ``target``, or join the open one: one case per target (complaints about the
        same post join one case). Joining keeps the earliest deadline and the highest priority.

        The insert is ``ON CONFLICT DO NOTHING`` on the open key, so two complaints arriving together
        on PostgreSQL join one case instead of failing.
        """
        open_key = key or target.key or f"case:{uuid.uuid4()}"
        case_id = uuid.uuid4()
        values = {
            "id": case_id,
            "kind": kind,
            "status": CaseStatus.open,
            "open_key": open_key,
            "subject": target.subject,
            "item_id": target.item.id if target.item else None,
            "account_id": target.account.id if target.account else None,
            "community_id": target.community.id if target.community else None,
            "source": source,
            "queue": queue,
            "priority": priority,
            "language": language,
            "opened_at": utcnow(),
            "due_at": due,
            "warn_at": warn,
            "excluded_moderator_id": excluded_moderator_id,
            "interim_hidden": False,
        }
        insert = dialect_insert(session)
        session.execute(
            insert(ModerationCase).values(**values).on_conflict_do_nothing(index_elements=["open_key"])
        )
        case = session.scalars(
            select(ModerationCase).where(ModerationCase.open_key == open_key).with_for_update()
        ).one()
        session.refresh(case)
        if case.id == case_id:
            _event(session, case, "opened", actor.id, source=source, queue=queue)
            audit.record(
                session, actor=actor, tag="case:open", target=case, data={"key": open_key, "queue": queue}
            )
            return case
        changed: dict[str, Any] = {}
        if due is not None and (case.due_at is None or due < case.due_at):
            case.due_at, case.warn_at, case.warned_at = due, warn, None
            changed["due_at"] = due
        if priority < case.priority:
            case.priority = changed["priority"] = priority
            case.queue = changed["queue"] = queue
        if language == "kk" and case.language != "kk":
            case.language = changed["language"] = "kk"
        _event(session, case, "joined", actor.id, source=source, **{k: str(v) for k, v in changed.items()})
        return case

    def get_case(self, session: Session, case_id: uuid.UUID, *, for_update: bool = False) -> ModerationCase:
        query = select(ModerationCase).where(ModerationCase.id == case_id)
        if for_update:
            query = query.with_for_update()
        case = session.scalars(query).one_or_none()
        if case is None:
            raise CaseNotFound("No such case.")
        return case

    def view(self, session: Session, case_id: uuid.UUID) -> CaseView:
        case = self.get_case(session, case_id)
        appeal = session.scalars(select(Appeal).where(Appeal.case_id == case.id)).one_or_none()
        return CaseView(
            case=case,
            target=self.target_of(session, case),
            complaints=list(
                session.scalars(
                    select(Complaint).where(Complaint.case_id == case.id).order_by(Complaint.received_at)
                )
            ),
            events=list(
                session.scalars(
                    select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id)
                )
            ),
            appeal=appeal,
            appealed=session.get(Decision, appeal.decision_id) if appeal else None,
        )

    def queue(
        self,
        session: Session,
        moderator: User,
        *,
        queue: str | None = None,
        mine: bool = False,
        limit: int = 50,
    ) -> list[ModerationCase]:
        """Open cases this moderator can take, most urgent first: escalated, then by deadline and
        priority. Kazakh cases are listed only for moderators who read Kazakh (LAW-09a)."""
        query = select(ModerationCase).where(ModerationCase.status == CaseStatus.open)
        if queue:
            query = query.where(ModerationCase.queue == queue)
        if mine:
            query = query.where(ModerationCase.assignee_id == moderator.id)
        else:
            languages = _moderator_languages(moderator)
            query = query.where(
                or_(ModerationCase.language.is_(None), ModerationCase.language.in_(languages or [""])),
                or_(
                    ModerationCase.excluded_moderator_id.is_(None),
                    ModerationCase.excluded_moderator_id != moderator.id,
                ),
            )
            if not has_perm(moderator.role, Perm.moderate_senior):
                query = query.where(ModerationCase.escalated_at.is_(None))
        query = query.order_by(
            ModerationCase.escalated_at.is_(None),
            ModerationCase.due_at.is_(None),
            ModerationCase.due_at,
            ModerationCase.priority,
            ModerationCase.opened_at,
        )
        return list(session.scalars(query.limit(min(max(limit, 1), MAX_QUEUE))))

    def queue_counts(self, session: Session) -> dict[str, int]:
        rows = session.execute(
            select(ModerationCase.queue, func.count())
            .where(ModerationCase.status == CaseStatus.open)
            .group_by(ModerationCase.queue)
        )
        return {str(q): int(n) for q, n in rows}

    def claim(self, session: Session, moderator: User, case_id: uuid.UUID) -> ModerationCase:
        """Take a case. One conditional UPDATE: of two moderators claiming together, one wins, the
        other gets a 409 (on SQLite the writer lock serialises them; on PostgreSQL the row lock)."""
        case = self.get_case(session, case_id)
        if case.status != CaseStatus.open:
            raise CaseClosed("This case is closed.")
        problem = policy.may_claim(
            moderator_id=moderator.id,
            moderator_languages=_moderator_languages(moderator),
            case_language=case.language,
            excluded_id=case.excluded_moderator_id,
            escalated=case.escalated_at is not None,
            senior=has_perm(moderator.role, Perm.moderate_senior),
        )
        if problem:
            raise MayNotClaim(problem)
        if self._involved(session, moderator, case):
            raise MayNotClaim(
                "You cannot take a case about your own content or account, or your own complaint."
            )
        now = utcnow()
        result = session.execute(
            update(ModerationCase)
            .where(
                ModerationCase.id == case_id,
                ModerationCase.status == CaseStatus.open,
                or_(ModerationCase.assignee_id.is_(None), ModerationCase.assignee_id == moderator.id),
                # re-checked in the UPDATE: the case may have been escalated since it was read
                or_(
                    ModerationCase.escalated_at.is_(None),
                    literal(has_perm(moderator.role, Perm.moderate_senior)),
                ),
            )
            .values(assignee_id=moderator.id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], result).rowcount != 1:
            raise CaseClaimed("Another moderator has taken this case.")
        session.refresh(case)
        _event(session, case, "claimed", moderator.id)
        audit.record(session, actor=Actor.of(moderator), tag="case:claim", target=case)
        return case

    def _involved(self, session: Session, moderator: User, case: ModerationCase) -> bool:
        """Whether the moderator is a party: the author or the account concerned, or a complainant."""
        target = self.target_of(session, case)
        if target.affected_user_id == moderator.id:
            return True
        cases = [case.id]
        if case.kind == CaseKind.appeal:  # the complaints that led to the decision under appeal count too
            cases += [
                c
                for c in session.scalars(
                    select(Decision.case_id)
                    .join(Appeal, Appeal.decision_id == Decision.id)
                    .where(Appeal.case_id == case.id)
                )
                if c is not None
            ]
        complained = session.scalar(
            select(Complaint.id).where(Complaint.case_id.in_(cases), Complaint.complainant_id == moderator.id)
        )
        appealed = session.scalar(
            select(Appeal.id).where(Appeal.case_id == case.id, Appeal.appellant_id == moderator.id)
        )
        return complained is not None or appealed is not None

    def _held(self, session: Session, moderator: User, case_id: uuid.UUID) -> ModerationCase:
        case = self.get_case(session, case_id, for_update=True)
        if case.status != CaseStatus.open:
            raise CaseClosed("This case is closed.")
        if case.assignee_id != moderator.id:
            raise NotYourCase("Take the case before you act on it.")
        return case

    def release(self, session: Session, moderator: User, case_id: uuid.UUID) -> ModerationCase:
        case = self._held(session, moderator, case_id)
        case.assignee_id, case.claimed_at = None, None
        _event(session, case, "released", moderator.id)
        audit.record(session, actor=Actor.of(moderator), tag="case:release", target=case)
        return case

    def escalate(self, session: Session, moderator: User, case_id: uuid.UUID, note: str) -> ModerationCase:
        """Hand the case to senior moderators (the note says why)."""
        case = self._held(session, moderator, case_id)
        note = clean(note).strip()[:1000]
        if not note:
            raise DecisionInvalid("Say why the case needs a senior moderator.")
        self._escalate(session, case, Actor.of(moderator), note=note)
        return case

    def _escalate(self, session: Session, case: ModerationCase, actor: Actor, *, note: str) -> None:
        case.escalated_at = utcnow()
        case.assignee_id, case.claimed_at = None, None
        _event(session, case, "escalated", actor.id, note=note)
        audit.record(session, actor=actor, tag="case:escalate", target=case, data={"note": note})
        for senior in self._seniors(session):
            notification_service.notify(
                session,
                senior,
                ESCALATED_NOTICE,
                {"case": str(case.id)[:8]},
                link=f"/console/cases/{case.id}",
            )

    def _seniors(self, session: Session) -> list[User]:
        return account_service.active_with_roles(session, Role.senior_moderator)

    # --- decisions ----------------------------------------------------------------------------
    def decide(
        self,
        session: Session,
        moderator: User,
        case_id: uuid.UUID,
        draft: DecisionDraft,
        *,
        note: str = "",
        unfounded: bool = False,
        base_url: str | None = None,
    ) -> Decision:
        """Decide a review case held by ``moderator``: record the decision, apply it, give the
        statement of reasons to the affected person and the reasoned answer to every complainant."""
        case = self._held(session, moderator, case_id)
        if case.kind != CaseKind.review:
            raise DecisionInvalid("This is an appeal: decide it with the appeal form.")
        target = self.target_of(session, case)
        if draft.target != target.subject:
            raise DecisionInvalid("This decision cannot be taken on this kind of target.")
        complaints = list(session.scalars(select(Complaint).where(Complaint.case_id == case.id)))
        automated = any(bool((c.details or {}).get("detected")) for c in complaints)
        decision = self.record_decision(
            session,
            actor=Actor.of(moderator),
            moderator=moderator,
            target=target,
            draft=draft,
            source=Source(case.source),
            case=case,
            automated_detection=automated or case.source == Source.detection,
            base_url=base_url,
            appeal_to_complainants=bool(complaints),
        )
        from senim.complaint.service import complaint_service  # complaint → moderation → complaint

        complaint_service.answer_case(
            session, case, decision, note=note, unfounded=unfounded, base_url=base_url
        )
        return decision

    def record_decision(
        self,
        session: Session,
        *,
        actor: Actor,
        moderator: User | None,
        target: Target,
        draft: DecisionDraft,
        source: Source,
        case: ModerationCase | None = None,
        automated_detection: bool = False,
        automated_decision: policy.Automation = policy.Automation.not_automated,
        source_identity: str = "",
        follows: Decision | None = None,
        base_url: str | None = None,
        appeal_to_complainants: bool = False,
        notify_affected: bool = True,
    ) -> Decision:
        """Record, apply and explain one decision. Used by moderators, by the system (strike thresholds,
        an author's missed deadline) and by orders of state bodies. With ``notify_affected`` False (an
        order the law keeps from the person, the reason recorded by the caller) the statement of reasons
        is stored but not sent."""
        now = utcnow()
        today = today_in()
        version = taxonomy.current(today)
        problems = policy.decision_problems(draft, version.category_keys())
        if problems:
            raise DecisionInvalid(
                problems[0], fields=problems, min=policy.MIN_FACTS_CHARS, max=policy.MAX_FACTS_CHARS
            )
        action = draft.action
        if action is Action.suspend and target.account is not None and target.account.is_staff:
            raise DecisionInvalid("Staff accounts are suspended by an administrator in the console.")
        ref = (
            taxonomy.freeze(draft.category, today)
            if draft.ground_kind is GroundKind.law and draft.category
            else None
        )
        rules = self._rules(session)
        restrictive = action in policy.RESTRICTIVE
        item = target.item
        sign = draft.age_sign if action is Action.age_restrict else None
        if item is not None and ref is not None and _keeps_item_for_minors(action, ref.key):
            sign = age.ADULTS_ONLY  # information forbidden for children is 18+ (LAW-85)
        decision = Decision(
            id=uuid.uuid4(),
            case_id=case.id if case else None,
            subject=target.subject,
            item_id=item.id if item else None,
            account_id=target.account.id if target.account else None,
            community_id=target.community.id if target.community else None,
            affected_user_id=target.affected_user_id,
            action=action,
            age_sign=sign,
            label=draft.label if action is Action.label else None,
            restriction_until=policy.restriction_end(draft, now),
            ground_kind=draft.ground_kind if restrictive else None,
            category=ref.key if ref and restrictive else None,
            taxonomy_version=ref.version if ref and restrictive else None,
            legal_basis=version.get(ref.key).legal_basis if ref and restrictive else "",
            terms_clause=clean(draft.terms_clause or "").strip()[:200]
            if draft.ground_kind is GroundKind.terms
            else "",
            facts=clean(draft.facts).strip(),
            source=source,
            source_identity=source_identity,
            automated_detection=automated_detection,
            automated_decision=automated_decision,
            decided_by_id=moderator.id if moderator else None,
            decided_at=now,
            content_created_at=item.created_at if item else None,
            content_language=policy.guess_language(item.body) if item else None,
            had_images=self._has_images(session, item),
            status=DecisionStatus.in_force,
            appealable_until=(
                now + timedelta(days=rules.appeal_window_days)
                if restrictive or appeal_to_complainants
                else None
            ),
            follows_id=follows.id if follows else None,
        )
        session.add(decision)
        session.flush()
        decision.previous_status = self._apply(session, actor, decision, target, case)
        if case is not None:
            case.status, case.open_key, case.closed_at = CaseStatus.closed, None, now
            _event(session, case, "decided", actor.id, decision_id=str(decision.id), action=action)
        audit.record(
            session,
            actor=actor,
            tag="decision:record",
            target=decision,
            data={
                "case_id": case.id if case else None,
                "action": action,
                "ground": decision.category or decision.terms_clause or None,
                "source": source,
                "automated_decision": automated_decision,
                **({"age_sign": decision.age_sign} if decision.age_sign else {}),
            },
        )
        public_statement_service.record(session, decision)  # masked now, once (LAW-37)
        self._explain(session, decision, target, base_url=base_url, notify=notify_affected)
        # No strike when the author had already deleted the content (they did their duty, LAW-49) or an
        # earlier decision had removed it.
        if restrictive and decision.affected_user_id is not None and not content_gone(decision):
            self._strike(session, decision, actor, base_url=base_url)
        return decision

    def _has_images(self, session: Session, item: ContentItem | None) -> bool:
        if item is None:
            return False
        return session.scalar(select(func.count()).select_from(Media).where(Media.item_id == item.id)) != 0

    def _rules(self, session: Session) -> Any:
        from senim.complaint.service import complaint_service

        return complaint_service.current_rules(session)[1]

    def _apply(
        self, session: Session, actor: Actor, decision: Decision, target: Target, case: ModerationCase | None
    ) -> str | None:
        """Put the decision into effect; returns the status a reversal restores."""
        action = Action(decision.action)
        interim = case is not None and case.interim_hidden
        if target.item is not None:
            item = target.item
            previous = str(item.status)
            if item.status == ItemStatus.hidden and interim:
                # The interim hide ends with the decision: the item was visible before it, and that
                # is what a reversal on appeal restores (never "hidden pending review" again).
                previous = ItemStatus.visible
                if action not in (Action.remove, Action.geo_restrict):
                    item.status = ItemStatus.visible
            if item.status in (ItemStatus.deleted, ItemStatus.removed):
                return previous
            match action:
                case Action.remove:
                    item.status = ItemStatus.removed
                case Action.geo_restrict:
                    item.status = ItemStatus.restricted
                case Action.age_restrict:
                    # Never below a sign other decisions in force put on it (harmful to children: 18+).
                    session.flush()
                    item.age_sign = age.higher(
                        decision.age_sign, content_service.decided_age_sign(session, item.id)
                    )
                case Action.label:
                    item.label = decision.label
                case Action.demote:
                    item.demoted = True
                case _:
                    pass
            if decision.age_sign is not None and action is not Action.age_restrict:
                item.age_sign = age.higher(item.age_sign, decision.age_sign)
            if item.platform_id is not None:
                platform_service.notify_platform(
                    session,
                    item,
                    "decision.recorded",
                    {
                        "decision_id": str(decision.id),
                        "action": action,
                        "ground": decision.category or "terms",
                    },
                )
            return previous
        if target.account is not None:
            account = target.account
            previous = str(account.status)
            if action is Action.suspend:
                session.flush()
                self._settle_suspension(session, actor, account)
            if account.platform_id is not None:
                platform_service.notify_platform(
                    session, account, "decision.recorded", {"decision_id": str(decision.id), "action": action}
                )
            return previous
        if target.community is not None:
            community = target.community
            previous = str(community.status)
            if action is Action.remove:
                community.status = CommunityStatus.removed
            elif action is Action.geo_restrict:
                community.status = CommunityStatus.restricted
            return previous
        return None

    def _settle_suspension(
        self, session: Session, actor: Actor, account: User, now: datetime | None = None
    ) -> None:
        """Set the account's status from every suspension in force: suspended until the latest end, or
        for good if one has no end; active when none is left (a reversal or an end never lifts a
        suspension that another decision still imposes)."""
        now = now or utcnow()
        ends = [
            d.restriction_until
            for d in session.scalars(
                select(Decision).where(
                    Decision.account_id == account.id,
                    Decision.action == Action.suspend,
                    Decision.status == DecisionStatus.in_force,
                )
            )
            if d.restriction_until is None or d.restriction_until > now
        ]
        if ends:
            if account.status == AccountStatus.active:
                account_service.set_status(session, actor, account, AccountStatus.suspended)
            account.suspended_until = None if None in ends else max(e for e in ends if e is not None)
        elif account.status == AccountStatus.suspended:
            account_service.set_status(session, actor, account, AccountStatus.active)
            account.suspended_until = None

    def _undo(self, session: Session, actor: Actor, decision: Decision) -> None:
        """Undo a reversed decision's effects (the content comes back, the suspension ends)."""
        action = Action(decision.action)
        target = self.target_of(session, decision)
        if target.item is not None:
            item = target.item
            if action in (Action.remove, Action.geo_restrict) and item.status in (
                ItemStatus.removed,
                ItemStatus.restricted,
            ):
                item.status = ItemStatus(decision.previous_status or ItemStatus.visible)
            elif action is Action.label:
                item.label = None
            elif action is Action.demote:
                item.demoted = False
            if decision.age_sign is not None:
                # Back to the author's or platform's own sign, never below what decisions in force set.
                session.flush()
                item.age_sign = age.higher(
                    item.own_age_sign, content_service.decided_age_sign(session, item.id)
                )
        elif target.account is not None and action is Action.suspend:
            session.flush()
            self._settle_suspension(session, actor, target.account)
        elif target.community is not None and action in (Action.remove, Action.geo_restrict):
            target.community.status = CommunityStatus(decision.previous_status or CommunityStatus.active)

    def _explain(
        self,
        session: Session,
        decision: Decision,
        target: Target,
        *,
        base_url: str | None,
        notify: bool = True,
    ) -> None:
        """Store and send the statement of reasons to the person the decision affects."""
        if decision.affected_user_id is None or decision.action == Action.no_violation:
            return
        affected = session.get(User, decision.affected_user_id)
        if affected is None or affected.status == AccountStatus.deleted:
            return
        # The stored text links to the decision's page; the appeal link that works without signing in
        # (for a suspended account) travels only in the person's own notice and e-mail.
        ctx = Context(
            subject_name=target.subject_name,
            link=f"/decisions/{decision.id}",
            base_url=base_url or get_settings().base_url,
        )
        with in_language(affected.language) as lang:
            body = statement_of_reasons(decision, ctx)
        session.add(
            Statement(
                id=uuid.uuid4(),
                kind=StatementKind.statement_of_reasons,
                decision_id=decision.id,
                recipient_id=affected.id,
                language=lang,
                body=body,
            )
        )
        if notify and affected.platform_id is None:
            notification_service.notify(
                session, affected, DECIDED_NOTICE, link=appeal_link(get_settings(), decision.id, affected.id)
            )

    # --- strikes ------------------------------------------------------------------------------
    def _strike(self, session: Session, decision: Decision, actor: Actor, *, base_url: str | None) -> None:
        weight = policy.STRIKE_WEIGHT.get(Action(decision.action), 0)
        if decision.follows_id is not None and decision.item_id is not None:
            # Enforcing an earlier decision on the same item (the author did not delete it) is the
            # same breach: it weighs as the heavier action, not as both added together.
            struck = session.scalar(
                select(func.coalesce(func.sum(Strike.weight), 0)).where(
                    Strike.decision_id == decision.follows_id, Strike.removed_at.is_(None)
                )
            )
            weight -= int(struck or 0)
        if weight <= 0 or decision.affected_user_id is None:
            return
        session.add(
            Strike(
                id=uuid.uuid4(),
                user_id=decision.affected_user_id,
                kind=StrikeKind.content,
                weight=weight,
                decision_id=decision.id,
            )
        )
        session.flush()
        rules = self._rules(session).strikes
        active = self.active_weight(session, decision.affected_user_id, rules.window_days)
        days = policy.suspension_for(active, rules.thresholds)
        user = session.get(User, decision.affected_user_id)
        if days is None or user is None or user.status != AccountStatus.active or user.is_staff:
            return
        self.record_decision(
            session,
            actor=Actor.system("strikes"),
            moderator=None,
            target=Target(subject=TargetKind.account, account=user),
            draft=DecisionDraft(
                target=TargetKind.account,
                action=Action.suspend,
                ground_kind=GroundKind.terms,
                category=None,
                terms_clause=STRIKES_CLAUSE,
                facts=STRIKES_FACTS,
                suspend_days=days or None,
            ),
            source=Source.own_initiative,
            automated_decision=policy.Automation.fully,
            follows=decision,
            base_url=base_url,
        )

    def active_weight(self, session: Session, user_id: uuid.UUID, window_days: int) -> int:
        since = utcnow() - timedelta(days=window_days)
        total = session.scalar(
            select(func.coalesce(func.sum(Strike.weight), 0)).where(
                Strike.user_id == user_id,
                Strike.kind == StrikeKind.content,
                Strike.removed_at.is_(None),
                Strike.created_at >= since,
            )
        )
        return int(total or 0)

    # --- reading decisions --------------------------------------------------------------------
    def get_decision(self, session: Session, decision_id: uuid.UUID) -> Decision:
        decision = session.get(Decision, decision_id)
        if decision is None:
            raise DecisionNotFound("No such decision.")
        return decision

    def decision_for(self, session: Session, viewer: User, decision_id: uuid.UUID) -> Decision:
        """A decision its affected person, a complainant it answered, staff, or the platform owning
        its target may read; anyone else gets "not found"."""
        decision = self.get_decision(session, decision_id)
        if viewer.is_staff and has_perm(viewer.role, Perm.cases_read):
            return decision
        if viewer.id == decision.affected_user_id or self._complainant_of(session, viewer, decision):
            return decision
        if viewer.role == Role.integrating_platform:
            target = self.target_of(session, decision)
            owner = target.item or target.account
            if owner is not None and owner.platform_id == viewer.id:
                return decision
        raise DecisionNotFound("No such decision.")

    def _complainant_of(self, session: Session, viewer: User, decision: Decision) -> Complaint | None:
        """A complaint the decision answered that ``viewer`` filed (as a person, or as the platform)."""
        return session.scalars(
            select(Complaint).where(
                Complaint.answer_decision_id == decision.id,
                or_(Complaint.complainant_id == viewer.id, Complaint.platform_id == viewer.id),
            )
        ).first()

    def statements(self, session: Session, viewer: User, decision: Decision) -> list[Statement]:
        """The statements the viewer received about the decision; staff who oversee moderation see all of
        them, an integrating platform those its own users received."""
        query = select(Statement).where(
            or_(
                Statement.decision_id == decision.id,
                Statement.appeal_id.in_(select(Appeal.id).where(Appeal.decision_id == decision.id)),
            )
        )
        if viewer.role == Role.integrating_platform:
            query = query.where(
                or_(
                    Statement.recipient_id == viewer.id,
                    Statement.recipient_id.in_(select(User.id).where(User.platform_id == viewer.id)),
                )
            )
        elif not has_perm(viewer.role, Perm.cases_read):
            query = query.where(Statement.recipient_id == viewer.id)
        return list(session.scalars(query.order_by(Statement.created_at, Statement.id)))

    def appeals_of(self, session: Session, decision: Decision) -> list[Appeal]:
        return list(
            session.scalars(
                select(Appeal).where(Appeal.decision_id == decision.id).order_by(Appeal.received_at)
            )
        )

    def decisions_by_order(
        self, session: Session, *, item_id: uuid.UUID | None = None, account_id: uuid.UUID | None = None
    ) -> list[Decision]:
        """The decisions in force that state bodies' orders took about an item or an account."""
        query = select(Decision).where(
            Decision.source == Source.order, Decision.status == DecisionStatus.in_force
        )
        if item_id is not None:
            query = query.where(Decision.item_id == item_id)
        elif account_id is not None:
            query = query.where(Decision.account_id == account_id, Decision.item_id.is_(None))
        else:
            return []
        return list(session.scalars(query.order_by(Decision.decided_at)))

    def decisions_about(self, session: Session, user: User, limit: int = 50) -> list[Decision]:
        return list(
            session.scalars(
                select(Decision)
                .where(Decision.affected_user_id == user.id, Decision.action != Action.no_violation)
                .order_by(Decision.decided_at.desc())
                .limit(limit)
            )
        )

    def dsa_statement(self, session: Session, decision: Decision) -> dict[str, Any]:
        """The decision as a DSA statement of reasons (``dsa.NotExportable`` when it restricts nothing)."""
        target = self.target_of(session, decision)
        category = (
            taxonomy.get(decision.category, decision.taxonomy_version)
            if decision.category and decision.taxonomy_version
            else None
        )
        action = Action(decision.action)
        until = decision.restriction_until if action is Action.suspend else None
        kind = (
            target.subject_name
            if target.subject_name in ("post", "comment", "account", "community")
            else "post"
        )
        facts = dsa.SorFacts(
            puid=str(decision.id),
            action=action,
            restriction_end=until.date() if until else None,
            ground_kind="law" if decision.ground_kind == GroundKind.law else "terms",
            legal_basis=decision.legal_basis or decision.terms_clause,
            ground_label=category.label if category else decision.terms_clause,
            explanation=decision.facts,
            reference_url=None,
            also_illegal=False,
            dsa_category=category.dsa_category if category else "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
            target_kind=cast(Any, kind),
            has_images=decision.had_images,
            content_language=decision.content_language,
            content_date=(decision.content_created_at or decision.decided_at).date(),
            application_date=decision.decided_at.date(),
            source=cast(Any, decision.source),
            source_identity=decision.source_identity or None,
            automated_detection=decision.automated_detection,
            automated_decision=cast(Any, decision.automated_decision),
            account_type=None,
        )
        return dsa.build_statement(facts)

    def affected_by_link(self, session: Session, decision_id: uuid.UUID, token: str) -> User:
        """The person an appeal link (``appeal_link``) was made for; "not found" for any other token."""
        user_part, _, mac = token.partition(".")
        try:
            user_id = uuid.UUID(user_part)
        except ValueError as exc:
            raise DecisionNotFound("No such decision.") from exc
        if not hmac.compare_digest(mac.encode(), _appeal_mac(get_settings(), decision_id, user_id).encode()):
            raise DecisionNotFound("No such decision.")
        user = session.get(User, user_id)
        decision = session.get(Decision, decision_id)
        if user is None or decision is None or decision.affected_user_id != user.id:
            raise DecisionNotFound("No such decision.")
        return user

    # --- the author's side ----------------------------------------------------------------------
    def open_case_about(self, session: Session, author: User, item_id: uuid.UUID) -> ModerationCase | None:
        """The open review case about one of ``author``'s items, or None; someone else's item is 404."""
        item = session.get(ContentItem, item_id)
        if item is None or item.author_id != author.id:
            raise CaseNotFound("No such case.")
        return session.scalars(
            select(ModerationCase).where(ModerationCase.open_key == f"item:{item.id}")
        ).one_or_none()

    def author_reply(self, session: Session, author: User, item_id: uuid.UUID, text: str) -> CaseEvent:
        """The author answers the complaints about their item (e.g. a demand to remove false information
        about someone, LAW-49); moderators read the answer in the case's history before deciding."""
        case = self.open_case_about(session, author, item_id)
        if case is None:
            raise CaseNotFound("No such case.")
        text = clean(text).strip()
        if not MIN_APPEAL_CHARS <= len(text) <= MAX_APPEAL_CHARS:
            raise AppealInvalid(
                "Write your answer ({min} to {max} characters).", min=MIN_APPEAL_CHARS, max=MAX_APPEAL_CHARS
            )
        event = CaseEvent(
            id=uuid.uuid4(), case_id=case.id, kind="author_replied", actor_id=author.id, data={"note": text}
        )
        session.add(event)
        session.flush()
        audit.record(
            session, actor=Actor.of(author), tag="case:author_reply", target=case, data={"length": len(text)}
        )
        return event

    # --- appeals ------------------------------------------------------------------------------
    def appeal_role(
        self, session: Session, user: User, decision: Decision
    ) -> tuple[str, Complaint | None] | None:
        if decision.affected_user_id == user.id and decision.action != Action.no_violation:
            return "affected", None
        complaint = self._complainant_of(session, user, decision)
        return ("complainant", complaint) if complaint else None

    def file_appeal(
        self,
        session: Session,
        user: User,
        decision_id: uuid.UUID,
        reason: str,
        *,
        base_url: str | None = None,
    ) -> Appeal:
        """Appeal a decision: the affected person or a complainant, within the owner's window; another
        moderator than the one who decided takes the appeal (a case of its own). An integrating platform
        appeals for its own user the decision affects, or as the complainant when it filed the complaint."""
        decision = self.decision_for(session, user, decision_id)
        appellant = user
        role = self.appeal_role(session, user, decision)
        if role is None and user.role == Role.integrating_platform:
            affected = session.get(User, decision.affected_user_id) if decision.affected_user_id else None
            if affected is not None and affected.platform_id == user.id:
                appellant = affected
                role = self.appeal_role(session, affected, decision)
        if role is None:
            raise AppealRefused("Only the person affected by a decision or a complainant can appeal it.")
        return self._open_appeal(
            session,
            decision,
            reason,
            appellant=appellant,
            role=role[0],
            complaint=role[1],
            actor=Actor.of(user),
        )

    def file_visitor_appeal(self, session: Session, complaint: Complaint, reason: str) -> Appeal:
        """A person without an account appeals the answer to their complaint (from the link in the
        e-mail that carried the answer)."""
        if complaint.answer_decision_id is None or complaint.contact_email is None:
            raise AppealRefused("Only the person affected by a decision or a complainant can appeal it.")
        decision = self.get_decision(session, complaint.answer_decision_id)
        return self._open_appeal(
            session,
            decision,
            reason,
            appellant=None,
            role="complainant",
            complaint=complaint,
            actor=Actor.system("visitor"),
        )

    def _open_appeal(
        self,
        session: Session,
        decision: Decision,
        reason: str,
        *,
        appellant: User | None,
        role: str,
        complaint: Complaint | None,
        actor: Actor,
    ) -> Appeal:
        # One appeal per person even when the same form is sent twice at once (PostgreSQL row lock).
        session.scalars(select(Decision.id).where(Decision.id == decision.id).with_for_update()).one()
        now = utcnow()
        if decision.status != DecisionStatus.in_force:
            raise AppealRefused("This decision is no longer in force.")
        if decision.appealable_until is None or now > decision.appealable_until:
            raise AppealRefused("The time to appeal this decision has passed.")
        reason = clean(reason).strip()
        if not MIN_APPEAL_CHARS <= len(reason) <= MAX_APPEAL_CHARS:
            raise AppealInvalid(
                "Explain why the decision is wrong ({min} to {max} characters).",
                min=MIN_APPEAL_CHARS,
                max=MAX_APPEAL_CHARS,
            )
        same = (
            Appeal.appellant_id == appellant.id
            if appellant is not None
            else Appeal.complaint_id == (complaint.id if complaint else None)
        )
        if session.scalar(select(Appeal.id).where(Appeal.decision_id == decision.id, same)) is not None:
            raise AppealExists("You have already appealed this decision.")
        # An appeal against a decision no person took is an objection to an automated decision, answered
        # within 3 working days (PDL Art. 19-1, LAW-80) when that comes before the 20 days of an appeal.
        rule = APPEAL_ANSWER
        if decision.automated_decision == policy.Automation.fully:
            objection = RULES["automated_decision_objection"].rule
            rule = min(rule, objection, key=lambda r: due_at(r, now))
        due = due_at(rule, now)
        appeal = Appeal(
            id=uuid.uuid4(),
            decision_id=decision.id,
            appellant_id=appellant.id if appellant else None,
            appellant_role=role,
            complaint_id=complaint.id if complaint else None,
            reason=reason,
            status=AppealStatus.received,
            received_at=now,
            due_at=due,
        )
        session.add(appeal)
        session.flush()
        case = self.open_case(
            session,
            target=self.target_of(session, decision),
            source=Source.appeal,
            queue="appeals",
            priority=2,
            due=due,
            warn=deadline_warn_at(rule, now, due),
            language=decision.content_language if decision.content_language == "kk" else None,
            actor=actor,
            kind=CaseKind.appeal,
            key=f"appeal:{decision.id}",
            excluded_moderator_id=decision.decided_by_id,
        )
        appeal.case_id = case.id
        audit.record(
            session,
            actor=actor,
            tag="appeal:file",
            target=appeal,
            data={"decision_id": decision.id, "automated_objection": rule is not APPEAL_ANSWER},
        )
        self._tell_appellant(
            session,
            appeal,
            "appeal.received",
            {"due_at": due.isoformat()},
            N_("Your appeal is received. Another person will review the decision by {due}."),
            {"due": local(due)},
        )
        return appeal

    def _tell_appellant(
        self,
        session: Session,
        appeal: Appeal,
        event: str,
        data: dict[str, Any],
        notice: str,
        params: dict[str, Any] | None = None,
    ) -> None:
        """Tell the appellant: in-app and by e-mail; a platform's user or a platform by webhook; a person
        without an account by e-mail (only once the appeal is answered)."""
        data = {"appeal_id": str(appeal.id), "decision_id": str(appeal.decision_id), **data}
        appellant = session.get(User, appeal.appellant_id) if appeal.appellant_id else None
        if appellant is None:
            if event == "appeal.decided" and appeal.complaint_id is not None:
                from senim.complaint.service import ANSWER_EMAIL_JOB

                enqueue(
                    session,
                    ANSWER_EMAIL_JOB,
                    {"complaint_id": str(appeal.complaint_id), "kind": "appeal_answered"},
                )
        elif appellant.platform_id is not None:
            platform_service.notify_platform(session, appellant, event, data)
        elif appellant.role == Role.integrating_platform:
            notification_service.emit(session, appellant.id, event, data)
        else:
            notification_service.notify(
                session, appellant, notice, params, link=f"/decisions/{appeal.decision_id}"
            )

    def decide_appeal(
        self,
        session: Session,
        moderator: User,
        case_id: uuid.UUID,
        *,
        reverse: bool,
        facts: str,
        new_draft: DecisionDraft | None = None,
        base_url: str | None = None,
    ) -> Appeal:
        """Decide every appeal in an appeal case. A reversal of a restriction restores the content and
        removes the strike; a reversal of "no violation" takes the new decision ``new_draft``."""
        case = self._held(session, moderator, case_id)
        if case.kind != CaseKind.appeal:
            raise DecisionInvalid("This is not an appeal.")
        appeals = list(session.scalars(select(Appeal).where(Appeal.case_id == case.id)))
        decision = self.get_decision(session, appeals[0].decision_id)
        if moderator.id == decision.decided_by_id:  # may_claim already refuses; a second lock
            raise MayNotClaim("You took the decision under appeal: another moderator decides the appeal.")
        facts = clean(facts).strip()
        if len(facts) < policy.MIN_FACTS_CHARS:
            raise DecisionInvalid(
                "State the facts and reasons of the decision (at least {min} characters).",
                min=policy.MIN_FACTS_CHARS,
            )
        actor = Actor.of(moderator)
        now = utcnow()
        new_decision: Decision | None = None
        if reverse:
            if decision.action == Action.no_violation:
                if new_draft is None or new_draft.action == Action.no_violation:
                    raise DecisionInvalid("Choose the decision that replaces the one reversed.")
                new_decision = self.record_decision(
                    session,
                    actor=actor,
                    moderator=moderator,
                    target=self.target_of(session, decision),
                    draft=new_draft,
                    source=Source.appeal,
                    follows=decision,
                    base_url=base_url,
                )
                decision.status, decision.reversed_at = DecisionStatus.reversed, now
                self._clear_unfounded(session, decision, now)
            else:
                self._reverse(session, actor, decision, now)
        outcome = AppealOutcome.reversed if reverse else AppealOutcome.upheld
        for appeal in appeals:
            appeal.status, appeal.outcome = AppealStatus.decided, outcome
            appeal.decided_by_id, appeal.decided_at = moderator.id, now
            appeal.new_decision_id = new_decision.id if new_decision else None
            appellant = session.get(User, appeal.appellant_id) if appeal.appellant_id else None
            complaint = session.get(Complaint, appeal.complaint_id) if appeal.complaint_id else None
            language = appellant.language if appellant else (complaint.language if complaint else "kk")
            with in_language(language) as lang:
                body = appeal_answer(
                    reversed_=reverse,
                    facts=facts,
                    decided_at=now,
                    new_action=action_text(new_decision) if new_decision else None,
                )
            session.add(
                Statement(
                    id=uuid.uuid4(),
                    kind=StatementKind.appeal_answer,
                    decision_id=decision.id,
                    appeal_id=appeal.id,
                    complaint_id=appeal.complaint_id,
                    recipient_id=appellant.id if appellant else None,
                    language=lang,
                    body=body,
                )
            )
            self._tell_appellant(session, appeal, "appeal.decided", {"outcome": outcome}, APPEAL_NOTICE)
        case.status, case.open_key, case.closed_at = CaseStatus.closed, None, now
        _event(session, case, "decided", moderator.id, outcome=outcome)
        audit.record(
            session,
            actor=actor,
            tag="appeal:decide",
            target=decision,
            data={
                "case_id": case.id,
                "outcome": outcome,
                "new_decision_id": new_decision.id if new_decision else None,
            },
        )
        return appeals[0]

    def _clear_unfounded(self, session: Session, decision: Decision, now: datetime) -> None:
        """The complaints a reversed "no violation" answered were right: they were not unfounded, and
        their complaint strikes go."""
        for complaint in session.scalars(
            select(Complaint).where(Complaint.answer_decision_id == decision.id)
        ):
            complaint.outcome = ComplaintOutcome.upheld
            complaint.manifestly_unfounded = False
            for strike in session.scalars(
                select(Strike).where(Strike.complaint_id == complaint.id, Strike.removed_at.is_(None))
            ):
                strike.removed_at = now
            user = session.get(User, complaint.complainant_id) if complaint.complainant_id else None
            if user is not None and user.complaints_blocked_until is not None:
                rules = self._rules(session).strikes
                session.flush()
                active = session.scalar(
                    select(func.count())
                    .select_from(Strike)
                    .where(
                        Strike.user_id == user.id,
                        Strike.kind == StrikeKind.complaints,
                        Strike.removed_at.is_(None),
                        Strike.created_at >= now - timedelta(days=rules.complaint_window_days),
                    )
                )
                if int(active or 0) < rules.unfounded_limit:
                    user.complaints_blocked_until = None
                    audit.record(
                        session,
                        actor=Actor.system("appeal"),
                        tag="user:unblock_complaints",
                        target=user,
                        data={"decision_id": decision.id},
                    )

    def lift(self, session: Session, actor: Actor, decision: Decision, reason: str) -> None:
        """Undo a decision taken on a state body's order when the body lifts the order (LAW-44):
        its effects and its strike, as a reversal on appeal does; audited."""
        if decision.status != DecisionStatus.in_force:
            return
        self._reverse(session, actor, decision, utcnow())
        audit.record(session, actor=actor, tag="decision:lift", target=decision, data={"reason": reason})

    def _reverse(self, session: Session, actor: Actor, decision: Decision, now: datetime) -> None:
        """Undo a restriction reversed on appeal: its effects, its strike, and the automated suspension
        its strike led to (which would otherwise outlive its cause)."""
        decision.status, decision.reversed_at = DecisionStatus.reversed, now
        self._undo(session, actor, decision)
        for strike in session.scalars(
            select(Strike).where(Strike.decision_id == decision.id, Strike.removed_at.is_(None))
        ):
            strike.removed_at = now
        for follow_up in session.scalars(
            select(Decision).where(
                Decision.follows_id == decision.id,
                Decision.action == Action.suspend,
                Decision.automated_decision == policy.Automation.fully,
                Decision.status == DecisionStatus.in_force,
            )
        ):
            self._reverse(session, actor, follow_up, now)
            audit.record(
                session,
                actor=actor,
                tag="decision:reverse",
                target=follow_up,
                data={"because_reversed": decision.id},
            )

    # --- clocks -------------------------------------------------------------------------------
    def sweep(self, session: Session, now: datetime | None = None) -> dict[str, int]:
        """Warn before deadlines, escalate after breaches, act on missed delete duties, end suspensions."""
        now = now or utcnow()
        counts = {"warned": 0, "breached": 0, "removed": 0, "reactivated": 0}
        system = Actor.system("clocks")
        for case in session.scalars(
            select(ModerationCase)
            .where(
                ModerationCase.status == CaseStatus.open,
                ModerationCase.warn_at <= now,
                ModerationCase.warned_at.is_(None),
            )
            .with_for_update()
        ):
            case.warned_at = now
            _event(session, case, "warned", None, due_at=str(case.due_at))
            holder = session.get(User, case.assignee_id) if case.assignee_id else None
            for user in [holder] if holder else self._seniors(session):
                notification_service.notify(
                    session,
                    user,
                    WARN_NOTICE,
                    {
                        "case": str(case.id)[:8],
                        "due": local(case.due_at) if case.due_at else "",
                    },
                    link=f"/console/cases/{case.id}",
                    email=False,
                )
            counts["warned"] += 1
        for case in session.scalars(
            select(ModerationCase)
            .where(
                ModerationCase.status == CaseStatus.open,
                ModerationCase.due_at < now,
                ModerationCase.breached_at.is_(None),
            )
            .with_for_update()
        ):
            case.breached_at = now
            audit.record(session, actor=system, tag="case:breach", target=case, data={"due_at": case.due_at})
            self._escalate(session, case, system, note="deadline breached")
            counts["breached"] += 1
        for decision in session.scalars(
            select(Decision).where(
                Decision.action == Action.require_author_delete,
                Decision.status == DecisionStatus.in_force,
                Decision.restriction_until < now,
                Decision.item_id.is_not(None),
            )
        ):
            item = session.get(ContentItem, decision.item_id)
            if item is None or item.status in (ItemStatus.deleted, ItemStatus.removed):
                continue
            # Done already when a decision on this item follows it (a suspension for strikes may
            # follow the same decision: it is about the account and leaves the item to this sweep).
            already = session.scalar(
                select(Decision.id).where(
                    Decision.follows_id == decision.id, Decision.item_id == decision.item_id
                )
            )
            if already is not None:
                continue
            self.record_decision(
                session,
                actor=system,
                moderator=None,
                target=Target(subject=TargetKind.item, item=item),
                draft=DecisionDraft(
                    target=TargetKind.item,
                    action=Action.remove,
                    ground_kind=GroundKind(decision.ground_kind or "terms"),
                    category=decision.category,
                    terms_clause=decision.terms_clause or DELETE_DUTY_CLAUSE,
                    facts=DELETE_DUE_FACTS,
                ),
                source=Source(decision.source),
                automated_decision=policy.Automation.fully,
                follows=decision,
            )
            counts["removed"] += 1
        for user in session.scalars(
            select(User).where(
                User.status == AccountStatus.suspended,
                User.suspended_until.is_not(None),
                User.suspended_until < now,
            )
        ):
            self._settle_suspension(session, system, user, now)
            counts["reactivated"] += user.status == AccountStatus.active
        return counts

    # --- moderator languages ------------------------------------------------------------------
    def set_languages(
        self, session: Session, actor: Actor, user: User, languages: Sequence[str]
    ) -> list[str]:
        chosen = sorted({lang for lang in languages if lang in ("kk", "ru", "en")})
        if chosen != _moderator_languages(user):
            old = _moderator_languages(user)
            user.languages = chosen
            audit.record(
                session, actor=actor, tag="user:set_languages", target=user, data={"from": old, "to": chosen}
            )
        return chosen

    def open_own_initiative(
        self, session: Session, moderator: User, target: Target, note: str
    ) -> ModerationCase:
        """A moderator opens a case on content they found themselves (source: own initiative)."""
        note = clean(note).strip()[:1000]
        case = self.open_case(
            session,
            target=target,
            source=Source.own_initiative,
            queue="general",
            priority=3,
            due=None,
            warn=None,
            language=policy.guess_language(target.item.body) if target.item else None,
            actor=Actor.of(moderator),
        )
        _event(session, case, "noted", moderator.id, note=note)
        return case


moderation_service = ModerationService()
