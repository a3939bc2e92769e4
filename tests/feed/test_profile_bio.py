"""What a person writes about themselves is shown on their public profile."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.fixtures.builders import login, make_user


def test_the_profile_shows_the_bio_escaped(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    r = client.patch(
        "/api/v1/me", json={"display_name": "Әсел", "bio": "Алматыда тұрамын <b>және</b> тау сүйемін"}
    )
    assert r.status_code == 200, r.text
    page = client.get(f"/u/{user.username}").text
    assert "Алматыда тұрамын &lt;b&gt;және&lt;/b&gt; тау сүйемін" in page
    assert "Әсел" in page
