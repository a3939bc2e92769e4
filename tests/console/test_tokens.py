"""API tokens in the console: issued to external accounts with their own scopes, shown once and never
cached, listed by prefix only, revocable; every refusal writes nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.kit.clock import today_in
from senim.kit.secrets import digest
from senim.models import AccountStatus, ApiToken, AuditRecord, Role
from tests.fixtures.builders import make_user
from tests.fixtures.console import audit_count, make_principal, staff


def shown_token(html: str) -> str:
    found = re.search(r'id="secret" value="(snm_[^"]+)"', html)
    assert found, "the page shows no token"
    return found.group(1)


def test_issue_form_offers_only_the_scopes_of_the_chosen_account(
    client: TestClient, session: Session
) -> None:
    staff(client, session)
    platform = make_principal(session, username="shop")
    body = make_principal(session, Role.authorized_body, username="ministry")
    make_principal(session, Role.law_enforcement, username="police").status = AccountStatus.suspended
    make_user(session, role=Role.moderator, username="a_moderator")
    session.commit()
    first = client.get("/console/tokens/new").text
    assert f'value="{platform.id}"' in first and f'value="{body.id}"' in first
    assert "police" not in first and "a_moderator" not in first  # only active external accounts
    second = client.get(f"/console/tokens/new?principal_id={platform.id}").text
    assert set(re.findall(r'name="scopes" value="([^"]+)"', second)) == {
        "platform:push",
        "platform:read",
        "user_counts:report",
    }
    assert "checked" not in second  # nothing is chosen for the administrator
    assert client.get(f"/console/tokens/new?principal_id={platform.id.hex}x").status_code == 422


def test_admin_issues_a_token_that_is_shown_once(client: TestClient, session: Session) -> None:
    admin, csrf = staff(client, session)
    platform = make_principal(session)
    session.commit()
    r = client.post(
        "/console/tokens",
        data={
            "csrf_token": csrf,
            "principal_id": str(platform.id),
            "name": "production",
            "scopes": ["platform:push", "platform:read"],
        },
    )
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    assert "shown only this once" in r.text
    token = shown_token(r.text)
    row = session.scalars(select(ApiToken)).one()
    assert row.token_digest == digest(token) and row.principal_id == platform.id
    assert row.scopes == ["platform:push", "platform:read"] and row.expires_at is None
    assert row.created_by_id == admin.id
    record = session.scalars(select(AuditRecord).where(AuditRecord.tag == "token:issue")).one()
    assert record.target_id == str(row.id) and record.actor_id == admin.id
    assert token not in str(record.data)

    listing = client.get("/console/tokens")
    assert token not in listing.text and row.prefix in listing.text and "production" in listing.text
    assert "Not used yet" in listing.text

    api = TestClient(client.app)
    api.headers["authorization"] = f"Bearer {token}"
    assert api.get("/api/v1/me").json()["username"] == platform.username


def test_a_token_may_expire_at_the_end_of_a_chosen_day(client: TestClient, session: Session) -> None:
    _admin, csrf = staff(client, session)
    platform = make_principal(session)
    session.commit()
    day = today_in() + timedelta(days=30)
    r = client.post(
        "/console/tokens",
        data={
            "csrf_token": csrf,
            "principal_id": str(platform.id),
            "name": "trial",
            "scopes": "platform:read",
            "expires_on": day.isoformat(),
        },
    )
    assert r.status_code == 200
    row = session.scalars(select(ApiToken)).one()
    # The end of that day in Almaty (UTC+5) is 19:00 UTC on the same day.
    assert row.expires_at == datetime(day.year, day.month, day.day, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"name": "x", "scopes": ["authority:submit"]},
            "These scopes are not allowed for this account: authority:submit",
        ),
        ({"name": "x"}, "These scopes are not allowed for this account"),
        ({"name": "  ", "scopes": ["platform:read"]}, "Give the token a name."),
        ({"name": "x" * 121, "scopes": ["platform:read"]}, "The token name is too long."),
        (
            {"name": "x", "scopes": ["platform:read"], "expires_on": "2001-01-01"},
            "The expiry date must be in the future.",
        ),
        ({"name": "x", "scopes": ["platform:read"], "expires_on": "soon"}, "Enter the expiry date as a date"),
    ],
)
def test_a_refused_token_form_is_shown_again_and_writes_nothing(
    client: TestClient, session: Session, form: dict[str, object], message: str
) -> None:
    _admin, csrf = staff(client, session)
    platform = make_principal(session)
    session.commit()
    before = audit_count(session)
    r = client.post("/console/tokens", data={"csrf_token": csrf, "principal_id": str(platform.id), **form})
    assert r.status_code == 422
    assert message in r.text and "cache-control" not in r.headers
    assert 'name="scopes" value="platform:push"' in r.text  # the form for that account again
    assert session.scalars(select(ApiToken)).all() == [] and audit_count(session) == before


@pytest.mark.parametrize("who", ["staff", "missing", "garbage"])
def test_tokens_are_issued_only_to_active_external_accounts(
    client: TestClient, session: Session, who: str
) -> None:
    _admin, csrf = staff(client, session)
    moderator = make_user(session, role=Role.moderator)
    session.commit()
    before = audit_count(session)
    target = {"staff": str(moderator.id), "missing": "00000000-0000-0000-0000-000000000000", "garbage": "x"}[
        who
    ]
    r = client.post(
        "/console/tokens",
        data={"csrf_token": csrf, "principal_id": target, "name": "x", "scopes": "platform:push"},
    )
    assert r.status_code == 422
    assert "Choose an active platform, state body or law-enforcement account." in r.text
    assert session.scalars(select(ApiToken)).all() == [] and audit_count(session) == before


def test_admin_revokes_a_token(client: TestClient, session: Session) -> None:
    admin, csrf = staff(client, session)
    platform = make_principal(session)
    session.commit()
    token = shown_token(
        client.post(
            "/console/tokens",
            data={
                "csrf_token": csrf,
                "principal_id": str(platform.id),
                "name": "n",
                "scopes": "platform:push",
            },
        ).text
    )
    row = session.scalars(select(ApiToken)).one()
    r = client.post(f"/console/tokens/{row.id}/revoke", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console/tokens?msg=console_token_revoked"
    session.expire_all()
    assert session.get(ApiToken, row.id).revoked_at is not None  # type: ignore[union-attr]
    record = session.scalars(select(AuditRecord).where(AuditRecord.tag == "token:revoke")).one()
    assert record.target_id == str(row.id) and record.actor_id == admin.id
    listing = client.get(r.headers["location"]).text
    assert "The API token is revoked." in listing and f"/console/tokens/{row.id}/revoke" not in listing
    api = TestClient(client.app)
    api.headers["authorization"] = f"Bearer {token}"
    assert api.get("/api/v1/me").status_code == 401
    missing = client.post(
        "/console/tokens/00000000-0000-0000-0000-000000000000/revoke", data={"csrf_token": csrf}
    )
    assert missing.status_code == 404


def test_expired_tokens_are_marked(client: TestClient, session: Session) -> None:
    staff(client, session)
    platform = make_principal(session)
    session.add(
        ApiToken(
            principal_id=platform.id,
            name="old",
            token_digest="d" * 64,
            prefix="snm_oldtoken",
            scopes=["platform:read"],
            expires_at=datetime.combine(date(2020, 1, 1), datetime.min.time(), tzinfo=UTC),
        )
    )
    session.commit()
    assert "(expired)" in client.get("/console/tokens").text
