"""Sponsored posts: the wordings that mark an online advertisement, and what a marking holds. Pure: no I/O.

Bloggers (and anyone who posts) mark online advertising placed on a commercial or contractual basis
(LAW-65): in text form, identifiable, at the start or the end of a text post (LAW-66), naming the
sponsor (LAW-62, OPL Art. 21). The allowed wordings are those the marking rules list (LAW-66, secondary
sources: dzen.ru/a/ZdhmO2tFz2D1k1vh, dzen.ru/b/ZdhhLSd_unPmvnaS, zakon.kz), seven in Kazakh and seven in
Russian. A marking is one of them, exactly as listed (capitalised for display), the sponsor's name and,
optionally, the sponsor's BIN (a legal entity's business identification number; an individual's IIN is
personal data and is not asked for).

Senim shows the wording above the post, before its text (the start of the post), with the sponsor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from senim.detection.pii import bin_is_valid
from senim.web.i18n import N_

LAW = "LAW-66"  # the marking rules (MARK); see docs/advertising.md

# The wordings, as the law requirements list them (LAW-66), in the order listed there.
KAZAKH_LABELS: tuple[str, ...] = (
    "Жарнама",
    "Жарнамалық материал",
    "Серіктестік материал",
    "Демеушілік материал",
    "Жарнама құқығында",
    "Демеушімен төленген",
    "PR құқығында",
)
RUSSIAN_LABELS: tuple[str, ...] = (
    "Реклама",
    "Рекламный материал",
    "Партнерский материал",
    "Спонсорский материал",
    "На правах рекламы",
    "Оплачено спонсором",
    "На правах PR",
)
ALLOWED_LABELS: tuple[str, ...] = KAZAKH_LABELS + RUSSIAN_LABELS
# The wordings grouped by language for the forms (a template global, ``content/_sponsored_fields.html``).
LABEL_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("In Kazakh"), KAZAKH_LABELS),
    (N_("In Russian"), RUSSIAN_LABELS),
)

MAX_SPONSOR_NAME = 200

BAD_LABEL = N_(
    "Choose one of the markings the law allows, in Kazakh or Russian (for example «Жарнама» or «Реклама»)."
)
NO_SPONSOR = N_("Name the sponsor: the law requires sponsored content to name its sponsor.")
NO_LABEL = N_("Choose a marking for the advertisement, or leave the sponsor empty.")
LONG_SPONSOR = N_("The sponsor's name is at most {n} characters.")
BAD_BIN = N_("The sponsor's BIN is 12 digits with a correct check digit, or empty.")
_SPACE = re.compile(r"\s+")


def _key(text: str) -> str:
    """How a wording is compared: case, spacing, quotes and ``ё`` do not matter."""
    return _SPACE.sub(" ", text.strip().strip("«»\"'#").strip()).casefold().replace("ё", "е")


_BY_KEY = {_key(label): label for label in ALLOWED_LABELS}


def canonical_label(text: str | None) -> str | None:
    """The allowed wording ``text`` stands for (``"на правах pr"`` → ``"На правах PR"``), or None."""
    if not text:
        return None
    return _BY_KEY.get(_key(text))


def label_language(label: str) -> str:
    """``kk`` or ``ru``: the language of an allowed wording (the ``lang`` of the marking on a post card:
    the template global ``SPONSORED_LABEL_LANGUAGE``, ``content/_sponsored_label.html``)."""
    return "kk" if label in KAZAKH_LABELS else "ru"


@dataclass(frozen=True)
class Marking:
    """A valid marking: build it with ``read_marking``."""

    label: str
    sponsor_name: str
    sponsor_bin: str | None = None

    def as_data(self) -> dict[str, str | None]:
        return {"label": self.label, "sponsor_name": self.sponsor_name, "sponsor_bin": self.sponsor_bin}


class MarkingRefused(ValueError):
    """What is wrong with a submitted marking: catalog message ids, in ``problems``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", "".join(ch for ch in (text or "") if ch.isprintable() or ch.isspace())).strip()


def marking_problems(label: str | None, sponsor_name: str | None, sponsor_bin: str | None) -> list[str]:
    """The problems of a submitted marking (empty when valid, or when nothing at all is submitted)."""
    name, bin_ = _clean(sponsor_name), _clean(sponsor_bin).replace(" ", "")
    if not (label or "").strip() and not name and not bin_:
        return []
    found = []
    if not (label or "").strip():
        found.append(NO_LABEL)
    elif canonical_label(label) is None:
        found.append(BAD_LABEL)
    if not name:
        found.append(NO_SPONSOR)
    elif len(name) > MAX_SPONSOR_NAME:
        found.append(LONG_SPONSOR)
    if bin_ and not bin_is_valid(bin_):
        found.append(BAD_BIN)
    return found


def read_marking(label: str | None, sponsor_name: str | None, sponsor_bin: str | None) -> Marking | None:
    """The marking submitted, or None when nothing is (an unmarked item); ``MarkingRefused`` otherwise.

    The wording is stored as the law lists it; the sponsor's name has its spacing tidied; the BIN keeps
    its digits only (spaces typed between groups are dropped)."""
    found = marking_problems(label, sponsor_name, sponsor_bin)
    if found:
        raise MarkingRefused(found)
    canonical = canonical_label(label)
    if canonical is None:
        return None
    bin_ = _clean(sponsor_bin).replace(" ", "")
    return Marking(label=canonical, sponsor_name=_clean(sponsor_name), sponsor_bin=bin_ or None)
