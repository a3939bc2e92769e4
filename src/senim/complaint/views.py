"""HTML pages: the complaint form (about a post, comment, account, community, the interface or an action
of the platform), the person's complaints and their answers, the public complaint rules, and the
request to remove false information for people without an account (with e-mail confirmation).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from senim.account.policy import Perm, has_perm
from senim.complaint import rules as complaint_rules
from senim.complaint.evidence import MAX_FILES, ComplaintForm, FormEvidence
from senim.complaint.rules import FIELD_LABELS, RuleSet
from senim.complaint.service import MAX_DESCRIPTION, Filing, complaint_service
from senim.errors import AppError
from senim.models import Complaint, User
from senim.moderation.policy import ACTION_LABELS, TargetKind
from senim.moderation.service import moderation_service
from senim.web import i18n
from senim.web.auth import DbSession, Principal, requires
from senim.web.forms import Form, fields, flash_message, redirect
from senim.web.i18n import N_
from senim.web.pages import Participant, Public, form_problems
from senim.web.templating import render

router = APIRouter(include_in_schema=False)
Complainer = Annotated[Principal, Depends(requires(Perm.complain))]

FILED = flash_message(
    "complaint_filed", N_("Your complaint is received. Its tracking number and deadline are below.")
)
APPEAL_RECEIVED = flash_message(
    "visitor_appeal_received", N_("Your appeal is received. The answer will come by e-mail within 20 days.")
)
CONFIRMED = flash_message("complaint_confirmed", N_("Thank you: your request is confirmed and received."))

SUBJECT_LABELS: dict[TargetKind, str] = {
    TargetKind.item: N_("A post or a comment"),
    TargetKind.account: N_("An account"),
    TargetKind.community: N_("A community"),
    TargetKind.interface: N_("The interface of the platform"),
    TargetKind.platform_action: N_("An action of the platform (for example, a decision about me)"),
}


def _within(unit: str, n: int) -> str:
    """An answer deadline in words, with the plural form of the reader's language."""
    if unit == "hours":
        return i18n.ngettext("{n} hour", "{n} hours", n)
    if unit == "working_days":
        return i18n.ngettext("{n} working day", "{n} working days", n)
    return i18n.ngettext(
        "{n} calendar day from the day after receipt", "{n} calendar days from the day after receipt", n
    )


def _subject(value: str | None) -> TargetKind:
    try:
        return TargetKind(value or "interface")
    except ValueError:
        return TargetKind.interface


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def _categories(ruleset: RuleSet, subject: TargetKind) -> list[dict[str, Any]]:
    lang = i18n.locale_var.get()
    return [
        {
            "key": c.key,
            "label": complaint_rules.category_label(c, lang),
            "requires": c.requires,
        }
        for c in ruleset.for_subject(subject)
    ]


def _form(
    request: Request,
    session: DbSession,
    principal: Principal,
    *,
    subject: TargetKind,
    target: str,
    ref: str,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    _, ruleset = complaint_service.current_rules(session)
    categories = _categories(ruleset, subject)
    needs = sorted({f for c in categories for f in c["requires"]})
    return render(
        request,
        "complaint/new.html",
        {
            "subject": subject,
            "subject_label": SUBJECT_LABELS[subject],
            "target": target,
            "ref": ref,
            "categories": categories,
            "needs": needs,
            "field_labels": FIELD_LABELS,
            "can_complain": has_perm(principal.role, Perm.complain),
            "problems": problems or [],
            "values": values or {},
            "max_files": MAX_FILES,
            "max_description": MAX_DESCRIPTION,
            "login_next": quote(
                str(request.url.path) + ("?" + request.url.query if request.url.query else "")
            ),
        },
        status_code=status,
    )


@router.get("/complaints/new")
def new_complaint(request: Request, session: DbSession, principal: Public) -> Response:
    """The complaint form; a visitor is asked to log in (or, for false information about them, to use
    the request form that needs no account)."""
    q = request.query_params
    return _form(
        request,
        session,
        principal,
        subject=_subject(q.get("subject")),
        target=q.get("target", "")[:64],
        ref=q.get("ref", "")[:500],
    )


@router.post("/complaints")
def file_complaint(
    request: Request, form: ComplaintForm, evidence: FormEvidence, session: DbSession, principal: Complainer
) -> Response:
    data = fields(form)
    subject = _subject(data.get("subject"))
    user = principal.require_user()
    try:
        complaint, _ = complaint_service.file(
            session,
            Filing(
                subject=subject,
                category=data.get("category", ""),
                description=data.get("description", ""),
                target_id=_uuid(data.get("target")),
                target_ref=data.get("ref", ""),
                details={"why_false": data.get("why_false", "")},
                concerns_me=data.get("concerns_me") == "yes",
            ),
            complainant=user,
            language=user.language,
            evidence=evidence.get(),
            settings=request.app.state.settings,
        )
    except AppError as exc:
        return _form(
            request,
            session,
            principal,
            subject=subject,
            target=data.get("target", ""),
            ref=data.get("ref", ""),
            problems=form_problems(exc),
            values=data,
            status=exc.status_code,
        )
    return redirect(f"/complaints/{complaint.number}", FILED)


@router.get("/complaints")
def my_complaints(request: Request, session: DbSession, principal: Complainer) -> Response:
    """The person's complaints with their answers, and the decisions taken about their content."""
    user = principal.require_user()
    return render(
        request,
        "complaint/list.html",
        {
            "complaints": complaint_service.mine(session, user),
            "decisions": moderation_service.decisions_about(session, user),
            "action_labels": ACTION_LABELS,
        },
    )


@router.get("/complaint-rules")
def rules_page(request: Request, session: DbSession, principal: Public) -> Response:
    """The complaint rules in force, in the reader's language (seed: the owner sets them)."""
    version, ruleset = complaint_service.current_rules(session)
    lang = i18n.locale_var.get()
    groups = []
    for subject, label in SUBJECT_LABELS.items():
        rows = []
        for c in ruleset.for_subject(subject):
            within = c.answer_within
            rows.append(
                {
                    "label": complaint_rules.category_label(c, lang),
                    "requires": [FIELD_LABELS[f] for f in c.requires],
                    "deadline": _within(within.unit, within.amount),
                    "hide_after": c.hide_after,
                    "queue": ruleset.queue(c.queue).label.get(lang),
                }
            )
        groups.append({"label": label, "rows": rows})
    return render(
        request,
        "complaint/rules.html",
        {"version": version, "groups": groups, "appeal_days": ruleset.appeal_window_days},
    )


@router.get("/complaints/false-information")
def false_information_form(request: Request, session: DbSession, principal: Public) -> Response:
    """The request to remove false information for a person without an account (LAW-46)."""
    return render(
        request,
        "complaint/false_information.html",
        {"target": request.query_params.get("target", "")[:64], "values": {}, "problems": []},
    )


@router.post("/complaints/false-information")
def request_removal(
    request: Request, form: ComplaintForm, evidence: FormEvidence, session: DbSession, principal: Public
) -> Response:
    data = fields(form)
    try:
        complaint, _ = complaint_service.file(
            session,
            Filing(
                subject=TargetKind.item,
                # Personal data published unlawfully is removed within 1 working day (LAW-50).
                category="privacy.personal_data"
                if data.get("personal_data") == "yes"
                else "false_information",
                description=data.get("description", ""),
                target_id=_uuid(data.get("target")),
                details={"why_false": data.get("why_false", "")},
                concerns_me=data.get("concerns_me") == "yes",
            ),
            contact_name=data.get("name", ""),
            contact_email=data.get("email", ""),
            language=i18n.locale_var.get(),
            evidence=evidence.get(),
            settings=request.app.state.settings,
        )
    except AppError as exc:
        return render(
            request,
            "complaint/false_information.html",
            {"target": data.get("target", ""), "values": data, "problems": form_problems(exc)},
            status_code=exc.status_code,
        )
    return render(request, "complaint/check_email.html", {"number": complaint.number})


@router.get("/complaints/verify/{token}")
def confirm_page(token: str, request: Request, principal: Public) -> Response:
    return render(request, "complaint/confirm.html", {"token": token[:100]})


@router.post("/complaints/verify/{token}")
def confirm(token: str, request: Request, form: Form, session: DbSession, principal: Public) -> Response:
    complaint = complaint_service.verify(session, token[:100], base_url=request.app.state.settings.base_url)
    return render(request, "complaint/confirmed.html", {"complaint": complaint})


@router.get("/complaints/{number}")
def complaint_page(number: str, request: Request, session: DbSession, principal: Complainer) -> Response:
    user = principal.require_user()
    complaint = complaint_service.get_for(session, user, number)
    version_rules = complaint_service.rules_at(session, complaint.rules_version)
    try:
        category = complaint_rules.category_label(
            version_rules.category(complaint.category), i18n.locale_var.get()
        )
    except KeyError:
        category = complaint.category
    return render(
        request,
        "complaint/page.html",
        {
            "complaint": complaint,
            "category": category,
            "subject_label": SUBJECT_LABELS[TargetKind(complaint.subject)],
            "answer": complaint_service.answer_of(session, complaint),
            "evidence": complaint_service.evidence_of(session, complaint),
        },
    )


# --- the author's answer to complaints about their post or comment (LAW-49) -------------------------
REPLIED = flash_message(
    "complaint_author_replied", N_("Your answer is added to the case; moderators will read it.")
)


def _about_page(
    request: Request,
    session: DbSession,
    user: User,
    item_id: uuid.UUID,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    case = moderation_service.open_case_about(session, user, item_id)
    return render(
        request,
        "complaint/about.html",
        {"item_id": item_id, "case": case, "problems": problems or [], "values": values or {}},
        status_code=status,
    )


@router.get("/complaints/about/{item_id}")
def about_my_item(
    item_id: uuid.UUID, request: Request, session: DbSession, principal: Participant
) -> Response:
    """For the author: whether their item is under review, and a form to answer the complaints (they may
    also delete it themselves)."""
    return _about_page(request, session, principal.require_user(), item_id)


@router.post("/complaints/about/{item_id}")
def reply_about_my_item(
    item_id: uuid.UUID, request: Request, form: Form, session: DbSession, principal: Participant
) -> Response:
    user = principal.require_user()
    data = fields(form)
    try:
        moderation_service.author_reply(session, user, item_id, data.get("reply", ""))
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return _about_page(
            request, session, user, item_id, problems=form_problems(exc), values=data, status=exc.status_code
        )
    return redirect(f"/complaints/about/{item_id}", REPLIED)


# --- an appeal by a person without an account, from the link e-mailed with the answer ----------------
def _visitor_appeal_page(
    request: Request,
    session: DbSession,
    complaint: Complaint,
    *,
    problems: list[str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "complaint/visitor_appeal.html",
        {
            "complaint": complaint,
            "answer": complaint_service.answer_of(session, complaint),
            "appeal_answer": complaint_service.appeal_answer_of(session, complaint),
            "appealed": complaint_service.appealed(session, complaint),
            "action": request.url.path,
            "problems": problems or [],
            "values": values or {},
        },
        status_code=status,
    )


@router.get("/complaints/{number}/appeal/{token}")
def visitor_appeal_page(
    number: str, token: str, request: Request, session: DbSession, principal: Public
) -> Response:
    complaint = complaint_service.by_appeal_token(session, number, token[:100], request.app.state.settings)
    return _visitor_appeal_page(request, session, complaint)


@router.post("/complaints/{number}/appeal/{token}")
def visitor_appeal_submit(
    number: str, token: str, request: Request, form: Form, session: DbSession, principal: Public
) -> Response:
    complaint = complaint_service.by_appeal_token(session, number, token[:100], request.app.state.settings)
    data = fields(form)
    try:
        moderation_service.file_visitor_appeal(session, complaint, data.get("reason", ""))
    except AppError as exc:
        return _visitor_appeal_page(
            request, session, complaint, problems=form_problems(exc), values=data, status=exc.status_code
        )
    return redirect(request.url.path, APPEAL_RECEIVED)
