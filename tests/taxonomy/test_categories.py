"""The taxonomy data: completeness against the law, versions, keys, DSA mapping, purity."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from senim import taxonomy
from senim.taxonomy import categories
from senim.taxonomy.categories import DSA_CATEGORIES, CategoryRef, Group

# DEF-06: every item of OPL Art. 14(1) as amended by Law 248-VIII of 30.12.2025, and its key.
ART_14_1 = {
    "violent change of the constitutional order": "unlawful.constitutional_order",
    "violation of the integrity of Kazakhstan": "unlawful.territorial_integrity",
    "undermining state security": "unlawful.state_security",
    "war": "unlawful.war",
    "social, racial, national, religious, class or clan superiority": "unlawful.superiority",
    "cult of cruelty and violence": "unlawful.cruelty_violence",
    "suicide («самоубийства»)": "unlawful.suicide",
    "non-traditional sexual orientation": "unlawful.non_traditional_orientation",
    "paedophilia": "unlawful.paedophilia",
    "pornography": "unlawful.pornography",
    "narcotic and psychotropic substances, analogues, precursors": "unlawful.drugs",
    "separatism": "unlawful.separatism",
    "fraud": "unlawful.fraud",
    "inter-ethnic or inter-confessional accord": "unlawful.interethnic_discord",
    "questioning statehood or territorial integrity": "unlawful.statehood_denial",
    "state secrets or other secrets protected by law": "unlawful.secrets",
    "other information prohibited by the laws": "unlawful.other_prohibited",
}
ADDED_2025 = {"unlawful.non_traditional_orientation", "unlawful.paedophilia"}

# CHL Art. 16(2) (LAW-85), COMM Art. 41-1(1) grounds (LAW-40), and the other grounds a complaint can cite.
OTHER_EXPECTED = {
    "children.life_threatening",
    "children.antisocial",
    "children.sexual_content",
    "children.sexual_violence",
    "children.obscene_language",
    "children.orientation_paedophilia",
    "children.other_prohibited",
    "unlawful.terrorism_extremism",
    "unlawful.unauthorised_assembly",
    "unlawful.election_violation",
    "unlawful.criminal_use",
    "unlawful.child_sexual_exploitation",
    "unlawful.online_casino",
    "unlawful.unlicensed_broadcasting",
    "unlawful.advertising",
    "cyberbullying_child",
    "false_information",
    "privacy.image_rights",
    "privacy.personal_data",
    "spam_fraud",
    "interface_problem",
    "platform_action_dispute",
    "terms_other",
}

V2023 = taxonomy.version("2023-07-10")
V2026 = taxonomy.version("2026-01-01")


@pytest.mark.law("LAW-38")
def test_current_version_lists_every_item_of_art_14_1() -> None:
    current = taxonomy.current(date(2026, 6, 1))
    missing = {item: key for item, key in ART_14_1.items() if key not in current.category_keys()}
    assert missing == {}
    for key in ART_14_1.values():
        category = current.get(key)
        assert category.group is Group.unlawful
        assert category.legal_basis == "OPL Art. 14(1)"
    assert current.get("unlawful.suicide").statutory_wording == "самоубийства"


@pytest.mark.law("LAW-85")
def test_information_forbidden_for_children_is_listed() -> None:
    children = [c for c in V2026.categories if c.group is Group.harmful_to_children]
    assert {c.key for c in children} >= {k for k in OTHER_EXPECTED if k.startswith("children.")}
    assert all(c.legal_basis == "CHL Art. 16(2)" and c.child_related for c in children)
    assert V2026.get("children.life_threatening").threat_to_life


@pytest.mark.law("LAW-40")
def test_grounds_of_state_orders_are_listed() -> None:
    assert V2026.get("cyberbullying_child").child_related
    assert V2026.get("unlawful.online_casino").legal_basis.startswith("COMM Art. 41-1(1)")
    assert V2026.get("unlawful.terrorism_extremism").threat_to_life


def test_every_expected_category_is_in_the_current_version() -> None:
    assert set(V2026.category_keys()) == set(ART_14_1.values()) | OTHER_EXPECTED


def test_2023_version_is_the_original_list() -> None:
    assert not ADDED_2025 & set(V2023.category_keys())
    assert "children.orientation_paedophilia" not in V2023.category_keys()
    assert set(V2026.category_keys()) - set(V2023.category_keys()) == ADDED_2025 | {
        "children.orientation_paedophilia"
    }
    assert V2023.get("unlawful.suicide").statutory_wording == "суицида"
    assert set(V2023.category_keys()) <= set(V2026.category_keys())  # nothing was dropped


def test_current_picks_by_date_at_the_boundary() -> None:
    assert taxonomy.current(date(2025, 12, 31)).version == "2023-07-10"
    assert taxonomy.current(date(2026, 1, 1)).version == "2026-01-01"
    assert taxonomy.current(date(2023, 7, 10)).version == "2023-07-10"
    with pytest.raises(KeyError):
        taxonomy.current(date(2023, 7, 9))
    assert taxonomy.effective_until(V2023) == date(2026, 1, 1)
    assert taxonomy.effective_until(V2026) is None


def test_versions_are_ordered_and_named_by_their_start() -> None:
    vs = taxonomy.versions()
    assert [v.version for v in vs] == ["2023-07-10", "2026-01-01"]
    assert all(v.version == v.effective_from.isoformat() and v.source for v in vs)


@pytest.mark.parametrize("v", taxonomy.versions(), ids=lambda v: v.version)
def test_each_category_is_complete_and_unique(v: taxonomy.TaxonomyVersion) -> None:
    keys = v.category_keys()
    assert len(keys) == len(set(keys))
    for c in v.categories:
        assert c.legal_basis, c.key
        assert c.label and c.label[0].isupper(), c.key
        assert c.dsa_category in DSA_CATEGORIES, c.key
        assert c.key == c.key.lower() and " " not in c.key
        assert isinstance(c.group, Group)


def test_a_category_in_both_versions_keeps_its_key_and_meaning() -> None:
    for c in V2023.categories:
        later = V2026.get(c.key)
        assert (later.group, later.legal_basis, later.label, later.dsa_category) == (
            c.group,
            c.legal_basis,
            c.label,
            c.dsa_category,
        )


def test_get_and_freeze() -> None:
    assert taxonomy.get("unlawful.suicide", "2026-01-01").threat_to_life
    with pytest.raises(KeyError):
        taxonomy.get("unlawful.paedophilia", "2023-07-10")
    with pytest.raises(KeyError):
        taxonomy.get("unlawful.suicide", "1999-01-01")
    with pytest.raises(KeyError):
        taxonomy.get("no.such_key", "2026-01-01")

    ref = taxonomy.freeze("unlawful.suicide", date(2025, 5, 1))
    assert ref == CategoryRef(key="unlawful.suicide", version="2023-07-10")
    assert taxonomy.resolve(ref).statutory_wording == "суицида"  # frozen: reads as it did then
    with pytest.raises(KeyError):
        taxonomy.freeze("unlawful.paedophilia", date(2025, 5, 1))
    assert taxonomy.freeze("unlawful.paedophilia", date(2026, 5, 1)).version == "2026-01-01"


def test_categories_module_does_no_io() -> None:
    tree = ast.parse(Path(categories.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert imported <= {"__future__", "collections.abc", "dataclasses", "datetime", "enum", "senim.web.i18n"}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert not names & {"open", "print", "input", "exec", "eval", "__import__"}


@pytest.mark.law("LAW-19")
def test_every_threat_to_life_is_critical_and_severity_follows_the_group() -> None:
    from senim.taxonomy import Group, Severity, versions

    for version in versions():
        for c in version.categories:
            if c.threat_to_life:
                assert c.severity is Severity.critical, c.key
            elif c.group is Group.harmful_to_children or c.child_related:
                assert c.severity is Severity.high, c.key
            elif c.group is Group.unlawful:
                assert c.severity is Severity.medium, c.key
            else:
                assert c.severity is Severity.low, c.key
    suicide = versions()[-1].get("unlawful.suicide")
    assert suicide.severity is Severity.critical
