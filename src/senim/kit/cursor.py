"""Opaque keyset page cursors: the position ``(time, id)`` of the last row of a page.

A list ordered by ``(time, id)`` (either direction) continues strictly after that position, so pages
stay stable while rows are added. The token is URL-safe base64 of ``<ISO time>|<uuid>``: opaque to
clients, but not secret and not signed; a forged token only moves the reader to another position.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime

from senim.errors import Invalid
from senim.kit.clock import as_utc


@dataclass(frozen=True)
class Keyset:
    """The last row of a page: the next page starts strictly after ``(at, id)`` in the list order."""

    at: datetime
    id: uuid.UUID


class CursorInvalid(Invalid):
    """A page link that was not made by ``encode`` (422, code ``invalid``)."""


def _invalid() -> CursorInvalid:
    return CursorInvalid("This page link is not valid. Start again from the first page.")


def encode(at: datetime, row_id: uuid.UUID) -> str:
    """The cursor for the row at ``(at, row_id)``; a naive ``at`` is taken to be UTC."""
    raw = f"{as_utc(at).isoformat()}|{row_id.hex}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str) -> Keyset:
    """Read a cursor made by ``encode``; anything else raises ``CursorInvalid``."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        stamp, sep, hex_id = raw.partition("|")
        at = datetime.fromisoformat(stamp)
        row_id = uuid.UUID(hex=hex_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _invalid() from exc
    if not sep or at.tzinfo is None:
        raise _invalid()
    return Keyset(at=as_utc(at), id=row_id)


def decode_optional(token: str | None) -> Keyset | None:
    """``decode`` for a query parameter: no cursor (None or empty) is the first page."""
    return decode(token) if token else None
