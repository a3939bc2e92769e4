"""``senim transparency report --year``: builds the year's draft from the records, audited, and writes its
files; bad input exits with 2 and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from senim.cli import app as cli
from senim.models import AuditRecord
from senim.models.transparency import TransparencyReport
from tests.transparency.report_records import EXPECTED, seed_year


def _rows(session: Session) -> list[TransparencyReport]:
    session.expire_all()
    return list(session.scalars(select(TransparencyReport)))


def _builds(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).where(AuditRecord.tag == "transparency_report:build")) or 0
    )


@pytest.mark.law("LAW-37")
def test_the_command_builds_the_report_and_writes_its_files(
    cli_env: None, session: Session, tmp_path: Path
) -> None:
    seed_year(session)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["transparency", "report", "--year", "2026", "--output", str(out),
         "--format", "json", "--format", "csv", "--format", "dsa.json", "--language", "ru"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [row] = _rows(session)
    assert row.content_hash in result.output and row.status == "draft" and row.built_by_id is None
    assert _builds(session) == 1
    assert sorted(p.name for p in out.iterdir()) == [
        "senim-transparency-2026-v1-ru.csv",
        "senim-transparency-2026-v1.dsa.json",
        "senim-transparency-2026-v1.json",
    ]
    document = json.loads((out / "senim-transparency-2026-v1.json").read_text())
    assert document["content_hash"] == row.content_hash
    assert document["figures"]["complaints"] == EXPECTED["complaints"]


@pytest.mark.parametrize(
    "args",
    [
        ["--year", "2019"],
        ["--year", "2999"],
        ["--year", "2026", "--format", "docx"],
        ["--year", "2026", "--format", "html"],
        ["--year", "2026", "--language", "de"],
    ],
)
def test_bad_input_exits_with_2_and_writes_nothing(
    cli_env: None, session: Session, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["transparency", "report", *args, "--output", str(out)])
    assert result.exit_code == 2, result.output
    assert _rows(session) == [] and _builds(session) == 0 and not out.exists()
