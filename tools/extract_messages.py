"""Extract every user-facing message into the kk, ru and en catalogs (src/senim/web/i18n/*/messages.po).

Run: .venv/bin/python tools/extract_messages.py
Messages come from templates (``_("...")``), Python (``N_("...")``, ``gettext``) and the messages of
every AppError subclass raised in the code (their class names are extraction keywords). Existing
translations are kept; new messages are added untranslated (the catalog test then fails until they are
translated); messages no longer used are dropped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("SENIM_MODE", "test")

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "senim"
I18N = SRC / "web" / "i18n"
LANGS = ("kk", "ru", "en")


def error_keywords() -> dict[str, tuple[int, ...] | None]:
    import senim.app
    from senim.errors import AppError

    senim.app.create_app  # noqa: B018 - importing the app imports every domain's routes and errors
    for module in senim.app.router_modules():
        __import__(module)
    names: dict[str, tuple[int, ...] | None] = {}
    stack = [AppError]
    while stack:
        cls = stack.pop()
        names[cls.__name__] = None  # first argument is the message
        stack.extend(cls.__subclasses__())
    return names


def extract() -> Catalog:
    keywords = {**DEFAULT_KEYWORDS, **error_keywords()}
    catalog = Catalog(project="Senim", charset="utf-8")
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options_map = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        SRC, method_map=method_map, options_map=options_map, keywords=keywords, strip_comment_tags=True
    ):
        if isinstance(message, tuple):
            message = tuple(message[:2])  # (singular, plural) from ngettext
        if not message or "migrations" in filename:
            continue
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update(template: Catalog) -> None:
    for lang in LANGS:
        path = I18N / lang / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        old = read_po(path.open("rb"), locale=lang) if path.exists() else Catalog(locale=lang)
        new = Catalog(locale=lang, project="Senim", charset="utf-8")
        forms = get_plural(lang).num_plurals
        for msg in template:
            if not msg.id:
                continue
            prev = old.get(msg.id)
            flags = prev.flags if prev is not None else set()
            if isinstance(msg.id, tuple):  # a plural message keeps one string per plural form
                have = tuple(prev.string) if prev is not None and isinstance(prev.string, tuple) else ()
                plural_string = have if len(have) == forms else ("",) * forms
                if lang == "en" and not all(plural_string):
                    plural_string = (msg.id[0], msg.id[1])
                new.add(msg.id, string=plural_string, locations=msg.locations, flags=flags)
                continue
            string = prev.string if prev is not None and prev.string else ""
            if lang == "en" and not string:
                string = msg.id  # English is the source language
            new.add(msg.id, string=string, locations=msg.locations, flags=flags)
        with path.open("wb") as fh:
            write_po(fh, new, width=100, omit_header=False, sort_output=True, include_lineno=False)
        missing = sum(
            1 for m in new if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
        )
        print(f"{lang}: {len(new)} messages, {missing} untranslated", file=sys.stderr)


if __name__ == "__main__":
    update(extract())
