"""Profiles and communities are scanned like posts (issue 5 item 1): a new or edited display name, bio,
community name or description queues ``detection.scan``; a live rule's finding is a signal about the
account or the community and opens a case for a person (a threat to life: urgent, priority 1)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account.service import account_service
from senim.community.service import community_service
from senim.config import Settings
from senim.db import Database
from senim.models import Escalation, ModerationCase, Role, Signal
from tests.detection.test_pipeline import _admin, _rule
from tests.fixtures.builders import make_user
from tests.fixtures.moderation import fresh
from tests.notification.jobrunner import run_due_jobs

DRUGS = {
    "category": "unlawful.drugs",
    "matchers": [{"type": "terms", "kind": "lemma", "terms": ["закладка"]}],
    "action": {"type": "hide_pending_review", "priority": 2},
}
THREATS = {
    "category": "unlawful.cruelty_violence",
    "matchers": [{"type": "terms", "kind": "exact", "terms": ["убью тебя"]}],
    "action": {"type": "escalate"},
}


@pytest.mark.law("LAW-15")
def test_an_edited_profile_is_scanned_and_a_case_opens_on_the_account(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _admin(client, session)
    _rule(client, "drugs-profile", DRUGS)
    person = make_user(session)
    session.commit()
    run_due_jobs(db, settings)  # the registration-time scan finds nothing
    assert fresh(session).scalars(select(Signal)).all() == []
    account_service.update_profile(session, person, "Shop", "Закладки по городу, пиши в телеграм")
    session.commit()
    run_due_jobs(db, settings)
    signal = fresh(session).scalars(select(Signal)).one()
    assert (signal.subject, signal.account_id, signal.item_id) == ("account", person.id, None)
    start, end = signal.evidence[0]["start"], signal.evidence[0]["end"]
    assert f"Shop\n{person.bio}"[start:end] == "Закладки"
    case = session.scalars(select(ModerationCase)).one()
    assert (case.open_key, case.priority) == (f"account:{person.id}", 2)


@pytest.mark.law("LAW-19")
def test_a_threat_in_a_community_description_opens_an_urgent_case(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _admin(client, session)
    _rule(client, "threats-community", THREATS)
    owner = make_user(session, role=Role.user)
    community = community_service.create(session, owner, "almaty-chat", "Almaty chat", "Hello neighbours")
    session.commit()
    run_due_jobs(db, settings)
    assert fresh(session).scalars(select(Signal)).all() == []
    community_service.update_description(session, owner, community, "Асель, я убью тебя завтра")
    session.commit()
    run_due_jobs(db, settings)
    signal = fresh(session).scalars(select(Signal)).one()
    assert (signal.subject, signal.community_id) == ("community", community.id)
    case = session.scalars(select(ModerationCase)).one()
    assert (case.open_key, case.queue, case.priority) == (f"community:{community.id}", "urgent", 1)
    assert session.scalars(select(Escalation)).all() == []  # a person decides whether to escalate


def test_an_unchanged_profile_queues_no_scan(session: Session, db: Database, settings: Settings) -> None:
    person = make_user(session)
    session.commit()
    run_due_jobs(db, settings)
    assert account_service.update_profile(session, person, person.display_name, person.bio) == []
    session.commit()
    assert run_due_jobs(db, settings) == 0
