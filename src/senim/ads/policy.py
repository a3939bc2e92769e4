"""Advertising as pure rules, no I/O: who may advertise (BIN/IIN), prices in tiyn, what an ad may not
advertise (with the law behind each refusal) and the screen that pre-flags a creative for the reviewer,
which targeting parameters are allowed and which are refused (LAW-60), who gets targeted ads (LAW-61), and
which ads a viewer may be shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from senim.detection.pii import bin_is_valid, iin_is_valid
from senim.web.i18n import N_

TIYN_PER_TENGE = 100
MAX_TENGE = Decimal("1000000000")  # one billion tenge: a sanity bound on budgets and prices
MAX_NAME = 200
MAX_LEGAL_NAME = 300
MAX_HEADLINE = 90
MAX_BODY = 500
MAX_URL = 500
MAX_REASON = 2000
RETENTION_DAYS = 365  # the repository keeps an ad one year after it was last shown (LAW-64)
AD_LABEL = N_("Ad")  # shown on every ad in the reader's language: «Жарнама», «Реклама» (LAW-56, 58, 63)

ADVERTISER_KINDS = {
    "legal_entity": N_("Legal entity (BIN)"),
    "individual": N_("Individual or sole entrepreneur (IIN)"),
}
ADVERTISER_STATUS_LABELS = {
    "pending": N_("Waiting for verification"),
    "verified": N_("Verified"),
    "refused": N_("Refused"),
}
CREATIVE_STATUS_LABELS = {
    "pending": N_("Waiting for review"),
    "approved": N_("Approved"),
    "refused": N_("Refused"),
}
CAMPAIGN_STATUS_LABELS = {"active": N_("Active"), "stopped": N_("Stopped")}


# --- identity ---------------------------------------------------------------------------------------
def identity_problem(kind: str, number: str) -> str | None:
    """The message id of what is wrong with an advertiser's identification number, or None. A legal
    entity gives its BIN, an individual their IIN: 12 digits with the Kazakhstan check digit."""
    if kind not in ADVERTISER_KINDS:
        return N_("Choose whether you advertise as a legal entity or as an individual.")
    if not (number.isascii() and number.isdigit() and len(number) == 12):
        return N_("A BIN or IIN is 12 digits.")
    if kind == "legal_entity" and not bin_is_valid(number):
        return N_("This is not a valid BIN (the check digit or the date does not match).")
    if kind == "individual" and not iin_is_valid(number):
        return N_("This is not a valid IIN (the check digit or the date of birth does not match).")
    return None


# --- money --------------------------------------------------------------------------------------------
def tenge_to_tiyn(value: str | int | Decimal) -> int | None:
    """A positive amount in tenge (at most two decimals: tiyn) as integer tiyn; None when it is not one.
    Floats are refused: money is never a float."""
    if isinstance(value, float):
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_TENGE:
        return None
    tiyn = amount * TIYN_PER_TENGE
    if tiyn != tiyn.to_integral_value():
        return None
    return int(tiyn)


def tiyn_to_tenge(tiyn: int) -> Decimal:
    return (Decimal(tiyn) / TIYN_PER_TENGE).quantize(Decimal("0.01"))


def spent_tiyn(impressions: int, cpm_tiyn: int, budget_tiyn: int) -> int:
    """What ``impressions`` cost at ``cpm_tiyn`` per thousand (rounded down to the tiyn), never more than
    the budget: an advertiser is not charged beyond it."""
    return min(impressions * cpm_tiyn // 1000, budget_tiyn)


# --- landing pages ------------------------------------------------------------------------------------
def landing_url_problem(url: str) -> str | None:
    if not url:
        return N_("Give the address of the page the ad leads to.")
    if len(url) > MAX_URL:
        return N_("The address is too long.")
    try:
        parts = urlsplit(url)
    except ValueError:
        return N_("The ad's page must be an https:// address.")
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname:
        return N_("The ad's page must be an https:// address.")
    if parts.username or parts.password or any(ch.isspace() for ch in url):
        return N_("The ad's page must be an https:// address.")
    return None


# --- what may not be advertised -------------------------------------------------------------------
@dataclass(frozen=True)
class Prohibited:
    key: str
    label: str  # catalog id
    law: str  # the provision, as cited to the advertiser
    terms: tuple[str, ...]  # lower-case stems matched at the start of a word (kk, ru, en)
    domains: tuple[str, ...] = ()  # landing-page domains (and their subdomains)


PROHIBITED: tuple[Prohibited, ...] = (
    Prohibited(
        "gambling",
        N_("Electronic or internet casinos and unlicensed gambling or betting"),
        "Advertising Law Art. 6(6), 7; Gambling Law Art. 8",
        (
            "casino",
            "казино",
            "казина",
            "онлайн-казино",
            "букмекер",
            "ставки на спорт",
            "bet ",
            "betting",
            "слот",
            "slots",
            "покер",
            "poker",
            "джекпот",
            "jackpot",
            "ойын автомат",
        ),
        ("1xbet.com", "1xbet.kz", "pin-up.casino", "vulkan.casino", "melbet.com", "mostbet.com"),
    ),
    Prohibited(
        "tobacco",
        N_("Tobacco, nicotine products, e-cigarettes and vapes"),
        "Advertising Law Art. 13; Health Code Art. 110",
        (
            "tobacco",
            "cigarette",
            "vape",
            "vaping",
            "e-cig",
            "hookah",
            "табак",
            "сигарет",
            "вейп",
            "электронн сигарет",
            "кальян",
            "темекі",
            "шылым",
            "никотин",
            "nicotine",
            "iqos",
            "juul",
        ),
    ),
    Prohibited(
        "alcohol",
        N_("Alcoholic drinks (banned in online advertising)"),
        "Advertising Law Art. 13",
        (
            "vodka",
            "whisky",
            "whiskey",
            "cognac",
            "wine",
            "beer",
            "водка",
            "водки",
            "виски",
            "коньяк",
            "вино ",
            "пиво",
            "шарап",
            "сыра ",
            "арақ",
        ),
    ),
    Prohibited(
        "weapons",
        N_("Weapons, ammunition and explosives"),
        "Advertising Law Art. 7; Law on the control of weapons Art. 31",
        (
            "firearm",
            "pistol",
            "rifle",
            "ammunition",
            "оружи",
            "пистолет",
            "винтовк",
            "патрон",
            "боеприпас",
            "қару",
            "взрывчат",
            "explosive",
        ),
    ),
    Prohibited(
        "pyramid",
        N_("Financial pyramids and guaranteed-profit schemes"),
        "Advertising Law Art. 7(2); Criminal Code Art. 217",
        (
            "financial pyramid",
            "финансовая пирамида",
            "қаржы пирамидасы",
            "guaranteed profit",
            "guaranteed income",
            "гарантированный доход",
            "гарантированная прибыль",
            "кепілді табыс",
            "пассивный доход без риска",
            "double your money",
            "удвоим ваши деньги",
        ),
    ),
    Prohibited(
        "medicines",
        N_("Unregistered medicines, prescription drugs and narcotics"),
        "Advertising Law Art. 13; Health Code Art. 248",
        (
            "без рецепта",
            "рецептсіз",
            "without prescription",
            "no prescription",
            "антибиотик",
            "antibiotic",
            "снотворн",
            "наркотик",
            "narcotic",
            "марихуан",
            "cannabis",
            "мефедрон",
            "закладк",
        ),
    ),
    Prohibited(
        "propaganda",
        N_(
            "Propaganda the law bans: violent change of the constitutional order, war, superiority, "
            "cruelty, pornography, paedophilia, non-traditional sexual orientation, state secrets"
        ),
        "Advertising Law Art. 6(4), 6(4-1), 7",
        ("порно", "porn", "xxx", "эскорт", "escort", "экстремис", "террор", "jihad", "джихад"),
    ),
    Prohibited(
        "false",
        N_("Unfair, false, unethical or hidden advertising"),
        "Advertising Law Art. 3(2), 7 (LAW-72)",
        (),
    ),
    Prohibited(
        "other",
        N_("Other breach of the law or of the advertising rules (stated in the reasons)"),
        "Advertising Law Art. 6, 7",
        (),
    ),
)
PROHIBITED_BY_KEY = {p.key: p for p in PROHIBITED}


def _domain_matches(host: str, domains: Iterable[str]) -> str | None:
    host = host.lower().rstrip(".")
    for domain in domains:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


def screen(headline: str, body: str, landing_url: str) -> list[dict[str, str]]:
    """What an automatic keyword and domain screen finds in a creative: each a prohibited category with
    the matching term or domain and the law. It only pre-flags the creative for the reviewer, who decides."""
    text = " " + " ".join(f"{headline} {body}".lower().split()) + " "
    host = (urlsplit(landing_url).hostname or "") if landing_url else ""
    flags: list[dict[str, str]] = []
    for item in PROHIBITED:
        for term in item.terms:
            if re.search(r"(?<![\w])" + re.escape(term), text):
                flags.append({"category": item.key, "match": term.strip(), "law": item.law})
                break
        domain = _domain_matches(host, item.domains) if host else None
        if domain is not None:
            flags.append({"category": item.key, "match": domain, "law": item.law})
    return flags


# --- targeting (LAW-60, 61) ---------------------------------------------------------------------------
LANGUAGES = {"kk": N_("Kazakh"), "ru": N_("Russian"), "en": N_("English")}
REGIONS: dict[str, str] = {
    "astana": N_("Astana"),
    "almaty_city": N_("Almaty (city)"),
    "shymkent": N_("Shymkent"),
    "abai": N_("Abai Region"),
    "akmola": N_("Akmola Region"),
    "aktobe": N_("Aktobe Region"),
    "almaty_region": N_("Almaty Region"),
    "atyrau": N_("Atyrau Region"),
    "east_kazakhstan": N_("East Kazakhstan Region"),
    "zhambyl": N_("Jambyl Region"),
    "zhetysu": N_("Jetisu Region"),
    "west_kazakhstan": N_("West Kazakhstan Region"),
    "karaganda": N_("Karaganda Region"),
    "kostanay": N_("Kostanay Region"),
    "kyzylorda": N_("Kyzylorda Region"),
    "mangystau": N_("Mangystau Region"),
    "pavlodar": N_("Pavlodar Region"),
    "north_kazakhstan": N_("North Kazakhstan Region"),
    "turkistan": N_("Turkistan Region"),
    "ulytau": N_("Ulytau Region"),
}
# Adults only: minors never receive targeted ads (LAW-61), so no band below 18 exists.
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "18-24": (18, 24),
    "25-34": (25, 34),
    "35-44": (35, 44),
    "45-54": (45, 54),
    "55-64": (55, 64),
    "65+": (65, None),
}
INTERESTS: dict[str, str] = {
    "auto": N_("Cars and transport"),
    "books": N_("Books"),
    "business": N_("Business"),
    "cooking": N_("Cooking"),
    "education": N_("Education"),
    "family": N_("Family and children"),
    "fashion": N_("Fashion and beauty"),
    "film": N_("Film and series"),
    "games": N_("Video games"),
    "home": N_("Home and garden"),
    "music": N_("Music"),
    "outdoors": N_("Nature and outdoors"),
    "pets": N_("Pets"),
    "sport": N_("Sport"),
    "technology": N_("Technology"),
    "travel": N_("Travel"),
}
ALLOWED_PARAMETERS: dict[str, dict[str, Any]] = {
    "languages": LANGUAGES,
    "regions": REGIONS,
    "age_bands": {band: band for band in AGE_BANDS},
    "interests": INTERESTS,
}
PARAMETER_LABELS = {
    "languages": N_("Language"),
    "regions": N_("Region of Kazakhstan"),
    "age_bands": N_("Age band"),
    "interests": N_("Interests"),
}
# Profiling on these is prohibited (OPL Art. 20(3), LAW-60): a campaign naming any of them, as a parameter
# or as a value, is refused. Each word maps to the protected ground it belongs to.
SENSITIVE: dict[str, str] = {
    **dict.fromkeys(("race", "ethnicity", "ethnic_origin", "nationality", "national_origin"), "race"),
    **dict.fromkeys(
        ("political_views", "politics", "political", "party", "political_party", "ideology"), "politics"
    ),
    **dict.fromkeys(
        ("biometric", "biometrics", "face", "faceprint", "fingerprint", "voiceprint"), "biometric"
    ),
    **dict.fromkeys(
        ("health", "medical", "diagnosis", "disability", "illness", "pregnancy", "mental_health"), "health"
    ),
    **dict.fromkeys(("religion", "religious", "faith", "belief", "beliefs"), "religion"),
    **dict.fromkeys(
        ("sexual_life", "sex_life", "sexual_orientation", "sexuality", "orientation", "gender_identity"),
        "sexual_life",
    ),
    **dict.fromkeys(
        (
            "user_ids",
            "user_id",
            "users",
            "usernames",
            "accounts",
            "emails",
            "email",
            "phones",
            "phone",
            "phone_numbers",
            "iin",
            "iins",
            "names",
            "custom_audience",
            "customer_list",
            "lookalike",
            "device_ids",
            "ip_addresses",
            "addresses",
        ),
        "identifying",
    ),
}
SENSITIVE_GROUNDS = {
    "race": N_("race or nationality"),
    "politics": N_("political views"),
    "biometric": N_("biometric data"),
    "health": N_("health"),
    "religion": N_("religion"),
    "sexual_life": N_("sexual life"),
    "identifying": N_("data identifying a person"),
}
REFUSED_PARAMETER = N_(
    "Targeting by \u201c{parameter}\u201d is not allowed: profiling on {ground} is prohibited "
    "(Law on online platforms, Art. 20(3))."
)
UNKNOWN_PARAMETER = N_(
    "\u201c{parameter}\u201d is not a targeting parameter. Allowed: language, region, age band, interests."
)
UNKNOWN_VALUE = N_("\u201c{value}\u201d is not one of the allowed values of \u201c{parameter}\u201d.")
MINOR_AGE_BAND = N_("Ads cannot target people under 18: choose adult age bands only.")
NOT_A_LIST = N_("The values of \u201c{parameter}\u201d must be a list.")


@dataclass(frozen=True)
class TargetingProblem:
    message: str  # catalog id
    params: dict[str, str]
    parameter: str

    @property
    def protected(self) -> bool:
        """Profiling on a protected ground (LAW-60), as opposed to a parameter or value that is merely
        unknown or not allowed."""
        return self.message == REFUSED_PARAMETER


def _key(value: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower())[:64]


def _minor_band(value: str) -> bool:
    numbers = [int(n) for n in re.findall(r"\d+", value)]
    return bool(numbers) and min(numbers) < 18


def check_targeting(targeting: Mapping[str, Any]) -> tuple[dict[str, list[str]], list[TargetingProblem]]:
    """The targeting normalised (allowed parameters, values sorted, empty ones dropped) and what is wrong
    with it. A prohibited ground named as a parameter or as a value is refused with its name (LAW-60)."""
    clean: dict[str, list[str]] = {}
    problems: list[TargetingProblem] = []
    for raw_name, raw_values in targeting.items():
        name = _key(raw_name)
        if name in SENSITIVE:
            ground = SENSITIVE_GROUNDS[SENSITIVE[name]]
            problems.append(
                TargetingProblem(REFUSED_PARAMETER, {"parameter": str(raw_name)[:64], "ground": ground}, name)
            )
            continue
        if name not in ALLOWED_PARAMETERS:
            problems.append(TargetingProblem(UNKNOWN_PARAMETER, {"parameter": str(raw_name)[:64]}, name))
            continue
        if raw_values is None or raw_values == "":
            continue
        values = [raw_values] if isinstance(raw_values, str) else raw_values
        if not isinstance(values, Sequence):
            problems.append(TargetingProblem(NOT_A_LIST, {"parameter": name}, name))
            continue
        chosen: set[str] = set()
        for raw in values:
            value = str(raw).strip() if name == "age_bands" else _key(raw)
            if _key(raw) in SENSITIVE:
                ground = SENSITIVE_GROUNDS[SENSITIVE[_key(raw)]]
                problems.append(
                    TargetingProblem(REFUSED_PARAMETER, {"parameter": str(raw)[:64], "ground": ground}, name)
                )
            elif name == "age_bands" and value not in AGE_BANDS and _minor_band(value):
                problems.append(TargetingProblem(MINOR_AGE_BAND, {"parameter": name}, name))
            elif value not in ALLOWED_PARAMETERS[name]:
                problems.append(
                    TargetingProblem(UNKNOWN_VALUE, {"parameter": name, "value": str(raw)[:64]}, name)
                )
            else:
                chosen.add(value)
        if chosen:
            clean[name] = sorted(chosen)
    return clean, problems


def is_targeted(targeting: Mapping[str, Any]) -> bool:
    return any(targeting.get(name) for name in ALLOWED_PARAMETERS)


def age_band(age: int | None) -> str:
    """The adult age band of ``age``; "" for minors and unknown ages (they are never targeted)."""
    if age is None or age < 18:
        return ""
    for band, (low, high) in AGE_BANDS.items():
        if age >= low and (high is None or age <= high):
            return band
    return ""


# --- who sees what ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Viewer:
    """What ad selection may know about a viewer: ``targetable`` is False for minors, people of unknown
    age and people who switched personalised ads off; then nothing else is filled in or used."""

    targetable: bool
    language: str = ""
    region: str = ""
    age_band: str = ""
    interests: frozenset[str] = frozenset()
    reason: str = ""  # why untargeted: "minor", "personalised_off"


UNTARGETED_REASONS = {
    "minor": N_(
        "You see only ads that are not targeted: the law forbids targeted ads to minors, and we treat "
        "everyone whose age we do not know as a minor (Law on online platforms, Art. 20(4))."
    ),
    "personalised_off": N_("You switched personalised ads off, so you see only ads that are not targeted."),
}


def matches(targeting: Mapping[str, Any], viewer: Viewer) -> bool:
    """Whether an ad with ``targeting`` may be shown to ``viewer``: untargeted ads to anyone, targeted ads
    only to a targetable viewer matching every parameter the campaign set."""
    if not is_targeted(targeting):
        return True
    if not viewer.targetable:
        return False
    checks = {
        "languages": {viewer.language} if viewer.language else set(),
        "regions": {viewer.region} if viewer.region else set(),
        "age_bands": {viewer.age_band} if viewer.age_band else set(),
        "interests": set(viewer.interests),
    }
    return all(
        not targeting.get(name) or bool(checks[name] & set(targeting[name])) for name in ALLOWED_PARAMETERS
    )


def matched_parameters(targeting: Mapping[str, Any], viewer: Viewer) -> dict[str, list[str]]:
    """The parameters of ``targeting`` that ``viewer`` matched (for "Why am I seeing this ad?")."""
    if not viewer.targetable:
        return {}
    mine = {
        "languages": {viewer.language},
        "regions": {viewer.region},
        "age_bands": {viewer.age_band},
        "interests": set(viewer.interests),
    }
    return {
        name: sorted(set(targeting[name]) & mine[name]) for name in ALLOWED_PARAMETERS if targeting.get(name)
    }


def ad_positions(item_count: int, every: int) -> list[int]:
    """After which feed items (1-based) an ad slot goes: one after every ``every`` items; none when
    ``every`` is 0 or less."""
    if every <= 0:
        return []
    return list(range(every, item_count + 1, every))


def repository_kept_until(last_shown_on: date) -> date:
    return last_shown_on + timedelta(days=RETENTION_DAYS)


# --- what the public repository publishes -------------------------------------------------------------
SMALL_COUNT = 10  # a region's or age band's count below this is published as "<10"
SMALL_COUNT_TEXT = "<10"


def published_counts(counts: Mapping[str, int]) -> dict[str, int | str]:
    """Counts by region or age band as the public repository shows them: those below ``SMALL_COUNT``
    as ``"<10"``, so that a handful of people in one region and age band cannot be singled out."""
    return {key: n if n >= SMALL_COUNT else SMALL_COUNT_TEXT for key, n in counts.items()}
