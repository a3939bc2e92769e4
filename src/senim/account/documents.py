"""Versioned legal documents: the user agreement (with a summary of its main terms) and the privacy policy.

Texts live in ``documents/<kind>/<version>/<language>.md``; the newest version directory is current.
The first line of each file after ``# `` is the title; a section fenced by ``<!-- summary -->`` markers
is the short summary of the main terms (LAW-08). Acceptance records the version and the SHA-256 of the
exact text shown, so what a user agreed to can always be shown again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from senim.web.i18n import LANGUAGES

DOCS_DIR = Path(__file__).parent / "documents"
SUMMARY_MARK = "<!-- summary -->"


class DocumentKind(StrEnum):
    user_agreement = "user_agreement"
    privacy_policy = "privacy_policy"


REQUIRED_AT_REGISTRATION = (DocumentKind.user_agreement, DocumentKind.privacy_policy)


@dataclass(frozen=True)
class Document:
    kind: DocumentKind
    version: str
    language: str
    title: str
    summary: str
    body: str
    sha256: str


def versions(kind: DocumentKind) -> list[str]:
    return sorted(p.name for p in (DOCS_DIR / kind).iterdir() if p.is_dir())


def current_version(kind: DocumentKind) -> str:
    return versions(kind)[-1]


@lru_cache
def load(kind: DocumentKind, version: str, language: str) -> Document:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    text = (DOCS_DIR / kind / version / f"{language}.md").read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    title = first.removeprefix("# ").strip()
    summary = ""
    if SUMMARY_MARK in rest:
        _before, summary, _after = rest.split(SUMMARY_MARK, 2)
    return Document(
        kind=kind,
        version=version,
        language=language,
        title=title,
        summary=summary.strip(),
        body=rest.replace(SUMMARY_MARK, "").strip(),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def current(kind: DocumentKind, language: str) -> Document:
    return load(kind, current_version(kind), language)
