"""Jinja2 templates from ``web/templates`` and every domain's ``templates/`` folder, translated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from senim.web import i18n
from senim.web.forms import FLASHES, markdown

SRC = Path(__file__).resolve().parent.parent


def _template_dirs() -> list[str]:
    dirs = [str(SRC / "web" / "templates")]
    dirs += sorted(str(p) for p in SRC.glob("*/templates") if p.parent.name != "web")
    return dirs


def build_environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in _template_dirs()]),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Our own callables: ``_("At least {n} characters.", n=10)`` translates, then formats with str.format;
    # the result is plain text, escaped on output like any other value.
    env.globals.update(_=i18n.gettext, gettext=i18n.gettext, ngettext=i18n.ngettext)
    env.filters.update(
        datetime=i18n.fmt_datetime, date=i18n.fmt_date, number=i18n.fmt_number, tenge=i18n.fmt_tenge
    )
    env.filters["markdown"] = markdown
    env.globals.update(LANGUAGES=i18n.LANGUAGES, LANGUAGE_NAMES=i18n.LANGUAGE_NAMES)
    # The labels a decision puts on content, shown on cards; the advertising markings authors choose from.
    from senim.ads.sponsored_policy import LABEL_GROUPS, label_language
    from senim.moderation.policy import LABELS

    env.globals.update(
        LABELS=LABELS, SPONSORED_LABEL_GROUPS=LABEL_GROUPS, SPONSORED_LABEL_LANGUAGE=label_language
    )
    return env


ENV = build_environment()


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    from senim.account.service import account_service
    from senim.web.auth import csrf_token_for

    principal = getattr(request.state, "principal", None)
    if principal is None:
        from senim.web.auth import Principal

        principal = Principal(user=None)
    ctx: dict[str, Any] = {
        "request": request,
        "principal": principal,
        "me": principal.user,
        "csrf_token": csrf_token_for(request, principal),
        "lang": i18n.locale_var.get(),
        "flash": FLASHES.get(request.query_params.get("msg") or ""),
        # A new version of a document to accept: a banner on every page (LAW-08, LAW-73).
        "pending_documents": account_service.documents_to_accept(principal.user),
    }
    ctx.update(context or {})
    html = ENV.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code)
