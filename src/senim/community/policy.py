"""Pure community rules: what a valid community looks like and who may do what in it. No I/O here.

Roles and statuses come back from the database as plain strings, so they are compared with ``==``.
"""

from __future__ import annotations

import re

from senim.models.community import CommunityStatus, MemberRole
from senim.web.i18n import N_

SLUG_MIN, SLUG_MAX = 3, 64
NAME_MAX = 120
DESCRIPTION_MAX = 5000
# Lowercase Latin letters, digits and dashes; starts and ends with a letter or digit.
SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")

SLUG_PROBLEM = N_("A community address is 3 to 64 lowercase Latin letters, digits or dashes.")
NAME_PROBLEM = N_("A community name is 1 to 120 characters long.")
DESCRIPTION_PROBLEM = N_("A community description is at most {max} characters long.")

# The roles that may edit the community's description (DEF-09: the owner and community moderators).
EDITORS = frozenset({MemberRole.owner, MemberRole.moderator})


def normalise_slug(slug: str) -> str:
    return slug.strip().lower()


def slug_is_valid(slug: str) -> bool:
    return SLUG_MIN <= len(slug) <= SLUG_MAX and SLUG_RE.fullmatch(slug) is not None


def problems(slug: str | None, name: str | None, description: str | None) -> list[str]:
    """Message ids of what is wrong with the given fields (``None`` means the field is not being set)."""
    found: list[str] = []
    if slug is not None and not slug_is_valid(slug):
        found.append(SLUG_PROBLEM)
    if name is not None and not 1 <= len(name) <= NAME_MAX:
        found.append(NAME_PROBLEM)
    if description is not None and len(description) > DESCRIPTION_MAX:
        found.append(DESCRIPTION_PROBLEM)
    return found


def can_edit_description(role: MemberRole | None) -> bool:
    return role in EDITORS


def can_manage_moderators(role: MemberRole | None) -> bool:
    return role == MemberRole.owner


def can_leave(role: MemberRole | None) -> bool:
    """Anyone but the owner may leave; the owner stays while they own the community."""
    return role != MemberRole.owner


def can_join(status: CommunityStatus) -> bool:
    return status == CommunityStatus.active


def is_listed(status: CommunityStatus, *, pushed: bool = False) -> bool:
    """Removed communities are gone from every public list and page; so are those ``pushed`` by an
    integrating platform, which belong to that platform's own site."""
    return not pushed and status != CommunityStatus.removed
