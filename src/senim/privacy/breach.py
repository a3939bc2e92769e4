"""The register of personal-data breaches (LAW-29, LAW-76, LAW-77).

The data protection officer records a breach: when it was detected (never in the future), what happened,
which classes of personal data it touched (``inventory.BREACH_CLASSES``), whom (listed accounts or all
accounts), and the measures taken. It gets a number "B-XXXX-XXXX" and the authority's clock: one working
day from detection, Kazakhstan calendar (``kit.deadlines.RULES["breach_notice_to_authority"]``). In the
same transaction two jobs are queued:

- ``privacy.notify_breach_users`` tells every affected person at once (LAW-29), in the app and by e-mail,
  what happened, which of their data, what was done, what they can do and whom to contact; for all
  accounts it works in batches, each queueing the next; when the last batch is done the count and time are
  recorded and audited (``breach:notify_users``);
- ``privacy.notify_breach_authority`` e-mails the register entry and the responsible person's contact to
  ``SENIM_PD_AUTHORITY_EMAIL`` (LAW-76). It is an external job (no write transaction is open while the
  relay answers), so the sweep records the notice once the relay has accepted it: the time it was sent,
  audited ``breach:notify_authority``. Without an address (or once the e-mail's attempts are spent) the
  officers are told at once to notify the authority by another channel and record it on the breach's page.

The sweep (``privacy.sweep_breaches``, every 10 minutes) also warns the officers 2 hours before the
authority's due time and escalates to administrators after it. Updating the measures and closing are
audited. Nothing here commits.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim import audit
from senim.account.service import account_service
from senim.audit import Actor
from senim.config import Settings
from senim.errors import Conflict, Invalid, NotFound
from senim.jobs import enqueue
from senim.kit import deadlines
from senim.kit.clock import ALMATY, utcnow
from senim.kit.text import clean
from senim.models import AccountStatus, Breach, BreachStatus, Job, JobStatus, Priority, Role, User
from senim.models.account import EXTERNAL_ROLES
from senim.moderation.policy import tracking_number
from senim.notification.service import EMAIL_MAX_ATTEMPTS, in_language, notification_service
from senim.privacy import inventory
from senim.web.i18n import N_, gettext

CLOCK = deadlines.RULES["breach_notice_to_authority"]
NOTIFY_USERS_JOB = "privacy.notify_breach_users"
NOTIFY_AUTHORITY_JOB = "privacy.notify_breach_authority"
SWEEP_JOB = "privacy.sweep_breaches"
SYSTEM = Actor.system("breaches")
USER_BATCH = 500  # people told per job; the job queues the next batch
WARN_BEFORE = timedelta(hours=2)
MAX_TEXT = 5000
MAX_CHANNEL = 300
MAX_ACCOUNTS = 5000  # listed one by one; beyond that the breach concerns "all accounts"
NUMBER_RE = re.compile(r"B-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")
EARLIEST = datetime(2000, 1, 1, tzinfo=ALMATY)
CLOCK_SKEW = timedelta(minutes=2)  # a browser's clock a little ahead is not "the future"
TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
ACCOUNT_SEPARATORS = re.compile(r"[\s,;]+")

# The notice to each affected person (LAW-29); the classes and the advice come in their own language.
USER_NOTICE = N_(
    "Breach {number}: the confidentiality of your personal data was breached. What happened: {what} "
    "Your data concerned: {data}. What we did: {measures} What you can do: {advice} Contact: {contact}"
)
ADVICE = N_(
    "change your password, be wary of messages that ask for your password or your data, and ask us what "
    "data we hold about you or have them corrected, blocked or destroyed."
)
# Notices to the data protection officers (and administrators when the clock has run out).
NO_AUTHORITY_EMAIL = N_(
    "Breach {number}: no e-mail address of the personal-data authority is configured. Notify the "
    "authority by another channel by {due} and record it on the breach's page."
)
AUTHORITY_EMAIL_FAILED = N_(
    "Breach {number}: the e-mail to the personal-data authority could not be delivered. Notify the "
    "authority by another channel by {due} and record it on the breach's page."
)
CLOCK_WARNING = N_("Breach {number}: the personal-data authority must be notified by {due}, and is not yet.")
CLOCK_BREACH = N_(
    "Breach {number}: the working day to notify the personal-data authority ended at {due} without a notice."
)
# The e-mail to the personal-data authority (LAW-76), in the operator's default language.
OPERATOR = N_("{name}, BIN {bin}")
AUTHORITY_SUBJECT = N_("{operator}: breach of the security of personal data {number}")
AUTHORITY_INTRO = N_(
    "Notice of a breach of the security of personal data, within one working day of its detection "
    "(Personal Data Law, Art. 25(2)(8)). The entry of the register of breaches:"
)
ALL_ACCOUNTS = N_("All accounts ({n})")
NOT_CONFIGURED = N_("not configured")


class BreachInvalid(Invalid):
    code = "breach_invalid"


class BreachNotFound(NotFound):
    code = "breach_not_found"


class BreachClosed(Conflict):
    code = "breach_closed"


@dataclass(frozen=True)
class Intake:
    detected_at: datetime
    description: str
    data_classes: list[str]
    affects_all: bool
    affected_ids: list[uuid.UUID]
    measures: str


def parse_time(value: object) -> datetime | None:
    """A time typed in a form (Asia/Almaty when it names no zone, as ``datetime-local`` sends it), or an
    aware datetime; None when it is not one."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=ALMATY)
    text = str(value or "").strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        for fmt in TIME_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - the zone is set just below
                break
            except ValueError:
                continue
        else:
            return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=ALMATY)


def _text(value: object) -> str:
    return clean(str(value or "")).strip()


def _digest(text: str) -> str:
    """The audit log keeps a digest of the officer's free text (it holds no personal data); the breach's
    row keeps the text."""
    return hashlib.sha256(text.encode()).hexdigest()


def local(value: datetime) -> str:
    """A time as read in Kazakhstan, the same in every language: "2026-11-30 23:59 (Asia/Almaty)"."""
    return value.astimezone(ALMATY).strftime("%Y-%m-%d %H:%M") + " (Asia/Almaty)"


class BreachService:
    # --- recording ----------------------------------------------------------------------------
    def check(self, session: Session, data: Mapping[str, Any], now: datetime) -> Intake:
        """What the officer sent, checked; every problem is listed (422) and nothing is written."""
        problems: list[str] = []
        params: dict[str, Any] = {"max": MAX_TEXT, "max_accounts": MAX_ACCOUNTS, "unknown": ""}
        raw_time = data.get("detected_at")
        detected = parse_time(raw_time)
        if raw_time is None or (isinstance(raw_time, str) and not raw_time.strip()):
            problems.append(N_("Give the date and time the breach was detected."))
        elif detected is None or detected < EARLIEST:
            problems.append(N_("The time of detection is not a valid date and time."))
        elif detected > now + CLOCK_SKEW:
            problems.append(N_("A breach cannot have been detected in the future."))
        description = _text(data.get("description"))
        if not description:
            problems.append(N_("Describe what happened."))
        elif len(description) > MAX_TEXT:
            problems.append(N_("The description is too long: at most {max} characters."))
        raw_classes = data.get("data_classes") or []
        classes = [raw_classes] if isinstance(raw_classes, str) else [str(c) for c in raw_classes]
        if not classes:
            problems.append(N_("Choose the personal data the breach concerns."))
        elif any(c not in inventory.BY_KEY or not inventory.BY_KEY[c].in_breach for c in classes):
            problems.append(N_("Choose the personal data from the list."))
        scope = str(data.get("affected") or "")
        ids: list[uuid.UUID] = []
        if scope not in ("all", "listed"):
            problems.append(N_("Choose whether all accounts are affected or only those you list."))
        elif scope == "listed":
            ids, unknown, too_many = self._accounts(session, str(data.get("accounts") or ""))
            if too_many:
                problems.append(N_("List at most {max_accounts} accounts, or choose all accounts."))
            elif unknown:
                params["unknown"] = ", ".join(unknown[:20])
                problems.append(N_("No such accounts: {unknown}."))
            elif not ids:
                problems.append(N_("List the affected accounts (usernames or ids), or choose all accounts."))
        measures = _text(data.get("measures"))
        if not measures:
            problems.append(N_("Describe the measures taken."))
        elif len(measures) > MAX_TEXT:
            problems.append(N_("The measures are too long: at most {max} characters."))
        if problems or detected is None:
            raise BreachInvalid(N_("The breach is not recorded."), fields=problems, **params)
        return Intake(
            detected_at=detected.astimezone(now.tzinfo),
            description=description,
            data_classes=sorted(set(classes), key=list(inventory.BY_KEY).index),
            affects_all=scope == "all",
            affected_ids=ids,
            measures=measures,
        )

    def _accounts(self, session: Session, text: str) -> tuple[list[uuid.UUID], list[str], bool]:
        """The accounts named by usernames or ids; the names that match none; whether there are too many."""
        tokens = list(dict.fromkeys(t for t in ACCOUNT_SEPARATORS.split(text) if t))
        if len(tokens) > MAX_ACCOUNTS:
            return [], [], True
        found: dict[uuid.UUID, None] = {}
        unknown = []
        for token in tokens:
            try:
                user_id: uuid.UUID | None = uuid.UUID(token)
            except ValueError:
                user_id = None
            if user_id is not None and session.get(User, user_id) is None:
                user_id = None
            if user_id is None:
                user_id = session.scalar(select(User.id).where(User.username == token.lstrip("@").lower()))
            if user_id is None:
                unknown.append(token)
            else:
                found[user_id] = None
        return list(found), unknown, False

    def record(self, session: Session, officer: User, data: Mapping[str, Any], settings: Settings) -> Breach:
        """Record a breach with its clock; tell the affected people and the authority at once (jobs)."""
        now = utcnow()
        intake = self.check(session, data, now)
        breach = Breach(
            id=uuid.uuid4(),
            number=self._number(session),
            detected_at=intake.detected_at,
            description=intake.description,
            data_classes=intake.data_classes,
            affected_ids=[str(i) for i in intake.affected_ids],
            affects_all=intake.affects_all,
            measures=intake.measures,
            recorded_by_id=officer.id,
            authority_due_at=CLOCK.due_at(intake.detected_at),
            status=BreachStatus.open,
        )
        session.add(breach)
        session.flush()
        audit.record(
            session,
            actor=Actor.of(officer),
            tag="breach:record",
            target=breach,
            data={
                "number": breach.number,
                "detected_at": breach.detected_at,
                "data_classes": breach.data_classes,
                "affects_all": breach.affects_all,
                "affected": len(intake.affected_ids),
                "authority_due_at": breach.authority_due_at,
                "law": ["LAW-29", "LAW-76"],
            },
        )
        enqueue(
            session,
            NOTIFY_USERS_JOB,
            {"breach_id": str(breach.id)},
            idempotency_key=f"{NOTIFY_USERS_JOB}:{breach.id}:first",
            priority=Priority.high,
        )
        if settings.pd_authority_email:
            self._queue_authority_email(session, breach, settings.pd_authority_email)
        else:
            self._tell_officers(session, breach, NO_AUTHORITY_EMAIL)
        return breach

    def _number(self, session: Session) -> str:
        while True:
            number = tracking_number(secrets.token_bytes(8), prefix="B")
            if session.scalar(select(Breach.id).where(Breach.number == number)) is None:
                return number

    def authority_job_key(self, breach: Breach) -> str:
        return f"{NOTIFY_AUTHORITY_JOB}:{breach.id}"

    def _queue_authority_email(self, session: Session, breach: Breach, to: str) -> None:
        # The authority's address is not personal data; the job sends to the address it was queued with.
        enqueue(
            session,
            NOTIFY_AUTHORITY_JOB,
            {"breach_id": str(breach.id), "to": to},
            idempotency_key=self.authority_job_key(breach),
            priority=Priority.high,
            max_attempts=EMAIL_MAX_ATTEMPTS,
        )

    def _tell_officers(self, session: Session, breach: Breach, message: str, *, admins: bool = False) -> None:
        roles = (
            (Role.data_protection_officer, Role.administrator) if admins else (Role.data_protection_officer,)
        )
        for officer in account_service.active_with_roles(session, *roles):
            notification_service.notify(
                session,
                officer,
                message,
                {"number": breach.number, "due": local(breach.authority_due_at)},
                link=f"/console/privacy/breaches/{breach.number}",
            )

    # --- telling the affected people (LAW-29) --------------------------------------------------
    def contact(self, settings: Settings) -> str:
        """The person responsible for organising the processing of personal data, and their contact."""
        return ", ".join(x for x in (settings.dpo_name.strip(), settings.dpo_contact.strip()) if x) or (
            settings.operator_name
        )

    def notify_users(
        self, session: Session, breach_id: uuid.UUID, settings: Settings, after: str | None
    ) -> int:
        """One batch of the affected people (accounts not deleted; for all accounts, people rather than
        external principals), after the account id ``after``: each gets the notice in the app and by
        e-mail. Queues the next batch, or records the whole count. Returns how many were told."""
        breach = session.scalars(select(Breach).where(Breach.id == breach_id).with_for_update()).one_or_none()
        if breach is None or breach.users_notified_at is not None:
            return 0
        cursor = uuid.UUID(after) if after else None
        if breach.affects_all:
            query = select(User).where(User.status != AccountStatus.deleted, User.role.not_in(EXTERNAL_ROLES))
            if cursor is not None:
                query = query.where(User.id > cursor)
            people = list(session.scalars(query.order_by(User.id).limit(USER_BATCH)))
            more = len(people) == USER_BATCH
            last = people[-1].id if people else None
        else:
            ids = sorted(uuid.UUID(i) for i in breach.affected_ids)
            if cursor is not None:
                ids = [i for i in ids if i > cursor]
            chunk, more = ids[:USER_BATCH], len(ids) > USER_BATCH
            last = chunk[-1] if chunk else None
            people = list(
                session.scalars(
                    select(User)
                    .where(User.id.in_(chunk), User.status != AccountStatus.deleted)
                    .order_by(User.id)
                )
            )
        contact = self.contact(settings)
        for person in people:
            with in_language(person.language):
                data = inventory.labels(breach.data_classes)
                advice = gettext(ADVICE)
            notification_service.notify(
                session,
                person,
                USER_NOTICE,
                {
                    "number": breach.number,
                    "what": breach.description,
                    "data": data,
                    "measures": breach.measures,
                    "advice": advice,
                    "contact": contact,
                },
            )
        breach.users_notified += len(people)
        if more and last is not None:
            enqueue(
                session,
                NOTIFY_USERS_JOB,
                {"breach_id": str(breach.id), "after": str(last)},
                idempotency_key=f"{NOTIFY_USERS_JOB}:{breach.id}:{last}",
                priority=Priority.high,
            )
            return len(people)
        breach.users_notified_at = utcnow()
        audit.record(
            session,
            actor=SYSTEM,
            tag="breach:notify_users",
            target=breach,
            data={"number": breach.number, "notified": breach.users_notified, "law": "LAW-29"},
        )
        return len(people)

    # --- telling the authority (LAW-76) ---------------------------------------------------------
    def affected_count(self, session: Session, breach: Breach) -> int:
        if not breach.affects_all:
            return len(breach.affected_ids)
        count = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.status != AccountStatus.deleted, User.role.not_in(EXTERNAL_ROLES))
        )
        return int(count or 0)

    def authority_email(self, session: Session, breach: Breach, settings: Settings) -> tuple[str, str]:
        """Subject and body of the notice to the personal-data authority: the register entry (the number of
        accounts, not who they are) and the responsible person's contact. Read-only."""
        count = self.affected_count(session, breach)
        with in_language(settings.default_language):
            subject = gettext(AUTHORITY_SUBJECT, operator=settings.operator_name, number=breach.number)
            affected = gettext(ALL_ACCOUNTS, n=count) if breach.affects_all else str(count)
            rows = [
                (N_("Register number"), breach.number),
                (N_("Operator"), gettext(OPERATOR, name=settings.operator_name, bin=settings.operator_bin)),
                (N_("Detected"), local(breach.detected_at)),
                (N_("Recorded"), local(breach.created_at)),
                (N_("What happened"), breach.description),
                (N_("Personal data concerned"), inventory.labels(breach.data_classes)),
                (N_("Accounts affected"), affected),
                (N_("Measures taken"), breach.measures),
                (
                    N_("Affected people told"),
                    local(breach.users_notified_at) if breach.users_notified_at else "—",
                ),
                (
                    N_("Person responsible for organising the processing of personal data"),
                    settings.dpo_name or gettext(NOT_CONFIGURED),
                ),
                (N_("Their contact"), settings.dpo_contact or gettext(NOT_CONFIGURED)),
                (N_("Where the personal data are stored"), settings.data_location),
            ]
            lines = [gettext(AUTHORITY_INTRO), ""] + [f"{gettext(label)}: {value}" for label, value in rows]
        return subject, "\n".join(lines) + "\n"

    def authority_job(self, session: Session, breach: Breach) -> Job | None:
        return session.scalars(
            select(Job).where(Job.idempotency_key == self.authority_job_key(breach))
        ).first()

    def record_authority_notice(self, session: Session, officer: User, number: str, channel: str) -> Breach:
        """The officer notified the authority by another channel (a letter, the authority's portal): how,
        recorded now, audited. Refused once a notice is on record."""
        channel = _text(channel)
        if not channel:
            raise BreachInvalid(N_("Say how the authority was notified (channel, reference, whom)."))
        if len(channel) > MAX_CHANNEL:
            raise BreachInvalid(N_("Say how in at most {max} characters."), max=MAX_CHANNEL)
        breach = self.get(session, number, for_update=True)
        if breach.authority_notified_at is not None:
            raise BreachClosed(N_("The authority's notice of this breach is recorded already."))
        breach.authority_notified_at = utcnow()
        breach.authority_channel = f"other:{channel}"
        audit.record(
            session,
            actor=Actor.of(officer),
            tag="breach:notify_authority",
            target=breach,
            data={
                "number": breach.number,
                "channel": "other",
                "how_sha256": _digest(channel),
                "within_deadline": breach.authority_notified_at <= breach.authority_due_at,
                "law": "LAW-76",
            },
        )
        return breach

    # --- changes --------------------------------------------------------------------------------
    def update_measures(self, session: Session, officer: User, number: str, measures: str) -> Breach:
        measures = _text(measures)
        if not measures:
            raise BreachInvalid(N_("Describe the measures taken."))
        if len(measures) > MAX_TEXT:
            raise BreachInvalid(N_("The measures are too long: at most {max} characters."), max=MAX_TEXT)
        breach = self.get(session, number, for_update=True)
        if breach.status != BreachStatus.open:
            raise BreachClosed(N_("This breach is closed."))
        if measures == breach.measures:
            return breach
        breach.measures = measures
        audit.record(
            session,
            actor=Actor.of(officer),
            tag="breach:update_measures",
            target=breach,
            data={"number": breach.number, "length": len(measures), "sha256": _digest(measures)},
        )
        return breach

    def close(self, session: Session, officer: User, number: str, note: str) -> Breach:
        """Close a breach whose authority notice is on record, with the officer's note."""
        note = _text(note)
        if len(note) > MAX_TEXT:
            raise BreachInvalid(N_("The note is too long: at most {max} characters."), max=MAX_TEXT)
        breach = self.get(session, number, for_update=True)
        if breach.status != BreachStatus.open:
            raise BreachClosed(N_("This breach is closed."))
        if breach.authority_notified_at is None:
            raise BreachClosed(N_("Notify the personal-data authority before closing the breach."))
        breach.status, breach.closed_at, breach.closed_by_id = BreachStatus.closed, utcnow(), officer.id
        breach.closing_note = note
        audit.record(
            session,
            actor=Actor.of(officer),
            tag="breach:close",
            target=breach,
            data={"number": breach.number, "note_sha256": _digest(note) if note else None},
        )
        return breach

    # --- the sweep --------------------------------------------------------------------------------
    def sweep(self, session: Session, settings: Settings, now: datetime | None = None) -> dict[str, int]:
        """Record authority e-mails the relay accepted; tell the officers of e-mails that failed; queue the
        e-mail of a breach recorded before the address was configured; warn the officers 2 hours before
        the authority's due time and escalate (administrators too) after it. Each once, audited."""
        now = now or utcnow()
        done = {"recorded": 0, "failed": 0, "queued": 0, "warned": 0, "escalated": 0}
        waiting = (
            select(Breach)
            .where(Breach.status == BreachStatus.open, Breach.authority_notified_at.is_(None))
            .order_by(Breach.authority_due_at)
            .with_for_update(skip_locked=True)
        )
        for breach in session.scalars(waiting):
            job = self.authority_job(session, breach)
            if job is None:
                # Never again once the e-mail failed (its dead job may be purged since): the officers know.
                if settings.pd_authority_email and breach.authority_failed_at is None:
                    self._queue_authority_email(session, breach, settings.pd_authority_email)
                    done["queued"] += 1
            elif job.status == JobStatus.succeeded:
                breach.authority_notified_at = job.finished_at or now
                breach.authority_channel = f"email:{job.payload.get('to', '')}"
                audit.record(
                    session,
                    actor=SYSTEM,
                    tag="breach:notify_authority",
                    target=breach,
                    data={
                        "number": breach.number,
                        "channel": "email",
                        "to": job.payload.get("to", ""),
                        "sent_at": breach.authority_notified_at,
                        "within_deadline": breach.authority_notified_at <= breach.authority_due_at,
                        "law": "LAW-76",
                    },
                )
                done["recorded"] += 1
                continue
            elif job.status in (JobStatus.dead, JobStatus.cancelled) and breach.authority_failed_at is None:
                breach.authority_failed_at = now
                self._alert(
                    session, breach, "breach:authority_email_failed", AUTHORITY_EMAIL_FAILED, job_id=job.id
                )
                done["failed"] += 1
            if breach.escalated_at is None and breach.authority_due_at <= now:
                breach.escalated_at = now
                self._alert(session, breach, "breach:clock_breach", CLOCK_BREACH, admins=True)
                done["escalated"] += 1
            elif (
                breach.warned_at is None
                and breach.escalated_at is None
                and breach.authority_due_at - WARN_BEFORE <= now < breach.authority_due_at
            ):
                breach.warned_at = now
                self._alert(session, breach, "breach:clock_warn", CLOCK_WARNING)
                done["warned"] += 1
        return done

    def _alert(
        self, session: Session, breach: Breach, tag: str, message: str, *, admins: bool = False, **data: Any
    ) -> None:
        """One of the sweep's alerts: audited by the system (with the due time, or what ``data`` names) and
        told to the officers (and administrators)."""
        audit.record(
            session,
            actor=SYSTEM,
            tag=tag,
            target=breach,
            data={"number": breach.number, **(data or {"due_at": breach.authority_due_at})},
        )
        self._tell_officers(session, breach, message, admins=admins)

    # --- reading ----------------------------------------------------------------------------------
    def list_all(self, session: Session, limit: int = 500) -> list[Breach]:
        """Open breaches first, the latest detected first."""
        return list(
            session.scalars(
                select(Breach)
                .order_by(Breach.status != BreachStatus.open, Breach.detected_at.desc())
                .limit(limit)
            )
        )

    def get(self, session: Session, number: str, *, for_update: bool = False) -> Breach:
        number = number.strip().upper()
        if not NUMBER_RE.fullmatch(number):
            raise BreachNotFound(N_("No such breach."))
        query = select(Breach).where(Breach.number == number)
        if for_update:
            query = query.with_for_update()
        breach = session.scalars(query).one_or_none()
        if breach is None:
            raise BreachNotFound(N_("No such breach."))
        return breach

    def affected_people(self, session: Session, breach: Breach, limit: int = 200) -> list[User]:
        """The listed accounts, for the officer's page (the first ``limit``)."""
        ids = [uuid.UUID(i) for i in breach.affected_ids[:limit]]
        return (
            list(session.scalars(select(User).where(User.id.in_(ids)).order_by(User.username))) if ids else []
        )


breach_service = BreachService()
