"""The schema comes from the migrations: one head, and no drift between models and migrations."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from senim.db import Database
from senim.migrations import heads
from senim.models import Base


def test_one_head() -> None:
    assert len(heads()) == 1


def test_models_match_the_migrated_schema(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations differ; run tools/regen_foundation_migration.sh: {diff}"


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/embedded.db")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()
