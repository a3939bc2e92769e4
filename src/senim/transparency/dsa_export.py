"""The annual report's figures in the terms of the EU DSA harmonised transparency reporting templates
(Implementing Regulation (EU) 2024/2835; docs/peers.md), for platforms that operate in both markets.

A pure function of a report version's frozen figures (so a published version's export never changes
either): no query here, nothing the Kazakh report does not already count. The mapping, once:

* **Categories**: a decision's or order's taxonomy key maps to its ``STATEMENT_CATEGORY_*`` (the same key
  :mod:`senim.moderation.dsa` uses for statements of reasons, from ``senim.taxonomy``); a terms-of-use
  ground with no law category is ``STATEMENT_CATEGORY_OTHER_VIOLATION_TC``; an unknown key
  ``STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE``. The mapping is read from the taxonomy when the report is
  built and frozen in its figures (``categories``: :func:`frozen_categories`); the export uses that, so a
  taxonomy change never alters a published version (a version built before it was frozen falls back to
  the taxonomy now).
* **Orders (Art. 9 / Art. 10)**: orders to act against content (restriction orders, court acts, removal of
  cyberbullying of a child, suspensions, requests of the authorized body) are Art. 9 orders; requests for
  information about users and for user counts are Art. 10 orders. Preservation and lifting orders have no
  template line and are listed under ``other_orders``.
* **Notices (Art. 16)**: complaints under Kazakh law are *notices* in DSA terms, but not Art. 16 notices
  (``moderation.dsa`` sends them as ``SOURCE_TYPE_OTHER_NOTIFICATION``); they are counted here as notices
  with that caveat. Decisions they led to are split by legal and contractual ground.
* **Own-initiative moderation**: decisions started by the platform itself or by automated detection, by
  category, by type of restriction (visibility, account; Senim takes no monetary or provision measures) and
  by detection method.
* **Complaints (Art. 20)**: appeals against decisions, with the decisions upheld and reversed.
* **Suspensions (Art. 23)**: account suspensions; suspensions for manifestly unfounded notices are not
  separated in the figures and are given as null. Out-of-court disputes (Art. 21) are not tracked: null.
* **Times** are given in hours (the templates ask for medians); a null is "not applicable".
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from senim import taxonomy
from senim.taxonomy.categories import DSA_CATEGORIES

MAPPING_VERSION = 1
TEMPLATE = "EU DSA harmonised transparency reporting template, Implementing Regulation (EU) 2024/2835"
TERMS = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
NOT_SPECIFIED = "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"
ART9_KINDS = frozenset(
    {
        "authority_request",
        "court_act",
        "restriction_order",
        "immediate_restriction",
        "child_cyberbullying",
        "account_suspension",
    }
)
ART10_KINDS = frozenset({"user_data_request", "user_count_request"})
VISIBILITY_ACTIONS = frozenset(
    {"remove", "geo_restrict", "age_restrict", "label", "demote", "require_author_delete"}
)
ACCOUNT_ACTIONS = frozenset({"suspend"})
OWN_INITIATIVE_SOURCES = frozenset({"own_initiative", "detection"})
NOTES = (
    "Complaints under Kazakh law are counted as notices, though they are not notices under Art. 16 DSA.",
    "Senim takes no monetary or provision-of-service measures; those lines are zero.",
    (
        "Out-of-court disputes (Art. 21) and suspensions for manifestly unfounded notices (Art. 23(2)) are "
        "not tracked: null."
    ),
    "Days and months are counted in Asia/Almaty time.",
)


def category_entry(key: str) -> dict[str, str] | None:
    """What the taxonomy says of ``key`` now: its ``dsa_category`` (``STATEMENT_CATEGORY_*``), its ``label``
    (English message id) and the ``taxonomy_version`` it is read from (the newest version naming it); None
    for a key no version names (an owner's own complaint category, …)."""
    for version in reversed(taxonomy.versions()):
        try:
            category = version.get(key)
        except KeyError:
            continue
        dsa = category.dsa_category if category.dsa_category in DSA_CATEGORIES else NOT_SPECIFIED
        return {"dsa_category": dsa, "label": category.label, "taxonomy_version": version.version}
    return None


def _category_keys(figures: Mapping[str, Any]) -> set[str]:
    """Every category key the report's figures name."""
    keys: set[str] = set()
    complaints, automation = figures.get("complaints", {}), figures.get("automation", {})
    keys |= set(complaints.get("received_by_category", {}))
    keys |= {r["category"] for r in complaints.get("answered_by_category_and_outcome", [])}
    keys |= {r["category"] for r in figures.get("decisions", {}).get("breakdown", [])}
    keys |= set(automation.get("unlawful_removed_automated_by_category", {}))
    keys |= {r["category"] for r in automation.get("detection_actions_by_category_and_action", [])}
    keys |= set(figures.get("orders", {}).get("received_by_category", {}))
    keys |= set(figures.get("escalations", {}).get("by_category", {}))
    keys.discard("none")
    return keys


def frozen_categories(figures: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``{key: {dsa_category, label, taxonomy_version}}`` for every category the figures name that the
    taxonomy knows, sorted: what the report freezes (``figures["categories"]``) when it is built, so that a
    published version's DSA export and labels never follow later taxonomy changes."""
    entries = {key: category_entry(key) for key in sorted(_category_keys(figures))}
    return {key: entry for key, entry in entries.items() if entry is not None}


def dsa_category(
    key: str, ground: str | None = None, frozen: Mapping[str, Mapping[str, Any]] | None = None
) -> str:
    """The ``STATEMENT_CATEGORY_*`` of a taxonomy key: from ``frozen`` (a report's ``categories``) when
    given, else from the taxonomy now (the newest version that names it). A key neither names:
    ``STATEMENT_CATEGORY_OTHER_VIOLATION_TC`` on a terms ground, else ``…_NOT_SPECIFIED_NOTICE``."""
    entry = frozen.get(key) if frozen is not None else category_entry(key)
    if entry is not None:
        return str(entry["dsa_category"])
    return TERMS if ground == "terms" else NOT_SPECIFIED


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _sorted(counter: Mapping[str, int]) -> dict[str, int]:
    return {k: int(counter[k]) for k in sorted(counter) if counter[k]}


def _restriction(action: str) -> str | None:
    if action in VISIBILITY_ACTIONS:
        return "visibility"
    if action in ACCOUNT_ACTIONS:
        return "account"
    return None


def export(meta: Mapping[str, Any], figures: Mapping[str, Any]) -> dict[str, Any]:
    """The report version's figures as the DSA template's sections (see the module's mapping)."""
    breakdown: list[Mapping[str, Any]] = figures["decisions"].get("breakdown", [])
    # the mapping frozen with the figures (reports built before it was frozen: the taxonomy now)
    frozen: Mapping[str, Mapping[str, Any]] | None = figures.get("categories")

    def category_of(key: str, ground: str | None = None) -> str:
        return dsa_category(key, ground, frozen)

    orders = figures["orders"]
    by_kind: Mapping[str, Mapping[str, Any]] = orders["by_kind"]

    def orders_of(kinds: frozenset[str] | None) -> dict[str, Any]:
        chosen = {
            k: v for k, v in by_kind.items() if (k in kinds if kinds else k not in ART9_KINDS | ART10_KINDS)
        }
        return {
            "received": sum(v["received"] for v in chosen.values()),
            "given_effect": sum(v["executed"] for v in chosen.values()),
            "by_order_type": {
                kind: {
                    "received": v["received"],
                    "given_effect": v["executed"],
                    "median_time_to_give_effect_hours": _hours(v["median_seconds_to_execute"]),
                    "max_time_to_give_effect_hours": _hours(v["max_seconds_to_execute"]),
                }
                for kind, v in sorted(chosen.items())
            },
        }

    art9 = orders_of(ART9_KINDS)
    art9_categories: Counter[str] = Counter()
    for key, n in orders.get("received_by_category", {}).items():
        if key != "none":
            art9_categories[category_of(key)] += n
    art9["received_by_category"] = _sorted(art9_categories)
    art10 = orders_of(ART10_KINDS)
    requests = figures["data_requests"]
    art10["user_data_requests"] = {
        "received": requests["received"],
        "complied": requests["complied"],
        "partly_complied": requests["partly_complied"],
        "refused": requests["refused"],
    }

    notices_by_category: Counter[str] = Counter()
    for key, n in figures["complaints"]["received_by_category"].items():
        notices_by_category[category_of(key)] += n
    on_notices = [r for r in breakdown if r["source"] == "complaint" and r["action"] != "no_violation"]
    answer = figures["complaints"]["answer_time"]

    own = [r for r in breakdown if r["source"] in OWN_INITIATIVE_SOURCES and r["action"] != "no_violation"]
    own_category: Counter[str] = Counter()
    own_restriction: Counter[str] = Counter({"visibility": 0, "monetary": 0, "provision": 0, "account": 0})
    own_detection: Counter[str] = Counter({"automated": 0, "not_automated": 0})
    own_ground: Counter[str] = Counter()
    for r in own:
        own_category[category_of(r["category"], r["ground"])] += r["count"]
        kind = _restriction(r["action"])
        if kind:
            own_restriction[kind] += r["count"]
        own_detection["automated" if r["automated_detection"] else "not_automated"] += r["count"]
        own_ground["legal" if r["ground"] == "law" else "contractual"] += r["count"]

    appeals = figures["appeals"]
    automated: Counter[str] = Counter()
    for r in breakdown:
        automated[r["automated_decision"]] += r["count"]
    suspensions = sum(r["count"] for r in breakdown if r["action"] in ACCOUNT_ACTIONS)
    period = figures["period"]
    return {
        "template": TEMPLATE,
        "mapping_version": MAPPING_VERSION,
        "taxonomy_versions": sorted({str(e["taxonomy_version"]) for e in (frozen or {}).values()}),
        "reporting_period": {
            "start": period["first_day"],
            "end": period["last_day"],
            "time_zone": period["time_zone"],
        },
        "source_report": {
            "year": meta["year"],
            "version": meta["version"],
            "status": meta["status"],
            "content_hash": meta["content_hash"],
        },
        "orders_art9": art9,
        "orders_art10": art10,
        "other_orders": orders_of(None),
        "notices_art16": {
            "received": figures["complaints"]["received"],
            "received_by_category": _sorted(notices_by_category),
            "submitted_by_trusted_flaggers": 0,
            "actions_taken": sum(r["count"] for r in on_notices),
            "actions_on_legal_ground": sum(r["count"] for r in on_notices if r["ground"] == "law"),
            "actions_on_contractual_ground": sum(r["count"] for r in on_notices if r["ground"] != "law"),
            "processed_by_automated_means": sum(
                r["count"] for r in on_notices if r["automated_decision"] != "not"
            ),
            "median_time_to_action_hours": _hours(answer["median_seconds"]),
        },
        "own_initiative": {
            "measures": sum(r["count"] for r in own),
            "by_category": _sorted(own_category),
            "by_restriction_type": {k: int(own_restriction[k]) for k in sorted(own_restriction)},
            "by_detection_method": {k: int(own_detection[k]) for k in sorted(own_detection)},
            "by_ground": _sorted(own_ground),
        },
        "complaints_art20": {
            "received": appeals["received"],
            "decided": appeals["decided"],
            "decisions_upheld": appeals["by_outcome"].get("upheld", 0),
            "decisions_reversed": appeals["reversed"],
            "median_time_to_decide_hours": _hours(appeals["median_seconds_to_decide"]),
        },
        "out_of_court_disputes_art21": {"disputes": None},
        "suspensions_art23": {
            "account_suspensions": suspensions,
            "for_manifestly_unfounded_notices": None,
        },
        "automated_means": {
            "decisions_fully_automated": int(automated.get("fully", 0)),
            "decisions_partially_automated": int(automated.get("partially", 0)),
            "decisions_not_automated": int(automated.get("not", 0)),
            "unlawful_content_removed_by_automated_means": figures["automation"][
                "unlawful_removed_automated"
            ],
            "detections_acted_on": figures["automation"]["detection_actions"],
        },
        "notes": list(NOTES),
    }


CSV_COLUMNS = ("section", "metric", "key", "value")


def _rows(data: Mapping[str, Any], section: str, prefix: str = "") -> Iterator[tuple[str, str, str, Any]]:
    for name, value in data.items():
        metric = f"{prefix}{name}"
        if isinstance(value, Mapping):
            if (
                value
                and all(not isinstance(v, Mapping) for v in value.values())
                and name.startswith(("by_", "received_by"))
            ):
                for key, v in value.items():
                    yield section, metric, key, v
            else:
                yield from _rows(value, section, f"{metric}.")
        else:
            yield section, metric, "", value


def to_json(meta: Mapping[str, Any], figures: Mapping[str, Any]) -> bytes:
    return json.dumps(export(meta, figures), ensure_ascii=False, indent=2, sort_keys=True).encode()


def to_csv(meta: Mapping[str, Any], figures: Mapping[str, Any]) -> bytes:
    """One row per figure: ``section, metric, key, value`` (machine keys only, English template terms)."""
    data = export(meta, figures)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for section in sorted(k for k, v in data.items() if isinstance(v, Mapping)):
        for row in _rows(data[section], section):
            writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode()
