"""The page describing the feed's parameters (LAW-34), the feed without profiling (LAW-35) and how to
hide things and undo it (LAW-52), rendered from ``senim.feed.policy`` in the reader's language."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from senim.about.views import FEED_NAMES
from senim.feed import policy as feed_policy
from senim.models import Role
from senim.web import i18n
from senim.web.middleware import LANG_COOKIE
from tests.fixtures.builders import login, make_user
from tests.web.routing import with_about


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    return with_about(app)


def _in_language(language: str, message: str) -> str:
    token = i18n.locale_var.set(language)
    try:
        return str(escape(i18n.gettext(message)))
    finally:
        i18n.locale_var.reset(token)


@pytest.mark.law("LAW-34")
@pytest.mark.law("LAW-35")
@pytest.mark.law("LAW-08")
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_page_renders_the_feed_policy_in_the_readers_language(client: TestClient, language: str) -> None:
    client.cookies.set(LANG_COOKIE, language)
    page = client.get("/about/feed")
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    messages = [p.title for p in feed_policy.PARAMETERS]
    messages += [p.description for p in feed_policy.PARAMETERS]
    messages += [p.user_control for p in feed_policy.PARAMETERS if p.user_control]
    messages += list(feed_policy.NOT_USED) + list(feed_policy.FEEDS.values())
    messages += list(feed_policy.HIDE_CONTROLS.values()) + [FEED_NAMES[k] for k in feed_policy.FeedKind]
    missing = [m for m in messages if _in_language(language, m) not in page.text]
    assert not missing
    assert page.text.count("<dt>") == len(feed_policy.PARAMETERS)


@pytest.mark.law("LAW-35")
def test_the_page_says_the_feed_without_profiling_is_the_only_one(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "en")
    page = client.get("/about/feed").text
    assert feed_policy.PROFILED is False
    assert "Every feed on Senim is a feed without profiling. It is the only feed there is" in page
    assert "nothing to switch on or off" in page
    assert "builds no profile of you" in page


@pytest.mark.law("LAW-52")
def test_the_page_says_how_to_hide_and_undo(client: TestClient, session: Session) -> None:
    client.cookies.set(LANG_COOKIE, "en")
    page = client.get("/about/feed").text
    assert "Not interested" in page and "Show again" in page
    assert 'href="/account/hidden"' not in page  # visitors: hiding needs an account, and it says so
    assert "Hiding needs an account" in page
    user = make_user(session)
    session.commit()
    login(client, user)
    page = client.get("/about/feed").text
    assert 'href="/account/hidden"' in page and "Hiding needs an account" not in page


@pytest.mark.parametrize("role", [None, Role.user, Role.auditor, Role.administrator])
def test_the_page_is_public(client: TestClient, session: Session, role: Role | None) -> None:
    if role is not None:
        user = make_user(session, role=role)
        session.commit()
        login(client, user)
    page = client.get("/about/feed")
    assert page.status_code == 200
    # Auditors cannot hide anything: no link to a page that would refuse them.
    assert ('href="/account/hidden"' in page.text) is (role in {Role.user, Role.administrator})
    assert client.post("/about/feed").status_code == 405


@pytest.mark.law("LAW-34")
def test_the_page_is_linked_from_every_page_and_from_the_user_agreement(client: TestClient) -> None:
    for path in ("/", "/communities", "/documents/privacy_policy"):
        footer = client.get(path).text.split('<footer class="site">', 1)[1]
        assert 'href="/about/feed"' in footer, path
    agreement = client.get("/documents/user_agreement").text
    main = agreement.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    assert '<a href="/about/feed">' in main
    privacy = client.get("/documents/privacy_policy").text.split('<main id="main">', 1)[1]
    assert '<a href="/about/feed">' not in privacy.split("</main>", 1)[0]
