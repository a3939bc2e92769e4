"""The personal data overview (issue 8, item 4): where personal data are stored, with a plain warning
when that is not Kazakhstan (LAW-74); the person responsible for organising the processing and their
contact, with a warning when they are not configured (LAW-77); the list of the personal data Senim
processes with purpose and retention from the settings; the privacy pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.models import Role, User
from senim.privacy import inventory
from senim.privacy.overview_views import LINKS
from senim.web.middleware import LANG_COOKIE
from tests.fixtures.moderation import make_person
from tests.fixtures.moderation import sign_in as sign_in_as

WARNING = "Personal data are not stored in Kazakhstan."


def sign_in(client: TestClient, session: Session, user: User) -> str:
    """Sign ``user`` in, reading English (the tests read English wording); returns the CSRF token."""
    csrf = sign_in_as(client, session, user)
    client.cookies.set(LANG_COOKIE, "en")
    return csrf


def open_overview(client: TestClient, session: Session, role: Role = Role.data_protection_officer) -> str:
    sign_in(client, session, make_person(session, role=role))
    page = client.get("/console/privacy")
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"].startswith("no-store")
    return page.text


@pytest.mark.law("LAW-74")
@pytest.mark.law("LAW-77")
def test_the_overview_shows_the_location_the_responsible_person_and_the_list_of_data(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.dpo_name = "Aigerim Nurlanova"
    settings.dpo_contact = "dpo@senim.kz"
    settings.retention_deleted_content_days = 200
    settings.retention_complaint_contact_days = 400
    text = open_overview(client, session)
    assert "Kazakhstan (KZ)" in text and WARNING not in text
    assert "Aigerim Nurlanova" in text and "dpo@senim.kz" in text
    assert "is not configured (SENIM_DPO_NAME" not in text
    for data_class in inventory.DATA_CLASSES:
        assert data_class.label in text and data_class.purpose in text
    assert "erased 200 days later" in text and "erased 400 days after the answer" in text
    assert "Deleted 365 days after they were written" in text  # notices, the default
    assert "Never purged" in text  # the audit log
    assert 'href="/console/privacy/breaches"' in text


@pytest.mark.law("LAW-74")
def test_data_stored_outside_kazakhstan_is_warned_of_plainly(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.data_location = "Frankfurt, Germany"
    settings.data_location_country = "de"
    text = open_overview(client, session, Role.auditor)
    assert "Frankfurt, Germany (DE)" in text and WARNING in text
    assert "SENIM_DATA_LOCATION_COUNTRY=KZ" in text


@pytest.mark.law("LAW-77")
def test_a_missing_responsible_person_is_warned_of(client: TestClient, session: Session) -> None:
    text = open_overview(client, session, Role.administrator)
    assert "The responsible person or their contact is not configured" in text
    assert "not configured (SENIM_PD_AUTHORITY_EMAIL)" in text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.data_protection_officer, 200),
        (Role.administrator, 200),
        (Role.auditor, 200),
        (Role.legal_officer, 403),
        (Role.moderator, 403),
        (Role.user, 403),
    ],
)
def test_who_opens_the_overview(client: TestClient, session: Session, role: Role, status: int) -> None:
    sign_in(client, session, make_person(session, role=role))
    assert client.get("/console/privacy").status_code == status


def test_the_links_are_a_list_other_pages_extend() -> None:
    assert ("/console/privacy/breaches", "Register of breaches") in [(p, label) for _perm, p, label in LINKS]
