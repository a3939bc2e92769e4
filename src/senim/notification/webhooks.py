"""Signed webhooks: the payload format, the signature scheme (reference implementation) and the POST.

Every delivery carries::

    Senim-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of f"{t}.{raw_body}" with the endpoint secret>
    Senim-Event: <event name>
    Senim-Event-Id: <event id>
    Idempotency-Key: <event id>
    Content-Type: application/json

``sign`` and ``verify`` are what a receiver needs (docs/webhooks.md); they use only the standard library
apart from the default replay window, which comes from the settings.

In production ``post`` connects only to public addresses: it resolves the host itself, refuses the
delivery (``DestinationRefused``) when any address is not public, and connects to an address it checked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

import httpcore
import httpx

from senim.notification import policy
from senim.notification.errors import DeliveryFailed

SIGNATURE_HEADER = "Senim-Signature"
EVENT_HEADER = "Senim-Event"
EVENT_ID_HEADER = "Senim-Event-Id"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SCHEME = "v1"
USER_AGENT = "Senim-Webhooks/1"


class InvalidSignature(ValueError):
    """The ``Senim-Signature`` header does not prove the body came from Senim just now."""


def _bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def signature(secret: str, body: bytes | str, timestamp: int) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed with the endpoint secret."""
    message = f"{int(timestamp)}.".encode() + _bytes(body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes | str, timestamp: int) -> str:
    """The ``Senim-Signature`` header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    return f"t={int(timestamp)},{SCHEME}={signature(secret, body, timestamp)}"


def parse_header(header: str) -> tuple[int, list[str]]:
    """``(timestamp, [v1 signatures])``; several ``v1`` values may appear, any one of them may match."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError as exc:
                raise InvalidSignature("the timestamp is not a number") from exc
        elif key == SCHEME:
            signatures.append(value.strip())
    if timestamp is None:
        raise InvalidSignature("the header has no timestamp (t=)")
    if not signatures:
        raise InvalidSignature(f"the header has no {SCHEME} signature")
    return timestamp, signatures


def _seconds(now: datetime | float) -> float:
    return now.timestamp() if isinstance(now, datetime) else float(now)


def verify(
    secret: str,
    body: bytes | str,
    header: str,
    *,
    now: datetime | float,
    tolerance_seconds: int | None = None,
) -> int:
    """Check a received ``Senim-Signature`` header against the raw body; return its timestamp.

    Raises ``InvalidSignature`` when no signature matches (constant-time comparison) or when the
    timestamp is further than ``tolerance_seconds`` from ``now`` in either direction (a replayed old
    delivery, or a clock far ahead). The default window is ``settings.webhook_replay_window_seconds``.
    """
    if tolerance_seconds is None:
        from senim.config import get_settings

        tolerance_seconds = get_settings().webhook_replay_window_seconds
    timestamp, candidates = parse_header(header)
    if abs(_seconds(now) - timestamp) > tolerance_seconds:
        raise InvalidSignature("the timestamp is outside the replay window")
    expected = signature(secret, body, timestamp)
    matched = False
    for candidate in candidates:
        # Compare every candidate, so the time taken does not depend on which one matched.
        matched |= hmac.compare_digest(candidate.encode(), expected.encode())
    if not matched:
        raise InvalidSignature("the signature does not match the body")
    return timestamp


def encode_event(*, event_id: str, event: str, created_at: str, data: dict[str, Any]) -> bytes:
    """The JSON body of a delivery; the same bytes on every attempt of one event."""
    envelope = {"id": event_id, "event": event, "created_at": created_at, "data": data}
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def delivery_headers(
    secret: str, body: bytes, *, event: str, event_id: str, timestamp: int
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(secret, body, timestamp),
        EVENT_HEADER: event,
        EVENT_ID_HEADER: event_id,
        IDEMPOTENCY_HEADER: event_id,
    }


class DestinationRefused(DeliveryFailed):
    """The receiver's host resolves to an address that is not public (production only).

    The attempt fails like any other delivery failure (retried with backoff, then dead), with the reason
    in the job's ``last_error``; nothing is sent.
    """


def public_addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order, if every one of them is public.

    Raises ``DestinationRefused`` when any address is not global (loopback, private, link-local,
    shared, reserved…): a name that resolves to an inside address, even among public ones, is not a
    place to send to. Resolution errors are ``OSError`` (``socket.gaierror``).
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise socket.gaierror(f"{host} has no address")
    for address in addresses:
        if not policy.address_is_public(address):
            raise DestinationRefused(
                f"webhook destination refused: {host} resolves to {address}, which is not a public address"
            )
    return addresses


class PublicOnlyBackend(httpcore.SyncBackend):
    """Connects only to public addresses: resolves the host itself, checks every address, and connects
    to a checked one, so the name cannot resolve elsewhere between the check and the connection."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = public_addresses(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        failure: httpcore.ConnectError | httpcore.ConnectTimeout = httpcore.ConnectError(
            f"{host} has no address"
        )
        for address in addresses:  # never empty
            try:
                return super().connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure


def _public_only_transport() -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        # Fail closed: without the check, production would send to whatever the name resolves to.
        raise RuntimeError("cannot restrict webhook connections to public addresses with this httpx")
    pool._network_backend = PublicOnlyBackend()
    return transport


@lru_cache(maxsize=8)
def _client(timeout: float, public_only: bool = False) -> httpx.Client:
    """One pooled client per timeout and mode, shared by the worker's threads (building one loads the CA
    store). A ``public_only`` client connects only to public addresses and ignores proxy variables
    (the proxy, not Senim, would choose the address)."""
    if public_only:
        return httpx.Client(timeout=timeout, follow_redirects=False, transport=_public_only_transport())
    return httpx.Client(timeout=timeout, follow_redirects=False)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, public_only: bool = False) -> int:
    """POST one delivery and return the status; anything but a 2xx raises ``DeliveryFailed``.

    Redirects are not followed (a receiver that moved updates its URL); the response body is not read.
    With ``public_only`` (production) the host is resolved and the delivery refused with
    ``DestinationRefused`` when any address it resolves to is not public.
    """
    try:
        with _client(timeout, public_only).stream("POST", url, content=body, headers=headers) as response:
            status = response.status_code
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"webhook delivery failed: {type(exc).__name__}: {exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryFailed(f"webhook receiver answered HTTP {status}")
    return status
