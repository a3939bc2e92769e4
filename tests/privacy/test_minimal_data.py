"""No excessive data (PDL Art. 7(8), LAW-81): every column that holds personal data belongs to a class of
the approved list with its purpose, and the sign-up form asks for nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import senim
from senim.keys import encrypted_columns
from senim.privacy import inventory


@pytest.mark.law("LAW-81")
def test_every_encrypted_column_is_in_the_list_of_personal_data_with_a_purpose() -> None:
    stored = {column.label for column in encrypted_columns()}
    assert stored == set(inventory.COLUMNS), "a personal-data column is missing from privacy.inventory"
    for data_class in inventory.COLUMNS.values():
        assert inventory.BY_KEY[data_class].purpose


@pytest.mark.law("LAW-81")
def test_sign_up_asks_only_for_the_listed_data(client: TestClient) -> None:
    page = client.get("/register")
    assert page.status_code == 200
    asked = set(re.findall(r'<input[^>]*name="([^"]+)"', page.text)) - {"csrf_token", "next"}
    asked = {name for name in asked if not name.startswith("accept_")}  # the documents accepted
    assert asked == set(inventory.REGISTRATION_FIELDS)
    assert all(key in inventory.BY_KEY for key in inventory.REGISTRATION_FIELDS.values())


@pytest.mark.law("LAW-81")
def test_nothing_scrapes_public_sources() -> None:
    """Senim builds no database from other sites: no module fetches pages it was not sent to (the only
    outgoing HTTP is webhooks to registered endpoints and deliveries the operator configured)."""
    src = Path(senim.__file__).parent
    fetchers = {
        path.relative_to(src).as_posix()
        for path in src.rglob("*.py")
        if re.search(
            r"\bhttpx\.(get|Client|AsyncClient)\b|\burllib\.request\b|\brequests\.get\b", path.read_text()
        )
    }
    assert fetchers <= {"notification/webhooks.py"}, fetchers
