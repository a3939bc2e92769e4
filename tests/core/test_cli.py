"""The `senim` command: migrate, demo, create-user, audit verify."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from senim.cli import app
from senim.models import AuditRecord, DetectionRule, Role, User

runner = CliRunner()


def test_migrate_is_idempotent(cli_env: None) -> None:
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_create_user_and_refuse_a_bad_one(cli_env: None, session: Session) -> None:
    result = runner.invoke(
        app, ["create-user", "legal1", "--role", "legal_officer", "--password", "a long enough secret"]
    )
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.username == "legal1")).one()
    assert user.role == Role.legal_officer
    audit = session.scalars(select(AuditRecord).where(AuditRecord.tag == "user:create")).one()
    assert audit.actor_label == "system:cli"
    bad = runner.invoke(app, ["create-user", "x", "--role", "user", "--password", "a long enough secret"])
    assert bad.exit_code == 2
    assert session.scalars(select(User).where(User.username == "x")).all() == []


def test_demo_prints_the_accounts_once(cli_env: None, session: Session) -> None:
    first = runner.invoke(app, ["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "aigerim" in first.output and "/login" in first.output
    second = runner.invoke(app, ["demo", "--if-empty"])
    assert "already present" in second.output
    assert len(session.scalars(select(User).where(User.username == "aigerim")).all()) == 1
    rules = session.scalars(select(DetectionRule)).all()
    assert rules and {r.status for r in rules} == {"shadow"}  # the starter packs, acting on nothing


def test_audit_verify_names_the_edited_record(cli_env: None, session: Session) -> None:
    assert runner.invoke(app, ["demo"]).exit_code == 0
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    session.execute(update(AuditRecord).where(AuditRecord.seq == 5).values(tag="user:forged"))
    session.commit()
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "#5" in broken.output
