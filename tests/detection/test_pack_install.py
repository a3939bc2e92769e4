"""Starter packs are installed from the CLI or the console (issue 5 item 5): rules land in shadow (they
record and act on nothing), installing again stores new versions and keeps each rule's status, and an
installed threats pack moved live escalates an explicit threat — waiting for a safety officer, as the
pack asks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from senim.audit import Actor
from senim.cli import app
from senim.config import Settings
from senim.db import Database
from senim.detection import packs
from senim.detection.rules import RuleStatus
from senim.detection.service import detection_service
from senim.models import DetectionRule, Escalation, EscalationStatus, Role, Signal
from tests.fixtures.builders import csrf_from, make_user
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import fresh
from tests.notification.jobrunner import run_due_jobs


def test_the_cli_lists_and_installs_a_pack_in_shadow(cli_env: None, session: Session) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["detection", "packs"])
    assert listed.exit_code == 0 and all(name in listed.output for name in packs.available())
    first = runner.invoke(app, ["detection", "install-pack", "drugs"])
    assert first.exit_code == 0, first.output
    rules = fresh(session).scalars(select(DetectionRule)).all()
    assert len(rules) == len(packs.load("drugs").rules)
    assert {r.status for r in rules} == {"shadow"} and {r.version for r in rules} == {1}
    detection_service.move(session, Actor.system("test"), rules[0].name, RuleStatus.live)
    session.commit()
    again = runner.invoke(app, ["detection", "install-pack", "drugs"])
    assert again.exit_code == 0
    statuses = {r.name: (r.status, r.version) for r in fresh(session).scalars(select(DetectionRule))}
    assert statuses[rules[0].name] == ("live", 2)  # kept live, new version
    assert runner.invoke(app, ["detection", "install-pack", "no-such-pack"]).exit_code == 2


@pytest.mark.law("LAW-19")
def test_a_live_threats_pack_escalates_an_explicit_threat_only(
    session: Session, db: Database, settings: Settings
) -> None:
    detection_service.install_pack(session, Actor.system("test"), packs.load("threats"), RuleStatus.live)
    author = make_user(session)
    threat = make_post(session, author, "Сені өлтіремін, ертең мектептен кейін күтемін")
    make_post(session, author, "Мен бүгін уақытты өлтіріп отырмын, зерігіп кеттім")
    make_post(session, author, "Убить время до поезда — лучший способ почитать книгу")
    session.commit()
    run_due_jobs(db, settings)
    escalation = fresh(session).scalars(select(Escalation)).one()
    assert escalation.item_id == threat.id
    assert escalation.status == EscalationStatus.awaiting_confirmation  # the pack asks for a person
    assert {s.item_id for s in session.scalars(select(Signal))} == {threat.id}


def test_the_console_installs_a_pack(client: TestClient, session: Session) -> None:
    login_as(client, make_user(session, role=Role.administrator))
    page = client.get("/console/detection")
    assert page.status_code == 200 and "Install in shadow" in page.text
    done = client.post(
        "/console/detection/packs/gambling", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert done.status_code == 303
    assert {r.status for r in fresh(session).scalars(select(DetectionRule))} == {"shadow"}
    missing = client.post("/console/detection/packs/nothing", data={"csrf_token": csrf_from(page.text)})
    assert missing.status_code == 404
