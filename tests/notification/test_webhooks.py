"""The signature scheme: the reference ``sign``/``verify`` that receivers use."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from senim.notification.webhooks import (
    InvalidSignature,
    delivery_headers,
    encode_event,
    parse_header,
    sign,
    verify,
)

SECRET = "whsec_test-secret"
BODY = '{"data":{"title":"Сәлем"},"event":"decision.recorded","id":"e1"}'.encode()
T = 1_800_000_000


def test_signature_is_hmac_sha256_of_timestamp_dot_raw_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY, T) == f"t={T},v1={expected}"


def test_verify_accepts_a_fresh_signature() -> None:
    assert verify(SECRET, BODY, sign(SECRET, BODY, T), now=T + 5, tolerance_seconds=300) == T


def test_verify_accepts_str_body_and_uses_the_settings_window_by_default() -> None:
    assert verify(SECRET, BODY.decode(), sign(SECRET, BODY, T), now=T + 299) == T


@pytest.mark.parametrize(
    ("body", "secret", "now", "reason"),
    [
        (BODY.replace(b"e1", b"e2"), SECRET, T, "does not match"),
        (BODY, "whsec_other", T, "does not match"),
        (BODY, SECRET, T + 301, "replay window"),
        (BODY, SECRET, T - 301, "replay window"),
    ],
    ids=["tampered-body", "wrong-secret", "too-old", "from-the-future"],
)
def test_verify_rejects(body: bytes, secret: str, now: int, reason: str) -> None:
    with pytest.raises(InvalidSignature, match=reason):
        verify(secret, body, sign(SECRET, BODY, T), now=now, tolerance_seconds=300)


@pytest.mark.parametrize("header", ["", "v1=abc", f"t={T}", "t=soon,v1=abc", "garbage"])
def test_malformed_headers_are_rejected(header: str) -> None:
    with pytest.raises(InvalidSignature):
        verify(SECRET, BODY, header, now=T)


def test_any_of_several_v1_signatures_may_match() -> None:
    good = sign(SECRET, BODY, T).split(",")[1]
    header = f"t={T},v1={'0' * 64},{good}"
    assert parse_header(header) == (T, ["0" * 64, good.removeprefix("v1=")])
    assert verify(SECRET, BODY, header, now=T, tolerance_seconds=10) == T


def test_the_timestamp_is_signed_too() -> None:
    header = sign(SECRET, BODY, T).replace(f"t={T}", f"t={T + 10}")
    with pytest.raises(InvalidSignature):
        verify(SECRET, BODY, header, now=T + 10, tolerance_seconds=300)


def test_delivery_headers_and_body() -> None:
    body = encode_event(
        event_id="e1", event="decision.recorded", created_at="2026-11-28T10:00:00Z", data={"a": "ә"}
    )
    assert json.loads(body) == {
        "id": "e1",
        "event": "decision.recorded",
        "created_at": "2026-11-28T10:00:00Z",
        "data": {"a": "ә"},
    }
    assert "ә".encode() in body  # UTF-8, not \u escapes
    headers = delivery_headers(SECRET, body, event="decision.recorded", event_id="e1", timestamp=T)
    assert headers["Content-Type"] == "application/json"
    assert headers["Senim-Event"] == "decision.recorded"
    assert headers["Senim-Event-Id"] == headers["Idempotency-Key"] == "e1"
    assert verify(SECRET, body, headers["Senim-Signature"], now=T) == T


def test_the_snippet_in_the_receiver_docs_verifies_real_signatures() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
    snippet = re.search(r"```python\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    assert snippet, "docs/webhooks.md has no Python snippet"
    namespace: dict[str, Any] = {}
    exec(snippet.group(1), namespace)  # noqa: S102 - our own documentation
    check = namespace["verify_senim_signature"]
    now = int(time.time())
    header = sign(SECRET, BODY, now)
    assert check(SECRET, BODY, header)
    assert not check(SECRET, BODY + b" ", header)
    assert not check("whsec_other", BODY, header)
    assert not check(SECRET, BODY, sign(SECRET, BODY, now - 301))
    assert not check(SECRET, BODY, "garbage")
