"""The annual report's figures in EU DSA transparency-template terms: counted from the frozen figures,
mapped once to the DSA categories, downloadable as JSON and CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from senim.audit import Actor
from senim.models import Role
from senim.taxonomy.categories import DSA_CATEGORIES
from senim.transparency import aggregation, dsa_export, report
from senim.transparency.service import report_service
from tests.fixtures.builders import make_user
from tests.transparency.report_records import seed_year

SELF_HARM = "STATEMENT_CATEGORY_SELF_HARM"
CIVIC = "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
SCAMS = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
TC = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"


def _export(session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
    seed_year(session)
    figures = report.build_figures(session, 2026)
    meta = {"year": 2026, "version": 1, "status": "draft", "content_hash": aggregation.content_hash(figures)}
    return meta, figures


def test_the_export_maps_the_hand_counted_figures_to_the_template(session: Session) -> None:
    meta, figures = _export(session)
    out = dsa_export.export(meta, figures)
    assert out["reporting_period"] == {"start": "2026-01-01", "end": "2026-12-31", "time_zone": "Asia/Almaty"}
    assert out["source_report"]["content_hash"] == meta["content_hash"]
    # Art. 9: restriction orders (2, one category) and a request of the authorized body
    assert out["orders_art9"]["received"] == 3 and out["orders_art9"]["given_effect"] == 2
    assert out["orders_art9"]["received_by_category"] == {SELF_HARM: 2}
    restriction = out["orders_art9"]["by_order_type"]["restriction_order"]
    assert restriction["median_time_to_give_effect_hours"] == 2.0
    assert restriction["max_time_to_give_effect_hours"] == 3.0
    # Art. 10: requests for information about users
    assert out["orders_art10"]["received"] == 3
    assert out["orders_art10"]["user_data_requests"] == {
        "received": 3,
        "complied": 1,
        "partly_complied": 1,
        "refused": 1,
    }
    # complaints are notices (not Art. 16 ones), by DSA category
    notices = out["notices_art16"]
    assert notices["received"] == 5
    assert notices["received_by_category"] == {CIVIC: 1, SCAMS: 1, SELF_HARM: 3}
    assert notices["median_time_to_action_hours"] == 156.0  # 6.5 days
    # own initiative: the detection removal and the terms suspension
    own = out["own_initiative"]
    assert own["measures"] == 2 and own["by_category"] == {SELF_HARM: 1, TC: 1}
    assert own["by_restriction_type"] == {"account": 1, "monetary": 0, "provision": 0, "visibility": 1}
    assert own["by_detection_method"] == {"automated": 1, "not_automated": 1}
    assert own["by_ground"] == {"contractual": 1, "legal": 1}
    # Art. 20 complaints are appeals
    assert out["complaints_art20"] == {
        "received": 3,
        "decided": 2,
        "decisions_upheld": 1,
        "decisions_reversed": 1,
        "median_time_to_decide_hours": 72.0,
    }
    assert out["suspensions_art23"]["account_suspensions"] == 1
    assert out["automated_means"]["decisions_fully_automated"] == 1
    assert out["automated_means"]["unlawful_content_removed_by_automated_means"] == 1
    assert out["out_of_court_disputes_art21"] == {"disputes": None}


def test_every_category_in_the_export_is_a_dsa_category(session: Session) -> None:
    meta, figures = _export(session)
    out = dsa_export.export(meta, figures)
    used = (
        set(out["orders_art9"]["received_by_category"])
        | set(out["notices_art16"]["received_by_category"])
        | set(out["own_initiative"]["by_category"])
    )
    assert used and used <= DSA_CATEGORIES


@pytest.mark.parametrize(
    ("key", "ground", "expected"),
    [
        ("unlawful.suicide", "law", SELF_HARM),
        ("false_information", None, CIVIC),
        ("none", "terms", TC),
        ("an_owners_own_category", "law", "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"),
    ],
)
def test_a_category_maps_once_to_its_dsa_category(key: str, ground: str | None, expected: str) -> None:
    assert dsa_export.dsa_category(key, ground) == expected


def test_the_csv_has_one_row_per_figure_and_the_json_is_stable(session: Session) -> None:
    meta, figures = _export(session)
    rows = list(csv.DictReader(io.StringIO(dsa_export.to_csv(meta, figures).decode())))
    assert set(rows[0]) == {"section", "metric", "key", "value"}
    found = {(r["section"], r["metric"], r["key"]): r["value"] for r in rows}
    assert found[("notices_art16", "received_by_category", SELF_HARM)] == "3"
    assert found[("orders_art10", "user_data_requests.refused", "")] == "1"
    assert found[("out_of_court_disputes_art21", "disputes", "")] == ""
    assert dsa_export.to_json(meta, figures) == dsa_export.to_json(meta, figures)


def test_a_published_reports_dsa_export_is_public_and_frozen(client: TestClient, session: Session) -> None:
    seed_year(session)
    admin = make_user(session, role=Role.administrator)
    row = report_service.build(session, Actor.of(admin), 2026)
    report_service.publish(session, admin, 2026, 1)
    session.commit()
    client.cookies.clear()
    answer = client.get("/transparency/reports/2026.dsa.json")
    assert answer.status_code == 200
    assert answer.json() == dsa_export.export(report_service.meta(row), row.figures)
    assert answer.json()["source_report"]["status"] == "published"
    table = client.get("/transparency/reports/2026.dsa.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")


def _taxonomy_after_a_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """A later taxonomy in which ``unlawful.suicide`` reads differently and maps to another DSA category."""
    from senim.taxonomy import categories

    changed = tuple(
        dataclasses.replace(
            version,
            categories=tuple(
                dataclasses.replace(c, dsa_category=SCAMS, label="Renamed category")
                if c.key == "unlawful.suicide"
                else c
                for c in version.categories
            ),
        )
        for version in categories.versions()
    )
    monkeypatch.setattr(categories, "_VERSIONS", changed)


@pytest.mark.law("LAW-37")
def test_a_published_version_keeps_the_dsa_categories_and_labels_it_was_built_with(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_year(session)
    admin = make_user(session, role=Role.administrator)
    row = report_service.build(session, Actor.of(admin), 2026)
    report_service.publish(session, admin, 2026, 1)
    session.commit()
    frozen = row.figures["categories"]
    assert frozen["unlawful.suicide"]["dsa_category"] == SELF_HARM
    assert frozen["unlawful.suicide"]["taxonomy_version"] == "2026-01-01"
    assert set(frozen) == {"unlawful.suicide", "false_information", "spam_fraud"}  # the ones counted
    before = dsa_export.to_json(report_service.meta(row), row.figures)
    label = report.value_label("category", "unlawful.suicide", frozen)

    _taxonomy_after_a_change(monkeypatch)

    assert dsa_export.to_json(report_service.meta(row), row.figures) == before
    out = dsa_export.export(report_service.meta(row), row.figures)
    assert out["notices_art16"]["received_by_category"] == {CIVIC: 1, SCAMS: 1, SELF_HARM: 3}
    assert out["taxonomy_versions"] == ["2026-01-01"]
    assert report.value_label("category", "unlawful.suicide", frozen) == label != "Renamed category"
    assert "Renamed category" not in report.to_csv(row.figures, "en").decode()
    # a new build reads the taxonomy as it is now
    fresh = report.build_figures(session, 2026)
    assert dsa_export.export(report_service.meta(row), fresh)["notices_art16"]["received_by_category"] == {
        CIVIC: 1,
        SCAMS: 4,
    }
    # a version built before the mapping was frozen falls back to the taxonomy now
    old = {k: v for k, v in row.figures.items() if k != "categories"}
    assert dsa_export.export(report_service.meta(row), old)["notices_art16"]["received_by_category"] == {
        CIVIC: 1,
        SCAMS: 4,
    }
