"""Opaque keyset page cursors: round trips, and every token not made by ``encode`` is a 422."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from senim.errors import Invalid
from senim.kit import cursor

ROW = uuid.UUID("0b9e4f5c-6a51-4c8e-9f3d-2c7a1e5b8d40")  # fixed, so xdist workers collect the same ids


def _token(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def test_round_trip_keeps_microseconds_and_the_id() -> None:
    at, row_id = datetime(2026, 11, 28, 6, 30, 1, 123456, tzinfo=UTC), uuid.uuid4()
    token = cursor.encode(at, row_id)
    assert cursor.decode(token) == cursor.Keyset(at=at, id=row_id)
    assert "=" not in token
    assert base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))  # URL-safe, unpadded


def test_times_come_back_in_utc() -> None:
    almaty = timezone(timedelta(hours=5))
    at = datetime(2026, 11, 28, 11, 30, tzinfo=almaty)
    decoded = cursor.decode(cursor.encode(at, uuid.uuid4()))
    assert decoded.at == at
    assert decoded.at.utcoffset() == timedelta(0)


def test_a_naive_time_is_taken_as_utc() -> None:
    row_id = uuid.uuid4()
    decoded = cursor.decode(cursor.encode(datetime(2026, 1, 2, 3, 4, 5), row_id))  # noqa: DTZ001
    assert decoded == cursor.Keyset(at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), id=row_id)


def test_tokens_with_a_dashed_uuid_are_read_too() -> None:
    row_id = uuid.uuid4()
    token = _token(f"2026-11-28T06:30:01+00:00|{row_id}")
    assert cursor.decode(token).id == row_id


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "!!!",
        "MjAyNg",  # "2026": no separator
        _token("not-a-date|" + ROW.hex),
        _token("2026-11-28T06:30:01+00:00|xyz"),
        _token("2026-11-28T06:30:01|" + ROW.hex),  # no offset: not made by encode
        _token("2026-11-28T06:30:01+00:00" + ROW.hex),  # no separator
        "__58",  # not UTF-8
    ],
)
def test_other_tokens_are_refused_with_422(token: str) -> None:
    with pytest.raises(cursor.CursorInvalid) as caught:
        cursor.decode(token)
    assert isinstance(caught.value, Invalid)
    assert caught.value.status_code == 422
    assert caught.value.message == "This page link is not valid. Start again from the first page."


@pytest.mark.parametrize("token", [None, ""])
def test_no_cursor_is_the_first_page(token: str | None) -> None:
    assert cursor.decode_optional(token) is None


def test_decode_optional_reads_a_cursor() -> None:
    at, row_id = datetime(2026, 11, 28, tzinfo=UTC), uuid.uuid4()
    assert cursor.decode_optional(cursor.encode(at, row_id)) == cursor.Keyset(at=at, id=row_id)
