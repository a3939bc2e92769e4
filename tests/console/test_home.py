"""The console home shows each staff role the sections it may open."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.account.policy import STAFF_ROLES
from senim.models import Role
from tests.fixtures.builders import login, make_user


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_every_staff_role_reaches_its_console(client: TestClient, session: Session, role: Role) -> None:
    user = make_user(session, role=role)
    session.commit()
    login(client, user)
    page = client.get("/console")
    assert page.status_code == 200
    assert ('href="/console/audit"' in page.text) == (role in {Role.administrator, Role.auditor})
    assert ('href="/api/v1/users"' in page.text) == (role is Role.administrator)
    assert "pending" in page.text  # job counts for every staff role (jobs:read)


def test_people_who_are_not_staff_are_refused(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    assert client.get("/console").status_code == 403
    assert 'href="/console"' not in client.get("/").text
