"""The risk register as pure rules (LAW-37): the score and its level, the status transitions, what each
status asks for, and the labels shown. No I/O.

- **Score** is likelihood × impact, each 1 to 5, so 1 to 25. Levels: low 1-4, medium 5-9, high 10-16,
  critical 20-25 (17-19 cannot occur as a product).
- **Statuses**: ``identified`` (recorded, nothing decided yet), ``mitigating`` (measures under way),
  ``accepted`` (the remaining risk is accepted and kept under review) and ``closed`` (no longer a risk;
  kept in the register). A closed risk is final: a risk that comes back is recorded again.
- A risk being mitigated or accepted must say what is done or why it is accepted (its mitigations).
"""

from __future__ import annotations

from enum import StrEnum

from senim.models.transparency import RiskCategory, RiskStatus
from senim.web.i18n import N_

MIN_RATING = 1
MAX_RATING = 5


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


TRANSITIONS: dict[RiskStatus, frozenset[RiskStatus]] = {
    RiskStatus.identified: frozenset({RiskStatus.mitigating, RiskStatus.accepted, RiskStatus.closed}),
    RiskStatus.mitigating: frozenset({RiskStatus.accepted, RiskStatus.closed}),
    RiskStatus.accepted: frozenset({RiskStatus.mitigating, RiskStatus.closed}),
    RiskStatus.closed: frozenset(),
}
# Statuses that need the mitigations written down.
NEEDS_MITIGATIONS = frozenset({RiskStatus.mitigating, RiskStatus.accepted})
OPEN_STATUSES = frozenset({RiskStatus.identified, RiskStatus.mitigating, RiskStatus.accepted})

CATEGORY_LABELS: dict[RiskCategory, str] = {
    RiskCategory.unlawful_content: N_("Unlawful content"),
    RiskCategory.harm_to_minors: N_("Harm to minors"),
    RiskCategory.disinformation: N_("Disinformation"),
    RiskCategory.privacy: N_("Privacy and personal data"),
    RiskCategory.advertising: N_("Advertising"),
    RiskCategory.platform_manipulation: N_("Manipulation of the platform"),
    RiskCategory.fundamental_rights: N_("Freedom of expression and other rights"),
    RiskCategory.other: N_("Other"),
}
STATUS_LABELS: dict[RiskStatus, str] = {
    RiskStatus.identified: N_("Identified"),
    RiskStatus.mitigating: N_("Being mitigated"),
    RiskStatus.accepted: N_("Accepted"),
    RiskStatus.closed: N_("Closed"),
}
LEVEL_LABELS: dict[Level, str] = {
    Level.low: N_("Low"),
    Level.medium: N_("Medium"),
    Level.high: N_("High"),
    Level.critical: N_("Critical"),
}
LIKELIHOOD_LABELS: dict[int, str] = {
    1: N_("1 — rare"),
    2: N_("2 — unlikely"),
    3: N_("3 — possible"),
    4: N_("4 — likely"),
    5: N_("5 — almost certain"),
}
IMPACT_LABELS: dict[int, str] = {
    1: N_("1 — minor"),
    2: N_("2 — limited"),
    3: N_("3 — serious"),
    4: N_("4 — major"),
    5: N_("5 — severe"),
}


def rating_is_valid(value: int) -> bool:
    return MIN_RATING <= value <= MAX_RATING


def score(likelihood: int, impact: int) -> int:
    """Likelihood × impact; both must be 1 to 5."""
    if not (rating_is_valid(likelihood) and rating_is_valid(impact)):
        raise ValueError(f"ratings must be {MIN_RATING}..{MAX_RATING}: {likelihood}, {impact}")
    return likelihood * impact


def level(value: int) -> Level:
    """The level of a score."""
    if value >= 20:
        return Level.critical
    if value >= 10:
        return Level.high
    if value >= 5:
        return Level.medium
    return Level.low


def can_move(current: RiskStatus, new: RiskStatus) -> bool:
    """Whether a risk may go from ``current`` to ``new`` (staying where it is is always allowed, except
    for a closed risk, which changes no more)."""
    if current is RiskStatus.closed:
        return False
    return new == current or new in TRANSITIONS[current]


def editable_statuses(current: RiskStatus) -> list[RiskStatus]:
    """The statuses the edit form offers (closing has its own form), in the enum's order."""
    return [s for s in RiskStatus if s is not RiskStatus.closed and can_move(current, s)]
