"""`senim demo` loads one account of each role, communities and posts, once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.audit.service import verify
from senim.db import Database
from senim.demo import load_demo
from senim.models import Community, ContentItem, Role, User
from senim.models.ads import AdCreative
from senim.models.transparency import Risk


def test_demo_has_every_role_and_loads_once(db: Database, session: Session) -> None:
    with db.transaction() as s:
        created = load_demo(s, only_if_empty=True)
    assert created
    roles = set(session.scalars(select(User.role)))
    assert roles == {r.value for r in Role}
    assert session.scalar(select(func.count()).select_from(Community)) == 2
    assert session.scalar(select(func.count()).select_from(ContentItem)) >= 6
    minors = [u for u in session.scalars(select(User)) if u.is_minor]
    assert [u.username for u in minors] == ["daniyar"]
    assert (
        session.scalar(select(func.count()).select_from(AdCreative).where(AdCreative.status == "approved"))
        == 1
    )
    assert session.scalar(select(func.count()).select_from(Risk)) == 1
    with db.transaction() as s:
        assert load_demo(s, only_if_empty=True) == []
    assert verify(session).ok
