"""Image hash banks (issue 5 item 3, HMA's banks): administrators create a bank and import a hash list
(a list with any bad line adds nothing), export it, and a live rule with a ``hashes`` matcher finds an
uploaded image that is the same file (SHA-256 as uploaded) or a near-duplicate (PDQ within the rule's
distance) — the signal names the image and the distance."""

from __future__ import annotations

import hashlib
import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from senim.cli import app
from senim.config import Settings
from senim.db import Database
from senim.detection.pdq import pdq_hash
from senim.models import AuditRecord, HashBankEntry, Media, ModerationCase, Role, Signal
from tests.detection.test_pipeline import _admin, _rule
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_post
from tests.fixtures.moderation import fresh, sign_in
from tests.notification.jobrunner import run_due_jobs

BANKS = "/api/v1/detection/hash-banks"


def _picture(shift: int = 0, size: tuple[int, int] = (320, 240), quality: int = 90) -> bytes:
    """A drawing with enough structure for a meaningful PDQ hash, as JPEG bytes."""
    image = Image.new("RGB", size, (240, 240, 230))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w // 8 + shift, h // 6, w // 2 + shift, h // 2 + h // 4), fill=(200, 30, 30))
    draw.rectangle((w // 2, h // 3, w - w // 10, h - h // 8), fill=(20, 60, 180))
    draw.line((0, h - 1, w, 0), fill=(10, 10, 10), width=6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def _other_picture() -> bytes:
    image = Image.new("RGB", (320, 240), (20, 20, 20))
    draw = ImageDraw.Draw(image)
    for x in range(0, 320, 40):
        draw.rectangle((x, 0, x + 20, 240), fill=(250, 250, 250))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _bank_with(client: TestClient, csv_text: str) -> None:
    assert client.post(BANKS, json={"name": "known-images", "description": "test"}).status_code == 201
    imported = client.post(f"{BANKS}/known-images/entries", json={"list": csv_text})
    assert imported.status_code == 200, imported.text


@pytest.mark.law("LAW-15")
def test_a_near_duplicate_image_is_found_by_its_pdq_hash(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    known, _quality = pdq_hash(Image.open(io.BytesIO(_picture())))
    _admin(client, session)
    _bank_with(client, f"kind,hash,note\npdq,{known},known image\n")
    rule = {
        "category": "unlawful.child_sexual_exploitation",
        "matchers": [{"type": "hashes", "banks": ["known-images"], "max_distance": 31}],
        "action": {"type": "hide_pending_review", "priority": 1},
    }
    _rule(client, "known-images", rule)
    author = make_user(session)
    # The same picture, moved a little, smaller and recompressed: a different file, a near hash.
    near = make_post(session, author, "look", images=(_picture(shift=4, size=(300, 225), quality=60),))
    other = make_post(session, author, "stripes", images=(_other_picture(),))
    session.commit()
    run_due_jobs(db, settings)
    signal = fresh(session).scalars(select(Signal)).one()
    assert signal.item_id == near.id
    media = session.scalars(select(Media).where(Media.item_id == near.id)).one()
    assert signal.evidence[0]["media_id"] == str(media.id) and 0 < signal.evidence[0]["distance"] <= 31
    assert session.scalars(select(ModerationCase)).one().open_key == f"item:{near.id}"
    assert other.id not in {s.item_id for s in session.scalars(select(Signal))}


def test_the_same_file_is_found_by_its_sha256_as_uploaded(
    client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    upload = _other_picture()  # flat stripes: too little structure to rely on PDQ
    _admin(client, session)
    _bank_with(client, f"sha256,{hashlib.sha256(upload).hexdigest()},\n")
    rule = {"category": "unlawful.pornography", "matchers": [{"type": "hashes", "banks": ["known-images"]}]}
    _rule(client, "exact-files", rule)
    post = make_post(session, make_user(session), "", images=(upload,))
    session.commit()
    run_due_jobs(db, settings)
    signal = fresh(session).scalars(select(Signal)).one()
    assert signal.item_id == post.id and signal.evidence[0]["distance"] == 0


def test_a_bad_list_adds_nothing_and_names_the_line(client: TestClient, session: Session) -> None:
    _admin(client, session)
    assert client.post(BANKS, json={"name": "known-images"}).status_code == 201
    good = "a" * 64
    refused = client.post(f"{BANKS}/known-images/entries", json={"list": f"pdq,{good}\npdq,xyz\n"})
    assert refused.status_code == 422 and "line 2" in refused.text
    assert fresh(session).scalars(select(HashBankEntry)).all() == []
    assert client.post(BANKS, json={"name": "known-images"}).status_code == 409
    assert client.post(BANKS, json={"name": "X"}).status_code == 422
    assert client.post(f"{BANKS}/nope/entries", json={"list": f"pdq,{good}"}).status_code == 404


def test_export_round_trips_and_removal_is_audited(client: TestClient, session: Session) -> None:
    csrf = {"x-csrf-token": sign_in(client, session, make_user(session, role=Role.administrator))}
    entries = f"kind,hash,note\npdq,{'b' * 64},one\nsha256,{'c' * 64},two\n"
    _bank_with(client, entries)
    again = client.post(f"{BANKS}/known-images/entries", json={"list": entries})
    assert again.json() == {"added": 0}  # already held
    exported = client.get(f"{BANKS}/known-images/export", params={"format": "json"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/json")
    assert client.post(BANKS, json={"name": "copy"}).status_code == 201
    copied = client.post(f"{BANKS}/copy/entries", json={"list": exported.text})
    assert copied.json() == {"added": 2}
    assert client.delete(f"{BANKS}/copy/entries/pdq/{'b' * 64}", headers=csrf).status_code == 204
    assert client.delete(f"{BANKS}/copy/entries/pdq/{'b' * 64}", headers=csrf).status_code == 404
    listed = {b["name"]: b["entries"] for b in client.get(BANKS).json()["items"]}
    assert listed == {"copy": 1, "known-images": 2}
    tags = [r.tag for r in fresh(session).scalars(select(AuditRecord))]
    assert tags.count("hash_bank:import") == 3 and "hash_bank:remove" in tags


def test_a_rule_naming_an_unknown_bank_is_refused(client: TestClient, session: Session) -> None:
    _admin(client, session)
    rule = {"category": "unlawful.pornography", "matchers": [{"type": "hashes", "banks": ["missing-bank"]}]}
    refused = client.put("/api/v1/detection/rules/uses-missing", json={"spec": rule})
    assert refused.status_code == 422 and "matchers.0.banks" in refused.text


@pytest.mark.parametrize("role", [Role.moderator, Role.safety_officer, Role.user])
def test_only_administrators_manage_banks(client: TestClient, session: Session, role: Role) -> None:
    sign_in(client, session, make_user(session, role=role))
    assert client.get(BANKS).status_code == 403
    assert client.post(BANKS, json={"name": "known-images"}).status_code == 403


def test_the_cli_creates_imports_and_exports(cli_env: None, session: Session, tmp_path: object) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["detection", "banks", "create", "cli-bank"]).exit_code == 0
    listed = f"{'d' * 64}\n{'e' * 64}\n"
    imported = runner.invoke(
        app, ["detection", "banks", "import", "cli-bank", "-", "--kind", "sha256"], input=listed
    )
    assert imported.exit_code == 0 and "Added 2 hashes" in imported.output
    bad = runner.invoke(app, ["detection", "banks", "import", "cli-bank", "-"], input=listed)
    assert bad.exit_code == 2 and "line 1" in bad.output  # bare hashes need --kind
    exported = runner.invoke(app, ["detection", "banks", "export", "cli-bank"])
    assert exported.exit_code == 0 and f"sha256,{'d' * 64}" in exported.output
