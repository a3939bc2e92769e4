"""API shapes for public communities and their members."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from senim.community import policy
from senim.models import CommunityStatus, MemberRole


class CommunityCreate(BaseModel):
    slug: str = Field(
        min_length=policy.SLUG_MIN,
        max_length=policy.SLUG_MAX,
        description="The community's address: lowercase Latin letters, digits and dashes.",
        examples=["almaty-cyclists"],
    )
    name: str = Field(min_length=1, max_length=policy.NAME_MAX)
    description: str = Field(default="", max_length=policy.DESCRIPTION_MAX, description="Markdown.")


class CommunityUpdate(BaseModel):
    description: str = Field(max_length=policy.DESCRIPTION_MAX, description="Markdown.")


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    display_name: str
    role: MemberRole
    joined_at: datetime


class CommunityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    slug: str
    name: str
    description: str
    status: CommunityStatus
    created_at: datetime
    member_count: int


class CommunityDetail(CommunityRead):
    moderators: list[MemberRead] = Field(description="The owner first, then the community moderators.")
    my_role: MemberRole | None = Field(description="The caller's role in the community, if a member.")


class CommunityList(BaseModel):
    items: list[CommunityRead]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last.")


class MemberList(BaseModel):
    items: list[MemberRead]
    next_cursor: str | None


class MembershipRead(BaseModel):
    community: str = Field(description="The community's slug.")
    role: MemberRole | None


class ModeratorCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
