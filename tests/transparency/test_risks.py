"""The risk register (issue 9, LAW-37: "systemic risks identified and measures taken"): staff with
transparency:manage record, change and close risks through the console; each change is an audit record with
the fields it changed; refused input writes nothing; the report builder reads the risks of a period."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.kit.clock import today_in, utcnow
from senim.models import AuditRecord, Role, User
from senim.models.transparency import Risk, RiskCategory, RiskStatus
from senim.transparency import risk_policy
from senim.transparency.risk_policy import Level
from senim.transparency.risks import risks_for_period
from senim.web.middleware import LANG_COOKIE
from tests.fixtures.moderation import count, fresh, make_person
from tests.fixtures.moderation import sign_in as sign_in_as

BASE = "/console/transparency/risks"
READERS = {
    Role.administrator,
    Role.legal_officer,
    Role.auditor,
    Role.data_protection_officer,
    Role.safety_officer,
}
MANAGERS = {Role.administrator, Role.legal_officer}
SIGNING_IN = [r for r in Role if r not in (Role.law_enforcement, Role.integrating_platform)]


def sign_in(client: TestClient, session: Session, user: User) -> str:
    csrf = sign_in_as(client, session, user)
    client.cookies.set(LANG_COOKIE, "en")
    return csrf


def form(csrf: str, owner: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "csrf_token": csrf,
        "title": "Grooming of minors through direct messages",
        "description": "Adults contact children in comments and move them to private chats.",
        "category": "harm_to_minors",
        "likelihood": "3",
        "impact": "5",
        "mitigations": "",
        "owner_id": str(owner.id),
        "status": "identified",
        "identified_on": (today_in() - timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


def create(client: TestClient, csrf: str, owner: User, **overrides: Any) -> Risk:
    answer = client.post(f"{BASE}/new", data=form(csrf, owner, **overrides), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    risk_id = answer.headers["location"].split("?")[0].rsplit("/", 1)[1]
    return risk_of(client, risk_id)


def risk_of(client: TestClient, risk_id: str | uuid.UUID) -> Risk:
    with client.app.state.db.transaction(write=False) as s:  # type: ignore[attr-defined]
        risk = s.get(Risk, uuid.UUID(str(risk_id)))
        assert risk is not None
        s.expunge(risk)
        return risk


def audits(session: Session, tag: str | None = None) -> list[AuditRecord]:
    query = select(AuditRecord).order_by(AuditRecord.seq)
    if tag:
        query = query.where(AuditRecord.tag == tag)
    return list(fresh(session).scalars(query))


# --- policy ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "level"),
    [
        (1, 1, 1, Level.low),
        (2, 2, 4, Level.low),
        (1, 5, 5, Level.medium),
        (3, 3, 9, Level.medium),
        (2, 5, 10, Level.high),
        (4, 4, 16, Level.high),
        (4, 5, 20, Level.critical),
        (5, 5, 25, Level.critical),
    ],
)
def test_score_is_likelihood_times_impact_with_its_level(
    likelihood: int, impact: int, score: int, level: Level
) -> None:
    assert risk_policy.score(likelihood, impact) == score
    assert risk_policy.level(score) is level


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 1), (3, -1), (2, 7)])
def test_a_rating_outside_one_to_five_has_no_score(likelihood: int, impact: int) -> None:
    with pytest.raises(ValueError, match="ratings"):
        risk_policy.score(likelihood, impact)


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (RiskStatus.identified, RiskStatus.mitigating, True),
        (RiskStatus.identified, RiskStatus.accepted, True),
        (RiskStatus.identified, RiskStatus.closed, True),
        (RiskStatus.mitigating, RiskStatus.accepted, True),
        (RiskStatus.mitigating, RiskStatus.identified, False),
        (RiskStatus.accepted, RiskStatus.mitigating, True),
        (RiskStatus.accepted, RiskStatus.identified, False),
        (RiskStatus.accepted, RiskStatus.closed, True),
        (RiskStatus.closed, RiskStatus.identified, False),
        (RiskStatus.closed, RiskStatus.closed, False),
        (RiskStatus.mitigating, RiskStatus.mitigating, True),
    ],
)
def test_status_transitions(current: RiskStatus, new: RiskStatus, allowed: bool) -> None:
    assert risk_policy.can_move(current, new) is allowed


# --- recording, changing, closing --------------------------------------------------------------------


@pytest.mark.law("LAW-37")
def test_a_risk_is_recorded_changed_reviewed_and_closed_with_its_history(
    client: TestClient, session: Session
) -> None:
    legal = make_person(session, role=Role.legal_officer)
    dpo = make_person(session, role=Role.data_protection_officer)
    session.commit()
    csrf = sign_in(client, session, legal)
    risk = create(client, csrf, owner=dpo)
    assert (risk.title, risk.category, risk.likelihood, risk.impact) == (
        "Grooming of minors through direct messages",
        RiskCategory.harm_to_minors,
        3,
        5,
    )
    assert risk.score == 15 and risk.status == RiskStatus.identified and risk.owner_id == dpo.id
    assert risk.identified_on == today_in() - timedelta(days=3) and risk.reviewed_at is None
    [created] = audits(session, "risk:create")
    assert created.target_id == str(risk.id) and created.actor_id == legal.id
    assert created.data["fields"]["title"] == risk.title and created.data["score"] == 15
    assert created.data["fields"]["owner_id"] == str(dpo.id) and created.data["law"] == "LAW-37"

    # Measures start: the status, the mitigations and the likelihood change; the review is recorded.
    answer = client.post(
        f"{BASE}/{risk.id}",
        data=form(
            csrf,
            dpo,
            likelihood="2",
            status="mitigating",
            mitigations="Direct messages between adults and minors are closed by default.",
            reviewed="1",
        ),
        follow_redirects=False,
    )
    assert answer.status_code == 303 and "risk_updated" in answer.headers["location"]
    changed = risk_of(client, risk.id)
    assert changed.status == RiskStatus.mitigating and changed.score == 10 and changed.likelihood == 2
    assert changed.reviewed_at is not None
    [update] = audits(session, "risk:update")
    assert set(update.data["changed"]) == {"likelihood", "status", "mitigations", "score", "reviewed_at"}
    assert update.data["changed"]["likelihood"] == {"from": 3, "to": 2}
    assert update.data["changed"]["score"] == {"from": 15, "to": 10}
    assert update.data["changed"]["status"] == {"from": "identified", "to": "mitigating"}
    assert update.data["changed"]["mitigations"]["from"] == ""

    # The same form again, not ticked as reviewed: nothing changes, nothing is written.
    before = len(audits(session))
    answer = client.post(
        f"{BASE}/{risk.id}",
        data=form(
            csrf,
            dpo,
            likelihood="2",
            status="mitigating",
            mitigations="Direct messages between adults and minors are closed by default.",
        ),
        follow_redirects=False,
    )
    assert answer.status_code == 303 and "risk_unchanged" in answer.headers["location"]
    assert len(audits(session)) == before

    # The risk's page shows the history.
    page = client.get(f"{BASE}/{risk.id}")
    assert page.status_code == 200 and "risk:update" in page.text and "risk:create" in page.text

    answer = client.post(
        f"{BASE}/{risk.id}/close",
        data={"csrf_token": csrf, "note": "The feature was removed."},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    closed = risk_of(client, risk.id)
    assert closed.status == RiskStatus.closed and closed.closed_at is not None
    assert closed.closing_note == "The feature was removed."
    [close] = audits(session, "risk:close")
    assert close.data["changed"]["status"] == {"from": "mitigating", "to": "closed"}
    assert close.data["note"] == "The feature was removed."

    # A closed risk changes no more: 409, nothing written.
    before = len(audits(session))
    edit = client.post(f"{BASE}/{risk.id}", data=form(csrf, dpo, title="Another"), follow_redirects=False)
    again = client.post(
        f"{BASE}/{risk.id}/close", data={"csrf_token": csrf, "note": "x"}, follow_redirects=False
    )
    assert edit.status_code == 409 and again.status_code == 409
    assert len(audits(session)) == before and risk_of(client, risk.id).title == risk.title


@pytest.mark.law("LAW-37")
@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"title": "   "}, "Give the risk a title."),
        ({"title": "x" * 201}, "The title is too long"),
        ({"description": ""}, "Describe the risk."),
        ({"category": "weather"}, "Choose the risk&#39;s category from the list."),
        ({"likelihood": "6"}, "Rate the likelihood from 1 to 5."),
        ({"likelihood": "٣"}, "Rate the likelihood from 1 to 5."),
        ({"impact": "0"}, "Rate the impact from 1 to 5."),
        ({"impact": "high"}, "Rate the impact from 1 to 5."),
        ({"status": "closed"}, "Choose the risk&#39;s status from the list."),
        ({"status": "mitigating"}, "Say what is done to reduce the risk"),
        ({"owner_id": "not-an-id"}, "Choose the risk&#39;s owner among the active staff."),
        ({"owner_id": str(uuid.uuid4())}, "Choose the risk&#39;s owner among the active staff."),
        ({"identified_on": "31.12.2026"}, "Give the day the risk was identified"),
        ({"identified_on": (today_in() + timedelta(days=5)).isoformat()}, "a day still to come"),
    ],
)
def test_a_bad_risk_is_refused_and_nothing_is_written(
    client: TestClient, session: Session, change: dict[str, str], says: str
) -> None:
    admin = make_person(session, role=Role.administrator)
    session.commit()
    csrf = sign_in(client, session, admin)
    answer = client.post(f"{BASE}/new", data=form(csrf, admin, **change), follow_redirects=False)
    assert answer.status_code == 422 and says in answer.text
    assert count(session, Risk) == 0 and audits(session, "risk:create") == []


@pytest.mark.law("LAW-37")
def test_a_person_who_is_not_staff_cannot_own_a_risk_and_a_bad_edit_writes_nothing(
    client: TestClient, session: Session
) -> None:
    admin = make_person(session, role=Role.administrator)
    member = make_person(session)  # a platform user
    session.commit()
    csrf = sign_in(client, session, admin)
    answer = client.post(f"{BASE}/new", data=form(csrf, member), follow_redirects=False)
    assert answer.status_code == 422 and count(session, Risk) == 0
    risk = create(client, csrf, owner=admin)
    before = len(audits(session))
    for change in ({"owner_id": str(member.id)}, {"likelihood": "9"}, {"status": "bogus"}):
        answer = client.post(f"{BASE}/{risk.id}", data=form(csrf, admin, **change), follow_redirects=False)
        assert answer.status_code == 422, change
    blank = client.post(
        f"{BASE}/{risk.id}/close", data={"csrf_token": csrf, "note": "  "}, follow_redirects=False
    )
    assert blank.status_code == 422 and "Say why the risk is closed." in blank.text
    assert len(audits(session)) == before
    kept = risk_of(client, risk.id)
    assert kept.owner_id == admin.id and kept.likelihood == 3 and kept.status == RiskStatus.identified
    # Moving back from mitigating to identified is refused too.
    client.post(
        f"{BASE}/{risk.id}",
        data=form(csrf, admin, status="mitigating", mitigations="Filters."),
        follow_redirects=False,
    )
    back = client.post(
        f"{BASE}/{risk.id}",
        data=form(csrf, admin, status="identified", mitigations="Filters."),
        follow_redirects=False,
    )
    assert back.status_code == 422 and "cannot go from this status" in back.text
    assert risk_of(client, risk.id).status == RiskStatus.mitigating


def test_unknown_risks_are_not_found(client: TestClient, session: Session) -> None:
    admin = make_person(session, role=Role.administrator)
    session.commit()
    csrf = sign_in(client, session, admin)
    assert client.get(f"{BASE}/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{BASE}/not-a-uuid").status_code == 404
    missing = client.post(f"{BASE}/{uuid.uuid4()}", data=form(csrf, admin), follow_redirects=False)
    assert missing.status_code == 404 and count(session, Risk) == 0


def _seed(session: Session, owner: User, **fields: Any) -> Risk:
    likelihood, impact = fields.pop("likelihood", 3), fields.pop("impact", 3)
    risk = Risk(
        id=uuid.uuid4(),
        title=fields.pop("title"),
        description="d",
        category=fields.pop("category", RiskCategory.disinformation),
        likelihood=likelihood,
        impact=impact,
        score=likelihood * impact,
        owner_id=owner.id,
        identified_on=fields.pop("identified_on", date(2025, 1, 1)),
        **fields,
    )
    session.add(risk)
    session.flush()
    return risk


@pytest.mark.law("LAW-37")
def test_the_list_is_sorted_by_score_and_filtered_by_status(client: TestClient, session: Session) -> None:
    auditor = make_person(session, role=Role.auditor)
    _seed(session, auditor, title="Middling risk", likelihood=3, impact=3)
    _seed(
        session,
        auditor,
        title="Gravest risk",
        likelihood=5,
        impact=5,
        status=RiskStatus.mitigating,
        mitigations="m",
    )
    _seed(session, auditor, title="Smallest risk", likelihood=1, impact=2, status=RiskStatus.closed)
    session.commit()
    sign_in(client, session, auditor)
    page = client.get(BASE).text
    assert page.index("Gravest risk") < page.index("Middling risk") < page.index("Smallest risk")
    ascending = client.get(BASE, params={"sort": "score_asc"}).text
    assert (
        ascending.index("Smallest risk") < ascending.index("Middling risk") < ascending.index("Gravest risk")
    )
    mitigating = client.get(BASE, params={"status": "mitigating"}).text
    assert (
        "Gravest risk" in mitigating
        and "Middling risk" not in mitigating
        and "Smallest risk" not in mitigating
    )
    assert client.get(BASE, params={"status": "nonsense"}).status_code == 422
    assert client.get(BASE, params={"sort": "nonsense"}).status_code == 422
    # An auditor reads and does not get the forms.
    assert "Record a risk" not in page


@pytest.mark.law("LAW-37")
def test_risks_for_period_are_those_open_or_reviewed_in_it(session: Session) -> None:
    owner = make_person(session, role=Role.administrator)
    year_start, year_end = date(2025, 1, 1), date(2025, 12, 31)

    def at(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)

    open_long = _seed(
        session, owner, title="Open since 2024", identified_on=date(2024, 3, 1), likelihood=4, impact=4
    )
    closed_in = _seed(
        session,
        owner,
        title="Closed in June",
        identified_on=date(2024, 5, 1),
        status=RiskStatus.closed,
        closed_at=at(date(2025, 6, 1)),
        closing_note="gone",
    )
    _seed(
        session,
        owner,
        title="Closed before",
        identified_on=date(2023, 1, 1),
        status=RiskStatus.closed,
        closed_at=at(date(2024, 12, 1)),
    )
    _seed(session, owner, title="Identified after", identified_on=date(2026, 1, 2))
    identified_in = _seed(
        session,
        owner,
        title="Identified in March",
        identified_on=date(2025, 3, 1),
        status=RiskStatus.mitigating,
        mitigations="Fact-checking labels.",
        likelihood=5,
        impact=5,
    )
    session.commit()
    found = risks_for_period(session, year_start, year_end)
    assert [r.title for r in found] == ["Identified in March", "Open since 2024", "Closed in June"]
    assert found[0].mitigations == "Fact-checking labels." and found[0].level is Level.critical
    assert found[0].id == identified_in.id and found[1].id == open_long.id and found[2].id == closed_in.id
    assert found[2].closing_note == "gone" and not hasattr(found[0], "owner_id")
    # The same period given as UTC instants [start, end).
    as_instants = risks_for_period(
        session, datetime(2024, 12, 31, 19, tzinfo=UTC), datetime(2025, 12, 31, 19, tzinfo=UTC)
    )
    assert [r.title for r in as_instants] == [r.title for r in found]


# --- permissions -----------------------------------------------------------------------------------


@pytest.mark.law("LAW-37")
@pytest.mark.parametrize("role", SIGNING_IN)
def test_only_transparency_staff_read_and_only_managers_change(
    client: TestClient, session: Session, role: Role
) -> None:
    admin = make_person(session, role=Role.administrator)
    session.commit()
    risk = create(client, sign_in(client, session, admin), owner=admin)
    person = make_person(session, role=role)
    session.commit()
    csrf = sign_in(client, session, person)
    read = 200 if role in READERS else 403
    for path in (BASE, f"{BASE}/{risk.id}"):
        assert client.get(path).status_code == read, path
    manage = role in MANAGERS
    assert client.get(f"{BASE}/new").status_code == (200 if manage else 403)
    before = len(audits(session))
    writes = {
        f"{BASE}/new": form(csrf, admin, title="Another risk"),
        f"{BASE}/{risk.id}": form(csrf, admin, impact="4"),
        f"{BASE}/{risk.id}/close": {"csrf_token": csrf, "note": "No longer."},
    }
    for path, data in writes.items():
        status = client.post(path, data=data, follow_redirects=False).status_code
        assert status == (303 if manage else 403), path
    if manage:
        assert count(session, Risk) == 2 and risk_of(client, risk.id).status == RiskStatus.closed
    else:
        assert len(audits(session)) == before and count(session, Risk) == 1
        assert risk_of(client, risk.id).impact == 5


def test_visitors_are_asked_to_log_in_and_write_nothing(client: TestClient, session: Session) -> None:
    admin = make_person(session, role=Role.administrator)
    session.commit()
    risk = create(client, sign_in(client, session, admin), owner=admin)
    client.cookies.clear()
    for path in (BASE, f"{BASE}/new", f"{BASE}/{risk.id}"):
        answer = client.get(path)
        assert answer.status_code == 401 and "/login?next=" in answer.text, path
    answer = client.post(f"{BASE}/new", data=form("x", admin), follow_redirects=False)
    assert answer.status_code in (401, 403) and count(session, Risk) == 1


def test_reviewed_at_moves_when_a_manager_reviews_without_changes(
    client: TestClient, session: Session
) -> None:
    admin = make_person(session, role=Role.administrator)
    session.commit()
    csrf = sign_in(client, session, admin)
    risk = create(client, csrf, owner=admin)
    start = utcnow()
    answer = client.post(f"{BASE}/{risk.id}", data=form(csrf, admin, reviewed="1"), follow_redirects=False)
    assert answer.status_code == 303 and "risk_updated" in answer.headers["location"]
    reviewed = risk_of(client, risk.id)
    assert reviewed.reviewed_at is not None and reviewed.reviewed_at >= start - timedelta(seconds=1)
    [update] = audits(session, "risk:update")
    assert list(update.data["changed"]) == ["reviewed_at"]
