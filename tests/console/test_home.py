"""The console home: each staff role sees the sections it may open and what needs its attention."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.account.policy import STAFF_ROLES, Perm
from senim.console import service as console
from senim.console.service import AttentionCard, AttentionRow
from senim.kit.clock import utcnow
from senim.models import JobStatus, Role, User
from senim.web.i18n import N_
from tests.fixtures.builders import login, make_user
from tests.fixtures.console import make_job, staff

ALL_SECTIONS = {
    "/console",
    "/console/users",
    "/console/tokens",
    "/console/webhooks",
    "/console/jobs",
    "/console/audit",
    "/console/complaint-rules",
    "/console/detection",
    "/console/orders",
    "/console/user-counts",
    "/console/legal-representative",
    "/console/privacy",
    "/console/transparency/reports",
    "/console/transparency/risks",
    "/console/ads",
}
MODERATION = {"/console", "/console/jobs", "/console/cases"}
EXPECTED = {
    Role.administrator: ALL_SECTIONS,
    Role.auditor: {
        "/console",
        "/console/jobs",
        "/console/audit",
        "/console/orders",
        "/console/user-counts",
        "/console/privacy",
        "/console/transparency/reports",
        "/console/transparency/risks",
        "/console/ads",
    },
    Role.legal_officer: {
        "/console",
        "/console/jobs",
        "/console/orders",
        "/console/user-counts",
        "/console/transparency/reports",
        "/console/transparency/risks",
    },
    Role.data_protection_officer: {
        "/console",
        "/console/jobs",
        "/console/orders",
        "/console/privacy",
        "/console/transparency/reports",
        "/console/transparency/risks",
    },
    Role.moderator: MODERATION,
    Role.senior_moderator: MODERATION,
    Role.safety_officer: MODERATION
    | {"/console/escalations", "/console/transparency/reports", "/console/transparency/risks"},
    Role.ads_reviewer: {"/console", "/console/jobs", "/console/ads"},
}


def console_nav(html: str) -> set[str]:
    nav = re.search(r'<nav class="console-nav" aria-label="Console sections">(.*?)</nav>', html, re.S)
    assert nav, "the console page has no section navigation"
    return set(re.findall(r'href="([^"]+)"', nav.group(1)))


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_every_staff_role_sees_exactly_the_sections_it_may_open(
    client: TestClient, session: Session, role: Role
) -> None:
    staff(client, session, role)
    page = client.get("/console")
    assert page.status_code == 200
    assert console_nav(page.text) == EXPECTED.get(role, {"/console", "/console/jobs"})
    assert 'aria-current="page"' in page.text
    assert "Background jobs" in page.text  # the job queue card: every staff role holds jobs:read
    for section in console_nav(page.text) - {"/console"}:
        assert client.get(section).status_code == 200, section


def test_people_who_are_not_staff_are_refused(client: TestClient, session: Session) -> None:
    user = make_user(session)
    session.commit()
    login(client, user)
    assert client.get("/console").status_code == 403
    assert 'href="/console"' not in client.get("/").text


def test_home_counts_jobs_and_highlights_dead_letters(client: TestClient, session: Session) -> None:
    make_job(session, run_at=utcnow() - timedelta(hours=3))
    make_job(session)
    make_job(session, run_at=utcnow() + timedelta(days=5))  # scheduled for later: not late
    make_job(
        session, attempts=2, last_error="ConnectionError: refused", run_at=utcnow() + timedelta(minutes=1)
    )
    for _ in range(3):
        make_job(session, status=JobStatus.dead, attempts=8, last_error="boom")
    make_job(session, status=JobStatus.succeeded)
    staff(client, session, Role.moderator)
    page = client.get("/console").text
    row = re.search(r'<tr class="urgent">(.*?)</tr>', page, re.S)
    assert row, "dead letters are highlighted"
    assert 'href="/console/jobs?status=dead"' in row.group(1)
    assert "<strong>3</strong>" in row.group(1) and "Needs attention" in row.group(1)
    pending = re.search(
        r'href="/console/jobs\?status=pending">Pending</a></th>\s*<td>(\d+)</td>(.*?)</tr>', page, re.S
    )
    assert pending and pending.group(1) == "4"
    assert "Oldest: 3 hours ago" in pending.group(2)  # the job that became due longest ago
    failed = re.search(r'status=failed">[^<]+</a></th>\s*<td>(\d+)</td>', page)
    assert failed and failed.group(1) == "1"


def test_no_dead_letters_is_not_highlighted(client: TestClient, session: Session) -> None:
    staff(client, session, Role.moderator)
    page = client.get("/console").text
    assert 'class="urgent"' not in page


@pytest.fixture
def extra_provider() -> Iterator[None]:
    def build(session: Session, viewer: User) -> AttentionCard:
        return AttentionCard(
            title=N_("Complaints"),
            rows=(AttentionRow(N_("Waiting"), 2, urgent=True, deadline=utcnow() + timedelta(days=2)),),
        )

    console.attention_provider("test-complaints", perm=Perm.users_manage, order=1)(build)
    yield
    console.PROVIDERS.pop("test-complaints", None)


@pytest.mark.usefixtures("extra_provider")
def test_a_domain_adds_its_card_for_the_roles_holding_its_permission(
    client: TestClient, session: Session
) -> None:
    staff(client, session, Role.administrator)
    page = client.get("/console").text
    assert "Complaints" in page and "Next deadline: in 2 days" in page
    assert page.index("Complaints") < page.index("Background jobs</a></h3>")  # ordered by ``order``
    client.cookies.clear()
    staff(client, session, Role.moderator)
    assert "Complaints" not in client.get("/console").text


def test_a_provider_key_cannot_be_taken_twice() -> None:
    assert "jobs" in console.load_attention_providers()
    with pytest.raises(ValueError, match="registered twice"):
        console.attention_provider("jobs", perm=Perm.console)(lambda s, v: None)
