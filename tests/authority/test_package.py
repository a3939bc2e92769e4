"""The disclosure package (LAW-23): an AES-256 ZIP of disclosure.json, disclosure.pdf and manifest.json that
opens with its password only, whose files match the manifest, that is built the same way from the same
document, and that holds the document and nothing the builder added."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from datetime import datetime
from typing import Any

import pytest
import pyzipper

from senim.authority.package import (
    LABELS,
    PASSWORD_ALPHABET,
    Package,
    PackageCorrupt,
    build_package,
    new_password,
    read_package,
    render_html,
    render_json,
    render_pdf,
)
from senim.authority.policy import USER_FIELDS
from senim.kit.clock import ALMATY

EMAIL = "aigerim.distinct-7731@example.kz"
ACCOUNT = "5b7e3c1a-0d3f-4e8a-9a51-2f0c6d2b9e10"
OTHER_ACCOUNT = "0c4a9f6e-7b21-4d3c-8e5f-61a2b3c4d5e6"
PHONE_PATTERN = re.compile(rb"\+?7[\s(-]*7\d{2}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}")
NAMES = {"disclosure.json", "disclosure.pdf", "manifest.json"}


def make_document(**overrides: Any) -> dict[str, Any]:
    """A document as the disclosure service makes it: one account, e-mail, sign-in addresses and the
    registration time disclosed, the phone not held, the rest not requested."""
    document: dict[str, Any] = {
        "platform": {"name": "Senim demo operator", "bin": "000000000000"},
        "order": {
            "number": "O-ABCD-EFGH",
            "issuing_body": "Алматы қаласы Полиция департаменті",
            "reference": "12-34/567",
            "kind": "user_data_request",
            "legal_basis": {
                "type": "court_act",
                "number": "2-1234/2026",
                "date": "2026-11-20",
                "article": "",
            },
            "received_at": "2026-11-27T10:00:00+00:00",
        },
        "disclosure_id": "9d7c0a52-6b1e-4c55-8f0e-3a1b2c3d4e5f",
        "prepared_at": "2026-11-28T09:30:00+00:00",
        "prepared_by": "Әлия Қасымова",
        "approved_by": "Ұлан Өмірбек",
        "approved_at": "2026-11-28T11:00:00+00:00",
        "requested_fields": ["email", "login_addresses", "phone", "registered_at"],
        "subjects": [
            {
                "target": {"type": "account", "id": ACCOUNT},
                "account_id": ACCOUNT,
                "data": {
                    "email": EMAIL,
                    "login_addresses": ["2.72.0.15", "5.34.1.200"],
                    "registered_at": "2025-01-01T08:00:00+00:00",
                },
                "not_disclosed": [{"field": "phone", "reason": "not_held"}],
            }
        ],
        "not_disclosed": [
            {"field": f, "reason": "not_requested"}
            for f in sorted(USER_FIELDS - {"email", "login_addresses", "phone", "registered_at"})
        ],
        "targets_not_found": [
            {
                "target": {"type": "url", "url": "https://elsewhere.example/post/1"},
                "reason": "not_on_platform",
            }
        ],
    }
    document.update(overrides)
    return document


@pytest.fixture(scope="module")
def built() -> tuple[dict[str, Any], Package]:
    document = make_document()
    return document, build_package(document)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def aes_zip(files: dict[str, bytes], password: str) -> bytes:
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED) as archive:
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- opening and verifying ------------------------------------------------------------------------------


@pytest.mark.law("LAW-23")
def test_package_opens_with_its_password_and_every_file_matches_the_manifest(
    built: tuple[dict[str, Any], Package],
) -> None:
    document, pkg = built
    files = read_package(pkg.archive, pkg.password, sha256=pkg.sha256)

    assert set(files) == NAMES
    assert json.loads(files["disclosure.json"]) == document
    assert files["disclosure.json"] == render_json(document)
    assert files["disclosure.pdf"].startswith(b"%PDF")
    assert pkg.sha256 == sha(pkg.archive)
    assert pkg.manifest == {
        "disclosure.json": sha(files["disclosure.json"]),
        "disclosure.pdf": sha(files["disclosure.pdf"]),
    }
    inner = json.loads(files["manifest.json"])
    assert inner == {"algorithm": "SHA-256", "files": pkg.manifest}


def test_the_pdf_prints_the_hash_of_disclosure_json(built: tuple[dict[str, Any], Package]) -> None:
    document, pkg = built
    html = render_html(document, "kk")
    assert pkg.manifest["disclosure.json"] in html


def test_entries_carry_the_time_the_document_was_prepared(built: tuple[dict[str, Any], Package]) -> None:
    document, pkg = built
    prepared = datetime.fromisoformat(document["prepared_at"]).astimezone(ALMATY)
    with zipfile.ZipFile(io.BytesIO(pkg.archive)) as archive:
        times = {info.date_time for info in archive.infolist()}
    assert times == {prepared.timetuple()[:6]}

    undated = build_package(make_document(prepared_at=None, subjects=[]))
    with zipfile.ZipFile(io.BytesIO(undated.archive)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_wrong_password_is_refused(built: tuple[dict[str, Any], Package]) -> None:
    _document, pkg = built
    with pytest.raises(PackageCorrupt, match="cannot be opened"):
        read_package(pkg.archive, pkg.password[:-1] + ("x" if pkg.password[-1] != "x" else "y"))
    with pytest.raises(PackageCorrupt):
        read_package(pkg.archive, "")
    assert issubclass(PackageCorrupt, ValueError)


def test_an_altered_disclosure_with_the_old_manifest_is_refused(
    built: tuple[dict[str, Any], Package],
) -> None:
    _document, pkg = built
    files = read_package(pkg.archive, pkg.password)
    altered = files["disclosure.json"].replace(EMAIL.encode(), b"someone.else@example.kz")
    assert altered != files["disclosure.json"]
    forged = aes_zip({**files, "disclosure.json": altered}, pkg.password)

    with pytest.raises(PackageCorrupt, match=r"disclosure\.json does not match"):
        read_package(forged, pkg.password)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: {**f, "extra.txt": b"added later"}, "not those manifest.json lists"),
        (lambda f: {k: v for k, v in f.items() if k != "disclosure.pdf"}, "not those manifest.json lists"),
        (lambda f: {k: v for k, v in f.items() if k != "manifest.json"}, "missing or unreadable"),
        (lambda f: {**f, "manifest.json": b"{not json"}, "missing or unreadable"),
        (
            lambda f: {**f, "manifest.json": json.dumps({"algorithm": "MD5", "files": {}}).encode()},
            "not a SHA-256 manifest",
        ),
    ],
    ids=["file added", "file removed", "manifest removed", "manifest not json", "other algorithm"],
)
def test_an_archive_whose_files_are_not_the_manifests_is_refused(
    built: tuple[dict[str, Any], Package], change: Any, message: str
) -> None:
    _document, pkg = built
    files = read_package(pkg.archive, pkg.password)
    with pytest.raises(PackageCorrupt, match=message):
        read_package(aes_zip(change(files), pkg.password), pkg.password)


def test_a_damaged_archive_is_refused(built: tuple[dict[str, Any], Package]) -> None:
    _document, pkg = built
    with zipfile.ZipFile(io.BytesIO(pkg.archive)) as archive:
        info = archive.getinfo("disclosure.json")
    # the local header (30 bytes, name, extra), the AES salt (16) and password check (2), the encrypted
    # data, then a 10-byte HMAC: a flipped bit early breaks the deflate stream, a late one the HMAC
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 18
    end = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size - 10
    for position, message in ((start + 5, "damaged"), (end - 1, "Bad HMAC")):
        damaged = bytearray(pkg.archive)
        damaged[position] ^= 0x01
        with pytest.raises(PackageCorrupt, match=message):
            read_package(bytes(damaged), pkg.password)
    with pytest.raises(PackageCorrupt):
        read_package(pkg.archive[: len(pkg.archive) // 2], pkg.password)
    with pytest.raises(PackageCorrupt, match="not the one recorded"):
        read_package(pkg.archive, pkg.password, sha256="0" * 64)


def test_an_archive_with_unencrypted_files_is_refused_even_when_its_manifest_matches(
    built: tuple[dict[str, Any], Package],
) -> None:
    _document, pkg = built
    files = read_package(pkg.archive, pkg.password)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as plain:
        for name, data in files.items():
            plain.writestr(name, data)
    with pytest.raises(PackageCorrupt, match="not encrypted"):
        read_package(buffer.getvalue(), pkg.password)


# --- encryption -----------------------------------------------------------------------------------------


@pytest.mark.law("LAW-23")
def test_the_archive_is_encrypted_with_aes_256(built: tuple[dict[str, Any], Package]) -> None:
    _document, pkg = built
    for secret in (EMAIL, "2.72.0.15", ACCOUNT, "Әлия Қасымова", "2-1234/2026", '"algorithm"'):
        assert secret.encode() not in pkg.archive
    with zipfile.ZipFile(io.BytesIO(pkg.archive)) as archive:
        assert {info.filename for info in archive.infolist()} == NAMES
        for info in archive.infolist():
            assert info.flag_bits & 0x1  # encrypted
            assert info.compress_type == 99  # the WinZip AES method 7-Zip opens
            with pytest.raises(RuntimeError, match="password required"):
                archive.read(info.filename)
    with pyzipper.AESZipFile(io.BytesIO(pkg.archive)) as archive:
        assert {info.wz_aes_strength for info in archive.infolist()} == {3}  # 256-bit keys
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}


# --- what the package holds ------------------------------------------------------------------------------


@pytest.mark.law("LAW-23")
def test_a_field_not_in_the_data_appears_in_no_file() -> None:
    """The phone is requested and listed as not held (and withheld, package-wide): no phone number is in any
    file, and no subject's data has a phone: the builder adds nothing of its own."""
    document = make_document(
        not_disclosed=[
            {"field": "phone", "reason": "withheld", "note": "Not proportionate to the request."},
            {"field": "display_name", "reason": "not_requested"},
        ]
    )
    pkg = build_package(document, language="ru")
    files = read_package(pkg.archive, pkg.password)
    html = render_html(document, "ru").encode()

    for data in (files["disclosure.json"], files["manifest.json"], html):  # the PDF is made from the html
        assert not PHONE_PATTERN.search(data)
    assert files["disclosure.pdf"] == render_pdf(document, "ru")
    disclosed = json.loads(files["disclosure.json"])
    assert disclosed == document
    assert [set(s["data"]) for s in disclosed["subjects"]] == [{"email", "login_addresses", "registered_at"}]
    assert html.count(b'<td class="value">') == 3  # one value cell per disclosed field, none for the phone
    assert "Не хранится на платформе".encode() in html
    assert b"Not proportionate to the request." in html


@pytest.mark.law("LAW-23")
def test_the_pdf_shows_the_same_data_as_the_json_and_no_other_subject() -> None:
    one = make_document()
    two = make_document(
        subjects=[
            *one["subjects"],
            {
                "target": {"type": "account", "id": OTHER_ACCOUNT},
                "account_id": OTHER_ACCOUNT,
                "data": {"email": "second.person@example.kz", "login_addresses": [], "registered_at": None},
                "not_disclosed": [],
            },
        ]
    )
    html_one, html_two = render_html(one, "en"), render_html(two, "en")
    assert "second.person@example.kz" not in html_one
    assert OTHER_ACCOUNT not in html_one
    assert "second.person@example.kz" in html_two
    assert html_two.count(">none<") == 2  # an empty list and a null show as "none", nothing invented


@pytest.mark.parametrize(
    ("language", "title", "field", "reason"),
    [
        ("kk", "Пайдаланушылар туралы ақпаратты ашу", "Электрондық пошта мекенжайы", "Платформада жоқ"),
        ("ru", "Раскрытие сведений о пользователях", "Адрес электронной почты", "Отсутствует на платформе"),
        ("en", "Disclosure of information about users", "E-mail address", "Not on this platform"),
    ],
)
def test_the_pdf_is_written_in_the_requested_language(
    language: str, title: str, field: str, reason: str
) -> None:
    document = make_document()
    html = render_html(document, language)
    assert f'<html lang="{language}">' in html
    for text in (title, field, reason, EMAIL, "2.72.0.15", "5.34.1.200", "Әлия Қасымова", "O-ABCD-EFGH"):
        assert text in html
    assert sha(render_json(document)) in html
    pdf = render_pdf(document, language)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000
    assert "DejaVu-Sans" in _fonts(pdf)


def _fonts(pdf: bytes) -> set[str]:
    """The font names in a PDF's (compressed) object streams."""
    names: set[str] = set()
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            data = zlib.decompressobj().decompress(pdf[match.end() : match.end() + 1_000_000])
        except zlib.error:
            continue
        names |= {m.decode().split("+")[-1] for m in re.findall(rb"/BaseFont\s*/([\w+\-]+)", data)}
    return names


def test_the_pdf_sets_kazakh_letters_in_dejavu_alone() -> None:
    document = make_document(
        prepared_by="Шәһидә Бағдатқызы Қоңырбаева", approved_by="Әлібек Жүсіпұлы Төлеген, ӘҒҚҢӨҰҮҺІ"
    )
    html = render_html(document, "kk")
    for letter in "әғқңөұүһіӘҒҚҢӨҰҮҺІ":
        assert letter in html
    assert '"DejaVu Sans"' in html
    # every glyph came from DejaVu: no other font was needed for a letter it lacks
    assert _fonts(render_pdf(document, "kk")) == {"DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Sans-Mono"}


def test_an_unknown_language_falls_back_to_english() -> None:
    html = render_html(make_document(), "de")
    assert '<html lang="en">' in html
    assert "Disclosure of information about users" in html


def test_every_language_has_every_label() -> None:
    assert set(LABELS) == {"kk", "ru", "en"}
    for language in ("kk", "ru"):
        assert set(LABELS[language]) == set(LABELS["en"])
    for field in USER_FIELDS:
        assert f"field.{field}" in LABELS["en"]


def test_values_are_escaped_in_the_pdf() -> None:
    document = make_document(
        prepared_by='<img src="http://attacker.example/x.png">',
        not_disclosed=[{"field": "phone", "reason": "withheld", "note": "<script>alert(1)</script>"}],
    )
    html = render_html(document, "en")
    assert "<img" not in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert render_pdf(document, "en").startswith(b"%PDF")  # and nothing is fetched


# --- determinism and passwords ---------------------------------------------------------------------------


def test_the_same_document_gives_the_same_files_under_a_new_password(
    built: tuple[dict[str, Any], Package],
) -> None:
    document, first = built
    second = build_package(json.loads(json.dumps(document)))
    assert second.manifest == first.manifest
    assert second.password != first.password
    assert second.archive != first.archive  # a new AES salt and key
    assert read_package(second.archive, second.password) == read_package(first.archive, first.password)


def test_render_json_does_not_depend_on_key_order() -> None:
    document = make_document()
    reordered = dict(reversed(list(document.items())))
    assert render_json(reordered) == render_json(document)
    text = render_json(document).decode()
    assert "Әлия Қасымова" in text  # UTF-8, not \\u escapes
    assert text.startswith('{\n  "approved_at"')


def test_passwords_are_long_random_and_from_the_alphabet(built: tuple[dict[str, Any], Package]) -> None:
    _document, pkg = built
    passwords = [new_password() for _ in range(200)] + [pkg.password]
    assert len(set(passwords)) == len(passwords)
    for password in passwords:
        assert len(password) >= 24
        assert set(password) <= set(PASSWORD_ALPHABET)
    assert not set("0O1lI") & set(PASSWORD_ALPHABET)


def test_a_given_password_is_used_and_a_short_one_refused() -> None:
    document = make_document(subjects=[])
    chosen = "correct-horse-battery-staple-2026"
    pkg = build_package(document, password=chosen)
    assert pkg.password == chosen
    assert json.loads(read_package(pkg.archive, chosen)["disclosure.json"]) == document
    with pytest.raises(ValueError, match="at least 24"):
        build_package(document, password="short")
