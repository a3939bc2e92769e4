"""Items pushed by an integrating platform are moderated by Senim but never shown in Senim's own feed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.fixtures.community import make_platform


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
