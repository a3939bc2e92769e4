"""The platform service: generated usernames, object scoping, notifying the platform."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account import policy as account_policy
from senim.config import Settings
from senim.db import Database
from senim.jobs.worker import drain
from senim.models import ItemKind, Job, JobStatus, Role
from senim.notification.service import DELIVER_WEBHOOK
from senim.notification.webhooks import verify
from senim.platform.errors import NotAPlatform, PlatformRecordNotFound
from senim.platform.service import AccountPush, ItemPush, platform_service, slugify, username_candidates
from tests.fixtures.builders import make_user
from tests.fixtures.community import make_platform
from tests.fixtures.notification import make_endpoint, webhook_receiver


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


def test_notify_platform_delivers_a_signed_webhook_naming_the_item(
    db: Database, session: Session, settings: Settings
) -> None:
    platform = make_platform(session).principal
    platform_service.push_account(session, platform, "u", AccountPush(display_name="U"))
    item = platform_service.push_item(
        session, platform, "review-991", ItemPush(author_external_id="u", kind=ItemKind.post, body="hi")
    ).record.item
    with webhook_receiver() as receiver:
        _endpoint, secret = make_endpoint(session, platform, receiver.url)
        session.commit()

        assert (
            platform_service.notify_platform(session, item, "item.decision", {"decision": "removed"}) is True
        )
        session.commit()
        [queued] = session.scalars(select(Job).where(Job.name == DELIVER_WEBHOOK)).all()
        assert queued.payload["event"] == "item.decision"

        drain(db, settings)

        session.expire_all()
        assert session.get(Job, queued.id).status == JobStatus.succeeded  # type: ignore[union-attr]
        [request] = receiver.requests
    verify(secret, request.body, request.headers["senim-signature"], now=time.time())
    assert request.headers["senim-event"] == "item.decision"
    body = json.loads(request.body)
    assert body["data"] == {
        "decision": "removed",
        "subject": {"type": "item", "id": str(item.id), "external_id": "review-991"},
    }


def test_notify_platform_names_a_pushed_account_and_skips_senims_own_records(session: Session) -> None:
    platform = make_platform(session).principal
    account = platform_service.push_account(session, platform, "u", AccountPush(display_name="U")).record
    make_endpoint(session, platform, "http://127.0.0.1:9/hook")
    assert platform_service.notify_platform(session, account, "account.restricted", {}) is True
    [queued] = session.scalars(select(Job).where(Job.name == DELIVER_WEBHOOK)).all()
    assert queued.payload["data"] == {
        "subject": {"type": "account", "id": str(account.id), "external_id": "u"}
    }
    # Senim's own users and posts belong to no platform: nothing is sent.
    own = make_user(session, role=Role.user)
    assert platform_service.notify_platform(session, own, "account.restricted", {}) is False
    assert len(session.scalars(select(Job).where(Job.name == DELIVER_WEBHOOK)).all()) == 1
