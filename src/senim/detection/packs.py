"""Starter detection rule packs: rules for one harm each, in Kazakh, Russian and English, shipped as data.

A pack is a JSON file in ``packs/`` beside this module, named after the pack::

    {"pack": "threats",
     "title": {"kk": ..., "ru": ..., "en": ...}, "description": {"kk": ..., "ru": ..., "en": ...},
     "rules": [{"name": "pack.threats.ru.explicit", "note": "what it catches", "spec": {RuleSpec}}]}

Rule names are ``pack.<pack>.<language or purpose>``; every spec is validated as a
:class:`~senim.detection.rules.RuleSpec`. Nothing here installs a rule: an administrator saves the rules
of a pack like any other rule, and runs them in shadow before they go live.

The shipped rules leave ``languages`` empty although each is written for one language: the guess from
the letters calls Latin-script Kazakh English and a Russian sentence with one Kazakh word Kazakh, so a
language filter would skip exactly the evasions the rules are written to catch. Their escalations wait
for a safety officer's confirmation (``dispatch: confirm``), since no phrase list tells a joke from a
threat every time.

Reads only its own package data (with ``importlib.resources``, so it works from a wheel); no database,
no network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from senim.detection.rules import RuleSpec, problems

_DIRECTORY = "packs"
_SUFFIX = ".json"

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Localised(_Strict):
    kk: _Text
    ru: _Text
    en: _Text


class _RuleEntry(_Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{2,63}$")]
    note: _Text
    spec: dict[str, Any]


class _PackFile(_Strict):
    pack: str
    title: _Localised
    description: _Localised
    rules: list[_RuleEntry] = Field(min_length=1)


@dataclass(frozen=True)
class Localised:
    kk: str
    ru: str
    en: str


@dataclass(frozen=True)
class PackRule:
    name: str
    note: str  # what the rule catches, in plain English, for the administrator who installs it
    spec: RuleSpec


@dataclass(frozen=True)
class Pack:
    name: str
    title: Localised
    description: Localised
    rules: tuple[PackRule, ...]


def _directory() -> Traversable:
    return resources.files("senim.detection").joinpath(_DIRECTORY)


def available() -> list[str]:
    """The names of the packs shipped with Senim, sorted."""
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in _directory().iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIX)
    )


def load(name: str) -> Pack:
    """The pack called ``name``, validated; ``ValueError`` for an unknown pack or an invalid file."""
    names = available()
    if name not in names:
        raise ValueError(f"no detection rule pack {name!r}; the packs are: {', '.join(names)}")
    text = _directory().joinpath(name + _SUFFIX).read_text(encoding="utf-8")
    return parse(name, text)


def parse(name: str, text: str) -> Pack:
    """The pack ``name`` from the JSON ``text`` of its file; ``ValueError`` naming every problem found."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"detection rule pack {name!r} is not valid JSON: {exc}") from exc
    try:
        parsed = _PackFile.model_validate(data)
    except ValidationError as exc:
        found = [
            f"{'.'.join(str(p) for p in err['loc']) or '(pack)'}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        ]
        raise ValueError(f"detection rule pack {name!r} is invalid: {'; '.join(found)}") from exc
    errors = _problems(name, parsed)
    if errors:
        raise ValueError(f"detection rule pack {name!r} is invalid: {'; '.join(errors)}")
    return Pack(
        name=name,
        title=Localised(**parsed.title.model_dump()),
        description=Localised(**parsed.description.model_dump()),
        rules=tuple(
            PackRule(name=entry.name, note=entry.note, spec=RuleSpec.model_validate(entry.spec))
            for entry in parsed.rules
        ),
    )


def _problems(name: str, parsed: _PackFile) -> list[str]:
    found: list[str] = []
    if parsed.pack != name:
        found.append(f"pack: the file of pack {name!r} calls itself {parsed.pack!r}")
    seen: set[str] = set()
    for entry in parsed.rules:
        if not entry.name.startswith(f"pack.{name}."):
            found.append(f"rule {entry.name!r}: its name does not start with 'pack.{name}.'")
        if entry.name in seen:
            found.append(f"rule {entry.name!r}: the name is used twice")
        seen.add(entry.name)
        found.extend(f"rule {entry.name!r}: {problem}" for problem in problems(entry.spec))
    return found
