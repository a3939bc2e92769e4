"""JSON API: the signed-in user's notices, and webhook endpoints of external principals (administrators)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from senim.account.policy import Perm
from senim.account.service import account_service
from senim.models import Notification, WebhookEndpoint
from senim.notification.schemas import (
    NotificationRead,
    NotificationsMarked,
    WebhookCreate,
    WebhookIssued,
    WebhookRead,
)
from senim.notification.service import notification_service, render_notice
from senim.web.auth import DbSession, Principal, requires

router = APIRouter(prefix="/api/v1")


def _read(note: Notification) -> NotificationRead:
    return NotificationRead(
        id=note.id,
        kind=note.kind,
        params=note.params,
        text=render_notice(note.kind, note.params),
        link=note.link,
        created_at=note.created_at,
        read_at=note.read_at,
    )


def _issued(endpoint: WebhookEndpoint, secret: str) -> WebhookIssued:
    return WebhookIssued(secret=secret, **WebhookRead.model_validate(endpoint).model_dump())


@router.get("/notifications", response_model=list[NotificationRead], tags=["notifications"])
def list_notifications(
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.signed_in))],
    unread_only: bool = False,
    limit: int = 50,
) -> list[NotificationRead]:
    notes = notification_service.list_for(
        session, principal.require_user(), unread_only=unread_only, limit=limit
    )
    return [_read(n) for n in notes]


@router.post("/notifications/read-all", response_model=NotificationsMarked, tags=["notifications"])
def mark_all_notifications_read(
    session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.signed_in))]
) -> NotificationsMarked:
    return NotificationsMarked(marked=notification_service.mark_all_read(session, principal.require_user()))


@router.post("/notifications/{notification_id}/read", response_model=NotificationRead, tags=["notifications"])
def mark_notification_read(
    notification_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.signed_in))],
) -> NotificationRead:
    return _read(notification_service.mark_read(session, principal.require_user(), notification_id))


@router.get("/webhooks", response_model=list[WebhookRead], tags=["webhooks"])
def list_webhooks(
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.tokens_manage))],
    principal_id: uuid.UUID | None = None,
) -> list[WebhookEndpoint]:
    return notification_service.list_endpoints(session, principal_id)


@router.post("/webhooks", response_model=WebhookIssued, status_code=201, tags=["webhooks"])
def add_webhook(
    body: WebhookCreate,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.tokens_manage))],
) -> WebhookIssued:
    owner = account_service.get(session, body.principal_id)
    endpoint, secret = notification_service.add_endpoint(
        session, principal.actor, owner, body.url, body.events
    )
    return _issued(endpoint, secret)


@router.post("/webhooks/{endpoint_id}/disable", response_model=WebhookRead, tags=["webhooks"])
def disable_webhook(
    endpoint_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.tokens_manage))],
) -> WebhookEndpoint:
    return notification_service.disable_endpoint(session, principal.actor, endpoint_id)


@router.post("/webhooks/{endpoint_id}/rotate", response_model=WebhookIssued, tags=["webhooks"])
def rotate_webhook_secret(
    endpoint_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.tokens_manage))],
) -> WebhookIssued:
    endpoint, secret = notification_service.rotate_secret(session, principal.actor, endpoint_id)
    return _issued(endpoint, secret)
