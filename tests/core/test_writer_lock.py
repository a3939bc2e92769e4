"""The in-process SQLite writer lock is always released: after commit, rollback and a broken connection."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from senim.db import Database
from senim.migrations import upgrade


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path}/lock.db"
    upgrade(url)
    return Database(url)


def test_released_after_commit_and_after_rollback(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as s:
        s.execute(text("SELECT 1"))
        assert sqlite_db.writer_lock.held
    assert not sqlite_db.writer_lock.held

    def refused() -> None:
        with sqlite_db.transaction() as s:
            s.execute(text("SELECT 1"))
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        refused()
    assert not sqlite_db.writer_lock.held


def test_a_session_that_never_queries_takes_no_lock(sqlite_db: Database) -> None:
    with sqlite_db.transaction():
        assert not sqlite_db.writer_lock.held


def test_released_when_the_connection_is_invalidated(sqlite_db: Database) -> None:
    session = sqlite_db.sessionmaker()
    session.execute(text("SELECT 1"))
    assert sqlite_db.writer_lock.held
    session.connection().invalidate()
    with contextlib.suppress(SQLAlchemyError):
        session.rollback()
    session.close()
    assert not sqlite_db.writer_lock.held
    with sqlite_db.transaction() as s:  # and the next writer is not stuck
        assert s.execute(text("SELECT 1")).scalar() == 1


def test_writers_in_threads_take_turns(sqlite_db: Database) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for _ in range(20):
                with sqlite_db.transaction() as s:
                    s.execute(
                        text(
                            "INSERT INTO job_schedule (name, interval_seconds, next_run_at) "
                            "VALUES (:n, 1, '2026-01-01')"
                        ),
                        {"n": f"t{n}-{_}"},
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert not sqlite_db.writer_lock.held
    with sqlite_db.transaction(write=False) as s:
        assert s.execute(text("SELECT count(*) FROM job_schedule")).scalar() == 80
