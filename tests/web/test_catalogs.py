"""Every user-facing string exists in Kazakh, Russian and English (LAW-08)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from senim.web.i18n import CATALOG_DIR, LANGUAGES, locale_var, ngettext

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (CATALOG_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _key(msgid: object) -> str:
    return str(msgid[0]) if isinstance(msgid, tuple | list) else str(msgid)


def _extracted_ids() -> set[str]:
    spec = importlib.util.spec_from_file_location("extract_messages", ROOT / "tools" / "extract_messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {_key(m.id) for m in module.extract() if m.id}


@pytest.mark.law("LAW-08")
def test_catalogs_hold_every_message_of_the_code() -> None:
    code_ids = _extracted_ids()
    for lang in LANGUAGES:
        ids = {_key(m.id) for m in _catalog(lang) if m.id}
        missing = sorted(code_ids - ids)
        assert not missing, f"{lang}: run tools/extract_messages.py; missing: {missing[:10]}"


@pytest.mark.law("LAW-08")
@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("ru", 1, "1 комментарий"),
        ("ru", 3, "3 комментария"),
        ("ru", 11, "11 комментариев"),
        ("kk", 5, "5 пікір"),
        ("en", 2, "2 comments"),
    ],
)
def test_plural_forms_follow_the_language(lang: str, n: int, expected: str) -> None:
    token = locale_var.set(lang)
    try:
        assert ngettext("{n} comment", "{n} comments", n) == expected
    finally:
        locale_var.reset(token)


@pytest.mark.law("LAW-08")
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_message_is_untranslated_or_fuzzy(lang: str) -> None:
    problems = []
    for m in _catalog(lang):
        if not m.id:
            continue
        strings = list(m.string) if isinstance(m.string, tuple | list) else [m.string]
        placeholders = set(PLACEHOLDER.findall(_key(m.id)))
        if not all(strings):
            problems.append(f"untranslated: {m.id!r}")
        elif m.fuzzy:
            problems.append(f"fuzzy: {m.id!r}")
        elif any(set(PLACEHOLDER.findall(str(s))) != placeholders for s in strings):
            problems.append(f"placeholders differ: {m.id!r} -> {m.string!r}")
    assert not problems, f"{len(problems)} problems in {lang}:\n" + "\n".join(problems[:20])
