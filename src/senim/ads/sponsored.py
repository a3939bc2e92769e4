"""Sponsored posts: the author's advertising marking, and the prompt to mark what looks like an ad.

Authors mark a paid post or comment with one of the wordings the law allows and name the sponsor
(LAW-62, LAW-65, LAW-66; ``sponsored_policy``). The content service stores the marking on the item
(``ContentItem.sponsored_label``, ``sponsor_name``, ``sponsor_bin``) and calls ``record_marking`` for the
audit trail (``content:mark_sponsored``) whenever a marking is set, changed or removed.

When an unmarked post or comment is written, ``check_written`` runs the advertising detector
(``senim.detection.advertising``: pure regular expressions, no I/O) in the same transaction. If the text
looks like an advertisement, a detection signal is recorded (category ``unlawful.advertising``, rule
``ads.unmarked``, one evidence span per hint) and, the first time for that item, the author gets an
in-app notice linking to the marking form (LAW-68). The item is never hidden or removed on this basis:
the hints have false positives, and only a person decides about a breach.
"""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from senim import audit
from senim.ads import sponsored_policy
from senim.ads.sponsored_errors import SponsoredInvalid
from senim.ads.sponsored_policy import Marking, MarkingRefused
from senim.audit import Actor
from senim.db import dialect_insert
from senim.detection import advertising
from senim.detection.rules import RuleStatus
from senim.models import ContentItem, DetectionRule, DetectionRuleVersion, ItemKind, ItemStatus, Signal, User
from senim.notification.service import notification_service
from senim.web.i18n import N_

RULE_NAME = "ads.unmarked"
CATEGORY = "unlawful.advertising"  # taxonomy: advertising that breaks the law on advertising (hidden ads)
ACTION = "prompt_author"
DETECTOR = Actor.system("detection")
# The rule row that signals name. It stays a draft: the detector runs in the write path, not in the rule
# engine; the spec below is what the engine would run if an administrator put the rule in shadow.
RULE_SPEC = {
    "category": CATEGORY,
    "languages": [],
    "matchers": [
        {
            "type": "regex",
            "pattern": r"(?i)промо[\s-]?код|promo[\s-]?code|жеңілдік\s+код|link\s+in\s+bio|use\s+my\s+code"
            r"|скидк\w*\s+по\s+ссылк|[?&](?:utm_\w+|ref|aff)=|bit\.ly/|s\.click\.aliexpress\.com",
        }
    ],
    "min_hits": 1,
    "action": {"type": "open_case", "priority": 5},
}
RULE_NOTE = (
    "Built in: senim.detection.advertising runs when a post or comment is written and asks its author to "
    "mark it as advertising (LAW-68). A draft, so the rule engine does not run it a second time."
)
POST_NOTICE = N_(
    "Your post looks like an advertisement. If it was placed for payment or on other commercial terms, "
    "mark it as advertising and name the sponsor, as the law requires."
)
COMMENT_NOTICE = N_(
    "Your comment looks like an advertisement. If it was placed for payment or on other commercial terms, "
    "mark it as advertising and name the sponsor, as the law requires."
)


def mark_path(item: ContentItem) -> str:
    """The marking form of an item (its author's)."""
    return f"/p/{item.id}/sponsored"


def marking_of(item: ContentItem) -> Marking | None:
    if not item.sponsored_label:
        return None
    return Marking(item.sponsored_label, item.sponsor_name or "", item.sponsor_bin)


class SponsoredService:
    # --- the marking ------------------------------------------------------------------------------
    def parse(self, label: str | None, sponsor_name: str | None, sponsor_bin: str | None) -> Marking | None:
        """The marking a form or a request submitted, or None when it submitted none. Refused (422) with
        each problem before anything is written."""
        try:
            return sponsored_policy.read_marking(label, sponsor_name, sponsor_bin)
        except MarkingRefused as exc:
            raise SponsoredInvalid(
                exc.problems[0], fields=exc.problems, n=sponsored_policy.MAX_SPONSOR_NAME
            ) from exc

    def apply(self, item: ContentItem, marking: Marking | None) -> None:
        """Write ``marking`` on the item's columns (the caller audits with ``record_marking``)."""
        item.sponsored_label = marking.label if marking else None
        item.sponsor_name = marking.sponsor_name if marking else None
        item.sponsor_bin = marking.sponsor_bin if marking else None

    def record_marking(
        self, session: Session, actor: Actor, item: ContentItem, before: Marking | None, via: str
    ) -> None:
        """The audit record of a marking set, changed or removed (``via``: create, edit, form, api)."""
        after = marking_of(item)
        audit.record(
            session,
            actor=actor,
            tag="content:mark_sponsored",
            target=item,
            data={
                "kind": item.kind,
                "via": via,
                "before": before.as_data() if before else None,
                "after": after.as_data() if after else None,
            },
        )

    # --- the prompt to mark -----------------------------------------------------------------------
    def prompt_for(self, viewer: User | None, item: ContentItem) -> list[str]:
        """Why the item looks like an advertisement (catalog ids), for its author while it is unmarked;
        empty for anyone else, for a marked item and for an item that does not look like one."""
        if viewer is None or viewer.id != item.author_id or item.sponsored_label:
            return []
        if item.status in (ItemStatus.deleted, ItemStatus.removed):
            return []
        return [advertising.REASON_LABELS[r] for r in advertising.ad_reasons(item.body)]

    def check_written(self, session: Session, author: User, item: ContentItem) -> Signal | None:
        """After a post or comment is written or its text changed: if it is unmarked and looks like an
        advertisement, record a signal and, the first time for this item, notify the author."""
        if item.sponsored_label or item.platform_id is not None:
            return None
        hints = advertising.find_ad_hints(item.body)
        if not hints:
            return None
        rule = self._rule(session)
        prompted = session.scalar(
            select(exists().where(Signal.item_id == item.id, Signal.rule_id == rule.id))
        )
        signal = Signal(
            id=uuid.uuid4(),
            subject="item",
            item_id=item.id,
            rule_id=rule.id,
            rule_version=rule.version,
            category=CATEGORY,
            score=1.0,
            evidence=[h.evidence() for h in hints],
            shadow=False,
            action=ACTION,
        )
        session.add(signal)
        session.flush()
        reasons = sorted({h.reason.value for h in hints})
        audit.record(
            session,
            actor=DETECTOR,
            tag="signal:record",
            target=signal,
            data={
                "subject": "item",
                "subject_id": item.id,
                "rule": RULE_NAME,
                "version": rule.version,
                "shadow": False,
                "reasons": reasons,
            },
        )
        if not prompted:
            notification_service.notify(
                session,
                author,
                POST_NOTICE if item.kind == ItemKind.post else COMMENT_NOTICE,
                link=mark_path(item),
                email=False,
            )
        return signal

    def signals_of(self, session: Session, item_id: uuid.UUID) -> list[Signal]:
        """The advertising signals about an item, oldest first."""
        return list(
            session.scalars(
                select(Signal)
                .join(DetectionRule, DetectionRule.id == Signal.rule_id)
                .where(Signal.item_id == item_id, DetectionRule.name == RULE_NAME)
                .order_by(Signal.created_at, Signal.id)
            )
        )

    def _rule(self, session: Session) -> DetectionRule:
        """The built-in rule row the signals name, created (audited) the first time it is needed; two
        transactions creating it at once both end up with the one row."""
        query = select(DetectionRule).where(DetectionRule.name == RULE_NAME)
        rule = session.scalars(query).one_or_none()
        if rule is not None:
            return rule
        rule_id = uuid.uuid4()
        insert = dialect_insert(session)
        session.execute(
            insert(DetectionRule)
            .values(id=rule_id, name=RULE_NAME, status=RuleStatus.draft, version=1)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        rule = session.scalars(query).one()
        if rule.id != rule_id:  # the other transaction made it
            return rule
        session.add(
            DetectionRuleVersion(id=uuid.uuid4(), rule_id=rule.id, version=1, spec=RULE_SPEC, note=RULE_NOTE)
        )
        session.flush()
        audit.record(
            session,
            actor=DETECTOR,
            tag="detection_rule:save",
            target=rule,
            data={"name": RULE_NAME, "version": 1, "category": CATEGORY, "built_in": True},
        )
        return rule


sponsored_service = SponsoredService()
