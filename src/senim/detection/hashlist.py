"""Hash lists ("hash banks") of known images: import, export and a matching index.

Pure: no I/O beyond reading the text it is given. Like the hash banks of Meta's Hasher-Matcher-Actioner,
a list holds exact file hashes (``sha256``) and perceptual image hashes (``pdq``, see
:mod:`senim.detection.pdq`), each with an optional note.

Two text forms, both UTF-8:

- **CSV**, one entry a line: ``kind,hash,note`` (the note may be left out, and quoted when it holds a
  comma). A first line ``kind,hash,note`` (any order of those column names, ``kind`` and ``note``
  optional) is a header. A line with a bare hash is accepted too, but SHA-256 and PDQ hashes are both
  64 hex digits, so its kind must come from the caller (``default_kind``), as for rows with an empty
  kind. Blank lines and lines starting with ``#`` are skipped.
- **JSON**: ``{"format": "senim-hashlist-1", "entries": [{"kind": "pdq", "hash": "…", "note": "…"}]}``;
  ``note`` may be missing or null, other fields are refused.

Parsing never raises on bad input: it returns the good entries and a list of problems, each
``"line N: message"``. A repeated kind and hash is reported and kept once (the first). Hashes are stored
in lower case; notes have their runs of white space (line breaks included) made single spaces, so
every entry survives a CSV round trip.

:class:`HashIndex` matches a hash against a list: SHA-256 exactly, PDQ by Hamming distance over all
entries at once (a few milliseconds for a million entries with numpy 2's ``bitwise_count``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "FORMAT",
    "PDQ_MATCH_DISTANCE",
    "HashEntry",
    "HashIndex",
    "HashKind",
    "ParsedHashList",
    "export_csv",
    "export_json",
    "make_entry",
    "parse_csv",
    "parse_hash_list",
    "parse_json",
]

FORMAT = "senim-hashlist-1"

# Distance at or below which two PDQ hashes are taken for the same image (ThreatExchange's default).
PDQ_MATCH_DISTANCE = 31

_PDQ_BITS = 256
_HEX_64 = re.compile(r"[0-9a-f]{64}")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_CSV_COLUMNS = ("kind", "hash", "note")
_JSON_FIELDS = frozenset(_CSV_COLUMNS)

Words = npt.NDArray[np.uint64]


class HashKind(StrEnum):
    PDQ = "pdq"
    SHA256 = "sha256"


@dataclass(frozen=True, slots=True)
class HashEntry:
    kind: HashKind
    hash: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedHashList:
    entries: list[HashEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def make_entry(kind: str, value: str, note: str | None = None) -> HashEntry:
    """Build a checked entry: a known kind, 64 hex digits (lower-cased), a tidied note.

    Raises ``ValueError`` with a message fit to show to the person importing the list.
    """
    try:
        hash_kind = HashKind(kind.strip().lower())
    except ValueError:
        raise ValueError(f"unknown kind {kind!r} (expected pdq or sha256)") from None
    digits = value.strip().lower()
    if len(digits) != 64:
        raise ValueError(f"a {hash_kind} hash is 64 hex digits, not {len(digits)} characters")
    if not _HEX_64.fullmatch(digits):
        raise ValueError(f"a {hash_kind} hash is 64 hex digits (0-9, a-f), got {value.strip()!r}")
    tidy_note = " ".join(note.split()) if note else ""
    return HashEntry(hash_kind, digits, tidy_note or None)


class _Collector:
    """Entries in order, each kind and hash once, and problems keyed by position (a line number for
    CSV, an index into ``entries`` for JSON) so they can be told by line at the end. ``label`` names a
    position in the message, after its line."""

    def __init__(self, label: Callable[[int], str] = lambda position: "") -> None:
        self._label = label
        self.entries: list[HashEntry] = []
        self._problems: list[tuple[int, str, int | None]] = []
        self._first: dict[tuple[HashKind, str], int] = {}

    def problem(self, position: int, message: str) -> None:
        self._problems.append((position, message, None))

    def add(self, position: int, entry: HashEntry) -> None:
        key = (entry.kind, entry.hash)
        if key in self._first:
            self._problems.append((position, f"duplicate {entry.kind} hash", self._first[key]))
            return
        self._first[key] = position
        self.entries.append(entry)

    def has_problems(self) -> bool:
        return bool(self._problems)

    def result(self, line_of: Callable[[int], int]) -> ParsedHashList:
        problems = []
        for position, message, first in sorted(self._problems, key=lambda problem: problem[0]):
            where = "" if first is None else f" (first on line {line_of(first)})"
            problems.append(f"line {line_of(position)}: {self._label(position)}{message}{where}")
        return ParsedHashList(self.entries, problems)


def _lines(text: str) -> list[str]:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _csv_fields(line: str) -> list[str]:
    return [value.strip() for value in next(csv.reader([line], strict=True))]


def _header(fields: list[str]) -> list[str] | None:
    """Column names if ``fields`` is a header line, else None."""
    names = [name.lower() for name in fields]
    return names if "hash" in names else None


def parse_csv(text: str, *, default_kind: HashKind | None = None) -> ParsedHashList:
    """Parse CSV rows ``kind,hash,note`` (header optional) or bare hashes of kind ``default_kind``."""
    collected = _Collector()
    columns: list[str] | None = None
    seen_content = False
    for number, raw in enumerate(_lines(text), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            fields = _csv_fields(line)
        except csv.Error as error:
            collected.problem(number, f"not a valid CSV line ({error})")
            continue
        if not seen_content:
            seen_content = True
            header = _header(fields)
            if header is not None:
                unknown = [name for name in header if name not in _CSV_COLUMNS]
                repeated = sorted({name for name in header if header.count(name) > 1})
                if unknown or repeated:
                    named = ", ".join(repr(name) for name in unknown + repeated)
                    return ParsedHashList(
                        [], [f"line {number}: bad header column {named} (columns are kind, hash, note)"]
                    )
                columns = header
                continue
        row = _row(fields, columns)
        if isinstance(row, str):
            collected.problem(number, row)
            continue
        kind, value, note = row
        if not kind:
            if default_kind is None:
                collected.problem(number, "no kind given: SHA-256 and PDQ hashes are both 64 hex digits")
                continue
            kind = default_kind
        try:
            entry = make_entry(kind, value, note)
        except ValueError as error:
            collected.problem(number, str(error))
            continue
        collected.add(number, entry)
    return collected.result(lambda line: line)


def _row(fields: list[str], columns: list[str] | None) -> tuple[str, str, str] | str:
    """(kind, hash, note) from one CSV line, or a problem message."""
    if columns is not None:
        if len(fields) > len(columns):
            return f"{len(fields)} fields, but the header names {len(columns)} columns"
        values = dict(zip(columns, fields, strict=False))
        if not values.get("hash"):
            return "no hash"
        return values.get("kind", ""), values["hash"], values.get("note", "")
    if len(fields) == 1:
        return "", fields[0], ""
    if len(fields) > 3:
        return f"{len(fields)} fields, expected kind,hash,note"
    kind, value, *rest = fields
    if not value:
        return "no hash"
    return kind, value, rest[0] if rest else ""


def _json_entry(item: Any) -> HashEntry | str:
    """A checked entry from one element of ``entries``, or a problem message."""
    if not isinstance(item, dict):
        return "an entry must be an object with kind, hash and note"
    unknown = sorted(set(item) - _JSON_FIELDS)
    if unknown:
        return "unknown field " + ", ".join(repr(name) for name in unknown)
    kind, value, note = item.get("kind"), item.get("hash"), item.get("note")
    if not isinstance(kind, str):
        return "kind must be a string (pdq or sha256)"
    if not isinstance(value, str):
        return "hash must be a string of hex digits"
    if note is not None and not isinstance(note, str):
        return "note must be a string or null"
    try:
        return make_entry(kind, value, note)
    except ValueError as error:
        return str(error)


def _element_lines(text: str) -> list[int]:
    """Line of each element of the top-level ``entries`` array of a document already parsed once.

    The json module gives no positions, so the document is walked again with ``raw_decode``, which
    parses one value from a given offset. Only used when there are problems to report.
    """
    decoder = json.JSONDecoder()

    def skip(index: int) -> int:
        found = _WHITESPACE.match(text, index)
        return found.end() if found else index

    positions: list[int] = []
    index = skip(skip(0) + 1)  # past "{"
    while text[index] != "}":
        key, index = decoder.raw_decode(text, index)
        index = skip(skip(index) + 1)  # past ":"
        if key == "entries":
            positions = []  # the last "entries" wins, as in json.loads
            index = skip(index + 1)  # past "["
            while text[index] != "]":
                positions.append(index)
                _, index = decoder.raw_decode(text, index)
                index = skip(index)
                if text[index] == ",":
                    index = skip(index + 1)
            index += 1
        else:
            _, index = decoder.raw_decode(text, index)
        index = skip(index)
        if text[index] == ",":
            index = skip(index + 1)
    lines: list[int] = []
    line, previous = 1, 0
    for position in positions:
        line += text.count("\n", previous, position)
        previous = position
        lines.append(line)
    return lines


def parse_json(text: str) -> ParsedHashList:
    """Parse the ``senim-hashlist-1`` JSON form."""
    text = "\n".join(_lines(text))
    first_line = text[: len(text) - len(text.lstrip())].count("\n") + 1
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return ParsedHashList([], [f"line {error.lineno}: not valid JSON ({error.msg})"])
    if not isinstance(document, dict):
        return ParsedHashList([], [f'line {first_line}: expected an object with "format" and "entries"'])
    if document.get("format") != FORMAT:
        found = document.get("format")
        return ParsedHashList([], [f"line {first_line}: format must be {FORMAT!r}, not {found!r}"])
    unknown = sorted(set(document) - {"format", "entries"})
    if unknown:
        named = ", ".join(repr(name) for name in unknown)
        return ParsedHashList([], [f"line {first_line}: unknown field {named}"])
    items = document.get("entries")
    if not isinstance(items, list):
        return ParsedHashList([], [f'line {first_line}: "entries" must be a list'])
    collected = _Collector(lambda index: f"entry {index + 1}: ")
    for index, item in enumerate(items):
        checked = _json_entry(item)
        if isinstance(checked, str):
            collected.problem(index, checked)
        else:
            collected.add(index, checked)
    lines = _element_lines(text) if collected.has_problems() else []
    return collected.result(lambda index: lines[index])


def parse_hash_list(text: str, *, default_kind: HashKind | None = None) -> ParsedHashList:
    """Parse either form: JSON when the text starts with ``{``, CSV otherwise."""
    if text.removeprefix("\ufeff").lstrip().startswith("{"):
        return parse_json(text)
    return parse_csv(text, default_kind=default_kind)


def export_csv(entries: Iterable[HashEntry]) -> str:
    """CSV with a ``kind,hash,note`` header, one entry a line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for entry in entries:
        writer.writerow([entry.kind.value, entry.hash, entry.note or ""])
    return buffer.getvalue()


def export_json(entries: Iterable[HashEntry]) -> str:
    """The ``senim-hashlist-1`` JSON form, one entry a line."""
    rows = []
    for entry in entries:
        row: dict[str, str] = {"kind": entry.kind.value, "hash": entry.hash}
        if entry.note is not None:
            row["note"] = entry.note
        rows.append("  " + json.dumps(row, ensure_ascii=False))
    listed = "[\n" + ",\n".join(rows) + "\n]" if rows else "[]"
    return f'{{"format": {json.dumps(FORMAT)}, "entries": {listed}}}\n'


# Bits set in each 16-bit value, for numpy without ``bitwise_count`` (before 2.0).
_BITS_IN_UINT16 = (
    np.unpackbits(np.arange(1 << 16, dtype=">u2").view(np.uint8)).reshape(-1, 16).sum(axis=1, dtype=np.uint8)
)


def _popcount_by_table(words: Words) -> npt.NDArray[np.uint8]:
    """Bits set in each uint64, by looking up its four 16-bit parts."""
    parts = _BITS_IN_UINT16[words.view(np.uint16)].reshape(-1, 4)
    return parts.sum(axis=1, dtype=np.uint8)


_popcount: Callable[[Words], npt.NDArray[np.uint8]] = getattr(np, "bitwise_count", _popcount_by_table)


def _pack_pdq(hashes: Sequence[str]) -> Words:
    """Hashes as a 4 x n array of uint64: row w holds bits 64w..64w+63 of every hash (hex order)."""
    raw = np.frombuffer(bytes.fromhex("".join(hashes)), dtype=">u8").reshape(len(hashes), 4)
    return np.ascontiguousarray(raw.T, dtype=np.uint64)


class HashIndex:
    """Entries ready to match. Every entry given is kept, so two lists holding the same hash both match.

    Queries must be 64 hex digits (either case); anything else raises ``ValueError``.
    """

    def __init__(self, entries: Iterable[HashEntry]) -> None:
        self._sha256: dict[str, list[HashEntry]] = {}
        self._pdq: list[HashEntry] = []
        for entry in entries:
            if entry.kind is HashKind.SHA256:
                self._sha256.setdefault(entry.hash, []).append(entry)
            else:
                self._pdq.append(entry)
        self._pdq_words = _pack_pdq([entry.hash for entry in self._pdq])

    def __len__(self) -> int:
        return len(self._pdq) + sum(len(entries) for entries in self._sha256.values())

    def match_sha256(self, hex_digest: str) -> list[HashEntry]:
        """Entries with exactly this SHA-256."""
        return list(self._sha256.get(_query(hex_digest), []))

    def pdq_distances(self, hex_digest: str) -> npt.NDArray[np.uint16]:
        """Hamming distance from this PDQ hash to every PDQ entry, in the order entries were given."""
        query = _pack_pdq([_query(hex_digest)])[:, 0]
        words = self._pdq_words
        distances = np.zeros(words.shape[1], dtype=np.uint16)
        scratch = np.empty(words.shape[1], dtype=np.uint64)
        for row in range(4):
            np.bitwise_xor(words[row], query[row], out=scratch)
            distances += _popcount(scratch)
        return distances

    def match_pdq(
        self, hex_digest: str, max_distance: int = PDQ_MATCH_DISTANCE
    ) -> list[tuple[HashEntry, int]]:
        """PDQ entries within ``max_distance`` bits of this hash, nearest first (ties in list order)."""
        if not 0 <= max_distance <= _PDQ_BITS:
            raise ValueError(f"max_distance must be between 0 and {_PDQ_BITS}, not {max_distance}")
        distances = self.pdq_distances(hex_digest)
        hits = np.flatnonzero(distances <= max_distance)
        hits = hits[np.argsort(distances[hits], kind="stable")]
        return [(self._pdq[index], int(distances[index])) for index in hits]


def _query(hex_digest: str) -> str:
    digits = hex_digest.strip().lower()
    if not _HEX_64.fullmatch(digits):
        raise ValueError(f"a hash to match is 64 hex digits, got {hex_digest!r}")
    return digits
