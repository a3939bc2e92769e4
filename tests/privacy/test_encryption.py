"""Personal data encrypted at rest (LAW-27): known values put in through the site and the API are nowhere
in plain text — not in the raw SQLite file, not in a dump of PostgreSQL, not in the media directory —
and still read back; lookups go through blind indexes; ``senim keys rotate`` moves everything to a new
key version in batches and resumes after an interruption."""

from __future__ import annotations

import base64
import re
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Text, func, select, type_coerce, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from senim.audit import Actor
from senim.authority.counting import counting_service
from senim.cli import app as cli
from senim.complaint.evidence import prepare_one
from senim.complaint.service import Filing, complaint_service
from senim.config import Settings, get_settings
from senim.db import Database
from senim.keys import KeyStatus, encrypted_columns, key_status, pending, rotate
from senim.kit import encrypted
from senim.kit.clock import today_in
from senim.kit.crypto import DERIVED_DATA_KEY, DERIVED_INDEX_KEY, Keyring, derive_key, file_version
from senim.models import AuditRecord, Complaint, ComplaintEvidence, LegalRepresentative, Role, User
from senim.moderation.policy import TargetKind
from tests.authority.test_counting import representative_form, with_check_digit
from tests.fixtures.builders import accepted_documents, csrf_from, make_user
from tests.fixtures.community import make_platform
from tests.fixtures.content import make_post
from tests.fixtures.moderation import fresh, sign_in

# Known values, each unique to this file, so finding one anywhere means it was stored in plain text.
EMAIL = "zhanar.known.person@example.kz"
BIRTH = date(1987, 11, 23)
VISITOR_NAME = "Saule Knownvisitor"
VISITOR_EMAIL = "saule.knownvisitor@example.kz"
REP_NAME = "Gulnara Knownrep Testovna"
REP_IIN = with_check_digit("87112340077")
REP_ADDRESS = "Astana, Mangilik El avenue 55, office 7741"
REP_EMAIL = "gulnara.knownrep@example.kz"
REP_PHONE = "+77015550199"
PUSHED_PHONE = "+77019998877"
PUSHED_BIRTH = date(2002, 4, 5)
CLIENT_IP = "203.0.113.77"
EVIDENCE = b"%PDF-1.4\n% evidence naming KNOWN-EVIDENCE-MARKER-5521\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LETTER = b"%PDF-1.4\n% scanned letter naming KNOWN-LETTER-MARKER-8832\n"


def _date_forms(day: date) -> list[str]:
    return [day.isoformat(), day.strftime("%d.%m.%Y"), day.strftime("%Y%m%d")]


KNOWN = [
    EMAIL,
    *_date_forms(BIRTH),
    VISITOR_NAME,
    VISITOR_EMAIL,
    REP_NAME,
    REP_IIN,
    REP_ADDRESS,
    REP_EMAIL,
    REP_PHONE,
    REP_PHONE.lstrip("+"),
    PUSHED_PHONE,
    PUSHED_PHONE.lstrip("+"),
    *_date_forms(PUSHED_BIRTH),
    CLIENT_IP,
]
DOCUMENT_MARKERS = [b"KNOWN-EVIDENCE-MARKER-5521", b"KNOWN-LETTER-MARKER-8832"]


@pytest.fixture
def restore_keyring(settings: Settings) -> Iterator[None]:
    """Tests that change the process's keyring put the settings' one back."""
    yield
    encrypted.configure(settings.keyring)


def _register(client: TestClient) -> None:
    page = client.get("/register")
    form = {
        "csrf_token": csrf_from(page.text),
        "username": "zhanarknown",
        "display_name": "Zhanar",
        "password": "correct horse battery staple",
        "date_of_birth": BIRTH.isoformat(),
        "email": EMAIL,
        **{f"accept_{k}": v for k, v in accepted_documents().items()},
    }
    response = client.post("/register", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text


def _request_as_visitor(client: TestClient, session: Session) -> Complaint:
    post = make_post(session, make_user(session), "A post about someone")
    session.commit()
    page = client.get("/complaints/false-information")
    form = {
        "csrf_token": csrf_from(page.text),
        "name": VISITOR_NAME,
        "email": VISITOR_EMAIL,
        "target": str(post.id),
        "why_false": "It never happened; the court said so.",
        "description": "Please remove the post: it is false information about me.",
        "concerns_me": "yes",
    }
    files = [("evidence", ("proof.pdf", EVIDENCE, "application/pdf"))]
    response = client.post("/complaints/false-information", data=form, files=files)
    assert response.status_code == 200, response.text
    return fresh(session).scalars(select(Complaint)).one()


def _record_representative(client: TestClient, session: Session) -> None:
    csrf = sign_in(client, session, make_user(session, role=Role.administrator))
    form = representative_form(
        name=REP_NAME, identifier=REP_IIN, address=REP_ADDRESS, email=REP_EMAIL, phone=REP_PHONE
    )
    response = client.post(
        "/console/legal-representative", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def _enter_letter(client: TestClient, session: Session) -> str:
    """A legal officer enters an order letter with its scan; returns the document's console link."""
    target = make_user(session)
    csrf = sign_in(client, session, make_user(session, role=Role.legal_officer))
    form = {
        "csrf_token": csrf,
        "kind": "court_act",
        "issuing_body": "Astana City Court",
        "reference": "2-7788/2026",
        "basis_type": "court_act",
        "basis_number": "2-7788/2026",
        "basis_date": (today_in() - timedelta(days=2)).isoformat(),
        "targets": f"account:{target.id}",
        "measures": "suspend",
    }
    done = client.post(
        "/console/orders/new",
        data=form,
        files=[("evidence", ("письмо.pdf", LETTER, "application/pdf"))],
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    detail = client.get(done.headers["location"]).text
    return "/console/orders/documents/" + detail.split('href="/console/orders/documents/')[1].split('"')[0]


def _push_account(client: TestClient, session: Session) -> None:
    platform = make_platform(session)
    session.commit()
    response = client.put(
        "/api/v1/platform/accounts/known-1",
        json={"display_name": "Pushed", "date_of_birth": PUSHED_BIRTH.isoformat(), "phone": PUSHED_PHONE},
        headers=platform.headers,
    )
    assert response.status_code == 201, response.text


def _seed(app: FastAPI, session: Session) -> tuple[Complaint, str]:
    with TestClient(app, base_url="http://testserver", client=(CLIENT_IP, 50000)) as client:
        _register(client)
        complaint = _request_as_visitor(client, session)
        _record_representative(client, session)
        _push_account(client, session)
        letter = _enter_letter(client, session)
        return complaint, letter


def _raw_database(database_url: str) -> bytes:
    """Every byte the database holds: the SQLite file and its write-ahead log, or a PostgreSQL dump."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    plain_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(
        ["pg_dump", "--data-only", "--no-owner", plain_url],
        check=True,
        capture_output=True,
    )
    return dump.stdout


def _plain_in(blob: bytes, values: list[str]) -> list[str]:
    lowered = blob.lower()
    return [v for v in values if v.encode().lower() in lowered]


@pytest.mark.law("LAW-27")
def test_personal_data_is_nowhere_in_plain_text_and_still_reads_back(
    app: FastAPI, session: Session, db: Database, database_url: str, settings: Settings
) -> None:
    complaint, letter = _seed(app, session)
    db.dispose()

    raw = _raw_database(database_url)
    assert _plain_in(raw, ["zhanarknown"]) == ["zhanarknown"]  # the search sees what is stored in plain text
    assert b"gulnara.knownrep" not in raw.lower()
    assert _plain_in(raw, KNOWN) == []
    assert _plain_in(raw, [m.decode() for m in DOCUMENT_MARKERS]) == []
    # The database does hold the rows (the search would find nothing in an empty file too).
    tokens = re.findall(rb"v1\$[A-Za-z0-9_-]{20,}", raw)
    assert len(tokens) >= 12
    # The media directory holds the evidence and the letter, encrypted.
    files = [p for p in settings.media_dir.rglob("*") if p.is_file()]
    assert len(files) == 2
    for path in files:
        data = path.read_bytes()
        assert file_version(data) == 1 and not any(m in data for m in DOCUMENT_MARKERS)

    # What is encrypted reads back, inside the services.
    s = fresh(session)
    user = s.scalars(select(User).where(User.username == "zhanarknown")).one()
    assert (user.email, user.date_of_birth) == (EMAIL, BIRTH)
    pushed = s.scalars(select(User).where(User.external_id == "known-1")).one()
    assert (pushed.phone, pushed.date_of_birth) == (PUSHED_PHONE, PUSHED_BIRTH)
    row = s.get(Complaint, complaint.id)
    assert row is not None and (row.contact_name, row.contact_email) == (VISITOR_NAME, VISITOR_EMAIL)
    rep = s.scalars(select(LegalRepresentative)).one()
    assert (rep.name, rep.identifier, rep.address, rep.email, rep.phone) == (
        REP_NAME,
        REP_IIN,
        REP_ADDRESS,
        REP_EMAIL,
        REP_PHONE,
    )
    # Staff download the documents decrypted.
    with TestClient(app, base_url="http://testserver") as client:
        sign_in(client, session, make_user(session, role=Role.moderator))
        evidence = s.scalars(select(ComplaintEvidence)).one()
        served = client.get(f"/console/evidence/{evidence.id}")
        assert served.status_code == 200 and served.content == EVIDENCE
        assert served.headers["content-disposition"] == 'attachment; filename="proof.pdf"'
        assert served.headers["cache-control"] == "private, no-store"
        sign_in(client, session, make_user(session, role=Role.legal_officer))
        scan = client.get(letter)
        assert scan.status_code == 200 and scan.content == LETTER
        assert (
            scan.headers["content-disposition"].endswith(".pdf")
            and "filename*=utf-8''" in (scan.headers["content-disposition"])
        )


@pytest.mark.law("LAW-27")
def test_the_representatives_name_is_encrypted_in_its_table(client: TestClient, session: Session) -> None:
    _record_representative(client, session)
    stored = session.execute(select(type_coerce(LegalRepresentative.name, Text))).scalar_one()
    assert stored.startswith("v1$") and REP_NAME.split()[1] not in stored
    assert session.scalars(select(LegalRepresentative.name)).one() == REP_NAME


def test_a_visitors_address_is_found_by_its_blind_index(
    session: Session, settings: Settings, db: Database
) -> None:
    post = make_post(session, make_user(session))
    session.commit()
    with db.transaction() as s:
        complaint_service.file(
            s,
            Filing(
                subject=TargetKind.item,
                category="false_information",
                description="Please remove this false information about me.",
                target_id=post.id,
                details={"why_false": "I never said it."},
                concerns_me=True,
            ),
            contact_name=VISITOR_NAME,
            contact_email=VISITOR_EMAIL,
            evidence=[prepare_one("a.pdf", EVIDENCE, settings)],
            settings=settings,
        )
    stored = session.execute(
        select(type_coerce(Complaint.contact_email, Text), Complaint.contact_email_index)
    ).one()
    assert stored[0].startswith("v1$") and stored[1] == Complaint.email_index(VISITOR_EMAIL)
    # The same address written otherwise finds it; the daily limit of requests counts through it.
    found = session.scalars(
        select(Complaint.number).where(
            Complaint.contact_email_index == Complaint.email_index(" SAULE.knownvisitor@Example.kz")
        )
    ).all()
    assert len(found) == 1
    assert complaint_service._recent_requests(session, VISITOR_EMAIL.upper()) == 1


def test_an_encrypted_column_cannot_be_compared_only_tested_for_null() -> None:
    with pytest.raises(TypeError, match="blind index"):
        select(User).where(User.email == "someone@example.kz")
    with pytest.raises(TypeError, match="blind index"):
        select(User).order_by(User.date_of_birth.desc())
    with pytest.raises(TypeError, match="blind index"):
        select(Complaint).where(Complaint.contact_name.like("%a%"))
    assert "IS NULL" in str(select(User).where(User.email.is_(None)))
    assert "IS NOT NULL" in str(select(User).where(User.phone != None))  # noqa: E711


def test_without_a_keyring_nothing_is_written(
    db: Database, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encrypted, "_keyring", None)
    # (SQLAlchemy wraps what a column type raises in a StatementError that names it.)
    with pytest.raises(StatementError, match="KeyringNotConfigured"), db.transaction() as s:
        make_user(s, email="nokeys@example.kz")
    monkeypatch.undo()
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_production_needs_its_own_keys(database_url: str) -> None:
    secret = "s" * 40
    with pytest.raises(ValueError, match="SENIM_DATA_KEYS and SENIM_INDEX_KEY"):
        Settings(mode="production", database_url=database_url, secret_key=secret)  # type: ignore[arg-type]
    key = base64.b64encode(bytes(range(32))).decode()
    with pytest.raises(ValueError, match="not valid"):
        Settings(mode="production", secret_key=secret, data_keys="1:short", index_key=key)  # type: ignore[arg-type]
    other = base64.b64encode(bytes(range(32, 64))).decode()
    ok = Settings(mode="production", secret_key=secret, data_keys=f"2:{key}", index_key=other)  # type: ignore[arg-type]
    assert ok.keyring.current_version == 2


# --- rotation -----------------------------------------------------------------------------------------
def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def _two_versions(settings: Settings) -> Settings:
    """The settings' development key as version 1 and a new version 2, the index key unchanged."""
    v1 = derive_key(settings.secret_bytes, DERIVED_DATA_KEY)
    index = derive_key(settings.secret_bytes, DERIVED_INDEX_KEY)
    return settings.model_copy(
        update={
            "data_keys": SecretStr(f"2:{_b64(bytes(range(32)))},1:{_b64(v1)}"),
            "index_key": SecretStr(_b64(index)),
        }
    )


def _only_v2(settings: Settings) -> Keyring:
    """Version 2 of ``_two_versions`` alone: what is left once version 1 is removed."""
    return Keyring({2: bytes(range(32))}, derive_key(settings.secret_bytes, DERIVED_INDEX_KEY))


def _seed_for_rotation(session: Session, settings: Settings, db: Database) -> None:
    for n in range(7):
        make_user(session, email=f"person{n}@example.kz", date_of_birth=date(1990, 1, n + 1))
    post = make_post(session, make_user(session))
    session.commit()
    with db.transaction() as s:
        complaint_service.file(
            s,
            Filing(
                subject=TargetKind.item,
                category="false_information",
                description="Please remove this false information about me.",
                target_id=post.id,
                details={"why_false": "I never said it."},
                concerns_me=True,
            ),
            contact_name=VISITOR_NAME,
            contact_email=VISITOR_EMAIL,
            evidence=[prepare_one("a.pdf", EVIDENCE, settings)],
            settings=settings,
        )
        counting_service.record_representative(
            s, Actor.system("test"), representative_form(name=REP_NAME, identifier=REP_IIN)
        )


def _versions(status: KeyStatus) -> set[str]:
    return {label for counts in status.columns.values() for label in counts} | set(status.files)


@pytest.mark.law("LAW-27")
def test_rotation_moves_every_value_and_file_to_the_new_key_and_resumes(
    session: Session, settings: Settings, db: Database, restore_keyring: None
) -> None:
    _seed_for_rotation(session, settings, db)
    # A value written before encryption was turned on is encrypted by the rotation too.
    with db.transaction() as s:
        first = s.scalars(select(User.id).where(User.email.is_not(None)).limit(1)).one()
        plain = type_coerce("+77010000001", Text)
        s.execute(update(User.__table__).where(User.__table__.c.id == first).values(phone=plain))
    rotated = _two_versions(settings)
    keyring = rotated.keyring
    before = key_status(db, rotated, keyring)
    assert _versions(before) == {"v1", "plain"} and before.files == {"v1": 1}
    assert before.columns["user_account.phone"]["plain"] == 1
    encrypted.configure(keyring)
    total = pending(db, keyring)
    assert total == before.stale  # every value not under v2, and the one document
    updated_at = fresh(session).scalars(select(User.updated_at).order_by(User.id)).all()

    # Interrupted after 5 values: a part is done, the rest is still readable under version 1.
    steps: list[int] = []
    part = rotate(db, rotated, keyring, batch_size=2, limit=5, advance=steps.append)
    assert (part.values, part.complete) == (5, False)
    middle = key_status(db, rotated, keyring)
    assert 0 < middle.stale < before.stale and "v2" in _versions(middle)

    rest = rotate(db, rotated, keyring, batch_size=2, advance=steps.append)
    assert rest.complete and rest.values == before.stale - 1 - 5 and rest.files == 1 and not rest.failed
    assert rest.plaintext == 1
    assert sum(steps) == total  # the second run did not read again what the first had done
    after = key_status(db, rotated, keyring)
    assert after.stale == 0 and _versions(after) == {"v2"}
    again = rotate(db, rotated, keyring)
    assert (again.values, again.files, again.complete) == (0, 0, True)

    # Readable with version 2 alone: version 1 may now be removed; the blind index still finds.
    encrypted.configure(_only_v2(settings))
    s = fresh(session)
    assert {u.email for u in s.scalars(select(User)) if u.email} >= {
        f"person{n}@example.kz" for n in range(7)
    }
    assert "+77010000001" in {u.phone for u in s.scalars(select(User))}
    assert s.scalars(select(LegalRepresentative)).one().identifier == REP_IIN
    assert (
        s.scalars(
            select(Complaint.contact_name).where(
                Complaint.contact_email_index == Complaint.email_index(VISITOR_EMAIL)
            )
        ).one()
        == VISITOR_NAME
    )
    evidence = s.scalars(select(ComplaintEvidence)).one()
    blob = (settings.media_dir / evidence.storage_key).read_bytes()
    assert file_version(blob) == 2 and encrypted.open_file(evidence.storage_key, blob) == EVIDENCE
    assert s.scalars(select(User.updated_at).order_by(User.id)).all() == updated_at  # not a change of the row
    records = s.scalars(select(AuditRecord).where(AuditRecord.tag == "keys:rotate").order_by(AuditRecord.seq))
    assert [(r.actor_label, r.data["complete"], r.data["version"]) for r in records] == [
        ("system:keys", False, 2),
        ("system:keys", True, 2),
        ("system:keys", True, 2),
    ]


def test_a_value_under_a_key_no_longer_held_is_reported_not_lost(
    session: Session, settings: Settings, db: Database, restore_keyring: None
) -> None:
    make_user(session, email="kept@example.kz")
    session.commit()
    only_v2 = _only_v2(settings)
    result = rotate(db, settings, only_v2)
    assert result.failed and not result.complete and result.values == 0
    stored = session.execute(
        select(type_coerce(User.email, Text)).where(User.email.is_not(None))
    ).scalar_one()
    assert stored.startswith("v1$")  # untouched: still readable once the old key is given back


runner = CliRunner()


def test_the_keys_commands_generate_show_and_rotate(
    cli_env: None,
    session: Session,
    settings: Settings,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    restore_keyring: None,
) -> None:
    _seed_for_rotation(session, settings, db)
    monkeypatch.setenv("SENIM_MEDIA_DIR", str(settings.media_dir))
    generated = runner.invoke(cli, ["keys", "generate"])
    assert generated.exit_code == 0 and re.fullmatch(r"2:[A-Za-z0-9_-]{43}\n", generated.output)
    index = runner.invoke(cli, ["keys", "generate", "--index"])
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}\n", index.output)

    status = runner.invoke(cli, ["keys", "status"])
    assert status.exit_code == 0, status.output
    assert "user_account.email" in status.output and "v1" in status.output

    rotated = _two_versions(settings)
    monkeypatch.setenv("SENIM_DATA_KEYS", rotated.data_keys.get_secret_value())
    monkeypatch.setenv("SENIM_INDEX_KEY", rotated.index_key.get_secret_value())
    get_settings.cache_clear()
    part = runner.invoke(cli, ["keys", "rotate", "--batch-size", "3", "--limit", "4"])
    assert part.exit_code == 0, part.output
    assert "again to continue" in part.output
    done = runner.invoke(cli, ["keys", "rotate", "--batch-size", "3"])
    assert done.exit_code == 0, done.output
    assert "Done." in done.output
    assert key_status(db, rotated, rotated.keyring).stale == 0
    status = runner.invoke(cli, ["keys", "status"])
    assert "0 values or files to re-encrypt" in status.output
    assert all(col.label in status.output for col in encrypted_columns())
