"""Account settings: the sections, the profile, the language, the accepted documents and new versions."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.account.documents import DocumentKind, current
from senim.account.service import MAX_BIO_CHARS, account_service
from senim.models import AuditRecord, DocumentAcceptance, Role, User
from senim.web.templating import ENV
from tests.fixtures.builders import accepted_documents, login, make_user


def _audit(session: Session, tag: str) -> list[AuditRecord]:
    return list(session.scalars(select(AuditRecord).where(AuditRecord.tag == tag).order_by(AuditRecord.seq)))


def _accept_current(session: Session, user: User) -> None:
    account_service.accept_documents(session, user, accepted_documents(user.language))
    session.commit()


def test_settings_page_has_every_section_with_a_heading(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    page = client.get("/account")
    assert page.status_code == 200
    for anchor, heading in [
        ("profile", "Profile"),
        ("language", "Language"),
        ("password", "Password"),
        ("hidden", "Hidden from my feed"),
        ("accepted-documents", "Documents"),
        ("privacy", "Data and privacy"),
        ("leave", "Leave Senim"),
    ]:
        assert re.search(
            rf'<section class="card" id="{anchor}" aria-labelledby="{anchor}-heading">', page.text
        )
        assert f'<h2 id="{anchor}-heading">{heading}</h2>' in page.text
        assert f'<a href="#{anchor}">{heading}</a>' in page.text  # the list of sections at the top
    assert 'href="/account/hidden"' in page.text
    assert 'href="/account/delete"' in page.text
    # The language form is the header switcher's, remembering the choice for the account.
    assert 'action="/language"' in page.text and 'id="account-language"' in page.text


def test_data_and_privacy_section_links_to_pages_that_work(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    client.cookies.set("senim_lang", "en")
    page = client.get("/account").text
    section = page[page.index('id="privacy"') : page.index('id="leave"')]
    for link in ("/account/privacy", "/account/ads", "/documents/privacy_policy"):
        assert f'href="{link}"' in section
        assert client.get(link).status_code == 200, link
    assert "not available yet" not in section
    # No dead controls: the section holds no form and no button.
    assert "<form" not in section and "<button" not in section


def test_profile_is_saved_with_an_audit_record(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    csrf = login(client, user)
    r = client.post(
        "/account/profile",
        data={"csrf_token": csrf, "display_name": "  Айгерім   Н.  ", "bio": "Алматы.\r\nПишу о горах. "},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/account?msg=profile_saved"
    session.expire_all()
    saved = session.get_one(User, user.id)
    assert saved.display_name == "Айгерім Н."
    assert saved.bio == "Алматы.\nПишу о горах."
    (record,) = _audit(session, "user:update_profile")
    assert record.actor_id == user.id and record.target_id == str(user.id)
    assert record.data == {"changed": ["display_name", "bio"]}  # which fields, never their text
    page = client.get("/account?msg=profile_saved")
    assert "Your profile is saved." in page.text and "Пишу о горах." in page.text
    # Sending the same profile again changes nothing and records nothing.
    client.post("/account/profile", data={"csrf_token": csrf, "display_name": "Айгерім Н.", "bio": saved.bio})
    assert len(_audit(session, "user:update_profile")) == 1


@pytest.mark.parametrize(
    ("display_name", "bio", "problem"),
    [
        ("   ", "", "Enter a display name."),
        ("x" * 121, "", "The display name is too long."),
        ("evil\u202eadmin", "", "The display name contains characters that cannot be shown."),
        (
            "Dana",
            "y" * (MAX_BIO_CHARS + 1),
            f"The profile text is too long: at most {MAX_BIO_CHARS} characters.",
        ),
        ("Dana", "bell\x07", "The profile text contains characters that cannot be shown."),
    ],
)
def test_bad_profile_is_refused_in_its_section_and_nothing_written(
    client: TestClient, session: Session, display_name: str, bio: str, problem: str
) -> None:
    user = make_user(session)
    session.commit()
    csrf = login(client, user)
    before = session.scalar(select(func.count()).select_from(AuditRecord))
    r = client.post("/account/profile", data={"csrf_token": csrf, "display_name": display_name, "bio": bio})
    assert r.status_code == 422
    profile = r.text[r.text.index('id="profile"') : r.text.index('id="language"')]
    assert problem in profile and 'role="alert"' in profile
    session.expire_all()
    assert session.get_one(User, user.id).display_name == user.display_name
    assert session.scalar(select(func.count()).select_from(AuditRecord)) == before


def test_profile_through_the_api(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    r = client.patch("/api/v1/me", json={"bio": "Only the bio"})
    assert r.status_code == 200
    assert r.json()["bio"] == "Only the bio" and r.json()["display_name"] == user.display_name
    assert _audit(session, "user:update_profile")[0].data == {"changed": ["bio"]}
    r = client.patch("/api/v1/me", json={"display_name": ""})
    assert r.status_code == 422
    assert r.json()["error"]["problems"] == ["Enter a display name."]
    assert len(_audit(session, "user:update_profile")) == 1


@pytest.mark.parametrize("role", [Role.user, Role.moderator, Role.auditor])
def test_profile_may_be_changed_by_participants_only(
    client: TestClient, session: Session, role: Role
) -> None:
    user = make_user(session, role=role)
    session.commit()
    csrf = login(client, user)
    page = client.get("/account").text
    r = client.post("/account/profile", data={"csrf_token": csrf, "display_name": "New name", "bio": ""})
    if role is Role.auditor:
        # Auditors read and change nothing: no form is offered, and the route refuses.
        assert 'action="/account/profile"' not in page and 'action="/account/password"' not in page
        assert r.status_code == 403
        assert _audit(session, "user:update_profile") == []
    else:
        assert 'action="/account/profile"' in page
        assert r.status_code == 200  # followed the redirect back to the settings
        assert len(_audit(session, "user:update_profile")) == 1


def test_profile_needs_sign_in_and_csrf(client: TestClient, session: Session) -> None:
    assert client.get("/account", headers={"accept": "application/json"}).status_code == 401
    user = make_user(session)
    session.commit()
    login(client, user)
    r = client.post("/account/profile", data={"display_name": "No token", "bio": ""})
    assert r.status_code == 403
    assert _audit(session, "user:update_profile") == []


def test_language_saved_from_the_settings_page(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    csrf = login(client, user)
    r = client.post(
        "/language", data={"csrf_token": csrf, "language": "kk", "next": "/account"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/account")
    session.expire_all()
    assert session.get_one(User, user.id).language == "kk"
    page = client.get("/account")
    assert '<html lang="kk">' in page.text
    assert '<option value="kk" lang="kk" selected>' in page.text


@pytest.mark.law("LAW-73")
def test_documents_section_lists_the_accepted_versions_with_dates(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.add(
        DocumentAcceptance(
            user_id=user.id, kind="user_agreement", version="2020-01-01", language="ru", text_sha256="0" * 64
        )
    )
    session.commit()
    _accept_current(session, user)
    login(client, user)
    page = client.get("/account").text
    section = page[page.index('id="accepted-documents"') : page.index('id="privacy"')]
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?) <span", section, re.S)
    assert ("User agreement", "2020-01-01") in rows
    for kind in DocumentKind:
        assert (
            ("User agreement" if kind is DocumentKind.user_agreement else "Privacy policy"),
            current(kind, "en").version,
        ) in rows
    assert section.count("<time datetime=") == 3
    assert 'href="/documents/user_agreement"' in section and 'href="/documents/privacy_policy"' in section
    # Everything current is accepted: no acceptance form, no banner.
    assert 'action="/account/documents"' not in page and 'class="banner"' not in page


@pytest.mark.law("LAW-73")
@pytest.mark.law("LAW-14")
def test_a_new_version_is_asked_at_the_top_of_the_settings_with_a_banner(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)  # created by staff: has accepted nothing current yet
    session.commit()
    csrf = login(client, user)
    page = client.get("/account").text
    assert '<a href="/account#documents">' in page  # the banner
    form_at = page.index('<form method="post" action="/account/documents"')
    assert form_at < page.index('id="profile"')
    assert 'id="documents"' in page[form_at : form_at + 200]
    # Accept and decline look the same; neither box is ticked for the user.
    actions = page[form_at:].split('<div class="actions">', 1)[1].split("</div>", 1)[0]
    assert 'class="button">Accept</button>' in actions
    assert '<a class="button" href="/account/delete">' in actions
    assert "checked" not in page[form_at : page.index('id="profile"')]

    # Sending the form with nothing ticked thanks nobody: it says what to do, and records nothing.
    r = client.post("/account/documents", data={"csrf_token": csrf})
    assert r.status_code == 422
    assert "Tick the box next to each document you accept" in r.text
    assert session.scalar(select(func.count()).select_from(DocumentAcceptance)) == 0

    r = client.post(
        "/account/documents",
        data={"csrf_token": csrf, **{f"accept_{k}": v for k, v in accepted_documents("en").items()}},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/account?msg=documents_accepted"
    assert session.scalar(select(func.count()).select_from(DocumentAcceptance)) == 2
    assert len(_audit(session, "user:accept_documents")) == 1
    assert 'class="banner"' not in client.get("/account").text


def test_documents_to_accept_reads_through_the_request_session(session: Session) -> None:
    user = make_user(session)
    session.commit()
    assert account_service.documents_to_accept(user) == list(DocumentKind)
    assert account_service.documents_to_accept(None) == []
    session.expunge(user)  # a page rendered after its transaction ended: no banner, no error
    assert account_service.documents_to_accept(user) == []


def test_the_banner_is_in_the_layout_of_every_page() -> None:
    class _Url:
        path = "/somewhere"

    class _Request:
        url = _Url()

    html = ENV.get_template("error.html").render(
        request=_Request(),
        me=None,
        csrf_token="t",
        lang="en",
        status=404,
        message="m",
        pending_documents=["user_agreement"],
    )
    assert '<div class="banner" role="note">' in html and 'href="/account#documents"' in html
    html = ENV.get_template("error.html").render(
        request=_Request(), me=None, csrf_token="t", lang="en", status=404, message="m", pending_documents=[]
    )
    assert 'class="banner"' not in html


def test_the_banner_shows_on_every_page_until_the_new_version_is_accepted(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    page = client.get("/communities").text
    assert 'class="banner"' in page
    assert '<a href="/account#documents">' in page
    _accept_current(session, user)
    assert 'class="banner"' not in client.get("/communities").text
