"""The annual transparency report (LAW-37): its figures and their renderings.

:func:`build_figures` is the whole report as language-independent JSON: the statistics of
:mod:`senim.transparency.aggregation` for the Almaty calendar year, month by month series, and the
systemic risks of the risk register with the measures taken (no person's name). A published
:class:`~senim.models.transparency.TransparencyReport` freezes exactly this dict; every rendering below is a
pure function of it, so the same figures always give the same page, CSV, JSON and (for one language) PDF.

Renderings: :func:`view` (the sections, labelled in the current language, that the HTML page and the PDF
show), :func:`charts` (SVG by matplotlib's Agg backend, fixed hash salt and no date: the same figures give
the same bytes), :func:`render_pdf` (WeasyPrint, DejaVu fonts, loads nothing from outside), :func:`to_csv`
and :func:`to_json` (schema in ``schema/transparency-report.schema.json``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from senim import taxonomy
from senim.authority.policy import KIND_LABELS, OrderKind
from senim.kit.clock import ALMATY
from senim.moderation.policy import ACTION_LABELS, Action
from senim.notification.service import in_language
from senim.transparency import aggregation
from senim.transparency.aggregation import Figures, Metric, Period
from senim.transparency.policy import LANGUAGE_FREE, Format, file_name
from senim.web import i18n
from senim.web.i18n import N_, gettext

REPORT_SCHEMA_VERSION = 2  # 2: ``categories`` (the taxonomy frozen with the figures)
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
PDF_TEMPLATES = Path(__file__).resolve().parent / "pdf"  # rendered into the PDF only, never served
WEB_TEMPLATES = Path(__file__).resolve().parent / "templates"
MONTHLY: tuple[Metric, ...] = (
    Metric.complaints_received,
    Metric.decisions,
    Metric.automated_decisions,
    Metric.orders_received,
    Metric.escalations,
    Metric.appeals_received,
)

# ---------------------------------------------------------------------------------------------------------
# Building the figures


def risks_for(session: Session, period: Period) -> list[dict[str, Any]]:
    """The systemic risks of the period and the measures taken (LAW-37(1), (2)), from the risk register
    (``senim.transparency.risks.risks_for_period``): what, how grave, what is done, its state when the
    report is built. No owner: the report names no person."""
    from senim.transparency.risks import risks_for_period

    return [
        {
            "title": r.title,
            "description": r.description,
            "category": str(r.category),
            "likelihood": r.likelihood,
            "impact": r.impact,
            "score": r.score,
            "level": str(r.level),
            "mitigations": r.mitigations,
            "status": str(r.status),
            "identified_on": r.identified_on.isoformat(),
            "closed_on": r.closed_at.astimezone(ALMATY).date().isoformat() if r.closed_at else None,
            "closing_note": r.closing_note,
        }
        for r in risks_for_period(session, period.start, period.end)
    ]


def build_figures(session: Session, year: int, *, progress: Callable[[str], None] | None = None) -> Figures:
    """The year's report as language-independent JSON (a pure function of the records)."""
    from senim.transparency import dsa_export

    period = Period.year(year)
    out = aggregation.figures(session, period, progress=progress, monthly=MONTHLY)
    out["report"] = {"kind": "annual", "year": year, "schema_version": REPORT_SCHEMA_VERSION}
    out["systemic_risks"] = risks_for(session, period)
    # The taxonomy as it reads now, frozen with the figures: a published version's labels and DSA
    # categories never change when the taxonomy does.
    out["categories"] = dsa_export.frozen_categories(out)
    if progress is not None:
        progress("systemic_risks")
    return out


BUILD_STEPS: tuple[str, ...] = (*aggregation.SECTIONS, "monthly", "systemic_risks")

# ---------------------------------------------------------------------------------------------------------
# Labels (English message ids, rendered in the reader's language)

TITLE = N_("Transparency report {year}")
SUBTITLE = N_(
    "Annual report of the platform under Art. 13(2) of the Law on online platforms and online advertising: "
    "systemic risks and the measures taken, content moderation, orders of the authorized body, complaints."
)
SECTION_TITLES: dict[str, str] = {
    "systemic_risks": N_("Systemic risks and the measures taken"),
    "automation": N_("Content moderation by automated means"),
    "decisions": N_("Content moderation decisions"),
    "orders": N_("Orders and requests of state bodies"),
    "data_requests": N_("Requests for information about users"),
    "complaints": N_("User complaints and the decisions on them"),
    "appeals": N_("Appeals and reversals"),
    "escalations": N_("Notifications to law enforcement"),
    "monthly": N_("Month by month"),
}
SECTION_ORDER: tuple[str, ...] = tuple(SECTION_TITLES)
METRIC_LABELS: dict[str, str] = {
    # complaints
    "complaints.received": N_("Complaints received"),
    "complaints.received_by_category": N_("Complaints received by category"),
    "complaints.received_by_subject": N_("Complaints received by what they are about"),
    "complaints.answered": N_("Complaints answered"),
    "complaints.answered_by_outcome": N_("Complaints answered by outcome"),
    "complaints.answered_by_category_and_outcome": N_("Complaints answered by category and outcome"),
    "complaints.answer_time.median_seconds": N_("Median time to answer"),
    "complaints.answer_time.max_seconds": N_("Longest time to answer"),
    "complaints.answer_time.within_20_days": N_("Answered within 20 days"),
    "complaints.answer_time.share_within_20_days": N_("Share answered within 20 days"),
    "complaints.manifestly_unfounded": N_("Found manifestly unfounded"),
    "complaints.pending_at_end": N_("Not yet answered at the end of the period"),
    # decisions
    "decisions.total": N_("Decisions taken"),
    "decisions.restrictive": N_("Decisions that restrict content or accounts"),
    "decisions.by_action": N_("Decisions by action"),
    "decisions.by_source": N_("Decisions by what started them"),
    "decisions.by_ground": N_("Decisions by ground"),
    "decisions.by_automated_decision": N_("Decisions by automation"),
    "decisions.automated_detection": N_("Decisions on content found by automated detection"),
    "decisions.by_category_and_action": N_("Decisions by category and action"),
    "decisions.breakdown": N_("Decisions in detail"),
    # automation
    "automation.unlawful_removed_automated": N_("Unlawful content removed by automated means"),
    "automation.unlawful_removed_automated_by_category": N_(
        "Unlawful content removed by automated means, by category"
    ),
    "automation.automated_decisions": N_("Decisions taken by automated means"),
    "automation.automated_decisions_by_automation_and_action": N_(
        "Decisions taken by automated means, by action"
    ),
    "automation.detection_actions": N_("Actions of automated detection rules"),
    "automation.detection_actions_by_category_and_action": N_(
        "Actions of automated detection rules, by category"
    ),
    "automation.shadow_signals": N_("Findings of rules on trial (no action taken)"),
    # orders
    "orders.received": N_("Orders and requests received"),
    "orders.executed": N_("Executed"),
    "orders.executed_with_deadline": N_("Executed, of those with a time limit (not due immediately)"),
    "orders.executed_within_deadline": N_("Executed within the statutory time"),
    "orders.refused": N_("Refused (basis not verified)"),
    "orders.open_at_end": N_("Open at the end of the period"),
    "orders.median_seconds_to_execute": N_("Median time to execute"),
    "orders.max_seconds_to_execute": N_("Longest time to execute"),
    "orders.by_kind": N_("By kind"),
    "orders.received_by_category": N_("Received by category"),
    # data requests
    "data_requests.received": N_("Requests received"),
    "data_requests.complied": N_("Complied with"),
    "data_requests.partly_complied": N_("Partly complied with"),
    "data_requests.refused": N_("Refused"),
    "data_requests.open_at_end": N_("Open at the end of the period"),
    # escalations
    "escalations.created": N_("Threats to life or safety found"),
    "escalations.by_category": N_("By category"),
    "escalations.by_source": N_("By how they were found"),
    "escalations.dispatched": N_("Notifications sent to law enforcement"),
    "escalations.median_seconds_to_dispatch": N_("Median time to notify"),
    "escalations.max_seconds_to_dispatch": N_("Longest time to notify"),
    "escalations.acknowledged": N_("Acknowledged by the recipient"),
    "escalations.declined": N_("Found not to be a threat before sending"),
    # appeals
    "appeals.received": N_("Appeals received"),
    "appeals.received_by_appellant": N_("Appeals by who appealed"),
    "appeals.decided": N_("Appeals decided"),
    "appeals.by_outcome": N_("Appeals by outcome"),
    "appeals.reversed": N_("Decisions reversed on appeal"),
    "appeals.share_reversed": N_("Share of appeals that reversed the decision"),
    "appeals.median_seconds_to_decide": N_("Median time to decide an appeal"),
    "appeals.max_seconds_to_decide": N_("Longest time to decide an appeal"),
    "appeals.pending_at_end": N_("Undecided at the end of the period"),
    # monthly
    "monthly.complaints_received": N_("Complaints received"),
    "monthly.decisions": N_("Decisions"),
    "monthly.automated_decisions": N_("Decisions by automated means"),
    "monthly.orders_received": N_("Orders received"),
    "monthly.escalations": N_("Threats to life found"),
    "monthly.appeals_received": N_("Appeals received"),
}
VALUE_LABELS: dict[str, str] = {
    # complaint outcomes, subjects
    "outcome.upheld": N_("Upheld: a restriction was applied"),
    "outcome.rejected": N_("Rejected: no violation found"),
    "outcome.resolved": N_("Resolved otherwise"),
    "outcome.none": N_("No outcome recorded"),
    "subject.item": N_("A post or a comment"),
    "subject.account": N_("An account"),
    "subject.community": N_("A community"),
    "subject.interface": N_("The interface of the platform"),
    "subject.platform_action": N_("An action of the platform"),
    # sources, grounds, automation
    "source.complaint": N_("A complaint"),
    "source.own_initiative": N_("The platform's own initiative"),
    "source.detection": N_("Automated detection"),
    "source.order": N_("An order of a state body"),
    "source.appeal": N_("An appeal"),
    "source.moderator": N_("A moderator"),
    "ground.law": N_("The law"),
    "ground.terms": N_("The terms of use"),
    "ground.none": N_("No ground (nothing restricted)"),
    "automated_decision.fully": N_("Fully automated"),
    "automated_decision.partially": N_("Partly automated"),
    "automated_decision.not": N_("Taken by a person"),
    # appeals
    "appeal_outcome.upheld": N_("The decision was upheld"),
    "appeal_outcome.reversed": N_("The decision was reversed"),
    "appellant.affected": N_("The person affected by the decision"),
    "appellant.complainant": N_("The complainant"),
    "category.none": N_("No category"),
    # risks
    "risk.title": N_("Risk"),
    "risk.category": N_("Area"),
    "risk.level": N_("Level"),
    "risk.mitigations": N_("Measures taken"),
    "risk.status": N_("State"),
    "risk.identified_on": N_("Identified"),
}
UI: dict[str, str] = {
    "period": N_("Period"),
    "version": N_("Version"),
    "status": N_("Status"),
    "draft": N_("Draft: not published"),
    "published": N_("Published"),
    "content_hash": N_("Content hash (SHA-256 of the figures)"),
    "figure": N_("Figure"),
    "value": N_("Value"),
    "count": N_("Number"),
    "category": N_("Category"),
    "action": N_("Action"),
    "outcome": N_("Outcome"),
    "kind": N_("Kind"),
    "automated_decision": N_("Automation"),
    "no_risks": N_("No systemic risks are recorded for this period."),
    "no_records": N_("None in this period."),
    "not_applicable": N_("—"),
    "time_zone": N_("Days are counted in Asia/Almaty time."),
    "chart_monthly": N_("Complaints and decisions month by month"),
    "chart_actions": N_("Decisions by action"),
    "received": N_("Received"),
    "executed": N_("Executed"),
    "refused": N_("Refused"),
    "median": N_("Median time to execute"),
    "longest": N_("Longest time"),
    "within": N_("Within the statutory time"),
}
RISK_LABELS: dict[str, str] = {
    "category.unlawful_content": N_("Unlawful content"),
    "category.harm_to_minors": N_("Harm to minors"),
    "category.disinformation": N_("Disinformation"),
    "category.privacy": N_("Privacy and personal data"),
    "category.advertising": N_("Advertising"),
    "category.platform_manipulation": N_("Manipulation of the platform"),
    "category.fundamental_rights": N_("Freedom of expression and other rights"),
    "category.other": N_("Other"),
    "status.identified": N_("Identified"),
    "status.mitigating": N_("Being mitigated"),
    "status.accepted": N_("Accepted"),
    "status.closed": N_("Closed"),
    "level.low": N_("Low"),
    "level.medium": N_("Medium"),
    "level.high": N_("High"),
    "level.critical": N_("Critical"),
}
HOURS = N_("{hours} h")
DAYS = N_("{days} days")
PERCENT = N_("{percent} %")


def category_label(key: str, frozen: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """A taxonomy category's label, translated: the one frozen with the figures (``figures["categories"]``)
    when given, else the newest taxonomy version naming it; else the key itself."""
    if key == aggregation.NONE_KEY:
        return gettext(VALUE_LABELS["category.none"])
    if frozen is not None:
        label = (frozen.get(key) or {}).get("label")
        return gettext(label) if label else key
    for version in reversed(taxonomy.versions()):
        try:
            return gettext(version.get(key).label)
        except KeyError:
            continue
    return key


def value_label(kind: str, key: str, frozen: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The label of one value of a breakdown (an action, an outcome, an order kind …), translated;
    ``frozen`` is the figures' own ``categories`` (see :func:`category_label`)."""
    if kind == "category":
        return category_label(key, frozen)
    if kind == "action" and key in Action.__members__:
        return gettext(ACTION_LABELS[Action(key)])
    if kind == "kind" and key in OrderKind.__members__:
        return gettext(KIND_LABELS[OrderKind(key)])
    label = VALUE_LABELS.get(f"{kind}.{key}")
    return gettext(label) if label else key


def duration(seconds: float | None) -> str:
    """A span in hours (under two days) or days, one decimal, in the reader's number format."""
    if seconds is None:
        return gettext(UI["not_applicable"])
    hours = seconds / 3600
    if hours < 48:
        return gettext(HOURS, hours=i18n.fmt_number(round(hours, 1)))
    return gettext(DAYS, days=i18n.fmt_number(round(hours / 24, 1)))


def percent(share: float | None) -> str:
    if share is None:
        return gettext(UI["not_applicable"])
    return gettext(PERCENT, percent=i18n.fmt_number(round(share * 100, 1)))


# ---------------------------------------------------------------------------------------------------------
# The view: sections as labelled rows and tables (the HTML page and the PDF share it)

_BY_KEY_KIND: dict[str, str] = {
    "received_by_category": "category",
    "received_by_subject": "subject",
    "answered_by_outcome": "outcome",
    "by_action": "action",
    "by_source": "source",
    "by_ground": "ground",
    "by_automated_decision": "automated_decision",
    "unlawful_removed_automated_by_category": "category",
    "by_category": "category",
    "received_by_appellant": "appellant",
    "by_outcome": "outcome",
}


def _shown(metric: str, value: Any) -> str:
    if value is None:
        return gettext(UI["not_applicable"])
    if metric.endswith("seconds") or "seconds_" in metric:
        return duration(value)
    if metric.startswith("share"):
        return percent(value)
    return i18n.fmt_number(value)


def _section(
    name: str, data: Mapping[str, Any], frozen: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """One section: ``rows`` of single figures, ``tables`` of breakdowns (each sorted by count, then key)."""
    rows: list[dict[str, Any]] = []
    tables: list[dict[str, Any]] = []

    def add(metric: str, value: Any, key: str) -> None:
        if isinstance(value, Mapping):
            if key == "answer_time":
                for sub, v in value.items():
                    add(sub, v, f"{key}.{sub}")
                return
            if key == "by_kind":
                tables.append(_orders_table(value))
                return
            kind = "outcome" if name == "complaints" else "appeal_outcome"
            kind = _BY_KEY_KIND.get(key, "key") if key != "by_outcome" else kind
            items = sorted(value.items(), key=lambda kv: (-kv[1], kv[0]))
            tables.append(
                {
                    "key": f"{name}.{key}",
                    "title": gettext(METRIC_LABELS.get(f"{name}.{key}", key)),
                    "head": [
                        gettext(UI["category"] if kind == "category" else UI["figure"]),
                        gettext(UI["count"]),
                    ],
                    "rows": [[value_label(kind, k, frozen), i18n.fmt_number(n)] for k, n in items],
                }
            )
            return
        if isinstance(value, list):
            if key == "breakdown":
                return  # the DSA export's input; its sums are in the other tables
            tables.append(_pairs_table(name, key, value, frozen))
            return
        label = METRIC_LABELS.get(f"{name}.{key}", key)
        rows.append({"key": f"{name}.{key}", "label": gettext(label), "value": _shown(metric, value)})

    for key, value in data.items():
        add(key, value, key)
    return {"key": name, "title": gettext(SECTION_TITLES[name]), "rows": rows, "tables": tables}


def _pairs_table(
    name: str,
    key: str,
    items: list[Mapping[str, Any]],
    frozen: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A breakdown by two keys (category and action, automation and action, …)."""
    columns = [c for c in (items[0].keys() if items else []) if c != "count"]
    kinds = {"automated_decision": "automated_decision", "outcome": "outcome", "action": "action"}
    ordered = sorted(items, key=lambda r: (-int(r["count"]), *(str(r[c]) for c in columns)))
    return {
        "key": f"{name}.{key}",
        "title": gettext(METRIC_LABELS.get(f"{name}.{key}", key)),
        "head": [gettext(UI.get(c, c)) for c in columns] + [gettext(UI["count"])],
        "rows": [
            [value_label(kinds.get(c, c), str(r[c]), frozen) for c in columns] + [i18n.fmt_number(r["count"])]
            for r in ordered
        ],
    }


def _orders_table(by_kind: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "key": "orders.by_kind",
        "title": gettext(METRIC_LABELS["orders.by_kind"]),
        "head": [
            gettext(UI["kind"]),
            gettext(UI["received"]),
            gettext(UI["executed"]),
            gettext(UI["within"]),
            gettext(UI["refused"]),
            gettext(UI["median"]),
            gettext(UI["longest"]),
        ],
        "rows": [
            [
                value_label("kind", kind),
                i18n.fmt_number(k["received"]),
                i18n.fmt_number(k["executed"]),
                # an order due immediately has no time to be within (older figures lack the count)
                gettext(UI["not_applicable"])
                if k.get("executed_with_deadline", 1) == 0
                else i18n.fmt_number(k["executed_within_deadline"]),
                i18n.fmt_number(k["refused"]),
                duration(k["median_seconds_to_execute"]),
                duration(k["max_seconds_to_execute"]),
            ]
            for kind, k in sorted(by_kind.items())
        ],
    }


def _risks(risks: list[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "key": "systemic_risks",
        "title": gettext(SECTION_TITLES["systemic_risks"]),
        "risks": [
            {
                "title": r["title"],
                "description": r["description"],
                "category": gettext(RISK_LABELS.get(f"category.{r['category']}", r["category"])),
                "level": gettext(RISK_LABELS.get(f"level.{r['level']}", r["level"])),
                "score": r["score"],
                "mitigations": r["mitigations"],
                "status": gettext(RISK_LABELS.get(f"status.{r['status']}", r["status"])),
                "identified_on": i18n.fmt_date(date.fromisoformat(r["identified_on"])),
                "closing_note": r.get("closing_note") or "",
            }
            for r in risks
        ],
        "rows": [],
        "tables": [],
    }


def _monthly(monthly: Mapping[str, list[list[Any]]]) -> dict[str, Any]:
    metrics = [m for m in MONTHLY if m.value in monthly]
    months = [row[0] for row in monthly[metrics[0].value]] if metrics else []
    return {
        "key": "monthly",
        "title": gettext(SECTION_TITLES["monthly"]),
        "rows": [],
        "tables": [
            {
                "key": "monthly",
                "title": gettext(SECTION_TITLES["monthly"]),
                "head": [gettext(UI["period"])]
                + [gettext(METRIC_LABELS[f"monthly.{m.value}"]) for m in metrics],
                "rows": [
                    [month] + [i18n.fmt_number(monthly[m.value][i][1]) for m in metrics]
                    for i, month in enumerate(months)
                ],
            }
        ],
    }


def view(figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report's sections in order, labelled in the current language (call inside ``in_language``)."""
    sections: list[dict[str, Any]] = []
    for name in SECTION_ORDER:
        if name == "systemic_risks":
            sections.append(_risks(figures.get("systemic_risks", [])))
        elif name == "monthly":
            sections.append(_monthly(figures.get("monthly", {})))
        elif name in figures:
            sections.append(_section(name, figures[name], figures.get("categories")))
    return sections


def heading(figures: Mapping[str, Any]) -> dict[str, str]:
    """Title and period, labelled in the current language."""
    period = figures["period"]
    first, last = date.fromisoformat(period["first_day"]), date.fromisoformat(period["last_day"])
    return {
        "title": gettext(TITLE, year=figures["report"]["year"]),
        "subtitle": gettext(SUBTITLE),
        "period": f"{i18n.fmt_date(first)} – {i18n.fmt_date(last)}",
        "time_zone": gettext(UI["time_zone"]),
    }


# ---------------------------------------------------------------------------------------------------------
# Charts (matplotlib, Agg, deterministic SVG)


def _svg(figure: Any) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "senim-transparency", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # inline in HTML: no XML declaration or doctype


def charts(figures: Mapping[str, Any]) -> dict[str, str]:
    """Inline SVG charts labelled in the current language: complaints and decisions month by month, and
    decisions by action. The same figures and language give the same bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    out: dict[str, str] = {}
    monthly = figures.get("monthly", {})
    complaints = monthly.get(Metric.complaints_received.value, [])
    decisions = monthly.get(Metric.decisions.value, [])
    if complaints and decisions:
        figure = Figure(figsize=(7.0, 2.6))
        axes = figure.subplots()
        months = [row[0][5:] for row in complaints]
        x = list(range(len(months)))
        axes.bar([i - 0.2 for i in x], [r[1] for r in complaints], width=0.4, color="#1f5f8b",
                 label=gettext(METRIC_LABELS["monthly.complaints_received"]))  # fmt: skip
        axes.bar([i + 0.2 for i in x], [r[1] for r in decisions], width=0.4, color="#d98b2b",
                 label=gettext(METRIC_LABELS["monthly.decisions"]))  # fmt: skip
        axes.set_xticks(x, months)
        axes.set_title(gettext(UI["chart_monthly"]), fontsize=10, family="DejaVu Sans")
        axes.legend(fontsize=7, frameon=False)
        axes.tick_params(labelsize=7)
        out["monthly"] = _svg(figure)
    by_action = figures.get("decisions", {}).get("by_action", {})
    if by_action:
        items = sorted(by_action.items(), key=lambda kv: (kv[1], kv[0]))
        figure = Figure(figsize=(7.0, 0.4 + 0.3 * len(items)))
        axes = figure.subplots()
        axes.barh([value_label("action", k) for k, _ in items], [n for _, n in items], color="#1f5f8b")
        axes.set_title(gettext(UI["chart_actions"]), fontsize=10, family="DejaVu Sans")
        axes.tick_params(labelsize=7)
        out["actions"] = _svg(figure)
    return out


# ---------------------------------------------------------------------------------------------------------
# PDF


@lru_cache
def _pdf_environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(PDF_TEMPLATES)), FileSystemLoader(str(WEB_TEMPLATES))]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(_=gettext)
    env.filters.update(datetime=i18n.fmt_datetime, date=i18n.fmt_date, number=i18n.fmt_number)
    return env


def report_context(meta: Mapping[str, Any], figures: Mapping[str, Any]) -> dict[str, Any]:
    """What the report's body template needs, labelled in the current language; ``meta`` carries the
    version, status, content hash and publication time."""
    return {
        "meta": meta,
        "head": heading(figures),
        "sections": view(figures),
        "charts": charts(figures),
        "ui": {k: gettext(v) for k, v in UI.items()},
    }


def render_pdf(meta: Mapping[str, Any], figures: Mapping[str, Any], language: str) -> bytes:
    """The report as an A4 PDF in ``language``, with its charts, in DejaVu Sans; loads nothing."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    with in_language(language) as lang:
        html = _pdf_environment().get_template("report.html").render(report_context(meta, figures), lang=lang)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    pdf = document.write_pdf(pdf_identifier=str(meta.get("content_hash", "")).encode()[:32] or None)
    if not isinstance(pdf, bytes):
        raise TypeError("WeasyPrint returned no PDF bytes")
    return pdf


# ---------------------------------------------------------------------------------------------------------
# CSV and JSON

CSV_COLUMNS = ("section", "metric", "key", "key2", "value", "label", "key_label", "key2_label")


def _csv_rows(figures: Mapping[str, Any]) -> Iterator[tuple[str, str, str, str, Any, str, str, str]]:
    """``(section, metric, key, key2, value, label, key label, key2 label)`` for every figure."""

    frozen = figures.get("categories")

    def label(section: str, metric: str) -> str:
        text = METRIC_LABELS.get(f"{section}.{metric}")
        return gettext(text) if text else ""

    for section in (s for s in SECTION_ORDER if s not in ("systemic_risks", "monthly")):
        for metric, value in figures.get(section, {}).items():
            if metric == "breakdown":
                continue
            name = label(section, metric)
            if metric == "by_kind":
                for kind, row in sorted(value.items()):
                    for field, v in row.items():
                        yield section, f"by_kind.{field}", kind, "", v, name, value_label("kind", kind), ""
            elif metric == "answer_time":
                for field, v in value.items():
                    yield (
                        section,
                        f"answer_time.{field}",
                        "",
                        "",
                        v,
                        label(section, f"answer_time.{field}"),
                        "",
                        "",
                    )
            elif isinstance(value, Mapping):
                kind = _BY_KEY_KIND.get(metric, "key")
                if metric == "by_outcome":
                    kind = "outcome" if section == "complaints" else "appeal_outcome"
                for key, v in sorted(value.items()):
                    yield section, metric, key, "", v, name, value_label(kind, key, frozen), ""
            elif isinstance(value, list):
                for row in value:
                    keys = [c for c in row if c != "count"]
                    k1 = str(row[keys[0]])
                    k2 = str(row[keys[1]]) if len(keys) > 1 else ""
                    yield (section, metric, k1, k2, row["count"], name, value_label(keys[0], k1, frozen),
                           value_label(keys[1], k2, frozen) if len(keys) > 1 else "")  # fmt: skip
            else:
                yield section, metric, "", "", value, name, "", ""
    for metric, series in figures.get("monthly", {}).items():
        for month, n in series:
            yield "monthly", metric, month, "", n, label("monthly", metric), "", ""
    for i, risk in enumerate(figures.get("systemic_risks", []), start=1):
        for field in ("title", "category", "level", "score", "status", "identified_on", "mitigations"):
            yield (
                "systemic_risks",
                field,
                str(i),
                "",
                risk[field],
                gettext(VALUE_LABELS.get(f"risk.{field}", "")) if f"risk.{field}" in VALUE_LABELS else "",
                "",
                "",
            )


def to_csv(figures: Mapping[str, Any], language: str) -> bytes:
    """Every figure as one CSV row (columns :data:`CSV_COLUMNS`: machine keys, the value, and labels in
    ``language``); UTF-8 with a byte-order mark so spreadsheets read Cyrillic."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    with in_language(language):
        for row in _csv_rows(figures):
            writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def document(meta: Mapping[str, Any], figures: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON download: the report's identity and its frozen figures (schema
    ``schema/transparency-report.schema.json``)."""
    published = meta.get("published_at")
    return {
        "$schema": "https://senim.kz/schema/transparency-report.schema.json",
        "year": meta["year"],
        "version": meta["version"],
        "status": meta["status"],
        "published_at": published.isoformat() if isinstance(published, datetime) else published,
        "content_hash": meta["content_hash"],
        "figures": figures,
    }


def to_json(meta: Mapping[str, Any], figures: Mapping[str, Any]) -> bytes:
    return json.dumps(document(meta, figures), ensure_ascii=False, indent=2, sort_keys=True).encode()


def schema() -> dict[str, Any]:
    """The JSON Schema of :func:`document`."""
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / "transparency-report.schema.json").read_text("utf-8"))
    return loaded


# ---------------------------------------------------------------------------------------------------------
# Files


def render_file(meta: Mapping[str, Any], figures: Mapping[str, Any], fmt: Format, language: str) -> bytes:
    """One download of a report version: PDF, CSV, JSON, or the DSA export as JSON or CSV."""
    from senim.transparency import dsa_export

    match fmt:
        case Format.pdf:
            return render_pdf(meta, figures, language)
        case Format.csv:
            return to_csv(figures, language)
        case Format.json:
            return to_json(meta, figures)
        case Format.dsa_json:
            return dsa_export.to_json(meta, figures)
        case Format.dsa_csv:
            return dsa_export.to_csv(meta, figures)
    raise ValueError(f"{fmt} is a page, not a file")


def write_files(
    directory: Path,
    meta: Mapping[str, Any],
    figures: Mapping[str, Any],
    formats: Iterable[Format],
    languages: Iterable[str],
) -> list[Path]:
    """Write the chosen files into ``directory`` (the language-free JSON once, the others per language)."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in formats:
        for language in [None] if fmt in LANGUAGE_FREE else languages:
            path = directory / file_name(meta["year"], meta["version"], fmt, language)
            path.write_bytes(render_file(meta, figures, fmt, language or "en"))
            written.append(path)
    return written
