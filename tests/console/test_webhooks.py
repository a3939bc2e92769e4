"""Webhook endpoints in the console: added per external account with its secret shown once, disabled,
secret rotated; bad addresses and event lists are refused and write nothing."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import AuditRecord, Role, WebhookEndpoint
from tests.fixtures.builders import make_user
from tests.fixtures.console import audit_count, make_principal, staff
from tests.fixtures.notification import make_endpoint


def shown_secret(html: str) -> str:
    found = re.search(r'id="secret" value="(whsec_[^"]+)"', html)
    assert found, "the page shows no secret"
    return found.group(1)


def test_admin_adds_an_endpoint_and_sees_its_secret_once(client: TestClient, session: Session) -> None:
    admin, csrf = staff(client, session)
    platform = make_principal(session, username="shop")
    session.commit()
    r = client.post(
        "/console/webhooks",
        data={
            "csrf_token": csrf,
            "principal_id": str(platform.id),
            "url": "https://hooks.shop.example/senim",
            "events": "decision.recorded, notice.sent",
        },
    )
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store" and "shown only this once" in r.text
    secret = shown_secret(r.text)
    row = session.scalars(select(WebhookEndpoint)).one()
    assert row.secret == secret and row.principal_id == platform.id and row.active
    assert row.events == ["decision.recorded", "notice.sent"]
    record = session.scalars(select(AuditRecord).where(AuditRecord.tag == "webhook:add")).one()
    assert record.actor_id == admin.id and record.target_id == str(row.id) and secret not in str(record.data)

    listing = client.get("/console/webhooks").text
    assert secret not in listing
    assert "Endpoints of shop" in listing and "https://hooks.shop.example/senim" in listing


def test_endpoints_are_listed_per_account(client: TestClient, session: Session) -> None:
    staff(client, session)
    shop = make_principal(session, username="shop")
    police = make_principal(session, Role.law_enforcement, username="police")
    make_endpoint(session, shop, "https://a.example/hook")
    make_endpoint(session, police, "https://b.example/hook")
    make_endpoint(session, shop, "https://c.example/hook")
    session.commit()
    page = client.get("/console/webhooks").text
    tables = re.findall(r"<caption>Endpoints of (\w+).*?</table>", page, re.S)
    assert tables == ["police", "shop"]
    shop_table = page[page.index("Endpoints of shop") :]
    assert "a.example" in shop_table and "c.example" in shop_table and "b.example" not in shop_table


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"url": "ftp://files.example/x", "events": "*"}, "The webhook URL"),
        ({"url": "not a url", "events": "*"}, "The webhook URL is not a valid address."),
        ({"url": "", "events": "*"}, "The webhook URL is not a valid address."),
        ({"url": "https://a.example/h", "events": ""}, "Choose at least one event"),
        ({"url": "https://a.example/h", "events": "Bad Event"}, "Not a valid event name: Bad"),
    ],
)
def test_a_refused_endpoint_is_shown_again_and_writes_nothing(
    client: TestClient, session: Session, form: dict[str, str], message: str
) -> None:
    _admin, csrf = staff(client, session)
    platform = make_principal(session)
    session.commit()
    before = audit_count(session)
    r = client.post("/console/webhooks", data={"csrf_token": csrf, "principal_id": str(platform.id), **form})
    assert r.status_code == 422
    assert message in r.text and 'role="alert"' in r.text and "cache-control" not in r.headers
    assert session.scalars(select(WebhookEndpoint)).all() == [] and audit_count(session) == before


def test_only_external_accounts_get_endpoints(client: TestClient, session: Session) -> None:
    _admin, csrf = staff(client, session)
    person = make_user(session)
    session.commit()
    before = audit_count(session)
    r = client.post(
        "/console/webhooks",
        data={
            "csrf_token": csrf,
            "principal_id": str(person.id),
            "url": "https://a.example/h",
            "events": "*",
        },
    )
    assert r.status_code == 422 and "Choose an active platform" in r.text
    assert session.scalars(select(WebhookEndpoint)).all() == [] and audit_count(session) == before


def test_admin_disables_an_endpoint(client: TestClient, session: Session) -> None:
    _admin, csrf = staff(client, session)
    endpoint, _secret = make_endpoint(session, make_principal(session), "https://a.example/hook")
    session.commit()
    r = client.post(
        f"/console/webhooks/{endpoint.id}/disable", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/console/webhooks?msg=console_webhook_disabled"
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint.id).active is False  # type: ignore[union-attr]
    assert audit_count(session, "webhook:disable") == 1
    page = client.get(r.headers["location"]).text
    assert "The webhook endpoint is disabled." in page and "Disabled" in page
    assert f"/console/webhooks/{endpoint.id}/rotate" not in page


def test_admin_rotates_a_secret_shown_once(client: TestClient, session: Session) -> None:
    _admin, csrf = staff(client, session)
    endpoint, old = make_endpoint(session, make_principal(session), "https://a.example/hook")
    session.commit()
    r = client.post(f"/console/webhooks/{endpoint.id}/rotate", data={"csrf_token": csrf})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    new = shown_secret(r.text)
    assert new != old
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint.id).secret == new  # type: ignore[union-attr]
    assert audit_count(session, "webhook:rotate") == 1
    assert new not in client.get("/console/webhooks").text


def test_a_disabled_endpoint_keeps_its_secret(client: TestClient, session: Session) -> None:
    _admin, csrf = staff(client, session)
    endpoint, old = make_endpoint(session, make_principal(session), "https://a.example/hook")
    endpoint.active = False
    session.commit()
    before = audit_count(session)
    r = client.post(f"/console/webhooks/{endpoint.id}/rotate", data={"csrf_token": csrf})
    assert r.status_code == 409 and "This webhook endpoint is disabled." in r.text
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint.id).secret == old  # type: ignore[union-attr]
    assert audit_count(session) == before
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.post(f"/console/webhooks/{missing}/rotate", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"/console/webhooks/{missing}/disable", data={"csrf_token": csrf}).status_code == 404
