"""Every user-facing string exists in Kazakh, Russian and English (LAW-08)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from senim.web.i18n import CATALOG_DIR, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (CATALOG_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _extracted_ids() -> set[str]:
    spec = importlib.util.spec_from_file_location("extract_messages", ROOT / "tools" / "extract_messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {str(m.id) for m in module.extract() if m.id}


@pytest.mark.law("LAW-08")
def test_catalogs_hold_every_message_of_the_code() -> None:
    code_ids = _extracted_ids()
    for lang in LANGUAGES:
        ids = {str(m.id) for m in _catalog(lang) if m.id}
        missing = sorted(code_ids - ids)
        assert not missing, f"{lang}: run tools/extract_messages.py; missing: {missing[:10]}"


@pytest.mark.law("LAW-08")
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_message_is_untranslated_or_fuzzy(lang: str) -> None:
    problems = []
    for m in _catalog(lang):
        if not m.id:
            continue
        if not m.string:
            problems.append(f"untranslated: {m.id!r}")
        elif m.fuzzy:
            problems.append(f"fuzzy: {m.id!r}")
        elif set(PLACEHOLDER.findall(str(m.id))) != set(PLACEHOLDER.findall(str(m.string))):
            problems.append(f"placeholders differ: {m.id!r} -> {m.string!r}")
    assert not problems, f"{len(problems)} problems in {lang}:\n" + "\n".join(problems[:20])
