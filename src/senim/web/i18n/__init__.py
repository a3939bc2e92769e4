"""Interface languages: Kazakh (default), Russian, English, from Babel gettext catalogs.

The ``.po`` files are read directly at start-up (no compile step). The current request's locale is a
context variable, so templates, error messages and services all translate through ``gettext``.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from senim.kit.clock import ALMATY

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "kk"
CATALOG_DIR = Path(__file__).parent

locale_var: ContextVar[str] = ContextVar("senim_locale", default=DEFAULT_LANGUAGE)


@lru_cache
def catalog(language: str) -> dict[str, str]:
    path = CATALOG_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        cat = read_po(fh, locale=language)
    return {str(m.id): str(m.string) for m in cat if m.id and m.string and not m.fuzzy}


def N_(message: str) -> str:
    return message


def gettext(message: str, **params: Any) -> str:
    text = catalog(locale_var.get()).get(message) or message
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    # Kazakh has no plural forms in counting; Russian catalogs use the singular/plural ids as keys.
    return gettext(singular if n == 1 else plural, n=n, **params)


def negotiate(accept_language: str | None) -> str | None:
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return None


def fmt_datetime(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, format=fmt, tzinfo=ALMATY, locale=Locale.parse(locale_var.get()))


def fmt_date(value: date | None, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, format=fmt, locale=Locale.parse(locale_var.get()))


def fmt_number(value: int | float | Decimal) -> str:
    return format_decimal(value, locale=Locale.parse(locale_var.get()))


def fmt_tenge(value: int | float | Decimal) -> str:
    return format_currency(value, "KZT", locale=Locale.parse(locale_var.get()))
