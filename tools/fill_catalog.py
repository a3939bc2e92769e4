"""Fill untranslated catalog entries from a JSON file {lang: {msgid: translation}}.

Run: .venv/bin/python tools/fill_catalog.py translations.json
Used when a few messages are added; bulk translation is done in the .po files themselves.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

I18N = Path(__file__).resolve().parent.parent / "src" / "senim" / "web" / "i18n"


def main(path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for lang, entries in data.items():
        po = I18N / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for msgid, text in entries.items():
            message = catalog.get(msgid)
            if message is None:
                raise SystemExit(f"{lang}: no message {msgid!r} in the catalog")
            message.string = text
        with po.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, include_lineno=False)


if __name__ == "__main__":
    main(sys.argv[1])
