"""JSON API: registration, sessions, the current user (profile, deleting the account), staff and
principals, API tokens."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from senim.account.documents import DocumentKind, current
from senim.account.errors import LoginFailed, LoginThrottled
from senim.account.policy import Perm
from senim.account.schemas import (
    AccountDelete,
    DocumentRead,
    LoginCreate,
    PasswordChange,
    ProfileRead,
    ProfileUpdate,
    RegistrationCreate,
    TokenCreate,
    TokenIssued,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from senim.account.service import Registration, account_service
from senim.errors import Invalid
from senim.models import ApiToken, User
from senim.web.auth import SESSION_COOKIE, DbSession, Principal, requires, session_signer
from senim.web.i18n import LANGUAGES

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        session_signer(request).sign(token).decode(),
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.mode == "production",
    )


@router.get("/documents/{kind}", response_model=DocumentRead)
def read_document(
    kind: DocumentKind, principal: Annotated[Principal, Depends(requires(Perm.public))], language: str = "kk"
) -> DocumentRead:
    if language not in LANGUAGES:
        raise Invalid("Choose one of the offered languages.")
    doc = current(kind, language)
    return DocumentRead(**{f: getattr(doc, f) for f in DocumentRead.model_fields})


@router.post("/accounts", response_model=UserRead, status_code=201)
def register(
    body: RegistrationCreate,
    request: Request,
    response: Response,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.anonymous))],
) -> User:
    user = account_service.register(session, Registration(**body.model_dump()), request.app.state.settings)
    token, _row = account_service.start_session(session, user)
    set_session_cookie(request, response, token)
    return user


@router.post("/session", response_model=UserRead)
def login(
    body: LoginCreate,
    request: Request,
    response: Response,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.anonymous))],
) -> User:
    try:
        user = account_service.authenticate(
            session, body.username, body.password, client_ip=client_ip(request)
        )
    except (LoginFailed, LoginThrottled):
        session.commit()  # the boundary keeps the failed attempt: the rate limit counts it
        raise
    token, _row = account_service.start_session(session, user)
    set_session_cookie(request, response, token)
    return user


@router.delete("/session", status_code=204, response_class=Response)
def logout(
    session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.signed_in))]
) -> Response:
    if principal.session_row is not None and principal.user is not None:
        account_service.end_session(session, principal.user, principal.session_row)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/me", response_model=UserRead)
def me(principal: Annotated[Principal, Depends(requires(Perm.signed_in))]) -> User:
    return principal.require_user()


@router.patch("/me", response_model=ProfileRead)
def update_profile(
    body: ProfileUpdate,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.participate))],
) -> User:
    user = principal.require_user()
    account_service.update_profile(
        session,
        user,
        user.display_name if body.display_name is None else body.display_name,
        user.bio if body.bio is None else body.bio,
    )
    return user


@router.delete("/me", status_code=204, response_class=Response)
def delete_account(
    body: AccountDelete,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.participate))],
) -> Response:
    """Delete the signed-in account (what happens: ``AccountService.delete_account``)."""
    account_service.delete_account(session, principal.require_user(), body.password)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/me/password", status_code=204, response_class=Response)
def change_password(
    body: PasswordChange,
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.participate))],
) -> Response:
    user = principal.require_user()
    account_service.change_password(session, user, body.current_password, body.new_password)
    # Every session ended with the old password; this client continues in a fresh one.
    token, _row = account_service.start_session(session, user)
    response = Response(status_code=204)
    set_session_cookie(request, response, token)
    return response


@router.get("/users", response_model=list[UserRead])
def list_users(
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.users_manage))],
    limit: int = 100,
) -> list[User]:
    return list(session.scalars(select(User).order_by(User.created_at.desc()).limit(min(max(limit, 1), 500))))


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(
    body: UserCreate,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.users_manage))],
) -> User:
    return account_service.create_user(session, principal.actor, **body.model_dump())


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(
    user_id: uuid.UUID,
    body: UserUpdate,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.users_manage))],
) -> User:
    user = account_service.get(session, user_id)
    if body.role is not None:
        account_service.set_role(session, principal.actor, user, body.role)
    if body.status is not None:
        account_service.set_status(session, principal.actor, user, body.status)
    return user


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(
    session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.tokens_manage))]
) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))


@router.post("/tokens", response_model=TokenIssued, status_code=201)
def issue_token(
    body: TokenCreate,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.tokens_manage))],
) -> TokenIssued:
    target = account_service.get(session, body.principal_id)
    issued = account_service.issue_token(
        session, principal.actor, target, name=body.name, scopes=body.scopes, expires_at=body.expires_at
    )
    return TokenIssued(token=issued.token, **TokenRead.model_validate(issued.row).model_dump())


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(
    token_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.tokens_manage))],
) -> ApiToken:
    return account_service.revoke_token(session, principal.actor, token_id)
