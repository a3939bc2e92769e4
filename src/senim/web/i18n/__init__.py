"""Interface languages: Kazakh (default), Russian, English, from Babel gettext catalogs.

The ``.po`` files are read directly at start-up (no compile step). The current request's locale is a
context variable, so templates, error messages and services all translate through ``gettext``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from gettext import c2py
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from senim.kit.clock import ALMATY

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "kk"
CATALOG_DIR = Path(__file__).parent

locale_var: ContextVar[str] = ContextVar("senim_locale", default=DEFAULT_LANGUAGE)
_display = {"language": DEFAULT_LANGUAGE, "tz": ALMATY}


def configure(*, default_language: str, time_zone: str) -> None:
    """Apply the settings ``SENIM_DEFAULT_LANGUAGE`` and ``SENIM_TIME_ZONE`` (called by ``create_app``)."""
    if default_language not in LANGUAGES:
        raise ValueError(f"SENIM_DEFAULT_LANGUAGE must be one of {LANGUAGES}")
    _display["language"] = default_language
    _display["tz"] = ZoneInfo(time_zone)


def default_language() -> str:
    return str(_display["language"])


def display_tz() -> ZoneInfo:
    tz = _display["tz"]
    assert isinstance(tz, ZoneInfo)  # noqa: S101 - set only by configure
    return tz


@lru_cache
def catalog(language: str) -> dict[str, str | tuple[str, ...]]:
    """msgid → translation; plural messages are keyed by their singular id and hold every form."""
    path = CATALOG_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        cat = read_po(fh, locale=language)
    out: dict[str, str | tuple[str, ...]] = {}
    for m in cat:
        if not m.id or not m.string or m.fuzzy:
            continue
        if isinstance(m.id, tuple | list):
            forms = tuple(str(f) for f in m.string)
            if all(forms):
                out[str(m.id[0])] = forms
        else:
            out[str(m.id)] = str(m.string)
    return out


@lru_cache
def plural_index(language: str) -> Callable[[int], int]:
    """The gettext plural rule of ``language`` (Russian has three forms, Kazakh and English two)."""
    return c2py(get_plural(language).plural_expr)


def N_(message: str) -> str:
    return message


def gettext(message: str, **params: Any) -> str:
    text = catalog(locale_var.get()).get(message)
    if not isinstance(text, str) or not text:
        text = message
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    """The form of ``singular``/``plural`` for the number ``n``, formatted with ``n`` and ``params``."""
    language = locale_var.get()
    forms = catalog(language).get(singular)
    if isinstance(forms, tuple):
        text = forms[min(plural_index(language)(n), len(forms) - 1)]
    else:
        text = singular if n == 1 else plural
    return text.format(n=fmt_number(n), **params)


def negotiate(accept_language: str | None) -> str | None:
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return None


def fmt_datetime(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, format=fmt, tzinfo=display_tz(), locale=Locale.parse(locale_var.get()))


def fmt_date(value: date | None, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, format=fmt, locale=Locale.parse(locale_var.get()))


def fmt_number(value: int | float | Decimal) -> str:
    return format_decimal(value, locale=Locale.parse(locale_var.get()))


def fmt_tenge(value: int | float | Decimal) -> str:
    return format_currency(value, "KZT", locale=Locale.parse(locale_var.get()))
