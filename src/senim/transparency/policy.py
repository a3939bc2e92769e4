"""Pure rules of the annual transparency report (LAW-37): which years can be reported, the formats and
languages it is given in, how a download's name is read, and what happens to a version when it is rebuilt
or published. No I/O here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from senim.transparency.aggregation import FIRST_YEAR, LAST_YEAR
from senim.web.i18n import LANGUAGES, N_


class Format(StrEnum):
    html = "html"
    pdf = "pdf"
    csv = "csv"
    json = "json"
    dsa_json = "dsa.json"  # the same figures in EU DSA transparency-template terms
    dsa_csv = "dsa.csv"


MEDIA_TYPES: dict[Format, str] = {
    Format.html: "text/html; charset=utf-8",
    Format.pdf: "application/pdf",
    Format.csv: "text/csv; charset=utf-8",
    Format.json: "application/json",
    Format.dsa_json: "application/json",
    Format.dsa_csv: "text/csv; charset=utf-8",
}
LANGUAGE_FREE = frozenset({Format.json, Format.dsa_json, Format.dsa_csv})  # machine keys only
DOWNLOADS: tuple[Format, ...] = (Format.pdf, Format.csv, Format.json, Format.dsa_json, Format.dsa_csv)

YEAR_OUT_OF_RANGE = N_("A report covers a year from {first} to the current year ({last}).")
UNKNOWN_FORMAT = N_("Unknown format: choose one of {formats}.")
UNKNOWN_LANGUAGE = N_("Unknown language: choose one of {languages}.")
NOT_A_YEAR = N_("Give the year as four digits.")
_NAME = re.compile(r"(?P<year>[0-9]{4})(?:\.(?P<format>[a-z.]+))?")


class Problem(ValueError):
    """What is wrong with an input: a message id and its parameters."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def last_reportable_year(today: date) -> int:
    """The current year: its report can be drafted while it runs (the figures so far), not a later one."""
    return min(today.year, LAST_YEAR)


def check_year(year: int, today: date) -> int:
    """``year`` when a report can cover it; else :class:`Problem`."""
    last = last_reportable_year(today)
    if not FIRST_YEAR <= year <= last:
        raise Problem(YEAR_OUT_OF_RANGE, first=FIRST_YEAR, last=last)
    return year


def parse_year(text: str, today: date) -> int:
    """A year typed in a form."""
    text = text.strip()
    if not re.fullmatch(r"[0-9]{4}", text):
        raise Problem(NOT_A_YEAR)
    return check_year(int(text), today)


def parse_format(text: str) -> Format:
    try:
        return Format(text)
    except ValueError:
        raise Problem(UNKNOWN_FORMAT, formats=", ".join(f.value for f in Format)) from None


def parse_language(text: str | None, default: str) -> str:
    """The language asked for (``?lang=``), or ``default`` when none is."""
    if not text:
        return default if default in LANGUAGES else LANGUAGES[0]
    if text not in LANGUAGES:
        raise Problem(UNKNOWN_LANGUAGE, languages=", ".join(LANGUAGES))
    return text


@dataclass(frozen=True)
class Name:
    year: int
    format: Format


def parse_name(name: str) -> Name:
    """A public address's last part: ``2026`` (the page) or ``2026.pdf``, ``2026.dsa.json`` …"""
    match = _NAME.fullmatch(name)
    if match is None:
        raise Problem(NOT_A_YEAR)
    return Name(int(match["year"]), parse_format(match["format"] or "html"))


def file_name(year: int, version: int, fmt: Format, language: str | None = None) -> str:
    """``senim-transparency-2026-v2-kk.pdf`` (no language for the language-free JSON figures)."""
    suffix = f"-{language}" if language and fmt not in LANGUAGE_FREE else ""
    return f"senim-transparency-{year}-v{version}{suffix}.{fmt.value}"


def next_version(existing: list[tuple[int, str]]) -> tuple[int, bool]:
    """Given a year's versions as ``(version, status)``, the version a build writes and whether it is a
    new one: the latest draft is rebuilt in place; after a publication (or with none) a new draft."""
    if not existing:
        return 1, True
    latest, status = max(existing)
    if status == "draft":
        return latest, False
    return latest + 1, True


def may_publish(status: str) -> bool:
    """Only a draft is published; a published version is frozen."""
    return status == "draft"
