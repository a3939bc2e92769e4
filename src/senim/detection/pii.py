"""Personal-data detectors for doxxing, also used to redact public exports (LAW-15).

Pure functions, no I/O. :func:`find_pii` looks for Kazakhstan individual and business identification
numbers (IIN/BIN, with their checksum), Kazakhstan phone numbers, payment card numbers (Luhn), KZ IBANs
(mod-97) and e-mail addresses, and returns non-overlapping spans in the text it was given.

Choices, so a reader need not reverse-engineer them:

- Digits are ASCII ``0-9`` only; the caller's NFKC normalisation turns full-width digits into ASCII.
- A number never matches inside a longer run of digits, nor when glued to one by ``-`` or ``.``
  (``1234-870112345678`` is not an IIN).
- IIN: 12 digits, the first six a real date ``YYMMDD`` whose century comes from the 7th digit
  (1/2 → 1800s, 3/4 → 1900s, 5/6 → 2000s; odd male, even female). A 7th digit of 0 (seen on some old
  numbers of foreigners) is *not* accepted: without a century the date cannot be checked and twelve
  random digits would pass one time in eleven. IINs written with spaces inside are not recognised.
- BIN: 12 digits, ``YYMM`` of registration (month 01-12), 5th digit the kind of entity (4 resident
  legal entity, 5 non-resident, 6 individual entrepreneur in joint entrepreneurship), 6th digit the
  unit (0 head office, 1 branch, 2 representative office, 3 peasant farm). IIN and BIN cannot both
  apply to one number: a BIN's 5th digit (4-6) would make an impossible day of birth 40-69.
- Phones: a prefix ``+7``, ``8`` or ``7`` and ten digits starting 70/71/72/74-78 (mobile 70x, 747,
  75x-78x; fixed area codes 71xx/72xx such as 727 Almaty and 7172 Astana); single spaces, dashes, dots
  and brackets may separate the digits. Ten digits without a prefix are not reported. The value is
  the eleven digits in international form (``7`` + ten digits) whatever prefix was written.
- Cards: 13-19 digits beginning 2-6, either unbroken or in groups of four separated by one repeated
  space or dash (plus the 4-6-5 grouping of 15-digit cards), passing the Luhn check.
- KZ IBAN: ``KZ``, two check digits, a three-digit bank code and thirteen letters or digits, optionally
  in groups of four separated by single spaces, in either case, and not followed by another group of
  digits; mod-97 must be 1. Value: upper case, no spaces.
- E-mail: a pragmatic pattern (local part of letters, digits and ``._%+-``; dotted domain with an
  alphabetic top-level label). An address directly after ``:`` or ``/`` inside a URL
  (``https://user@host``) is URL user-info, not an e-mail; ``mailto:`` addresses are reported.
- Overlaps are resolved by keeping the longest span, then the most specific kind (IBAN, IIN, BIN,
  card, phone, e-mail).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum


class PiiKind(StrEnum):
    iin = "iin"
    bin = "bin"
    phone = "phone"
    card = "card"
    iban = "iban"
    email = "email"


@dataclass(frozen=True)
class PiiHit:
    kind: PiiKind
    start: int
    end: int
    value: str


# Tie-break between two candidates of the same length: lower is more specific.
_SPECIFICITY = {
    PiiKind.iban: 0,
    PiiKind.iin: 1,
    PiiKind.bin: 2,
    PiiKind.card: 3,
    PiiKind.phone: 4,
    PiiKind.email: 5,
}

# Not preceded by a digit, nor by a digit and a dash or dot (the tail of a longer number).
_NO_DIGIT_BEFORE = r"(?<![0-9])(?<![0-9][-.])"
_NO_DIGIT_AFTER = r"(?![0-9])(?![-.][0-9])"

_TWELVE_DIGITS = re.compile(_NO_DIGIT_BEFORE + r"[0-9]{12}" + _NO_DIGIT_AFTER)

_PHONE_SEPARATOR = r"[ \u00a0\-.()]{0,3}"
_PHONE = re.compile(
    _NO_DIGIT_BEFORE
    + r"(?P<prefix>\+[ \u00a0]?7|8|7)"
    + _PHONE_SEPARATOR
    + r"(?P<first>7)"
    + rf"(?:{_PHONE_SEPARATOR}[0-9]){{9}}"
    + _NO_DIGIT_AFTER
)
_PHONE_SECOND_DIGITS = frozenset("01245678")

_CARD_GROUPS = (
    r"[2-6][0-9]{3}(?P<sep>[ -])[0-9]{4}(?P=sep)[0-9]{4}(?P=sep)[0-9]{1,4}(?:(?P=sep)[0-9]{1,3})?"
    r"|3[0-9]{3}(?P<amex>[ -])[0-9]{6}(?P=amex)[0-9]{5}"
)
_CARD = re.compile(
    # unbroken 13-19 digits, or groups that are not themselves part of a longer run of groups
    rf"{_NO_DIGIT_BEFORE}[2-6][0-9]{{12,18}}{_NO_DIGIT_AFTER}"
    rf"|{_NO_DIGIT_BEFORE}(?<![0-9] )(?:{_CARD_GROUPS})(?![0-9])(?![ \-.][0-9])"
)

_IBAN = re.compile(
    r"(?<![0-9A-Za-z])KZ[0-9]{2}(?: ?[0-9A-Za-z]{4}){4}(?![0-9A-Za-z])(?! [0-9])",
    re.IGNORECASE,
)

_EMAIL = re.compile(
    r"(?<![\w.%+\-])"  # only at the start of a run of local-part characters: keeps the scan linear
    r"(?P<local>[\w%+\-]+(?:\.[\w%+\-]+)*)"
    r"@"
    r"(?P<domain>(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63})"
    r"(?![\w\-])"
)


def _checksum_digit(digits: str) -> int | None:
    """The Kazakhstan IIN/BIN check digit of the first 11 digits, or None when it cannot be formed."""
    values = [int(ch) for ch in digits[:11]]
    remainder = sum(weight * value for weight, value in zip(range(1, 12), values, strict=True)) % 11
    if remainder == 10:
        second = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
        remainder = sum(weight * value for weight, value in zip(second, values, strict=True)) % 11
        if remainder == 10:
            return None
    return remainder


def _is_ascii_digits(digits: str, length: int | None = None) -> bool:
    return digits.isascii() and digits.isdigit() and (length is None or len(digits) == length)


def id_checksum_is_valid(digits: str) -> bool:
    """True when 12 ASCII digits carry a correct Kazakhstan IIN/BIN check digit (the 12th)."""
    if not _is_ascii_digits(digits, 12):
        return False
    expected = _checksum_digit(digits)
    return expected is not None and expected == int(digits[11])


_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def iin_is_valid(digits: str) -> bool:
    """An individual identification number: birth date YYMMDD, century/sex digit 1-6, checksum."""
    if not id_checksum_is_valid(digits):
        return False
    century = _CENTURY.get(digits[6])
    if century is None:
        return False
    try:
        dt.date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return True


def bin_is_valid(digits: str) -> bool:
    """A business identification number: YYMM, entity kind 4/5/6, unit 0-3, checksum."""
    if not id_checksum_is_valid(digits):
        return False
    return 1 <= int(digits[2:4]) <= 12 and digits[4] in "456" and digits[5] in "0123"


def luhn_is_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by payment card numbers; at least two digits."""
    if not _is_ascii_digits(digits) or len(digits) < 2:
        return False
    total = 0
    for index, ch in enumerate(reversed(digits)):
        value = int(ch)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def kz_iban_is_valid(iban: str) -> bool:
    """A Kazakhstan IBAN (20 characters, spaces ignored): KZ, check digits, bank code, mod-97 == 1."""
    compact = iban.replace(" ", "").upper()
    if len(compact) != 20 or not compact.isascii() or not compact.isalnum():
        return False
    if not compact.startswith("KZ") or not compact[2:7].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _digits(text: str) -> str:
    return "".join(ch for ch in text if "0" <= ch <= "9")


def _twelve_digit_hits(text: str) -> Iterator[PiiHit]:
    for match in _TWELVE_DIGITS.finditer(text):
        value = match.group()
        if iin_is_valid(value):
            yield PiiHit(PiiKind.iin, match.start(), match.end(), value)
        elif bin_is_valid(value):
            yield PiiHit(PiiKind.bin, match.start(), match.end(), value)


def _balanced_brackets(span: str) -> bool:
    depth = 0
    for ch in span:
        if ch == "(":
            depth += 1
            if depth > 1:
                return False
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _phone_hits(text: str) -> Iterator[PiiHit]:
    for match in _PHONE.finditer(text):
        national = _digits(text[match.start("first") : match.end()])
        if national[1] not in _PHONE_SECOND_DIGITS or not _balanced_brackets(match.group()):
            continue
        yield PiiHit(PiiKind.phone, match.start(), match.end(), "7" + national)


def _card_hits(text: str) -> Iterator[PiiHit]:
    for match in _CARD.finditer(text):
        value = _digits(match.group())
        if 13 <= len(value) <= 19 and luhn_is_valid(value):
            yield PiiHit(PiiKind.card, match.start(), match.end(), value)


def _iban_hits(text: str) -> Iterator[PiiHit]:
    for match in _IBAN.finditer(text):
        if kz_iban_is_valid(match.group()):
            value = match.group().replace(" ", "").upper()
            yield PiiHit(PiiKind.iban, match.start(), match.end(), value)


def _inside_url(text: str, at: int) -> bool:
    """True when the local part starting at ``at`` follows ``:`` or ``/`` of a URL (``scheme://``)."""
    if at == 0 or text[at - 1] not in ":/":
        return False
    token_start = at
    while token_start > 0 and not text[token_start - 1].isspace():
        token_start -= 1
    return "://" in text[token_start:at] or text[token_start:at].startswith("//")


def _email_hits(text: str) -> Iterator[PiiHit]:
    if "@" not in text:
        return
    for match in _EMAIL.finditer(text):
        if _inside_url(text, match.start()):
            continue
        yield PiiHit(PiiKind.email, match.start(), match.end(), match.group().lower())


_DETECTORS: tuple[Callable[[str], Iterator[PiiHit]], ...] = (
    _iban_hits,
    _twelve_digit_hits,
    _card_hits,
    _phone_hits,
    _email_hits,
)


def find_pii(text: str) -> list[PiiHit]:
    """Every personal-data span in ``text``, sorted by start and non-overlapping.

    When candidates overlap the longest wins, then the most specific kind.
    """
    candidates = [hit for detector in _DETECTORS for hit in detector(text)]
    candidates.sort(key=lambda hit: (hit.start - hit.end, _SPECIFICITY[hit.kind], hit.start))
    starts: list[int] = []
    kept: list[PiiHit] = []  # parallel to ``starts``, sorted by start, non-overlapping
    for hit in candidates:
        index = bisect_left(starts, hit.start)
        if index < len(kept) and kept[index].start < hit.end:
            continue
        if index > 0 and kept[index - 1].end > hit.start:
            continue
        starts.insert(index, hit.start)
        kept.insert(index, hit)
    return kept


def redact(text: str, kinds: Collection[PiiKind] | None = None, mask: str = "[{kind}]") -> str:
    """``text`` with every personal-data span (of ``kinds``, default all) replaced by ``mask``.

    ``{kind}`` in the mask is replaced by the kind's name (``iin``, ``phone``...); no other braces are
    interpreted.
    """
    wanted = set(PiiKind) if kinds is None else set(kinds)
    pieces: list[str] = []
    position = 0
    for hit in find_pii(text):
        if hit.kind not in wanted:
            continue
        pieces.append(text[position : hit.start])
        pieces.append(mask.replace("{kind}", hit.kind.value))
        position = hit.end
    pieces.append(text[position:])
    return "".join(pieces)
