"""The annual transparency report (LAW-37) end to end: built from the records in the console, published,
frozen, public, in Kazakh, Russian and English, as a page, a PDF, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.kit.clock import today_in
from senim.models import AuditRecord, Complaint, Role, StateOrder
from senim.models.account import TOKEN_ONLY_ROLES
from senim.models.transparency import TransparencyReport
from senim.notification.service import in_language
from senim.transparency import aggregation, policy, report
from senim.transparency.service import report_service
from senim.web.i18n import gettext
from tests.fixtures.builders import make_user
from tests.fixtures.console import staff
from tests.transparency.report_records import EXPECTED, at, complaint, order, seed_year

CONSOLE = "/console/transparency/reports"
READERS = {
    Role.administrator,
    Role.legal_officer,
    Role.auditor,
    Role.data_protection_officer,
    Role.safety_officer,
}
MANAGERS = {Role.administrator, Role.legal_officer}


def tags(session: Session) -> list[str]:
    return list(session.scalars(select(AuditRecord.tag).order_by(AuditRecord.seq)))


def reports(session: Session) -> list[TransparencyReport]:
    session.expire_all()
    return list(
        session.scalars(
            select(TransparencyReport).order_by(TransparencyReport.version, TransparencyReport.year)
        )
    )


def build(client: TestClient, csrf: str, year: str = "2026") -> Any:
    return client.post(CONSOLE, data={"csrf_token": csrf, "year": year}, follow_redirects=False)


def publish(client: TestClient, csrf: str, version: int = 1, year: int = 2026) -> Any:
    return client.post(
        f"{CONSOLE}/{year}/{version}/publish", data={"csrf_token": csrf}, follow_redirects=False
    )


def build_and_publish(session: Session) -> TransparencyReport:
    """Service-level: the 2026 report built and published by an administrator (committed)."""
    admin = make_user(session, role=Role.administrator)
    row = report_service.build(session, Actor.of(admin), 2026)
    report_service.publish(session, admin, 2026, row.version)
    session.commit()
    return row


# --- building ------------------------------------------------------------------------------------


@pytest.mark.law("LAW-37")
def test_a_legal_officer_builds_a_draft_whose_figures_are_the_hand_counted_ones(
    client: TestClient, session: Session
) -> None:
    seed_year(session)
    _, csrf = staff(client, session, Role.legal_officer)
    answer = build(client, csrf)
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"{CONSOLE}/2026/1")
    [row] = reports(session)
    assert (row.year, row.version, row.status, row.published_at) == (2026, 1, "draft", None)
    for section, expected in EXPECTED.items():
        got = dict(row.figures[section])
        got.pop("breakdown", None)
        assert got == expected, section
    assert row.content_hash == aggregation.content_hash(row.figures)
    assert row.figures["report"] == {"kind": "annual", "year": 2026, "schema_version": 2}
    assert dict(row.figures["monthly"]["complaints_received"])["2026-03"] == 2
    [record] = session.scalars(select(AuditRecord).where(AuditRecord.tag == "transparency_report:build"))
    assert record.data == {"year": 2026, "version": 1, "new_version": True, "content_hash": row.content_hash}
    page = client.get(answer.headers["location"])
    assert page.status_code == 200 and "Complaints received" in page.text and "sha256:" in page.text
    assert "Publish this version" in page.text


@pytest.mark.law("LAW-37")
def test_building_again_rewrites_the_draft_with_the_same_hash_for_the_same_data(
    client: TestClient, session: Session
) -> None:
    seed_year(session)
    _, csrf = staff(client, session, Role.administrator)
    build(client, csrf)
    first = reports(session)[0].content_hash
    build(client, csrf)
    [row] = reports(session)
    assert row.version == 1 and row.content_hash == first
    assert tags(session).count("transparency_report:build") == 2


@pytest.mark.law("LAW-37")
def test_the_report_includes_the_risk_register(session: Session) -> None:
    from senim.transparency.risks import risk_service

    admin = make_user(session, role=Role.administrator)
    risk_service.create(
        session,
        admin,
        {
            "title": "Coordinated spam",
            "description": "Bots",
            "category": "platform_manipulation",
            "likelihood": "4",
            "impact": "3",
            "mitigations": "Rate limits",
            "owner_id": str(admin.id),
            "identified_on": "2026-02-01",
            "status": "mitigating",
        },
    )
    session.commit()
    figures = report.build_figures(session, 2026)
    [risk] = figures["systemic_risks"]
    assert (risk["title"], risk["mitigations"], risk["identified_on"]) == (
        "Coordinated spam",
        "Rate limits",
        "2026-02-01",
    )
    assert "owner" not in json.dumps(risk)  # the report names no person
    assert report.build_figures(session, 2025)["systemic_risks"] == []


# --- publishing and freezing -----------------------------------------------------------------------


@pytest.mark.law("LAW-37")
def test_a_published_version_never_changes_and_a_rebuild_makes_a_new_draft(
    client: TestClient, session: Session
) -> None:
    seed_year(session)
    user, csrf = staff(client, session, Role.legal_officer)
    build(client, csrf)
    answer = publish(client, csrf)
    assert answer.status_code == 303
    [published] = reports(session)
    assert published.status == "published" and published.published_by_id == user.id
    frozen = (published.figures, published.content_hash, published.published_at)
    [record] = session.scalars(select(AuditRecord).where(AuditRecord.tag == "transparency_report:publish"))
    assert record.data["content_hash"] == published.content_hash
    public = client.get("/transparency/reports/2026.json").json()

    # new records arrive; the year is rebuilt
    session.execute(insert(Complaint), [complaint("2026-09-01T10:00:00")])
    session.commit()
    build(client, csrf)
    first, second = reports(session)
    assert (first.figures, first.content_hash, first.published_at) == frozen
    assert second.version == 2 and second.status == "draft"
    assert second.figures["complaints"]["received"] == EXPECTED["complaints"]["received"] + 1
    assert client.get("/transparency/reports/2026.json").json() == public  # still version 1 in public
    assert public["figures"]["complaints"]["received"] == EXPECTED["complaints"]["received"]

    # publishing version 1 again is refused and writes nothing
    before = tags(session)
    assert publish(client, csrf, version=1).status_code == 409
    assert tags(session) == before and reports(session)[0].published_at == frozen[2]
    # publishing version 2 supersedes it on the public page; version 1 stays readable
    assert publish(client, csrf, version=2).status_code == 303
    assert client.get("/transparency/reports/2026.json").json()["version"] == 2
    assert client.get("/transparency/reports/2026.json?version=1").json() == public


@pytest.mark.law("LAW-37")
def test_a_draft_is_not_public(client: TestClient, session: Session) -> None:
    seed_year(session)
    _, csrf = staff(client, session, Role.administrator)
    build(client, csrf)
    client.cookies.clear()
    assert client.get("/transparency/reports").status_code == 200
    assert "2026" not in re.sub(r"<head>.*</head>", "", client.get("/transparency/reports").text, flags=re.S)
    for name in ("2026", "2026.pdf", "2026.csv", "2026.json", "2026.dsa.json", "2026.dsa.csv"):
        assert client.get(f"/transparency/reports/{name}").status_code == 404, name
    assert client.get(f"{CONSOLE}/2026/1").status_code == 401
    assert client.get(f"{CONSOLE}/2026/1/report.json").status_code == 401


@pytest.mark.law("LAW-37")
def test_anyone_reads_a_published_report_and_its_files(client: TestClient, session: Session) -> None:
    seed_year(session)
    row = build_and_publish(session)
    client.cookies.clear()
    listing = client.get("/transparency/reports")
    assert listing.status_code == 200 and "/transparency/reports/2026?version=1" in listing.text
    page = client.get("/transparency/reports/2026")
    assert page.status_code == 200 and row.content_hash in page.text
    document = client.get("/transparency/reports/2026.json")
    assert document.headers["content-type"] == "application/json"
    assert document.json()["figures"] == row.figures and document.json()["content_hash"] == row.content_hash
    assert aggregation.content_hash(document.json()["figures"]) == row.content_hash
    assert client.get("/transparency/reports/2026.pdf").content.startswith(b"%PDF")
    assert "attachment" in client.get("/transparency/reports/2026.csv").headers["content-disposition"]


# --- languages -------------------------------------------------------------------------------------


@pytest.mark.law("LAW-37")
@pytest.mark.law("LAW-08")
@pytest.mark.parametrize(
    ("lang", "removed"), [("kk", "Алынып тасталды"), ("ru", "Удалено"), ("en", "Removed")]
)
def test_the_report_renders_in_kazakh_russian_and_english(
    client: TestClient, session: Session, lang: str, removed: str
) -> None:
    seed_year(session)
    build_and_publish(session)
    client.cookies.set("senim_lang", lang)
    page = client.get("/transparency/reports/2026")
    assert page.status_code == 200 and f'lang="{lang}"' in page.text and removed in page.text
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/transparency/reports/2026.csv?lang={lang}").text.lstrip("\ufeff"))
        )
    )
    [by_action] = [
        r for r in rows if (r["section"], r["metric"], r["key"]) == ("decisions", "by_action", "remove")
    ]
    assert by_action["value"] == "1" and by_action["key_label"] == removed
    pdf = client.get(f"/transparency/reports/2026.pdf?lang={lang}")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert f"-{lang}.pdf" in pdf.headers["content-disposition"]
    assert pdf.content == client.get(f"/transparency/reports/2026.pdf?lang={lang}").content  # same bytes


@pytest.mark.law("LAW-37")
def test_the_same_figures_give_the_same_files_and_each_language_its_own(session: Session) -> None:
    seed_year(session)
    figures = report.build_figures(session, 2026)
    digest = aggregation.content_hash(figures)
    meta = {"year": 2026, "version": 1, "status": "published", "content_hash": digest, "published_at": None}
    assert report.to_csv(figures, "ru") != report.to_csv(figures, "en")
    assert report.to_csv(figures, "kk") == report.to_csv(figures, "kk")
    assert report.to_json(meta, figures) == report.to_json(meta, figures)
    with report.in_language("ru"):
        charts = report.charts(figures)
    assert set(charts) == {"monthly", "actions"} and charts["monthly"].startswith("<svg")


def _check(schema: dict[str, Any], value: Any, root: dict[str, Any], path: str = "$") -> None:
    """A small JSON Schema checker (the keywords our schema uses)."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].split("/")[-1]]
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            (isinstance(value, int | float) and not isinstance(value, bool))
            if t == "number"
            else (isinstance(value, int) and not isinstance(value, bool))
            if t == "integer"
            else isinstance(value, kinds[t])
            for t in allowed
        )
        assert ok, f"{path}: {value!r} is not {allowed}"
    if "enum" in schema:
        assert value in schema["enum"], path
    if "const" in schema:
        assert value == schema["const"], path
    if "minimum" in schema and isinstance(value, int | float):
        assert value >= schema["minimum"], path
    if "maximum" in schema and isinstance(value, int | float):
        assert value <= schema["maximum"], path
    if "pattern" in schema:
        assert re.search(schema["pattern"], value), path
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{path}.{key} is missing"
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                _check(properties[key], item, root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                raise AssertionError(f"{path}.{key} is not in the schema")
            elif isinstance(schema.get("additionalProperties"), dict):
                _check(schema["additionalProperties"], item, root, f"{path}.{key}")
    if isinstance(value, list):
        for i, item in enumerate(value):
            prefix = schema.get("prefixItems", [])
            sub = prefix[i] if i < len(prefix) else schema.get("items")
            if sub:
                _check(sub, item, root, f"{path}[{i}]")


@pytest.mark.law("LAW-37")
def test_the_json_download_follows_its_documented_schema(client: TestClient, session: Session) -> None:
    seed_year(session)
    build_and_publish(session)
    document = client.get("/transparency/reports/2026.json").json()
    schema = report.schema()
    _check(schema, document, schema)
    with pytest.raises(AssertionError):
        _check(schema, {**document, "extra": 1}, schema)


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["2022", "2999", str(today_in().year + 1), "20x6", "", "12345"])
def test_a_year_out_of_range_is_refused_and_nothing_is_written(
    client: TestClient, session: Session, year: str
) -> None:
    _, csrf = staff(client, session, Role.administrator)
    before = tags(session)
    answer = build(client, csrf, year)
    assert answer.status_code == 422 and "csrf_token" in answer.text
    assert reports(session) == [] and tags(session) == before


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/transparency/reports/2026.docx", 422),
        ("/transparency/reports/2026.pdf?lang=de", 422),
        ("/transparency/reports/2026?version=x", 422),
        ("/transparency/reports/2019", 422),
        ("/transparency/reports/latest", 422),
        ("/transparency/reports/2025", 404),
        (f"{CONSOLE}/2026/1/report.docx", 422),
        (f"{CONSOLE}/2026/1/summary.pdf", 422),
        (f"{CONSOLE}/2026/1/report.csv?lang=fr", 422),
        (f"{CONSOLE}/2026/9", 404),
        (f"{CONSOLE}/2026/9/report.json", 404),
    ],
)
def test_unknown_formats_languages_and_reports_are_4xx(
    client: TestClient, session: Session, path: str, status: int
) -> None:
    seed_year(session)
    build_and_publish(session)
    staff(client, session, Role.auditor)
    before = tags(session)
    assert client.get(path).status_code == status
    assert tags(session) == before and len(reports(session)) == 1


def test_publishing_a_version_that_does_not_exist_is_404_and_writes_nothing(
    client: TestClient, session: Session
) -> None:
    _, csrf = staff(client, session, Role.administrator)
    assert publish(client, csrf, version=3).status_code == 404
    assert reports(session) == [] and "transparency_report:publish" not in tags(session)


# --- permissions -----------------------------------------------------------------------------------


def _two_reports(session: Session) -> None:
    """2025 published, 2026 a draft (no records: the routes are what is tested)."""
    admin = make_user(session, role=Role.administrator)
    report_service.build(session, Actor.of(admin), 2025)
    report_service.publish(session, admin, 2025, 1)
    report_service.build(session, Actor.of(admin), 2026)
    session.commit()


READ_PATHS = (
    CONSOLE,
    f"{CONSOLE}/2026/1",
    f"{CONSOLE}/2026/1/report.json",
    f"{CONSOLE}/2026/1/report.dsa.csv",
)
PUBLIC_PATHS = ("/transparency/reports", "/transparency/reports/2025", "/transparency/reports/2025.json")


@pytest.mark.law("LAW-37")
@pytest.mark.parametrize("role", sorted(set(Role) - TOKEN_ONLY_ROLES))
def test_each_route_allows_only_its_roles(client: TestClient, session: Session, role: Role) -> None:
    _two_reports(session)
    _, csrf = staff(client, session, role)
    read = 200 if role in READERS else 403
    for path in READ_PATHS:
        assert client.get(path).status_code == read, path
    for path in PUBLIC_PATHS:
        assert client.get(path).status_code == 200, path
    assert client.get("/transparency/reports/2026").status_code == 404  # a draft, whoever asks
    before = tags(session)
    built = build(client, csrf)
    published = publish(client, csrf, version=1)
    if role in MANAGERS:
        assert (built.status_code, published.status_code) == (303, 303)
        assert reports(session)[-1].status == "published"
    else:
        assert (built.status_code, published.status_code) == (403, 403)
        assert tags(session) == before and [r.status for r in reports(session)] == ["published", "draft"]


@pytest.mark.parametrize("role", sorted(TOKEN_ONLY_ROLES))
def test_api_tokens_of_external_bodies_reach_only_the_public_report(
    client: TestClient, session: Session, role: Role
) -> None:
    from senim.account.policy import TOKEN_SCOPES
    from senim.account.service import account_service

    _two_reports(session)
    principal = make_user(session, role=role, password=None, date_of_birth=None)
    scopes = sorted(TOKEN_SCOPES[role])[:1]
    token = account_service.issue_token(
        session, Actor.system("test"), principal, name="t", scopes=scopes
    ).token
    session.commit()
    client.cookies.clear()
    bearer = {"authorization": f"Bearer {token}"}
    for path in READ_PATHS:
        assert client.get(path, headers=bearer).status_code == 403, path
    for path in PUBLIC_PATHS:
        assert client.get(path, headers=bearer).status_code == 200, path
    before = tags(session)
    assert client.post(CONSOLE, data={"year": "2026"}, headers=bearer).status_code == 403
    assert client.post(f"{CONSOLE}/2026/1/publish", headers=bearer).status_code == 403
    assert tags(session) == before and [r.status for r in reports(session)] == ["published", "draft"]


def test_a_visitor_is_asked_to_sign_in_for_the_console(client: TestClient, session: Session) -> None:
    client.cookies.clear()
    assert client.get(CONSOLE).status_code == 401
    answer = client.post(CONSOLE, data={"year": "2026"}, follow_redirects=False)
    assert answer.status_code in (401, 403) and reports(session) == []


# --- policy ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ([], (1, True)),
        ([(1, "draft")], (1, False)),
        ([(1, "published")], (2, True)),
        ([(1, "published"), (2, "draft")], (2, False)),
        ([(1, "published"), (2, "published")], (3, True)),
    ],
)
def test_a_build_rewrites_the_latest_draft_or_starts_a_new_version(
    existing: list[tuple[int, str]], expected: tuple[int, bool]
) -> None:
    assert policy.next_version(existing) == expected


@pytest.mark.parametrize(
    ("name", "year", "fmt"),
    [
        ("2026", 2026, "html"),
        ("2026.pdf", 2026, "pdf"),
        ("2026.dsa.json", 2026, "dsa.json"),
        ("2025.csv", 2025, "csv"),
    ],
)
def test_a_public_name_is_a_year_and_a_format(name: str, year: int, fmt: str) -> None:
    parsed = policy.parse_name(name)
    assert (parsed.year, parsed.format.value) == (year, fmt)


def test_the_current_year_can_be_drafted_but_not_a_later_one() -> None:
    today = date(2026, 11, 28)
    assert policy.check_year(2026, today) == 2026 and policy.check_year(2023, today) == 2023
    for year in (2022, 2027):
        with pytest.raises(policy.Problem):
            policy.check_year(year, today)
    assert policy.file_name(2026, 2, policy.Format.pdf, "kk") == "senim-transparency-2026-v2-kk.pdf"
    assert policy.file_name(2026, 2, policy.Format.json, "kk") == "senim-transparency-2026-v2.json"
    assert timedelta(days=20).days == aggregation.ANSWER_DAYS


@pytest.mark.law("LAW-37")
def test_a_risk_closed_late_in_the_evening_utc_is_closed_on_the_next_almaty_day(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from senim.transparency import risks as risks_module
    from senim.transparency.risks import risk_service

    admin = make_user(session, role=Role.administrator)
    risk = risk_service.create(
        session,
        admin,
        {
            "title": "Coordinated spam",
            "description": "Bots",
            "category": "platform_manipulation",
            "likelihood": "4",
            "impact": "3",
            "mitigations": "Rate limits",
            "owner_id": str(admin.id),
            "identified_on": "2026-02-01",
            "status": "mitigating",
        },
    )
    # 30 June 20:00 UTC is 1 July 01:00 in Almaty
    monkeypatch.setattr(risks_module, "utcnow", lambda: datetime(2026, 6, 30, 20, tzinfo=UTC))
    risk_service.close(session, admin, risk.id, "Rate limits work")
    session.commit()
    [entry] = report.build_figures(session, 2026)["systemic_risks"]
    assert entry["closed_on"] == "2026-07-01"


@pytest.mark.law("LAW-41")
def test_the_orders_table_shows_no_on_time_count_for_orders_due_immediately(session: Session) -> None:
    received = at("2026-04-01T10:00:00")
    immediate = order("2026-04-01T10:00:00", "immediate_restriction", due=timedelta(0))
    immediate |= {"status": "executed", "executed_at": received + timedelta(minutes=3)}
    session.execute(insert(StateOrder), [immediate])
    session.commit()
    figures = report.build_figures(session, 2026)
    with in_language("en"):
        [orders] = [s for s in report.view(figures) if s["key"] == "orders"]
        [table] = [t for t in orders["tables"] if t["key"] == "orders.by_kind"]
        not_applicable = gettext(report.UI["not_applicable"])
    [row] = table["rows"]
    assert row[2] == "1" and row[3] == not_applicable  # executed 1; within the time: not applicable
    # a version built before the count existed still shows its number
    del figures["orders"]["by_kind"]["immediate_restriction"]["executed_with_deadline"]
    with in_language("en"):
        [orders] = [s for s in report.view(figures) if s["key"] == "orders"]
    assert orders["tables"][0]["rows"][0][3] == "0"
