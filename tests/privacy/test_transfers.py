"""Transfers of personal data to others (PDL Art. 7(6), 16, 19; LAW-78, 79): every recipient is declared
with its state and ground; a transfer to a state not held to protect personal data needs consent, a
treaty or a law, and the console says plainly when it has none; a consent states the transfers it covers;
a person whose data a state body receives is told at once (within the 10 working days of Art. 19(1),
tested with disclosures in tests/authority/test_disclosure.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.app import create_app
from senim.config import Settings
from senim.db import Database
from senim.models import Consent, Role
from senim.privacy import transfers
from senim.privacy.transfers import Ground, Recipient, RecipientsInvalid
from senim.web.middleware import LANG_COOKIE
from tests.fixtures.builders import accepted_documents, csrf_from
from tests.fixtures.moderation import make_person
from tests.privacy.test_overview import sign_in

UNLAWFUL = "Unlawful: a transfer to a state not listed"
MAIL = "Mail relay|KZ|sending e-mail notices|processor"
ANALYTICS = "Analytics Ltd|US|measuring reach|processor"
TRANSLATOR = "Translator GmbH|DE|translating posts|consent"


@pytest.mark.law("LAW-78")
@pytest.mark.parametrize(
    ("country", "ground", "adequate", "allowed"),
    [
        ("KZ", Ground.processor, "", True),  # not cross-border
        ("DE", Ground.processor, "", False),  # abroad, no state listed, no ground of its own
        ("DE", Ground.processor, "DE,FR", True),  # a state held to protect personal data
        ("US", Ground.consent, "", True),
        ("US", Ground.treaty, "", True),
        ("US", Ground.law, "", True),
    ],
)
def test_a_transfer_abroad_needs_a_protecting_state_or_a_ground(
    country: str, ground: Ground, adequate: str, allowed: bool
) -> None:
    settings = Settings(adequate_countries=adequate)
    recipient = Recipient("R", country, "p", ground)
    assert transfers.allowed(recipient, transfers.adequate(settings)) is allowed


@pytest.mark.law("LAW-78")
@pytest.mark.parametrize(
    "value",
    ["Only a name", "Name|KAZ|purpose|processor", "Name|KZ|purpose|friendship", "|KZ|purpose|processor"],
)
def test_a_malformed_declaration_stops_the_start(value: str, settings: Settings, db: Database) -> None:
    settings.data_recipients = value
    with pytest.raises(RecipientsInvalid):
        create_app(settings, db, worker=False)


@pytest.mark.law("LAW-78")
def test_the_console_lists_recipients_and_says_plainly_which_transfer_is_unlawful(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.data_recipients = f"{MAIL}; {ANALYTICS}; {TRANSLATOR}"
    sign_in(client, session, make_person(session, role=Role.data_protection_officer))
    text = client.get("/console/privacy").text
    for name in ("Mail relay", "Analytics Ltd", "Translator GmbH"):
        assert name in text
    assert text.count(UNLAWFUL) == 1  # the analytics processor in the US only
    assert text.count("(cross-border)") == 2

    settings.adequate_countries = "us, de"
    text = client.get("/console/privacy").text
    assert UNLAWFUL not in text and "DE, US" in text


@pytest.mark.law("LAW-73")
@pytest.mark.law("LAW-78")
@pytest.mark.parametrize(
    ("declared", "third_parties", "cross_border"),
    [
        ("", False, False),
        (MAIL, False, False),  # a processor in Kazakhstan: neither
        (ANALYTICS, False, True),  # a processor abroad still crosses a border
        (f"{MAIL};{TRANSLATOR}", True, True),
    ],
)
def test_the_consent_at_sign_up_states_the_transfers_it_covers(
    client: TestClient,
    session: Session,
    settings: Settings,
    declared: str,
    third_parties: bool,
    cross_border: bool,
) -> None:
    settings.data_recipients = declared
    csrf = csrf_from(client.get("/register").text)
    form = {
        "csrf_token": csrf,
        "username": "transfer_person",
        "password": "correct horse battery staple",
        "date_of_birth": "1990-01-01",
        **{f"accept_{k}": v for k, v in accepted_documents().items()},
    }
    assert client.post("/register", data=form, follow_redirects=False).status_code == 303
    consent = session.scalars(select(Consent)).one()
    assert (consent.third_parties, consent.cross_border) == (third_parties, cross_border)


@pytest.mark.law("LAW-73")
@pytest.mark.law("LAW-78")
@pytest.mark.parametrize(
    ("declared", "says"),
    [
        ("", "not transferred abroad"),
        (ANALYTICS, "keep some of them abroad"),
        (TRANSLATOR, "transferred abroad as it names"),
    ],
)
def test_the_sign_up_page_states_the_consent_with_its_transfers(
    client: TestClient, settings: Settings, declared: str, says: str
) -> None:
    settings.data_recipients = declared
    settings.operator_name, settings.operator_bin = "Senim LLP", "123456789012"
    client.cookies.set(LANG_COOKIE, "en")
    page = client.get("/register")
    statement = page.text[page.text.index('id="consent-text"') :]
    statement = statement[: statement.index("</p>")]
    assert "Senim LLP (BIN 123456789012)" in statement and says in statement
    assert "Date of birth (to protect minors)" in page.text  # the list of data
    assert "Running your account and showing what you publish" in page.text  # the purposes
