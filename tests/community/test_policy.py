"""The pure community rules, as tables."""

from __future__ import annotations

import pytest

from senim.community import policy
from senim.models import CommunityStatus, MemberRole


@pytest.mark.parametrize(
    ("slug", "valid"),
    [
        ("abc", True),
        ("almaty-cyclists", True),
        ("a1-2b", True),
        ("x" * 64, True),
        ("ab", False),
        ("x" * 65, False),
        ("-abc", False),
        ("abc-", False),
        ("Abc", False),
        ("ab c", False),
        ("ab_c", False),
        ("алматы", False),
        ("abc\n", False),
    ],
)
def test_slug_is_3_to_64_lowercase_latin_letters_digits_or_dashes(slug: str, valid: bool) -> None:
    assert policy.slug_is_valid(slug) is valid


def test_slug_is_normalised_to_lowercase_without_blanks() -> None:
    assert policy.normalise_slug("  Almaty-Cyclists ") == "almaty-cyclists"


@pytest.mark.parametrize(
    ("slug", "name", "description", "problems"),
    [
        ("abc", "A", "", []),
        ("ab", "A", "", [policy.SLUG_PROBLEM]),
        ("abc", "", "", [policy.NAME_PROBLEM]),
        ("abc", "n" * 121, "", [policy.NAME_PROBLEM]),
        ("abc", "A", "d" * 5000, []),
        ("abc", "A", "d" * 5001, [policy.DESCRIPTION_PROBLEM]),
        (None, None, "d" * 5001, [policy.DESCRIPTION_PROBLEM]),
        ("a", "", "d" * 5001, [policy.SLUG_PROBLEM, policy.NAME_PROBLEM, policy.DESCRIPTION_PROBLEM]),
    ],
)
def test_problems(slug: str | None, name: str | None, description: str | None, problems: list[str]) -> None:
    assert policy.problems(slug, name, description) == problems


@pytest.mark.parametrize(
    ("role", "edit", "manage", "leave"),
    [
        (MemberRole.owner, True, True, False),
        (MemberRole.moderator, True, False, True),
        (MemberRole.member, False, False, True),
        (None, False, False, True),
        ("owner", True, True, False),  # as loaded from the database
        ("moderator", True, False, True),
    ],
)
def test_who_may_do_what(role: MemberRole | None, edit: bool, manage: bool, leave: bool) -> None:
    assert policy.can_edit_description(role) is edit
    assert policy.can_manage_moderators(role) is manage
    assert policy.can_leave(role) is leave


@pytest.mark.parametrize(
    ("status", "join", "listed"),
    [
        (CommunityStatus.active, True, True),
        (CommunityStatus.restricted, False, True),
        (CommunityStatus.removed, False, False),
        ("active", True, True),
    ],
)
def test_status_rules(status: CommunityStatus, join: bool, listed: bool) -> None:
    assert policy.can_join(status) is join
    assert policy.is_listed(status) is listed


@pytest.mark.parametrize("status", list(CommunityStatus))
def test_communities_of_integrating_platforms_are_never_listed(status: CommunityStatus) -> None:
    assert policy.is_listed(status, pushed=True) is False
