"""The layout every page shares: language, skip link, landmarks, htmx that only enhances, a stylesheet
that fits 360 px, and pages that keep to the content security policy (no inline style or script)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.web.middleware import LANG_COOKIE
from tests.fixtures.builders import login, make_user
from tests.web.markup import CSS, SRC, TEMPLATES, attr, html_tags


@pytest.mark.law("LAW-08")
def test_pages_are_in_kazakh_first_and_say_their_language(client: TestClient) -> None:
    assert '<html lang="kk">' in client.get("/").text
    client.cookies.set(LANG_COOKIE, "ru")
    page = client.get("/")
    assert '<html lang="ru">' in page.text and page.headers["content-language"] == "ru"
    # Each language in the switcher is named in itself and marked with its own language.
    assert '<option value="kk" lang="kk"' in page.text and "Қазақша" in page.text


def test_skip_link_landmarks_and_labelled_navigation(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    page = client.get("/account").text
    body = page.split("<body>", 1)[1]
    assert body.lstrip().startswith('<a class="skip" href="#main">')
    assert page.count('<main id="main">') == 1
    assert page.count('<header class="site">') == 1 and page.count('<footer class="site">') == 1
    navs = [tag for _n, tag in html_tags(page, ("nav",))]
    labels = [attr(tag, "aria-label") for tag in navs]
    assert all(labels) and len(set(labels)) == len(labels), navs


def test_htmx_is_included_only_to_enhance(client: TestClient) -> None:
    page = client.get("/").text
    assert '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>' in page
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in page
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200


def test_htmx_requests_only_on_links_and_forms_that_work_without_it() -> None:
    """An hx-get/hx-post/... goes only on a link with its href or a form with its action, so the page
    does the same thing without JavaScript."""
    wrong = []
    for path in TEMPLATES:
        for name, tag in html_tags(path.read_text(encoding="utf-8"), (r"[a-z][a-z0-9]*",)):
            if re.search(r"\shx-(get|post|put|patch|delete)=", tag) and not (
                (name == "a" and attr(tag, "href")) or (name == "form" and attr(tag, "action"))
            ):
                wrong.append(f"{path.relative_to(SRC)}: {tag}")
    assert not wrong, "\n".join(wrong)


def test_templates_keep_to_the_content_security_policy() -> None:
    """No inline styles, inline scripts, event-handler attributes or javascript: links: the CSP
    (style-src and script-src 'self') would block them, leaving something that does not work."""
    wrong = []
    for path in TEMPLATES:
        source = path.read_text(encoding="utf-8")
        for pattern in (
            r"\sstyle=",
            r"<style\b",
            r"<script\b(?![^>]*\ssrc=)",
            r"\son[a-z]+=",
            r"javascript:",
        ):
            if re.search(pattern, source, re.I):
                wrong.append(f"{path.relative_to(SRC)}: {pattern}")
    assert not wrong, "\n".join(wrong)


def test_the_stylesheet_fits_a_360_px_screen() -> None:
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    fixed = [
        m.group(0) for m in re.finditer(r"(?<![-\w])(?:min-)?width:\s*(\d+)px", css) if int(m.group(1)) > 360
    ]
    assert not fixed, fixed
    assert re.search(r"header\.site, footer\.site \{[^}]*flex-wrap: wrap", css)
    assert re.search(r"@media \(max-width: 30rem\)", css)
    assert re.search(r":focus-visible \{ outline: 3px solid var\(--focus\)", css)


def test_errors_say_what_to_do(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "en")
    page = client.get("/notifications")
    assert page.status_code == 401
    assert "Please log in first." in page.text
    assert 'href="/login?next=/notifications"' in page.text
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and '<a href="/">Home</a>' in missing.text
