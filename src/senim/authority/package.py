"""The package of a disclosure of information about users to a state body (LAW-23), built from the document
the disclosure service prepares (and a second person approved): the document as JSON, the same as a PDF in
the body's language, and a manifest of their SHA-256 hashes, in a ZIP archive encrypted with AES-256 (WinZip
AE, opens in 7-Zip) whose password travels separately.

Minimal disclosure: everything here renders the document and adds no information of its own, so what the
package discloses is exactly what the document holds. Pure: no database, no files, no network.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyzipper
from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape
from pyzipper.zipfile_aes import AESZipInfo

from senim.kit.clock import ALMATY

JSON_NAME = "disclosure.json"
PDF_NAME = "disclosure.pdf"
MANIFEST_NAME = "manifest.json"
ALGORITHM = "SHA-256"
TEMPLATE = "package.html"
# Rendered by WeasyPrint into the PDF, never served: kept apart from the web templates (no CSP there).
TEMPLATES = Path(__file__).resolve().parent / "pdf"
# Letters and digits without those read alike (0 O o, 1 l I): 57 symbols, 28 of them ≈ 163 bits.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105 - not a password
PASSWORD_LENGTH = 28
MIN_PASSWORD_LENGTH = 24
AES_256 = 3  # the strength code of a 256-bit key in the WinZip AES extra field
EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry


class PackageCorrupt(ValueError):
    """The archive cannot be opened with the password, or a file in it does not match the manifest."""


@dataclass(frozen=True)
class Package:
    archive: bytes  # the ZIP archive, every entry encrypted with AES-256
    password: str  # to be sent apart from the archive
    sha256: str  # hex SHA-256 of ``archive``
    manifest: dict[str, str]  # file name inside the archive -> hex SHA-256 of that file


# The PDF is written in the language the package is made in (chosen for the body, not the interface),
# so its labels live here in the three languages; a missing label falls back to English, then to the code.
LABELS: dict[str, dict[str, str]] = {
    "kk": {
        "title": "Пайдаланушылар туралы ақпаратты ашу",
        "disclosure_id": "Ашу идентификаторы",
        "platform": "Платформа",
        "platform_name": "Атауы",
        "bin": "БСН",
        "order": "Мемлекеттік органның талабы",
        "order_number": "Тіркеу нөмірі",
        "issuing_body": "Жіберген орган",
        "reference": "Органның шығыс нөмірі",
        "kind": "Түрі",
        "legal_basis": "Құқықтық негіз",
        "number": "Нөмірі",
        "date": "Күні",
        "article": "Бабы",
        "received_at": "Алынған уақыты",
        "requested_fields": "Сұралған мәліметтер",
        "preparation": "Дайындау және бекіту",
        "prepared_by": "Дайындаған",
        "prepared_at": "Дайындалған уақыты",
        "approved_by": "Бекіткен",
        "approved_at": "Бекітілген уақыты",
        "subjects": "Пайдаланушылар туралы мәліметтер",
        "subject": "Пайдаланушы",
        "target": "Талаптағы нысан",
        "account_id": "Тіркелгі идентификаторы",
        "field": "Мәлімет",
        "value": "Мәні",
        "reason": "Себебі",
        "note": "Түсініктеме",
        "no_data": "Ашылған мәліметтер жоқ",
        "empty": "жоқ",
        "none": "Жоқ",
        "not_disclosed": "Ашылмаған мәліметтер",
        "subject_not_disclosed": "Осы пайдаланушы бойынша ашылмаған мәліметтер",
        "targets_not_found": "Табылмаған нысандар",
        "integrity": "Тұтастықты бақылау",
        "hash": "disclosure.json файлының SHA-256 хэші",
        "hash_note": "Архивтегі барлық файлдың хэштері manifest.json файлында келтірілген.",
        "field.username": "Пайдаланушы аты",
        "field.display_name": "Көрсетілетін аты",
        "field.email": "Электрондық пошта мекенжайы",
        "field.phone": "Телефон нөмірі",
        "field.date_of_birth": "Туған күні",
        "field.registered_at": "Тіркелген уақыты",
        "field.last_login_at": "Соңғы кіру уақыты",
        "field.login_addresses": "Кіру кезіндегі IP мекенжайлары",
        "field.content_ids": "Жарияланымдардың идентификаторлары",
        "reason.not_requested": "Сұралмаған",
        "reason.not_held": "Платформада сақталмайды",
        "reason.withheld": "Берілмеді (түсініктемені қараңыз)",
        "reason.account_erased": "Тіркелгі жойылған",
        "reason.not_on_platform": "Платформада жоқ",
        "reason.not_found": "Платформада табылмады",
        "target.account": "Тіркелгі",
        "target.item": "Жарияланым",
        "target.url": "Сілтеме",
        "kind.user_data_request": "Пайдаланушылар туралы ақпаратты сұрау",
        "kind.court_act": "Заңды күшіне енген сот актісі",
        "basis.court_act": "Сот актісі",
        "basis.request": "Сұрау салу",
        "basis.order": "Нұсқама",
        "basis.law_article": "Заң бабы",
    },
    "ru": {
        "title": "Раскрытие сведений о пользователях",
        "disclosure_id": "Идентификатор раскрытия",
        "platform": "Платформа",
        "platform_name": "Наименование",
        "bin": "БИН",
        "order": "Требование государственного органа",
        "order_number": "Регистрационный номер",
        "issuing_body": "Направивший орган",
        "reference": "Исходящий номер органа",
        "kind": "Вид",
        "legal_basis": "Правовое основание",
        "number": "Номер",
        "date": "Дата",
        "article": "Статья",
        "received_at": "Дата и время получения",
        "requested_fields": "Запрошенные сведения",
        "preparation": "Подготовка и утверждение",
        "prepared_by": "Подготовил(а)",
        "prepared_at": "Дата подготовки",
        "approved_by": "Утвердил(а)",
        "approved_at": "Дата утверждения",
        "subjects": "Сведения о пользователях",
        "subject": "Пользователь",
        "target": "Объект требования",
        "account_id": "Идентификатор аккаунта",
        "field": "Сведение",
        "value": "Значение",
        "reason": "Причина",
        "note": "Пояснение",
        "no_data": "Раскрытых сведений нет",
        "empty": "отсутствует",
        "none": "Нет",
        "not_disclosed": "Нераскрытые сведения",
        "subject_not_disclosed": "Нераскрытые сведения по этому пользователю",
        "targets_not_found": "Ненайденные объекты",
        "integrity": "Контроль целостности",
        "hash": "Хеш SHA-256 файла disclosure.json",
        "hash_note": "Хеши всех файлов архива приведены в файле manifest.json.",
        "field.username": "Имя пользователя",
        "field.display_name": "Отображаемое имя",
        "field.email": "Адрес электронной почты",
        "field.phone": "Номер телефона",
        "field.date_of_birth": "Дата рождения",
        "field.registered_at": "Дата регистрации",
        "field.last_login_at": "Время последнего входа",
        "field.login_addresses": "IP-адреса входов",
        "field.content_ids": "Идентификаторы публикаций",
        "reason.not_requested": "Не запрашивалось",
        "reason.not_held": "Не хранится на платформе",
        "reason.withheld": "Не предоставлено (см. пояснение)",
        "reason.account_erased": "Аккаунт удалён",
        "reason.not_on_platform": "Отсутствует на платформе",
        "reason.not_found": "Не найдено на платформе",
        "target.account": "Аккаунт",
        "target.item": "Публикация",
        "target.url": "Ссылка",
        "kind.user_data_request": "Запрос сведений о пользователях",
        "kind.court_act": "Вступивший в законную силу судебный акт",
        "basis.court_act": "Судебный акт",
        "basis.request": "Запрос",
        "basis.order": "Предписание",
        "basis.law_article": "Статья закона",
    },
    "en": {
        "title": "Disclosure of information about users",
        "disclosure_id": "Disclosure ID",
        "platform": "Platform",
        "platform_name": "Name",
        "bin": "BIN",
        "order": "Order of the state body",
        "order_number": "Registration number",
        "issuing_body": "Issuing body",
        "reference": "Body's reference",
        "kind": "Kind",
        "legal_basis": "Legal basis",
        "number": "Number",
        "date": "Date",
        "article": "Article",
        "received_at": "Received at",
        "requested_fields": "Information requested",
        "preparation": "Preparation and approval",
        "prepared_by": "Prepared by",
        "prepared_at": "Prepared at",
        "approved_by": "Approved by",
        "approved_at": "Approved at",
        "subjects": "Information about users",
        "subject": "User",
        "target": "Target named in the order",
        "account_id": "Account ID",
        "field": "Field",
        "value": "Value",
        "reason": "Reason",
        "note": "Note",
        "no_data": "No information disclosed",
        "empty": "none",
        "none": "None",
        "not_disclosed": "Not disclosed",
        "subject_not_disclosed": "Not disclosed for this user",
        "targets_not_found": "Targets not found",
        "integrity": "Integrity check",
        "hash": "SHA-256 of disclosure.json",
        "hash_note": "The hashes of all files in the archive are listed in manifest.json.",
        "field.username": "Username",
        "field.display_name": "Display name",
        "field.email": "E-mail address",
        "field.phone": "Phone number",
        "field.date_of_birth": "Date of birth",
        "field.registered_at": "Registered at",
        "field.last_login_at": "Last sign-in",
        "field.login_addresses": "Sign-in IP addresses",
        "field.content_ids": "Content IDs",
        "reason.not_requested": "Not requested",
        "reason.not_held": "Not held by the platform",
        "reason.withheld": "Withheld (see the note)",
        "reason.account_erased": "Account erased",
        "reason.not_on_platform": "Not on this platform",
        "reason.not_found": "Not found on the platform",
        "target.account": "Account",
        "target.item": "Content item",
        "target.url": "URL",
        "kind.user_data_request": "Request for information about users",
        "kind.court_act": "Court act in force",
        "basis.court_act": "Court act",
        "basis.request": "Request",
        "basis.order": "Order",
        "basis.law_article": "Article of law",
    },
}


def labeller(language: str) -> Callable[[str], str]:
    """``key`` -> its label in ``language``, else in English, else the code (``reason.x`` -> x)."""
    own, english = LABELS.get(language, {}), LABELS["en"]

    def label(key: str) -> str:
        return own.get(key) or english.get(key) or key.partition(".")[2] or key

    return label


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n").encode()


def render_json(document: Mapping[str, Any]) -> bytes:
    """The document as UTF-8 JSON, keys sorted: the same document always gives the same bytes."""
    return _json(document)


def _lines(value: Any) -> list[str]:
    """A disclosed value as the lines of its table cell: nothing for null, one per item of a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in value]
    return [json.dumps(value, ensure_ascii=False, sort_keys=True)]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=ChainableUndefined,  # a key the document lacks shows as nothing
        finalize=lambda value: "" if value is None else value,  # and so does a null
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["lines"] = _lines
    return env


def render_html(document: Mapping[str, Any], language: str, *, json_sha256: str | None = None) -> str:
    """The document as the HTML the PDF is made from; ``json_sha256`` defaults to the hash of
    ``render_json(document)``, printed at the bottom (the PDF cannot hold its own hash)."""
    lang = language if language in LABELS else "en"
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            d=document,
            lang=lang,
            t=labeller(lang),
            json_sha256=json_sha256 or _sha256(render_json(document)),
        )
    )


def render_pdf(document: Mapping[str, Any], language: str, *, json_sha256: str | None = None) -> bytes:
    """The document as an A4 PDF in ``language`` (kk, ru, en; others get English), in DejaVu Sans."""
    import weasyprint  # heavy; imported when a package is built, not when the app starts
    from weasyprint.urls import URLFetcher

    html = weasyprint.HTML(
        string=render_html(document, language, json_sha256=json_sha256),
        base_url=None,
        url_fetcher=URLFetcher(allowed_protocols=()),  # loads nothing: no file, no network
    )
    pdf = html.write_pdf()
    if not isinstance(pdf, bytes):  # write_pdf() without a target returns the bytes
        raise TypeError("WeasyPrint returned no PDF bytes")
    return pdf


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def _zip_time(document: Mapping[str, Any]) -> tuple[int, int, int, int, int, int]:
    """The entries' time: when the document was prepared (Asia/Almaty wall clock), or 1980-01-01."""
    value = document.get("prepared_at")
    if not isinstance(value, str):
        return EPOCH
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return EPOCH
    if moment.tzinfo is not None:
        moment = moment.astimezone(ALMATY)
    if not 1980 <= moment.year <= 2107:
        return EPOCH
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _encrypted_zip(files: Mapping[str, bytes], password: str, date_time: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED) as archive:
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, data in files.items():
            info = AESZipInfo(name, date_time=date_time)
            info.compress_type = pyzipper.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def build_package(
    document: Mapping[str, Any], *, language: str = "kk", password: str | None = None
) -> Package:
    """The encrypted archive of ``document``: disclosure.json, disclosure.pdf and manifest.json. The inner
    files depend on the document and language only; the password is new each time unless given."""
    if password is None:
        password = new_password()
    elif len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a package password has at least {MIN_PASSWORD_LENGTH} characters")
    data = render_json(document)
    json_hash = _sha256(data)
    pdf = render_pdf(document, language, json_sha256=json_hash)
    files = {JSON_NAME: json_hash, PDF_NAME: _sha256(pdf)}
    manifest = _json({"algorithm": ALGORITHM, "files": files})
    archive = _encrypted_zip(
        {JSON_NAME: data, PDF_NAME: pdf, MANIFEST_NAME: manifest}, password, _zip_time(document)
    )
    return Package(archive=archive, password=password, sha256=_sha256(archive), manifest=dict(files))


def read_package(archive: bytes, password: str, *, sha256: str | None = None) -> dict[str, bytes]:
    """The files of a package (manifest.json included), each checked: every entry is AES-encrypted, the
    password opens it, and the files are exactly those manifest.json names, with its hashes. With ``sha256``
    (as recorded when the package was built) the archive itself must have that hash.
    Raises PackageCorrupt otherwise."""
    if sha256 is not None and _sha256(archive) != sha256.lower():
        raise PackageCorrupt("the archive's SHA-256 is not the one recorded")
    try:
        with pyzipper.AESZipFile(io.BytesIO(archive)) as opened:
            opened.setpassword(password.encode())
            infos = opened.infolist()
            if not all(info.flag_bits & 0x1 and info.wz_aes_strength == AES_256 for info in infos):
                raise PackageCorrupt("an entry of the archive is not encrypted with AES-256")
            names = [info.filename for info in infos]
            if len(set(names)) != len(names):
                raise PackageCorrupt("the archive holds a file name twice")
            contents = {name: opened.read(name) for name in names}
    except PackageCorrupt:
        raise
    except (RuntimeError, pyzipper.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        # pyzipper: RuntimeError("Bad password for file ...") on a wrong password, BadZipFile on a bad
        # HMAC or a damaged archive
        raise PackageCorrupt(f"the archive cannot be opened with this password or is damaged: {exc}") from exc
    try:
        manifest = json.loads(contents[MANIFEST_NAME])
        algorithm, listed = manifest["algorithm"], manifest["files"]
    except (KeyError, TypeError, ValueError) as exc:  # ValueError: not UTF-8 or not JSON
        raise PackageCorrupt(f"manifest.json is missing or unreadable: {exc}") from exc
    if algorithm != ALGORITHM or not isinstance(listed, dict):
        raise PackageCorrupt("manifest.json is not a SHA-256 manifest")
    if set(listed) != set(contents) - {MANIFEST_NAME}:
        raise PackageCorrupt("the files in the archive are not those manifest.json lists")
    for name, expected in listed.items():
        if _sha256(contents[name]) != expected:
            raise PackageCorrupt(f"{name} does not match its SHA-256 in manifest.json")
    return contents
