"""Hash banks of known images: created, filled by importing hash lists, exported, and compiled into the
matching indexes the engine uses (cached by bank version). Every change is audited."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from senim import audit
from senim.audit import Actor
from senim.db import dialect_insert
from senim.detection import hashlist
from senim.detection.errors import BankExists, BankInvalid, BankNotFound
from senim.detection.hashlist import HashEntry, HashIndex, HashKind
from senim.kit.text import clean
from senim.models import HashBank, HashBankEntry

BANK_NAME = re.compile(r"[a-z][a-z0-9_.-]{2,63}")
MAX_IMPORT_PROBLEMS = 50  # shown to the importer; the count says how many in all

_indexes: dict[tuple[uuid.UUID, int], HashIndex] = {}
_lock = threading.Lock()


class HashBankService:
    def banks(self, session: Session) -> list[tuple[HashBank, int]]:
        """Every bank with its number of entries."""
        query = select(HashBankEntry.bank_id, func.count()).group_by(HashBankEntry.bank_id)
        counts = {row[0]: row[1] for row in session.execute(query)}
        return [(b, counts.get(b.id, 0)) for b in session.scalars(select(HashBank).order_by(HashBank.name))]

    def get(self, session: Session, name: str) -> HashBank:
        bank = session.scalars(select(HashBank).where(HashBank.name == name)).one_or_none()
        if bank is None:
            raise BankNotFound("No such hash bank.")
        return bank

    def missing(self, session: Session, names: Iterable[str]) -> list[str]:
        wanted = set(names)
        found = set(session.scalars(select(HashBank.name).where(HashBank.name.in_(wanted))))
        return sorted(wanted - found)

    def create(self, session: Session, actor: Actor, name: str, description: str = "") -> HashBank:
        if not BANK_NAME.fullmatch(name):
            raise BankInvalid(
                "A bank name is 3 to 64 lower-case letters, digits, dots, dashes or underscores."
            )
        if session.scalar(select(HashBank.id).where(HashBank.name == name)) is not None:
            raise BankExists("A hash bank with this name exists already.")
        bank = HashBank(id=uuid.uuid4(), name=name, description=clean(description).strip()[:500], version=1)
        session.add(bank)
        session.flush()
        audit.record(session, actor=actor, tag="hash_bank:create", target=bank, data={"name": name})
        return bank

    def import_list(
        self, session: Session, actor: Actor, name: str, text: str, default_kind: HashKind | None = None
    ) -> int:
        """Add the entries of a hash list (CSV or JSON, see ``hashlist``) to a bank; entries it holds
        already are skipped. A list with any problem adds nothing (422 naming each line). Returns how
        many entries were added."""
        bank = self.get(session, name)
        parsed = hashlist.parse_hash_list(text, default_kind=default_kind)
        if parsed.problems:
            raise BankInvalid(
                "The hash list has {n} problems; nothing was imported.",
                n=len(parsed.problems),
                fields=parsed.problems[:MAX_IMPORT_PROBLEMS],
            )
        if not parsed.entries:
            raise BankInvalid("The hash list holds no hashes.")
        rows = [
            {
                "id": uuid.uuid4(),
                "bank_id": bank.id,
                "kind": str(e.kind),
                "hash": e.hash,
                "note": (e.note or "")[:500],
                "added_by_id": actor.id,
            }
            for e in parsed.entries
        ]
        before = self._count(session, bank)
        for start in range(0, len(rows), 1_000):
            insert = dialect_insert(session)(HashBankEntry).values(rows[start : start + 1_000])
            session.execute(insert.on_conflict_do_nothing(index_elements=["bank_id", "kind", "hash"]))
        added = self._count(session, bank) - before
        if added:
            bank.version += 1
        audit.record(
            session,
            actor=actor,
            tag="hash_bank:import",
            target=bank,
            data={"read": len(parsed.entries), "added": added, "version": bank.version},
        )
        return added

    def remove(self, session: Session, actor: Actor, name: str, kind: HashKind, value: str) -> bool:
        bank = self.get(session, name)
        result = session.execute(
            delete(HashBankEntry).where(
                HashBankEntry.bank_id == bank.id,
                HashBankEntry.kind == kind,
                HashBankEntry.hash == value.lower(),
            )
        )
        removed = cast(CursorResult[Any], result).rowcount
        if removed:
            bank.version += 1
            audit.record(
                session, actor=actor, tag="hash_bank:remove", target=bank, data={"kind": kind, "hash": value}
            )
        return bool(removed)

    def entries(self, session: Session, bank: HashBank) -> list[HashEntry]:
        rows = session.execute(
            select(HashBankEntry.kind, HashBankEntry.hash, HashBankEntry.note)
            .where(HashBankEntry.bank_id == bank.id)
            .order_by(HashBankEntry.kind, HashBankEntry.hash)
        )
        return [HashEntry(HashKind(kind), value, note or None) for kind, value, note in rows]

    def export(self, session: Session, name: str, fmt: str) -> str:
        entries = self.entries(session, self.get(session, name))
        return hashlist.export_json(entries) if fmt == "json" else hashlist.export_csv(entries)

    def indexes(self, session: Session, names: Iterable[str]) -> dict[str, HashIndex]:
        """The matching index of each named bank that exists, rebuilt only when the bank changed."""
        found: dict[str, HashIndex] = {}
        wanted = set(names)
        if not wanted:  # the usual scan: no live rule matches images, no query
            return found
        for bank in session.scalars(select(HashBank).where(HashBank.name.in_(wanted))):
            key = (bank.id, bank.version)
            with _lock:
                index = _indexes.get(key)
            if index is None:
                index = HashIndex(self.entries(session, bank))
                with _lock:
                    _indexes[key] = index
            found[bank.name] = index
        return found

    def _count(self, session: Session, bank: HashBank) -> int:
        return session.scalar(select(func.count()).where(HashBankEntry.bank_id == bank.id)) or 0


hash_bank_service = HashBankService()
