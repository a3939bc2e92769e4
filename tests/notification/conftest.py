from __future__ import annotations

from collections.abc import Iterator

import pytest

from senim.config import Settings
from tests.fixtures.notification import SmtpSink, WebhookReceiver, smtp_sink, webhook_receiver


@pytest.fixture
def sink(settings: Settings) -> Iterator[SmtpSink]:
    with smtp_sink() as s:
        settings.smtp_port = s.port
        yield s


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as r:
        yield r
