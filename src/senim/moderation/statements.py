"""Statements of reasons and reasoned answers: pure functions of the decision record (invariant 4).

Each text is rendered in its reader's language (``notification.service.in_language``) when the decision
is taken, and stored as it was given (``statement`` rows). The same facts render the DSA export
(``moderation.dsa``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from senim import taxonomy
from senim.detection.pii import redact
from senim.kit.clock import ALMATY
from senim.kit.text import clean
from senim.models import Decision
from senim.moderation.policy import ACTION_LABELS, LABELS, Action, Automation, Source
from senim.web.i18n import N_, gettext

SUBJECT_NAMES = {
    "post": N_("your post"),
    "comment": N_("your comment"),
    "account": N_("your account"),
    "community": N_("your community"),
}
SOURCE_NAMES = {
    Source.complaint: N_("a complaint"),
    Source.own_initiative: N_("the platform's own initiative"),
    Source.detection: N_("automated detection"),
    Source.order: N_("an order or request of a state body"),
    Source.appeal: N_("an appeal"),
}
AUTOMATION_NAMES = {
    "fully": N_("fully automated"),
    "partially": N_("partly automated"),
    "not": N_("taken by a person"),
}
COURT = N_("If you disagree, you have the right to go to court.")
AUTOMATED_OBJECTION = N_(
    "No person took this decision. Your appeal is also an objection to a decision taken by automated "
    "means (Article 19-1 of the Law on personal data and their protection): a person answers it within "
    "3 working days."
)
COURT_FALSE_INFORMATION = N_(
    "If you disagree with the refusal, you have the right to go to court to have the information removed "
    "(Article 15(2) of the Law on online platforms and online advertising)."
)


def local(at: datetime) -> str:
    return at.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M")


def ground_text(decision: Decision) -> str:
    """The ground as the reader sees it: the law category and article, or the terms clause."""
    if decision.ground_kind == "law" and decision.category and decision.taxonomy_version:
        category = taxonomy.get(decision.category, decision.taxonomy_version)
        return gettext("{category} ({basis})", category=gettext(category.label), basis=category.legal_basis)
    if decision.ground_kind == "terms":
        return gettext("Terms of use, {clause}", clause=gettext(decision.terms_clause))
    return gettext("No ground needed: no restriction was applied.")


def action_text(decision: Decision) -> str:
    action = Action(decision.action)
    text = gettext(ACTION_LABELS[action])
    if action is Action.age_restrict and decision.age_sign:
        text += f" ({decision.age_sign})"
    elif action is Action.label and decision.label:
        text += ": " + gettext(LABELS[decision.label])
    elif action is Action.suspend:
        text += (
            " " + gettext("until {date}", date=local(decision.restriction_until))
            if decision.restriction_until
            else " " + gettext("permanently")
        )
    elif action is Action.require_author_delete and decision.restriction_until:
        text += " " + gettext(
            "by {date}; otherwise the platform removes it", date=local(decision.restriction_until)
        )
    if decision.age_sign and action is not Action.age_restrict:  # harmful to children: 18+ (LAW-85)
        text += "; " + gettext("age sign {sign}", sign=decision.age_sign)
    return text


@dataclass(frozen=True)
class Context:
    subject_name: str  # "post", "comment", "account" or "community"
    link: str  # where the reader can read it and appeal (a path)
    base_url: str


def statement_of_reasons(decision: Decision, ctx: Context) -> str:
    """The statement of reasons to the person whose content or account the decision affects."""
    lines = [
        gettext(
            "Decision about {subject} of {date}.",
            subject=gettext(SUBJECT_NAMES.get(ctx.subject_name, SUBJECT_NAMES["post"])),
            date=local(decision.content_created_at or decision.decided_at),
        ),
        gettext("Decision: {action}.", action=action_text(decision)),
        gettext("Ground: {ground}.", ground=ground_text(decision)),
        gettext("Facts and reasons: {facts}", facts=redact(gettext(decision.facts))),
        gettext("Started by: {source}.", source=gettext(SOURCE_NAMES[Source(decision.source)])),
        gettext(
            "Automated means: detection {detection}; the decision was {decision}.",
            detection=gettext("yes") if decision.automated_detection else gettext("no"),
            decision=gettext(AUTOMATION_NAMES.get(decision.automated_decision, AUTOMATION_NAMES["not"])),
        ),
    ]
    if decision.appealable_until:
        lines.append(
            gettext(
                "You may appeal this decision until {date}; another person will review it: {url}",
                date=local(decision.appealable_until),
                url=ctx.base_url.rstrip("/") + ctx.link,
            )
        )
        if decision.automated_decision == Automation.fully:  # PDL Art. 19-1 (LAW-80)
            lines.append(gettext(AUTOMATED_OBJECTION))
    lines.append(gettext(COURT))
    return "\n\n".join(lines)


def complaint_answer(
    decision: Decision,
    ctx: Context,
    *,
    number: str,
    received_at: datetime,
    category_label: str,
    false_information: bool,
    about_platform: bool = False,
    note: str = "",
) -> str:
    """The reasoned answer to a complainant (LAW-32); a refusal about false information names the
    right to go to court (LAW-47)."""
    upheld = decision.action != Action.no_violation
    if about_platform:  # the interface or an action of the platform: examined and answered, no one restricted
        outcome = gettext("Your complaint about the platform was examined.")
    elif upheld:
        outcome = gettext("Decision: {action}.", action=action_text(decision))
    else:
        outcome = gettext("Outcome: no breach was found, and the content or account is not restricted.")
    lines = [
        gettext(
            "Answer to your complaint {number} of {date} ({category}).",
            number=number,
            date=local(received_at),
            category=category_label,
        ),
        outcome,
    ]
    if upheld:
        lines.append(gettext("Ground: {ground}.", ground=ground_text(decision)))
    lines.append(gettext("Reasons: {facts}", facts=redact(gettext(decision.facts))))
    if clean(note).strip():
        lines.append(clean(note).strip())
    if decision.appealable_until:
        lines.append(
            gettext(
                "You may appeal this decision until {date}; another person will review it: {url}",
                date=local(decision.appealable_until),
                url=ctx.base_url.rstrip("/") + ctx.link,
            )
        )
    lines.append(gettext(COURT_FALSE_INFORMATION if false_information and not upheld else COURT))
    return "\n\n".join(lines)


def appeal_answer(*, reversed_: bool, facts: str, decided_at: datetime, new_action: str | None) -> str:
    lines = [
        gettext("Your appeal was reviewed by another person on {date}.", date=local(decided_at)),
        gettext("The decision is reversed.") if reversed_ else gettext("The decision is upheld."),
    ]
    if new_action:
        lines.append(gettext("New decision: {action}.", action=new_action))
    lines.append(gettext("Reasons: {facts}", facts=redact(facts)))
    lines.append(gettext(COURT))
    return "\n\n".join(lines)
