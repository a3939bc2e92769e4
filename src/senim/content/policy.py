"""Pure content rules: how long a text may be, who sees and changes an item, page cursors. No I/O here."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime

from senim.models.content import ItemKind, ItemStatus
from senim.web.i18n import N_

MAX_POST_CHARS = 10_000
MAX_COMMENT_CHARS = 5_000
MAX_IMAGES_PER_POST = 4

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50

# Statuses a reader may ever see; "removed" (by a decision) and "deleted" (by the author) are gone for all.
GONE = frozenset({ItemStatus.removed, ItemStatus.deleted})


def normalise_body(body: str) -> str:
    """Line endings as ``\\n`` and no surrounding blank space: what is stored and what is counted."""
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def body_problem(kind: ItemKind, body: str, *, image_count: int = 0) -> str | None:
    """The message id of what is wrong with a normalised body, or None.

    A post may be image-only (an empty text with at least one image); a comment always has text.
    """
    limit = MAX_POST_CHARS if kind == ItemKind.post else MAX_COMMENT_CHARS
    if len(body) > limit:
        return N_("The text is too long: at most {limit} characters.")
    if not body and not (kind == ItemKind.post and image_count > 0):
        return (
            N_("Write some text.") if kind == ItemKind.comment else N_("Write some text or attach an image.")
        )
    return None


def body_limit(kind: ItemKind) -> int:
    return MAX_POST_CHARS if kind == ItemKind.post else MAX_COMMENT_CHARS


def can_view(
    status: ItemStatus, *, author_id: uuid.UUID, viewer_id: uuid.UUID | None, viewer_is_staff: bool
) -> bool:
    """Visible items are public; hidden ones only to their author and staff; removed and deleted to no one."""
    if status in GONE:
        return False
    if status == ItemStatus.visible:
        return True
    return viewer_is_staff or (viewer_id is not None and viewer_id == author_id)


def can_change(status: ItemStatus, *, author_id: uuid.UUID, actor_id: uuid.UUID) -> bool:
    """Only the author edits or deletes their own item, and only while it exists."""
    return status not in GONE and author_id == actor_id


def clamp_limit(limit: int | None, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    if limit is None:
        return default
    return max(1, min(limit, maximum))


# --- keyset page cursors -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """The last item of a page: the next page starts strictly after (created_at, id) in the list order."""

    created_at: datetime
    id: uuid.UUID


class CursorInvalid(ValueError):
    pass


def encode_cursor(created_at: datetime, item_id: uuid.UUID) -> str:
    raw = f"{created_at.isoformat()}|{item_id.hex}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> Cursor:
    """Read a cursor made by ``encode_cursor``; anything else raises ``CursorInvalid``."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        stamp, _, hex_id = raw.partition("|")
        created_at = datetime.fromisoformat(stamp)
        item_id = uuid.UUID(hex=hex_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise CursorInvalid(token) from exc
    if created_at.tzinfo is None:
        raise CursorInvalid(token)
    return Cursor(created_at=created_at, id=item_id)
