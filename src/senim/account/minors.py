"""Safer defaults for minors (LAW-22, LAW-61): a person's age and what may be done with their data.

Pure: no I/O. A person's age comes from their date of birth in Asia/Almaty, computed here in Python (the
date of birth may be stored encrypted; no SQL ever filters on it). Whoever's age is not known (a visitor
who is not signed in, an account without a date of birth) is treated like a minor by every rule here:
nothing that is forbidden for minors is done to someone who might be one.
"""

from __future__ import annotations

from datetime import date

from senim.kit.clock import age_on, today_in
from senim.models.account import MINOR_AGE, User


def age_of(user: User | None, today: date | None = None) -> int | None:
    """Full years of ``user`` today in Almaty; None for a visitor or an account without a date of birth."""
    if user is None:
        return None
    if user.date_of_birth is None:
        return None
    return age_on(user.date_of_birth, today or today_in())


def is_known_adult(user: User | None, today: date | None = None) -> bool:
    """A signed-in person whose date of birth shows 18 or more."""
    age = age_of(user, today)
    return age is not None and age >= MINOR_AGE


def may_profile(user: User | None, today: date | None = None) -> bool:
    """Whether anything may be personalised from a profile of ``user`` (interests, behaviour): never for
    a minor or a person of unknown age. Senim's feeds profile nobody anyway (LAW-35, ``feed.policy``)."""
    return is_known_adult(user, today)


def may_target_ads(user: User | None, today: date | None = None) -> bool:
    """Whether ``user`` may be shown targeted advertising: never a minor, never a person of unknown age
    (OPL Art. 20(4), LAW-61)."""
    return is_known_adult(user, today)
