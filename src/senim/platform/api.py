"""JSON API for integrating platforms: push accounts and content items with an API token.

A platform's token belongs to its ``integrating_platform`` principal. Pushing needs the scope
``platform:push``; reading needs ``platform:read`` or ``platform:push``. Upserts answer 201 when they
create the record and 200 otherwise.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from senim.account.policy import Perm
from senim.ads.sponsored import sponsored_service
from senim.content.schemas import SponsoredRead
from senim.errors import PermissionDenied
from senim.models import User
from senim.platform import service as svc
from senim.platform.schemas import AccountPush, AccountRead, ItemPush, ItemRead
from senim.platform.service import ItemView, platform_service
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1/platform", tags=["integrating platforms"])

PUSH_SCOPE = "platform:push"
READ_SCOPES = frozenset({"platform:read", "platform:push"})
ExternalId = Annotated[str, Path(min_length=1, max_length=svc.EXTERNAL_ID_MAX)]
UPSERT_RESPONSES: dict[int | str, dict[str, str]] = {
    200: {"description": "The record existed; it is updated (or was already the same)."},
    201: {"description": "The record is created."},
}


def _require_read_scope(principal: Principal) -> User:
    """Reading accepts either scope: a pushing token may always read back what it pushed."""
    if principal.token is not None and not READ_SCOPES & set(principal.token.scopes):
        raise PermissionDenied("The API token lacks the scope {scope}.", scope="platform:read")
    return principal.require_user()


def _account(user: User) -> AccountRead:
    return AccountRead(
        id=user.id,
        external_id=user.external_id or "",
        username=user.username,
        display_name=user.display_name,
        status=user.status,
        is_minor=user.is_minor,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


def _item_push(body: ItemPush) -> svc.ItemPush:
    """The push, its advertising marking checked first (422, nothing written)."""
    mark = body.sponsored
    marking = sponsored_service.parse(mark.label, mark.sponsor_name, mark.sponsor_bin) if mark else None
    return svc.ItemPush(
        **body.model_dump(exclude={"sponsored"}),
        sponsored=marking,
        set_sponsored="sponsored" in body.model_fields_set,
    )


def _item(view: ItemView) -> ItemRead:
    item = view.item
    return ItemRead(
        id=item.id,
        external_id=item.external_id or "",
        kind=item.kind,
        status=item.status,
        author_external_id=view.author_external_id,
        parent_external_id=view.parent_external_id,
        external_url=item.external_url,
        age_sign=item.age_sign,
        sponsored=SponsoredRead.of(item),
        created_at=item.created_at,
        updated_at=item.updated_at,
        deleted_at=item.deleted_at,
    )


@router.put("/accounts/{external_id}", response_model=AccountRead, responses=UPSERT_RESPONSES)
def push_account(
    external_id: ExternalId,
    body: AccountPush,
    request: Request,
    response: Response,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.platform_push, scope=PUSH_SCOPE))],
) -> AccountRead:
    pushed = platform_service.push_account(
        session,
        principal.require_user(),
        external_id,
        svc.AccountPush(**body.model_dump()),
        settings=request.app.state.settings,
    )
    response.status_code = 201 if pushed.created else 200
    return _account(pushed.record)


@router.get("/accounts/{external_id}", response_model=AccountRead)
def read_account(
    external_id: ExternalId,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.platform_push))],
) -> AccountRead:
    return _account(platform_service.get_account(session, _require_read_scope(principal), external_id))


@router.put("/items/{external_id}", response_model=ItemRead, responses=UPSERT_RESPONSES)
def push_item(
    external_id: ExternalId,
    body: ItemPush,
    response: Response,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.platform_push, scope=PUSH_SCOPE))],
) -> ItemRead:
    pushed = platform_service.push_item(session, principal.require_user(), external_id, _item_push(body))
    response.status_code = 201 if pushed.created else 200
    return _item(pushed.record)


@router.get("/items/by-id/{item_id}", response_model=ItemRead)
def read_item_by_id(
    item_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.platform_push))],
) -> ItemRead:
    return _item(platform_service.get_item_by_id(session, _require_read_scope(principal), item_id))


@router.get("/items/{external_id}", response_model=ItemRead)
def read_item(
    external_id: ExternalId,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.platform_push))],
) -> ItemRead:
    return _item(platform_service.get_item(session, _require_read_scope(principal), external_id))


@router.delete("/items/{external_id}", response_model=ItemRead)
def delete_item(
    external_id: ExternalId,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.platform_push, scope=PUSH_SCOPE))],
) -> ItemRead:
    return _item(platform_service.delete_item(session, principal.require_user(), external_id))
