"""The signature scheme (the reference ``sign``/``verify`` that receivers use) and the production POST."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from senim.notification import policy
from senim.notification.errors import DeliveryFailed
from senim.notification.webhooks import (
    DestinationRefused,
    InvalidSignature,
    delivery_headers,
    encode_event,
    parse_header,
    post,
    public_addresses,
    sign,
    verify,
)
from tests.fixtures.notification import WebhookReceiver

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


# --- delivery-time destination check (production) --------------------------------------------------
_real_getaddrinfo = socket.getaddrinfo


def _resolver(names: dict[str, list[str]]) -> Callable[..., list[Any]]:
    """A getaddrinfo that answers ``names`` from the table and everything else (literals) as usual."""

    def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in names:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, int(port), 0, 0) if ":" in a else (a, int(port)),
            )
            for a in names[host]
        ]

    return fake


@pytest.mark.parametrize(
    "addresses",
    [
        ["10.0.0.7"],
        ["93.184.216.34", "127.0.0.1"],
        ["::1"],
        ["2606:2800:220:1::1", "fd00::7"],
        ["169.254.169.254"],
    ],
)
def test_a_host_resolving_to_any_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch, addresses: list[str]
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _resolver({"hooks.example.kz": addresses}))
    with pytest.raises(DestinationRefused, match=r"hooks\.example\.kz resolves to .* not a public address"):
        public_addresses("hooks.example.kz", 443)


def test_a_host_resolving_to_public_addresses_only_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        _resolver({"hooks.example.kz": ["93.184.216.34", "2606:2800:220:1::1", "93.184.216.34"]}),
    )
    assert public_addresses("hooks.example.kz", 443) == ["93.184.216.34", "2606:2800:220:1::1"]


def test_production_delivery_to_a_private_address_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, receiver: WebhookReceiver
) -> None:
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    monkeypatch.setattr(socket, "getaddrinfo", _resolver({"receiver.invalid": ["127.0.0.1"]}))
    url = f"http://receiver.invalid:{port}/hook"

    with pytest.raises(DestinationRefused, match=r"127\.0\.0\.1, which is not a public address"):
        post(url, b"{}", {}, timeout=5, public_only=True)
    assert receiver.requests == []


def test_production_delivery_connects_to_the_address_it_checked(
    monkeypatch: pytest.MonkeyPatch, receiver: WebhookReceiver
) -> None:
    """No second lookup between the check and the connection (DNS rebinding): the checked address is used."""
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    answers = iter([["127.0.0.1"]])  # a second lookup of the name would find nothing
    first_only = _resolver({"receiver.invalid": ["127.0.0.1"]})

    def rebinding(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        if host == "receiver.invalid" and next(answers, None) is None:
            raise socket.gaierror(socket.EAI_NONAME, "looked up twice")
        return first_only(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(policy, "address_is_public", lambda address: address == "127.0.0.1")

    assert post(f"http://receiver.invalid:{port}/hook", b"{}", {}, timeout=5, public_only=True) == 200
    [req] = receiver.requests
    assert req.headers["host"] == f"receiver.invalid:{port}"


def test_production_delivery_to_an_unknown_name_fails_as_a_connection_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_such_name(*_args: Any, **_kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    with pytest.raises(DeliveryFailed, match=r"ConnectError: cannot resolve receiver\.invalid"):
        post("https://receiver.invalid/hook", b"{}", {}, timeout=5, public_only=True)
