"""GET /api/v1/taxonomy and /api/v1/taxonomy/versions through the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from senim.app import create_app
from senim.config import Settings
from senim.db import Database
from senim.taxonomy.api import router
from senim.web import i18n


@pytest.fixture
def api(settings: Settings, db: Database) -> Iterator[TestClient]:
    app = create_app(settings, db, worker=False)
    if not any(getattr(r, "path", "") == "/api/v1/taxonomy" for r in app.routes):
        app.include_router(router)  # until "taxonomy" is in senim.app.DOMAINS
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def test_taxonomy_for_a_date_with_labels(api: TestClient) -> None:
    r = api.get("/api/v1/taxonomy", params={"on": "2025-12-31"}, headers={"accept-language": "en"})
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == "2023-07-10"
    assert body["effective_until"] == "2026-01-01"
    by_key = {c["key"]: c for c in body["categories"]}
    assert "unlawful.paedophilia" not in by_key
    suicide = by_key["unlawful.suicide"]
    assert suicide == {
        "key": "unlawful.suicide",
        "group": "unlawful",
        "legal_basis": "OPL Art. 14(1)",
        "label": "Propaganda of or calls for suicide",
        "threat_to_life": True,
        "severity": "critical",
        "child_related": False,
        "dsa_category": "STATEMENT_CATEGORY_SELF_HARM",
    }


def test_taxonomy_labels_follow_the_reader_language(api: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {"Obscene language": "Нецензурная брань"}
    monkeypatch.setattr(i18n, "catalog", lambda language: fake if language == "ru" else {})
    r = api.get("/api/v1/taxonomy", params={"version": "2026-01-01"}, headers={"accept-language": "ru"})
    assert r.status_code == 200
    labels = {c["key"]: c["label"] for c in r.json()["categories"]}
    assert labels["children.obscene_language"] == "Нецензурная брань"
    assert labels["unlawful.paedophilia"] == "Propaganda of paedophilia"  # untranslated ids fall back


def test_taxonomy_defaults_to_the_version_in_force_today(api: TestClient) -> None:
    r = api.get("/api/v1/taxonomy")
    assert r.status_code == 200
    assert r.json()["version"] == "2026-01-01"


def test_versions(api: TestClient) -> None:
    r = api.get("/api/v1/taxonomy/versions")
    assert r.status_code == 200
    assert [(v["version"], v["effective_from"], v["effective_until"]) for v in r.json()] == [
        ("2023-07-10", "2023-07-10", "2026-01-01"),
        ("2026-01-01", "2026-01-01", None),
    ]
    assert all(v["category_count"] > 30 and v["source"] for v in r.json())


@pytest.mark.parametrize(
    "params",
    [
        {"on": "2026-13-01"},
        {"on": "yesterday"},
        {"on": "20260101"},
        {"on": "2020-01-01"},
        {"version": "2024-01-01"},
        {"on": "2026-01-01", "version": "2026-01-01"},
    ],
)
def test_bad_date_or_version_is_422(api: TestClient, params: dict[str, str]) -> None:
    r = api.get("/api/v1/taxonomy", params=params, headers={"accept-language": "en"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid"
    assert r.json()["error"]["message"]
