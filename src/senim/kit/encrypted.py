"""Encrypted columns and files, with the process's keyring.

``Encrypted(purpose)`` and ``EncryptedDate(purpose)`` are SQLAlchemy types: values are encrypted on
the way into the database and decrypted on the way out (``senim.kit.crypto``), with the purpose (the
column, ``<table>.<column>``) as associated data. The keyring is configured once per process
(``senim.db.Database`` does it from the settings); without one, reading or writing an encrypted column
raises ``KeyringNotConfigured`` — a value is never written in plain text.

An encrypted column can only be compared with NULL: its ciphertext is random, so ``==``, ``LIKE`` and
``ORDER BY`` would silently find nothing or sort noise. Look values up through a blind-index column
(``blind_index``) instead.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators
from sqlalchemy.sql.operators import OperatorType

from senim.kit.crypto import Keyring

_keyring: Keyring | None = None


class KeyringNotConfigured(RuntimeError):
    pass


def configure(keyring: Keyring) -> None:
    """Use ``keyring`` for every encrypted column and file of this process."""
    global _keyring  # one keyring per process, set where the database is opened
    _keyring = keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise KeyringNotConfigured(
            "encryption keys are not configured: open the database with senim.db.Database, "
            "or call senim.kit.encrypted.configure(keyring)"
        )
    return _keyring


def is_configured() -> bool:
    return _keyring is not None


def blind_index(value: str, purpose: str) -> str:
    """The lookup index of ``value`` (already normalised) for ``purpose``."""
    return keyring().blind_index(value, purpose)


def normalise_email(value: str) -> str:
    """What an e-mail address's blind index is computed from: no surrounding spaces, lower case."""
    return value.strip().lower()


# --- files -------------------------------------------------------------------------------------------
def file_purpose(storage_key: str) -> str:
    return f"file:{storage_key}"


def seal_file(storage_key: str, data: bytes) -> bytes:
    """The bytes to store for a private document under ``storage_key``."""
    return keyring().encrypt_bytes(data, purpose=file_purpose(storage_key))


def open_file(storage_key: str, blob: bytes) -> bytes:
    """The document stored under ``storage_key`` (raises ``CryptoError`` if it does not decrypt)."""
    return keyring().decrypt_bytes(blob, purpose=file_purpose(storage_key))


def attachment_headers(filename: str) -> dict[str, str]:
    """``Content-Disposition: attachment`` for ``filename`` (RFC 6266/5987 when not plain ASCII), as
    Starlette's FileResponse writes it."""
    quoted = quote(filename)
    if quoted != filename:
        return {"content-disposition": f"attachment; filename*=utf-8''{quoted}"}
    return {"content-disposition": f'attachment; filename="{filename}"'}


# --- column types ------------------------------------------------------------------------------------
_NULL_TESTS = {operators.is_, operators.is_not}


class _Comparator(TypeDecorator.Comparator[Any]):
    def operate(self, op: OperatorType, *other: Any, **kwargs: Any) -> Any:
        null_test = op in _NULL_TESTS or (op in (operators.eq, operators.ne) and other == (None,))
        if not null_test:
            raise TypeError(
                f"an encrypted column cannot be compared or sorted ({op}): look it up by its blind index"
            )
        return super().operate(op, *other, **kwargs)


class Encrypted(TypeDecorator[str]):
    """Text encrypted at rest; ``purpose`` (``<table>.<column>``) is bound as associated data."""

    impl = Text
    cache_ok = True
    comparator_factory = _Comparator

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def __repr__(self) -> str:  # as the migrations write it
        return f"{type(self).__name__}({self.purpose!r})"

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"{self.purpose} takes text, not {type(value).__name__}")
        return keyring().encrypt(value, purpose=self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else keyring().decrypt(value, purpose=self.purpose)


class EncryptedDate(TypeDecorator[date]):
    """A date (``YYYY-MM-DD``) encrypted at rest."""

    impl = Text
    cache_ok = True
    comparator_factory = _Comparator

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def __repr__(self) -> str:  # as the migrations write it
        return f"{type(self).__name__}({self.purpose!r})"

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, date) or isinstance(value, datetime):
            raise TypeError(f"{self.purpose} takes a date, not {type(value).__name__}")
        return keyring().encrypt(value.isoformat(), purpose=self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        return None if value is None else date.fromisoformat(keyring().decrypt(value, purpose=self.purpose))
