"""The complaint rules the owner sets (seed: "the complaint mechanism and rules are set by the owner").

A rule set names the queues, and for each complaint category: what it can be about, the fields it
requires, the queue and priority it is routed to, the answer deadline, and the interim measure (hide
pending review after N complaints from distinct accounts). It also holds the appeal window and the
strike rules. Rule sets are versioned: an edit stores a new version, and each complaint keeps the
version it was filed under.

Validation happens here (pydantic), so an administrator's edit is refused with the path of the problem.
The legal maximum for an answer is 20 calendar days from the day after receipt (LAW-32): a category may
set a shorter deadline, never a longer one, and a complaint's due time is the earlier of the two.
Pure: no I/O.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from senim import taxonomy
from senim.kit import deadlines, validation
from senim.moderation.policy import TargetKind
from senim.taxonomy import Category, Group
from senim.web.i18n import N_, catalog

LEGAL_MAXIMUM = deadlines.RULES["complaint_answer"].rule  # 20 calendar days (LAW-32)
MAX_HOURS = 20 * 24
# A category's own deadline in working days may be up to this; a complaint's due time is always the earlier
# of the category's and the legal 20 calendar days (``complaint.service.complaint_due``), since around
# holidays even 10 working days can end later than 20 calendar days.
MAX_WORKING_DAYS = 14

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]{1,63}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

# Fields a category can require besides the description (always required, LAW-31).
Field_ = Literal["evidence", "why_false", "concerns_me"]
FIELD_LABELS: dict[str, str] = {
    "evidence": N_("Evidence (files)"),
    "why_false": N_("Why the information is false"),
    "concerns_me": N_("The information is about me"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(_Strict):
    """Text the owner writes, in each interface language."""

    kk: Text
    ru: Text
    en: Text

    def get(self, language: str) -> str:
        return str(getattr(self, language, self.en))


class AnswerWithin(_Strict):
    unit: Literal["hours", "calendar_days", "working_days"]
    amount: int = Field(ge=1)

    @model_validator(mode="after")
    def _within_legal_maximum(self) -> Self:
        limit = {"hours": MAX_HOURS, "calendar_days": LEGAL_MAXIMUM.amount, "working_days": MAX_WORKING_DAYS}
        if self.amount > limit[self.unit]:
            raise ValueError(
                f"the answer deadline may not exceed the legal maximum of 20 calendar days "
                f"(at most {limit[self.unit]} {self.unit.replace('_', ' ')})"
            )
        return self

    @property
    def rule(self) -> deadlines.DeadlineRule:
        return deadlines.DeadlineRule(deadlines.ClockKind(self.unit), self.amount)


class QueueRule(_Strict):
    key: Key
    label: Localised


class CategoryRule(_Strict):
    key: Key
    taxonomy: str | None = None  # the taxonomy category it cites; its label is the category's label
    label: Localised | None = None  # required for categories of the owner's own without a taxonomy key
    subjects: list[TargetKind] = Field(min_length=1)
    requires: list[Field_] = Field(default_factory=list)
    queue: Key
    priority: int = Field(ge=1, le=5)  # 1 is the most urgent
    answer_within: AnswerWithin = AnswerWithin(unit="calendar_days", amount=20)
    hide_after: int | None = Field(default=None, ge=2, le=1000)  # distinct complainants

    @model_validator(mode="after")
    def _labelled(self) -> Self:
        if self.taxonomy is None and self.label is None:
            raise ValueError("a category without a taxonomy key needs a label in kk, ru and en")
        if len(set(self.subjects)) != len(self.subjects) or len(set(self.requires)) != len(self.requires):
            raise ValueError("subjects and requires list each value once")
        return self


class StrikeRulesModel(_Strict):
    window_days: int = Field(default=180, ge=1, le=3650)
    # [active weight reached, suspension days (0 = permanent)]
    thresholds: list[tuple[int, int]] = Field(default_factory=lambda: [(3, 7), (6, 30), (10, 0)])
    complaint_window_days: int = Field(default=90, ge=1, le=3650)
    unfounded_limit: int = Field(default=5, ge=2, le=1000)
    unfounded_block_days: int = Field(default=30, ge=1, le=3650)

    @model_validator(mode="after")
    def _thresholds_valid(self) -> Self:
        for weight, days in self.thresholds:
            if weight < 1 or not 0 <= days <= 3650:
                raise ValueError("each threshold is [weight >= 1, days from 0 (permanent) to 3650]")
        return self


class RuleSet(_Strict):
    queues: list[QueueRule] = Field(min_length=1)
    categories: list[CategoryRule] = Field(min_length=1)
    appeal_window_days: int = Field(default=180, ge=14, le=3650)
    strikes: StrikeRulesModel = StrikeRulesModel()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        queue_keys = [q.key for q in self.queues]
        if len(set(queue_keys)) != len(queue_keys):
            raise ValueError("queue keys must be unique")
        keys = [c.key for c in self.categories]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"category keys must be unique: {', '.join(duplicates)}")
        for c in self.categories:
            if c.queue not in queue_keys:
                raise ValueError(f"category {c.key!r} is routed to an unknown queue {c.queue!r}")
        known = set(taxonomy.versions()[-1].category_keys())
        for c in self.categories:
            if c.taxonomy is not None and c.taxonomy not in known:
                raise ValueError(f"category {c.key!r} cites an unknown taxonomy key {c.taxonomy!r}")
        for subject in (TargetKind.interface, TargetKind.platform_action):
            if not any(subject in c.subjects for c in self.categories):
                raise ValueError(f"some category must accept complaints about {subject.value} (LAW-31)")
        return self

    def category(self, key: str) -> CategoryRule:
        for c in self.categories:
            if c.key == key:
                return c
        raise KeyError(key)

    def for_subject(self, subject: TargetKind) -> list[CategoryRule]:
        return [c for c in self.categories if subject in c.subjects]

    def queue(self, key: str) -> QueueRule:
        for q in self.queues:
            if q.key == key:
                return q
        raise KeyError(key)


def problems(data: object) -> list[str]:
    """What is wrong with a rule set submitted as JSON data: "path: message" lines; empty when valid."""
    return validation.problems(RuleSet, data, "(rules)")


def category_label(rule: CategoryRule, language: str) -> str:
    """The category's name in ``language``: the owner's label, or the cited taxonomy category's label
    from that language's catalog."""
    if rule.label is not None:
        return rule.label.get(language)
    assert rule.taxonomy is not None  # noqa: S101 - guaranteed by CategoryRule validation
    label = taxonomy.versions()[-1].get(rule.taxonomy).label
    translated = catalog(language).get(label)
    return translated if isinstance(translated, str) and translated else label


# --- the defaults ---------------------------------------------------------------------------------

_CONTENT = [TargetKind.item, TargetKind.account, TargetKind.community]
_QUEUES = (
    (
        "urgent",
        "Шұғыл: өмір мен қауіпсіздікке қатер",
        "Срочно: угроза жизни и безопасности",
        "Urgent: threats to life",
    ),
    ("children", "Балаларды қорғау", "Защита детей", "Protection of children"),
    ("unlawful", "Заңсыз контент", "Противоправный контент", "Unlawful content"),
    ("rights", "Жеке адамның құқықтары", "Права личности", "Personal rights"),
    (
        "platform",
        "Интерфейс және платформа әрекеттері",
        "Интерфейс и действия платформы",
        "Interface and platform actions",
    ),
    ("general", "Пайдалану шарттары", "Условия использования", "Terms of use"),
)


def _taxonomy_rule(c: Category) -> CategoryRule:
    if c.threat_to_life:
        queue, priority, hide_after = "urgent", 1, 3
    elif c.group is Group.harmful_to_children or c.child_related:
        queue, priority, hide_after = "children", 2, 5
    else:
        queue, priority, hide_after = "unlawful", 2, 5
    return CategoryRule(
        key=c.key, taxonomy=c.key, subjects=_CONTENT, queue=queue, priority=priority, hide_after=hide_after
    )


def default_rules(on: date) -> RuleSet:
    """The rules Senim ships with, over the taxonomy in force on ``on``: every unlawful-content category
    of OPL Art. 14(1), information harmful to children, cyberbullying of a child (24 hours), false
    information about me, privacy and image rights, spam and fraud, the interface, a dispute of a
    platform action, and other breaches of the terms."""
    version = taxonomy.current(on)
    groups = (Group.unlawful, Group.harmful_to_children)
    categories = [_taxonomy_rule(c) for c in version.categories if c.group in groups]
    item = [TargetKind.item]
    categories += [
        CategoryRule(
            key="cyberbullying_child",
            taxonomy="cyberbullying_child",
            subjects=_CONTENT,
            queue="children",
            priority=1,
            answer_within=AnswerWithin(unit="hours", amount=24),
            hide_after=2,
        ),
        CategoryRule(
            key="false_information",
            taxonomy="false_information",
            subjects=item,
            requires=["why_false", "concerns_me"],
            queue="rights",
            priority=3,
        ),
        CategoryRule(
            key="privacy.personal_data",
            taxonomy="privacy.personal_data",
            subjects=[TargetKind.item, TargetKind.account],
            requires=["concerns_me"],
            queue="rights",
            priority=1,
            answer_within=AnswerWithin(unit="working_days", amount=1),  # LAW-50
            hide_after=2,
        ),
        CategoryRule(
            key="privacy.image_rights",
            taxonomy="privacy.image_rights",
            subjects=item,
            requires=["concerns_me"],
            queue="rights",
            priority=2,
        ),
        CategoryRule(
            key="spam_fraud",
            taxonomy="spam_fraud",
            subjects=_CONTENT,
            queue="general",
            priority=4,
            hide_after=10,
        ),
        CategoryRule(
            key="interface_problem",
            taxonomy="interface_problem",
            subjects=[TargetKind.interface],
            queue="platform",
            priority=4,
        ),
        CategoryRule(
            key="platform_action_dispute",
            taxonomy="platform_action_dispute",
            subjects=[TargetKind.platform_action],
            queue="platform",
            priority=3,
        ),
        CategoryRule(
            key="terms_other", taxonomy="terms_other", subjects=_CONTENT, queue="general", priority=4
        ),
    ]
    queues = [QueueRule(key=k, label=Localised(kk=kk, ru=ru, en=en)) for k, kk, ru, en in _QUEUES]
    return RuleSet(queues=queues, categories=categories)
