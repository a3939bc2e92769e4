"""Age signs of content (CHL Art. 15, LAW-83, LAW-84) and who may see what (LAW-22, LAW-85). No I/O here.

The six signs of the law, from the youngest audience up: «6-» (for children under 6), 6+, 12+, 14+, 16+
and 18+ (forbidden for children). There is no 0+. Authors set a sign on their posts, integrating
platforms on the items they push, moderators with the ``age_restrict`` decision and detection rules
with the same decision taken automatically.

Who sees an item with a sign:

- a signed-in person whose age is known (from their date of birth, in Asia/Almaty): every sign whose
  minimum age they have reached; so a 13-year-old sees 12+ but not 14+, an adult sees everything;
- a reader whose age is not known (a visitor who is not signed in, an account without a date of birth):
  up to 16+ (``UNKNOWN_AGE_SEES``). 18+ needs a signed-in adult, so nothing forbidden for children
  reaches someone who might be a child;
- the author always sees their own item, and staff see every item (they moderate it).

An item without a sign is shown to everyone. Information forbidden for children (CHL Art. 16(2), the
taxonomy group ``harmful_to_children``) is 18+ whatever sign it carried: a moderation or detection decision
citing such a category marks the item 18+ (``moderation.service``).

SQL filters use the list of signs a reader may see (``allowed_signs``), never dates.
"""

from __future__ import annotations

from enum import Enum

from senim import taxonomy
from senim.account.minors import age_of
from senim.models.account import User
from senim.web.i18n import N_

AGE_SIGNS: tuple[str, ...] = ("6-", "6+", "12+", "14+", "16+", "18+")  # LAW-83, youngest audience first
MIN_AGE: dict[str, int] = {"6-": 0, "6+": 6, "12+": 12, "14+": 14, "16+": 16, "18+": 18}
ADULTS_ONLY = "18+"
# A reader of unknown age sees items up to this sign; 18+ needs a signed-in adult.
UNKNOWN_AGE_SEES = "16+"

# What each sign means, for forms (message ids, translated when shown).
SIGN_LABELS: dict[str, str] = {
    "6-": N_("6- (for children under 6)"),
    "6+": N_("6+ (from 6 years)"),
    "12+": N_("12+ (from 12 years)"),
    "14+": N_("14+ (from 14 years)"),
    "16+": N_("16+ (from 16 years)"),
    "18+": N_("18+ (forbidden for children)"),
}

SIGN_PROBLEM = N_("Choose one of the age signs 6-, 6+, 12+, 14+, 16+ or 18+, or none.")
BELOW_DECIDED = N_("The age sign cannot be lower than {sign}: a moderation decision set it.")


class Keep(Enum):
    """A change that leaves the item's age sign as it is."""

    sign = "keep"


KEEP = Keep.sign


def parse_sign(value: str | None) -> str | None:
    """A sign as sent in a form or a request: surrounding blanks ignored, empty means none.

    ValueError for anything that is not one of the six signs.
    """
    text = (value or "").strip()
    if not text:
        return None
    if text not in MIN_AGE:
        raise ValueError(text)
    return text


def rank(sign: str | None) -> int:
    """The sign's place from the youngest audience up; -1 for no sign. An unknown value ranks as 18+."""
    if sign is None:
        return -1
    return AGE_SIGNS.index(sign) if sign in MIN_AGE else AGE_SIGNS.index(ADULTS_ONLY)


def higher(*signs: str | None) -> str | None:
    """The sign for the oldest audience among ``signs`` (a multi-part product takes the highest, CHL
    Art. 15(4)); None when none is given."""
    given = [s for s in signs if s is not None]
    return max(given, key=rank) if given else None


def allowed_signs(age: int | None) -> tuple[str, ...]:
    """Every sign a reader of ``age`` may see; ``age`` None: a reader of unknown age (up to 16+)."""
    limit = MIN_AGE[UNKNOWN_AGE_SEES] if age is None else age
    return tuple(s for s in AGE_SIGNS if MIN_AGE[s] <= limit)


def may_see(sign: str | None, age: int | None) -> bool:
    """Whether a reader of ``age`` (None: unknown) may see an item with ``sign`` (None: no sign)."""
    return sign is None or sign in allowed_signs(age)


def viewer_age(viewer: User | None) -> int | None:
    """The reader's age in full years (Asia/Almaty), None when not known."""
    return age_of(viewer)


def signs_for(viewer: User | None) -> tuple[str, ...]:
    """The signs ``viewer`` (None: a visitor) may see: what feed and comment queries filter on."""
    return allowed_signs(viewer_age(viewer))


def counted_signs(viewer: User | None) -> tuple[str, ...] | None:
    """The signs of the comments counted on a card for ``viewer``: what they may see, or None (all) for
    staff, who read every comment."""
    return None if viewer is not None and viewer.is_staff else signs_for(viewer)


def for_everyone(sign: str | None) -> bool:
    """Whether an item with ``sign`` may be shown to any reader at all, the youngest included (so a shared
    cache may keep its images)."""
    return sign is None or MIN_AGE.get(sign) == 0


def harmful_to_children(category: str | None) -> bool:
    """Whether ``category`` (a taxonomy key) is information forbidden for children (CHL Art. 16(2))."""
    if not category:
        return False
    for version in taxonomy.versions():
        try:
            found = version.get(category)
        except KeyError:
            continue
        return found.group is taxonomy.Group.harmful_to_children
    return False
