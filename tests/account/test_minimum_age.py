"""The configurable minimum registration age (LAW-22; a draft law would set 16, LAW-87): off by default; when
set, registration below it is refused with a clear message and nothing is written, on the page, through the
API and for accounts that integrating platforms push."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.kit.clock import today_in
from senim.models import AuditRecord, DocumentAcceptance, User
from tests.fixtures.builders import PASSWORD, accepted_documents, csrf_from
from tests.fixtures.community import Platform, make_platform

MINIMUM_TEXT = "You must be at least 16 years old to register on Senim."


@pytest.fixture(autouse=True)
def _english(client: TestClient) -> None:
    client.cookies.set("senim_lang", "en")


def years_before(years: int, day: date | None = None) -> date:
    """The date ``years`` before ``day`` (today in Almaty): the birthday of someone turning ``years`` on
    that day (28 February for a 29 February that year does not have)."""
    day = day or today_in()
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


def _form(client: TestClient, birth: date, username: str = "aruzhan") -> dict[str, str]:
    page = client.get("/register")
    return {
        "csrf_token": csrf_from(page.text),
        "username": username,
        "display_name": "Аружан",
        "password": PASSWORD,
        "date_of_birth": birth.isoformat(),
        **{f"accept_{k}": v for k, v in accepted_documents("en").items()},
    }


def _written(session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        int(session.scalar(select(func.count()).select_from(model)) or 0)
        for model in (User, AuditRecord, DocumentAcceptance)
    )


@pytest.mark.law("LAW-22")
def test_there_is_no_minimum_by_default(client: TestClient, session: Session, settings: Settings) -> None:
    assert settings.min_registration_age == 0
    page = client.get("/register")
    assert "years old to register" not in page.text
    r = client.post("/register", data=_form(client, years_before(10)), follow_redirects=False)
    assert r.status_code == 303, r.text
    user = session.scalars(select(User).where(User.username == "aruzhan")).one()
    assert user.is_minor


@pytest.mark.law("LAW-22")
def test_the_page_says_the_minimum_when_one_is_set(client: TestClient, settings: Settings) -> None:
    settings.min_registration_age = 16
    page = client.get("/register")
    assert MINIMUM_TEXT in page.text


@pytest.mark.law("LAW-22")
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_registration_below_the_minimum_is_refused_and_writes_nothing(
    client: TestClient, session: Session, settings: Settings, language: str
) -> None:
    settings.min_registration_age = 16
    client.cookies.set("senim_lang", language)
    form = _form(client, years_before(16) + timedelta(days=1))  # 16 tomorrow
    form.update({f"accept_{k}": v for k, v in accepted_documents(language).items()})
    r = client.post("/register", data=form)
    assert r.status_code == 422
    assert 'role="alert"' in r.text
    assert "16" in r.text.split('role="alert"')[1].split("</div>")[0]
    assert _written(session) == (0, 0, 0)
    if language == "en":
        assert MINIMUM_TEXT in r.text.split('role="alert"')[1]


@pytest.mark.law("LAW-22")
def test_registration_on_the_day_of_the_minimum_age_succeeds(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.min_registration_age = 16
    r = client.post("/register", data=_form(client, years_before(16)), follow_redirects=False)
    assert r.status_code == 303, r.text
    assert session.scalars(select(User).where(User.username == "aruzhan")).one().is_minor


@pytest.mark.law("LAW-22")
def test_the_api_refuses_registration_below_the_minimum(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.min_registration_age = 16
    body = {
        "username": "nurlan",
        "password": PASSWORD,
        "date_of_birth": years_before(13).isoformat(),
        "language": "en",
        "accepted": accepted_documents("en"),
    }
    r = client.post("/api/v1/accounts", json=body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "registration_invalid"
    assert error["message"] == MINIMUM_TEXT
    assert _written(session) == (0, 0, 0)
    ok = client.post("/api/v1/accounts", json={**body, "date_of_birth": years_before(17).isoformat()})
    assert ok.status_code == 201, ok.text


@pytest.fixture
def platform(session: Session) -> Platform:
    p = make_platform(session)
    session.commit()
    return p


@pytest.mark.law("LAW-22")
def test_a_platform_cannot_push_an_account_below_the_minimum(
    client: TestClient, session: Session, settings: Settings, platform: Platform
) -> None:
    """Pushed accounts follow the same rule: refused (422, nothing written) when their date of birth is
    below the minimum; an account pushed without a date of birth is taken, its age unknown (and treated
    as a minor's: no 18+ content, no profiling, no targeted ads)."""
    settings.min_registration_age = 16
    h = platform.headers
    before = _written(session)
    young = {"display_name": "Young", "date_of_birth": years_before(14).isoformat()}
    r = client.put("/api/v1/platform/accounts/u-young", json=young, headers=h)
    assert r.status_code == 422
    assert (
        r.json()["error"]["message"] == "The account holder is younger than 16, the minimum age to register."
    )
    assert _written(session) == before

    assert (
        client.put("/api/v1/platform/accounts/u-unknown", json={"display_name": "U"}, headers=h).status_code
        == 201
    )
    older = {"display_name": "Older", "date_of_birth": years_before(16).isoformat()}
    assert client.put("/api/v1/platform/accounts/u-older", json=older, headers=h).status_code == 201
    # An existing account cannot be given a date of birth below the minimum either.
    changed = client.put("/api/v1/platform/accounts/u-unknown", json=young, headers=h)
    assert changed.status_code == 422
    pushed = session.scalars(select(User).where(User.external_id == "u-unknown")).one()
    assert (pushed.display_name, pushed.date_of_birth) == ("U", None)


@pytest.mark.law("LAW-22")
def test_without_a_minimum_a_platform_pushes_any_age(
    client: TestClient, session: Session, settings: Settings, platform: Platform
) -> None:
    assert settings.min_registration_age == 0
    child = {"display_name": "Child", "date_of_birth": years_before(9).isoformat()}
    r = client.put("/api/v1/platform/accounts/u-child", json=child, headers=platform.headers)
    assert r.status_code == 201, r.text
    assert r.json()["is_minor"] is True
