"""Every route × every role → allowed or refused, as the table in ``route_table.py`` says.

The table is the reviewed statement of who may call what. One test fails when a route is missing from
the table or declares another permission than the table; the parametrised test then calls every route
as each role (anonymous, each person role, each external principal with its token) and checks that the
permission layer refuses exactly the roles the table refuses.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.account.policy import TOKEN_SCOPES, Perm, has_perm
from senim.account.service import account_service
from senim.app import api_routes, create_app
from senim.audit import Actor
from senim.config import Settings
from senim.db import Database
from senim.models import Role
from senim.models.account import EXTERNAL_ROLES
from senim.web.auth import CSRF_COOKIE, SESSION_COOKIE, Require
from tests.core.route_table import EXEMPT, HOLDERS, ROUTES
from tests.fixtures.builders import make_user

ROLES: list[Role | None] = [None, *Role]
DENIALS = {"permission_denied", "not_authenticated", "csrf_failed"}


def declared_permission(route: APIRoute) -> Perm | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Require):
            return dep.call.perm
        stack.extend(dep.dependencies)
    return None


def app_routes(app: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    for route in api_routes(app):
        for method in sorted(route.methods - {"HEAD"}):
            yield method, route.path, route


def _app() -> FastAPI:
    return create_app(Settings(mode="test", embedded_worker=False, database_url="sqlite://"), worker=False)


ALL_ROUTES = sorted((m, p) for m, p, _r in app_routes(_app()))


def test_every_route_is_in_the_table_with_its_declared_permission() -> None:
    app = _app()
    problems = []
    for method, path, route in app_routes(app):
        perm = declared_permission(route)
        if perm is None:
            problems.append(f"{method} {path} declares no permission")
        elif (method, path) not in ROUTES:
            problems.append(f"{method} {path} ({perm}) is not in tests/core/route_table.py")
        elif ROUTES[(method, path)] is not perm:
            problems.append(f"{method} {path} declares {perm} but the table says {ROUTES[(method, path)]}")
    stale = set(ROUTES) - set(ALL_ROUTES)
    problems += [f"{m} {p} is in the table but not in the app" for m, p in sorted(stale)]
    other = {getattr(r, "path", "") for r in app.routes if type(r).__name__ in {"Route", "Mount"}} - EXEMPT
    problems += [f"{p} is neither one of Senim's routes nor exempt" for p in sorted(other)]
    assert not problems, "\n".join(problems)


def test_the_policy_grants_each_permission_to_exactly_the_reviewed_holders() -> None:
    assert set(HOLDERS) == set(Perm), "every permission needs its row in HOLDERS"
    for perm, holders in HOLDERS.items():
        granted = {role for role in ROLES if has_perm(role, perm)}
        assert granted == holders, f"{perm}: policy grants {granted}, table says {holders}"


def _fill(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.endswith("id"):
            return str(uuid.uuid4())
        return {"kind": "user_agreement", "target_type": "post", "type": "post"}.get(name, "no-such-thing")

    return re.sub(r"\{([a-z_]+)(?::[a-z]+)?\}", value, path)


def _client_for(app: FastAPI, db: Database, session: Session, role: Role | None) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    client.headers["accept"] = "application/json"
    if role is None:
        client.cookies.set(CSRF_COOKIE, "anon-csrf-token")
        client.headers["x-csrf-token"] = "anon-csrf-token"
        return client
    if role in EXTERNAL_ROLES:
        principal = make_user(session, role=role, password=None)
        issued = account_service.issue_token(
            session, Actor.system("test"), principal, name="t", scopes=sorted(TOKEN_SCOPES[role])
        )
        session.commit()
        client.headers["authorization"] = f"Bearer {issued.token}"
        return client
    user = make_user(session, role=role)
    session.commit()
    with db.transaction() as s:
        token, row = account_service.start_session(s, s.get_one(type(user), user.id))
        csrf = row.csrf_token
    from itsdangerous import Signer

    signed = Signer(app.state.settings.secret_bytes, salt="senim.session").sign(token).decode()
    client.cookies.set(SESSION_COOKIE, signed)
    client.headers["x-csrf-token"] = csrf
    return client


@pytest.mark.parametrize(("method", "path"), ALL_ROUTES, ids=[f"{m} {p}" for m, p in ALL_ROUTES])
def test_route_refuses_exactly_the_roles_the_table_refuses(
    method: str, path: str, app: FastAPI, db: Database, session: Session
) -> None:
    perm = ROUTES.get((method, path))
    if perm is None:
        pytest.fail(f"{method} {path} is not in the route table")
    wrong = []
    for role in ROLES:
        client = _client_for(app, db, session, role)
        kwargs = {} if method in {"GET", "DELETE"} else {"json": {}}
        response = client.request(method, _fill(path), follow_redirects=False, **kwargs)
        code = ""
        if (
            response.headers.get("content-type", "").startswith("application/json")
            and response.status_code >= 400
        ):
            code = response.json().get("error", {}).get("code", "")
        refused = response.status_code in (401, 403) and code in DENIALS
        if refused == (role in HOLDERS[perm]):
            wrong.append(f"{role or 'anonymous'}: {response.status_code} {code} (table: {perm})")
    assert not wrong, f"{method} {path}\n" + "\n".join(wrong)
