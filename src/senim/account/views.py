"""HTML pages: registration with the documents, log in and out, language, account settings, documents."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.api import client_ip, set_session_cookie
from senim.account.documents import REQUIRED_AT_REGISTRATION, DocumentKind, current
from senim.account.policy import MIN_PASSWORD_LENGTH, Perm
from senim.account.service import Registration, account_service
from senim.errors import AppError
from senim.web import i18n
from senim.web.auth import SESSION_COOKIE, DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect, safe_next
from senim.web.i18n import N_
from senim.web.middleware import LANG_COOKIE
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

WELCOME = flash_message("welcome", N_("Welcome to Senim. Your account is ready."))
LOGGED_IN = flash_message("logged_in", N_("You are logged in."))
LOGGED_OUT = flash_message("logged_out", N_("You are logged out."))
PASSWORD_CHANGED = flash_message(
    "password_changed", N_("Your password is changed. Other sessions were logged out.")
)
LANGUAGE_SAVED = flash_message("language_saved", N_("The interface language is saved."))
DOCUMENTS_ACCEPTED = flash_message("documents_accepted", N_("Thank you. The new version is accepted."))


def _documents(language: str) -> list[object]:
    return [current(kind, language) for kind in REQUIRED_AT_REGISTRATION]


def _register_page(
    request: Request,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "account/register.html",
        {
            "documents": _documents(i18n.locale_var.get()),
            "problems": problems or [],
            "values": values or {},
            "min_password": MIN_PASSWORD_LENGTH,
        },
        status_code=status,
    )


@router.get("/register")
def register_page(
    request: Request, principal: Annotated[Principal, Depends(requires(Perm.anonymous))]
) -> Response:
    return _register_page(request)


@router.post("/register")
def register_submit(
    request: Request,
    form: Form,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.anonymous))],
) -> Response:
    data = fields(form)
    language = i18n.locale_var.get()
    accepted = {kind: data.get(f"accept_{kind}", "") for kind in REQUIRED_AT_REGISTRATION}
    keep = {k: data.get(k, "") for k in ("username", "display_name", "email", "date_of_birth")}
    try:
        birth = date.fromisoformat(data.get("date_of_birth", ""))
    except ValueError:
        return _register_page(request, [i18n.gettext("Enter a real date of birth.")], keep, status=422)
    registration = Registration(
        username=data.get("username", ""),
        display_name=data.get("display_name", ""),
        email=data.get("email") or None,
        password=data.get("password", ""),
        date_of_birth=birth,
        language=language,
        accepted={k: v for k, v in accepted.items() if v},
    )
    try:
        with session.begin_nested():
            user = account_service.register(session, registration)
    except AppError as exc:
        problems = exc.params.get("fields") or [exc.message]
        return _register_page(
            request, [i18n.gettext(p, n=MIN_PASSWORD_LENGTH) for p in problems], keep, status=exc.status_code
        )
    token, _row = account_service.start_session(session, user)
    response = redirect("/", WELCOME)
    set_session_cookie(request, response, token)
    return response


@router.get("/login")
def login_page(
    request: Request, principal: Annotated[Principal, Depends(requires(Perm.anonymous))]
) -> Response:
    return render(request, "account/login.html", {"next": safe_next(request.query_params.get("next"))})


@router.post("/login")
def login_submit(
    request: Request,
    form: Form,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.anonymous))],
) -> Response:
    data = fields(form)
    try:
        user = account_service.authenticate(
            session, data.get("username", ""), data.get("password", ""), client_ip=client_ip(request)
        )
    except AppError as exc:
        # The failed attempt is recorded (rate limiting), so this response commits.
        return render(
            request,
            "account/login.html",
            {
                "problems": [i18n.gettext(exc.message)],
                "next": safe_next(data.get("next")),
                "username": data.get("username", ""),
            },
            status_code=exc.status_code,
        )
    token, _row = account_service.start_session(session, user)
    response = redirect(safe_next(data.get("next")), LOGGED_IN)
    set_session_cookie(request, response, token)
    response.set_cookie(LANG_COOKIE, user.language, max_age=365 * 86400, samesite="lax")
    return response


@router.post("/logout")
def logout(
    session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.signed_in))]
) -> Response:
    if principal.session_row is not None and principal.user is not None:
        account_service.end_session(session, principal.user, principal.session_row)
    response = redirect("/", LOGGED_OUT)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
def set_language(
    request: Request,
    form: Form,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.public))],
) -> Response:
    data = fields(form)
    language = data.get("language", "")
    if language not in i18n.LANGUAGES:
        language = i18n.default_language()
    if principal.user is not None:
        account_service.set_language(session, principal.user, language)
    i18n.locale_var.set(language)
    response = redirect(safe_next(data.get("next")), LANGUAGE_SAVED)
    response.set_cookie(LANG_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/documents/{kind}")
def document_page(
    kind: DocumentKind, request: Request, principal: Annotated[Principal, Depends(requires(Perm.public))]
) -> Response:
    return render(request, "account/document.html", {"doc": current(kind, i18n.locale_var.get())})


@router.get("/account")
def account_page(
    request: Request, session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.signed_in))]
) -> Response:
    user = principal.require_user()
    pending = account_service.pending_documents(session, user)
    return render(
        request,
        "account/settings.html",
        {"pending": [current(k, user.language) for k in pending], "min_password": MIN_PASSWORD_LENGTH},
    )


@router.post("/account/password")
def change_password(
    request: Request,
    form: Form,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.participate))],
) -> Response:
    data = fields(form)
    user = principal.require_user()
    try:
        with session.begin_nested():
            account_service.change_password(
                session, user, data.get("current_password", ""), data.get("new_password", "")
            )
    except AppError as exc:
        return render(
            request,
            "account/settings.html",
            {
                "problems": [i18n.gettext(exc.message, n=MIN_PASSWORD_LENGTH)],
                "pending": [],
                "min_password": MIN_PASSWORD_LENGTH,
            },
            status_code=exc.status_code,
        )
    # This session stays: change_password ended every session, so start a fresh one for this browser.
    token, _row = account_service.start_session(session, user)
    response = redirect("/account", PASSWORD_CHANGED)
    set_session_cookie(request, response, token)
    return response


@router.post("/account/documents")
def accept_documents(
    request: Request,
    form: Form,
    session: DbSession,
    principal: Annotated[Principal, Depends(requires(Perm.signed_in))],
) -> Response:
    data = fields(form)
    accepted = {
        kind.value: data[f"accept_{kind}"] for kind in REQUIRED_AT_REGISTRATION if data.get(f"accept_{kind}")
    }
    account_service.accept_documents(session, principal.require_user(), accepted)
    return redirect("/account", DOCUMENTS_ACCEPTED)
