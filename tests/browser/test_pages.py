"""People using the site in a real browser: languages, comments, hiding, staff consoles, accessibility.

Accessibility is checked with axe-core (vendored for the tests, sha256 in tests/browser/vendor/SHA256SUMS):
no serious or critical WCAG 2.1 A/AA violation on the main pages, in Kazakh and Russian, and no
horizontal scrolling at 360 px. Set SENIM_SCREENSHOTS=1 to save screenshots under var/screenshots/.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.account.policy import STAFF_ROLES
from senim.db import Database
from senim.demo import DEMO_PASSWORD, PEOPLE, load_demo
from senim.models import ContentItem, HiddenItem, ItemKind, User
from senim.web import i18n
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser
VENDOR = Path(__file__).parent / "vendor"
AXE = VENDOR / "axe-4.14.1.min.js"


def _t(message: str, lang: str) -> str:
    token = i18n.locale_var.set(lang)
    try:
        return i18n.gettext(message)
    finally:
        i18n.locale_var.reset(token)


@pytest.fixture
def demo(db: Database) -> None:
    with db.transaction() as session:
        load_demo(session)


def _log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/(\?.*)?$"))


def test_axe_is_the_published_file() -> None:
    digest, name = (VENDOR / "SHA256SUMS").read_text().split()
    assert name == AXE.name
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == digest


@pytest.mark.law("LAW-08")
def test_switching_language_shows_the_page_in_kazakh_russian_and_english(live_server, page, demo) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("header nav").get_by_text(_t("Communities", "kk")).count() == 1
    screenshot(page, "home-kk")
    for lang in ("ru", "en", "kk"):
        page.select_option("#lang-select", lang)
        page.click("form.lang button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("header nav").get_by_text(_t("Communities", lang)).count() == 1
        assert page.get_by_text(_t("The interface language is saved.", lang)).count() == 1
        if lang == "ru":
            screenshot(page, "home-ru")


@pytest.mark.law("LAW-52")
def test_comment_then_hide_a_post_one_is_not_interested_in(live_server, page, demo, session: Session) -> None:  # type: ignore[no-untyped-def]
    _log_in(page, live_server, "olga")  # a Russian-speaking user
    assert page.locator("html").get_attribute("lang") == "ru"
    post = session.scalars(
        select(ContentItem).where(ContentItem.kind == ItemKind.post, ContentItem.body.contains("Абайдың"))
    ).one()
    page.goto(f"{live_server}/p/{post.id}")
    page.fill("textarea[name=body]", "Согласна, тридцать восьмое слово — о главном.")
    page.click(f"form[action='/p/{post.id}/comments'] button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_text("тридцать восьмое слово").count() == 1
    screenshot(page, "post-ru")

    page.goto(f"{live_server}/")
    card = page.locator("article", has_text="Абайдың")
    card.locator("summary").first.click()  # «Не интересно» opens the three hide choices
    card.locator("form[action='/hide']:has(input[value=post]) button").click()
    page.wait_for_load_state()
    assert page.locator("article", has_text="Абайдың").count() == 0
    olga = session.scalars(select(User).where(User.username == "olga")).one()
    hidden = session.scalars(select(HiddenItem).where(HiddenItem.user_id == olga.id)).one()
    assert hidden.target_id == post.id


STAFF_DEMO = sorted((username, role) for username, role, *_ in PEOPLE if role in STAFF_ROLES)


@pytest.mark.parametrize(("username", "role"), STAFF_DEMO, ids=[r.value for _u, r in STAFF_DEMO])
def test_each_staff_role_logs_in_and_reaches_its_console(live_server, page, demo, username, role) -> None:  # type: ignore[no-untyped-def]
    _log_in(page, live_server, username)
    page.locator("header nav a[href='/console']").click()
    page.wait_for_url(re.compile(r"/console$"))
    assert page.locator("h1").count() >= 1
    assert "403" not in page.title()
    screenshot(page, f"console-{role.value}")


PAGES = ["/", "/register", "/login", "/communities", "/c/almaty-velo", "/documents/user_agreement"]


def _axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, "
        "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_main_pages_pass_axe_and_fit_360_px(live_server, browser, demo, lang) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    for width in (1024, 360):
        # bypass_csp only lets the test inject axe; the page itself is served with its real CSP.
        context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
        context.add_cookies([{"name": "senim_lang", "value": lang, "url": live_server}])
        page = context.new_page()
        for path in PAGES:
            page.goto(f"{live_server}{path}")
            problems += [f"{path} [{lang}, {width}px] {v}" for v in _axe_violations(page)]
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{path} [{lang}, {width}px] scrolls horizontally ({scroll}px)")
            if width == 360:
                screenshot(page, f"narrow-{lang}-{path.strip('/').replace('/', '-') or 'home'}")
        context.close()
    assert not problems, "\n".join(problems)
