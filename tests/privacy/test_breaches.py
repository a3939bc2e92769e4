"""The register of personal-data breaches (issue 8, item 1): the data protection officer records a breach;
every affected person is told at once, in the app and by e-mail, with the responsible person's contact
(LAW-29); the personal-data authority gets the register entry by e-mail within one working day of
detection, Kazakhstan calendar, with the same contact (LAW-76, 77); without an address the officer is
warned and records the notice sent by another channel; the sweep warns and escalates; bad input writes
nothing; only the officer changes anything, administrators and auditors read."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.jobs import enqueue
from senim.kit.clock import ALMATY, utcnow
from senim.models import AccountStatus, AuditRecord, Breach, Job, JobStatus, Notification, Role, User
from senim.privacy import breach as breach_module
from senim.privacy.breach import (
    AUTHORITY_EMAIL_FAILED,
    CLOCK_BREACH,
    CLOCK_WARNING,
    NO_AUTHORITY_EMAIL,
    NOTIFY_AUTHORITY_JOB,
    NOTIFY_USERS_JOB,
    NUMBER_RE,
    SWEEP_JOB,
    USER_NOTICE,
    breach_service,
)
from senim.web.middleware import LANG_COOKIE
from tests.fixtures.builders import make_user
from tests.fixtures.moderation import count, fresh, make_person
from tests.fixtures.moderation import sign_in as sign_in_as
from tests.fixtures.notification import SmtpSink, smtp_sink
from tests.notification.jobrunner import run_due_jobs

AUTHORITY = "pd-breaches@gov.kz"
DPO_NAME = "Aigerim Nurlanova"
DPO_CONTACT = "dpo@senim.kz, +7 727 000 00 00"
DESCRIPTION = "A backup of the user table was readable from the internet for two hours."
MEASURES = "The bucket was closed, the keys rotated and every session ended."


def sign_in(client: TestClient, session: Session, user: User) -> str:
    """Sign ``user`` in, reading English (the tests read English wording); returns the CSRF token."""
    csrf = sign_in_as(client, session, user)
    client.cookies.set(LANG_COOKIE, "en")
    return csrf


@pytest.fixture
def sink(settings: Settings) -> Iterator[SmtpSink]:
    with smtp_sink() as s:
        settings.smtp_port = s.port
        yield s


@pytest.fixture
def configured(settings: Settings) -> Settings:
    settings.pd_authority_email = AUTHORITY
    settings.dpo_name = DPO_NAME
    settings.dpo_contact = DPO_CONTACT
    return settings


def form(csrf: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "csrf_token": csrf,
        "detected_at": (utcnow() - timedelta(hours=1)).astimezone(ALMATY).strftime("%Y-%m-%dT%H:%M"),
        "description": DESCRIPTION,
        "data_classes": ["email", "date_of_birth"],
        "affected": "listed",
        "accounts": "",
        "measures": MEASURES,
    }
    data.update(overrides)
    return data


def record(client: TestClient, csrf: str, **overrides: Any) -> str:
    """Record a breach through the console form; returns its number."""
    answer = client.post(
        "/console/privacy/breaches/new", data=form(csrf, **overrides), follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    match = re.search(r"/console/privacy/breaches/(B-[^?]+)", answer.headers["location"])
    assert match is not None
    return match.group(1)


def breach_of(session: Session, number: str) -> Breach:
    return fresh(session).scalars(select(Breach).where(Breach.number == number)).one()


def tags(session: Session) -> list[str]:
    return [r.tag for r in fresh(session).scalars(select(AuditRecord).order_by(AuditRecord.seq))]


def notices(session: Session, user: User) -> list[Notification]:
    return list(fresh(session).scalars(select(Notification).where(Notification.user_id == user.id)))


@pytest.mark.law("LAW-29")
@pytest.mark.law("LAW-76")
@pytest.mark.law("LAW-77")
@pytest.mark.law("LAW-27")
def test_a_breach_is_told_to_the_people_affected_and_to_the_authority_with_the_contact(
    client: TestClient, session: Session, db: Database, configured: Settings, sink: SmtpSink
) -> None:
    dpo = make_person(session, role=Role.data_protection_officer)
    alice = make_person(session, username="alice_kz")
    bob = make_person(session, language="kk")
    bystander = make_person(session)
    session.commit()
    csrf = sign_in(client, session, dpo)
    number = record(client, csrf, accounts=f"alice_kz, {bob.id}\n@ALICE_KZ")
    assert NUMBER_RE.fullmatch(number)
    breach = breach_of(session, number)
    assert sorted(breach.affected_ids) == sorted([str(alice.id), str(bob.id)]) and not breach.affects_all
    assert breach.data_classes == ["email", "date_of_birth"] and breach.recorded_by_id == dpo.id
    assert breach.authority_due_at == breach_module.CLOCK.due_at(breach.detected_at)
    # Both jobs were queued with the record, in its transaction.
    jobs = {j.name: j for j in fresh(session).scalars(select(Job))}
    assert NOTIFY_USERS_JOB in jobs and jobs[NOTIFY_AUTHORITY_JOB].payload == {
        "breach_id": str(breach.id),
        "to": AUTHORITY,
    }
    assert "breach:record" in tags(session)

    run_due_jobs(db, configured)

    for person in (alice, bob):
        [notice] = notices(session, person)
        assert notice.kind == USER_NOTICE
        assert notice.params["number"] == number and notice.params["what"] == DESCRIPTION
        assert (
            notice.params["measures"] == MEASURES and notice.params["contact"] == f"{DPO_NAME}, {DPO_CONTACT}"
        )
    # The classes of data come in each person's language.
    assert "E-mail address" in notices(session, alice)[0].params["data"]
    assert "Date of birth" in notices(session, alice)[0].params["data"]
    assert "Электрондық пошта" in notices(session, bob)[0].params["data"]
    assert "Туған күні" in notices(session, bob)[0].params["data"]
    assert notices(session, bystander) == []
    breach = breach_of(session, number)
    assert breach.users_notified == 2 and breach.users_notified_at is not None
    to_people = {m.rcpt_tos[0]: m for m in sink.messages if m.rcpt_tos != [AUTHORITY]}
    assert set(to_people) == {alice.email, bob.email}
    assert DPO_CONTACT in to_people[alice.email].text and DESCRIPTION in to_people[alice.email].text
    [letter] = [m for m in sink.messages if m.rcpt_tos == [AUTHORITY]]
    assert number in str(letter.message["Subject"])
    # In the operator's language (Kazakh by default).
    for expected in (number, DESCRIPTION, MEASURES, DPO_NAME, DPO_CONTACT, "Kazakhstan", "Электрондық пошта"):
        assert expected in letter.text
    assert "alice_kz" not in letter.text and alice.email not in letter.text  # the count, not who
    # The sweep records the notice the relay accepted: when it was sent, audited.
    assert breach.authority_notified_at is None
    with db.transaction() as s:
        enqueue(s, SWEEP_JOB, {"slot": "test"})
    run_due_jobs(db, configured)
    breach = breach_of(session, number)
    assert breach.authority_notified_at is not None and breach.authority_channel == f"email:{AUTHORITY}"
    assert breach.authority_notified_at <= breach.authority_due_at
    recorded = tags(session)
    assert recorded.count("breach:notify_users") == 1 and recorded.count("breach:notify_authority") == 1
    page = client.get(f"/console/privacy/breaches/{number}")
    assert page.status_code == 200 and AUTHORITY in page.text and DPO_CONTACT in page.text
    assert "alice_kz" in page.text and page.headers["cache-control"].startswith("no-store")
    listed = client.get("/console/privacy/breaches")
    assert listed.status_code == 200 and number in listed.text


@pytest.mark.law("LAW-76")
@pytest.mark.parametrize(
    ("detected", "due"),
    [
        # Friday afternoon: the working day after is Monday.
        ("2025-11-28T16:00", datetime(2025, 12, 1, 23, 59, 59, 999999, tzinfo=ALMATY)),
        # New Year's Eve: 1 and 2 January are holidays, then the weekend, then the holiday moved to Monday.
        ("2025-12-31T10:00", datetime(2026, 1, 5, 23, 59, 59, 999999, tzinfo=ALMATY)),
        # The day before Independence Day (16 December): the working day after is the 17th.
        ("2025-12-15T09:00", datetime(2025, 12, 17, 23, 59, 59, 999999, tzinfo=ALMATY)),
    ],
)
def test_the_authority_is_due_one_working_day_after_detection_in_the_kazakhstan_calendar(
    client: TestClient, session: Session, settings: Settings, detected: str, due: datetime
) -> None:
    dpo = make_person(session, role=Role.data_protection_officer)
    person = make_person(session)
    session.commit()
    csrf = sign_in(client, session, dpo)
    number = record(client, csrf, detected_at=detected, accounts=person.username)
    breach = breach_of(session, number)
    assert breach.detected_at == datetime.fromisoformat(detected).replace(tzinfo=ALMATY)
    assert breach.authority_due_at == due
    # Recorded long after: the clock had run out already, and the next sweep escalates at once.
    admin = make_user(session, role=Role.administrator)
    session.commit()
    assert breach_service.sweep(session, settings)["escalated"] == 1
    session.commit()
    assert [n.kind for n in notices(session, admin)] == [CLOCK_BREACH]


@pytest.mark.law("LAW-76")
def test_without_the_authoritys_address_the_officer_is_warned_and_records_another_channel(
    client: TestClient, session: Session, settings: Settings
) -> None:
    dpo = make_person(session, role=Role.data_protection_officer)
    other_dpo = make_person(session, role=Role.data_protection_officer)
    person = make_person(session)
    session.commit()
    csrf = sign_in(client, session, dpo)
    answer = client.post(
        "/console/privacy/breaches/new", data=form(csrf, accounts=person.username), follow_redirects=True
    )
    assert answer.status_code == 200 and "notify it by another channel" in answer.text
    number = breach_of(session, re.findall(r"B-[0-9A-Z]{4}-[0-9A-Z]{4}", answer.text)[0]).number
    assert count(session, Job, Job.name == NOTIFY_AUTHORITY_JOB) == 0
    for officer in (dpo, other_dpo):
        assert [n.kind for n in notices(session, officer)] == [NO_AUTHORITY_EMAIL]
    page = client.get(f"/console/privacy/breaches/{number}")
    assert "no address is configured" in page.text
    # Closing needs the authority's notice first.
    refused = client.post(f"/console/privacy/breaches/{number}/close", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "Notify the personal-data authority before closing" in refused.text
    empty = client.post(
        f"/console/privacy/breaches/{number}/authority", data={"csrf_token": csrf, "channel": " "}
    )
    assert empty.status_code == 422 and breach_of(session, number).authority_notified_at is None
    done = client.post(
        f"/console/privacy/breaches/{number}/authority",
        data={"csrf_token": csrf, "channel": "Letter 17/2025 handed to the authority's office"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    breach = breach_of(session, number)
    assert breach.authority_notified_at is not None
    assert breach.authority_channel == "other:Letter 17/2025 handed to the authority's office"
    again = client.post(
        f"/console/privacy/breaches/{number}/authority", data={"csrf_token": csrf, "channel": "x"}
    )
    assert again.status_code == 409
    # A breach the authority knows of: the measures are updated, then it is closed; each audited.
    updated = client.post(
        f"/console/privacy/breaches/{number}/measures",
        data={"csrf_token": csrf, "measures": MEASURES + " Passwords were reset."},
        follow_redirects=False,
    )
    assert updated.status_code == 303 and breach_of(session, number).measures.endswith(
        "Passwords were reset."
    )
    closed = client.post(
        f"/console/privacy/breaches/{number}/close",
        data={"csrf_token": csrf, "note": "No misuse found."},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    breach = breach_of(session, number)
    assert (
        breach.status == "closed"
        and breach.closed_by_id == dpo.id
        and breach.closing_note == "No misuse found."
    )
    late = client.post(
        f"/console/privacy/breaches/{number}/measures", data={"csrf_token": csrf, "measures": "x"}
    )
    assert late.status_code == 409
    recorded = tags(session)
    for tag in ("breach:record", "breach:notify_authority", "breach:update_measures", "breach:close"):
        assert recorded.count(tag) == 1, tag
    query = select(AuditRecord).where(AuditRecord.tag == "breach:notify_authority")
    other = list(fresh(session).scalars(query))
    assert other[0].data["channel"] == "other" and other[0].actor_id == dpo.id


@pytest.mark.law("LAW-76")
def test_the_sweep_warns_two_hours_before_and_escalates_after_once_each(
    client: TestClient, session: Session, settings: Settings
) -> None:
    dpo = make_person(session, role=Role.data_protection_officer)
    admin = make_user(session, role=Role.administrator)
    person = make_person(session)
    session.commit()
    csrf = sign_in(client, session, dpo)
    number = record(client, csrf, accounts=person.username)
    due = breach_of(session, number).authority_due_at
    assert breach_service.sweep(session, settings, due - timedelta(hours=3))["warned"] == 0
    assert breach_service.sweep(session, settings, due - timedelta(hours=1))["warned"] == 1
    assert breach_service.sweep(session, settings, due - timedelta(minutes=30))["warned"] == 0
    assert breach_service.sweep(session, settings, due + timedelta(minutes=1))["escalated"] == 1
    assert breach_service.sweep(session, settings, due + timedelta(hours=5)) == {
        "recorded": 0,
        "failed": 0,
        "queued": 0,
        "warned": 0,
        "escalated": 0,
    }
    session.commit()
    assert [n.kind for n in notices(session, dpo)] == [NO_AUTHORITY_EMAIL, CLOCK_WARNING, CLOCK_BREACH]
    assert [n.kind for n in notices(session, admin)] == [CLOCK_BREACH]
    recorded = tags(session)
    assert recorded.count("breach:clock_warn") == 1 and recorded.count("breach:clock_breach") == 1
    # The address configured later: the next sweep queues the e-mail; its attempts spent, the officers
    # are told to use another channel.
    settings.pd_authority_email = AUTHORITY
    assert breach_service.sweep(session, settings, due + timedelta(hours=6))["queued"] == 1
    session.commit()
    job = fresh(session).scalars(select(Job).where(Job.name == NOTIFY_AUTHORITY_JOB)).one()
    job.status = JobStatus.dead
    session.commit()
    assert breach_service.sweep(session, settings, due + timedelta(hours=7))["failed"] == 1
    assert breach_service.sweep(session, settings, due + timedelta(hours=8))["failed"] == 0
    session.commit()
    assert notices(session, dpo)[-1].kind == AUTHORITY_EMAIL_FAILED
    # The dead job purged months later: the failed e-mail is not sent again out of the blue.
    session.delete(fresh(session).get(Job, job.id))
    session.commit()
    assert breach_service.sweep(session, settings, due + timedelta(days=100))["queued"] == 0
    assert "could not be delivered" in client.get(f"/console/privacy/breaches/{number}").text
    assert "could not be delivered" in client.get(f"/console/privacy/breaches/{number}").text


@pytest.mark.law("LAW-29")
def test_all_accounts_are_told_in_batches(
    client: TestClient, session: Session, db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(breach_module, "USER_BATCH", 2)
    dpo = make_person(session, role=Role.data_protection_officer)
    people = [make_person(session) for _ in range(4)]
    suspended = make_person(session)
    suspended.status = AccountStatus.suspended
    gone = make_person(session)
    gone.status = AccountStatus.deleted
    platform = make_user(session, role=Role.integrating_platform, password=None)
    session.commit()
    csrf = sign_in(client, session, dpo)
    number = record(client, csrf, affected="all", accounts="")
    run_due_jobs(db, settings)
    told = {
        n.user_id
        for n in fresh(session).scalars(select(Notification).where(Notification.kind == USER_NOTICE))
    }
    assert told == {dpo.id, suspended.id, *(p.id for p in people)}
    assert gone.id not in told and platform.id not in told
    breach = breach_of(session, number)
    assert breach.affects_all and breach.users_notified == 6 and breach.users_notified_at is not None
    assert count(session, Job, Job.name == NOTIFY_USERS_JOB) >= 3  # one job per batch of two
    assert tags(session).count("breach:notify_users") == 1


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"detected_at": ""}, "Give the date and time the breach was detected."),
        ({"detected_at": "yesterday"}, "not a valid date and time"),
        ({"detected_at": "2999-01-01T10:00"}, "cannot have been detected in the future"),
        ({"description": "  "}, "Describe what happened."),
        ({"description": "x" * 5001}, "at most 5000 characters"),
        ({"data_classes": []}, "Choose the personal data the breach concerns."),
        ({"data_classes": ["email", "audit"]}, "Choose the personal data from the list."),
        ({"affected": ""}, "Choose whether all accounts are affected"),
        ({"accounts": ""}, "List the affected accounts"),
        ({"accounts": "nobody_here " + str(uuid.uuid4())}, "No such accounts: nobody_here"),
        ({"measures": ""}, "Describe the measures taken."),
    ],
)
def test_bad_input_is_refused_with_its_problem_and_nothing_is_written(
    client: TestClient, session: Session, change: dict[str, Any], says: str
) -> None:
    dpo = make_person(session, role=Role.data_protection_officer)
    person = make_person(session)
    session.commit()
    csrf = sign_in(client, session, dpo)
    data = form(csrf, accounts=person.username) | change
    answer = client.post("/console/privacy/breaches/new", data=data)
    assert answer.status_code == 422 and says in answer.text
    assert DESCRIPTION in answer.text or "description" in change  # what was typed comes back
    assert count(session, Breach) == 0 and count(session, Job) == 0
    assert "breach:record" not in tags(session) and notices(session, dpo) == []


@pytest.mark.law("LAW-27")
@pytest.mark.parametrize(
    ("role", "read", "manage"),
    [
        (Role.data_protection_officer, 200, True),
        (Role.administrator, 200, False),
        (Role.auditor, 200, False),
        (Role.legal_officer, 403, False),
        (Role.moderator, 403, False),
        (Role.user, 403, False),
    ],
)
def test_only_the_data_protection_officer_changes_the_register_and_few_read_it(
    client: TestClient, session: Session, settings: Settings, role: Role, read: int, manage: bool
) -> None:
    dpo = make_person(session, role=Role.data_protection_officer)
    person = make_person(session)
    session.commit()
    number = record(client, sign_in(client, session, dpo), accounts=person.username)
    csrf = sign_in(client, session, make_person(session, role=role))
    for path in ("/console/privacy", "/console/privacy/breaches", f"/console/privacy/breaches/{number}"):
        assert client.get(path).status_code == read, path
    assert client.get("/console/privacy/breaches/new").status_code == (200 if manage else 403)
    writes = {
        "/console/privacy/breaches/new": form(csrf, accounts=person.username),
        f"/console/privacy/breaches/{number}/authority": {"csrf_token": csrf, "channel": "by letter"},
        f"/console/privacy/breaches/{number}/measures": {"csrf_token": csrf, "measures": "more"},
        f"/console/privacy/breaches/{number}/close": {"csrf_token": csrf},
    }
    before = tags(session)
    for path, data in writes.items():
        status = client.post(path, data=data, follow_redirects=False).status_code
        assert status == (303 if manage else 403), path
    if not manage:
        assert tags(session) == before and count(session, Breach) == 1
        assert breach_of(session, number).measures == MEASURES
    else:
        assert count(session, Breach) == 2 and breach_of(session, number).status == "closed"
    assert client.get("/console/privacy/breaches/B-2222-2222").status_code == (404 if read == 200 else 403)


def test_a_visitor_and_an_api_token_reach_no_breach(client: TestClient, session: Session) -> None:
    from senim.account.service import account_service
    from senim.audit import Actor

    client.cookies.clear()
    assert client.get("/console/privacy/breaches").status_code == 401
    platform = make_user(session, role=Role.integrating_platform, password=None)
    issued = account_service.issue_token(
        session, Actor.system("test"), platform, name="t", scopes=["platform:push"]
    )
    session.commit()
    answer = client.get("/console/privacy/breaches", headers={"authorization": f"Bearer {issued.token}"})
    assert answer.status_code == 403
