"""Hash lists: CSV and JSON import with line-numbered problems, export round trips, and matching."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from senim.detection import hashlist
from senim.detection.hashlist import (
    FORMAT,
    HashEntry,
    HashIndex,
    HashKind,
    export_csv,
    export_json,
    make_entry,
    parse_csv,
    parse_hash_list,
    parse_json,
)

PDQ_A = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
PDQ_B = "0" * 62 + "ff"
SHA_A = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SHA_B = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _flip(hex_digest: str, bits: list[int]) -> str:
    value = int(hex_digest, 16)
    for bit in bits:
        value ^= 1 << bit
    return format(value, "064x")


# -- CSV -----------------------------------------------------------------------------------------------


def test_csv_with_header_gives_checked_entries() -> None:
    text = f"kind,hash,note\npdq,{PDQ_A.upper()},cat picture\nsha256, {SHA_A} ,\n"
    parsed = parse_csv(text)
    assert parsed.problems == []
    assert parsed.entries == [
        HashEntry(HashKind.PDQ, PDQ_A, "cat picture"),
        HashEntry(HashKind.SHA256, SHA_A, None),
    ]


def test_csv_header_may_reorder_and_drop_columns() -> None:
    parsed = parse_csv(f"Hash,Note\n{PDQ_A},first\n", default_kind=HashKind.PDQ)
    assert parsed.entries == [HashEntry(HashKind.PDQ, PDQ_A, "first")]
    parsed = parse_csv(f"note,hash,kind\nx,{SHA_A},sha256\n")
    assert parsed.entries == [HashEntry(HashKind.SHA256, SHA_A, "x")]


def test_csv_without_header_and_with_quoted_note() -> None:
    text = f'pdq,{PDQ_A},"Almaty, 2024 ""leak"""\nsha256,{SHA_A}\n'
    parsed = parse_csv(text)
    assert parsed.problems == []
    assert parsed.entries[0].note == 'Almaty, 2024 "leak"'
    assert parsed.entries[1] == HashEntry(HashKind.SHA256, SHA_A)


def test_csv_bad_lines_are_reported_with_their_numbers() -> None:
    text = "\n".join(
        [
            "kind,hash,note",  # 1
            f"pdq,{PDQ_A},ok",  # 2
            "# a comment",  # 3
            "",  # 4
            f"md5,{SHA_A},",  # 5 unknown kind
            f"pdq,{PDQ_A[:-1]},",  # 6 too short
            f"sha256,{SHA_A[:-1]}z,",  # 7 not hex
            f"pdq,{PDQ_B},a,b",  # 8 too many fields
            "pdq,,note",  # 9 no hash
            f'pdq,{PDQ_B},"unclosed',  # 10 broken quoting
            f"sha256,{SHA_B},fine",  # 11
        ]
    )
    parsed = parse_csv(text)
    assert [entry.hash for entry in parsed.entries] == [PDQ_A, SHA_B]
    assert [problem.split(":")[0] for problem in parsed.problems] == [
        "line 5",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
        "line 10",
    ]
    assert "unknown kind 'md5'" in parsed.problems[0]
    assert "not 63 characters" in parsed.problems[1]
    assert "0-9, a-f" in parsed.problems[2]
    assert "4 fields" in parsed.problems[3]
    assert parsed.problems[4] == "line 9: no hash"
    assert "not a valid CSV line" in parsed.problems[5]


def test_bare_hash_list_needs_the_callers_kind() -> None:
    text = f"{PDQ_A}\n\n{PDQ_B.upper()}\n"
    parsed = parse_csv(text)
    assert parsed.entries == []
    assert parsed.problems == [
        "line 1: no kind given: SHA-256 and PDQ hashes are both 64 hex digits",
        "line 3: no kind given: SHA-256 and PDQ hashes are both 64 hex digits",
    ]
    parsed = parse_csv(text, default_kind=HashKind.PDQ)
    assert parsed.problems == []
    assert parsed.entries == [HashEntry(HashKind.PDQ, PDQ_A), HashEntry(HashKind.PDQ, PDQ_B)]


def test_bare_lines_of_wrong_length_are_refused() -> None:
    parsed = parse_csv(f"{SHA_A}\n{'ab' * 16}\n", default_kind=HashKind.SHA256)
    assert parsed.entries == [HashEntry(HashKind.SHA256, SHA_A)]
    assert parsed.problems == ["line 2: a sha256 hash is 64 hex digits, not 32 characters"]


def test_csv_row_kind_wins_over_default_and_empty_kind_takes_default() -> None:
    parsed = parse_csv(f"sha256,{SHA_A}\n,{PDQ_A}\n", default_kind=HashKind.PDQ)
    assert [entry.kind for entry in parsed.entries] == [HashKind.SHA256, HashKind.PDQ]


def test_csv_bad_header_stops_the_import() -> None:
    parsed = parse_csv(f"kind,hash,comment\npdq,{PDQ_A},x\n")
    assert parsed.entries == []
    assert parsed.problems == ["line 1: bad header column 'comment' (columns are kind, hash, note)"]
    assert parse_csv(f"hash,hash\n{PDQ_A},{PDQ_A}\n").problems == [
        "line 1: bad header column 'hash' (columns are kind, hash, note)"
    ]


def test_csv_line_numbers_survive_bom_and_windows_line_ends() -> None:
    text = f"\ufeffkind,hash,note\r\n\r\npdq,{PDQ_A},a\r\npdq,xyz,b\r\n"
    parsed = parse_csv(text)
    assert parsed.entries == [HashEntry(HashKind.PDQ, PDQ_A, "a")]
    assert parsed.problems == ["line 4: a pdq hash is 64 hex digits, not 3 characters"]


def test_csv_row_with_more_fields_than_header() -> None:
    parsed = parse_csv(f"kind,hash\npdq,{PDQ_A},extra\n")
    assert parsed.problems == ["line 2: 3 fields, but the header names 2 columns"]


def test_duplicates_are_kept_once_and_reported() -> None:
    text = (
        f"kind,hash,note\npdq,{PDQ_A},first\n"
        f"sha256,{PDQ_A},same digits other kind\n"
        f"pdq,{PDQ_A.upper()},again\n"
    )
    parsed = parse_csv(text)
    assert parsed.entries == [
        HashEntry(HashKind.PDQ, PDQ_A, "first"),
        HashEntry(HashKind.SHA256, PDQ_A, "same digits other kind"),
    ]
    assert parsed.problems == ["line 4: duplicate pdq hash (first on line 2)"]


# -- JSON ----------------------------------------------------------------------------------------------


def test_json_document_gives_checked_entries() -> None:
    document = {
        "format": FORMAT,
        "entries": [
            {"kind": "pdq", "hash": PDQ_A.upper(), "note": "  two\nlines "},
            {"kind": "SHA256", "hash": SHA_A, "note": None},
            {"kind": "sha256", "hash": SHA_B},
        ],
    }
    parsed = parse_json(json.dumps(document))
    assert parsed.problems == []
    assert parsed.entries == [
        HashEntry(HashKind.PDQ, PDQ_A, "two lines"),
        HashEntry(HashKind.SHA256, SHA_A),
        HashEntry(HashKind.SHA256, SHA_B),
    ]


def test_json_entry_problems_name_the_line_where_the_entry_starts() -> None:
    document = {
        "format": FORMAT,
        "entries": [
            {"kind": "pdq", "hash": PDQ_A},
            {"kind": "pdq", "hash": "12"},
            "just a string",
            {"kind": "pdq", "hash": PDQ_A, "note": 5},
            {"kind": "pdq", "hash": PDQ_B, "label": "x"},
            {"kind": "pdq", "hash": PDQ_A.upper()},
            {"kind": 1, "hash": PDQ_B},
        ],
    }
    text = json.dumps(document, indent=2)
    lines = text.split("\n")
    starts = [
        number for number, line in enumerate(lines, start=1) if line in ("    {", '    "just a string",')
    ]
    parsed = parse_json(text)
    assert parsed.entries == [HashEntry(HashKind.PDQ, PDQ_A)]
    assert parsed.problems == [
        f"line {starts[1]}: entry 2: a pdq hash is 64 hex digits, not 2 characters",
        f"line {starts[2]}: entry 3: an entry must be an object with kind, hash and note",
        f"line {starts[3]}: entry 4: note must be a string or null",
        f"line {starts[4]}: entry 5: unknown field 'label'",
        f"line {starts[5]}: entry 6: duplicate pdq hash (first on line {starts[0]})",
        f"line {starts[6]}: entry 7: kind must be a string (pdq or sha256)",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format": "senim-hashlist-1",\n "entries": [}', "line 2: not valid JSON (Expecting value)"),
        ("[1, 2]", 'line 1: expected an object with "format" and "entries"'),
        ('\n\n{"format": "other", "entries": []}', "line 3: format must be 'senim-hashlist-1', not 'other'"),
        ('{"entries": []}', "line 1: format must be 'senim-hashlist-1', not None"),
        ('{"format": "senim-hashlist-1", "entries": {}}', 'line 1: "entries" must be a list'),
        ('{"format": "senim-hashlist-1", "entries": [], "x": 1}', "line 1: unknown field 'x'"),
    ],
)
def test_json_document_problems(text: str, problem: str) -> None:
    parsed = parse_json(text)
    assert parsed.entries == []
    assert parsed.problems == [problem]


def test_json_line_numbers_follow_the_last_entries_key_and_skip_other_fields() -> None:
    text = (
        '{"entries": [{"kind": "pdq", "hash": "zz"}],\n'
        '"format": "senim-hashlist-1",\n'
        '"entries": [\n{"kind": "pdq", "hash": "' + PDQ_A + '"},\n\n{"kind": "pdq", "hash": "bad"}\n]}'
    )
    parsed = parse_json(text)
    assert parsed.entries == [HashEntry(HashKind.PDQ, PDQ_A)]
    assert parsed.problems == ["line 6: entry 2: a pdq hash is 64 hex digits, not 3 characters"]


def test_parse_hash_list_tells_json_from_csv() -> None:
    document = {"format": FORMAT, "entries": [{"kind": "pdq", "hash": PDQ_A}]}
    as_json = parse_hash_list(" \n" + json.dumps(document))
    as_csv = parse_hash_list(f"{PDQ_A}\n", default_kind=HashKind.PDQ)
    assert as_json.entries == as_csv.entries == [HashEntry(HashKind.PDQ, PDQ_A)]


# -- export and round trips ----------------------------------------------------------------------------


def test_export_forms() -> None:
    entries = [HashEntry(HashKind.PDQ, PDQ_A, "Алматы, 2024"), HashEntry(HashKind.SHA256, SHA_A)]
    assert export_csv(entries) == f'kind,hash,note\npdq,{PDQ_A},"Алматы, 2024"\nsha256,{SHA_A},\n'
    exported = export_json(entries)
    assert json.loads(exported) == {
        "format": FORMAT,
        "entries": [
            {"kind": "pdq", "hash": PDQ_A, "note": "Алматы, 2024"},
            {"kind": "sha256", "hash": SHA_A},
        ],
    }
    assert "Алматы" in exported
    assert export_json([]) == '{"format": "senim-hashlist-1", "entries": []}\n'
    assert export_csv([]) == "kind,hash,note\n"


def test_empty_exports_import_as_empty_lists() -> None:
    for text in (export_csv([]), export_json([])):
        parsed = parse_hash_list(text)
        assert parsed.entries == []
        assert parsed.problems == []


hex_digests = st.text(alphabet="0123456789abcdefABCDEF", min_size=64, max_size=64)
notes = st.none() | st.text(max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["pdq", "sha256", "PDQ"]), hex_digests, notes), max_size=12))
def test_export_then_import_gives_the_same_entries(rows: list[tuple[str, str, str | None]]) -> None:
    entries: list[HashEntry] = []
    seen: set[tuple[HashKind, str]] = set()
    for kind, digest, note in rows:
        entry = make_entry(kind, digest, note)
        if (entry.kind, entry.hash) not in seen:
            seen.add((entry.kind, entry.hash))
            entries.append(entry)
    for text in (export_csv(entries), export_json(entries)):
        parsed = parse_hash_list(text)
        assert parsed.problems == []
        assert parsed.entries == entries


def test_make_entry_normalises_and_refuses() -> None:
    assert make_entry(" PDQ ", f" {PDQ_A.upper()} ", " a \t b\n") == HashEntry(HashKind.PDQ, PDQ_A, "a b")
    assert make_entry("sha256", SHA_A, "   ").note is None
    with pytest.raises(ValueError, match="unknown kind"):
        make_entry("md5", SHA_A)
    with pytest.raises(ValueError, match="64 hex digits"):
        make_entry("pdq", "g" * 64)


# -- matching ------------------------------------------------------------------------------------------


def test_sha256_matches_exactly_and_keeps_every_list_entry() -> None:
    first = HashEntry(HashKind.SHA256, SHA_A, "bank one")
    second = HashEntry(HashKind.SHA256, SHA_A, "bank two")
    index = HashIndex([first, HashEntry(HashKind.PDQ, SHA_B), second])
    assert index.match_sha256(SHA_A.upper()) == [first, second]
    assert index.match_sha256(SHA_B) == []  # a PDQ entry with the same digits is not a file hash
    assert len(index) == 3


def test_pdq_matches_by_distance_nearest_first() -> None:
    rng = np.random.default_rng(11)
    flipped = {
        distance: _flip(PDQ_A, [int(bit) for bit in rng.choice(256, size=distance, replace=False)])
        for distance in (0, 1, 10, 31, 32, 64, 128, 256)
    }
    entries = [HashEntry(HashKind.PDQ, digest, f"d{distance}") for distance, digest in flipped.items()]
    index = HashIndex([*reversed(entries), HashEntry(HashKind.SHA256, PDQ_A)])

    def found(max_distance: int) -> list[tuple[str | None, int]]:
        return [(entry.note, distance) for entry, distance in index.match_pdq(PDQ_A, max_distance)]

    assert found(0) == [("d0", 0)]
    assert found(31) == [("d0", 0), ("d1", 1), ("d10", 10), ("d31", 31)]
    assert index.match_pdq(PDQ_A) == index.match_pdq(PDQ_A, 31)
    assert found(32)[-1] == ("d32", 32)
    assert [distance for _, distance in found(256)] == [0, 1, 10, 31, 32, 64, 128, 256]


def test_pdq_duplicates_all_match_in_list_order() -> None:
    near = _flip(PDQ_A, [3])
    entries = [
        HashEntry(HashKind.PDQ, near, "bank one"),
        HashEntry(HashKind.PDQ, PDQ_A, "bank one exact"),
        HashEntry(HashKind.PDQ, near, "bank two"),
    ]
    matches = HashIndex(entries).match_pdq(PDQ_A, 5)
    assert [(entry.note, distance) for entry, distance in matches] == [
        ("bank one exact", 0),
        ("bank one", 1),
        ("bank two", 1),
    ]


def test_pdq_distances_agree_with_python_popcount() -> None:
    rng = np.random.default_rng(5)
    digests = [bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex() for _ in range(500)]
    query = digests[17]
    index = HashIndex(HashEntry(HashKind.PDQ, digest) for digest in digests)
    expected = [(int(digest, 16) ^ int(query, 16)).bit_count() for digest in digests]
    assert index.pdq_distances(query).tolist() == expected


def test_popcount_table_agrees_with_numpy() -> None:
    words = np.random.default_rng(3).integers(0, 2**64, 4096, dtype=np.uint64)
    words[:3] = [0, 2**64 - 1, 1 << 63]
    expected = [bin(int(word)).count("1") for word in words]
    assert hashlist._popcount_by_table(words).tolist() == expected
    assert np.asarray(hashlist._popcount(words)).tolist() == expected


def test_bad_queries_raise() -> None:
    index = HashIndex([HashEntry(HashKind.PDQ, PDQ_A)])
    with pytest.raises(ValueError, match="64 hex digits"):
        index.match_pdq("abc")
    with pytest.raises(ValueError, match="64 hex digits"):
        index.match_sha256("z" * 64)
    with pytest.raises(ValueError, match="max_distance"):
        index.match_pdq(PDQ_A, 257)
    with pytest.raises(ValueError, match="max_distance"):
        index.match_pdq(PDQ_A, -1)


def test_empty_index_matches_nothing() -> None:
    index = HashIndex([])
    assert len(index) == 0
    assert index.match_pdq(PDQ_A, 256) == []
    assert index.match_sha256(SHA_A) == []


def test_pdq_query_over_100k_entries_is_fast() -> None:
    rng = np.random.default_rng(2024)
    raw = rng.integers(0, 256, (100_000, 32), dtype=np.uint8)
    digests = [row.tobytes().hex() for row in raw]
    planted = {40_000: _flip(PDQ_A, [0, 77, 200]), 99_999: PDQ_A}
    for position, digest in planted.items():
        digests[position] = digest
    index = HashIndex(
        HashEntry(HashKind.PDQ, digest, str(position)) for position, digest in enumerate(digests)
    )
    index.match_pdq(PDQ_A)  # warm up
    started = time.perf_counter()
    matches = index.match_pdq(PDQ_A)
    elapsed = time.perf_counter() - started
    # Random hashes sit near distance 128, so only the planted ones match.
    assert [(entry.note, distance) for entry, distance in matches] == [("99999", 0), ("40000", 3)]
    assert elapsed < 0.25, f"one query over 100k entries took {elapsed:.3f} s"
