"""JSON API of the public database of statements of reasons: no personal data, for everyone."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from senim.transparency import statements
from senim.web.auth import DbSession
from senim.web.pages import Public

router = APIRouter(prefix="/api/v1", tags=["transparency"])


class PublicStatementRead(BaseModel):
    """One statement of reasons, without personal data: no username, no id of a person, no text of the
    content; its free text has personal data, links, names and quotes of the content masked."""

    id: uuid.UUID = Field(description="The decision's id (not a person's).")
    decided_on: date = Field(description="The day of the decision (Asia/Almaty).")
    content_type: str = Field(description="post, comment, account or community")
    had_images: bool
    action: str = Field(
        description="remove, geo_restrict, age_restrict, label, demote, require_author_delete, warn or "
        "suspend"
    )
    action_label: str
    ground: str | None = Field(description="law or terms")
    category: str | None = Field(description="The taxonomy category's key, for a ground of law.")
    category_label: str
    legal_basis: str
    terms_clause: str
    ground_text: str = Field(description="The ground as the affected person read it, masked.")
    facts: str = Field(description="The facts and reasons, masked.")
    source: str = Field(description="complaint, own_initiative, detection, order or appeal")
    automated_detection: bool
    automated_decision: str = Field(description="fully, partially or not")
    automated: bool = Field(description="Whether the decision was taken fully or partly by automated means.")
    status: str = Field(description="in_force, or reversed on appeal")


class PublicStatementList(BaseModel):
    items: list[PublicStatementRead]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last.")


@router.get("/transparency/statements", response_model=PublicStatementList)
def list_statements(
    session: DbSession,
    principal: Public,
    category: Annotated[str | None, Query(max_length=64, description="A taxonomy category key.")] = None,
    ground: Annotated[str | None, Query(max_length=8, description="law or terms")] = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
    automated: Annotated[str | None, Query(max_length=5, description="yes or no")] = None,
    content_type: Annotated[
        str | None, Query(max_length=16, description="post, comment, account or community")
    ] = None,
    since: Annotated[
        str | None, Query(alias="from", max_length=10, description="First day, YYYY-MM-DD (Almaty).")
    ] = None,
    until: Annotated[
        str | None, Query(alias="to", max_length=10, description="Last day, YYYY-MM-DD (Almaty).")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=statements.MAX_QUERY, description="Words in the public text.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=statements.MAX_PAGE)] = statements.PAGE,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> PublicStatementList:
    """Statements of reasons of moderation decisions that restricted something, newest first."""
    f = statements.parse_filter(
        {
            "category": category,
            "ground": ground,
            "action": action,
            "automated": automated,
            "content_type": content_type,
            "from": since,
            "to": until,
            "q": q,
        }
    )
    page = statements.search(session, f, cursor=cursor, limit=limit)
    return PublicStatementList(
        items=[PublicStatementRead.model_validate(statements.as_json(r)) for r in page.items],
        next_cursor=page.next_cursor,
    )
