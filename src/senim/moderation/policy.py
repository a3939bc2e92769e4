"""Pure moderation rules: the decisions a moderator can take, on what, with which parameters; who may
claim and decide a case; strikes and the restrictions they lead to; appeal windows. No I/O here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from senim.content.age import AGE_SIGNS  # LAW-83; re-exported for the moderation views
from senim.translation import langid
from senim.web.i18n import N_


class Action(StrEnum):
    no_violation = "no_violation"
    remove = "remove"
    geo_restrict = "geo_restrict"  # unavailable in Kazakhstan (a distinct action from removal)
    age_restrict = "age_restrict"
    label = "label"
    demote = "demote"
    require_author_delete = "require_author_delete"  # the author's duty to delete (LAW-49)
    warn = "warn"
    suspend = "suspend"  # for a time, or permanently when no end is given


class TargetKind(StrEnum):
    item = "item"  # a post or a comment
    account = "account"
    community = "community"
    interface = "interface"  # complaints about the interface: answered, never "decided" against anyone
    platform_action = "platform_action"  # complaints about an action of the platform (a decision, ...)


class GroundKind(StrEnum):
    law = "law"  # a category of the taxonomy (law article)
    terms = "terms"  # a clause of the terms of use


class Source(StrEnum):
    complaint = "complaint"
    own_initiative = "own_initiative"
    detection = "detection"
    order = "order"
    appeal = "appeal"


class Automation(StrEnum):
    fully = "fully"
    partially = "partially"
    not_automated = "not"


ACTION_LABELS: dict[Action, str] = {
    Action.no_violation: N_("No violation found"),
    Action.remove: N_("Removed"),
    Action.geo_restrict: N_("Made unavailable in Kazakhstan"),
    Action.age_restrict: N_("Age-restricted"),
    Action.label: N_("Labelled"),
    Action.demote: N_("Demoted in feeds"),
    Action.require_author_delete: N_("The author is required to delete it"),
    Action.warn: N_("Warning"),
    Action.suspend: N_("Account suspended"),
}

# What each decision can apply to. Interface and platform-action complaints are answered with
# "no violation" (the complaint is answered, nothing is restricted) or lead to a case on their target.
ACTIONS_FOR: dict[TargetKind, frozenset[Action]] = {
    TargetKind.item: frozenset(
        {
            Action.no_violation,
            Action.remove,
            Action.geo_restrict,
            Action.age_restrict,
            Action.label,
            Action.demote,
            Action.require_author_delete,
            Action.warn,
        }
    ),
    TargetKind.account: frozenset({Action.no_violation, Action.warn, Action.suspend}),
    TargetKind.community: frozenset({Action.no_violation, Action.remove, Action.warn}),
    TargetKind.interface: frozenset({Action.no_violation}),
    TargetKind.platform_action: frozenset({Action.no_violation}),
}

# Actions that restrict something: they need a ground, give a strike and can be appealed by the affected.
RESTRICTIVE = frozenset(Action) - {Action.no_violation}


LABELS: dict[str, str] = {
    "disputed": N_("Disputed: the accuracy of this information is contested"),
    "sensitive": N_("Sensitive content"),
    "unverified": N_("Unverified information"),
}

DEFAULT_DELETE_WITHIN = timedelta(hours=24)
MAX_FACTS_CHARS = 5_000
MIN_FACTS_CHARS = 10
MAX_SUSPENSION = timedelta(days=3650)

# Strikes (weights, a window, thresholds) are part of the owner's complaint rules; these are the defaults.
STRIKE_WEIGHT: dict[Action, int] = {
    Action.remove: 2,
    Action.geo_restrict: 2,
    Action.require_author_delete: 1,
    Action.warn: 1,
}


@dataclass(frozen=True)
class DecisionDraft:
    """What a moderator submits; ``problems`` lists what is wrong with it."""

    target: TargetKind
    action: Action
    ground_kind: GroundKind | None
    category: str | None  # a taxonomy key (law ground) or None
    terms_clause: str | None
    facts: str
    age_sign: str | None = None
    label: str | None = None
    suspend_days: int | None = None  # None with suspend: permanent


def decision_problems(draft: DecisionDraft, category_keys: Iterable[str]) -> list[str]:
    """The message ids of what is wrong with a decision, in form order; empty when it can be recorded."""
    problems: list[str] = []
    if draft.action not in ACTIONS_FOR[draft.target]:
        problems.append(N_("This decision cannot be taken on this kind of target."))
    facts = draft.facts.strip()
    if len(facts) < MIN_FACTS_CHARS:
        problems.append(N_("State the facts and reasons of the decision (at least {min} characters)."))
    elif len(facts) > MAX_FACTS_CHARS:
        problems.append(N_("The statement of facts is too long: at most {max} characters."))
    if draft.action in RESTRICTIVE:
        if draft.ground_kind is None:
            problems.append(N_("Choose the ground of the decision: a law article or a clause of the terms."))
        elif draft.ground_kind is GroundKind.law and draft.category not in set(category_keys):
            problems.append(N_("Choose the category of the law the content breaches."))
        elif draft.ground_kind is GroundKind.terms and not (draft.terms_clause or "").strip():
            problems.append(N_("Name the clause of the terms of use the content breaches."))
    if draft.action is Action.age_restrict and draft.age_sign not in AGE_SIGNS:
        problems.append(N_("Choose an age sign."))
    if draft.action is Action.label and draft.label not in LABELS:
        problems.append(N_("Choose a label."))
    if (
        draft.action is Action.suspend
        and draft.suspend_days is not None
        and not (1 <= draft.suspend_days <= MAX_SUSPENSION.days)
    ):
        problems.append(N_("A suspension lasts from 1 to 3650 days, or is permanent."))
    return problems


def restriction_end(draft: DecisionDraft, now: datetime) -> datetime | None:
    """When the restriction ends (suspension) or the author's deadline falls (delete duty); else None."""
    if draft.action is Action.suspend and draft.suspend_days is not None:
        return now + timedelta(days=draft.suspend_days)
    if draft.action is Action.require_author_delete:
        return now + DEFAULT_DELETE_WITHIN
    return None


# --- who may work a case --------------------------------------------------------------------------


def may_claim(
    *,
    moderator_id: uuid.UUID,
    moderator_languages: Iterable[str],
    case_language: str | None,
    excluded_id: uuid.UUID | None,
    escalated: bool,
    senior: bool,
) -> str | None:
    """Why this moderator may not take the case (a message id), or None when they may.

    Cases with Kazakh content go to moderators who read Kazakh (LAW-09a); an appeal never goes to the
    moderator who took the decision appealed; escalated cases go to senior moderators.
    """
    if excluded_id is not None and moderator_id == excluded_id:
        return N_("You took the decision under appeal: another moderator decides the appeal.")
    if case_language and case_language not in set(moderator_languages):
        return N_("This case needs a moderator who reads its language.")
    if escalated and not senior:
        return N_("This case is escalated to a senior moderator.")
    return None


KAZAKH_SHARE = 0.2


def guess_language(text: str) -> str | None:
    """The language a moderator must read (``translation.langid``): ISO 639-1, None without words.

    It errs towards Kazakh: a text that is a fifth Kazakh or more (Kazakh with Russian, as often written)
    is "kk", so a Kazakh text is never routed to a moderator who cannot read it.
    """
    found = langid.identify(text)
    if found.language == "und":
        return None
    if found.scores.get("kk", 0.0) >= KAZAKH_SHARE:
        return "kk"
    return found.language


# --- strikes --------------------------------------------------------------------------------------


def suspension_for(weight: int, thresholds: Iterable[tuple[int, int]]) -> int | None:
    """The suspension (days; 0 = permanent) that an active strike weight leads to, or None.

    ``thresholds`` are the owner's (active weight reached, days) pairs (``complaint.rules``), checked
    from the highest weight down.
    """
    for reached, days in sorted(thresholds, reverse=True):
        if weight >= reached:
            return days
    return None


def tracking_number(raw: bytes, prefix: str = "C") -> str:
    """A short human-friendly tracking number from random bytes: "C-" (complaints; "O-" orders of state
    bodies) and 8 characters in 2 groups, from an alphabet without look-alike characters (no 0/O, 1/I/L)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    value = int.from_bytes(raw, "big")
    chars = []
    for _ in range(8):
        value, index = divmod(value, len(alphabet))
        chars.append(alphabet[index])
    code = "".join(chars)
    return f"{prefix}-{code[:4]}-{code[4:]}"
