"""API shapes for feeds and hidden items."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from senim.content.schemas import PostPage, PostRead
from senim.content.service import Page
from senim.feed.service import HiddenEntry
from senim.models import HiddenItem, HiddenKind


class FeedPage(PostPage):
    """A page of a feed: visible posts, newest first, without what the reader hid. No profiling."""

    @classmethod
    def of(cls, page: Page) -> FeedPage:
        return cls(items=[PostRead.of(c) for c in page.items], next_cursor=page.next_cursor)


class HiddenCreate(BaseModel):
    target_type: HiddenKind = Field(description="`post`: this post; `author`/`community`: all their posts")
    target_id: uuid.UUID


class HiddenRead(BaseModel):
    target_type: HiddenKind
    target_id: uuid.UUID
    created_at: datetime
    label: str | None = Field(
        default=None,
        description="The author's or community's name, or the post's first words; null when gone",
    )
    path: str | None = Field(default=None, description="The page of what is hidden; null when it is gone")

    @classmethod
    def of_row(cls, row: HiddenItem) -> HiddenRead:
        return cls(
            target_type=HiddenKind(row.target_type), target_id=row.target_id, created_at=row.created_at
        )

    @classmethod
    def of_entry(cls, entry: HiddenEntry) -> HiddenRead:
        return cls(
            target_type=entry.target_type,
            target_id=entry.target_id,
            created_at=entry.created_at,
            label=entry.label,
            path=entry.path,
        )
