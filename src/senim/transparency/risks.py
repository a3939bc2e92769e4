"""The risk register (LAW-37: the annual report states the systemic risks identified and the measures taken
to reduce them).

Staff with ``transparency:manage`` record a risk (title, description, category, likelihood and impact 1-5,
the mitigations, the staff member who owns it, the day it was identified), change it and close it; the
score is ``risk_policy.score``. Each change writes one audit record in the same transaction:
``risk:create`` with every field, ``risk:update`` with each changed field's old and new value (and
``reviewed_at`` when the editor marks the risk reviewed), ``risk:close`` with the closing note. The
register holds no personal data beyond the owner's account (the report names no owner). Refused input
lists every problem (422) and writes nothing. Nothing here commits.

:func:`risks_for_period` is what the annual report states about risks: every risk open at some time in a
period, or reviewed in it, with its mitigations.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from senim import audit
from senim.audit import Actor
from senim.errors import Conflict, Invalid, NotFound
from senim.kit.clock import ALMATY, today_in, utcnow
from senim.kit.text import clean
from senim.models import AccountStatus, AuditRecord, User
from senim.models.account import STAFF_ROLES
from senim.models.transparency import Risk, RiskCategory, RiskStatus
from senim.transparency import risk_policy
from senim.web.i18n import N_

MAX_TITLE = 200
MAX_TEXT = 10_000
EARLIEST = date(2000, 1, 1)
HISTORY_LIMIT = 200
# The fields an edit can change, in the order the audit record lists them.
FIELDS = ("title", "description", "category", "likelihood", "impact", "mitigations", "owner_id", "status")


class RiskInvalid(Invalid):
    code = "risk_invalid"


class RiskNotFound(NotFound):
    code = "risk_not_found"


class RiskClosed(Conflict):
    code = "risk_closed"


class RiskSort(StrEnum):
    score = "score"  # the highest score first (the default)
    score_asc = "score_asc"
    newest = "newest"  # identified most recently first
    reviewed = "reviewed"  # the longest unreviewed first


@dataclass(frozen=True)
class RiskInput:
    """A risk's fields, checked."""

    title: str
    description: str
    category: RiskCategory
    likelihood: int
    impact: int
    mitigations: str
    owner_id: uuid.UUID
    status: RiskStatus
    identified_on: date


@dataclass(frozen=True)
class PeriodRisk:
    """A risk as the annual report states it: what, how grave, what is done. No owner (a person)."""

    id: uuid.UUID
    title: str
    description: str
    category: RiskCategory
    likelihood: int
    impact: int
    score: int
    level: risk_policy.Level
    mitigations: str
    status: RiskStatus
    identified_on: date
    reviewed_at: datetime | None
    closed_at: datetime | None
    closing_note: str


def _text(value: object) -> str:
    return clean(str(value or "")).strip()


def _rating(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if risk_policy.rating_is_valid(value) else None
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if risk_policy.rating_is_valid(number) else None


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(ALMATY).date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _choice(enum: type[StrEnum], value: object) -> Any:
    try:
        return enum(str(value or "").strip())
    except ValueError:
        return None


def _value(value: object) -> object:
    """A field's value as the audit record keeps it."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class RiskService:
    # --- reading --------------------------------------------------------------------------------
    def list_all(
        self, session: Session, *, status: RiskStatus | None = None, sort: RiskSort = RiskSort.score
    ) -> list[Risk]:
        query = select(Risk)
        if status is not None:
            query = query.where(Risk.status == status)
        order: tuple[Any, ...] = {
            RiskSort.score: (Risk.score.desc(), Risk.identified_on.desc(), Risk.id),
            RiskSort.score_asc: (Risk.score, Risk.identified_on.desc(), Risk.id),
            RiskSort.newest: (Risk.identified_on.desc(), Risk.score.desc(), Risk.id),
            RiskSort.reviewed: (
                Risk.reviewed_at.is_not(None),
                Risk.reviewed_at,
                Risk.score.desc(),
                Risk.id,
            ),
        }[sort]
        return list(session.scalars(query.order_by(*order)))

    def get(self, session: Session, risk_id: uuid.UUID | str, *, for_update: bool = False) -> Risk:
        try:
            key = risk_id if isinstance(risk_id, uuid.UUID) else uuid.UUID(str(risk_id))
        except ValueError as exc:
            raise RiskNotFound(N_("No such risk.")) from exc
        query = select(Risk).where(Risk.id == key)
        if for_update:
            query = query.with_for_update()
        risk = session.scalars(query).one_or_none()
        if risk is None:
            raise RiskNotFound(N_("No such risk."))
        return risk

    def owners(self, session: Session) -> list[User]:
        """The staff who may own a risk: active staff accounts, by username."""
        return list(
            session.scalars(
                select(User)
                .where(User.role.in_(STAFF_ROLES), User.status == AccountStatus.active)
                .order_by(User.username)
            )
        )

    def history(self, session: Session, risk: Risk) -> list[AuditRecord]:
        """The risk's audit records, the latest first."""
        return list(
            session.scalars(
                select(AuditRecord)
                .where(AuditRecord.target_type == Risk.__tablename__, AuditRecord.target_id == str(risk.id))
                .order_by(AuditRecord.seq.desc())
                .limit(HISTORY_LIMIT)
            )
        )

    # --- checking -------------------------------------------------------------------------------
    def check(
        self, session: Session, data: Mapping[str, Any], *, current: RiskStatus | None = None
    ) -> RiskInput:
        """The fields sent, checked; every problem listed (422), nothing written. ``current`` is the status of
        the risk being edited (None for a new one: it starts identified, mitigating or accepted)."""
        problems: list[str] = []
        params: dict[str, Any] = {"max_title": MAX_TITLE, "max": MAX_TEXT}
        title = _text(data.get("title"))
        if not title:
            problems.append(N_("Give the risk a title."))
        elif len(title) > MAX_TITLE:
            problems.append(N_("The title is too long: at most {max_title} characters."))
        description = _text(data.get("description"))
        if not description:
            problems.append(N_("Describe the risk."))
        elif len(description) > MAX_TEXT:
            problems.append(N_("The description is too long: at most {max} characters."))
        category = _choice(RiskCategory, data.get("category"))
        if category is None:
            problems.append(N_("Choose the risk's category from the list."))
        likelihood = _rating(data.get("likelihood"))
        if likelihood is None:
            problems.append(N_("Rate the likelihood from 1 to 5."))
        impact = _rating(data.get("impact"))
        if impact is None:
            problems.append(N_("Rate the impact from 1 to 5."))
        mitigations = _text(data.get("mitigations"))
        if len(mitigations) > MAX_TEXT:
            problems.append(N_("The mitigations are too long: at most {max} characters."))
        status = _choice(RiskStatus, data.get("status") or current or RiskStatus.identified)
        if status is None or status is RiskStatus.closed:
            problems.append(N_("Choose the risk's status from the list."))
        elif current is not None and not risk_policy.can_move(current, status):
            problems.append(N_("A risk cannot go from this status to the one chosen."))
        elif status in risk_policy.NEEDS_MITIGATIONS and not mitigations:
            problems.append(
                N_("Say what is done to reduce the risk, or why it is accepted, before choosing this status.")
            )
        owner = self._owner(session, data.get("owner_id"))
        if owner is None:
            problems.append(N_("Choose the risk's owner among the active staff."))
        identified_on = _day(data.get("identified_on"))
        if identified_on is None or identified_on < EARLIEST:
            problems.append(N_("Give the day the risk was identified (a date written YYYY-MM-DD)."))
        elif identified_on > today_in():
            problems.append(N_("A risk cannot be identified on a day still to come."))
        if problems:
            raise RiskInvalid(N_("The risk is not saved."), fields=problems, **params)
        if (
            category is None
            or likelihood is None
            or impact is None
            or owner is None
            or identified_on is None
            or status is None
        ):  # every one of these added a problem above
            raise RiskInvalid(N_("The risk is not saved."), fields=problems, **params)
        return RiskInput(
            title=title,
            description=description,
            category=category,
            likelihood=likelihood,
            impact=impact,
            mitigations=mitigations,
            owner_id=owner.id,
            status=status,
            identified_on=identified_on,
        )

    def _owner(self, session: Session, value: object) -> User | None:
        try:
            owner_id = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value or "").strip())
        except ValueError:
            return None
        owner = session.get(User, owner_id)
        if owner is None or owner.role not in STAFF_ROLES or owner.status != AccountStatus.active:
            return None
        return owner

    # --- changing -------------------------------------------------------------------------------
    def create(self, session: Session, actor: User, data: Mapping[str, Any]) -> Risk:
        """Record a risk; audited ``risk:create`` with every field."""
        intake = self.check(session, data)
        risk = Risk(
            id=uuid.uuid4(),
            title=intake.title,
            description=intake.description,
            category=intake.category,
            likelihood=intake.likelihood,
            impact=intake.impact,
            score=risk_policy.score(intake.likelihood, intake.impact),
            mitigations=intake.mitigations,
            owner_id=intake.owner_id,
            status=intake.status,
            identified_on=intake.identified_on,
        )
        session.add(risk)
        session.flush()
        audit.record(
            session,
            actor=Actor.of(actor),
            tag="risk:create",
            target=risk,
            data={
                "fields": {name: _value(getattr(risk, name)) for name in (*FIELDS, "identified_on")},
                "score": risk.score,
                "law": "LAW-37",
            },
        )
        return risk

    def update(
        self,
        session: Session,
        actor: User,
        risk_id: uuid.UUID | str,
        data: Mapping[str, Any],
        *,
        reviewed: bool,
    ) -> tuple[Risk, bool]:
        """Change a risk; ``reviewed`` records that its owner or a manager has reviewed it now. Audited
        ``risk:update`` with each changed field's old and new value. Returns the risk and whether anything
        changed (an edit that changes nothing and is not a review writes nothing)."""
        risk = self.get(session, risk_id, for_update=True)
        if risk.status == RiskStatus.closed:
            raise RiskClosed(N_("This risk is closed; record it again if it comes back."))
        intake = self.check(session, data, current=RiskStatus(risk.status))
        changed: dict[str, dict[str, object]] = {}
        for name in (*FIELDS, "identified_on"):
            old, new = getattr(risk, name), getattr(intake, name)
            if _value(old) != _value(new):
                changed[name] = {"from": _value(old), "to": _value(new)}
                setattr(risk, name, new)
        if "likelihood" in changed or "impact" in changed:
            new_score = risk_policy.score(risk.likelihood, risk.impact)
            changed["score"] = {"from": risk.score, "to": new_score}
            risk.score = new_score
        if reviewed:
            now = utcnow()
            changed["reviewed_at"] = {"from": _value(risk.reviewed_at), "to": now.isoformat()}
            risk.reviewed_at = now
        if not changed:
            return risk, False
        risk.updated_at = utcnow()
        audit.record(
            session,
            actor=Actor.of(actor),
            tag="risk:update",
            target=risk,
            data={"changed": changed, "law": "LAW-37"},
        )
        return risk, True

    def close(self, session: Session, actor: User, risk_id: uuid.UUID | str, note: str) -> Risk:
        """Close a risk that is no longer one, saying why; audited ``risk:close``."""
        note = _text(note)
        if not note:
            raise RiskInvalid(N_("Say why the risk is closed."))
        if len(note) > MAX_TEXT:
            raise RiskInvalid(N_("The note is too long: at most {max} characters."), max=MAX_TEXT)
        risk = self.get(session, risk_id, for_update=True)
        if not risk_policy.can_move(RiskStatus(risk.status), RiskStatus.closed):
            raise RiskClosed(N_("This risk is closed already."))
        before = RiskStatus(risk.status)
        now = utcnow()
        risk.status, risk.closed_at, risk.closing_note, risk.updated_at = RiskStatus.closed, now, note, now
        audit.record(
            session,
            actor=Actor.of(actor),
            tag="risk:close",
            target=risk,
            data={
                "changed": {"status": {"from": before.value, "to": RiskStatus.closed.value}},
                "note": note,
                "law": "LAW-37",
            },
        )
        return risk


def _bounds(start: date | datetime, end: date | datetime) -> tuple[datetime, datetime]:
    """A period as UTC instants ``[from, to)``: a date is its whole day in Asia/Almaty (``end`` included)."""

    def instant(value: date | datetime, *, after: bool) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        day = date.fromordinal(value.toordinal() + 1) if after else value
        return datetime.combine(day, time(), tzinfo=ALMATY)

    return instant(start, after=False).astimezone(UTC), instant(end, after=True).astimezone(UTC)


def risks_for_period(session: Session, start: date | datetime, end: date | datetime) -> list[PeriodRisk]:
    """The risks the report for ``start``..``end`` states (LAW-37): every risk identified by the end of the
    period and not closed before it began, and every risk reviewed during it; the highest score first.

    ``start`` and ``end`` are dates (both included, Asia/Almaty days) or aware datetimes (``end``
    excluded)."""
    since, until = _bounds(start, end)
    last_day = (until.astimezone(ALMATY) - _ONE_MICROSECOND).date()
    open_in_period = and_(
        Risk.identified_on <= last_day,
        or_(Risk.closed_at.is_(None), Risk.closed_at >= since),
    )
    reviewed_in_period = and_(Risk.reviewed_at >= since, Risk.reviewed_at < until)
    rows = session.scalars(
        select(Risk).where(or_(open_in_period, reviewed_in_period)).order_by(Risk.score.desc(), Risk.title)
    )
    return [
        PeriodRisk(
            id=r.id,
            title=r.title,
            description=r.description,
            category=RiskCategory(r.category),
            likelihood=r.likelihood,
            impact=r.impact,
            score=r.score,
            level=risk_policy.level(r.score),
            mitigations=r.mitigations,
            status=RiskStatus(r.status),
            identified_on=r.identified_on,
            reviewed_at=r.reviewed_at,
            closed_at=r.closed_at,
            closing_note=r.closing_note,
        )
        for r in rows
    ]


_ONE_MICROSECOND = datetime.resolution
risk_service = RiskService()
