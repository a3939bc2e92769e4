"""The whole complaint flow in Chromium: a person complains about a post and gets a tracking number at once;
a moderator takes the case and removes the post with a stated ground; the complainant reads the reasoned
answer; the author reads the statement of reasons and appeals; a different moderator reverses the decision
and the post comes back. Accessibility (axe-core) is checked on the new pages on the way."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import Appeal, Complaint, ContentItem, Decision, ItemStatus, Role, Statement, User
from tests.browser.conftest import screenshot
from tests.browser.test_pages import _axe_violations
from tests.fixtures.builders import PASSWORD, make_user
from tests.fixtures.content import make_post

pytestmark = pytest.mark.browser


def _log_in(page, server: str, user: User) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{server}/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/(\?.*)?$"))


def _fresh(session: Session, model, **where):  # type: ignore[no-untyped-def]
    session.expire_all()
    query = select(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return session.scalars(query).all()


@pytest.mark.law("LAW-13")
@pytest.mark.law("LAW-31")
@pytest.mark.law("LAW-32")
def test_complain_acknowledge_decide_answer_appeal(live_server, browser, session: Session) -> None:  # type: ignore[no-untyped-def]
    author = make_user(session, username="author1")
    complainant = make_user(session, username="reader1")
    first = make_user(session, role=Role.moderator, username="moderator1")
    second = make_user(session, role=Role.moderator, username="moderator2")
    first.languages = second.languages = ["kk", "ru", "en"]
    post = make_post(session, author, "Buy cheap pills at example dot com, the best scam of the year")
    session.commit()
    context = browser.new_context(viewport={"width": 1024, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)

    # The complainant finds "Complain" on the post and files: the tracking number comes at once.
    _log_in(page, live_server, complainant)
    page.goto(f"{live_server}/p/{post.id}")
    page.locator(f"a[href='/complaints/new?subject=item&target={post.id}']").first.click()
    page.wait_for_url(re.compile(r"/complaints/new"))
    assert _axe_violations(page) == []
    page.check("#category-spam_fraud")
    page.fill("#description", "This post advertises fake medicine and asks for money.")
    screenshot(page, "complaint-form")
    page.click("form[action='/complaints'] button[type=submit]")
    page.wait_for_url(re.compile(r"/complaints/C-"))
    complaint = _fresh(session, Complaint)[0]
    assert complaint.number in page.locator("h1").inner_text()
    assert page.locator("[role=status]").count() == 1  # "Your complaint is received"
    assert _axe_violations(page) == []

    # The first moderator takes the case from the queue and removes the post, on a terms ground.
    _log_in(page, live_server, first)
    page.goto(f"{live_server}/console/cases")
    page.locator("table a[href^='/console/cases/']").first.click()
    page.wait_for_url(re.compile(r"/console/cases/[0-9a-f-]+$"))
    page.click("form[action$='/claim'] button")
    page.wait_for_url(re.compile(r"/console/cases/[0-9a-f-]+\?msg="))
    assert _axe_violations(page) == []
    page.check("#action-remove")
    page.check("#ground_kind-terms")
    page.fill("#terms_clause", "clause 4.1 (fraud)")
    page.fill("#facts", "The post offers counterfeit medicine and asks for payment: a scam.")
    screenshot(page, "case-decide")
    page.click("form[action$='/decide'] button[type=submit]")
    page.wait_for_url(re.compile(r"/console/cases(\?.*)?$"))
    assert _fresh(session, ContentItem, id=post.id)[0].status == ItemStatus.removed
    decision = _fresh(session, Decision, item_id=post.id)[0]

    # The complainant reads the reasoned answer on the complaint's page.
    _log_in(page, live_server, complainant)
    page.goto(f"{live_server}/complaints/{complaint.number}")
    assert "clause 4.1" in page.locator("#answer").inner_text()

    # The author reads the statement of reasons and appeals.
    _log_in(page, live_server, author)
    page.goto(f"{live_server}/decisions/{decision.id}")
    assert "counterfeit medicine" in page.locator("main").inner_text()
    assert _axe_violations(page) == []
    page.fill("#reason", "It was a joke about spam, not an offer; nothing is sold.")
    page.click("form[action$='/appeal'] button[type=submit]")
    page.wait_for_url(re.compile(rf"/decisions/{decision.id}\?msg="))
    appeal = _fresh(session, Appeal)[0]

    # The first moderator does not even see the appeal; the second reverses the decision.
    _log_in(page, live_server, first)
    page.goto(f"{live_server}/console/cases")
    assert page.locator(f"a[href='/console/cases/{appeal.case_id}']").count() == 0
    _log_in(page, live_server, second)
    page.goto(f"{live_server}/console/cases/{appeal.case_id}")
    page.click("form[action$='/claim'] button")
    page.wait_for_url(re.compile(r"\?msg="))
    page.check("#outcome-reversed")
    page.fill("#appeal_facts", "On review the post is an obvious joke and offers nothing for sale.")
    page.click("form[action$='/appeal'] button[type=submit]")
    page.wait_for_url(re.compile(r"/console/cases(\?.*)?$"))
    assert _fresh(session, ContentItem, id=post.id)[0].status == ItemStatus.visible
    answers = _fresh(session, Statement, appeal_id=appeal.id)
    assert len(answers) == 1 and answers[0].recipient_id == author.id
    context.close()
