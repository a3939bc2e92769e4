"""The detection console for administrators: every rule with its status and recent signals, the starter
packs to install; a rule's editor (JSON, refused with the path of each problem), its lifecycle moves, its
versions, and a backtest over the newest stored content before it goes live."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm
from senim.console.views import page
from senim.detection import packs
from senim.detection.errors import PackNotFound
from senim.detection.rules import TRANSITIONS, RuleStatus
from senim.detection.service import Backtest, detection_service
from senim.errors import AppError
from senim.kit.clock import utcnow
from senim.web import i18n
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import form_problems

router = APIRouter(include_in_schema=False)

RulesAdmin = Annotated[Principal, Depends(requires(Perm.detection_manage))]

SAVED = flash_message("detection_rule_saved", N_("The rule is saved as a new version."))
PACK_INSTALLED = flash_message(
    "detection_pack_installed",
    N_("The pack is installed in shadow: its rules record signals and act on nothing."),
)
MOVED = flash_message("detection_rule_moved", N_("The rule's status is changed."))
CONSOLE_BACKTEST_LIMIT = 2_000  # the newest posts and comments; `senim detection backtest` reads everything
STATUS_LABELS = {
    RuleStatus.draft: N_("Draft: runs nowhere"),
    RuleStatus.shadow: N_("Shadow: records signals, acts on nothing"),
    RuleStatus.live: N_("Live: acts"),
    RuleStatus.retired: N_("Retired"),
}
STARTER = {
    "category": "unlawful.fraud",
    "languages": [],
    "matchers": [{"type": "terms", "kind": "lemma", "terms": ["предоплата"]}],
    "min_hits": 1,
    "action": {"type": "open_case", "priority": 3},
}


@router.get("/console/detection")
def rules_page(request: Request, session: DbSession, principal: RulesAdmin) -> Response:
    rules = detection_service.rules(session)
    return page(
        request,
        principal,
        "detection/rules.html",
        {
            "rows": [(r, detection_service.spec_of(session, r)) for r in rules],
            "counts": detection_service.signal_counts(session, utcnow() - timedelta(days=7)),
            "status_labels": STATUS_LABELS,
            "packs": [packs.load(name) for name in packs.available()],
        },
    )


@router.post("/console/detection/packs/{name}")
def install_pack(
    name: str, request: Request, form: Form, session: DbSession, principal: RulesAdmin
) -> Response:
    """Install a starter pack in shadow: its rules record what they would do and act on nothing."""
    if name not in packs.available():
        raise PackNotFound("No such starter pack.")
    detection_service.install_pack(session, principal.actor, packs.load(name), RuleStatus.shadow)
    return redirect("/console/detection", PACK_INSTALLED)


def _rule_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    name: str | None,
    *,
    text: str | None = None,
    problems: list[str] | None = None,
    backtest: Backtest | None = None,
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "name": name,
        "problems": problems or [],
        "backtest": backtest,
        "status_labels": STATUS_LABELS,
        "backtest_limit": CONSOLE_BACKTEST_LIMIT,
    }
    if name is None:
        context["text"] = text if text is not None else json.dumps(STARTER, ensure_ascii=False, indent=2)
    else:
        rule = detection_service.get_rule(session, name)
        spec = detection_service.spec_of(session, rule).model_dump(mode="json")
        context |= {
            "rule": rule,
            "moves": sorted(TRANSITIONS[RuleStatus(rule.status)]),
            "versions": detection_service.versions(session, rule),
            "text": text if text is not None else json.dumps(spec, ensure_ascii=False, indent=2),
        }
    return page(request, principal, "detection/rule.html", context, status=status)


def _save(
    request: Request, session: DbSession, principal: Principal, name: str, data: dict[str, str], new: bool
) -> Response:
    text = data.get("spec", "")
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        problem = i18n.gettext("The rule is not valid JSON: {error}", error=str(exc))
        return _rule_page(
            request, session, principal, None if new else name, text=text, problems=[problem], status=422
        )
    if new and name in {r.name for r in detection_service.rules(session)}:
        problem = i18n.gettext("A rule with this name exists already.")
        return _rule_page(request, session, principal, None, text=text, problems=[problem], status=409)
    try:
        detection_service.save_rule(session, principal.actor, name, parsed, data.get("note", ""))
    except AppError as exc:
        return _rule_page(
            request,
            session,
            principal,
            None if new else name,
            text=text,
            problems=form_problems(exc),
            status=exc.status_code,
        )
    return redirect(f"/console/detection/rules/{name}", SAVED)


@router.get("/console/detection/new")
def new_rule_page(request: Request, session: DbSession, principal: RulesAdmin) -> Response:
    return _rule_page(request, session, principal, None)


@router.post("/console/detection/new")
def new_rule_submit(request: Request, form: Form, session: DbSession, principal: RulesAdmin) -> Response:
    data = fields(form)
    return _save(request, session, principal, data.get("name", "").strip(), data, new=True)


@router.get("/console/detection/rules/{name}")
def rule_page(name: str, request: Request, session: DbSession, principal: RulesAdmin) -> Response:
    return _rule_page(request, session, principal, name)


@router.post("/console/detection/rules/{name}")
def rule_submit(
    name: str, request: Request, form: Form, session: DbSession, principal: RulesAdmin
) -> Response:
    detection_service.get_rule(session, name)
    return _save(request, session, principal, name, fields(form), new=False)


@router.post("/console/detection/rules/{name}/status")
def rule_move(name: str, request: Request, form: Form, session: DbSession, principal: RulesAdmin) -> Response:
    try:
        to = RuleStatus(fields(form).get("status", ""))
    except ValueError:
        return _rule_page(
            request, session, principal, name, problems=[i18n.gettext("Choose a status.")], status=422
        )
    detection_service.move(session, principal.actor, name, to)
    return redirect(f"/console/detection/rules/{name}", MOVED)


@router.post("/console/detection/rules/{name}/backtest")
def rule_backtest(
    name: str, request: Request, form: Form, session: DbSession, principal: RulesAdmin
) -> Response:
    result = detection_service.backtest(session, principal.actor, name, limit=CONSOLE_BACKTEST_LIMIT)
    return _rule_page(request, session, principal, name, backtest=result)
