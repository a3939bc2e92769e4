"""The annual transparency report (LAW-37) on the web.

Console (staff): ``/console/transparency/reports`` lists every version and builds a year's draft
(``transparency:manage``); a version's page shows the report as it will read, with its downloads, and
publishes a draft (``transparency:manage``). Drafts are seen with ``transparency:read`` only.

Public: ``/transparency/reports`` lists the published reports; ``/transparency/reports/2026`` is the year's
latest published version as a page, ``/transparency/reports/2026.pdf`` (``.csv``, ``.json``, ``.dsa.json``,
``.dsa.csv``) its downloads; ``?version=N`` an earlier published version, ``?lang=kk|ru|en`` the language
of the page's PDF and CSV labels (the reader's language by default). A draft is never public."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm, has_perm
from senim.console.views import NO_STORE, page
from senim.errors import AppError
from senim.kit.clock import today_in
from senim.models.transparency import TransparencyReport
from senim.transparency import policy, report
from senim.transparency.errors import ReportInvalid
from senim.transparency.policy import Format
from senim.transparency.service import report_service
from senim.web import i18n
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import Public, form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(requires(Perm.transparency_read))]
Manager = Annotated[Principal, Depends(requires(Perm.transparency_manage))]

BUILT = flash_message("transparency_report_built", N_("The report is built from the records as a draft."))
PUBLISHED = flash_message(
    "transparency_report_published", N_("The report is published: its figures are frozen and public.")
)
CONSOLE = "/console/transparency/reports"
PUBLIC = "/transparency/reports"


def _problem(exc: policy.Problem) -> ReportInvalid:
    return ReportInvalid(exc.message, **exc.params)


def _language(request: Request) -> str:
    try:
        return policy.parse_language(request.query_params.get("lang"), i18n.locale_var.get())
    except policy.Problem as exc:
        raise _problem(exc) from None


def _version_param(request: Request) -> int | None:
    text = request.query_params.get("version")
    if text is None:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 10_000:
        raise ReportInvalid(N_("Give the version as a number."))
    return int(text)


# Renderings of published versions, which never change: a public download or page is rendered once per
# process, not on every request (WeasyPrint and matplotlib take a second or more).
_RENDERED: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_RENDERED_MAX = 64


def _rendered(row: TransparencyReport, kind: str, language: str, make: Callable[[], Any]) -> Any:
    if row.status != "published":
        return make()
    key = (row.id, row.content_hash, kind, language)
    if key in _RENDERED:
        _RENDERED.move_to_end(key)
        return _RENDERED[key]
    value = _RENDERED[key] = make()
    if len(_RENDERED) > _RENDERED_MAX:
        _RENDERED.popitem(last=False)
    return value


def download(row: TransparencyReport, fmt: Format, language: str) -> Response:
    """One rendering of a report version as a file (the same figures give the same bytes)."""
    if fmt is Format.html:  # a page, not a file
        raise ReportInvalid(policy.UNKNOWN_FORMAT, formats=", ".join(f.value for f in policy.DOWNLOADS))
    body = _rendered(
        row,
        fmt.value,
        language,
        lambda: report.render_file(report_service.meta(row), row.figures, fmt, language),
    )
    name = policy.file_name(row.year, row.version, fmt, language)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if row.status == "draft":
        headers |= NO_STORE
    return Response(body, media_type=policy.MEDIA_TYPES[fmt], headers=headers)


def _report_context(row: TransparencyReport) -> dict[str, Any]:
    language = i18n.locale_var.get()
    made = _rendered(
        row, "page", language, lambda: report.report_context(report_service.meta(row), row.figures)
    )
    return made | {
        "report": row,
        "downloads": policy.DOWNLOADS,
        "languages": i18n.LANGUAGES,
    }


# --- console ----------------------------------------------------------------------------------------


def _list_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "reports": report_service.list_all(session),
        "can_manage": has_perm(principal.role, Perm.transparency_manage),
        "problems": problems or [],
        "values": values or {"year": str(today_in().year - 1)},
    }
    return page(request, principal, "transparency/report/list.html", context, status=status, headers=NO_STORE)


@router.get(CONSOLE)
def reports_page(request: Request, session: DbSession, principal: Reader) -> Response:
    return _list_page(request, session, principal)


@router.post(CONSOLE)
def build_submit(request: Request, form: Form, session: DbSession, principal: Manager) -> Response:
    """Build a year's report as a draft; a bad year comes back with the problem (422), nothing written."""
    data = fields(form)
    values = {"year": data.get("year", "")}
    try:
        with session.begin_nested():
            try:
                year = policy.parse_year(values["year"], today_in())
            except policy.Problem as exc:
                raise _problem(exc) from None
            row = report_service.build(session, principal.actor, year)
    except AppError as exc:
        return _list_page(
            request, session, principal, problems=form_problems(exc), values=values, status=exc.status_code
        )
    return redirect(f"{CONSOLE}/{row.year}/{row.version}", BUILT)


@router.get(CONSOLE + "/{year}/{version}")
def report_page(year: int, version: int, request: Request, session: DbSession, principal: Reader) -> Response:
    row = report_service.get(session, year, version)
    context = _report_context(row) | {
        "can_manage": has_perm(principal.role, Perm.transparency_manage),
        "base": f"{CONSOLE}/{row.year}/{row.version}",
    }
    return page(request, principal, "transparency/report/console.html", context, headers=NO_STORE)


@router.get(CONSOLE + "/{year}/{version}/{name}")
def console_download(
    year: int, version: int, name: str, request: Request, session: DbSession, principal: Reader
) -> Response:
    """``report.pdf``, ``report.csv``, ``report.json``, ``report.dsa.json``, ``report.dsa.csv`` of any
    version, drafts included."""
    if not name.startswith("report."):
        raise ReportInvalid(policy.UNKNOWN_FORMAT, formats=", ".join(f.value for f in policy.DOWNLOADS))
    try:
        fmt = policy.parse_format(name.removeprefix("report."))
    except policy.Problem as exc:
        raise _problem(exc) from None
    language = _language(request)
    return download(report_service.get(session, year, version), fmt, language)


@router.post(CONSOLE + "/{year}/{version}/publish")
def publish_submit(year: int, version: int, session: DbSession, principal: Manager) -> Response:
    """Publish a draft (409 for a published one, nothing written)."""
    row = report_service.publish(session, principal.require_user(), year, version)
    return redirect(f"{CONSOLE}/{row.year}/{row.version}", PUBLISHED)


# --- public -----------------------------------------------------------------------------------------


@router.get(PUBLIC)
def published_reports_page(request: Request, session: DbSession, principal: Public) -> Response:
    return render(
        request, "transparency/report/public_list.html", {"reports": report_service.published(session)}
    )


@router.get(PUBLIC + "/{name}")
def published_report(name: str, request: Request, session: DbSession, principal: Public) -> Response:
    """``2026``: the page of the year's latest published version; ``2026.pdf`` … its downloads."""
    try:
        parsed = policy.parse_name(name)
        policy.check_year(parsed.year, today_in())
    except policy.Problem as exc:
        raise _problem(exc) from None
    language = _language(request)
    row = report_service.published_version(session, parsed.year, _version_param(request))
    if parsed.format is not Format.html:
        return download(row, parsed.format, language)
    context = _report_context(row) | {
        "base": f"{PUBLIC}/{row.year}",
        "versions": [r for r in report_service.published(session) if r.year == row.year],
    }
    return render(request, "transparency/report/public.html", context)
