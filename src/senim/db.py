"""Engines and sessions. SQLite (WAL, foreign keys on) and PostgreSQL (psycopg 3) run the same models.

Services never commit: ``Database.transaction()`` (used by the request and job boundaries) commits on
success and rolls back on error. Opening a ``Database`` also configures the keyring of the encrypted
columns and files (``senim.kit.encrypted``) for the process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from senim.config import get_settings
from senim.kit import encrypted
from senim.kit.crypto import Keyring


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at BEGIN so two writers queue on busy_timeout instead of failing to upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class _SqliteWriterLock:
    """In one process, SQLite writers queue on a lock instead of on SQLite's busy handler, which sleeps
    up to 100 ms a try under contention.

    Taken at BEGIN (the first statement, not when a session opens, so a request still reading its body
    holds nothing) and released when the connection goes back to the pool or is invalidated — after
    COMMIT or ROLLBACK has completed, and whatever happened to the transaction. The flag lives on the
    pool's connection record, which those pool events receive even when the connection is broken.
    """

    KEY = "senim_writer_lock"
    TIMEOUT_SECONDS = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()  # not an RLock: a request's session may end on another pool thread

    @property
    def held(self) -> bool:
        return self._lock.locked()

    def begin(self, conn: Any) -> None:
        if not self._lock.acquire(timeout=self.TIMEOUT_SECONDS):
            raise TimeoutError("the database is busy: no write lock within 60 s")
        record = conn.connection._connection_record
        record.info[self.KEY] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.on_return(None, record)
            raise

    def on_return(self, _dbapi_connection: Any, record: Any, *_args: Any) -> None:
        """Pool ``checkin`` and ``invalidate``: release if this connection's transaction holds the lock."""
        if record is not None and record.info.pop(self.KEY, False):
            self._lock.release()


def make_engine(
    url: str,
    *,
    echo: bool = False,
    write: bool = True,
    autocommit: bool = False,
    writer_lock: _SqliteWriterLock | None = None,
) -> Engine:
    """An engine; on SQLite, ``write`` engines take the write lock at BEGIN (and, with ``writer_lock``,
    an in-process lock first), others read a snapshot, and ``autocommit`` ones (tests' checking
    sessions) run each statement on its own."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
            poolclass=NullPool,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        if write and writer_lock is not None:
            event.listen(engine, "begin", writer_lock.begin)
            event.listen(engine.pool, "checkin", writer_lock.on_return)
            event.listen(engine.pool, "invalidate", writer_lock.on_return)
        elif not autocommit:
            event.listen(engine, "begin", _sqlite_begin_immediate if write else _sqlite_begin_deferred)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database:
    """An engine, its session factories, and the hooks that run after a commit (worker wake-up).

    On SQLite, ``transaction(write=True)`` begins with BEGIN IMMEDIATE, so writers wait for each other
    (busy_timeout) instead of failing when a read snapshot turns into a write; read-only transactions
    (``write=False``: GET requests, reports) begin deferred and never block writers. On PostgreSQL
    both are the same engine.
    """

    def __init__(self, url: str, *, echo: bool = False, keyring: Keyring | None = None) -> None:
        """``keyring``: the keys of the encrypted columns; by default the settings' (``Settings.keyring``),
        unless the process has one already."""
        if keyring is not None:
            encrypted.configure(keyring)
        elif not encrypted.is_configured():
            encrypted.configure(get_settings().keyring)
        self.url = normalise_url(url)
        self.writer_lock = _SqliteWriterLock()
        self.engine = make_engine(self.url, echo=echo, writer_lock=self.writer_lock)
        self.read_engine = (
            make_engine(self.url, echo=echo, write=False) if self.is_sqlite_url else self.engine
        )
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        self.read_sessionmaker = sessionmaker(self.read_engine, expire_on_commit=False, autoflush=True)
        self._after_commit: list[Callable[[Session], None]] = []
        self._lock = threading.Lock()

    @property
    def is_sqlite_url(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def on_commit(self, callback: Callable[[Session], None]) -> None:
        with self._lock:
            self._after_commit.append(callback)

    def remove_on_commit(self, callback: Callable[[Session], None]) -> None:
        with self._lock:
            if callback in self._after_commit:
                self._after_commit.remove(callback)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        session = (self.sessionmaker if write else self.read_sessionmaker)()
        session.info["read_only"] = not write
        session.info["database"] = self  # a read that must store a derived copy opens its own write
        try:
            yield session
            session.commit()
        except BaseException:
            # Detach first: loaded objects keep their state for the error page instead of expiring.
            session.expunge_all()
            session.rollback()
            raise
        else:
            for callback in list(self._after_commit):
                callback(session)
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def dialect_insert(session: Session) -> Callable[..., Any]:
    """The INSERT construct of the session's database, which has ``on_conflict_do_nothing`` on both."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
