"""Administrators edit detection rules in the console (issue 5 item 4): a new rule is saved as a draft,
a bad one is refused with the path of each problem and writes nothing, the lifecycle moves by buttons, a
backtest runs over the newest content, and no other role reaches the editor."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import AuditRecord, DetectionRule, DetectionRuleVersion, Role
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import fresh

SPEC = {
    "category": "unlawful.drugs",
    "matchers": [{"type": "terms", "kind": "lemma", "terms": ["закладка"]}],
    "action": {"type": "open_case", "priority": 2},
}


def _admin(client: TestClient, session: Session) -> str:
    login_as(client, make_user(session, role=Role.administrator))
    page = client.get("/console/detection/new")
    assert page.status_code == 200
    return csrf_from(page.text)


def test_a_rule_is_created_moved_and_backtested_in_the_console(client: TestClient, session: Session) -> None:
    make_post(session, make_user(session), "Закладки по всему городу, пиши")
    session.commit()
    csrf = _admin(client, session)
    saved = client.post(
        "/console/detection/new",
        data={"csrf_token": csrf, "name": "drugs-ru", "spec": json.dumps(SPEC), "note": "first"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].startswith(
        "/console/detection/rules/drugs-ru"
    )
    page = client.get("/console/detection/rules/drugs-ru")
    assert page.status_code == 200 and "закладка" in page.text
    moved = client.post(
        "/console/detection/rules/drugs-ru/status",
        data={"csrf_token": csrf, "status": "shadow"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert fresh(session).scalars(select(DetectionRule)).one().status == "shadow"
    again = client.post(
        "/console/detection/rules/drugs-ru",
        data={"csrf_token": csrf, "spec": json.dumps({**SPEC, "min_hits": 2}), "note": "two hits"},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert fresh(session).scalars(select(DetectionRule)).one().version == 2
    result = client.post("/console/detection/rules/drugs-ru/backtest", data={"csrf_token": csrf})
    assert result.status_code == 200 and "0 of 1 texts matched." in result.text  # min_hits is now 2
    listing = client.get("/console/detection")
    assert "drugs-ru" in listing.text
    tags = {r.tag for r in fresh(session).scalars(select(AuditRecord))}
    assert {"detection_rule:save", "detection_rule:move", "detection_rule:backtest"} <= tags


@pytest.mark.parametrize(
    ("spec", "status", "shown"),
    [
        ("{not json", 422, "not valid JSON"),
        (json.dumps({**SPEC, "category": "unlawful.nothing"}), 422, "category"),
        (json.dumps({**SPEC, "matchers": [{"type": "regex", "pattern": "("}]}), 422, "matchers.0"),
    ],
)
def test_a_bad_rule_is_refused_with_its_problem_and_writes_nothing(
    client: TestClient, session: Session, spec: str, status: int, shown: str
) -> None:
    csrf = _admin(client, session)
    refused = client.post(
        "/console/detection/new", data={"csrf_token": csrf, "name": "bad-rule", "spec": spec}
    )
    assert refused.status_code == status and shown in refused.text
    assert fresh(session).scalars(select(DetectionRuleVersion)).all() == []


def test_a_taken_name_and_a_bad_move_are_refused(client: TestClient, session: Session) -> None:
    csrf = _admin(client, session)
    data = {"csrf_token": csrf, "name": "drugs-ru", "spec": json.dumps(SPEC)}
    assert client.post("/console/detection/new", data=data, follow_redirects=False).status_code == 303
    assert client.post("/console/detection/new", data=data).status_code == 409
    live = client.post(
        "/console/detection/rules/drugs-ru/status", data={"csrf_token": csrf, "status": "live"}
    )
    assert live.status_code == 409  # a draft goes to shadow first
    assert (
        client.post(
            "/console/detection/rules/drugs-ru/status", data={"csrf_token": csrf, "status": "x"}
        ).status_code
        == 422
    )
    assert fresh(session).scalars(select(DetectionRule)).one().status == "draft"


@pytest.mark.parametrize("role", [Role.moderator, Role.safety_officer, Role.senior_moderator, Role.user])
def test_only_administrators_reach_the_editor(client: TestClient, session: Session, role: Role) -> None:
    login_as(client, make_user(session, role=role))
    assert client.get("/console/detection").status_code == 403
    assert client.get("/console/detection/new").status_code == 403
