"""The platform service: generated usernames, object scoping, notifying the platform."""

from __future__ import annotations

import sys
import types
import uuid
from typing import Any

import pytest
from sqlalchemy.orm import Session

from senim.account import policy as account_policy
from senim.models import ItemKind, Role
from senim.platform.errors import NotAPlatform, PlatformRecordNotFound
from senim.platform.service import AccountPush, ItemPush, platform_service, slugify, username_candidates
from tests.fixtures.builders import make_user
from tests.fixtures.community import make_platform


@pytest.mark.parametrize(
    ("external_id", "slug"),
    [("User_42", "user-42"), ("  a--b  ", "a-b"), ("Әлем", ""), ("12345", "12345"), ("a/b c", "a-b-c")],
)
def test_slugify(external_id: str, slug: str) -> None:
    assert slugify(external_id) == slug


@pytest.mark.parametrize("external_id", ["User_42", "x" * 200, "Әлем", "-", "a" * 21 + "-b"])
def test_generated_usernames_fit_the_account_rules(external_id: str) -> None:
    platform_id = uuid.uuid4()
    candidates = username_candidates(platform_id, external_id)
    assert candidates
    for name in candidates:
        assert name.startswith(f"p-{platform_id.hex[:8]}-")
        assert account_policy.username_is_valid(name), name
    assert len(set(candidates)) == len(candidates)


def test_external_ids_with_the_same_slug_get_different_usernames(session: Session) -> None:
    platform = make_platform(session).principal
    first = platform_service.push_account(session, platform, "a_b", AccountPush(display_name="One")).record
    second = platform_service.push_account(session, platform, "A-B", AccountPush(display_name="Two")).record
    assert first.username == f"p-{platform.id.hex[:8]}-a-b"
    assert second.username.startswith(f"p-{platform.id.hex[:8]}-a-b-")
    assert first.id != second.id


def test_only_integrating_platforms_push(session: Session) -> None:
    person = make_user(session)
    with pytest.raises(NotAPlatform):
        platform_service.push_account(session, person, "x", AccountPush(display_name="X"))
    with pytest.raises(NotAPlatform):
        platform_service.get_item(session, person, "x")


def test_items_are_scoped_to_their_platform(session: Session) -> None:
    a = make_platform(session).principal
    b = make_platform(session).principal
    platform_service.push_account(session, a, "u", AccountPush(display_name="U"))
    item = platform_service.push_item(
        session, a, "i", ItemPush(author_external_id="u", kind=ItemKind.post, body="hi")
    )
    assert item.created
    assert platform_service.get_item_by_id(session, a, item.record.item.id).item.id == item.record.item.id
    with pytest.raises(PlatformRecordNotFound):
        platform_service.get_item_by_id(session, b, item.record.item.id)
    with pytest.raises(PlatformRecordNotFound):
        platform_service.get_item(session, b, "i")


class _FakeNotifications:
    def __init__(self) -> None:
        self.emitted: list[tuple[uuid.UUID, str, dict[str, Any]]] = []

    def emit(self, session: Session, principal_id: uuid.UUID, event: str, data: dict[str, Any]) -> None:
        self.emitted.append((principal_id, event, data))


def test_notify_platform_emits_through_the_notification_domain(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = make_platform(session).principal
    account = platform_service.push_account(session, platform, "u", AccountPush(display_name="U")).record
    item = platform_service.push_item(
        session, platform, "i", ItemPush(author_external_id="u", kind=ItemKind.post, body="hi")
    ).record.item
    fake = _FakeNotifications()
    monkeypatch.setitem(
        sys.modules, "senim.notification.service", types.SimpleNamespace(notification_service=fake)
    )

    assert platform_service.notify_platform(session, item, "item.decision", {"decision": "removed"}) is True
    assert platform_service.notify_platform(session, account, "account.restricted", {}) is True
    assert fake.emitted == [
        (
            platform.id,
            "item.decision",
            {"decision": "removed", "subject": {"type": "item", "id": str(item.id), "external_id": "i"}},
        ),
        (
            platform.id,
            "account.restricted",
            {"subject": {"type": "account", "id": str(account.id), "external_id": "u"}},
        ),
    ]
    # Senim's own users and posts belong to no platform: nothing is sent.
    assert platform_service.notify_platform(session, make_user(session, role=Role.user), "x.y", {}) is False
    assert len(fake.emitted) == 2


def test_notify_platform_without_the_notification_domain(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = make_platform(session).principal
    account = platform_service.push_account(session, platform, "u", AccountPush(display_name="U")).record
    monkeypatch.setitem(sys.modules, "senim.notification.service", None)  # as if it did not exist
    assert platform_service.notify_platform(session, account, "account.restricted", {}) is False
