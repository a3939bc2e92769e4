"""API shapes for integrating platforms: pushed accounts and content items."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from senim.content.schemas import SponsoredMark, SponsoredRead
from senim.models import AccountStatus, ItemKind, ItemStatus
from senim.platform import service


class AccountPush(BaseModel):
    display_name: str = Field(min_length=1, max_length=service.DISPLAY_NAME_MAX)
    date_of_birth: date | None = Field(
        default=None,
        description="Lets Senim apply the protections for minors. Omitted or null keeps the stored value.",
    )
    bio: str | None = Field(
        default=None,
        max_length=service.BIO_MAX,
        description='Omitted or null keeps the stored value; "" clears it.',
    )
    country: str | None = Field(
        default=None,
        max_length=8,
        description="Where the account holder lives, as an ISO 3166 two-letter code (KZ); any case. One of "
        'the ways Senim tells who is in Kazakhstan (LAW-12). Omitted or null keeps the stored value; "" '
        "clears it. Not in the audit log.",
    )
    phone: str | None = Field(
        default=None,
        max_length=32,
        description='The account holder\'s phone in E.164 format ("+77012345678": + and 8 to 15 digits). One '
        'of the ways Senim tells who is in Kazakhstan (LAW-12). Omitted or null keeps the stored value; "" '
        "clears it. Not in the audit log.",
    )
    consent_reference: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        description="The version of your privacy policy the account holder consented to, or your own id of "
        "that consent (LAW-73). Senim records a consent for the account with the terms the Personal Data "
        "Law asks it to state, method integrating_platform; sending the same reference again records "
        "nothing new.",
    )


class AccountRead(BaseModel):
    id: uuid.UUID = Field(description="The account's Senim id.")
    external_id: str
    username: str = Field(
        description="The generated Senim username, p-<platform short id>-<slug of external id>."
    )
    display_name: str
    status: AccountStatus
    is_minor: bool
    created_at: datetime
    updated_at: datetime


class ItemPush(BaseModel):
    author_external_id: str = Field(
        min_length=1, max_length=service.EXTERNAL_ID_MAX, description="The author's account, pushed before."
    )
    kind: ItemKind
    parent_external_id: str | None = Field(
        default=None,
        max_length=service.EXTERNAL_ID_MAX,
        description="For a comment: the item it answers, pushed before. A post has none.",
    )
    body: str = Field(default="", max_length=service.BODY_MAX)
    external_url: str | None = Field(
        default=None,
        max_length=service.URL_MAX,
        description="Where the item is on the platform. Omitted or null keeps the stored value.",
    )
    created_at: datetime | None = Field(
        default=None, description="When the item was created on the platform (UTC if no offset is given)."
    )
    age_sign: Literal["", "6-", "6+", "12+", "14+", "16+", "18+"] | None = Field(
        default=None,
        description="The age sign the author or the platform gave the item (LAW-83). Omitted or null keeps "
        'the stored value; "" clears it. A sign that a moderation decision in force set is a floor: the '
        "item keeps the higher of the two (see `age_sign` in the answer).",
    )
    sponsored: SponsoredMark | None = Field(
        default=None,
        description="The advertising marking the author gave paid content (LAW-65, LAW-66): one of the "
        "wordings the law allows and the sponsor. Omitted keeps the stored marking; null removes it. A "
        "wording the law does not allow is refused (422) and nothing is written.",
    )


class ItemRead(BaseModel):
    id: uuid.UUID = Field(description="The item's Senim id.")
    external_id: str
    kind: ItemKind
    status: ItemStatus
    author_external_id: str
    parent_external_id: str | None
    external_url: str | None
    age_sign: str | None = Field(
        default=None,
        description="The age sign in force (LAW-83): the platform's, raised by moderation where a decision "
        "set a higher one (information forbidden for children is 18+). Show the item only to users of at "
        "least that age; 18+ never to minors.",
    )
    sponsored: SponsoredRead | None = Field(default=None, description="The advertising marking, if any.")
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    decisions: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Moderation decisions about the item, once the moderation domain records them.",
    )
