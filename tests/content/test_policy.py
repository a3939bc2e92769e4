"""Pure content rules: text limits, who sees and changes an item."""

from __future__ import annotations

import uuid

import pytest

from senim.content import policy
from senim.models import ItemKind, ItemStatus

ME, OTHER = uuid.uuid4(), uuid.uuid4()


@pytest.mark.parametrize(
    ("kind", "body", "images", "ok"),
    [
        (ItemKind.post, "x", 0, True),
        (ItemKind.post, "x" * 10_000, 0, True),
        (ItemKind.post, "x" * 10_001, 0, False),
        (ItemKind.post, "", 0, False),
        (ItemKind.post, "", 1, True),  # image-only post
        (ItemKind.post, "x" * 10_001, 1, False),
        (ItemKind.comment, "x" * 5_000, 0, True),
        (ItemKind.comment, "x" * 5_001, 0, False),
        (ItemKind.comment, "", 0, False),
    ],
)
def test_body_limits(kind: ItemKind, body: str, images: int, ok: bool) -> None:
    assert (policy.body_problem(kind, body, image_count=images) is None) is ok


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("  hello \n", "hello"), ("a\r\nb\rc", "a\nb\nc"), (" \n\t ", "")],
)
def test_body_is_trimmed_and_line_endings_normalised(raw: str, stored: str) -> None:
    assert policy.normalise_body(raw) == stored


@pytest.mark.parametrize(
    ("status", "viewer", "staff", "visible"),
    [
        (ItemStatus.visible, None, False, True),
        (ItemStatus.visible, OTHER, False, True),
        (ItemStatus.hidden, None, False, False),
        (ItemStatus.hidden, OTHER, False, False),
        (ItemStatus.hidden, ME, False, True),
        (ItemStatus.hidden, OTHER, True, True),
        (ItemStatus.removed, ME, False, False),
        (ItemStatus.removed, OTHER, True, False),
        (ItemStatus.deleted, ME, False, False),
        (ItemStatus.deleted, OTHER, True, False),
    ],
)
def test_who_sees_an_item(status: ItemStatus, viewer: uuid.UUID | None, staff: bool, visible: bool) -> None:
    assert policy.can_view(status, author_id=ME, viewer_id=viewer, viewer_is_staff=staff) is visible


@pytest.mark.parametrize(
    ("status", "actor", "allowed"),
    [
        (ItemStatus.visible, ME, True),
        (ItemStatus.hidden, ME, True),
        (ItemStatus.visible, OTHER, False),
        (ItemStatus.deleted, ME, False),
        (ItemStatus.removed, ME, False),
    ],
)
def test_only_the_author_changes_an_existing_item(
    status: ItemStatus, actor: uuid.UUID, allowed: bool
) -> None:
    assert policy.can_change(status, author_id=ME, actor_id=actor) is allowed


@pytest.mark.parametrize(("asked", "given"), [(None, 20), (0, 1), (-5, 1), (7, 7), (1000, 50)])
def test_page_size_is_clamped(asked: int | None, given: int) -> None:
    assert policy.clamp_limit(asked) == given


@pytest.mark.parametrize("status", list(ItemStatus))
@pytest.mark.parametrize(("viewer", "staff"), [(None, False), (OTHER, False), (ME, False), (OTHER, True)])
def test_items_pushed_by_platforms_are_served_to_no_one_here(
    status: ItemStatus, viewer: uuid.UUID | None, staff: bool
) -> None:
    assert (
        policy.can_view(status, author_id=ME, viewer_id=viewer, viewer_is_staff=staff, pushed=True) is False
    )
    assert policy.can_change(status, author_id=ME, actor_id=ME, pushed=True) is False
