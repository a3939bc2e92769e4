"""The legal documents: the same structure in Kazakh, Russian and English, versioned, with summaries."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from senim.account.documents import DocumentKind, current, versions

SECTION = re.compile(r"^## (\d+)\.", re.M)


@pytest.mark.law("LAW-08")
@pytest.mark.parametrize("kind", list(DocumentKind))
def test_documents_exist_in_three_languages_with_the_same_sections(kind: DocumentKind) -> None:
    docs = {lang: current(kind, lang) for lang in ("kk", "ru", "en")}
    sections = {lang: SECTION.findall(doc.body) for lang, doc in docs.items()}
    assert sections["kk"] and sections["kk"] == sections["ru"] == sections["en"]
    assert all(doc.summary and doc.title and doc.version == versions(kind)[-1] for doc in docs.values())
    assert len({doc.sha256 for doc in docs.values()}) == 3


@pytest.mark.law("LAW-53")
@pytest.mark.law("LAW-34")
def test_user_agreement_states_duties_feed_parameters_and_the_20_day_answer() -> None:
    en = current(DocumentKind.user_agreement, "en").body
    assert "## 3. Your duties" in en
    assert "recommender system" in en and "profil" in en
    assert "20 calendar days" in en
    kk = current(DocumentKind.user_agreement, "kk").body
    assert "20" in kk and "ұсынымдық жүйе" in kk


@pytest.mark.law("LAW-26")
def test_documents_are_public_pages_and_api(client: TestClient) -> None:
    page = client.get("/documents/privacy_policy")
    assert page.status_code == 200
    assert current(DocumentKind.privacy_policy, "kk").title in page.text
    api = client.get("/api/v1/documents/user_agreement", params={"language": "ru"}).json()
    assert api["version"] == current(DocumentKind.user_agreement, "ru").version
    assert api["summary"]
    assert client.get("/api/v1/documents/user_agreement", params={"language": "xx"}).status_code == 422
    assert client.get("/documents/nonsense").status_code == 422
