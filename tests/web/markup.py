"""Reading Senim's templates and stylesheet in tests: every template file, the start tags in one (with
Jinja kept whole inside a tag), an attribute's value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "senim"
TEMPLATES = sorted(SRC.glob("**/templates/**/*.html"))
CSS = SRC / "web" / "static" / "senim.css"
CATALOGS = sorted(SRC.glob("web/i18n/*/LC_MESSAGES/messages.po"))
DOCUMENTS = sorted(SRC.glob("account/documents/**/*.md"))
PYTHON = sorted(SRC.rglob("*.py"))

_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}


def rel(path: Path) -> str:
    return str(path.relative_to(SRC))


def html_tags(source: str, names: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(name, whole tag) of each start tag named in ``names``, with Jinja inside the tag kept whole
    (a ``>`` inside ``{% if a > b %}`` does not end the tag). Jinja comments are ignored."""
    source = _JINJA_COMMENT.sub("", source)
    for match in re.finditer(r"<(" + "|".join(names) + r")\b", source, re.I):
        j = match.end()
        while j < len(source) and source[j] != ">":
            opener = source[j : j + 2]
            j = source.index(_CLOSERS[opener], j + 2) + 2 if opener in _CLOSERS else j + 1
        yield match.group(1).lower(), source[match.start() : j + 1]


def attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def without_jinja_conditions(tag: str) -> str:
    """The tag with ``{% if %}…{% endif %}`` sections and ``{{ … }}`` expressions taken out: what is
    left is written literally and applies to everyone."""
    tag = re.sub(r"\{%-?\s*if\b.*?\{%-?\s*endif\s*-?%\}", "", tag, flags=re.S)
    return re.sub(r"\{\{.*?\}\}", "", tag, flags=re.S)
