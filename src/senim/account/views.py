"""HTML pages: registration with the documents, log in and out, language, account settings, documents,
and leaving Senim (delete my account)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from senim.account.api import client_ip, set_session_cookie
from senim.account.documents import REQUIRED_AT_REGISTRATION, DocumentKind, current
from senim.account.policy import MIN_PASSWORD_LENGTH, Perm
from senim.account.service import MAX_BIO_CHARS, MAX_DISPLAY_NAME_CHARS, Registration, account_service
from senim.errors import AppError
from senim.models import User
from senim.privacy.policy import consent_statement
from senim.privacy.service import privacy_service
from senim.web import i18n
from senim.web.auth import SESSION_COOKIE, DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect, safe_next
from senim.web.i18n import N_
from senim.web.middleware import LANG_COOKIE
from senim.web.pages import Participant, can_participate, form_problems
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
PROFILE_SAVED = flash_message("profile_saved", N_("Your profile is saved."))
ACCOUNT_DELETED = flash_message(
    "account_deleted", N_("Your account is deleted and you are logged out. Your posts and comments are gone.")
)
ACCOUNT_DELETED_KEPT = flash_message(
    "account_deleted_kept",
    N_(
        "Your account is deleted and you are logged out. Your posts and comments are gone, except those kept "
        "as evidence under a legal hold, which the law obliges us to keep until the hold ends."
    ),
)

# The names of the documents in lists, by kind (their full titles are in the documents themselves).
DOCUMENT_NAMES = {
    DocumentKind.user_agreement: N_("User agreement"),
    DocumentKind.privacy_policy: N_("Privacy policy"),
}


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
            "min_age": request.app.state.settings.min_registration_age,
            "consent": consent_statement(privacy_service.consent_terms(request.app.state.settings)),
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
            user = account_service.register(session, registration, request.app.state.settings)
    except AppError as exc:
        return _register_page(request, form_problems(exc), keep, status=exc.status_code)
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


def _account_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    section: str | None = None,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """Account settings; a refused form comes back inside its own ``section`` with its ``problems``."""
    user = principal.require_user()
    pending = account_service.pending_documents(session, user)
    context: dict[str, Any] = {
        "pending": [current(k, user.language) for k in pending],
        "pending_documents": pending,
        "acceptances": account_service.acceptances(session, user),
        "document_names": DOCUMENT_NAMES,
        "can_participate": can_participate(principal),
        "min_password": MIN_PASSWORD_LENGTH,
        "max_display_name": MAX_DISPLAY_NAME_CHARS,
        "max_bio": MAX_BIO_CHARS,
        "section": section,
        "problems": problems or [],
        "values": values or {"display_name": user.display_name, "bio": user.bio},
    }
    return render(request, "account/settings.html", context, status_code=status)


@router.get("/account")
def account_page(
    request: Request, session: DbSession, principal: Annotated[Principal, Depends(requires(Perm.signed_in))]
) -> Response:
    return _account_page(request, session, principal)


@router.post("/account/profile")
def update_profile(request: Request, form: Form, session: DbSession, principal: Participant) -> Response:
    data = fields(form)
    values = {"display_name": data.get("display_name", ""), "bio": data.get("bio", "")}
    try:
        with session.begin_nested():
            account_service.update_profile(
                session, principal.require_user(), values["display_name"], values["bio"]
            )
    except AppError as exc:
        return _account_page(
            request,
            session,
            principal,
            section="profile",
            problems=form_problems(exc),
            values=values,
            status=exc.status_code,
        )
    return redirect("/account", PROFILE_SAVED)


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
        return _account_page(
            request,
            session,
            principal,
            section="password",
            problems=[i18n.gettext(exc.message, n=MIN_PASSWORD_LENGTH)],
            status=exc.status_code,
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
    user = principal.require_user()
    if not account_service.pending_documents(session, user):
        return redirect("/account")  # nothing to accept (a form sent twice)
    done = account_service.accept_documents(session, user, accepted)
    if not done:
        # Nothing ticked (or an outdated version): say so instead of thanking for an acceptance.
        return _account_page(
            request,
            session,
            principal,
            section="documents",
            problems=[i18n.gettext("Tick the box next to each document you accept, then choose Accept.")],
            status=422,
        )
    return redirect("/account", DOCUMENTS_ACCEPTED)


def _may_delete_self(user: User) -> bool:
    """Whether the page offers the delete form: people, not staff (an administrator closes those)."""
    return not (user.is_staff or user.is_external)


def _delete_page(
    request: Request, principal: Principal, problems: list[str] | None = None, status: int = 200
) -> Response:
    user = principal.require_user()
    context = {"may_delete": _may_delete_self(user), "problems": problems or []}
    return render(request, "account/delete.html", context, status_code=status)


@router.get("/account/delete")
def delete_page(
    request: Request, principal: Annotated[Principal, Depends(requires(Perm.signed_in))]
) -> Response:
    return _delete_page(request, principal)


@router.post("/account/delete")
def delete_account(request: Request, form: Form, session: DbSession, principal: Participant) -> Response:
    data = fields(form)
    try:
        with session.begin_nested():
            summary = account_service.delete_account(
                session, principal.require_user(), data.get("password", "")
            )
    except AppError as exc:
        return _delete_page(request, principal, form_problems(exc), status=exc.status_code)
    response = redirect("/", ACCOUNT_DELETED_KEPT if summary.get("kept_under_hold") else ACCOUNT_DELETED)
    response.delete_cookie(SESSION_COOKIE)
    return response
