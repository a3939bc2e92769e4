"""Settings refuse development secrets in production; errors are clear 4xx, never 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.config import DEV_SECRET, Mode, Settings
from senim.kit.crypto import generate_key
from senim.models import ContentItem, Role
from tests.fixtures.builders import login, make_user


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="SENIM_SECRET_KEY"):
        Settings(mode=Mode.production, secret_key=DEV_SECRET)
    with pytest.raises(ValidationError):
        Settings(mode=Mode.production, secret_key="short")
    with pytest.raises(ValidationError):  # no keys for personal data
        Settings(mode=Mode.production, secret_key="x" * 40)
    ok = Settings(
        mode=Mode.production,
        secret_key="x" * 40,
        data_keys="1:" + generate_key(),  # type: ignore[arg-type]
        index_key=generate_key(),  # type: ignore[arg-type]
    )
    assert ok.time_zone == "Asia/Almaty"
    assert ok.default_language == "kk"


def test_defaults_are_embedded_sqlite_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENIM_DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///./var/senim.db"
    assert settings.base_url.startswith("http://127.0.0.1:8000")


def test_unknown_api_route_is_json_404_and_page_404_for_people(client: TestClient) -> None:
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json()["error"]["message"]
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]


def test_malformed_json_is_422_with_problems_and_writes_nothing(client: TestClient, session: Session) -> None:
    user = make_user(session, role=Role.user)
    session.commit()
    login(client, user)
    r = client.post("/api/v1/posts", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid"
    r = client.post("/api/v1/posts", json={"body": 12345678})
    assert r.status_code == 422
    assert session.scalar(select(func.count()).select_from(ContentItem)) == 0


def test_errors_are_in_the_readers_language(client: TestClient) -> None:
    kk = client.get("/api/v1/me")
    ru = client.get("/api/v1/me", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert kk.status_code == ru.status_code == 401
    assert kk.json()["error"]["code"] == ru.json()["error"]["code"] == "not_authenticated"
    assert kk.headers["content-language"] == "kk"
    assert ru.headers["content-language"] == "ru"


def test_openapi_document_is_complete(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    assert "/api/v1/posts" in paths and "/api/v1/platform/items/{external_id}" in paths
    # Every API operation documents its success response with a schema or a status without body.
    for path, ops in paths.items():
        for method, op in ops.items():
            assert op.get("responses"), f"{method} {path} documents no response"
    assert not any(p.startswith(("/register", "/p/", "/console")) for p in paths), "HTML pages stay out"


def test_request_id_is_ours_and_security_headers_are_set(client: TestClient) -> None:
    r = client.get("/", headers={"x-request-id": "abc123"})
    assert r.headers["x-request-id"] != "abc123"  # clients do not choose ids stored on audit records
    assert len(r.headers["x-request-id"]) == 32
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_oversized_requests_are_413_and_write_nothing(app, client: TestClient, session: Session) -> None:  # type: ignore[no-untyped-def]
    limit = app.state.settings.max_request_bytes
    declared = client.post("/api/v1/posts", content=b"x", headers={"content-length": str(limit + 1)})
    assert declared.status_code == 413

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(limit // (1 << 20) + 2):
            yield b"x" * (1 << 20)

    streamed = client.post("/api/v1/accounts", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert session.scalar(select(func.count()).select_from(ContentItem)) == 0
