"""A moderation decision rendered as an EU DSA statement of reasons, and a validator for such statements.

Senim offers the statement-of-reasons object of the EU DSA Transparency Database (TDB, API schema in force
since 1 July 2025; docs/peers.md §3) as an extra export format. It is not required by Kazakh law, so nothing
here carries a law id. Pure functions, no I/O: :func:`build_statement` maps :class:`SorFacts` to the JSON
object, :func:`validate_statement` checks an object against the TDB's validation rules and returns
``{field: [messages]}`` (empty when valid). Callers validate before they submit.

Choices made in the mapping:

* ``territorial_scope`` is omitted. Senim's decisions apply in Kazakhstan, which is not in the EEA list the
  TDB accepts; the API documentation calls the field required but the validation rule is ``nullable``, so
  leaving it out is accepted and truthful.
* A complaint under Kazakh law is not a notice under Art. 16 DSA (the notifier confirms nothing the DSA asks
  of such a notice), so it maps to ``SOURCE_TYPE_OTHER_NOTIFICATION``, never ``SOURCE_ARTICLE_16``.
* No personal data (Art. 24(5) DSA): ``source_identity`` is sent only for orders (the authority's name),
  never a complainant's name.
* A law ground reads "Republic of Kazakhstan, <article>"; a terms ground reads "<clause>: <category label>".
  Texts longer than the TDB allows are cut with an ellipsis.
* Only keys with a value are emitted, and never a field the chosen values exclude.

The validator is stricter than the TDB in two ways, both to catch mistakes in our own mapping: a field the
TDB would silently drop (``exclude_unless``) is reported as excluded, and an unknown key is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from senim.detection.pii import redact
from senim.moderation.policy import Action
from senim.taxonomy.categories import DSA_CATEGORIES

# ---------------------------------------------------------------------------------------------------------
# Enumerations (keys sent in the API, peers.md §3.4)

DECISION_VISIBILITIES: Final = frozenset(
    {
        "DECISION_VISIBILITY_CONTENT_REMOVED",
        "DECISION_VISIBILITY_CONTENT_DISABLED",
        "DECISION_VISIBILITY_CONTENT_DEMOTED",
        "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_LABELLED",
        "DECISION_VISIBILITY_OTHER",
    }
)
DECISION_MONETARIES: Final = frozenset(
    {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
)
DECISION_PROVISIONS: Final = frozenset(
    {
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
        "DECISION_PROVISION_TOTAL_SUSPENSION",
        "DECISION_PROVISION_PARTIAL_TERMINATION",
        "DECISION_PROVISION_TOTAL_TERMINATION",
    }
)
DECISION_ACCOUNTS: Final = frozenset({"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"})
ACCOUNT_TYPES: Final = frozenset({"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"})
DECISION_GROUNDS: Final = frozenset(
    {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
)
YES_NO: Final = frozenset({"Yes", "No"})  # INCOMPATIBLE_CONTENT_ILLEGALS and AUTOMATED_DETECTIONS
CONTENT_TYPES: Final = frozenset(
    {
        "CONTENT_TYPE_APP",
        "CONTENT_TYPE_AUDIO",
        "CONTENT_TYPE_IMAGE",
        "CONTENT_TYPE_PRODUCT",
        "CONTENT_TYPE_SYNTHETIC_MEDIA",
        "CONTENT_TYPE_TEXT",
        "CONTENT_TYPE_VIDEO",
        "CONTENT_TYPE_OTHER",
    }
)
STATEMENT_CATEGORIES: Final = DSA_CATEGORIES  # the 16 keys, kept once in senim.taxonomy
# The accepted KEYWORDS list (69 keys). KEYWORD_DANGEROUS_TOYS is still a constant of the TDB's model but
# is no longer accepted (v1 only).
KEYWORDS: Final = frozenset(
    {
        "KEYWORD_ADULT_SEXUAL_MATERIAL",
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "KEYWORD_ANIMAL_HARM",
        "KEYWORD_BIOMETRIC_DATA_BREACH",
        "KEYWORD_BULLYING_AGAINST_GIRLS",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
        "KEYWORD_COORDINATED_HARM",
        "KEYWORD_COPYRIGHT_INFRINGEMENT",
        "KEYWORD_CYBER_BULLYING_INTIMIDATION",
        "KEYWORD_CYBER_HARASSMENT",
        "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
        "KEYWORD_CYBER_INCITEMENT",
        "KEYWORD_CYBER_STALKING",
        "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
        "KEYWORD_DATA_FALSIFICATION",
        "KEYWORD_DEFAMATION",
        "KEYWORD_DESIGN_INFRINGEMENT",
        "KEYWORD_DISCRIMINATION",
        "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
        "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
        "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
        "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
        "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
        "KEYWORD_HATE_SPEECH",
        "KEYWORD_HIDDEN_ADVERTISEMENT",
        "KEYWORD_HUMAN_EXPLOITATION",
        "KEYWORD_HUMAN_TRAFFICKING",
        "KEYWORD_ILLEGAL_ORGANIZATIONS",
        "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
        "KEYWORD_INAUTHENTIC_ACCOUNTS",
        "KEYWORD_INAUTHENTIC_LISTINGS",
        "KEYWORD_INAUTHENTIC_USER_REVIEWS",
        "KEYWORD_INCITEMENT_AGAINST_WOMEN",
        "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
        "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
        "KEYWORD_LANGUAGE_REQUIREMENTS",
        "KEYWORD_MISINFORMATION_DISINFORMATION",
        "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
        "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
        "KEYWORD_MISSING_PROCESSING_GROUND",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
        "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
        "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
        "KEYWORD_NONCOMPLIANCE_PRICING",
        "KEYWORD_NUDITY",
        "KEYWORD_PATENT_INFRINGEMENT",
        "KEYWORD_PHISHING",
        "KEYWORD_PROHIBITED_PRODUCTS",
        "KEYWORD_PYRAMID_SCHEMES",
        "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
        "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
        "KEYWORD_RISK_PUBLIC_HEALTH",
        "KEYWORD_SELF_MUTILATION",
        "KEYWORD_STALKING",
        "KEYWORD_SUICIDE",
        "KEYWORD_TERRORIST_CONTENT",
        "KEYWORD_TRADE_SECRET_INFRINGEMENT",
        "KEYWORD_TRADEMARK_INFRINGEMENT",
        "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
        "KEYWORD_UNLAWFUL_SALE_ANIMALS",
        "KEYWORD_UNSAFE_CHALLENGES",
        "KEYWORD_UNSAFE_PRODUCTS",
        "KEYWORD_VIOLATION_EU_LAW",
        "KEYWORD_VIOLATION_NATIONAL_LAW",
        "KEYWORD_OTHER",
    }
)
SOURCE_TYPES: Final = frozenset(
    {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
)
AUTOMATED_DECISIONS: Final = frozenset(
    {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
)
# EUROPEAN_COUNTRY_CODES (the EEA). Greece is GR here, not the EU's own "EL".
EEA_COUNTRY_CODES: Final = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
        "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
# ISO 639-1, upper-case as the TDB expects (ALL_LANGUAGES: the 183 current codes and the withdrawn BH).
LANGUAGE_CODES: Final = frozenset(
    {
        "AA", "AB", "AE", "AF", "AK", "AM", "AN", "AR", "AS", "AV", "AY", "AZ",
        "BA", "BE", "BG", "BH", "BI", "BM", "BN", "BO", "BR", "BS",
        "CA", "CE", "CH", "CO", "CR", "CS", "CU", "CV", "CY",
        "DA", "DE", "DV", "DZ",
        "EE", "EL", "EN", "EO", "ES", "ET", "EU",
        "FA", "FF", "FI", "FJ", "FO", "FR", "FY",
        "GA", "GD", "GL", "GN", "GU", "GV",
        "HA", "HE", "HI", "HO", "HR", "HT", "HU", "HY", "HZ",
        "IA", "ID", "IE", "IG", "II", "IK", "IO", "IS", "IT", "IU",
        "JA", "JV",
        "KA", "KG", "KI", "KJ", "KK", "KL", "KM", "KN", "KO", "KR", "KS", "KU", "KV", "KW", "KY",
        "LA", "LB", "LG", "LI", "LN", "LO", "LT", "LU", "LV",
        "MG", "MH", "MI", "MK", "ML", "MN", "MR", "MS", "MT", "MY",
        "NA", "NB", "ND", "NE", "NG", "NL", "NN", "NO", "NR", "NV", "NY",
        "OC", "OJ", "OM", "OR", "OS",
        "PA", "PI", "PL", "PS", "PT",
        "QU",
        "RM", "RN", "RO", "RU", "RW",
        "SA", "SC", "SD", "SE", "SG", "SI", "SK", "SL", "SM", "SN", "SO", "SQ", "SR", "SS", "ST", "SU",
        "SV", "SW",
        "TA", "TE", "TG", "TH", "TI", "TK", "TL", "TN", "TO", "TR", "TS", "TT", "TW", "TY",
        "UG", "UK", "UR", "UZ",
        "VE", "VI", "VO",
        "WA", "WO",
        "XH",
        "YI", "YO",
        "ZA", "ZH", "ZU",
    }
)  # fmt: skip

DECISION_GROUPS: Final = frozenset(
    {"decision_visibility", "decision_monetary", "decision_provision", "decision_account"}
)
END_DATE_FIELDS: Final = frozenset(
    {
        "end_date_account_restriction",
        "end_date_monetary_restriction",
        "end_date_service_restriction",
        "end_date_visibility_restriction",
    }
)
REQUIRED_FIELDS: Final = frozenset(
    {
        "decision_ground",
        "content_type",
        "category",
        "content_date",
        "application_date",
        "decision_facts",
        "source_type",
        "automated_detection",
        "automated_decision",
        "puid",
    }
)
# Fields whose rules include ``nullable``: null means "not given". Any other field sent as null is refused.
NULLABLE_FIELDS: Final = DECISION_GROUPS | {
    "account_type",
    "category_specification",
    "territorial_scope",
    "content_id",
    "content_id_ean",
}
ALL_FIELDS: Final = (
    REQUIRED_FIELDS
    | NULLABLE_FIELDS
    | END_DATE_FIELDS
    | {
        "decision_visibility_other",
        "decision_monetary_other",
        "decision_ground_reference_url",
        "illegal_content_legal_ground",
        "illegal_content_explanation",
        "incompatible_content_ground",
        "incompatible_content_explanation",
        "incompatible_content_illegal",
        "content_type_other",
        "category_addition",
        "category_specification_other",
        "content_language",
        "source_identity",
    }
)

CONTENT_DATE_RANGE: Final = (date(2000, 1, 1), date(2038, 1, 1))
APPLICATION_DATE_RANGE: Final = (date(2020, 1, 1), date(2038, 1, 1))
LATEST_END_DATE: Final = date(2038, 1, 1)

_PUID = re.compile(r"[A-Za-z0-9_-]+")
_EAN_13 = re.compile(r"[0-9]{13}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ELLIPSIS = "…"

# ---------------------------------------------------------------------------------------------------------
# Export


@dataclass(frozen=True)
class SorFacts:
    """What a Senim decision contributes to a statement of reasons; gathered by the caller."""

    puid: str  # Senim decision id (uuid string) – the idempotency key
    action: Action
    restriction_end: date | None  # end of a temporary restriction; None = indefinite
    ground_kind: Literal["law", "terms"]
    legal_basis: str  # e.g. "OPL Art. 14(1)" or "Terms of use, clause 5.2"
    ground_label: str  # English label of the category, e.g. "Propaganda of or calls for suicide"
    explanation: str  # the facts and circumstances written by the moderator
    reference_url: str | None  # URL of the terms or law relied on
    also_illegal: bool  # terms grounds: is the content also considered illegal?
    dsa_category: str  # one STATEMENT_CATEGORY_* key (senim.taxonomy)
    target_kind: Literal["post", "comment", "account", "community"]
    has_images: bool
    content_language: str | None  # "kk", "ru", "en" or None
    content_date: date
    application_date: date
    source: Literal["complaint", "own_initiative", "detection", "order", "appeal"]
    source_identity: str | None  # e.g. the authority's name for orders; never a private person's name
    automated_detection: bool
    automated_decision: Literal["fully", "partially", "not"]
    account_type: Literal["private", "business"] | None


class NotExportable(ValueError):
    """The decision restricts nothing (no violation, a warning), so there is no statement of reasons."""


REQUIRE_AUTHOR_DELETE_TEXT: Final = (
    "The author was required to delete the content; the platform removes it if they do not."
)

_VISIBILITY_OF: Final[Mapping[Action, str]] = {
    Action.remove: "DECISION_VISIBILITY_CONTENT_REMOVED",  # also for a community target
    Action.geo_restrict: "DECISION_VISIBILITY_CONTENT_DISABLED",  # unavailable in Kazakhstan
    Action.age_restrict: "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    Action.label: "DECISION_VISIBILITY_CONTENT_LABELLED",
    Action.demote: "DECISION_VISIBILITY_CONTENT_DEMOTED",
    Action.require_author_delete: "DECISION_VISIBILITY_OTHER",
}
_NOT_EXPORTABLE: Final = frozenset({Action.no_violation, Action.warn})
_OTHER_CONTENT_TYPE_OF: Final[Mapping[str, str]] = {"account": "Account", "community": "Community"}
_SOURCE_TYPE_OF: Final[Mapping[str, str]] = {
    # A complaint under Kazakh law is not an Art. 16 DSA notice: "other type of notification".
    "complaint": "SOURCE_TYPE_OTHER_NOTIFICATION",
    "order": "SOURCE_TYPE_OTHER_NOTIFICATION",
    "own_initiative": "SOURCE_VOLUNTARY",
    "detection": "SOURCE_VOLUNTARY",
    "appeal": "SOURCE_VOLUNTARY",
}
_AUTOMATED_DECISION_OF: Final[Mapping[str, str]] = {
    "fully": "AUTOMATED_DECISION_FULLY",
    "partially": "AUTOMATED_DECISION_PARTIALLY",
    "not": "AUTOMATED_DECISION_NOT_AUTOMATED",
}
_ACCOUNT_TYPE_OF: Final[Mapping[str, str]] = {
    "private": "ACCOUNT_TYPE_PRIVATE",
    "business": "ACCOUNT_TYPE_BUSINESS",
}


def _shorten(text: str, limit: int) -> str:
    """``text`` stripped, cut to ``limit`` characters with a trailing ellipsis when it is longer."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + _ELLIPSIS


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _restriction(facts: SorFacts) -> dict[str, Any]:
    end = facts.restriction_end.isoformat() if facts.restriction_end else None
    if facts.action is Action.suspend:
        if end is None:
            return {"decision_account": "DECISION_ACCOUNT_TERMINATED"}
        return {"decision_account": "DECISION_ACCOUNT_SUSPENDED", "end_date_account_restriction": end}
    visibility = _VISIBILITY_OF[facts.action]
    out: dict[str, Any] = {"decision_visibility": [visibility], "end_date_visibility_restriction": end}
    if visibility == "DECISION_VISIBILITY_OTHER":
        out["decision_visibility_other"] = REQUIRE_AUTHOR_DELETE_TEXT
    return out


def _ground(facts: SorFacts) -> dict[str, Any]:
    if facts.ground_kind == "law":
        return {
            "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": _shorten("Republic of Kazakhstan, " + facts.legal_basis, 500),
            "illegal_content_explanation": _shorten(facts.explanation, 2000),
        }
    return {
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": _shorten(f"{facts.legal_basis}: {facts.ground_label}", 500),
        "incompatible_content_explanation": _shorten(facts.explanation, 2000),
        "incompatible_content_illegal": _yes_no(facts.also_illegal),
    }


def _content_type(facts: SorFacts) -> dict[str, Any]:
    other = _OTHER_CONTENT_TYPE_OF.get(facts.target_kind)
    if other is not None:
        return {"content_type": ["CONTENT_TYPE_OTHER"], "content_type_other": other}
    types = ["CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE"] if facts.has_images else ["CONTENT_TYPE_TEXT"]
    return {"content_type": types}


def _source(facts: SorFacts) -> dict[str, Any]:
    identity = facts.source_identity if facts.source == "order" else None  # no private person's name
    return {
        "source_type": _SOURCE_TYPE_OF[facts.source],
        "source_identity": _shorten(identity, 500) if identity else None,
    }


def build_statement(facts: SorFacts) -> dict[str, Any]:
    """The DSA statement of reasons for one decision, as the JSON object the TDB API takes.

    Raises :class:`NotExportable` for actions that restrict nothing (``no_violation``, ``warn``).
    """
    if facts.action in _NOT_EXPORTABLE:
        raise NotExportable(f"action {facts.action.value!r} restricts nothing; no statement of reasons")
    statement: dict[str, Any] = {
        **_restriction(facts),
        **_ground(facts),
        "decision_ground_reference_url": facts.reference_url,
        **_content_type(facts),
        "category": facts.dsa_category,
        "content_language": facts.content_language.upper() if facts.content_language else None,
        "content_date": facts.content_date.isoformat(),
        "application_date": facts.application_date.isoformat(),
        "decision_facts": _shorten(redact(facts.explanation), 5000),  # public: no personal data
        **_source(facts),
        "automated_detection": _yes_no(facts.automated_detection),
        "automated_decision": _AUTOMATED_DECISION_OF[facts.automated_decision],
        "account_type": _ACCOUNT_TYPE_OF[facts.account_type] if facts.account_type else None,
        "puid": facts.puid,
    }
    return {key: value for key, value in statement.items() if value is not None}


# ---------------------------------------------------------------------------------------------------------
# Validation: each rule yields (field, message) pairs for one constraint of the TDB's rules.

Problem = tuple[str, str]
Rule = Callable[[Mapping[str, Any]], Iterator[Problem]]


def _given(statement: Mapping[str, Any], field: str) -> bool:
    return statement.get(field) is not None


def _blank(value: Any) -> bool:
    """Laravel's notion of a missing value for ``required``: null, an empty string, list or object."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | dict) and not value


def _chosen(statement: Mapping[str, Any], field: str, key: str) -> bool:
    """Does ``field`` hold ``key`` (as its value, or as a member of its list)?"""
    value = statement.get(field)
    return value == key or (isinstance(value, list | tuple) and key in value)


def _member(value: Any, allowed: frozenset[str]) -> bool:
    return isinstance(value, str) and value in allowed


def _known_fields(statement: Mapping[str, Any]) -> Iterator[Problem]:
    for field in statement:
        if field not in ALL_FIELDS:
            yield field, "is not a field of the statement of reasons"


def _not_null(statement: Mapping[str, Any]) -> Iterator[Problem]:
    for field, value in statement.items():
        if value is None and field in ALL_FIELDS - NULLABLE_FIELDS - REQUIRED_FIELDS:
            yield field, "must not be null (leave the field out instead)"


def _required(statement: Mapping[str, Any]) -> Iterator[Problem]:
    for field in sorted(REQUIRED_FIELDS):
        if _blank(statement.get(field)):
            yield field, "is required"


def _one_decision_group(statement: Mapping[str, Any]) -> Iterator[Problem]:
    """``required_without_all``: at least one of the four restriction groups; reported on each of them."""
    if all(_blank(statement.get(field)) for field in DECISION_GROUPS):
        for field in sorted(DECISION_GROUPS):
            yield (
                field,
                "is required when none of " + ", ".join(sorted(DECISION_GROUPS - {field})) + " is given",
            )


def _required_iff(field: str, when: str, key: str) -> Rule:
    """``field`` is required when ``when`` holds ``key``, and excluded otherwise."""

    def rule(statement: Mapping[str, Any]) -> Iterator[Problem]:
        if _chosen(statement, when, key):
            if _blank(statement.get(field)):
                yield field, f"is required when {when} is {key}"
        elif _given(statement, field):
            yield field, f"is excluded unless {when} is {key}"

    return rule


def _excluded_unless(field: str, when: str, key: str) -> Rule:
    def rule(statement: Mapping[str, Any]) -> Iterator[Problem]:
        if _given(statement, field) and not _chosen(statement, when, key):
            yield field, f"is excluded unless {when} is {key}"

    return rule


def _excluded_if(field: str, when: str, key: str) -> Rule:
    def rule(statement: Mapping[str, Any]) -> Iterator[Problem]:
        if _given(statement, field) and _chosen(statement, when, key):
            yield field, f"is excluded when {when} is {key}"

    return rule


def _key(field: str, allowed: frozenset[str]) -> Rule:
    """A single value from ``allowed``."""

    def rule(statement: Mapping[str, Any]) -> Iterator[Problem]:
        value = statement.get(field)
        if value is not None and not _member(value, allowed):
            yield field, f"{value!r} is not an accepted value"

    return rule


def _keys(field: str, allowed: frozenset[str]) -> Rule:
    """An array whose every item is from ``allowed``."""

    def rule(statement: Mapping[str, Any]) -> Iterator[Problem]:
        value = statement.get(field)
        if value is None:
            return
        if not isinstance(value, list | tuple):
            yield field, "must be an array"
            return
        for item in value:
            if not _member(item, allowed):
                yield field, f"{item!r} is not an accepted value"

    return rule


def _text(field: str, max_length: int, pattern: re.Pattern[str] | None = None) -> Rule:
    """A string of at most ``max_length`` characters, matching ``pattern`` when given."""

    def rule(statement: Mapping[str, Any]) -> Iterator[Problem]:
        value = statement.get(field)
        if value is None:
            return
        if not isinstance(value, str):
            yield field, "must be a string"
            return
        if len(value) > max_length:
            yield field, f"must not be longer than {max_length} characters (is {len(value)})"
        if pattern is not None and not pattern.fullmatch(value):
            yield field, f"does not match the format {pattern.pattern}"

    return rule


def _url(field: str, max_length: int) -> Rule:
    length = _text(field, max_length)

    def rule(statement: Mapping[str, Any]) -> Iterator[Problem]:
        problems = list(length(statement))
        yield from problems
        value = statement.get(field)
        if not problems and isinstance(value, str):
            parts = urlsplit(value)
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                yield field, "must be a valid http(s) URL"

    return rule


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _date(field: str, earliest: date | None, latest: date) -> Rule:
    """A ``YYYY-MM-DD`` date within ``earliest``..``latest`` (both inclusive)."""

    def rule(statement: Mapping[str, Any]) -> Iterator[Problem]:
        value = statement.get(field)
        if value is None:
            return
        day = _parse_date(value)
        if day is None:
            yield field, "must be a date in the format YYYY-MM-DD"
        elif earliest is not None and day < earliest:
            yield field, f"must not be before {earliest.isoformat()}"
        elif day > latest:
            yield field, f"must not be after {latest.isoformat()}"

    return rule


def _not_before_application(field: str) -> Rule:
    def rule(statement: Mapping[str, Any]) -> Iterator[Problem]:
        end, applied = _parse_date(statement.get(field)), _parse_date(statement.get("application_date"))
        if end is not None and applied is not None and end < applied:
            yield field, "must not be before application_date"

    return rule


def _content_id(statement: Mapping[str, Any]) -> Iterator[Problem]:
    value = statement.get("content_id")
    if value is None:
        return
    if not isinstance(value, Mapping):
        yield "content_id", "must be an object"
        return
    for key in value:
        if key != "EAN-13":
            yield "content_id", f"{key!r} is not an accepted identifier type (only EAN-13)"
    ean = value.get("EAN-13")
    if ean is not None and not (isinstance(ean, str) and _EAN_13.fullmatch(ean)):
        yield "content_id", "EAN-13 must be 13 digits"


def _language(statement: Mapping[str, Any]) -> Iterator[Problem]:
    value = statement.get("content_language")
    if value is not None and not _member(value, LANGUAGE_CODES):
        yield "content_language", f"{value!r} is not an upper-case ISO 639-1 language code"


_ILLEGAL = ("decision_ground", "DECISION_GROUND_ILLEGAL_CONTENT")
_INCOMPATIBLE = ("decision_ground", "DECISION_GROUND_INCOMPATIBLE_CONTENT")

RULES: Final[tuple[Rule, ...]] = (
    _known_fields,
    _not_null,
    _required,
    _one_decision_group,
    # restrictions
    _keys("decision_visibility", DECISION_VISIBILITIES),
    _required_iff("decision_visibility_other", "decision_visibility", "DECISION_VISIBILITY_OTHER"),
    _text("decision_visibility_other", 500),
    _key("decision_monetary", DECISION_MONETARIES),
    _required_iff("decision_monetary_other", "decision_monetary", "DECISION_MONETARY_OTHER"),
    _text("decision_monetary_other", 500),
    _key("decision_provision", DECISION_PROVISIONS),
    _key("decision_account", DECISION_ACCOUNTS),
    _key("account_type", ACCOUNT_TYPES),
    # ground
    _key("decision_ground", DECISION_GROUNDS),
    _url("decision_ground_reference_url", 500),
    _required_iff("illegal_content_legal_ground", *_ILLEGAL),
    _text("illegal_content_legal_ground", 500),
    _required_iff("illegal_content_explanation", *_ILLEGAL),
    _text("illegal_content_explanation", 2000),
    _required_iff("incompatible_content_ground", *_INCOMPATIBLE),
    _text("incompatible_content_ground", 500),
    _required_iff("incompatible_content_explanation", *_INCOMPATIBLE),
    _text("incompatible_content_explanation", 2000),
    _excluded_unless("incompatible_content_illegal", *_INCOMPATIBLE),
    _key("incompatible_content_illegal", YES_NO),
    # content and category
    _keys("content_type", CONTENT_TYPES),
    _required_iff("content_type_other", "content_type", "CONTENT_TYPE_OTHER"),
    _text("content_type_other", 500),
    _key("category", STATEMENT_CATEGORIES),
    _keys("category_addition", STATEMENT_CATEGORIES),
    _keys("category_specification", KEYWORDS),
    _text("category_specification_other", 500),
    _keys("territorial_scope", EEA_COUNTRY_CODES),
    _language,
    _content_id,
    _text("content_id_ean", 13, _EAN_13),
    # dates
    _date("content_date", *CONTENT_DATE_RANGE),
    _date("application_date", *APPLICATION_DATE_RANGE),
    *(_date(field, None, LATEST_END_DATE) for field in sorted(END_DATE_FIELDS)),
    *(_not_before_application(field) for field in sorted(END_DATE_FIELDS)),
    # facts, source, automation, identifier
    _text("decision_facts", 5000),
    _key("source_type", SOURCE_TYPES),
    _text("source_identity", 500),
    _excluded_if("source_identity", "source_type", "SOURCE_VOLUNTARY"),
    _key("automated_detection", YES_NO),
    _key("automated_decision", AUTOMATED_DECISIONS),
    _text("puid", 500, _PUID),
)


def validate_statement(statement: Mapping[str, Any]) -> dict[str, list[str]]:
    """Check a statement of reasons against the TDB's rules: ``{field: [messages]}``, ``{}`` when valid."""
    errors: dict[str, list[str]] = {}
    for rule in RULES:
        for field, message in rule(statement):
            errors.setdefault(field, []).append(message)
    return errors
