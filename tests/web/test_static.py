"""Vendored static files are exactly the published ones (their sha256 is recorded)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi.testclient import TestClient

VENDOR = Path(__file__).resolve().parents[2] / "src" / "senim" / "web" / "static" / "vendor"


def test_vendored_files_match_their_recorded_sha256() -> None:
    lines = (VENDOR / "SHA256SUMS").read_text().split("\n")
    recorded = dict(reversed(line.split()) for line in lines if line.strip())
    assert "htmx-2.0.11.min.js" in recorded
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_static_files_are_served(client: TestClient) -> None:
    css = client.get("/static/senim.css")
    assert css.status_code == 200
    assert "text/css" in css.headers["content-type"]
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
