"""Pure rules for notices and webhook endpoints: which URLs and event names are acceptable. No I/O.

Problems are message ids marked with ``N_`` so the catalogs pick them up; the service raises them.
"""

from __future__ import annotations

import ipaddress
import re
import string
from typing import Any
from urllib.parse import urlsplit

from senim.web.i18n import N_

MAX_URL_LENGTH = 2000
MAX_EVENTS = 50
ALL_EVENTS = "*"
# ``<domain>.<event>`` in lower case, like job names: ``decision.recorded``, ``order.received``.
EVENT_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
MAX_EVENT_LENGTH = 80
MAX_KIND_LENGTH = 255
MAX_LINK_LENGTH = 500
SUBJECT_LENGTH = 120
# Host names that only mean something inside the operator's own network.
PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")
# A host label a resolver may read as a number: decimal, octal (leading 0) or hexadecimal (0x…).
NUMERIC_LABEL_RE = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
# NAT64 (RFC 6052): the last 32 bits are an IPv4 address the gateway connects to.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


def url_problem(url: str, *, production: bool) -> str | None:
    """The message id of what is wrong with a webhook URL, or None.

    Production accepts only https to a public host; development and test also accept http and local
    hosts, so a receiver on 127.0.0.1 can be used while building an integration.
    """
    if len(url) > MAX_URL_LENGTH:
        return N_("The webhook URL is too long.")
    if not url or any(c in string.whitespace or ord(c) < 32 or ord(c) == 127 for c in url):
        return N_("The webhook URL is not a valid address.")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError:
        return N_("The webhook URL is not a valid address.")
    allowed = ("https",) if production else ("https", "http")
    if parts.scheme not in allowed:
        if production:
            return N_("The webhook URL must start with https://.")
        return N_("The webhook URL must start with https:// or http://.")
    if parts.username is not None or parts.password is not None:
        return N_("The webhook URL must not contain a user name or password.")
    if parts.fragment or url.endswith("#"):
        return N_("The webhook URL must not contain a fragment (#).")
    host = parts.hostname or ""
    if not host or port == 0:
        return N_("The webhook URL is not a valid address.")
    if not _host_is_valid(host):
        return N_("The webhook URL is not a valid address.")
    if _looks_numeric(host) and not _is_dotted_quad(host):
        # 127.1, 0x7f.1, 0177.0.0.1, 2130706433: resolvers read these as IPv4 addresses (127.0.0.1),
        # which the checks below would take for names. Only the canonical form is an address here.
        return N_("The webhook URL is not a valid address.")
    if production and _host_is_private(host):
        return N_("The webhook URL must point to a public address.")
    return None


def _host_is_valid(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label) for label in labels)


def _looks_numeric(host: str) -> bool:
    """Made only of digits, dots and ``0x`` hex parts: something a resolver may take for an IPv4 address."""
    name = host.rstrip(".")
    return bool(name) and all(NUMERIC_LABEL_RE.fullmatch(label) for label in name.split("."))


def _is_dotted_quad(host: str) -> bool:
    """Four decimal numbers 0-255 without leading zeros (``ipaddress`` refuses every other form)."""
    try:
        ipaddress.IPv4Address(host.rstrip("."))
    except ValueError:
        return False
    return True


def address_is_public(address: str) -> bool:
    """A literal address that is globally reachable; an IPv6 address embedding an IPv4 one (mapped,
    6to4, NAT64) only if that one is too. Anything that is not an address is not public."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if not ip.is_global:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not embedded.is_global:
            return False
    return True


def _host_is_private(host: str) -> bool:
    """Loopback, private, link-local and similar addresses, and names that only resolve inside a network.

    Only literal addresses and well-known names are checked here, since resolving a name at
    registration proves nothing later: in production every delivery resolves the host again and is
    refused when any address is not public (``webhooks.public_addresses``).
    """
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(PRIVATE_SUFFIXES) or ("." not in name and ":" not in name):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return not address_is_public(name)


def event_is_valid(event: str) -> bool:
    return len(event) <= MAX_EVENT_LENGTH and bool(EVENT_RE.match(event))


def events_problem(events: list[str]) -> tuple[str, dict[str, Any]] | None:
    """The message id (and its parameters) of what is wrong with a subscription list, or None."""
    if not events:
        return N_("Choose at least one event, or * for all events."), {}
    if len(events) > MAX_EVENTS:
        return N_("Too many events: choose at most {n}, or * for all events."), {"n": MAX_EVENTS}
    for event in events:
        if event != ALL_EVENTS and not event_is_valid(event):
            return N_("Not a valid event name: {name}"), {"name": event[:MAX_EVENT_LENGTH]}
    return None


def normalise_events(events: list[str]) -> list[str]:
    """Sorted and without repeats; ``*`` alone when it is present, since it already means everything."""
    unique = sorted({e.strip() for e in events})
    return [ALL_EVENTS] if ALL_EVENTS in unique else unique


def subscribed(events: list[str], event: str) -> bool:
    return ALL_EVENTS in events or event in events


def link_is_valid(link: str) -> bool:
    """Notices link only to pages of this site: a path, never another origin (no phishing through notices)."""
    if len(link) > MAX_LINK_LENGTH or not link.startswith("/") or link.startswith("//"):
        return False
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc and "\\" not in link and link.isprintable()


def shorten(text: str, limit: int = SUBJECT_LENGTH) -> str:
    """One line of at most ``limit`` characters, for an e-mail subject (no header injection by newlines)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
