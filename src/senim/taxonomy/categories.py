"""The taxonomy as pure data: every category a complaint, order, decision or report can cite.

Each :class:`TaxonomyVersion` is the whole list in force from its ``effective_from`` date until the
next version starts. A category present in several versions keeps its ``key``; a decision stores a
:class:`CategoryRef` (key and version), so later changes of the law never rewrite old decisions.

No I/O here: the module is data and lookups only (labels are message ids rendered by the caller).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from senim.web.i18n import N_


class Group(StrEnum):
    unlawful = "unlawful"  # OPL Art. 14(1) and the grounds of COMM Art. 41-1(1)
    harmful_to_children = "harmful_to_children"  # CHL Art. 16(2)
    rights = "rights"  # a person's own rights: image, personal data, false information, a bullied child
    platform = "platform"  # complaints about the interface or the platform's own actions (OPL Art. 11(1))
    terms = "terms"  # the platform's terms of use


class Severity(StrEnum):
    critical = "critical"  # a threat to life or safety: law enforcement is notified at once (LAW-19)
    high = "high"
    medium = "medium"
    low = "low"


# The DSA statement-of-reasons ``category`` enum (schema in force since 1 July 2025, peers.md §3).
DSA_CATEGORIES: frozenset[str] = frozenset(
    {
        "STATEMENT_CATEGORY_ANIMAL_WELFARE",
        "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "STATEMENT_CATEGORY_SELF_HARM",
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "STATEMENT_CATEGORY_VIOLENCE",
    }
)

_SECURITY = "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"
_SPEECH = "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
_MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
_CIVIC = "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
_PRODUCTS = "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"
_PRIVACY = "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"
_TC = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"


@dataclass(frozen=True)
class Category:
    key: str  # stable snake_case id, e.g. "unlawful.suicide"; never reused for another meaning
    group: Group
    legal_basis: str  # law code and article, e.g. "OPL Art. 14(1)"
    label: str  # English message id (marked with N_), rendered with senim.web.i18n.gettext
    dsa_category: str  # one STATEMENT_CATEGORY_* key, for the DSA-style statement-of-reasons export
    threat_to_life: bool = False  # may require an immediate law-enforcement notice (LAW-19)
    child_related: bool = False
    statutory_wording: str = ""  # the statute's own (Russian) word where a version changed it

    @property
    def severity(self) -> Severity:
        """How grave the category is, for rule priorities and escalation defaults: critical for threats to
        life or safety, high for what harms children, medium for other unlawful content, low otherwise."""
        if self.threat_to_life:
            return Severity.critical
        if self.child_related or self.group is Group.harmful_to_children:
            return Severity.high
        if self.group is Group.unlawful:
            return Severity.medium
        return Severity.low


@dataclass(frozen=True)
class TaxonomyVersion:
    version: str  # e.g. "2026-01-01"
    effective_from: date
    source: str  # the law that made this version (message id)
    categories: tuple[Category, ...]

    def category_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.categories)

    def get(self, key: str) -> Category:
        for c in self.categories:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True)
class CategoryRef:
    """What a decision stores: the category it used, frozen with the taxonomy version it came from."""

    key: str
    version: str


def _opl(
    key: str,
    label: str,
    dsa: str,
    *,
    threat_to_life: bool = False,
    child_related: bool = False,
    statutory_wording: str = "",
) -> Category:
    return Category(
        key=f"unlawful.{key}",
        group=Group.unlawful,
        legal_basis="OPL Art. 14(1)",
        label=label,
        dsa_category=dsa,
        threat_to_life=threat_to_life,
        child_related=child_related,
        statutory_wording=statutory_wording,
    )


def _comm(
    key: str,
    label: str,
    dsa: str,
    basis: str = "COMM Art. 41-1(1)",
    *,
    threat_to_life: bool = False,
    child_related: bool = False,
) -> Category:
    return Category(
        key=f"unlawful.{key}",
        group=Group.unlawful,
        legal_basis=basis,
        label=label,
        dsa_category=dsa,
        threat_to_life=threat_to_life,
        child_related=child_related,
    )


def _chl(key: str, label: str, dsa: str = _MINORS, *, threat_to_life: bool = False) -> Category:
    return Category(
        key=f"children.{key}",
        group=Group.harmful_to_children,
        legal_basis="CHL Art. 16(2)",
        label=label,
        dsa_category=dsa,
        threat_to_life=threat_to_life,
        child_related=True,
    )


# --- The original list: OPL Art. 14(1) as adopted (Law 18-VIII of 10.07.2023) -----------------------

_SUICIDE_2023 = _opl(
    "suicide",
    N_("Propaganda of or calls for suicide"),
    "STATEMENT_CATEGORY_SELF_HARM",
    threat_to_life=True,
    statutory_wording="суицида",
)

_BEFORE_SUICIDE = (
    _opl(
        "constitutional_order",
        N_("Calls for the violent change of the constitutional order"),
        _SECURITY,
        threat_to_life=True,
    ),
    _opl(
        "territorial_integrity", N_("Calls to violate the integrity of the Republic of Kazakhstan"), _SECURITY
    ),
    _opl("state_security", N_("Undermining the security of the state"), _SECURITY),
    _opl("war", N_("Propaganda of war"), _SECURITY),
    _opl(
        "superiority",
        N_("Propaganda of social, racial, national, religious, class or clan superiority"),
        _SPEECH,
    ),
    _opl(
        "cruelty_violence",
        N_("Propaganda of the cult of cruelty and violence"),
        "STATEMENT_CATEGORY_VIOLENCE",
        threat_to_life=True,
    ),
)

# Added to Art. 14(1) by Law 248-VIII of 30.12.2025, listed right after suicide.
_ADDED_2025 = (
    _opl("non_traditional_orientation", N_("Propaganda of non-traditional sexual orientation"), _SPEECH),
    _opl("paedophilia", N_("Propaganda of paedophilia"), _MINORS, child_related=True),
)

_AFTER_SUICIDE = (
    _opl("pornography", N_("Pornography"), _SPEECH),
    _opl(
        "drugs",
        N_("Propaganda of narcotic drugs, psychotropic substances, their analogues and precursors"),
        _PRODUCTS,
    ),
    _opl("separatism", N_("Propaganda of separatism"), _SECURITY),
    _opl("fraud", N_("Propaganda of fraud"), "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"),
    _opl(
        "interethnic_discord",
        N_("Information that helps violate inter-ethnic or inter-confessional accord"),
        _SPEECH,
    ),
    _opl(
        "statehood_denial",
        N_("Statements questioning the statehood or territorial integrity of Kazakhstan"),
        _SECURITY,
    ),
    _opl("secrets", N_("Disclosure of state secrets or other secrets protected by law"), _SECURITY),
    _opl("other_prohibited", N_("Other information prohibited by the laws of Kazakhstan"), _SPEECH),
)

# Grounds of state-body orders (COMM Art. 41-1(1)) and advertising bans (ADV Art. 6).
_ORDER_GROUNDS = (
    _comm(
        "terrorism_extremism",
        N_("Calls for extremism, terrorism or mass riots"),
        _SECURITY,
        threat_to_life=True,
    ),
    _comm("unauthorised_assembly", N_("Calls to take part in unauthorised public events"), _CIVIC),
    _comm("election_violation", N_("Breach of the election law"), _CIVIC),
    _comm("criminal_use", N_("Use of communication networks for criminal purposes"), _SECURITY),
    _comm(
        "child_sexual_exploitation",
        N_("Propaganda of the sexual exploitation of minors or child pornography"),
        _MINORS,
        threat_to_life=True,
        child_related=True,
    ),
    _comm(
        "online_casino",
        N_("Advertising of unlicensed online casinos and gambling"),
        _PRODUCTS,
        basis="COMM Art. 41-1(1); ADV Art. 6(5-1)",
    ),
    _comm("unlicensed_broadcasting", N_("Unlicensed television or radio broadcasting"), _PRODUCTS),
    _comm(
        "advertising",
        N_("Advertising that breaks the law on advertising"),
        "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        basis="ADV Art. 6; OPL Art. 19(3)",
    ),
)

# Information forbidden for children (CHL Art. 16(2)).
_CHILDREN_BASE = (
    _chl(
        "life_threatening",
        N_("Content that incites children to actions threatening their life or health, including suicide"),
        "STATEMENT_CATEGORY_SELF_HARM",
        threat_to_life=True,
    ),
    _chl("antisocial", N_("Content that provokes children to antisocial or unlawful acts")),
    _chl("sexual_content", N_("Sexual or erotic content")),
    _chl("sexual_violence", N_("Depictions of sexual violence")),
    _chl("obscene_language", N_("Obscene language")),
)
_CHILDREN_ADDED_2025 = (
    _chl(
        "orientation_paedophilia",
        N_("Content that propagandises non-traditional sexual orientation or paedophilia to children"),
    ),
)
_CHILDREN_OTHER = (_chl("other_prohibited", N_("Other information forbidden for children by law")),)

_REST = (
    Category(
        key="false_information",
        group=Group.rights,
        legal_basis="OPL Art. 15(1); OPL Art. 1(3)",
        label=N_("False information about a person"),
        dsa_category=_CIVIC,
    ),
    Category(
        key="privacy.image_rights",
        group=Group.rights,
        legal_basis="Civil Code Art. 145; OPL Art. 18",
        label=N_("Use of a person's image without consent"),
        dsa_category=_PRIVACY,
    ),
    Category(
        key="privacy.personal_data",
        group=Group.rights,
        legal_basis="PDL Art. 6; OPL Art. 10(3)",
        label=N_("Personal data disclosed without consent"),
        dsa_category=_PRIVACY,
    ),
    Category(
        key="cyberbullying_child",
        group=Group.rights,
        legal_basis="OPL Art. 14(3); COMM Art. 41-1(1)",
        label=N_("Cyberbullying of a child"),
        dsa_category="STATEMENT_CATEGORY_CYBER_VIOLENCE",
        child_related=True,
    ),
    Category(
        key="interface_problem",
        group=Group.platform,
        legal_basis="OPL Art. 11(1)",
        label=N_("A problem with the platform's interface"),
        dsa_category=_TC,
    ),
    Category(
        key="platform_action_dispute",
        group=Group.platform,
        legal_basis="OPL Art. 11(1)",
        label=N_("Disagreement with an action of the platform"),
        dsa_category=_TC,
    ),
    Category(
        key="spam_fraud",
        group=Group.terms,
        legal_basis="Terms of use; OPL Art. 16(2)",
        label=N_("Spam or a scam"),
        dsa_category="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    ),
    Category(
        key="terms_other",
        group=Group.terms,
        legal_basis="Terms of use; OPL Art. 16(2)",
        label=N_("Other breach of the terms of use"),
        dsa_category=_TC,
    ),
)

_V2023 = TaxonomyVersion(
    version="2023-07-10",
    effective_from=date(2023, 7, 10),
    source=N_("Law No. 18-VIII of 10 July 2023 on online platforms and online advertising"),
    categories=(
        *_BEFORE_SUICIDE,
        _SUICIDE_2023,
        *_AFTER_SUICIDE,
        *_ORDER_GROUNDS,
        *_CHILDREN_BASE,
        *_CHILDREN_OTHER,
        *_REST,
    ),
)

# Law 248-VIII of 30.12.2025: «суицида» becomes «самоубийства»; sexual orientation and paedophilia added.
# In force on publication; the exact date is to be checked (docs/taxonomy.md).
_V2026 = TaxonomyVersion(
    version="2026-01-01",
    effective_from=date(2026, 1, 1),
    source=N_("Law No. 248-VIII of 30 December 2025 amending the law on online platforms"),
    categories=(
        *_BEFORE_SUICIDE,
        replace(_SUICIDE_2023, statutory_wording="самоубийства"),
        *_ADDED_2025,
        *_AFTER_SUICIDE,
        *_ORDER_GROUNDS,
        *_CHILDREN_BASE,
        *_CHILDREN_ADDED_2025,
        *_CHILDREN_OTHER,
        *_REST,
    ),
)

_VERSIONS: tuple[TaxonomyVersion, ...] = (_V2023, _V2026)  # ordered by effective_from


def versions() -> tuple[TaxonomyVersion, ...]:
    """Every version, oldest first."""
    return _VERSIONS


def effective_until(v: TaxonomyVersion) -> date | None:
    """The day the next version starts (exclusive end), or None for the latest version."""
    later = [o.effective_from for o in _VERSIONS if o.effective_from > v.effective_from]
    return min(later) if later else None


def version(name: str) -> TaxonomyVersion:
    """The version called ``name``; KeyError if there is none."""
    for v in _VERSIONS:
        if v.version == name:
            return v
    raise KeyError(name)


def current(on: date) -> TaxonomyVersion:
    """The version in force on ``on``: the latest one whose ``effective_from`` is not after it.

    KeyError for a date before the first version (no taxonomy applies then).
    """
    in_force = [v for v in _VERSIONS if v.effective_from <= on]
    if not in_force:
        raise KeyError(on.isoformat())
    return max(in_force, key=lambda v: v.effective_from)


def get(key: str, version_name: str) -> Category:
    """The category ``key`` as it reads in version ``version_name``; KeyError if either is unknown."""
    return version(version_name).get(key)


def freeze(key: str, on: date) -> CategoryRef:
    """The reference a decision taken on ``on`` stores; KeyError if ``key`` is not in force then."""
    v = current(on)
    v.get(key)
    return CategoryRef(key=key, version=v.version)


def resolve(ref: CategoryRef) -> Category:
    """The category a stored decision cited, exactly as it read then."""
    return get(ref.key, ref.version)


def by_group(v: TaxonomyVersion, group: Group) -> Iterable[Category]:
    return (c for c in v.categories if c.group is group)
