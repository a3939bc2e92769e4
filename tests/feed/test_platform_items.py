"""Items and accounts pushed by integrating platforms are moderated by Senim but never shown on Senim's own
site: not in its feeds, and pushed accounts have no profile here (404)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.models import HiddenItem, Role
from tests.fixtures.builders import make_user
from tests.fixtures.community import make_platform, push_account, push_item
from tests.fixtures.content import log_out, login_as

VIEWERS = ["anonymous", "user", "moderator"]


def _as(client: TestClient, session: Session, viewer: str) -> None:
    if viewer == "anonymous":
        log_out(client)
        return
    user = make_user(session, role=Role.moderator if viewer == "moderator" else Role.user)
    session.commit()
    login_as(client, user)


@pytest.mark.law("LAW-35")
def test_pushed_items_stay_out_of_the_home_feed(client: TestClient, session: Session) -> None:
    platform = make_platform(session)
    session.commit()
    bearer = {"authorization": f"Bearer {platform.token}"}
    assert (
        client.put("/api/v1/platform/accounts/u1", json={"display_name": "Ext"}, headers=bearer).status_code
        == 201
    )
    pushed = client.put(
        "/api/v1/platform/items/p1",
        json={"author_external_id": "u1", "kind": "post", "body": "сыртқы жазба"},
        headers=bearer,
    )
    assert pushed.status_code == 201, pushed.text
    feed = client.get("/api/v1/feed").json()
    assert all(item["body"] != "сыртқы жазба" for item in feed["items"])
    assert "сыртқы жазба" not in client.get("/").text


@pytest.mark.parametrize("viewer", VIEWERS)
def test_pushed_accounts_have_no_profile_here(client: TestClient, session: Session, viewer: str) -> None:
    platform = make_platform(session)
    account = push_account(session, platform.principal, "acc-1", display_name="Pushed Person")
    push_item(session, platform.principal, "post-1", "acc-1", "Pushed post text")
    session.commit()
    _as(client, session, viewer)
    for path in (f"/u/{account.username}", f"/api/v1/users/{account.username}/posts"):
        r = client.get(path)
        assert r.status_code == 404, (path, r.text)
        assert "Pushed Person" not in r.text
        assert "Pushed post text" not in r.text
    # The platform reads its account through its own API.
    mine = client.get("/api/v1/platform/accounts/acc-1", headers=platform.headers)
    assert mine.status_code == 200
    assert mine.json()["username"] == account.username


def test_pushed_accounts_cannot_be_hidden(client: TestClient, session: Session) -> None:
    platform = make_platform(session)
    account = push_account(session, platform.principal, "acc-1")
    reader = make_user(session)
    session.commit()
    login_as(client, reader)
    r = client.post("/api/v1/hidden", json={"target_type": "author", "target_id": str(account.id)})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert session.scalar(select(func.count()).select_from(HiddenItem)) == 0
