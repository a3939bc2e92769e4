"""``senim detection backtest RULE`` runs a rule over stored content before it goes live (issue 5 item 4):
it reports counts and samples, shows a progress bar, records nothing about the content, and is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from senim.audit import Actor
from senim.cli import app
from senim.detection.service import detection_service
from senim.models import AuditRecord, ModerationCase, Signal
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_post

runner = CliRunner()
SCAM = {
    "category": "unlawful.fraud",
    "matchers": [
        {"type": "terms", "kind": "lemma", "terms": ["предоплата"]},
        {"type": "regex", "pattern": r"\bx10\b"},
    ],
}


def _stored(session: Session) -> None:
    author = make_user(session)
    for body in (
        "Удвою деньги x10 за сутки, нужна только предоплату на карту",
        "Продам велосипед, без предоплаты, встреча в Алматы",
        "Бүгін ауа райы жақсы",
        "Nice weather in Astana",
    ):
        make_post(session, author, body)
    detection_service.save_rule(session, Actor.system("test"), "fraud-draft", SCAM)
    session.commit()


@pytest.mark.law("LAW-36")
def test_a_draft_rule_is_backtested_with_counts_and_samples(session: Session) -> None:
    _stored(session)
    seen: list[int] = []
    result = detection_service.backtest(
        session, Actor.system("test"), "fraud-draft", progress=seen.append, samples=1
    )
    assert result.scanned == 4 + 1 and sum(seen) == result.scanned  # four posts and their author's profile
    assert result.matched == 2
    assert result.by_matcher == {"terms:0": 2, "regex:1": 1}
    assert len(result.samples) == 1 and "[" in result.samples[0].excerpt
    assert session.scalars(select(Signal)).all() == []
    assert session.scalars(select(ModerationCase)).all() == []
    audit = session.scalars(select(AuditRecord).where(AuditRecord.tag == "detection_rule:backtest")).one()
    assert audit.data["matched"] == 2


def test_the_command_prints_the_report(cli_env: None, session: Session) -> None:
    _stored(session)
    result = runner.invoke(app, ["detection", "backtest", "fraud-draft", "--limit", "4"])
    assert result.exit_code == 0, result.output
    assert "2 of 4 texts matched" in result.output
    assert "terms:0: 2" in result.output


def test_an_unknown_rule_is_refused(cli_env: None) -> None:
    result = runner.invoke(app, ["detection", "backtest", "no-such-rule"])
    assert result.exit_code == 2 and "No such detection rule" in result.output
