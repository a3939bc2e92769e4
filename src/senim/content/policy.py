"""Pure content rules: how long a text may be, who sees and changes an item. No I/O here."""

from __future__ import annotations

import uuid

from senim.kit.text import clean
from senim.models.content import ItemKind, ItemStatus
from senim.web.i18n import N_

# The job that scans every new or changed text (posts, comments, items pushed by platforms).
DETECTION_SCAN_JOB = "detection.scan"

MAX_POST_CHARS = 10_000
MAX_COMMENT_CHARS = 5_000
MAX_IMAGES_PER_POST = 4

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50

# Statuses a reader may ever see; "removed" (by a decision) and "deleted" (by the author) are gone for all.
GONE = frozenset({ItemStatus.removed, ItemStatus.deleted})
# Age signs and who sees which: ``senim.content.age``.


def normalise_body(body: str) -> str:
    """Line endings as ``\\n``, no control characters, no surrounding blank space: what is stored and
    what is counted."""
    return clean(body.replace("\r\n", "\n").replace("\r", "\n")).strip()


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
    status: ItemStatus,
    *,
    author_id: uuid.UUID,
    viewer_id: uuid.UUID | None,
    viewer_is_staff: bool,
    pushed: bool = False,
) -> bool:
    """Visible items are public; hidden ones only to their author and staff; removed and deleted to no one.

    An item ``pushed`` by an integrating platform is never served on Senim's own site, to anyone: it
    belongs to that platform, which reads it through the platform API.
    """
    if pushed or status in GONE:
        return False
    if status == ItemStatus.visible:
        return True
    return viewer_is_staff or (viewer_id is not None and viewer_id == author_id)


def can_change(
    status: ItemStatus, *, author_id: uuid.UUID, actor_id: uuid.UUID, pushed: bool = False
) -> bool:
    """Only the author edits or deletes their own item, and only while it exists; a pushed item changes
    only through its platform's API."""
    return not pushed and status not in GONE and author_id == actor_id


def clamp_limit(limit: int | None, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    if limit is None:
        return default
    return max(1, min(limit, maximum))
