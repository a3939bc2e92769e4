"""Detection: rules saved, versioned and moved through their lifecycle (audited), and content scanned.

``scan`` runs the shadow and live rules over the text of a post or comment, a profile or a community.
Every finding is recorded as a signal (category, score, evidence spans, rule and version); a live rule
then acts: it opens a moderation case (source: detection) with its priority, hides the item pending
review, age-restricts it by a fully automated decision with its statement of reasons, or escalates it
to law enforcement. Shadow rules record and act on nothing.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim import audit, taxonomy
from senim.audit import Actor
from senim.detection import engine, packs
from senim.detection.banks import hash_bank_service
from senim.detection.errors import RuleInvalid, RuleMoveRefused, RuleNotFound
from senim.detection.rules import HashesMatcher, RuleSpec, RuleStatus, confirm_minutes, may_move, problems
from senim.detection.trained import classifiers
from senim.escalation.service import escalation_service
from senim.kit.text import clean
from senim.models import (
    AccountStatus,
    Community,
    CommunityStatus,
    ContentItem,
    DetectionRule,
    DetectionRuleVersion,
    ItemStatus,
    Media,
    Signal,
    User,
)
from senim.moderation import policy as moderation_policy
from senim.moderation.policy import Action, DecisionDraft, GroundKind, Source, TargetKind
from senim.moderation.service import Target, moderation_service, subject_text
from senim.taxonomy import Severity
from senim.web.i18n import N_

ACTIVE = (RuleStatus.shadow, RuleStatus.live)
NAME_RE = re.compile(r"[a-z][a-z0-9_.-]{2,63}")
DETECTED_FACTS = N_(
    "Automated detection found content of this category; the restriction was applied automatically and a "
    "person reviews it on appeal."
)
SYSTEM = Actor.system("detection")

# Compiled rules by (rule id, version): building automata for big term lists is the costly part.
_compiled: dict[tuple[uuid.UUID, int, str], engine.CompiledRule] = {}
_lock = threading.Lock()


def _queue(category: str) -> str:
    severity = taxonomy.versions()[-1].get(category).severity
    return {Severity.critical: "urgent", Severity.high: "children"}.get(severity, "unlawful")


@dataclass(frozen=True)
class Sample:
    subject: TargetKind
    id: uuid.UUID
    excerpt: str  # the text around the first hit, the hit in [brackets]
    matchers: tuple[str, ...]


@dataclass(frozen=True)
class SignalView:
    signal: Signal
    rule: str
    quoted: tuple[str, ...]  # the matched words
    images: int  # images matched in a hash bank


@dataclass
class Backtest:
    """What a rule would have found in stored content: nothing is recorded and nothing acts."""

    rule: str
    version: int
    scanned: int = 0
    matched: int = 0
    by_matcher: Counter[str] = field(default_factory=Counter)
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0


def _path_to(status: RuleStatus) -> list[RuleStatus]:
    """The lifecycle moves from draft to ``status``."""
    return {
        RuleStatus.draft: [],
        RuleStatus.shadow: [RuleStatus.shadow],
        RuleStatus.live: [RuleStatus.shadow, RuleStatus.live],
        RuleStatus.retired: [RuleStatus.retired],
    }[status]


def _chunks(ids: Sequence[uuid.UUID], size: int = 500) -> Iterator[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _excerpt(text: str, start: int, end: int, around: int = 60) -> str:
    before = text[max(0, start - around) : start]
    after = text[end : end + around]
    return " ".join(f"{before}[{text[start:end]}]{after}".split())


class DetectionService:
    # --- rules --------------------------------------------------------------------------------
    def get_rule(self, session: Session, name: str) -> DetectionRule:
        rule = session.scalars(select(DetectionRule).where(DetectionRule.name == name)).one_or_none()
        if rule is None:
            raise RuleNotFound("No such detection rule.")
        return rule

    def rules(self, session: Session) -> list[DetectionRule]:
        return list(session.scalars(select(DetectionRule).order_by(DetectionRule.name)))

    def signals_of(self, session: Session, item_id: uuid.UUID) -> list[tuple[Signal, str]]:
        """The signals about an item, newest first, each with its rule's name."""
        rows = session.execute(
            select(Signal, DetectionRule.name)
            .join(DetectionRule, DetectionRule.id == Signal.rule_id)
            .where(Signal.item_id == item_id)
            .order_by(Signal.created_at.desc())
        )
        return [(signal, name) for signal, name in rows]

    def signals_about(self, session: Session, target: Target, limit: int = 20) -> list[SignalView]:
        """What detection found about a case's target, newest first, with the matched words quoted:
        moderators see why a rule opened the case (or what a shadow rule would have done)."""
        if target.item is not None:
            where = Signal.item_id == target.item.id
        elif target.account is not None:
            where = Signal.account_id == target.account.id
        elif target.community is not None:
            where = Signal.community_id == target.community.id
        else:
            return []
        text = target.text
        rows = session.execute(
            select(Signal, DetectionRule.name)
            .join(DetectionRule, DetectionRule.id == Signal.rule_id)
            .where(where)
            .order_by(Signal.created_at.desc())
            .limit(limit)
        )
        views = []
        for signal, name in rows:
            quoted = [
                text[e["start"] : e["end"]]
                for e in signal.evidence
                if "media_id" not in e and "score" not in e and 0 < e["end"] - e["start"] <= 200
            ]
            images = sum(1 for e in signal.evidence if "media_id" in e)
            views.append(SignalView(signal, name, tuple(dict.fromkeys(quoted)), images))
        return views

    def versions(self, session: Session, rule: DetectionRule) -> list[DetectionRuleVersion]:
        return list(
            session.scalars(
                select(DetectionRuleVersion)
                .where(DetectionRuleVersion.rule_id == rule.id)
                .order_by(DetectionRuleVersion.version.desc())
            )
        )

    def signal_counts(self, session: Session, since: datetime) -> dict[uuid.UUID, dict[str, int]]:
        """Signals per rule since ``since``: {"live": n, "shadow": n}."""
        counts: dict[uuid.UUID, dict[str, int]] = {}
        rows = session.execute(
            select(Signal.rule_id, Signal.shadow, func.count())
            .where(Signal.created_at >= since)
            .group_by(Signal.rule_id, Signal.shadow)
        )
        for rule_id, shadow, count in rows:
            counts.setdefault(rule_id, {"live": 0, "shadow": 0})["shadow" if shadow else "live"] = count
        return counts

    def spec_of(self, session: Session, rule: DetectionRule, version: int | None = None) -> RuleSpec:
        row = session.scalars(
            select(DetectionRuleVersion).where(
                DetectionRuleVersion.rule_id == rule.id,
                DetectionRuleVersion.version == (version or rule.version),
            )
        ).one()
        return RuleSpec.model_validate(row.spec)

    def save_rule(
        self, session: Session, actor: Actor, name: str, data: object, note: str = ""
    ) -> DetectionRule:
        """Create a rule (as a draft) or store a new version of it; refused with the path of each problem."""
        found = problems(data)
        if not NAME_RE.fullmatch(name):
            found.insert(0, "name: 3 to 64 lower-case letters, digits, dots, dashes or underscores")
        spec = None if found else RuleSpec.model_validate(data)
        if spec is not None:
            for index, matcher in enumerate(spec.matchers):
                if isinstance(matcher, HashesMatcher):
                    for bank in hash_bank_service.missing(session, matcher.banks):
                        found.append(f"matchers.{index}.banks: no hash bank is named {bank!r}")
        if found or spec is None:
            raise RuleInvalid("The detection rule is not valid.", fields=found)
        rule = session.scalars(
            select(DetectionRule).where(DetectionRule.name == name).with_for_update()
        ).one_or_none()
        if rule is None:
            rule = DetectionRule(id=uuid.uuid4(), name=name, status=RuleStatus.draft, version=1)
            session.add(rule)
            session.flush()
        else:
            latest = session.scalar(
                select(func.max(DetectionRuleVersion.version)).where(DetectionRuleVersion.rule_id == rule.id)
            )
            rule.version = int(latest or 0) + 1
        session.add(
            DetectionRuleVersion(
                id=uuid.uuid4(),
                rule_id=rule.id,
                version=rule.version,
                spec=spec.model_dump(mode="json"),
                note=clean(note).strip()[:500],
                created_by_id=actor.id,
            )
        )
        session.flush()
        audit.record(
            session,
            actor=actor,
            tag="detection_rule:save",
            target=rule,
            data={"name": name, "version": rule.version, "category": spec.category},
        )
        return rule

    def move(self, session: Session, actor: Actor, name: str, to: RuleStatus) -> DetectionRule:
        """draft → shadow → live → retired (and back where ``rules.TRANSITIONS`` allows), audited."""
        rule = self.get_rule(session, name)
        current = RuleStatus(rule.status)
        if not may_move(current, to):
            raise RuleMoveRefused("A rule cannot move from {current} to {to}.", current=current, to=to)
        rule.status = to
        audit.record(
            session, actor=actor, tag="detection_rule:move", target=rule, data={"from": current, "to": to}
        )
        return rule

    def install_pack(
        self, session: Session, actor: Actor, pack: packs.Pack, status: RuleStatus = RuleStatus.shadow
    ) -> list[DetectionRule]:
        """Save every rule of a starter pack (a new version where the rule exists) and move each new one
        to ``status`` — shadow by default, so a pack records what it would do before anyone lets it act.
        A rule already in use keeps its status."""
        installed = []
        for entry in pack.rules:
            data = entry.spec.model_dump(mode="json")
            existed = session.scalar(select(DetectionRule.id).where(DetectionRule.name == entry.name))
            rule = self.save_rule(session, actor, entry.name, data, note=f"pack {pack.name}: {entry.note}")
            if existed is None:
                for step in _path_to(status):
                    self.move(session, actor, entry.name, step)
            installed.append(rule)
        return installed

    # --- backtest -----------------------------------------------------------------------------
    def stored_texts(
        self, session: Session, limit: int | None = None
    ) -> Iterator[tuple[TargetKind, uuid.UUID, str]]:
        """Stored posts and comments (newest first), then profiles and communities: what a backtest reads.
        Ids are read first and texts in chunks, so memory stays flat on a large store."""
        item_ids = session.scalars(
            select(ContentItem.id)
            .where(ContentItem.status != ItemStatus.deleted)
            .order_by(ContentItem.created_at.desc(), ContentItem.id)
            .limit(limit)
        ).all()
        for chunk in _chunks(item_ids):
            query = select(ContentItem.id, ContentItem.body).where(ContentItem.id.in_(chunk))
            bodies = {row.id: row.body for row in session.execute(query)}
            for item_id in chunk:
                yield TargetKind.item, item_id, bodies[item_id]
        if limit is not None:
            return
        account_ids = session.scalars(
            select(User.id).where(User.status != AccountStatus.deleted).order_by(User.id)
        ).all()
        for chunk in _chunks(account_ids):
            for account_id, name, bio in session.execute(
                select(User.id, User.display_name, User.bio).where(User.id.in_(chunk))
            ):
                yield TargetKind.account, account_id, subject_text(name, bio)
        community_ids = session.scalars(select(Community.id).order_by(Community.id)).all()
        for chunk in _chunks(community_ids):
            for community_id, name, description in session.execute(
                select(Community.id, Community.name, Community.description).where(Community.id.in_(chunk))
            ):
                yield TargetKind.community, community_id, subject_text(name, description)

    def count_stored(self, session: Session, limit: int | None = None) -> int:
        items = (
            session.scalar(
                select(func.count()).select_from(ContentItem).where(ContentItem.status != ItemStatus.deleted)
            )
            or 0
        )
        if limit is not None:
            return min(items, limit)
        accounts = (
            session.scalar(select(func.count()).select_from(User).where(User.status != AccountStatus.deleted))
            or 0
        )
        return items + accounts + (session.scalar(select(func.count()).select_from(Community)) or 0)

    def backtest(
        self,
        session: Session,
        actor: Actor,
        name: str,
        *,
        version: int | None = None,
        limit: int | None = None,
        samples: int = 10,
        progress: Callable[[int], None] | None = None,
    ) -> Backtest:
        """Run one version of a rule (the current one by default, whatever its status) over stored
        content — the newest ``limit`` posts and comments, or everything — and count what it would find.
        Nothing is recorded about the content; the backtest itself is audited."""
        rule = self.get_rule(session, name)
        version = version or rule.version
        compiled = engine.compile_rule(
            str(rule.id), rule.name, version, RuleStatus.shadow, self.spec_of(session, rule, version)
        )
        result = Backtest(rule=name, version=version)
        started = time.perf_counter()
        for subject, subject_id, text in self.stored_texts(session, limit):
            result.scanned += 1
            for finding in engine.evaluate([compiled], text):
                result.matched += 1
                result.by_matcher.update({h.matcher for h in finding.hits})
                if len(result.samples) < samples:
                    first = finding.hits[0]
                    matchers = tuple(sorted({h.matcher for h in finding.hits}))
                    excerpt = _excerpt(text, first.start, first.end)
                    result.samples.append(Sample(subject, subject_id, excerpt, matchers))
            if progress is not None:
                progress(1)
        result.seconds = time.perf_counter() - started
        audit.record(
            session,
            actor=actor,
            tag="detection_rule:backtest",
            target=rule,
            data={"version": version, "scanned": result.scanned, "matched": result.matched},
        )
        return result

    def _active_rules(self, session: Session) -> list[engine.CompiledRule]:
        rules = list(session.scalars(select(DetectionRule).where(DetectionRule.status.in_(ACTIVE))))
        compiled = []
        for rule in rules:
            key = (rule.id, rule.version, rule.status)
            with _lock:
                found = _compiled.get(key)
            if found is None:
                found = engine.compile_rule(
                    str(rule.id),
                    rule.name,
                    rule.version,
                    RuleStatus(rule.status),
                    self.spec_of(session, rule),
                )
                with _lock:
                    _compiled[key] = found
            compiled.append(found)
        return compiled

    # --- scanning -----------------------------------------------------------------------------
    def scan(self, session: Session, subject: TargetKind, subject_id: uuid.UUID) -> list[Signal]:
        """Scan a post or comment, a profile (display name and bio) or a community (name and
        description): the ``detection.scan`` job. Returns the signals recorded."""
        target = self._scannable(session, subject, subject_id)
        if target is None:
            return []
        text = target.text
        rules = self._active_rules(session)
        images = self._images(session, target.item) if target.item else []
        signals = []
        for finding in engine.evaluate(
            rules,
            text,
            images=images,
            banks=hash_bank_service.indexes(
                session, {b for r in rules for _, m in r.hashes for b in m.banks}
            ),
            classifiers=classifiers.load({m.model for r in rules for _, m in r.classifiers}),
        ):
            rule = finding.rule
            live = rule.status is RuleStatus.live
            signal = Signal(
                id=uuid.uuid4(),
                subject=subject,
                item_id=target.item.id if target.item else None,
                account_id=target.account.id if target.account else None,
                community_id=target.community.id if target.community else None,
                rule_id=uuid.UUID(rule.rule_id),
                rule_version=rule.version,
                category=rule.spec.category,
                score=finding.score,
                evidence=[h.evidence() for h in finding.hits],
                shadow=not live,
                action=rule.spec.action.type if live else None,
            )
            session.add(signal)
            session.flush()
            audit.record(
                session,
                actor=SYSTEM,
                tag="signal:record",
                target=signal,
                data={
                    "subject": subject,
                    "subject_id": subject_id,
                    "rule": rule.name,
                    "version": rule.version,
                    "shadow": not live,
                },
            )
            if live:
                self._act(session, target, text, finding, signal.id)
            signals.append(signal)
        return signals

    def scan_item(self, session: Session, item_id: uuid.UUID) -> list[Signal]:
        return self.scan(session, TargetKind.item, item_id)

    def _images(self, session: Session, item: ContentItem) -> list[engine.ImageHashes]:
        rows = session.scalars(select(Media).where(Media.item_id == item.id).order_by(Media.created_at))
        return [engine.ImageHashes(str(m.id), m.upload_sha256, m.pdq, m.pdq_quality) for m in rows]

    def _scannable(self, session: Session, subject: TargetKind, subject_id: uuid.UUID) -> Target | None:
        """The target scanned; None for what is gone (deleted, removed)."""
        if subject is TargetKind.item:
            item = session.get(ContentItem, subject_id)
            if item is None or item.status in (ItemStatus.deleted, ItemStatus.removed):
                return None
            return Target(subject=subject, item=item)
        if subject is TargetKind.account:
            account = session.get(User, subject_id)
            if account is None or account.status == AccountStatus.deleted:
                return None
            return Target(subject=subject, account=account)
        if subject is TargetKind.community:
            community = session.get(Community, subject_id)
            if community is None or community.status == CommunityStatus.removed:
                return None
            return Target(subject=subject, community=community)
        raise ValueError(f"nothing to scan for {subject}")

    def _act(
        self, session: Session, target: Target, text: str, finding: engine.Finding, signal_id: uuid.UUID
    ) -> None:
        """A live rule acts. A profile or a community is not escalated, hidden or age-restricted by a
        rule: its finding opens a case (urgent at priority 1 for a threat to life) for a person."""
        spec = finding.rule.spec
        action = spec.action
        item = target.item
        if item is not None and action.type == "escalate":
            escalation_service.escalate(
                session,
                item,
                actor=SYSTEM,
                category=spec.category,
                reason=f"detected by rule {finding.rule.name} (version {finding.rule.version})",
                source="detection",
                signal_id=signal_id,
                confirm_minutes=confirm_minutes(spec),
            )
            return
        if item is not None and action.type == "age_restrict":
            moderation_service.record_decision(
                session,
                actor=SYSTEM,
                moderator=None,
                target=target,
                draft=DecisionDraft(
                    target=TargetKind.item,
                    action=Action.age_restrict,
                    ground_kind=GroundKind.law,
                    category=spec.category,
                    terms_clause=None,
                    facts=DETECTED_FACTS,
                    age_sign=action.age_sign,
                ),
                source=Source.detection,
                automated_detection=True,
                automated_decision=moderation_policy.Automation.fully,
            )
            return
        threat = action.type == "escalate"
        case = moderation_service.open_case(
            session,
            target=target,
            source=Source.detection,
            queue="urgent" if threat else _queue(spec.category),
            priority=1 if threat else action.priority,
            due=None,
            warn=None,
            language="kk" if moderation_policy.guess_language(text) == "kk" else None,
            actor=SYSTEM,
        )
        if item is not None and action.type == "hide_pending_review" and item.status == ItemStatus.visible:
            item.status = ItemStatus.hidden
            case.interim_hidden = True
            audit.record(
                session,
                actor=SYSTEM,
                tag="item:hide_pending_review",
                target=item,
                data={"case_id": case.id, "rule": finding.rule.name},
            )


detection_service = DetectionService()
