"""A case opened by detection shows the moderator why (issue 5 item 1): each signal's rule and version,
category, and the matched words, shadow signals marked as such."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.models import ModerationCase, Role
from tests.detection.test_pipeline import _admin, _rule
from tests.fixtures.builders import make_user
from tests.fixtures.content import login_as, make_post
from tests.notification.jobrunner import run_due_jobs

FRAUD = {
    "category": "unlawful.fraud",
    "matchers": [{"type": "terms", "kind": "lemma", "terms": ["предоплата"]}],
    "action": {"type": "open_case", "priority": 2},
}
SHADOW = {"category": "unlawful.fraud", "matchers": [{"type": "regex", "pattern": r"x10"}]}


def test_the_case_page_shows_the_signals_and_what_matched(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _admin(client, session)
    _rule(client, "fraud-prepay", FRAUD)
    _rule(client, "fraud-x10", SHADOW, status="shadow")
    make_post(session, make_user(session), "Удвою вклад x10, нужна только предоплату на карту")
    session.commit()
    run_due_jobs(db, settings)
    case = session.scalars(select(ModerationCase)).one()
    login_as(client, make_user(session, role=Role.moderator))
    page = client.get(f"/console/cases/{case.id}")
    assert page.status_code == 200
    assert "Detection signals (2)" in page.text
    assert "<mark>предоплату</mark>" in page.text and "<mark>x10</mark>" in page.text
    assert "fraud-prepay" in page.text and "shadow: recorded, no action" in page.text
