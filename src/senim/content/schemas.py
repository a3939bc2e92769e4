"""API shapes for posts, comments and their images."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from senim.ads import sponsored_policy
from senim.ads.sponsored import marking_of
from senim.content import policy
from senim.content.service import Card, media_url
from senim.models import ContentItem, ItemStatus


class ErrorDetail(BaseModel):
    code: str = Field(description="A stable machine-readable code, e.g. `content_invalid`, `not_author`")
    message: str = Field(description="A human-readable message in the reader's language")
    problems: list[Any] | None = None


class ErrorRead(BaseModel):
    """Every 4xx answer of the API has this shape."""

    error: ErrorDetail


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route may answer with."""
    descriptions = {
        401: "Not signed in",
        403: "Signed in, but not allowed",
        404: "Not found, or not visible to you",
        409: "Conflicts with the current state",
        413: "An upload is too large",
        415: "The request body is neither JSON nor a multipart form",
        422: "The input is invalid; nothing was written",
    }
    return {code: {"model": ErrorRead, "description": descriptions[code]} for code in codes}


class AuthorRead(BaseModel):
    id: uuid.UUID
    username: str
    display_name: str


class CommunityRef(BaseModel):
    id: uuid.UUID
    slug: str
    name: str


class MediaRead(BaseModel):
    id: uuid.UUID
    url: str = Field(description="Served only while the item is visible to the reader")
    content_type: str
    width: int
    height: int
    size_bytes: int
    sha256: str = Field(description="SHA-256 of the stored (re-encoded, metadata-free) file")


# The six age signs of the law (LAW-83), youngest audience first (``senim.content.age.AGE_SIGNS``).
AgeSign = Literal["6-", "6+", "12+", "14+", "16+", "18+"]
AGE_SIGN_HELP = (
    "The age sign (LAW-83): readers younger than it do not see the post, and 18+ is shown only to "
    "signed-in adults. Null or omitted: no sign."
)


SPONSORED_LABEL_HELP = (
    "One of the wordings the law allows (LAW-66), in Kazakh: "
    + ", ".join(f"«{label}»" for label in sponsored_policy.KAZAKH_LABELS)
    + "; or in Russian: "
    + ", ".join(f"«{label}»" for label in sponsored_policy.RUSSIAN_LABELS)
    + ". Case, spacing and ё/е do not matter; it is stored and shown as listed. Anything else: 422."
)


class SponsoredMark(BaseModel):
    """The advertising marking of paid content (LAW-62, LAW-65, LAW-66)."""

    label: str = Field(max_length=200, description=SPONSORED_LABEL_HELP)
    sponsor_name: str = Field(
        max_length=1000,
        description=f"The sponsor (required), up to {sponsored_policy.MAX_SPONSOR_NAME} chars",
    )
    sponsor_bin: str | None = Field(
        default=None, max_length=100, description="The sponsor's BIN: 12 digits with a valid check digit"
    )


class SponsoredRead(BaseModel):
    label: str = Field(description="The marking wording, shown above the item")
    sponsor_name: str
    sponsor_bin: str | None

    @classmethod
    def of(cls, item: ContentItem) -> SponsoredRead | None:
        marking = marking_of(item)
        if marking is None:
            return None
        return cls(label=marking.label, sponsor_name=marking.sponsor_name, sponsor_bin=marking.sponsor_bin)


SPONSORED_CREATE_HELP = "Mark paid content as advertising and name the sponsor; null or omitted: not marked"
SPONSORED_UPDATE_HELP = "The new advertising marking; null removes it; omitted keeps it"


class PostCreate(BaseModel):
    body: str = Field(
        default="",
        max_length=policy.MAX_POST_CHARS + 1000,
        description=f"1 to {policy.MAX_POST_CHARS} characters after trimming; may be empty with images",
    )
    community_id: uuid.UUID | None = Field(
        default=None, description="Post into this community (members only)"
    )
    age_sign: AgeSign | None = Field(default=None, description=AGE_SIGN_HELP)
    sponsored: SponsoredMark | None = Field(default=None, description=SPONSORED_CREATE_HELP)


class PostUpdate(BaseModel):
    body: str = Field(max_length=policy.MAX_POST_CHARS + 1000)
    age_sign: AgeSign | None = Field(
        default=None,
        description="The new age sign; null removes it; omitted keeps it. It cannot go below a sign a "
        "moderation decision in force set.",
    )
    sponsored: SponsoredMark | None = Field(default=None, description=SPONSORED_UPDATE_HELP)


class CommentCreate(BaseModel):
    body: str = Field(
        max_length=policy.MAX_COMMENT_CHARS + 1000,
        description=f"1 to {policy.MAX_COMMENT_CHARS} characters after trimming",
    )
    sponsored: SponsoredMark | None = Field(default=None, description=SPONSORED_CREATE_HELP)


class CommentUpdate(BaseModel):
    body: str = Field(max_length=policy.MAX_COMMENT_CHARS + 1000)
    sponsored: SponsoredMark | None = Field(default=None, description=SPONSORED_UPDATE_HELP)


class PostRead(BaseModel):
    id: uuid.UUID
    author: AuthorRead
    community_id: uuid.UUID | None
    community: CommunityRef | None
    body: str
    status: ItemStatus = Field(description="`hidden` is shown only to the author and staff")
    age_sign: str | None = Field(description="6-, 6+, 12+, 14+, 16+ or 18+ (LAW-83); null: none")
    sponsored: SponsoredRead | None = Field(description="The advertising marking; null: not marked")
    created_at: datetime
    updated_at: datetime
    media: list[MediaRead]
    media_urls: list[str]
    comment_count: int

    @classmethod
    def of(cls, card: Card) -> PostRead:
        item = card.item
        return cls(
            id=item.id,
            author=AuthorRead(
                id=card.author.id, username=card.author.username, display_name=card.author.display_name
            ),
            community_id=item.community_id,
            community=CommunityRef(id=card.community.id, slug=card.community.slug, name=card.community.name)
            if card.community
            else None,
            body=item.body,
            status=ItemStatus(item.status),
            age_sign=item.age_sign,
            sponsored=SponsoredRead.of(item),
            created_at=item.created_at,
            updated_at=item.updated_at,
            media=[
                MediaRead(
                    id=m.id,
                    url=media_url(m),
                    content_type=m.content_type,
                    width=m.width,
                    height=m.height,
                    size_bytes=m.size_bytes,
                    sha256=m.sha256,
                )
                for m in card.media
            ],
            media_urls=card.media_urls,
            comment_count=card.comment_count,
        )


class CommentRead(BaseModel):
    id: uuid.UUID
    post_id: uuid.UUID
    author: AuthorRead
    body: str
    status: ItemStatus
    sponsored: SponsoredRead | None = Field(description="The advertising marking; null: not marked")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, card: Card) -> CommentRead:
        item = card.item
        assert item.parent_id is not None  # noqa: S101 - a comment always has its post
        return cls(
            id=item.id,
            post_id=item.parent_id,
            author=AuthorRead(
                id=card.author.id, username=card.author.username, display_name=card.author.display_name
            ),
            body=item.body,
            status=ItemStatus(item.status),
            sponsored=SponsoredRead.of(item),
            created_at=item.created_at,
            updated_at=item.updated_at,
        )


class CommentPage(BaseModel):
    items: list[CommentRead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class PostPage(BaseModel):
    items: list[PostRead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
