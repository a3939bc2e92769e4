"""Who is asking, and may they: every route declares one permission with ``requires(Perm.x)``.

A request is authenticated by an API token (``Authorization: Bearer snm_…``) or by the signed session
cookie. Cookie-authenticated requests that change state must carry the CSRF token (form field
``csrf_token`` or header ``X-CSRF-Token``); visitors' forms (register, log in) use a double-submit
token bound to the ``senim_csrf`` cookie. Bearer requests need no CSRF token (browsers never add
them), nor do JSON bodies (a cross-site page cannot send one without a CORS preflight, and Senim
allows none).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from itsdangerous import BadSignature, Signer
from sqlalchemy.orm import Session

from senim.account.policy import Perm, has_perm
from senim.account.service import account_service
from senim.audit import Actor
from senim.errors import CsrfFailed, NotAuthenticated, PermissionDenied
from senim.kit.secrets import constant_time_equal, new_token
from senim.models import ApiToken, Role, User, UserSession

SESSION_COOKIE = "senim_session"
CSRF_COOKIE = "senim_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """One database session per request; the boundary commits on success and rolls back on error.

    Safe methods read (on SQLite without taking the write lock); the others write.
    """
    with request.app.state.db.transaction(write=request.method not in SAFE_METHODS) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session, scope="function")]


@dataclass
class Principal:
    user: User | None
    session_row: UserSession | None = None
    token: ApiToken | None = None

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user else None

    @property
    def actor(self) -> Actor:
        if self.user is None:
            return Actor.system("anonymous")
        return Actor.of(self.user)

    @property
    def id(self) -> uuid.UUID | None:
        return self.user.id if self.user else None

    def require_user(self) -> User:
        if self.user is None:
            raise NotAuthenticated("Please log in first.")
        return self.user


def session_signer(request: Request) -> Signer:
    return Signer(request.app.state.settings.secret_bytes, salt="senim.session")


def load_principal(request: Request, session: Session) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = Principal(user=None)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        found = account_service.resolve_token(session, auth[7:].strip())
        if found is None:
            raise NotAuthenticated("The API token is invalid, expired or revoked.")
        principal = Principal(user=found[0], token=found[1])
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            try:
                token = session_signer(request).unsign(raw).decode()
            except BadSignature:
                token = None
            resolved = account_service.resolve_session(session, token) if token else None
            if resolved is not None:
                principal = Principal(user=resolved[0], session_row=resolved[1])
    request.state.principal = principal
    return principal


def csrf_token_for(request: Request, principal: Principal) -> str:
    """The token forms must carry: the session's own, or for visitors the double-submit cookie value."""
    if principal.session_row is not None:
        return principal.session_row.csrf_token
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = new_token(nbytes=24)
        request.state.new_csrf = token  # set as a cookie on the response by the middleware
    return token


async def submitted_csrf(request: Request) -> str:
    """The CSRF token a request carries (header, or form field). Reads the body; touches no database."""
    if request.method in SAFE_METHODS:
        return ""
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


def _is_json(request: Request) -> bool:
    # A cross-site page cannot send a JSON body without a CORS preflight, which Senim never allows.
    return request.headers.get("content-type", "").split(";")[0].strip() == "application/json"


class Require:
    """A route's permission. Kept as an object so the route table test can read it off every route."""

    def __init__(self, perm: Perm, scope: str | None = None) -> None:
        self.perm = perm
        self.scope = scope

    # A plain ``def``: FastAPI runs it in the thread pool, so its database work never blocks the event
    # loop (a blocked loop could deadlock with a request holding the SQLite write lock).
    def __call__(
        self, request: Request, csrf: Annotated[str, Depends(submitted_csrf)], session: DbSession
    ) -> Principal:
        principal = load_principal(request, session)
        if principal.user is None and self.perm not in (Perm.public, Perm.anonymous):
            raise NotAuthenticated("Please log in first.")
        if request.method not in SAFE_METHODS and principal.token is None and not _is_json(request):
            expected = csrf_token_for(request, principal)
            if not expected or not constant_time_equal(csrf, expected):
                raise CsrfFailed("The form has expired. Reload the page and try again.")
        if self.perm is Perm.anonymous and principal.user is not None:
            raise PermissionDenied("You are already logged in.")
        if not has_perm(principal.role, self.perm):
            if principal.user is None:
                raise NotAuthenticated("Please log in first.")
            raise PermissionDenied("You do not have permission to do this.")
        if principal.token is not None and self.scope and self.scope not in principal.token.scopes:
            raise PermissionDenied("The API token lacks the scope {scope}.", scope=self.scope)
        return principal


def requires(perm: Perm, scope: str | None = None) -> Require:
    return Require(perm, scope)
