"""The keys of the personal data encrypted at rest: what is under which key version, and rotation.

``rotate`` re-encrypts, under the current data key, every value of every encrypted column (found in the
models' metadata: the columns of type ``Encrypted``/``EncryptedDate``) and every private document
(complaint evidence, order letters) that is under an older version — or not encrypted yet. It works in
batches, each committed on its own, and skips what is already at the current version, so a run that
is interrupted continues where it stopped when it is started again. A value is replaced only if it is
still the one read (a row changed meanwhile is left to the next run). One audit record per run.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, Text, bindparam, func, select, type_coerce, update

from senim import audit
from senim.audit import Actor
from senim.config import Settings
from senim.content import media
from senim.db import Database
from senim.kit.crypto import FILE_HEADER_BYTES, CryptoError, Keyring, file_version, is_token
from senim.kit.encrypted import Encrypted, EncryptedDate, file_purpose
from senim.models import Base, ComplaintEvidence, OrderDocument

# Private documents, encrypted at rest: the models whose ``storage_key`` names a file in the media dir.
ENCRYPTED_FILES: tuple[type[ComplaintEvidence] | type[OrderDocument], ...] = (
    ComplaintEvidence,
    OrderDocument,
)
PLAIN = "plain"  # a value or file written before it was encrypted
MISSING = "missing"  # a document row whose file is not there
_VERSION = re.compile(r"v([0-9]+)\$")

Advance = Callable[[int], None]


@dataclass(frozen=True)
class EncryptedColumn:
    table: Table
    column: Column[Any]
    purpose: str

    @property
    def label(self) -> str:
        return f"{self.table.name}.{self.column.name}"

    @property
    def raw(self) -> ColumnElement[str]:
        """The stored text, not decrypted."""
        return type_coerce(self.column, Text)


def encrypted_columns() -> list[EncryptedColumn]:
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Encrypted | EncryptedDate):
                found.append(EncryptedColumn(table, column, column.type.purpose))
    return found


def _version_label(stored: str | None) -> str:
    match = _VERSION.match(stored or "")
    return f"v{match.group(1)}" if match else PLAIN


# --- status --------------------------------------------------------------------------------------------
@dataclass
class KeyStatus:
    current_version: int
    columns: dict[str, Counter[str]]  # "table.column" -> {"v1": rows, "plain": rows}
    files: Counter[str]  # {"v1": files, "plain": files, "missing": rows without their file}

    @property
    def stale(self) -> int:
        """Values and files not under the current version."""
        current = f"v{self.current_version}"
        counters = [*self.columns.values(), self.files]
        return sum(
            n for counter in counters for label, n in counter.items() if label not in (current, MISSING)
        )


def key_status(db: Database, settings: Settings, keyring: Keyring) -> KeyStatus:
    columns: dict[str, Counter[str]] = {}
    with db.transaction(write=False) as session:
        for col in encrypted_columns():
            prefixes = session.scalars(select(func.substr(col.raw, 1, 10)).where(col.raw.is_not(None)))
            columns[col.label] = Counter(_version_label(p) for p in prefixes)
    files: Counter[str] = Counter()
    for key in _storage_keys(db):
        path = media.stored_path(settings.media_dir, key)
        if path is None:
            files[MISSING] += 1
            continue
        with path.open("rb") as fh:
            version = file_version(fh.read(FILE_HEADER_BYTES))
        files[PLAIN if version is None else f"v{version}"] += 1
    return KeyStatus(keyring.current_version, columns, files)


def _storage_keys(db: Database, batch_size: int = 1000) -> Iterator[str]:
    for model in ENCRYPTED_FILES:
        last: Any = None
        while True:
            with db.transaction(write=False) as session:
                query = select(model.id, model.storage_key).order_by(model.id).limit(batch_size)
                if last is not None:
                    query = query.where(model.id > last)
                rows = session.execute(query).all()
            if not rows:
                break
            last = rows[-1][0]
            yield from (key for _id, key in rows)


# --- rotation ------------------------------------------------------------------------------------------
@dataclass
class Rotation:
    version: int
    values: int = 0  # column values re-encrypted
    files: int = 0  # documents re-encrypted
    plaintext: int = 0  # of which were not encrypted before
    failed: list[str] = field(default_factory=list)  # "table.column id" or "file key" that did not decrypt
    complete: bool = False

    def summary(self) -> dict[str, object]:
        return {
            "version": self.version,
            "values": self.values,
            "files": self.files,
            "plaintext": self.plaintext,
            "failed": len(self.failed),
            "complete": self.complete,
        }


def pending(db: Database, keyring: Keyring) -> int:
    """How many steps ``rotate`` has: column values not at the current version, and documents."""
    prefix = f"v{keyring.current_version}$"
    total = 0
    with db.transaction(write=False) as session:
        for col in encrypted_columns():
            stale = col.raw.is_not(None) & ~col.raw.startswith(prefix, autoescape=True)
            total += int(session.scalar(select(func.count()).select_from(col.table).where(stale)) or 0)
        for model in ENCRYPTED_FILES:
            total += int(session.scalar(select(func.count()).select_from(model)) or 0)
    return total


class _Limit(Exception):
    pass


def rotate(
    db: Database,
    settings: Settings,
    keyring: Keyring,
    *,
    batch_size: int = 1000,
    limit: int | None = None,
    advance: Advance | None = None,
) -> Rotation:
    """Re-encrypt every column value and document under an older version (or none) with the current key.

    ``limit``: stop after that many values and files re-encrypted (a run in parts); the result says
    whether everything is done. ``advance(n)`` is told of each step (a progress bar).
    """
    result = Rotation(version=keyring.current_version)
    step = advance or (lambda _n: None)
    try:
        for col in encrypted_columns():
            _rotate_column(db, keyring, col, result, batch_size, limit, step)
        _rotate_files(db, settings, keyring, result, batch_size, limit, step)
        result.complete = not result.failed
    except _Limit:
        pass
    finally:
        with db.transaction() as session:
            audit.record(session, actor=Actor.system("keys"), tag="keys:rotate", data=result.summary())
    return result


def _check_limit(result: Rotation, limit: int | None) -> None:
    if limit is not None and result.values + result.files >= limit:
        raise _Limit


def _rotate_column(
    db: Database,
    keyring: Keyring,
    col: EncryptedColumn,
    result: Rotation,
    batch_size: int,
    limit: int | None,
    step: Advance,
) -> None:
    (pk,) = col.table.primary_key.columns
    stale = col.raw.is_not(None) & ~col.raw.startswith(f"v{keyring.current_version}$", autoescape=True)
    # A new ciphertext is not a change of the row: columns set on update (updated_at) keep their value.
    unchanged = {c.name: c for c in col.table.columns if c.onupdate is not None}
    replace = (
        update(col.table)
        .where(pk == bindparam("b_id", type_=pk.type), col.raw == bindparam("b_old", type_=Text))
        .values({col.column.name: bindparam("b_new", type_=Text), **unchanged})
    )
    last: Any = None
    while True:
        _check_limit(result, limit)
        with db.transaction() as session:
            query = select(pk, col.raw).where(stale).order_by(pk).limit(batch_size)
            if last is not None:
                query = query.where(pk > last)
            rows = session.execute(query).all()
            if not rows:
                return
            if limit is not None:
                rows = rows[: max(limit - result.values - result.files, 0)]
            params, plain = [], 0
            for row_id, stored in rows:
                last = row_id
                try:
                    value = keyring.decrypt(stored, purpose=col.purpose) if is_token(stored) else stored
                except CryptoError:
                    result.failed.append(f"{col.label} {row_id}")
                    continue
                plain += not is_token(stored)
                new = keyring.encrypt(value, purpose=col.purpose)
                params.append({"b_id": row_id, "b_old": stored, "b_new": new})
            if params:
                # A row changed since it was read is left as it is (the next run takes it).
                done = session.connection().execute(replace, params)
                result.values += done.rowcount if done.supports_sane_multi_rowcount() else len(params)
                result.plaintext += plain
            step(len(rows))


def _rotate_files(
    db: Database,
    settings: Settings,
    keyring: Keyring,
    result: Rotation,
    batch_size: int,
    limit: int | None,
    step: Advance,
) -> None:
    for key in _storage_keys(db, batch_size):
        _check_limit(result, limit)
        path = media.stored_path(settings.media_dir, key)
        if path is None:
            step(1)
            continue
        if _rotate_file(keyring, path, key, result):
            result.files += 1
        step(1)


def _rotate_file(keyring: Keyring, path: Path, key: str, result: Rotation) -> bool:
    blob = path.read_bytes()
    version = file_version(blob)
    if version == keyring.current_version:
        return False
    purpose = file_purpose(key)
    try:
        data = blob if version is None else keyring.decrypt_bytes(blob, purpose=purpose)
    except CryptoError:
        result.failed.append(f"file {key}")
        return False
    if not path.exists():  # deleted meanwhile (an unconfirmed request purged): do not bring it back
        return False
    media.write_file(path.parent, path.name, keyring.encrypt_bytes(data, purpose=purpose))
    result.plaintext += version is None
    return True
