"""The feed's parameters, stated as data (LAW-34) for the public description of the recommender."""

from __future__ import annotations

import pytest

from senim.feed import policy
from senim.models import HiddenKind


@pytest.mark.law("LAW-34")
def test_parameters_are_described() -> None:
    assert [p.key for p in policy.PARAMETERS] == ["time", "visibility", "hidden_by_you"]
    assert all(p.title and p.description for p in policy.PARAMETERS)
    assert set(policy.FEEDS) == set(policy.FeedKind)
    assert policy.NOT_USED


@pytest.mark.law("LAW-35")
def test_the_feed_is_not_profiled() -> None:
    assert policy.PROFILED is False
    assert policy.ORDER == ("created_at descending", "id descending")


@pytest.mark.law("LAW-52")
def test_every_kind_of_hide_has_a_control() -> None:
    assert set(policy.HIDE_CONTROLS) == set(HiddenKind)


@pytest.mark.parametrize(
    ("kind", "is_author", "included"),
    [
        (policy.FeedKind.author, True, True),
        (policy.FeedKind.author, False, False),
        (policy.FeedKind.home, True, False),
        (policy.FeedKind.community, True, False),
    ],
)
def test_own_posts_under_review_only_on_own_page(
    kind: policy.FeedKind, is_author: bool, included: bool
) -> None:
    assert policy.includes_own_hidden(kind, viewer_is_author=is_author) is included
