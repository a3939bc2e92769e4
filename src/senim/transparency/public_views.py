"""The public transparency pages, for everyone, signed in or not (LAW-37, LAW-21): the dashboard with its
key figures and monthly charts (server-drawn SVG, each with its table), the open data of the monthly series
(CSV and JSON), and the searchable database of statements of reasons. Counts and public-safe records only:
no page here shows a person."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from senim.authority.policy import KIND_LABELS, OrderKind
from senim.errors import Invalid
from senim.moderation.policy import ACTION_LABELS
from senim.transparency import public, statements
from senim.web import i18n
from senim.web.auth import DbSession
from senim.web.pages import Public, form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

CSV_NAME = "senim-transparency-monthly.csv"
JSON_NAME = "senim-transparency-monthly.json"
PUBLIC_CACHE = {"Cache-Control": "public, max-age=60"}


def _dashboard(request: Request, session: DbSession) -> public.Dashboard:
    """The dashboard, kept a minute per app (``public.DashboardCache``)."""
    cache = getattr(request.app.state, "transparency_dashboard", None)
    if cache is None:
        cache = public.DashboardCache()
        request.app.state.transparency_dashboard = cache
    return cache.get(session)


def _order_kind_label(kind: str) -> str:
    try:
        return KIND_LABELS[OrderKind(kind)]
    except (ValueError, KeyError):
        return kind


@router.get("/transparency")
def dashboard_page(request: Request, session: DbSession, principal: Public) -> Response:
    board = _dashboard(request, session)
    orders = board.figures["orders"]
    context: dict[str, Any] = {
        "board": board,
        "f": board.figures,
        "series": public.SERIES,
        "charts": public.charts(board.months),
        "order_kinds": [(kind, _order_kind_label(kind), row) for kind, row in orders["by_kind"].items()],
        "columns": public.column_docs(),
    }
    # No shared caching: the page's frame holds the signed-in person's name and CSRF token.
    return render(request, "transparency/public/dashboard.html", context)


@router.get("/transparency/data/monthly.csv")
def monthly_csv(request: Request, session: DbSession, principal: Public) -> Response:
    board = _dashboard(request, session)
    return Response(
        public.monthly_csv(board.months),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{CSV_NAME}"', **PUBLIC_CACHE},
    )


@router.get("/transparency/data/monthly.json")
def monthly_json(request: Request, session: DbSession, principal: Public) -> Response:
    board = _dashboard(request, session)
    return JSONResponse(
        public.monthly_json(board, i18n.gettext),
        headers={"Content-Disposition": f'inline; filename="{JSON_NAME}"', **PUBLIC_CACHE},
    )


@router.get("/transparency/statements")
def statements_page(request: Request, session: DbSession, principal: Public) -> Response:
    """The public database of statements of reasons: filters, a page of records, the next page's link.
    A bad filter is refused (422) with the form to correct it."""
    q = request.query_params
    values = {
        k: q.get(k) or ""
        for k in ("category", "ground", "action", "automated", "content_type", "from", "to", "q")
    }
    try:
        f = statements.parse_filter(dict(q))
        result = statements.search(session, f, cursor=q.get("cursor") or None)
    except Invalid as exc:  # a bad filter or page link: the form again, with the problem
        return _statements_page(request, values, None, problems=form_problems(exc), status=exc.status_code)
    next_link = None
    if result.next_cursor:
        next_link = "/transparency/statements?" + urlencode({**f.as_params(), "cursor": result.next_cursor})
    return _statements_page(request, values, result, next_link=next_link, paged=bool(q.get("cursor")))


def _statements_page(
    request: Request,
    values: dict[str, str],
    result: statements.StatementPage | None,
    *,
    problems: list[str] | None = None,
    next_link: str | None = None,
    paged: bool = False,
    status: int = 200,
) -> Response:
    context = {
        "values": values,
        "page": result,
        "problems": problems or [],
        "next_link": next_link,
        "paged": paged,
        "categories": statements.category_keys(),
        "actions": [(a.value, ACTION_LABELS[a]) for a in statements.PUBLIC_ACTIONS],
        "grounds": statements.GROUND_LABELS,
        "content_types": statements.CONTENT_TYPE_LABELS,
        "status_labels": statements.STATUS_LABELS,
        "max_query": statements.MAX_QUERY,
    }
    return render(request, "transparency/public/statements.html", context, status_code=status)
