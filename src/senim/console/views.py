"""The staff console (``/console``): home, users and roles, API tokens, webhook endpoints, the job queue.

Every page shows the sections the signed-in role may open. Every action is a POST form carrying the CSRF
token, declares its permission, calls the owning domain's service (which writes the audit record) and
redirects with a message; a refused form is shown again with the reason and a 4xx, having written
nothing. Secrets (a new API token, a webhook signing secret) are shown once, on a page never cached.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from babel.dates import format_timedelta
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from senim.account.policy import TOKEN_SCOPES, Perm, has_perm
from senim.account.service import account_service
from senim.audit import Actor
from senim.console import repository
from senim.console.repository import JobView, UserFilter
from senim.console.service import (
    CREATABLE_ROLES,
    DISPLAY_NAME_MAX,
    ROLE_LABELS,
    STATUS_LABELS,
    TOKEN_NAME_MAX,
    NewAccount,
    attention_cards,
    console_service,
    parse_role,
    parse_status,
)
from senim.errors import AppError, Invalid
from senim.jobs import service as jobs_service
from senim.kit import cursor as page_cursor
from senim.kit.clock import utcnow
from senim.models import AccountStatus, Job, JobStatus, Role, User
from senim.models.account import EXTERNAL_ROLES, STAFF_ROLES
from senim.notification import policy as notification_policy
from senim.notification.service import notification_service
from senim.web import i18n
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

ConsoleUser = Annotated[Principal, Depends(requires(Perm.console))]
UsersManager = Annotated[Principal, Depends(requires(Perm.users_manage))]
TokensManager = Annotated[Principal, Depends(requires(Perm.tokens_manage))]
JobsReader = Annotated[Principal, Depends(requires(Perm.jobs_read))]
JobsManager = Annotated[Principal, Depends(requires(Perm.jobs_manage))]

USER_CREATED = flash_message("console_user_created", N_("The account is created."))
ROLE_CHANGED = flash_message(
    "console_role_changed", N_("The role is changed. The account's sessions and API tokens were ended.")
)
SUSPENDED = flash_message("console_user_suspended", N_("The account is suspended."))
REACTIVATED = flash_message("console_user_reactivated", N_("The account is active again."))
UNCHANGED = flash_message("console_unchanged", N_("Nothing was changed."))
TOKEN_REVOKED = flash_message("console_token_revoked", N_("The API token is revoked."))
WEBHOOK_DISABLED = flash_message("console_webhook_disabled", N_("The webhook endpoint is disabled."))
JOB_RETRIED = flash_message("console_job_retried", N_("The job will run again now."))
JOB_CANCELLED = flash_message("console_job_cancelled", N_("The job is cancelled."))

# (permission, path, label): the console's sections, listed to whoever holds the permission.
SECTIONS: list[tuple[Perm, str, str]] = [
    (Perm.console, "/console", N_("Home")),
    (Perm.users_manage, "/console/users", N_("Users and roles")),
    (Perm.tokens_manage, "/console/tokens", N_("API tokens")),
    (Perm.tokens_manage, "/console/webhooks", N_("Webhook endpoints")),
    (Perm.moderate, "/console/cases", N_("Moderation queue")),
    (Perm.complaint_rules_manage, "/console/complaint-rules", N_("Complaint rules")),
    (Perm.detection_manage, "/console/detection", N_("Detection rules")),
    (Perm.escalations_read, "/console/escalations", N_("Escalations to law enforcement")),
    (Perm.orders_read, "/console/orders", N_("Orders of state bodies")),
    (Perm.user_counts_read, "/console/user-counts", N_("Users in Kazakhstan")),
    (Perm.representative_manage, "/console/legal-representative", N_("Legal representative")),
    (Perm.privacy_read, "/console/privacy", N_("Personal data")),
    (Perm.transparency_read, "/console/transparency/reports", N_("Transparency reports")),
    (Perm.transparency_read, "/console/transparency/risks", N_("Risk register")),
    (Perm.ads_read, "/console/ads", N_("Ads review")),
    (Perm.jobs_read, "/console/jobs", N_("Background jobs")),
    (Perm.audit_read, "/console/audit", N_("Audit log")),
]
JOB_VIEWS: list[tuple[JobView | None, str]] = [
    (None, N_("All")),
    (JobView.pending, N_("Pending")),
    (JobView.running, N_("Running")),
    (JobView.failed, N_("Failed, waiting to be retried")),
    (JobView.dead, N_("Dead letters")),
    (JobView.succeeded, N_("Succeeded")),
    (JobView.cancelled, N_("Cancelled")),
]
JOB_STATUS_LABELS: dict[JobStatus, str] = {
    JobStatus.pending: N_("Pending"),
    JobStatus.running: N_("Running"),
    JobStatus.succeeded: N_("Succeeded"),
    JobStatus.dead: N_("Dead (attempts exhausted)"),
    JobStatus.cancelled: N_("Cancelled"),
}
USERS_PAGE = 50
JOBS_PAGE = 50
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def console_sections(role: Role | None, current_path: str = "") -> list[dict[str, Any]]:
    """The sections ``role`` may open, the one holding ``current_path`` marked current."""
    sections = []
    for perm, path, label in SECTIONS:
        if has_perm(role, perm):
            current = current_path == path or (path != "/console" and current_path.startswith(path + "/"))
            sections.append({"path": path, "label": label, "current": current})
    return sections


def relative(value: datetime | None) -> str:
    """How long ago (or how soon) ``value`` is, in the reader's language: "5 minutes ago", "in 2 days"."""
    if value is None:
        return ""
    return format_timedelta(value - utcnow(), add_direction=True, locale=i18n.locale_var.get())


def page(
    request: Request,
    principal: Principal,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A console page: the template (extending ``console/_layout.html``) with the role's sections."""
    ctx: dict[str, Any] = {
        "console_sections": console_sections(principal.role, request.url.path),
        "role_labels": ROLE_LABELS,
        "status_labels": STATUS_LABELS,
        "job_status_labels": JOB_STATUS_LABELS,
        "relative": relative,
        "problems": [],
        "values": {},
    }
    ctx.update(context or {})
    response = render(request, template, ctx, status_code=status)
    response.headers.update(headers or {})
    return response


def _optional_choice(value: str | None, parse: Any) -> Any:
    return parse(value) if value else None


# --- home -----------------------------------------------------------------------------------------
@router.get("/console")
def console_home(request: Request, session: DbSession, principal: ConsoleUser) -> Response:
    cards = attention_cards(session, principal.require_user())
    return page(request, principal, "console/home.html", {"cards": cards})


# --- users and roles ------------------------------------------------------------------------------
def _status_filter(value: str) -> AccountStatus:
    try:
        return AccountStatus(value)
    except ValueError as exc:
        raise Invalid("Choose one of the offered account statuses.") from exc


@router.get("/console/users")
def users_page(request: Request, session: DbSession, principal: UsersManager) -> Response:
    q = request.query_params
    text = (q.get("q") or "").strip()[:120]
    f = UserFilter(
        text=text or None,
        role=_optional_choice(q.get("role"), parse_role),
        status=_optional_choice(q.get("status"), _status_filter),
    )
    rows = repository.search_users(
        session, f, after=page_cursor.decode_optional(q.get("cursor")), limit=USERS_PAGE + 1
    )
    more = len(rows) > USERS_PAGE
    rows = rows[:USERS_PAGE]
    filters = {"q": text, "role": q.get("role") or "", "status": q.get("status") or ""}
    next_link = None
    if more and rows:
        cursor = page_cursor.encode(rows[-1].created_at, rows[-1].id)
        next_link = "/console/users?" + urlencode({**filters, "cursor": cursor})
    return page(
        request,
        principal,
        "console/users.html",
        {
            "users": rows,
            "filters": filters,
            "roles": list(Role),
            "statuses": list(AccountStatus),
            "next_link": next_link,
            "paged": bool(q.get("cursor")),
        },
    )


def _new_user_page(
    request: Request,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return page(
        request,
        principal,
        "console/user_new.html",
        {
            "problems": problems or [],
            "values": values or {"role": "", "language": "kk"},
            "roles": CREATABLE_ROLES,
            "staff_roles": [r for r in CREATABLE_ROLES if r in STAFF_ROLES],
            "external_roles": [r for r in CREATABLE_ROLES if r in EXTERNAL_ROLES],
            "display_name_max": DISPLAY_NAME_MAX,
        },
        status=status,
    )


@router.get("/console/users/new")
def new_user_page(request: Request, principal: UsersManager) -> Response:
    return _new_user_page(request, principal)


@router.post("/console/users")
def create_user_submit(request: Request, form: Form, session: DbSession, principal: UsersManager) -> Response:
    data = fields(form)
    values = {k: data.get(k, "") for k in ("role", "username", "display_name", "email", "language")}
    try:
        with session.begin_nested():
            user = console_service.create_account(
                session,
                principal.actor,
                NewAccount(
                    role=values["role"],
                    username=values["username"],
                    display_name=values["display_name"],
                    email=values["email"],
                    password=data.get("password", ""),
                    language=values["language"] or "kk",
                ),
            )
    except AppError as exc:
        return _new_user_page(
            request, principal, problems=form_problems(exc), values=values, status=exc.status_code
        )
    return redirect(f"/console/users/{user.id}", USER_CREATED)


def _user_page(
    request: Request,
    session: Session,
    principal: Principal,
    user: User,
    *,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    return page(
        request,
        principal,
        "console/user.html",
        {
            "user": user,
            "roles": list(Role),
            "is_self": principal.id == user.id,
            "languages": i18n.LANGUAGES,
            "language_names": i18n.LANGUAGE_NAMES,
            "problems": problems or [],
        },
        status=status,
    )


@router.get("/console/users/{user_id}")
def user_page(user_id: uuid.UUID, request: Request, session: DbSession, principal: UsersManager) -> Response:
    return _user_page(request, session, principal, account_service.get(session, user_id))


@router.post("/console/users/{user_id}/role")
def set_role_submit(
    user_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: UsersManager
) -> Response:
    user = account_service.get(session, user_id)
    before = user.role
    try:
        with session.begin_nested():
            role = parse_role(fields(form).get("role", ""))
            account_service.set_role(session, principal.actor, user, role)
    except AppError as exc:
        return _user_page(
            request, session, principal, user, problems=form_problems(exc), status=exc.status_code
        )
    return redirect(f"/console/users/{user.id}", UNCHANGED if role == before else ROLE_CHANGED)


@router.post("/console/users/{user_id}/status")
def set_status_submit(
    user_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: UsersManager
) -> Response:
    user = account_service.get(session, user_id)
    before = user.status
    try:
        with session.begin_nested():
            status = parse_status(fields(form).get("status", ""))
            account_service.set_status(session, principal.actor, user, status)
    except AppError as exc:
        return _user_page(
            request, session, principal, user, problems=form_problems(exc), status=exc.status_code
        )
    changed = SUSPENDED if status == AccountStatus.suspended else REACTIVATED
    return redirect(f"/console/users/{user.id}", UNCHANGED if status == before else changed)


# --- API tokens -----------------------------------------------------------------------------------
@router.get("/console/tokens")
def tokens_page(request: Request, session: DbSession, principal: TokensManager) -> Response:
    tokens = repository.list_tokens(session)
    owners = repository.users_by_ids(session, {t.principal_id for t in tokens})
    return page(
        request,
        principal,
        "console/tokens.html",
        {"tokens": tokens, "owners": owners, "now": utcnow()},
    )


def _token_form(
    request: Request,
    session: Session,
    principal: Principal,
    chosen: User | None,
    *,
    problems: list[str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    return page(
        request,
        principal,
        "console/token_new.html",
        {
            "principals": repository.external_principals(session),
            "chosen": chosen,
            "scopes": sorted(TOKEN_SCOPES.get(chosen.role, frozenset())) if chosen else [],
            "problems": problems or [],
            "values": values or {"name": "", "scopes": [], "expires_on": ""},
            "name_max": TOKEN_NAME_MAX,
            "today": utcnow().astimezone(i18n.display_tz()).date().isoformat(),
        },
        status=status,
    )


@router.get("/console/tokens/new")
def new_token_page(request: Request, session: DbSession, principal: TokensManager) -> Response:
    chosen_id = request.query_params.get("principal_id")
    if not chosen_id:
        return _token_form(request, session, principal, None)
    try:
        chosen = console_service.external_principal(session, chosen_id)
    except AppError as exc:
        return _token_form(
            request, session, principal, None, problems=form_problems(exc), status=exc.status_code
        )
    return _token_form(request, session, principal, chosen)


def _date_field(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid("Enter the expiry date as a date, or leave it empty.") from exc


@router.post("/console/tokens")
def issue_token_submit(
    request: Request, form: Form, session: DbSession, principal: TokensManager
) -> Response:
    data = fields(form)
    scopes = [s for s in form.getlist("scopes") if isinstance(s, str)]
    name, expires_on = data.get("name", ""), data.get("expires_on", "")
    values: dict[str, Any] = {"name": name, "scopes": scopes, "expires_on": expires_on}
    try:
        chosen = console_service.external_principal(session, data.get("principal_id", ""))
    except AppError as exc:
        return _token_form(
            request, session, principal, None, problems=form_problems(exc), status=exc.status_code
        )
    try:
        with session.begin_nested():
            issued = console_service.issue_token(
                session,
                principal.actor,
                chosen,
                name=name,
                scopes=scopes,
                expires_on=_date_field(expires_on),
            )
    except AppError as exc:
        return _token_form(
            request,
            session,
            principal,
            chosen,
            problems=form_problems(exc),
            values=values,
            status=exc.status_code,
        )
    return page(
        request,
        principal,
        "console/shown_once.html",
        {
            "title": N_("The new API token"),
            "secret_label": N_("API token"),
            "secret": issued.token,
            "note": N_(
                "Senim keeps only a fingerprint of the token. If it is lost, issue a new token and revoke "
                "the old one."
            ),
            "facts": [
                (N_("Account"), chosen.username),
                (N_("Name"), issued.row.name),
                (N_("Scopes"), ", ".join(issued.row.scopes)),
                (N_("Expires"), i18n.fmt_datetime(issued.row.expires_at) or i18n.gettext("Never")),
            ],
            "back": "/console/tokens",
            "back_label": N_("Back to the API tokens"),
        },
        headers=NO_STORE,
    )


@router.post("/console/tokens/{token_id}/revoke")
def revoke_token_submit(token_id: uuid.UUID, session: DbSession, principal: TokensManager) -> Response:
    account_service.revoke_token(session, principal.actor, token_id)
    return redirect("/console/tokens", TOKEN_REVOKED)


# --- webhook endpoints ----------------------------------------------------------------------------
def _webhooks_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    endpoints = notification_service.list_endpoints(session)
    owners = repository.users_by_ids(session, {e.principal_id for e in endpoints})
    groups: dict[uuid.UUID, list[Any]] = {}
    for endpoint in endpoints:
        groups.setdefault(endpoint.principal_id, []).append(endpoint)
    ordered = sorted(groups.items(), key=lambda kv: owners[kv[0]].username if kv[0] in owners else "")
    return page(
        request,
        principal,
        "console/webhooks.html",
        {
            "groups": [(owners.get(pid), rows) for pid, rows in ordered],
            "principals": repository.external_principals(session),
            "problems": problems or [],
            "values": values or {"principal_id": "", "url": "", "events": "*"},
            "url_max": notification_policy.MAX_URL_LENGTH,
        },
        status=status,
    )


@router.get("/console/webhooks")
def webhooks_page(request: Request, session: DbSession, principal: TokensManager) -> Response:
    return _webhooks_page(request, session, principal)


def _secret_page(request: Request, principal: Principal, owner: str, endpoint: Any, secret: str) -> Response:
    return page(
        request,
        principal,
        "console/shown_once.html",
        {
            "title": N_("The webhook signing secret"),
            "secret_label": N_("Signing secret"),
            "secret": secret,
            "note": N_(
                "The receiver checks each delivery's signature with this secret. If it is lost, rotate the "
                "secret and give the new one to the receiver."
            ),
            "facts": [
                (N_("Account"), owner),
                (N_("URL"), endpoint.url),
                (N_("Events"), ", ".join(endpoint.events)),
            ],
            "back": "/console/webhooks",
            "back_label": N_("Back to the webhook endpoints"),
        },
        headers=NO_STORE,
    )


@router.post("/console/webhooks")
def add_webhook_submit(
    request: Request, form: Form, session: DbSession, principal: TokensManager
) -> Response:
    data = fields(form)
    values = {k: data.get(k, "") for k in ("principal_id", "url", "events")}
    try:
        with session.begin_nested():
            owner = console_service.external_principal(session, values["principal_id"])
            endpoint, secret = console_service.add_endpoint(
                session, principal.actor, owner, values["url"], values["events"]
            )
    except AppError as exc:
        return _webhooks_page(
            request, session, principal, problems=form_problems(exc), values=values, status=exc.status_code
        )
    return _secret_page(request, principal, owner.username, endpoint, secret)


@router.post("/console/webhooks/{endpoint_id}/disable")
def disable_webhook_submit(endpoint_id: uuid.UUID, session: DbSession, principal: TokensManager) -> Response:
    notification_service.disable_endpoint(session, principal.actor, endpoint_id)
    return redirect("/console/webhooks", WEBHOOK_DISABLED)


@router.post("/console/webhooks/{endpoint_id}/rotate")
def rotate_webhook_submit(
    endpoint_id: uuid.UUID, request: Request, session: DbSession, principal: TokensManager
) -> Response:
    try:
        with session.begin_nested():
            endpoint, secret = notification_service.rotate_secret(session, principal.actor, endpoint_id)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return _webhooks_page(
            request, session, principal, problems=form_problems(exc), status=exc.status_code
        )
    owner = account_service.get(session, endpoint.principal_id)
    return _secret_page(request, principal, owner.username, endpoint, secret)


# --- background jobs ------------------------------------------------------------------------------
def _job_view(value: str) -> JobView:
    try:
        return JobView(value)
    except ValueError as exc:
        raise Invalid("Choose one of the offered job states.") from exc


@router.get("/console/jobs")
def jobs_page(request: Request, session: DbSession, principal: JobsReader) -> Response:
    q = request.query_params
    view: JobView | None = _optional_choice(q.get("status"), _job_view)
    name = (q.get("name") or "").strip()[:80]
    rows = repository.list_jobs(
        session, view, name or None, after=page_cursor.decode_optional(q.get("cursor")), limit=JOBS_PAGE + 1
    )
    more = len(rows) > JOBS_PAGE
    rows = rows[:JOBS_PAGE]
    filters = {"status": view.value if view else "", "name": name}
    next_link = None
    if more and rows:
        cursor = page_cursor.encode(rows[-1].created_at, rows[-1].id)
        next_link = "/console/jobs?" + urlencode({**filters, "cursor": cursor})
    tabs = [
        {
            "label": label,
            "link": "/console/jobs?" + urlencode({"status": v.value if v else "", "name": name}),
            "current": v == view,
        }
        for v, label in JOB_VIEWS
    ]
    current_label = next(label for v, label in JOB_VIEWS if v == view)
    return page(
        request,
        principal,
        "console/jobs.html",
        {
            "jobs": rows,
            "tabs": tabs,
            "filters": filters,
            "current_label": current_label,
            "next_link": next_link,
            "paged": bool(q.get("cursor")),
        },
    )


def _job_page(
    request: Request, principal: Principal, job: Job, *, problems: list[str] | None = None, status: int = 200
) -> Response:
    return page(
        request,
        principal,
        "console/job.html",
        {
            "job": job,
            "can_manage": has_perm(principal.role, Perm.jobs_manage),
            "can_retry": job.status in jobs_service.RETRYABLE,
            "can_cancel": job.status in jobs_service.CANCELLABLE,
            "problems": problems or [],
        },
        status=status,
    )


@router.get("/console/jobs/{job_id}")
def job_page(job_id: uuid.UUID, request: Request, session: DbSession, principal: JobsReader) -> Response:
    return _job_page(request, principal, jobs_service.get(session, job_id))


def _act_on_job(
    request: Request,
    session: Session,
    principal: Principal,
    job_id: uuid.UUID,
    action: Callable[[Session, Actor, uuid.UUID], object],
    flash: str,
) -> Response:
    """Retry or cancel through the jobs service (it audits); a refusal shows the job with the reason."""
    try:
        with session.begin_nested():
            action(session, principal.actor, job_id)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return _job_page(
            request,
            principal,
            jobs_service.get(session, job_id),
            problems=form_problems(exc),
            status=exc.status_code,
        )
    return redirect(f"/console/jobs/{job_id}", flash)


@router.post("/console/jobs/{job_id}/retry")
def retry_job_submit(
    job_id: uuid.UUID, request: Request, session: DbSession, principal: JobsManager
) -> Response:
    return _act_on_job(request, session, principal, job_id, jobs_service.retry, JOB_RETRIED)


@router.post("/console/jobs/{job_id}/cancel")
def cancel_job_submit(
    job_id: uuid.UUID, request: Request, session: DbSession, principal: JobsManager
) -> Response:
    return _act_on_job(request, session, principal, job_id, jobs_service.cancel, JOB_CANCELLED)
