"""The moderation card on the console home: open cases, overdue ones, escalated ones."""

from __future__ import annotations

from sqlalchemy.orm import Session

from senim.account.policy import Perm
from senim.console.service import AttentionCard, AttentionRow, attention_provider
from senim.kit.clock import utcnow
from senim.models import User
from senim.moderation import repository
from senim.web.i18n import N_

QUEUE = "/console/cases"


@attention_provider("moderation", perm=Perm.moderate, order=100)
def moderation_queue(session: Session, viewer: User) -> AttentionCard:
    return AttentionCard(
        title=N_("Moderation queue"),
        link=QUEUE,
        rows=(
            AttentionRow(
                N_("Past their deadline"),
                repository.open_cases(session, overdue_at=utcnow()),
                link=QUEUE,
                urgent=True,
            ),
            AttentionRow(
                N_("Escalated to senior moderators"),
                repository.open_cases(session, escalated=True),
                link=QUEUE,
            ),
            AttentionRow(
                N_("Open cases"),
                repository.open_cases(session),
                link=QUEUE,
                oldest=repository.oldest_open(session),
                deadline=repository.nearest_due(session),
            ),
            AttentionRow(
                N_("Taken by me"),
                repository.open_cases(session, assignee_id=viewer.id),
                link=f"{QUEUE}?mine=1",
            ),
        ),
    )
