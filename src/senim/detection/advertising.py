"""Probable advertising in a post or comment that its author did not mark (LAW-65, LAW-68). Pure: no I/O.

``find_ad_hints`` reads a text and returns the reasons it looks like an advertisement, each with the span
that shows it: a promo code ("промокод", "promo code", "жеңілдік коды", "code ANNA15"), a link with
affiliate or tracking parameters (``utm_*``, ``ref=``, ``aff=`` ...) or to a known affiliate host
(``s.click.aliexpress.com``, ``amzn.to`` ...), a link through a shortener that hides where it leads
(``bit.ly`` ...), and the phrases creators use to send readers to a seller, in Kazakh, Russian and English
("профильдегі сілтеме", "скидка по ссылке", "переходи по ссылке в профиле", "link in bio", "use my code").

It is a hint, not a finding of a breach: ordinary posts share links and talk about discounts. Senim only
asks the author to mark the post (``senim.ads.sponsored``); it never hides or removes it on this basis.
Regular expressions over the original text (case-insensitive), so every span is exact; a post of the
largest size (10,000 characters) takes a few milliseconds even when written to be slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

from senim.web.i18n import N_


class AdReason(StrEnum):
    promo_code = "promo_code"
    affiliate_link = "affiliate_link"
    short_link = "short_link"
    promo_phrase = "promo_phrase"


REASON_LABELS: dict[AdReason, str] = {
    AdReason.promo_code: N_("It mentions a promo or discount code."),
    AdReason.affiliate_link: N_("It links with affiliate or tracking parameters, or to an affiliate site."),
    AdReason.short_link: N_("It links through a link shortener."),
    AdReason.promo_phrase: N_('It uses wording typical of advertising ("link in bio", "use my code").'),
}


@dataclass(frozen=True)
class AdHint:
    reason: AdReason
    start: int
    end: int
    text: str  # the matched text, as written

    def evidence(self) -> dict[str, object]:
        """What a detection signal stores about the hint (``models.Signal.evidence``)."""
        return {"start": self.start, "end": self.end, "matcher": f"ads:{self.reason}"}


_FLAGS = re.IGNORECASE | re.UNICODE
_E = "[её]"  # Russian writes ё as е as often as not

# Words that name a promo or discount code, in the three languages (inflected forms by prefix).
_PROMO_WORDS = re.compile(
    r"(?<!\w)(?:"
    r"промо[\s-]?код\w*"  # ru, kk: промокод, промокода, промокодом, промокодпен, промокодымен
    r"|promo[\s-]?codes?|promocodes?|coupon\s+codes?|discount\s+codes?|voucher\s+codes?"
    r"|жеңілдік\s+код\w*"  # kk: жеңілдік коды, жеңілдік кодымен
    r"|купон\w*\s+на\s+скидку|код\w*\s+на\s+скидку|скидочн\w+\s+код\w*"
    r")",
    _FLAGS,
)
# "code ANNA15", "по коду SALE20", "кодымен AIGUL10": a word for code, then a token of capitals and digits.
_CODE_TOKEN = re.compile(
    r"(?<!\w)(?:code|коду|кодом|код|кодымен|кодын|кодпен|коды)\s*[:\-–—]?\s*[\"'«“]?"
    r"(?-i:(?=[A-ZА-ЯЁ0-9]*[A-ZА-ЯЁ])(?=[A-ZА-ЯЁ]*[0-9]|[A-ZА-ЯЁ0-9]{5})[A-ZА-ЯЁ0-9]{4,20})(?!\w)",
    _FLAGS,
)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'«»]+"
    r"|(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:com|ru|kz|ly|me|to|at|cc|gd|su|pub|st|link|click|shop|io)"
    r"(?:/[^\s<>\"'«»]*)?",
    _FLAGS,
)
# Query parameters that carry an affiliate's or a campaign's identity.
_TRACKING_PARAMS = re.compile(
    r"^(?:utm_\w+|ref|refid|ref_id|referral|referrer|aff|aff_id|affid|affiliate|affiliate_id|partner|"
    r"partner_id|promo|promocode|coupon|clickid|click_id|subid|sub_id|erid|admitad_uid)$",
    re.IGNORECASE,
)
# Hosts of affiliate networks and of their links (a listed host also covers its subdomains).
AFFILIATE_HOSTS: frozenset[str] = frozenset(
    {
        "s.click.aliexpress.com",
        "click.aliexpress.com",
        "alii.pub",
        "ali.ski",
        "amzn.to",
        "fas.st",
        "ad.admitad.com",
        "alitems.com",
        "lite.link",
        "go.link",
    }
)
# Shorteners: the reader cannot see where the link leads, a common way to hide an affiliate link.
SHORTENER_HOSTS: frozenset[str] = frozenset(
    {
        "bit.ly",
        "bitly.com",
        "clck.ru",
        "tinyurl.com",
        "cutt.ly",
        "t.ly",
        "is.gd",
        "vk.cc",
        "goo.su",
        "shorturl.at",
        "rebrand.ly",
        "tiny.cc",
        "ow.ly",
        "u.to",
        "qps.ru",
    }
)
_PHRASES = re.compile(
    r"(?<!\w)(?:"
    # English
    r"link\s+in\s+(?:my\s+)?(?:bio|profile|description)|use\s+my\s+(?:code|link)|use\s+code"
    r"|my\s+affiliate\s+link|affiliate\s+link|swipe\s+up|paid\s+partnership|#ad(?!\w)|#sponsored(?!\w)"
    r"|#spon(?!\w)"
    # Russian
    r"|скидк\w*\s+по\s+(?:ссылк\w*|коду|промокоду)|по\s+ссылк\w*\s+в\s+(?:профил\w*|шапк\w*|био|описани\w*)"
    r"|переход\w*\s+по\s+ссылк\w*|ссылк\w*\s+в\s+(?:профил\w*|шапк\w*|био|описани\w*)"
    rf"|по\s+моему\s+(?:промо)?коду|мой\s+промокод|партн{_E}рск\w*\s+ссылк\w*|реферальн\w*\s+ссылк\w*"
    r"|заказыва\w*\s+по\s+ссылк\w*|покупа\w*\s+по\s+ссылк\w*"
    # Kazakh
    r"|профильдегі\s+сілтеме\w*|сілтеме\w*\s+профиль\w*|биодағы\s+сілтеме\w*|сілтеме\w*\s+биода"
    r"|сілтеме\s+(?:арқылы|бойынша)\s+(?:өт\w*|жеңілдік\w*|сатып|тапсырыс)|менің\s+(?:промо)?кодым\w*"
    r"|жеңілдік\w*\s+сілтеме\s+(?:арқылы|бойынша)"
    r")",
    _FLAGS,
)


def _host_in(host: str, hosts: frozenset[str]) -> bool:
    parts = host.split(".")
    return any(".".join(parts[i:]) in hosts for i in range(len(parts) - 1))


def _url_reason(url: str) -> AdReason | None:
    """Why a link looks like an advertiser's: a shortener, an affiliate host, or tracking parameters."""
    full = url if "://" in url else f"https://{url}"
    try:
        parts = urlsplit(full.rstrip(".,;:!?)"))
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return None
    if _host_in(host, SHORTENER_HOSTS):
        return AdReason.short_link
    if _host_in(host, AFFILIATE_HOSTS):
        return AdReason.affiliate_link
    if any(_TRACKING_PARAMS.match(key) for key, _ in parse_qsl(parts.query, keep_blank_values=True)):
        return AdReason.affiliate_link
    return None


def find_ad_hints(text: str) -> list[AdHint]:
    """Every hint that ``text`` is an advertisement, in the order of the text (overlaps kept once)."""
    if not text or not text.strip():
        return []
    hints: dict[tuple[int, int], AdHint] = {}

    def add(reason: AdReason, match: re.Match[str]) -> None:
        hints.setdefault(
            (match.start(), match.end()), AdHint(reason, match.start(), match.end(), match.group())
        )

    for match in _PROMO_WORDS.finditer(text):
        add(AdReason.promo_code, match)
    for match in _CODE_TOKEN.finditer(text):
        add(AdReason.promo_code, match)
    for match in _URL.finditer(text):
        reason = _url_reason(match.group())
        if reason is not None:
            add(reason, match)
    for match in _PHRASES.finditer(text):
        add(AdReason.promo_phrase, match)
    return sorted(hints.values(), key=lambda h: (h.start, h.end))


def ad_reasons(text: str) -> list[AdReason]:
    """The distinct reasons ``text`` looks like an advertisement, in a fixed order; empty: it does not."""
    found = {h.reason for h in find_ad_hints(text)}
    return [reason for reason in AdReason if reason in found]


def looks_like_ad(text: str) -> bool:
    return bool(find_ad_hints(text))
