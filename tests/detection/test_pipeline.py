"""Detection end to end: an administrator saves a rule and moves it through shadow to live; the scan job
of a new post records signals with evidence spans, and a live rule opens a moderation case (source:
detection), hides pending review or age-restricts by an automated decision. Evasions are caught and
innocent words are not."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.db import Database
from senim.models import AuditRecord, ContentItem, Decision, ItemStatus, ModerationCase, Role, Signal
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_post
from tests.fixtures.moderation import fresh, sign_in
from tests.notification.jobrunner import run_due_jobs

SUICIDE = {
    "category": "unlawful.suicide",
    "matchers": [
        {"type": "terms", "kind": "exact", "terms": ["суицид", "самоубийство"]},
        {"type": "terms", "kind": "stem", "terms": ["өзін өлтір"]},
    ],
    "action": {"type": "hide_pending_review", "priority": 1},
}
DOXXING = {
    "category": "privacy.personal_data",
    "matchers": [{"type": "pii", "kinds": ["phone", "iin"]}],
    "action": {"type": "open_case", "priority": 2},
}


def _admin(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.administrator)
    session.commit()
    sign_in(client, session, admin)


def _rule(client: TestClient, name: str, spec: dict[str, object], *, status: str | None = "live") -> None:
    saved = client.put(f"/api/v1/detection/rules/{name}", json={"spec": spec})
    assert saved.status_code == 200, saved.text
    for step in {"shadow": ["shadow"], "live": ["shadow", "live"], None: []}[status]:
        moved = client.post(f"/api/v1/detection/rules/{name}/status", json={"status": step})
        assert moved.status_code == 200, moved.text


def _post(session: Session, body: str) -> ContentItem:
    post = make_post(session, make_user(session), body)
    session.commit()
    return post


@pytest.mark.law("LAW-15")
def test_a_live_rule_hides_the_post_and_opens_a_case(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _admin(client, session)
    _rule(client, "suicide-terms", SUICIDE)
    post = _post(session, "Кеше біреу суицид туралы жазды")
    run_due_jobs(db, settings)
    signal = fresh(session).scalars(select(Signal)).one()
    assert (signal.category, signal.shadow, signal.action, signal.rule_version) == (
        "unlawful.suicide",
        False,
        "hide_pending_review",
        1,
    )
    [span] = signal.evidence
    assert post.body[span["start"] : span["end"]] == "суицид"
    case = session.scalars(select(ModerationCase)).one()
    assert (case.source, case.queue, case.priority, case.interim_hidden) == ("detection", "urgent", 1, True)
    assert session.get(ContentItem, post.id).status == ItemStatus.hidden  # type: ignore[union-attr]
    tags = {r.tag for r in session.scalars(select(AuditRecord))}
    assert {"detection_rule:save", "detection_rule:move", "signal:record", "case:open"} <= tags


@pytest.mark.law("LAW-15")
def test_a_shadow_rule_records_and_acts_on_nothing(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _admin(client, session)
    _rule(client, "suicide-terms", SUICIDE, status="shadow")
    post = _post(session, "Суицид — бұл қайғылы тақырып")
    run_due_jobs(db, settings)
    signal = fresh(session).scalars(select(Signal)).one()
    assert signal.shadow is True and signal.action is None
    assert session.scalars(select(ModerationCase)).all() == []
    assert session.get(ContentItem, post.id).status == ItemStatus.visible  # type: ignore[union-attr]


@pytest.mark.law("LAW-15")
@pytest.mark.law("LAW-09a")
@pytest.mark.parametrize(
    "body",
    [
        "с.у.и.ц.и.д туралы",  # separators inside the word
        "сyицид",  # a Latin y among Cyrillic letters
        "суууицид",  # repeated letters
        "СУИЦИД!!!",  # case
    ],
)
def test_evasions_are_caught(
    client: TestClient, session: Session, db: Database, settings: Settings, body: str
) -> None:
    _admin(client, session)
    _rule(client, "suicide-terms", SUICIDE, status="shadow")
    _post(session, body)
    run_due_jobs(db, settings)
    assert len(fresh(session).scalars(select(Signal)).all()) == 1, body


@pytest.mark.law("LAW-15")
def test_innocent_longer_words_do_not_match(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _admin(client, session)
    _rule(client, "suicide-terms", SUICIDE, status="shadow")
    _post(session, "Антисуицидальная горячая линия работает круглосуточно")
    run_due_jobs(db, settings)
    assert fresh(session).scalars(select(Signal)).all() == []


@pytest.mark.law("LAW-15")
def test_doxxing_opens_a_case_with_the_phone_as_evidence(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _admin(client, session)
    _rule(client, "doxxing", DOXXING)
    post = _post(session, "Оның телефоны +7 701 234 56 78, хабарласыңдар")
    run_due_jobs(db, settings)
    signal = fresh(session).scalars(select(Signal)).one()
    assert post.body[signal.evidence[0]["start"] : signal.evidence[0]["end"]].startswith("+7 701")
    case = session.scalars(select(ModerationCase)).one()
    assert (case.source, case.priority, case.interim_hidden) == ("detection", 2, False)


@pytest.mark.law("LAW-15")
def test_an_age_restricting_rule_takes_an_automated_decision(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _admin(client, session)
    spec = {
        "category": "children.obscene_language",
        "matchers": [{"type": "regex", "pattern": r"\bбля\w*"}],
        "action": {"type": "age_restrict", "age_sign": "18+"},
    }
    _rule(client, "obscene", spec)
    post = _post(session, "бля, опять дождь")
    run_due_jobs(db, settings)
    decision = fresh(session).scalars(select(Decision)).one()
    assert (decision.action, decision.age_sign, decision.source) == ("age_restrict", "18+", "detection")
    assert (decision.automated_detection, decision.automated_decision, decision.decided_by_id) == (
        True,
        "fully",
        None,
    )
    assert session.get(ContentItem, post.id).age_sign == "18+"  # type: ignore[union-attr]


def test_rules_are_versioned_and_refused_with_the_path_of_the_problem(
    client: TestClient, session: Session
) -> None:
    _admin(client, session)
    _rule(client, "suicide-terms", SUICIDE, status=None)
    second = client.put("/api/v1/detection/rules/suicide-terms", json={"spec": SUICIDE, "note": "again"})
    assert second.json()["version"] == 2
    bad = client.put(
        "/api/v1/detection/rules/suicide-terms",
        json={"spec": {**SUICIDE, "matchers": [{"type": "regex", "pattern": "(x"}]}},
    )
    assert bad.status_code == 422
    assert "matchers.0.regex" in bad.text
    assert client.get("/api/v1/detection/rules").json()["items"][0]["version"] == 2
    jump = client.post("/api/v1/detection/rules/suicide-terms/status", json={"status": "live"})
    assert jump.status_code == 409  # a draft never goes live without a shadow run


def test_moderators_read_the_signals_of_an_item(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _admin(client, session)
    _rule(client, "suicide-terms", SUICIDE, status="shadow")
    post = _post(session, "суицид")
    run_due_jobs(db, settings)
    sign_in(client, session, make_user(session, role=Role.moderator))
    signals = client.get(f"/api/v1/items/{post.id}/signals").json()["items"]
    assert [(s["rule"], s["shadow"]) for s in signals] == [("suicide-terms", True)]
    assert client.get(f"/api/v1/items/{uuid.uuid4()}/signals").json()["items"] == []
