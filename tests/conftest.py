"""Test harness: the same suite on SQLite and, when SENIM_TEST_DATABASE_URL is set, on PostgreSQL.

Each xdist worker gets its own database per backend, built by running the migrations once. Tests commit
for real (the app, workers and jobs all do), and every table is emptied after each test.
"""

from __future__ import annotations

import os
import uuid

os.environ["SENIM_MODE"] = "test"

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from senim.app import create_app
from senim.config import Mode, Settings, get_settings
from senim.db import Database, make_engine, normalise_url
from senim.migrations import upgrade
from senim.models import Base

get_settings.cache_clear()

PG_URL = os.environ.get("SENIM_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _backend_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("database_url") if callspec else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark PostgreSQL runs, and keep ``@pytest.mark.backend(name)`` tests to that backend only.

    A test that needs a property of one backend (several worker processes need PostgreSQL's SKIP
    LOCKED) is not collected for the other, rather than collected and skipped.
    """
    keep, dropped = [], []
    for item in items:
        backend = _backend_of(item)
        if backend == "postgresql":
            item.add_marker(pytest.mark.postgres)
        wanted = item.get_closest_marker("backend")
        if wanted is not None and backend is not None and backend != wanted.args[0]:
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:8]


def _worker_id(config: pytest.Config) -> str:
    """Unique per run and xdist worker, so parallel runs on one PostgreSQL server never share a database."""
    return f"{RUN_ID}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def _admin(sql: str) -> None:
    engine = create_engine(make_url(normalise_url(PG_URL)), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _postgres_database(name: str) -> str:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    return make_url(normalise_url(PG_URL)).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    worker = _worker_id(request.config)
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / f"senim-{worker}.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url
        return
    name = f"senim_test_{worker}"
    url = _postgres_database(name)
    upgrade(url)
    yield url
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


def _empty_all_tables(db: Database) -> None:
    """Delete every row a test left, children before parents. One query finds the tables that hold rows
    (usually a handful): deleting only from those takes a few milliseconds, where emptying all of them took
    tens (SQLite) to hundreds (PostgreSQL ``TRUNCATE``) per test."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    used_query = " UNION ALL ".join(
        f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")"  # noqa: S608 - names from our own metadata
        for n in tables
    )
    with db.engine.begin() as conn:
        used = {row[0] for row in conn.execute(text(used_query))}
        for name in tables:
            if name in used:
                conn.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - names from our own metadata


@pytest.fixture
def db(_database: Database) -> Iterator[Database]:
    yield _database
    _database._after_commit.clear()
    _empty_all_tables(_database)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        mode=Mode.test,
        database_url=database_url,
        embedded_worker=False,
        media_dir=tmp_path / "media",
        smtp_port=0,
    )


@pytest.fixture
def cli_env(database_url: str, db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The ``senim`` command reads its settings from the environment: point it at the test database."""
    monkeypatch.setenv("SENIM_DATABASE_URL", database_url)
    monkeypatch.setenv("SENIM_MODE", "test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, db, worker=False)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture(scope="session")
def _checking_engine(database_url: str) -> Iterator[Engine]:
    engine = (
        make_engine(database_url, autocommit=True)
        if database_url.startswith("sqlite")
        else create_engine(normalise_url(database_url), isolation_level="AUTOCOMMIT")
    )
    yield engine
    engine.dispose()


@pytest.fixture
def session(db: Database, _checking_engine: Engine) -> Iterator[Session]:
    """A session for arranging and checking; call ``session.commit()`` after arranging.

    Each statement runs on its own (autocommit), like READ COMMITTED: a test reading the database never
    holds a lock or a stale snapshot while the app it drives writes.
    """
    s = Session(_checking_engine, expire_on_commit=False)
    try:
        yield s
    finally:
        s.close()
