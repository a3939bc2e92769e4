"""HTML pages: a decision with its statements and the appeal form (for the people it concerns), and the
console's moderation queue, case page and its actions (claim, release, escalate, decide, decide an
appeal, open a case), the owner's complaint rules editor, and the languages a moderator reads.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from starlette.datastructures import FormData

from senim import taxonomy
from senim.account.policy import Perm, has_perm
from senim.account.service import account_service
from senim.complaint import rules as complaint_rules
from senim.complaint.service import complaint_service
from senim.console.views import page
from senim.detection.service import detection_service
from senim.errors import AppError
from senim.kit.clock import today_in, utcnow
from senim.kit.encrypted import attachment_headers
from senim.models import CaseKind, User
from senim.moderation.policy import (
    ACTION_LABELS,
    ACTIONS_FOR,
    AGE_SIGNS,
    LABELS,
    Action,
    DecisionDraft,
    GroundKind,
    TargetKind,
)
from senim.moderation.service import moderation_service
from senim.moderation.statements import SOURCE_NAMES, ground_text
from senim.translation.service import Outcome, translation_service
from senim.web import i18n
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import Public, form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

SignedIn = Annotated[Principal, Depends(requires(Perm.signed_in))]
Complainer = Annotated[Principal, Depends(requires(Perm.complain))]
Moderator = Annotated[Principal, Depends(requires(Perm.moderate))]
CaseReader = Annotated[Principal, Depends(requires(Perm.cases_read))]
RulesAdmin = Annotated[Principal, Depends(requires(Perm.complaint_rules_manage))]
UsersManager = Annotated[Principal, Depends(requires(Perm.users_manage))]

# What the console shows for the stored codes.
CASE_KINDS = {"review": N_("Review"), "appeal": N_("Appeal")}
SUBJECTS = {
    "item": N_("Post or comment"),
    "account": N_("Account"),
    "community": N_("Community"),
    "interface": N_("Interface"),
    "platform_action": N_("Action of the platform"),
}
ITEM_STATES = {
    "visible": N_("Visible"),
    "hidden": N_("Hidden pending review"),
    "removed": N_("Removed"),
    "restricted": N_("Unavailable in Kazakhstan"),
    "deleted": N_("Deleted by its author"),
}
EVENTS = {
    "opened": N_("Opened"),
    "joined": N_("Another complaint joined"),
    "complaint": N_("Complaint received"),
    "claimed": N_("Taken"),
    "released": N_("Put back in the queue"),
    "escalated": N_("Escalated"),
    "warned": N_("Deadline close"),
    "interim_hidden": N_("Hidden pending review"),
    "author_replied": N_("The author answered"),
    "noted": N_("Note"),
    "decided": N_("Decided"),
}
LANGUAGE_CODES = {"kk": N_("Kazakh"), "ru": N_("Russian"), "en": N_("English")}
LABEL_MAPS = {
    "case_kinds": CASE_KINDS,
    "subjects": SUBJECTS,
    "item_states": ITEM_STATES,
    "events": EVENTS,
    "language_codes": LANGUAGE_CODES,
}

APPEALED = flash_message(
    "appeal_filed", N_("Your appeal is received. Another person will review the decision.")
)
CLAIMED = flash_message("case_claimed", N_("The case is yours now."))
RELEASED = flash_message("case_released", N_("The case is back in the queue."))
ESCALATED = flash_message("case_escalated", N_("The case is escalated to senior moderators."))
DECIDED = flash_message("case_decided", N_("The decision is recorded; the statements of reasons are sent."))
APPEAL_DECIDED = flash_message("appeal_decided", N_("The appeal is decided; the appellants are answered."))
OPENED = flash_message("case_opened", N_("The case is opened."))
RULES_SAVED = flash_message("complaint_rules_saved", N_("A new version of the complaint rules is in force."))
LANGUAGES_SAVED = flash_message("moderator_languages_saved", N_("The languages are saved."))


# --- a decision, for the people it concerns ---------------------------------------------------------
def _decision_page(
    request: Request,
    session: DbSession,
    user: User,
    decision_id: uuid.UUID,
    *,
    appeal_action: str | None = None,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    decision = moderation_service.decision_for(session, user, decision_id)
    role = moderation_service.appeal_role(session, user, decision)
    appeals = moderation_service.appeals_of(session, decision)
    mine = [a for a in appeals if a.appellant_id == user.id]
    can_appeal = (
        role is not None
        and not mine
        and decision.status == "in_force"
        and decision.appealable_until is not None
        and utcnow() <= decision.appealable_until
        and (appeal_action is not None or has_perm(user.role, Perm.complain))
    )
    return render(
        request,
        "moderation/decision.html",
        {
            "decision": decision,
            "action_label": ACTION_LABELS[Action(decision.action)],
            "ground": ground_text(decision),
            "source": SOURCE_NAMES.get(decision.source, decision.source),  # type: ignore[call-overload]
            "statements": moderation_service.statements(session, user, decision),
            "appeals": appeals if user.is_staff else mine,
            "can_appeal": can_appeal,
            "appeal_action": appeal_action or f"/decisions/{decision.id}/appeal",
            "problems": problems or [],
            "values": values or {},
        },
        status_code=status,
    )


@router.get("/decisions/{decision_id}")
def decision_page(
    decision_id: uuid.UUID, request: Request, session: DbSession, principal: SignedIn
) -> Response:
    return _decision_page(request, session, principal.require_user(), decision_id)


@router.post("/decisions/{decision_id}/appeal")
def appeal_submit(
    decision_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Complainer
) -> Response:
    return _appeal(request, form, session, principal.require_user(), decision_id, None)


def _appeal(
    request: Request,
    form: FormData,
    session: DbSession,
    user: User,
    decision_id: uuid.UUID,
    action: str | None,
) -> Response:
    data = fields(form)
    try:
        moderation_service.file_appeal(
            session, user, decision_id, data.get("reason", ""), base_url=request.app.state.settings.base_url
        )
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return _decision_page(
            request,
            session,
            user,
            decision_id,
            appeal_action=action,
            problems=form_problems(exc),
            values=data,
            status=exc.status_code,
        )
    return redirect(action or f"/decisions/{decision_id}", APPEALED)


@router.get("/decisions/{decision_id}/appeal/{token}")
def appeal_link_page(
    decision_id: uuid.UUID, token: str, request: Request, session: DbSession, principal: Public
) -> Response:
    """The decision and the appeal form for the person it affects, from the link in their statement of
    reasons, without signing in (a suspended account cannot sign in and must be able to appeal)."""
    user = moderation_service.affected_by_link(session, decision_id, token[:120])
    return _decision_page(request, session, user, decision_id, appeal_action=request.url.path)


@router.post("/decisions/{decision_id}/appeal/{token}")
def appeal_link_submit(
    decision_id: uuid.UUID, token: str, request: Request, form: Form, session: DbSession, principal: Public
) -> Response:
    user = moderation_service.affected_by_link(session, decision_id, token[:120])
    return _appeal(request, form, session, user, decision_id, request.url.path)


# --- the console: queue and cases -------------------------------------------------------------------
@router.get("/console/cases")
def queue_page(request: Request, session: DbSession, principal: Moderator) -> Response:
    user = principal.require_user()
    q = request.query_params
    queue = (q.get("queue") or "").strip()[:64] or None
    mine = q.get("mine") == "1"
    _, ruleset = complaint_service.current_rules(session)
    lang = i18n.locale_var.get()
    queues = {r.key: r.label.get(lang) for r in ruleset.queues} | {"appeals": i18n.gettext("Appeals")}
    return page(
        request,
        principal,
        "moderation/queue.html",
        {
            "cases": moderation_service.queue(session, user, queue=queue, mine=mine, limit=100),
            "queues": queues,
            "counts": moderation_service.queue_counts(session),
            "current": queue,
            "mine": mine,
            "languages": user.languages or [],
            "now": utcnow(),
            **LABEL_MAPS,
        },
    )


def _case_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    case_id: uuid.UUID,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    view = moderation_service.view(session, case_id)
    case = view.case
    subject = TargetKind(case.subject)
    version = taxonomy.current(today_in())
    _, ruleset = complaint_service.current_rules(session)
    lang = i18n.locale_var.get()
    categories: dict[str, str] = {}
    for c in view.complaints:
        try:
            rule = complaint_service.rules_at(session, c.rules_version).category(c.category)
            categories[c.category] = complaint_rules.category_label(rule, lang)
        except (KeyError, AppError):
            categories[c.category] = c.category
    media = []
    if view.target.item is not None:
        from senim.content.service import content_service

        media = content_service.card(session, view.target.item).media
    return page(
        request,
        principal,
        "moderation/case.html",
        {
            "view": view,
            "case": case,
            "subject": subject,
            "media": media,
            "categories": categories,
            "evidence": {c.id: complaint_service.evidence_of(session, c) for c in view.complaints},
            "signals": detection_service.signals_about(session, view.target),
            "Outcome": Outcome,
            # LAW-09a: the Kazakh translation beside the original (cached; a plain notice without an engine)
            "kazakh": translation_service.into_kazakh(session, view.target.text, request.app.state.settings)
            if view.target.text.strip()
            else None,
            "actions": [(a, ACTION_LABELS[a]) for a in Action if a in ACTIONS_FOR[subject]],
            "law_categories": [(c.key, c.label, c.legal_basis) for c in version.categories],
            "age_signs": AGE_SIGNS,
            "labels": LABELS,
            "holder": principal.id is not None and case.assignee_id == principal.id,
            "can_moderate": has_perm(principal.role, Perm.moderate),
            "is_appeal": case.kind == CaseKind.appeal,
            "appealed_ground": ground_text(view.appealed) if view.appealed else "",
            "appealed_action": ACTION_LABELS[Action(view.appealed.action)] if view.appealed else "",
            "source_names": SOURCE_NAMES,
            "queue_label": {r.key: r.label.get(lang) for r in ruleset.queues}.get(case.queue, case.queue),
            "problems": problems or [],
            "values": values or {},
            **LABEL_MAPS,
        },
        status=status,
    )


PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


@router.get("/console/media/{media_id}")
def review_media(
    media_id: uuid.UUID, request: Request, session: DbSession, principal: CaseReader
) -> Response:
    """An image under review, whatever its item's status (removed, hidden, pushed by a platform)."""
    from senim.content.service import content_service

    served = content_service.open_media_for_review(session, media_id, request.app.state.settings)
    return FileResponse(
        served.path, media_type=served.content_type, headers={**PRIVATE, "Content-Disposition": "inline"}
    )


@router.get("/console/evidence/{evidence_id}")
def evidence_file(
    evidence_id: uuid.UUID, request: Request, session: DbSession, principal: CaseReader
) -> Response:
    """A complaint's evidence file, downloaded (never rendered inline: it comes from the complainant)."""
    row, data = complaint_service.open_evidence(session, evidence_id, request.app.state.settings)
    headers = {**PRIVATE, **attachment_headers(row.filename)}
    return Response(data, media_type=row.content_type, headers=headers)


@router.get("/console/cases/{case_id}")
def case_page(case_id: uuid.UUID, request: Request, session: DbSession, principal: CaseReader) -> Response:
    return _case_page(request, session, principal, case_id)


def _case_action(
    request: Request,
    session: DbSession,
    principal: Principal,
    case_id: uuid.UUID,
    data: dict[str, str],
    act: Any,
    flash: str,
    back: str | None = None,
) -> Response:
    try:
        with session.begin_nested():
            act()
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return _case_page(
            request,
            session,
            principal,
            case_id,
            problems=form_problems(exc),
            values=data,
            status=exc.status_code,
        )
    return redirect(back or f"/console/cases/{case_id}", flash)


@router.post("/console/cases/{case_id}/claim")
def claim_submit(
    case_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Moderator
) -> Response:
    user = principal.require_user()
    return _case_action(
        request,
        session,
        principal,
        case_id,
        {},
        lambda: moderation_service.claim(session, user, case_id),
        CLAIMED,
    )


@router.post("/console/cases/{case_id}/release")
def release_submit(
    case_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Moderator
) -> Response:
    user = principal.require_user()
    return _case_action(
        request,
        session,
        principal,
        case_id,
        {},
        lambda: moderation_service.release(session, user, case_id),
        RELEASED,
        back="/console/cases",
    )


@router.post("/console/cases/{case_id}/escalate")
def escalate_submit(
    case_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Moderator
) -> Response:
    user = principal.require_user()
    data = fields(form)
    return _case_action(
        request,
        session,
        principal,
        case_id,
        data,
        lambda: moderation_service.escalate(session, user, case_id, data.get("note", "")),
        ESCALATED,
        back="/console/cases",
    )


def _draft(subject: TargetKind, data: dict[str, str]) -> DecisionDraft:
    try:
        action = Action(data.get("action", ""))
    except ValueError as exc:
        raise AppError(N_("Choose a decision."), 422) from exc
    ground = data.get("ground_kind") or None
    days = (data.get("suspend_days") or "").strip()
    if days and not re.fullmatch(r"[0-9]{1,4}", days):
        raise AppError(N_("A suspension lasts from 1 to 3650 days, or is permanent."), 422)
    return DecisionDraft(
        target=subject,
        action=action,
        ground_kind=GroundKind(ground) if ground in ("law", "terms") else None,
        category=data.get("category") or None,
        terms_clause=data.get("terms_clause") or None,
        facts=data.get("facts", ""),
        age_sign=data.get("age_sign") or None,
        label=data.get("label") or None,
        suspend_days=int(days) if re.fullmatch(r"[0-9]{1,4}", days) else None,
    )


@router.post("/console/cases/{case_id}/decide")
def decide_submit(
    case_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Moderator
) -> Response:
    user = principal.require_user()
    data = fields(form)
    case = moderation_service.get_case(session, case_id)

    def act() -> None:
        moderation_service.decide(
            session,
            user,
            case_id,
            _draft(TargetKind(case.subject), data),
            note=data.get("note", ""),
            unfounded=data.get("unfounded") == "yes",
            base_url=request.app.state.settings.base_url,
        )

    return _case_action(request, session, principal, case_id, data, act, DECIDED, back="/console/cases")


@router.post("/console/cases/{case_id}/appeal")
def appeal_decide_submit(
    case_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Moderator
) -> Response:
    user = principal.require_user()
    data = fields(form)
    case = moderation_service.get_case(session, case_id)

    def act() -> None:
        reverse = data.get("outcome") == "reversed"
        replacement = _draft(TargetKind(case.subject), data) if reverse and data.get("action") else None
        moderation_service.decide_appeal(
            session,
            user,
            case_id,
            reverse=reverse,
            facts=data.get("appeal_facts", ""),
            new_draft=replacement,
            base_url=request.app.state.settings.base_url,
        )

    return _case_action(
        request, session, principal, case_id, data, act, APPEAL_DECIDED, back="/console/cases"
    )


@router.post("/console/cases")
def open_case_submit(request: Request, form: Form, session: DbSession, principal: Moderator) -> Response:
    """Open a case on the moderator's own initiative (from a post, a profile or a community page)."""
    from senim.moderation.api import target_for

    user = principal.require_user()
    data = fields(form)
    try:
        subject = TargetKind(data.get("subject", ""))
        target = target_for(session, user, subject, uuid.UUID(data.get("target", "")))
    except ValueError as exc:
        raise AppError(N_("Say what the case is about."), 422) from exc
    case = moderation_service.open_own_initiative(session, user, target, data.get("note", ""))
    return redirect(f"/console/cases/{case.id}", OPENED)


# --- the complaint rules ----------------------------------------------------------------------------
def _rules_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    text: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    version, ruleset = complaint_service.current_rules(session)
    return page(
        request,
        principal,
        "moderation/rules_edit.html",
        {
            "version": version,
            "text": text
            if text is not None
            else json.dumps(ruleset.model_dump(mode="json"), ensure_ascii=False, indent=2),
            "versions": complaint_service.rule_versions(session),
            "problems": problems or [],
        },
        status=status,
    )


@router.get("/console/complaint-rules")
def rules_edit_page(request: Request, session: DbSession, principal: RulesAdmin) -> Response:
    return _rules_page(request, session, principal)


@router.post("/console/complaint-rules")
def rules_save(request: Request, form: Form, session: DbSession, principal: RulesAdmin) -> Response:
    data = fields(form)
    text = data.get("rules", "")
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        return _rules_page(
            request,
            session,
            principal,
            text=text,
            problems=[i18n.gettext("The rules are not valid JSON: {error}", error=str(exc))],
            status=422,
        )
    try:
        complaint_service.save_rules(session, principal.actor, parsed, data.get("note", ""))
    except AppError as exc:
        return _rules_page(
            request, session, principal, text=text, problems=form_problems(exc), status=exc.status_code
        )
    return redirect("/console/complaint-rules", RULES_SAVED)


# --- languages a moderator reads (LAW-09a) ----------------------------------------------------------
@router.post("/console/users/{user_id}/languages")
def languages_submit(
    user_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: UsersManager
) -> Response:
    user = account_service.get(session, user_id)
    moderation_service.set_languages(session, principal.actor, user, form.getlist("languages"))  # type: ignore[arg-type]
    return redirect(f"/console/users/{user.id}", LANGUAGES_SAVED)
