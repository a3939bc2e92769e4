"""Users and roles in the console: find accounts, create staff and external accounts, change roles and
statuses, all audited; administrators cannot change their own role or status."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.kit.clock import today_in, utcnow
from senim.models import AccountStatus, AuditRecord, Role, User, UserSession
from tests.fixtures.builders import make_user
from tests.fixtures.console import audit_count, make_principal, staff


def user_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def listed(html: str) -> set[str]:
    return set(re.findall(r'<th scope="row"><a href="/console/users/[0-9a-f-]+">([^<]+)</a>', html))


def test_list_finds_accounts_by_name_role_and_status(client: TestClient, session: Session) -> None:
    admin, _csrf = staff(client, session)
    aigerim = make_user(session, username="aigerim", display_name="Aigerim Sarsenova")
    make_user(session, username="bolat", display_name="Bolat")
    mod = make_user(session, role=Role.moderator, username="moder_sara", display_name="Sara")
    sleeper = make_user(session, username="sleeper", display_name="Quiet one")
    sleeper.status = AccountStatus.suspended
    session.commit()

    everyone = listed(client.get("/console/users").text)
    assert {"aigerim", "bolat", "moder_sara", "sleeper", admin.username} <= everyone
    assert listed(client.get("/console/users?q=SARSEN").text) == {aigerim.username}  # display name, any case
    assert listed(client.get("/console/users?q=sar").text) == {"aigerim", "moder_sara"}
    assert listed(client.get("/console/users?q=%25").text) == set()  # LIKE wildcards are plain text
    assert listed(client.get("/console/users?role=moderator").text) == {mod.username}
    assert listed(client.get("/console/users?status=suspended").text) == {"sleeper"}
    assert listed(client.get("/console/users?role=user&status=active&q=b").text) == {"bolat"}
    assert client.get("/console/users?role=emperor").status_code == 422
    assert client.get("/console/users?status=gone").status_code == 422


def test_list_pages_through_every_account(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("senim.console.views.USERS_PAGE", 2)
    staff(client, session)
    for n in range(4):
        make_user(session, username=f"paged{n}")
    session.commit()
    seen: list[str] = []
    link: str | None = "/console/users?q=paged"
    while link:
        page = client.get(link.replace("&amp;", "&"))
        assert page.status_code == 200
        seen += sorted(listed(page.text))
        found = re.search(r'<a href="(/console/users\?[^"]*cursor=[^"]+)">Next page</a>', page.text)
        link = found.group(1) if found else None
    assert sorted(seen) == [f"paged{n}" for n in range(4)]
    assert client.get("/console/users?cursor=not-a-cursor").status_code == 422


def test_admin_creates_a_staff_account(client: TestClient, session: Session) -> None:
    admin, csrf = staff(client, session)
    assert client.get("/console/users/new").status_code == 200
    r = client.post(
        "/console/users",
        data={
            "csrf_token": csrf,
            "role": "moderator",
            "username": "New_Mod",
            "display_name": "Nurlan",
            "email": "nurlan@example.kz",
            "language": "ru",
            "password": "a long enough password",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    created = session.scalars(select(User).where(User.username == "new_mod")).one()
    assert r.headers["location"] == f"/console/users/{created.id}?msg=console_user_created"
    assert created.role == Role.moderator and created.password_hash and created.language == "ru"
    record = session.scalars(
        select(AuditRecord).where(AuditRecord.tag == "user:create", AuditRecord.target_id == str(created.id))
    ).one()
    assert (
        record.actor_id == admin.id
        and record.target_id == str(created.id)
        and record.data == {"role": "moderator"}
    )
    assert "The account is created." in client.get(r.headers["location"]).text


def test_admin_creates_an_external_account_without_a_password(client: TestClient, session: Session) -> None:
    admin, csrf = staff(client, session)
    r = client.post(
        "/console/users",
        data={"csrf_token": csrf, "role": "integrating_platform", "username": "shop-kz", "password": ""},
        follow_redirects=False,
    )
    assert r.status_code == 303
    created = session.scalars(select(User).where(User.username == "shop-kz")).one()
    assert created.role == Role.integrating_platform and created.password_hash is None
    record = session.scalars(select(AuditRecord).where(AuditRecord.target_id == str(created.id))).one()
    assert record.tag == "user:create" and record.actor_label == f"administrator:{admin.username}"


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        (
            {"role": "law_enforcement", "username": "police", "password": "a long enough password"},
            422,
            "External bodies and platforms sign in with API tokens, not passwords.",
        ),
        (
            {"role": "moderator", "username": "nopass", "password": ""},
            422,
            "A staff account needs an initial password.",
        ),
        (
            {"role": "user", "username": "plain", "password": "a long enough password"},
            422,
            "Choose one of the offered roles.",
        ),
        (
            {"role": "", "username": "norole", "password": "a long enough password"},
            422,
            "Choose one of the offered roles.",
        ),
        (
            {"role": "moderator", "username": "x", "password": "a long enough password"},
            422,
            "A username is 3 to 32",
        ),
        ({"role": "moderator", "username": "shortpw", "password": "short"}, 422, "at least 10 characters"),
        (
            {
                "role": "moderator",
                "username": "badmail",
                "password": "a long enough password",
                "email": "nope",
            },
            422,
            "Enter a valid e-mail address",
        ),
        (
            {
                "role": "moderator",
                "username": "longname",
                "password": "a long enough password",
                "display_name": "x" * 121,
            },
            422,
            "The display name is too long.",
        ),
        (
            {"role": "moderator", "username": "taken", "password": "a long enough password"},
            409,
            "This username is already taken.",
        ),
    ],
)
def test_a_refused_account_form_is_shown_again_and_writes_nothing(
    client: TestClient, session: Session, form: dict[str, str], status: int, message: str
) -> None:
    _admin, csrf = staff(client, session)
    make_user(session, username="taken")
    session.commit()
    users, records = user_count(session), audit_count(session)
    r = client.post("/console/users", data={"csrf_token": csrf, **form})
    assert r.status_code == status
    assert message in r.text and 'role="alert"' in r.text
    assert f'value="{form["username"]}"' in r.text  # what was typed is kept (never the password)
    assert not form["password"] or f'value="{form["password"]}"' not in r.text
    assert (user_count(session), audit_count(session)) == (users, records)


def test_details_show_the_minor_flag_but_never_the_birth_date_or_hash(
    client: TestClient, session: Session
) -> None:
    staff(client, session)
    minor = make_user(session, date_of_birth=date(today_in().year - 14, 2, 3), display_name="Young")
    session.commit()
    page = client.get(f"/console/users/{minor.id}")
    assert page.status_code == 200
    assert "Yes, under 18" in page.text and "Young" in page.text and "User" in page.text
    assert str(minor.date_of_birth) not in page.text and str(minor.date_of_birth.year) not in page.text
    assert minor.password_hash and minor.password_hash not in page.text and "argon2" not in page.text
    assert client.get(f"/console/users/{minor.id.hex[:8]}").status_code == 422
    assert client.get("/console/users/00000000-0000-0000-0000-000000000000").status_code == 404


def test_admin_changes_a_role_and_the_account_signs_in_again(client: TestClient, session: Session) -> None:
    _admin, csrf = staff(client, session)
    target = make_user(session, role=Role.moderator)
    session.add(
        UserSession(
            user_id=target.id, token_digest="x" * 64, csrf_token="c", expires_at=utcnow() + timedelta(days=1)
        )
    )
    session.commit()
    r = client.post(
        f"/console/users/{target.id}/role",
        data={"csrf_token": csrf, "role": "senior_moderator"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("msg=console_role_changed")
    session.expire_all()
    assert session.get(User, target.id).role == Role.senior_moderator  # type: ignore[union-attr]
    record = session.scalars(select(AuditRecord).where(AuditRecord.tag == "user:set_role")).one()
    assert record.data["from"] == "moderator" and record.data["to"] == "senior_moderator"
    assert record.data["sessions_ended"] == 1
    same = client.post(
        f"/console/users/{target.id}/role",
        data={"csrf_token": csrf, "role": "senior_moderator"},
        follow_redirects=False,
    )
    assert same.headers["location"].endswith("msg=console_unchanged")
    assert audit_count(session, "user:set_role") == 1


def test_admin_suspends_and_reactivates(client: TestClient, session: Session) -> None:
    _admin, csrf = staff(client, session)
    target = make_user(session)
    session.commit()
    r = client.post(
        f"/console/users/{target.id}/status",
        data={"csrf_token": csrf, "status": "suspended"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("msg=console_user_suspended")
    session.expire_all()
    assert session.get(User, target.id).status == AccountStatus.suspended  # type: ignore[union-attr]
    assert "Reactivate the account" in client.get(f"/console/users/{target.id}").text
    r = client.post(
        f"/console/users/{target.id}/status",
        data={"csrf_token": csrf, "status": "active"},
        follow_redirects=False,
    )
    assert r.headers["location"].endswith("msg=console_user_reactivated")
    records = session.scalars(
        select(AuditRecord).where(AuditRecord.tag == "user:set_status").order_by(AuditRecord.seq)
    ).all()
    assert [(r.data["from"], r.data["to"]) for r in records] == [
        ("active", "suspended"),
        ("suspended", "active"),
    ]


@pytest.mark.parametrize(("value", "status"), [("deleted", 422), ("frozen", 422), ("", 422)])
def test_only_active_and_suspended_can_be_set(
    client: TestClient, session: Session, value: str, status: int
) -> None:
    _admin, csrf = staff(client, session)
    target = make_user(session)
    session.commit()
    before = audit_count(session)
    r = client.post(f"/console/users/{target.id}/status", data={"csrf_token": csrf, "status": value})
    assert r.status_code == status and "Choose one of the offered account statuses." in r.text
    assert audit_count(session) == before


def test_an_administrator_cannot_change_their_own_role_or_status(
    client: TestClient, session: Session
) -> None:
    admin, csrf = staff(client, session)
    before = audit_count(session)
    r = client.post(f"/console/users/{admin.id}/role", data={"csrf_token": csrf, "role": "moderator"})
    assert r.status_code == 403 and "You cannot change your own role." in r.text
    r = client.post(f"/console/users/{admin.id}/status", data={"csrf_token": csrf, "status": "suspended"})
    assert r.status_code == 403 and "You cannot change your own account status." in r.text
    session.expire_all()
    me = session.get(User, admin.id)
    assert me is not None and me.role == Role.administrator and me.status == AccountStatus.active
    assert audit_count(session) == before


def test_a_person_with_a_password_cannot_be_made_external(client: TestClient, session: Session) -> None:
    _admin, csrf = staff(client, session)
    person = make_user(session, role=Role.moderator)
    session.commit()
    r = client.post(f"/console/users/{person.id}/role", data={"csrf_token": csrf, "role": "law_enforcement"})
    assert r.status_code == 422 and "sign in with API tokens" in r.text
    session.expire_all()
    assert session.get(User, person.id).role == Role.moderator  # type: ignore[union-attr]
    assert audit_count(session, "user:set_role") == 0


def test_an_external_account_links_to_its_tokens(client: TestClient, session: Session) -> None:
    staff(client, session)
    platform = make_principal(session)
    session.commit()
    page = client.get(f"/console/users/{platform.id}").text
    assert f'href="/console/tokens/new?principal_id={platform.id}"' in page
