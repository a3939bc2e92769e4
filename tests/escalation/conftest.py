"""A local law-enforcement webhook receiver for the escalation tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fixtures.notification import WebhookReceiver, webhook_receiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as r:
        yield r
