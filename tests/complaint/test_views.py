"""The complaint pages end to end: the form per subject, filing with evidence, refusals that write nothing,
the public rules page in three languages, and the false-information request of a person without an
account, confirmed by e-mail."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.complaint.service import verification_token
from senim.config import Settings
from senim.models import Complaint, ComplaintEvidence, ComplaintStatus, Job, Notification, Role
from tests.fixtures.builders import csrf_from, login, make_user
from tests.fixtures.content import login_as, make_community, make_post, png_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _count(session: Session, model: type[object]) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _form_token(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_from(page.text)


@pytest.mark.law("LAW-31")
@pytest.mark.parametrize(
    ("subject", "category", "absent"),
    [
        ("item", "unlawful.suicide", "interface_problem"),
        ("account", "spam_fraud", "false_information"),
        ("community", "terms_other", "interface_problem"),
        ("interface", "interface_problem", "spam_fraud"),
        ("platform_action", "platform_action_dispute", "spam_fraud"),
    ],
)
def test_the_form_offers_the_categories_of_its_subject(
    client: TestClient, session: Session, subject: str, category: str, absent: str
) -> None:
    login(client, make_user(session))
    page = client.get(f"/complaints/new?subject={subject}")
    assert page.status_code == 200
    assert f'value="{category}"' in page.text
    assert f'value="{absent}"' not in page.text


def test_a_visitor_is_asked_to_log_in_or_use_the_request_without_an_account(
    client: TestClient, session: Session
) -> None:
    post = make_post(session, make_user(session))
    session.commit()
    page = client.get(f"/complaints/new?subject=item&target={post.id}")
    assert page.status_code == 200
    assert "/login?next=" in page.text
    assert f"/complaints/false-information?target={post.id}" in page.text
    assert 'action="/complaints"' not in page.text


@pytest.mark.law("LAW-13")
@pytest.mark.law("LAW-31")
def test_filing_with_evidence_acknowledges_at_once(
    client: TestClient, session: Session, settings: Settings
) -> None:
    author = make_user(session)
    post = make_post(session, author, "Бір жазба")
    reader = make_user(session, email="reader@example.kz")
    session.commit()
    csrf = login(client, reader)
    response = client.post(
        "/complaints",
        data={
            "csrf_token": csrf,
            "subject": "item",
            "target": str(post.id),
            "category": "spam_fraud",
            "description": "A scam that asks for card numbers.",
        },
        files=[
            ("evidence", ("shot.png", png_bytes(), "image/png")),
            ("evidence", ("letter.pdf", PDF, "application/pdf")),
        ],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    number = re.search(r"/complaints/(C-[A-Z0-9-]+)", response.headers["location"])
    assert number
    page = client.get(response.headers["location"])
    assert number.group(1) in page.text and "Under review" in page.text
    complaint = session.scalars(select(Complaint)).one()
    assert complaint.complainant_id == reader.id and complaint.status == ComplaintStatus.received
    files = session.scalars(select(ComplaintEvidence)).all()
    assert sorted(f.content_type for f in files) == ["application/pdf", "image/png"]
    assert all((settings.media_dir / f.storage_key).is_file() for f in files)
    notice = session.scalars(select(Notification).where(Notification.user_id == reader.id)).one()
    assert notice.params["number"] == complaint.number
    assert session.scalar(select(func.count()).select_from(Job).where(Job.name == "notification.send_email"))


@pytest.mark.law("LAW-31")
@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"category": "spam_fraud", "description": "short"}, 422),
        ({"category": "no_such_category", "description": "A long enough description."}, 422),
        ({"category": "interface_problem", "description": "A long enough description."}, 422),
        ({"category": "false_information", "description": "A long enough description."}, 422),
    ],
)
def test_a_refused_form_shows_the_problems_and_writes_nothing(
    client: TestClient, session: Session, fields: dict[str, str], status: int
) -> None:
    post = make_post(session, make_user(session))
    session.commit()
    csrf = login(client, make_user(session))
    before = (_count(session, Complaint), _count(session, Job))
    response = client.post(
        "/complaints", data={"csrf_token": csrf, "subject": "item", "target": str(post.id), **fields}
    )
    assert response.status_code == status
    assert 'role="alert"' in response.text
    assert (_count(session, Complaint), _count(session, Job)) == before


def test_a_file_that_is_neither_image_nor_pdf_is_refused(client: TestClient, session: Session) -> None:
    community = make_community(session, make_user(session))
    session.commit()
    csrf = login(client, make_user(session))
    response = client.post(
        "/complaints",
        data={
            "csrf_token": csrf,
            "subject": "community",
            "target": str(community.id),
            "category": "terms_other",
            "description": "The community is full of spam.",
        },
        files=[("evidence", ("run.exe", b"MZ\x90\x00 not a picture", "application/octet-stream"))],
    )
    assert response.status_code == 422
    assert _count(session, Complaint) == 0


@pytest.mark.law("LAW-31")
@pytest.mark.parametrize(("lang", "phrase"), [("kk", "Шағым"), ("ru", "жалоб"), ("en", "Complaint rules")])
def test_the_rules_page_is_public_in_each_language(client: TestClient, lang: str, phrase: str) -> None:
    client.cookies.set("senim_lang", lang)
    page = client.get("/complaint-rules")
    assert page.status_code == 200
    assert phrase in page.text
    assert "20" in page.text


@pytest.mark.law("LAW-46")
@pytest.mark.law("LAW-48")
def test_a_person_without_an_account_asks_to_remove_false_information(
    client: TestClient, session: Session, settings: Settings
) -> None:
    post = make_post(session, make_user(session), "Асан Асанов пара алды деп жазылған")
    session.commit()
    csrf = _form_token(client, "/complaints/false-information")
    form = {
        "csrf_token": csrf,
        "name": "Асан Асанов",
        "email": "asan@example.kz",
        "target": str(post.id),
        "why_false": "I never took a bribe; the court acquitted me in 2024.",
        "description": "Please remove the post: it is false information about me.",
        "concerns_me": "yes",
    }
    page = client.post("/complaints/false-information", data=form)
    assert page.status_code == 200, page.text
    complaint = session.scalars(select(Complaint)).one()
    assert complaint.status == ComplaintStatus.unverified and complaint.case_id is None
    assert session.scalars(select(Job).where(Job.name == "complaint.send_verification")).one().payload == {
        "complaint_id": str(complaint.id)
    }
    token = verification_token(settings, complaint.id)
    confirm = client.get(f"/complaints/verify/{token}")
    assert confirm.status_code == 200
    done = client.post(f"/complaints/verify/{token}", data={"csrf_token": csrf_from(confirm.text)})
    assert done.status_code == 200 and complaint.number in done.text
    session.expire_all()
    complaint = session.get(Complaint, complaint.id)
    assert complaint is not None and complaint.status == ComplaintStatus.received and complaint.case_id


def test_a_wrong_confirmation_link_is_refused(client: TestClient) -> None:
    confirm = client.get("/complaints/verify/not-a-token")
    response = client.post("/complaints/verify/not-a-token", data={"csrf_token": csrf_from(confirm.text)})
    assert response.status_code == 404


def test_someone_else_cannot_read_a_complaint(client: TestClient, session: Session) -> None:
    post = make_post(session, make_user(session))
    session.commit()
    csrf = login(client, make_user(session))
    client.post(
        "/complaints",
        data={
            "csrf_token": csrf,
            "subject": "item",
            "target": str(post.id),
            "category": "spam_fraud",
            "description": "A scam that asks for money.",
        },
    )
    number = session.scalars(select(Complaint.number)).one()
    login_as(client, make_user(session))
    assert client.get(f"/complaints/{number}").status_code == 404
    login_as(client, make_user(session, role=Role.moderator))
    assert client.get(f"/complaints/{number}").status_code == 200
    assert client.get(f"/complaints/C-{uuid.uuid4().hex[:4]}").status_code == 404
