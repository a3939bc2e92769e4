"""Delete my account (LAW-14): as easy to find as signing up, explained plainly, and it really happens."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.account.service import DELETED_DISPLAY_NAME, account_service
from senim.ads.service import ads_service
from senim.audit import Actor
from senim.content.service import content_service
from senim.kit.secrets import digest
from senim.models import (
    AccountStatus,
    ApiToken,
    AuditRecord,
    CommunityMember,
    ContentItem,
    DocumentAcceptance,
    ItemStatus,
    MemberRole,
    Role,
    User,
    UserSession,
)
from senim.models.ads import AdPreference
from tests.fixtures.builders import PASSWORD, accepted_documents, csrf_from, login, make_user
from tests.fixtures.content import make_community, make_post


def _audit(session: Session, tag: str) -> list[AuditRecord]:
    return list(session.scalars(select(AuditRecord).where(AuditRecord.tag == tag).order_by(AuditRecord.seq)))


def _count(session: Session, model: type[object]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _person_with_things(session: Session) -> tuple[User, dict[str, Any]]:
    """A person with a post, a comment, a post hidden while reviewed, an API token, memberships."""
    user = make_user(session, email="dana@example.kz", date_of_birth=date(2010, 1, 2))
    user.bio = "Something about me"
    other = make_user(session)
    account_service.accept_documents(session, user, accepted_documents("en"))
    post = make_post(session, user, "My post")
    hidden = make_post(session, user, "Under review")
    hidden.status = ItemStatus.hidden
    others_post = make_post(session, other, "Someone else's post")
    comment = content_service.create_comment(session, user, others_post.id, "My comment")
    already = make_post(session, user, "Deleted earlier")
    already.status = ItemStatus.deleted
    joined = make_community(session, other, members=(user,))
    owned = make_community(session, user)
    session.add(
        ApiToken(principal_id=user.id, name="script", token_digest=digest("tok"), prefix="snm_x", scopes=[])
    )
    ads_service.set_preference(session, user, personalised=False)  # their advertising choices
    session.commit()
    return user, {
        "post": post,
        "hidden": hidden,
        "comment": comment,
        "others_post": others_post,
        "already": already,
        "joined": joined,
        "owned": owned,
        "other": other,
    }


@pytest.mark.law("LAW-14")
def test_delete_my_account_through_the_pages(client: TestClient, session: Session) -> None:
    user, things = _person_with_things(session)
    login(client, user)
    other_browser = TestClient(client.app)
    login(other_browser, user)

    page = client.get("/account/delete")
    assert page.status_code == 200
    assert "What happens" in page.text and "username stays reserved" in page.text
    r = client.post(
        "/account/delete",
        data={"csrf_token": csrf_from(page.text), "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/?msg=account_deleted"

    session.expire_all()
    gone = session.get_one(User, user.id)
    assert gone.status == AccountStatus.deleted
    assert gone.username == user.username  # reserved
    assert gone.display_name == DELETED_DISPLAY_NAME
    assert (gone.bio, gone.email, gone.password_hash, gone.date_of_birth) == ("", None, None, None)
    status = {
        name: session.get_one(ContentItem, things[name].id).status for name in ("post", "hidden", "comment")
    }
    assert status == {"post": "deleted", "hidden": "deleted", "comment": "deleted"}
    assert session.get_one(ContentItem, things["others_post"].id).status == ItemStatus.visible
    # One item:delete each, by the person, through the content service; none for the item already gone.
    deleted_items = {r.target_id for r in _audit(session, "item:delete")}
    assert deleted_items == {str(things[n].id) for n in ("post", "hidden", "comment")}

    memberships = {
        (m.community_id, m.role)
        for m in session.scalars(select(CommunityMember).where(CommunityMember.user_id == user.id))
    }
    assert memberships == {(things["owned"].id, MemberRole.owner)}
    assert len(_audit(session, "community:leave")) == 1

    assert (
        session.scalars(
            select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        ).all()
        == []
    )
    assert all(t.revoked_at is not None for t in session.scalars(select(ApiToken)))
    # The law's records stay: acceptances and the audit log.
    assert _count(session, DocumentAcceptance) == 2

    (record,) = _audit(session, "user:delete_account")
    assert record.actor_id == user.id and record.target_id == str(user.id)
    assert session.get(AdPreference, user.id) is None  # erased with the account
    assert record.data == {
        "ad_preferences_erased": True,
        "items_deleted": 3,
        "kept_under_hold": 0,
        "communities_left": 1,
        "sessions_ended": 2,
        "tokens_revoked": 1,
        "was_minor": True,
    }

    # Logged out here and on the other device; the account cannot log in again; its page is gone.
    home = client.get("/?msg=account_deleted")
    assert "Your account is deleted" in home.text and 'href="/register"' in home.text
    assert other_browser.get("/api/v1/me").status_code == 401
    r = client.post("/api/v1/session", json={"username": user.username, "password": PASSWORD})
    assert r.status_code == 401
    assert client.get(f"/u/{user.username}").status_code == 404


@pytest.mark.law("LAW-14")
def test_the_username_of_a_deleted_account_stays_reserved(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    assert client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}).status_code == 204
    body = {
        "username": user.username,
        "password": "another long passphrase",
        "date_of_birth": "1990-01-01",
        "accepted": accepted_documents(),
    }
    assert client.post("/api/v1/accounts", json=body).status_code == 409


@pytest.mark.law("LAW-14")
def test_delete_page_is_plain_with_two_equal_choices(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    page = client.get("/account/delete").text
    actions = page.split('<div class="actions">', 1)[1].split("</div>", 1)[0]
    assert '<button type="submit" class="button">Delete my account</button>' in actions
    assert '<a class="button" href="/account">Keep my account</a>' in actions
    assert 'type="password" id="delete-password" name="password"' in page
    assert '<label for="delete-password">' in page
    for said in (
        "logged out on every device",
        "deleted from public view",
        "profile text, e-mail address",
        "date of birth",
        "law requires us to keep",
    ):
        assert said in page


@pytest.mark.parametrize("password", ["", "wrong password here"])
def test_wrong_password_deletes_nothing(client: TestClient, session: Session, password: str) -> None:
    user, things = _person_with_things(session)
    csrf = login(client, user)
    before = _count(session, AuditRecord)
    r = client.post("/account/delete", data={"csrf_token": csrf, "password": password})
    assert r.status_code == 422
    assert "The current password is wrong." in r.text and 'role="alert"' in r.text
    session.expire_all()
    assert session.get_one(User, user.id).status == AccountStatus.active
    assert session.get_one(ContentItem, things["post"].id).status == ItemStatus.visible
    assert _count(session, AuditRecord) == before
    assert client.get("/api/v1/me").status_code == 200


def test_delete_needs_the_csrf_token(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    r = client.post("/account/delete", data={"password": PASSWORD})
    assert r.status_code == 403
    session.expire_all()
    assert session.get_one(User, user.id).status == AccountStatus.active


@pytest.mark.parametrize("role", [Role.moderator, Role.administrator])
def test_staff_accounts_are_closed_by_an_administrator(
    client: TestClient, session: Session, role: Role
) -> None:
    staff = make_user(session, role=role)
    session.commit()
    csrf = login(client, staff)
    page = client.get("/account/delete")
    assert page.status_code == 200
    assert "Staff accounts are closed by an administrator" in page.text
    assert 'action="/account/delete"' not in page.text  # no form that could not work
    r = client.post("/account/delete", data={"csrf_token": csrf, "password": PASSWORD})
    assert r.status_code == 403
    assert client.request("DELETE", "/api/v1/me", json={"password": PASSWORD}).status_code == 403
    session.expire_all()
    assert session.get_one(User, staff.id).status == AccountStatus.active
    assert _audit(session, "user:delete_account") == []


def test_auditors_read_the_page_but_cannot_delete(client: TestClient, session: Session) -> None:
    auditor = make_user(session, role=Role.auditor)
    session.commit()
    csrf = login(client, auditor)
    assert client.get("/account/delete").status_code == 200
    r = client.post("/account/delete", data={"csrf_token": csrf, "password": PASSWORD})
    assert r.status_code == 403
    assert _audit(session, "user:delete_account") == []


def test_visitors_are_asked_to_log_in(client: TestClient) -> None:
    r = client.get("/account/delete", follow_redirects=False)
    assert r.status_code == 401
    assert 'href="/login?next=/account/delete"' in r.text


@pytest.mark.law("LAW-14")
def test_delete_through_the_api(client: TestClient, session: Session) -> None:
    user, things = _person_with_things(session)
    login(client, user)
    assert client.request("DELETE", "/api/v1/me", json={"password": "wrong one"}).status_code == 422
    no_body = client.request(
        "DELETE", "/api/v1/me", content=b"", headers={"content-type": "application/json"}
    )
    assert no_body.status_code == 422
    assert _audit(session, "user:delete_account") == []
    r = client.request("DELETE", "/api/v1/me", json={"password": PASSWORD})
    assert r.status_code == 204
    session.expire_all()
    assert session.get_one(User, user.id).status == AccountStatus.deleted
    assert session.get_one(ContentItem, things["comment"].id).status == ItemStatus.deleted
    assert len(_audit(session, "user:delete_account")) == 1
    assert client.get("/api/v1/me").status_code == 401


def test_account_without_a_password_is_deleted_without_one(session: Session) -> None:
    user = make_user(session, password=None)
    session.commit()
    summary = account_service.delete_account(session, user, None)
    session.commit()
    assert summary["items_deleted"] == 0 and summary["was_minor"] is False
    assert session.get_one(User, user.id).status == AccountStatus.deleted


@pytest.mark.law("LAW-82")
def test_the_person_is_told_what_is_kept_under_a_legal_hold_and_their_phone_is_erased(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    user.phone, user.country = "+77011234567", "KZ"
    held = make_post(session, user, "evidence")
    content_service.place_hold(session, Actor.system("test"), held, reason="escalation", source="escalation")
    session.commit()
    login(client, user)
    page = client.get("/account/delete")
    r = client.post(
        "/account/delete",
        data={"csrf_token": csrf_from(page.text), "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/?msg=account_deleted_kept"
    assert "legal hold" in client.get(r.headers["location"]).text
    session.expire_all()
    gone = session.get_one(User, user.id)
    assert (gone.phone, gone.country) == (None, None)
