"""Who may open which console page and take which console action; forms without the CSRF token fail.

Every refused request must leave the database as it was: the actions are sent with valid forms, so a
missing check would show up as a change.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account.service import account_service
from senim.audit import Actor
from senim.models import AccountStatus, ApiToken, Job, JobStatus, Role, User, WebhookEndpoint
from tests.fixtures.builders import make_user
from tests.fixtures.console import audit_count, make_job, make_principal, staff
from tests.fixtures.notification import make_endpoint


@dataclass
class World:
    target: User
    platform: User
    token: ApiToken
    endpoint: WebhookEndpoint
    job: Job

    def pages(self) -> dict[str, list[str]]:
        """GET pages by the permission they need."""
        return {
            "users:manage": [
                "/console/users",
                "/console/users/new",
                f"/console/users/{self.target.id}",
            ],
            "tokens:manage": [
                "/console/tokens",
                f"/console/tokens/new?principal_id={self.platform.id}",
                "/console/webhooks",
            ],
            "jobs:read": ["/console/jobs", f"/console/jobs/{self.job.id}"],
            "console": ["/console"],
        }

    def actions(self) -> dict[str, list[tuple[str, dict[str, str | list[str]]]]]:
        """POST actions with forms that would succeed, by the permission they need."""
        return {
            "users:manage": [
                (
                    "/console/users",
                    {"role": "moderator", "username": "sneaky", "password": "a long enough password"},
                ),
                (f"/console/users/{self.target.id}/role", {"role": "administrator"}),
                (f"/console/users/{self.target.id}/status", {"status": "suspended"}),
            ],
            "tokens:manage": [
                (
                    "/console/tokens",
                    {"principal_id": str(self.platform.id), "name": "n", "scopes": ["platform:push"]},
                ),
                (f"/console/tokens/{self.token.id}/revoke", {}),
                (
                    "/console/webhooks",
                    {"principal_id": str(self.platform.id), "url": "https://a.example/h", "events": "*"},
                ),
                (f"/console/webhooks/{self.endpoint.id}/disable", {}),
                (f"/console/webhooks/{self.endpoint.id}/rotate", {}),
            ],
            "jobs:manage": [
                (f"/console/jobs/{self.job.id}/retry", {}),
                (f"/console/jobs/{self.job.id}/cancel", {}),
            ],
        }


@pytest.fixture
def world(session: Session) -> World:
    target = make_user(session, role=Role.moderator)
    platform = make_principal(session)
    token = account_service.issue_token(
        session, Actor.system("test"), platform, name="t", scopes=["platform:read"]
    ).row
    endpoint, _secret = make_endpoint(session, platform, "https://hooks.example/h")
    job = make_job(session, status=JobStatus.dead, attempts=8, last_error="boom")
    session.commit()
    return World(target, platform, token, endpoint, job)


def snapshot(session: Session, world: World) -> tuple[object, ...]:
    session.expire_all()
    target = session.get(User, world.target.id)
    token = session.get(ApiToken, world.token.id)
    endpoint = session.get(WebhookEndpoint, world.endpoint.id)
    job = session.get(Job, world.job.id)
    assert target and token and endpoint and job
    return (
        audit_count(session),
        len(session.scalars(select(User.id)).all()),
        len(session.scalars(select(ApiToken.id)).all()),
        len(session.scalars(select(WebhookEndpoint.id)).all()),
        (target.role, target.status, token.revoked_at, endpoint.active, endpoint.secret),
        (job.status, job.attempts),
    )


def check(
    client: TestClient,
    session: Session,
    world: World,
    csrf: str | None,
    *,
    refused_pages: set[str],
    refused_actions: set[str],
    status: int,
) -> None:
    before = snapshot(session, world)
    wrong = []
    for perm, paths in world.pages().items():
        for path in paths:
            code = client.get(path).status_code
            if (code == status) != (perm in refused_pages):
                wrong.append(f"GET {path}: {code}")
    for perm, actions in world.actions().items():
        if perm not in refused_actions:
            continue
        for path, form in actions:
            data = {**form, **({"csrf_token": csrf} if csrf else {})}
            code = client.post(path, data=data, follow_redirects=False).status_code
            if code != status:
                wrong.append(f"POST {path}: {code}")
    assert not wrong, "\n".join(wrong)
    assert snapshot(session, world) == before, "a refused request changed something"


STAFF_ONLY = {"users:manage", "tokens:manage", "jobs:manage"}


@pytest.mark.parametrize("role", [Role.moderator, Role.senior_moderator, Role.legal_officer])
def test_staff_without_the_permission_get_403_on_users_tokens_and_webhooks(
    client: TestClient, session: Session, world: World, role: Role
) -> None:
    _user, csrf = staff(client, session, role)
    check(
        client,
        session,
        world,
        csrf,
        refused_pages={"users:manage", "tokens:manage"},
        refused_actions=STAFF_ONLY,
        status=403,
    )


def test_auditors_read_but_change_nothing(client: TestClient, session: Session, world: World) -> None:
    _user, csrf = staff(client, session, Role.auditor)
    check(
        client,
        session,
        world,
        csrf,
        refused_pages={"users:manage", "tokens:manage"},
        refused_actions=STAFF_ONLY,
        status=403,
    )


def test_a_plain_user_gets_403_everywhere_in_the_console(
    client: TestClient, session: Session, world: World
) -> None:
    _user, csrf = staff(client, session, Role.user)
    everything = {"users:manage", "tokens:manage", "jobs:read", "console"}
    check(client, session, world, csrf, refused_pages=everything, refused_actions=STAFF_ONLY, status=403)
    assert client.get("/console/audit").status_code == 403


def test_a_suspended_administrator_is_signed_out(client: TestClient, session: Session, world: World) -> None:
    admin, csrf = staff(client, session)
    account = session.get(User, admin.id)
    assert account is not None
    account.status = AccountStatus.suspended
    session.commit()
    everything = {"users:manage", "tokens:manage", "jobs:read", "console"}
    check(client, session, world, csrf, refused_pages=everything, refused_actions=STAFF_ONLY, status=401)


def test_visitors_get_401(client: TestClient, session: Session, world: World) -> None:
    everything = {"users:manage", "tokens:manage", "jobs:read", "console"}
    check(client, session, world, None, refused_pages=everything, refused_actions=STAFF_ONLY, status=401)
    page = client.get("/console/users")
    assert "text/html" in page.headers["content-type"]


@pytest.mark.parametrize("csrf", [None, "forged-token"])
def test_every_action_without_the_csrf_token_is_refused_and_writes_nothing(
    client: TestClient, session: Session, world: World, csrf: str | None
) -> None:
    staff(client, session)
    check(client, session, world, csrf, refused_pages=set(), refused_actions=STAFF_ONLY, status=403)


def test_the_administrator_opens_every_page(client: TestClient, session: Session, world: World) -> None:
    staff(client, session)
    for paths in world.pages().values():
        for path in paths:
            page = client.get(path)
            assert page.status_code == 200, path
            assert 'aria-label="Console sections"' in page.text, path
