"""Text normalisation for matching, with a map from every normalised character back to the original text.

Pure: no I/O. ``normalise`` never raises, is idempotent (``normalise(normalise(x).text).text ==
normalise(x).text``) and keeps ``origin`` monotonic, so a hit in the normalised text maps back to the exact
original span with :meth:`Normalised.span`.

One pass of ``normalise`` does, in this order:

1. **NFKC** (compatibility forms, ligatures, full-width letters, NBSP and other spaces).
2. **Case folding** with ``str.casefold``. Cyrillic ``І`` folds to Kazakh ``і`` (never to ``и``). Latin
   ``İ`` folds to ``i`` (its combining dot goes in step 3); Latin ``I`` folds to ``i`` too, so the
   Kazakh-Latin 2021 distinction between ``I ı`` and ``İ i`` is lost for capitals (``ı`` itself stays).
3. **Invisible characters removed**: format characters (category Cf: zero-width space/joiner/non-joiner,
   soft hyphen, bidi marks, word joiner, BOM, tags), control characters other than white space, Hangul
   fillers, and combining marks (Mn, Me) left over after NFKC when they sit on a Latin, Cyrillic or Greek
   letter or on no letter (stress marks ``у́``, stacked "zalgo" marks, variation selectors). Marks on
   letters of other scripts (Devanagari, Thai, ...) carry meaning and are kept.
4. **White space**: every run of white space becomes one space (leading and trailing runs included).
5. **Separators inside words**: a run of at least 3 single letters separated each time by the same
   separator (``.``, ``-``, ``_``, space, ``*``, ``·``, ``•``, ``/``, ``|``, ``\\``, ``+``, ``~``; one to
   three characters of them) with at least 2 real letters is glued: ``с.у.и.ц.и.д``, ``с-у-и-ц-и-д``,
   ``с у и ц и д``, ``с_у_и_ц_и_д`` → ``суицид``. A digit or ``@``/``$`` may stand for a letter in the
   run (``у.б.1.т.ь``). Two single letters (``т.е.``, ``я и он``) and numbers (``1.2.3``) are left alone.
   This comes before step 6 so that a glued word is mapped to one script as a whole.
6. **Look-alikes, digits and symbols, per word** (a word: letters, digits, ``@``, ``$``, ``!``). A word
   with Latin and Cyrillic letters is written in its dominant script (more letters; Cyrillic on a tie),
   and each look-alike of the other script is replaced (tables ``_LATIN_TO_CYRILLIC`` and
   ``_CYRILLIC_TO_LATIN``; Greek ``α ο ε ρ τ κ χ ι γ`` too). Inside a word with at least 2 letters,
   digits and symbols standing between letters become letters of the word's script (``_LEET_CYRILLIC``,
   ``_LEET_LATIN``): ``уб1ть`` → ``убить``, ``н@ркотики`` → ``наркотики``, ``k1ll`` → ``kill``. At the
   edge of a word only a single ``0`` is read as a letter, and only with 3 letters (``hell0``), so
   ``covid19``, ``mp3``, ``2024ж``, ``@user`` and ``kill!`` stay. Runs of more than 3 digits are a number
   and stay. Addresses (``https://…``, ``www.…``, e-mail) keep their digits and symbols.

   Latin ``i``, ``ı``, ``1`` and ``!`` in a Cyrillic word become Kazakh ``і``, or Russian ``и`` when the
   word has a letter Kazakh uses only in Russian loans (``в ф х ц ч щ ъ ь э ю я ё``): ``бiлiм`` →
   ``білім``, ``убiть`` → ``убить``. Latin ``b`` becomes ``в`` where it was upper case in the original
   (``B``) and ``ь`` where lower case; Latin ``h`` becomes ``н`` (``H``) or, lower case, ``һ`` in a word
   with Kazakh letters, else ``н``. Cyrillic ``ё`` is folded to ``е`` (as Russian writing mostly does).
7. **Repeated letters**: a run of 3 or more of the same letter becomes one (``суууицид`` → ``суицид``);
   doubles stay (``кассa``, ``аттар``). Addresses keep theirs (``www``).

Some steps can enable another (a letter collapsed in step 7 can complete a run for step 5), so the pass
is repeated until the text no longer changes; that is what makes ``normalise`` idempotent. Already
normal text costs one more cheap pass.

``to_cyrillic`` reads Kazakh written in the Latin alphabet in Cyrillic (see its docstring), and
``fold_term`` is what a term-list entry becomes to match normalised text.

Known limits: ``b``/``h`` case is only known on the first pass; a Cyrillic word with a Latin ``i`` and
no telling letter is read as Kazakh (``пiдор`` → ``підор``); look-alikes from scripts other than Latin,
Cyrillic and Greek are not mapped; three single letters in an ordinary sentence separated by spaces
(``a b c``) are glued.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

# --- the result -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Normalised:
    """A normalised text and, for every character of it, the index of its source character."""

    text: str  # the normalised text
    origin: tuple[int, ...]  # origin[i] = index in the original text of normalised character i
    source_length: int | None = None  # length of the original text (None: assume it ends at origin[-1])

    def _source_end(self) -> int:
        if self.source_length is not None:
            return self.source_length
        return self.origin[-1] + 1 if self.origin else 0

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` covering normalised ``[start, end)``.

        The original span runs from the source of the first character to just before the source of the
        next normalised character that comes from a later source character, so it includes anything
        removed in between (separators, invisible characters, collapsed letters).
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) is outside the normalised text of {len(self.text)}")
        source_end = self._source_end()
        if start == end:
            at = self.origin[start] if start < len(self.origin) else source_end
            return at, at
        last = self.origin[end - 1]
        following = bisect.bisect_right(self.origin, last, lo=end - 1)
        stop = self.origin[following] if following < len(self.origin) else source_end
        return self.origin[start], stop

    def then(self, later: Normalised) -> Normalised:
        """``later`` (made from this text) with its origins mapped through to this text's original."""
        return Normalised(
            later.text, tuple(self.origin[i] for i in later.origin), source_length=self._source_end()
        )


# --- character classes ------------------------------------------------------------------------------

_KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_RUSSIAN_ONLY = frozenset("вфхцчщъьэюяё")

# Latin (after case folding) → Cyrillic, inside a mostly Cyrillic word. i/ı, b and h are handled apart.
_LATIN_TO_CYRILLIC = {
    "a": "а",
    "c": "с",
    "e": "е",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "k": "к",
    "m": "м",
    "t": "т",
    "n": "п",
    "u": "и",
    "r": "г",
    "ə": "ә",
    "ɵ": "ө",
    "ŋ": "ң",
    "ë": "ё",
}
# Cyrillic → Latin, inside a mostly Latin word.
_CYRILLIC_TO_LATIN = {
    "а": "a",
    "в": "b",
    "е": "e",
    "і": "i",
    "ј": "j",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "п": "n",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "ү": "y",
    "х": "x",
    "ь": "b",
    "ѕ": "s",
    "һ": "h",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "и": "u",
    "г": "r",
    "ә": "ə",
    "ө": "ɵ",
    "ё": "ë",
}
# Greek look-alikes: (in a Cyrillic word, in a Latin word); "" means the Kazakh/Russian i rule.
_GREEK = {
    "α": ("а", "a"),
    "ο": ("о", "o"),
    "ε": ("е", "e"),
    "ρ": ("р", "p"),
    "τ": ("т", "t"),
    "κ": ("к", "k"),
    "χ": ("х", "x"),
    "ι": ("", "i"),
    "γ": ("у", "y"),
}
# Digits and symbols standing for letters; "" means the Kazakh/Russian i rule.
_LEET_CYRILLIC = {"0": "о", "3": "з", "4": "ч", "6": "б", "@": "а", "$": "с", "1": "", "!": ""}
_LEET_LATIN = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "@": "a",
    "$": "s",
    "!": "i",
}
_LEET = frozenset(_LEET_CYRILLIC) | frozenset(_LEET_LATIN)

_LATIN_RANGE = "a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff"
_CYRILLIC_RANGE = "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"
_GREEK_CHARS = "".join(_GREEK)
_LEET_CHARS = "0-9@$!"

# a place where a word mixes scripts, or a digit or symbol touches a letter
_TRIGGER = re.compile(
    rf"[{_LATIN_RANGE}][{_CYRILLIC_RANGE}]|[{_CYRILLIC_RANGE}][{_LATIN_RANGE}]"
    rf"|[{_LEET_CHARS}][^\W\d_]|[^\W\d_][{_LEET_CHARS}]"
    rf"|[{_GREEK_CHARS}](?=[^\W_])|(?<=[^\W_])[{_GREEK_CHARS}]"
)
_WORD_CHAR = re.compile(r"[^\W_]|[@$!]")
_WORD = re.compile(r"(?:[^\W_]|[@$!])+")

_SEPARATORS = " .\\-_*·•/|\\\\+~"
_GLUE = re.compile(
    rf"(?<![^\W_])(?<![@$])((?:[^\W_]|[@$]))([{_SEPARATORS}]{{1,3}})"
    rf"(?:(?:[^\W_]|[@$])\2)+(?:[^\W_]|[@$])(?![^\W_])(?![@$])"
)
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_SPACES = re.compile(r"\s+")
_NOT_SPACE = re.compile(r"[^ ]+")
_NEEDS_SPACE_WORK = re.compile(r"\s{2,}|[^\S ]")
_ADDRESS = re.compile(
    r"(?:https?://|ftp://|www\.)[^\s]+|[^\s@]+@[^\s@]+\.[^\W_][^\s]*",
    re.IGNORECASE,
)
_FILLERS = "\u115f\u1160\u3164\uffa0"
# anything outside common ranges that hold no invisible character or combining mark (a fast pre-check)
_MAYBE_INVISIBLE = re.compile(
    "[^\t-\r -~\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205f"
    "\u20a0-\u20bf\u2100-\u27bf]"
)
_KEEP_MARKS_AFTER = ("LATIN", "CYRILLIC", "GREEK")


def _ranges(predicate: Callable[[str], bool]) -> str:
    """A regex character-class body for every code point satisfying ``predicate``."""
    parts: list[str] = []
    start = -1
    for code in range(sys.maxunicode + 2):
        inside = code <= sys.maxunicode and predicate(chr(code))
        if inside and start < 0:
            start = code
        elif not inside and start >= 0:
            last = code - 1
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(last)) if last > start else ""))
            start = -1
    return "".join(parts)


@cache
def _invisible() -> re.Pattern[str]:
    """Format and control characters (not white space), fillers, and runs of combining marks."""

    def removable(ch: str) -> bool:
        category = unicodedata.category(ch)
        return category == "Cf" or (category == "Cc" and not ch.isspace())

    marks = _ranges(lambda ch: unicodedata.category(ch) in ("Mn", "Me"))
    return re.compile(f"[{_ranges(removable)}{re.escape(_FILLERS)}]|[{marks}]+")


# --- one pass ---------------------------------------------------------------------------------------


def _nfkc(text: str, origin: list[int]) -> tuple[str, list[int]]:
    if unicodedata.is_normalized("NFKC", text):
        return text, origin
    pieces: list[str] = []
    new_origin: list[int] = []
    at = 0
    # Nothing composes with a space, so pieces between spaces are normalised apart, most of them as
    # they are.
    for match in _NOT_SPACE.finditer(text):
        start, end = match.span()
        pieces.append(text[at:start])
        new_origin.extend(origin[at:start])
        chunk = match.group()
        if unicodedata.is_normalized("NFKC", chunk):
            pieces.append(chunk)
            new_origin.extend(origin[start:end])
        else:
            _nfkc_chunk(chunk, origin[start:end], pieces, new_origin)
        at = end
    pieces.append(text[at:])
    new_origin.extend(origin[at:])
    return "".join(pieces), new_origin


def _nfkc_chunk(text: str, origin: list[int], pieces: list[str], new_origin: list[int]) -> None:
    # Normalise cluster by cluster (a starter and its combining marks), merging a cluster into the
    # previous one when they compose together (Hangul jamo, some Indic vowels).
    groups: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or unicodedata.combining(text[index]) == 0:
            if groups:
                first, _ = groups[-1]
                joined = unicodedata.normalize("NFKC", text[first:index])
                apart = unicodedata.normalize("NFKC", text[first:start]) + unicodedata.normalize(
                    "NFKC", text[start:index]
                )
                if joined != apart:
                    groups[-1] = (first, index)
                    start = index
                    continue
            groups.append((start, index))
            start = index
    for first, stop in groups:
        piece = unicodedata.normalize("NFKC", text[first:stop])
        pieces.append(piece)
        size = stop - first
        if len(piece) == size:
            new_origin.extend(origin[first:stop])
        else:
            new_origin.extend(origin[first + min(j, size - 1)] for j in range(len(piece)))


def _casefold(text: str, origin: list[int]) -> tuple[str, list[int]]:
    folded = text.casefold()
    if len(folded) == len(text):
        return folded, origin
    pieces: list[str] = []
    new_origin: list[int] = []
    for ch, source in zip(text, origin, strict=True):
        piece = ch.casefold()
        pieces.append(piece)
        new_origin.extend([source] * len(piece))
    return "".join(pieces), new_origin


def _without(text: str, origin: list[int], drop: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """``text`` without the sorted, disjoint ``[start, end)`` ranges in ``drop``."""
    if not drop:
        return text, origin
    pieces: list[str] = []
    new_origin: list[int] = []
    at = 0
    for start, end in drop:
        pieces.append(text[at:start])
        new_origin.extend(origin[at:start])
        at = end
    pieces.append(text[at:])
    new_origin.extend(origin[at:])
    return "".join(pieces), new_origin


def _remove_invisible(text: str, origin: list[int]) -> tuple[str, list[int]]:
    if not _MAYBE_INVISIBLE.search(text):
        return text, origin
    drop: list[tuple[int, int]] = []
    for match in _invisible().finditer(text):
        start = match.start()
        if unicodedata.combining(text[start]) or unicodedata.category(text[start]) in ("Mn", "Me"):
            base = text[start - 1] if start else ""
            if base.isalpha() and not unicodedata.name(base, "").startswith(_KEEP_MARKS_AFTER):
                continue
        drop.append((start, match.end()))
    return _without(text, origin, drop)


def _squeeze_spaces(text: str, origin: list[int]) -> tuple[str, list[int]]:
    if not _NEEDS_SPACE_WORK.search(text):
        return text, origin
    pieces: list[str] = []
    new_origin: list[int] = []
    at = 0
    for match in _SPACES.finditer(text):
        pieces.append(text[at : match.start()])
        new_origin.extend(origin[at : match.start()])
        pieces.append(" ")
        new_origin.append(origin[match.start()])
        at = match.end()
    pieces.append(text[at:])
    new_origin.extend(origin[at:])
    return "".join(pieces), new_origin


def _addresses(text: str) -> list[tuple[int, int]]:
    if "@" not in text and "/" not in text and "www" not in text:
        return []
    return [m.span() for m in _ADDRESS.finditer(text)]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _glue(text: str, origin: list[int]) -> tuple[str, list[int]]:
    drop: list[tuple[int, int]] = []
    for match in _GLUE.finditer(text):
        separator = match.group(2)
        items = match.group(0)[:: len(separator) + 1]
        if sum(ch.isalpha() for ch in items) < 2:
            continue
        step = len(separator) + 1
        for at in range(match.start() + 1, match.end(), step):
            drop.append((at, at + len(separator)))
    return _without(text, origin, drop)


def _script(ch: str) -> str:
    """ "lat", "cyr" or "" for a letter."""
    if "a" <= ch <= "z":
        return "lat"
    code = ord(ch)
    if (
        0x400 <= code <= 0x52F
        or 0x1C80 <= code <= 0x1C8F
        or 0x2DE0 <= code <= 0x2DFF
        or 0xA640 <= code <= 0xA69F
    ):
        return "cyr" if ch.isalpha() else ""
    if (0xC0 <= code <= 0x2AF or 0x1E00 <= code <= 0x1EFF) and ch.isalpha():
        return "lat"
    return ""


def _map_word(word: str, upper: list[bool], protected: bool) -> str:
    """``word`` with look-alikes, digits and symbols written in its dominant script (same length)."""
    latin = cyrillic = letters = 0
    for ch in word:
        script = _script(ch)
        if script == "lat":
            latin += 1
        elif script == "cyr":
            cyrillic += 1
        if ch.isalpha():
            letters += 1
    if not latin and not cyrillic:
        return word
    to_cyrillic = cyrillic >= latin
    kazakh = any(ch in _KAZAKH_LETTERS for ch in word)
    # і unless the word has a letter only Russian loans use: Kazakh users without a Kazakh keyboard type
    # Latin i for і far more often than Russian writers type it for и
    i_letter = "и" if any(ch in _RUSSIAN_ONLY for ch in word) else "і"
    out = list(word)
    for index, ch in enumerate(word):
        script = _script(ch)
        if to_cyrillic and script == "lat":
            if ch in ("i", "ı"):
                out[index] = i_letter
            elif ch == "b":
                out[index] = "в" if upper[index] else "ь"
            elif ch == "h":
                out[index] = "н" if upper[index] or not kazakh else "һ"
            else:
                out[index] = _LATIN_TO_CYRILLIC.get(ch, ch)
        elif not to_cyrillic and script == "cyr":
            out[index] = _CYRILLIC_TO_LATIN.get(ch, ch)
        elif ch in _GREEK:
            cyr, lat = _GREEK[ch]
            out[index] = (cyr or i_letter) if to_cyrillic else lat
    if letters >= 2 and not protected:
        _map_leet(word, out, letters, i_letter if to_cyrillic else None)
    return "".join(out)


def _map_leet(word: str, out: list[str], letters: int, i_letter: str | None) -> None:
    table = _LEET_CYRILLIC if i_letter is not None else _LEET_LATIN
    alpha = [ch.isalpha() for ch in word]
    if True not in alpha:
        return
    first = alpha.index(True)
    last = len(word) - 1 - alpha[::-1].index(True)
    index = 0
    while index < len(word):
        if word[index] not in _LEET:
            index += 1
            continue
        stop = index
        while stop < len(word) and word[stop] in _LEET:
            stop += 1
        run = word[index:stop]
        inner = first < index and stop - 1 < last
        edge_zero = run == "0" and letters >= 3
        if (inner and len(run) <= 3) or edge_zero:
            for at in range(index, stop):
                letter = table.get(word[at])
                if letter is not None:
                    out[at] = letter or (i_letter or "i")
        index = stop


def _map_words(text: str, origin: list[int], source: str | None) -> tuple[str, list[int]]:
    if "ё" in text:
        text = text.replace("ё", "е")
    if not _TRIGGER.search(text):
        return text, origin
    protected = _addresses(text)
    pieces: list[str] = []
    at = 0
    done_until = 0
    for trigger in _TRIGGER.finditer(text):
        if trigger.start() < done_until:
            continue
        word = _WORD.search(text, _word_start(text, trigger.start()))
        if word is None:  # pragma: no cover - a trigger always touches a word character
            continue
        start, end = word.span()
        done_until = end
        upper = [source is not None and source[origin[i]].isupper() for i in range(start, end)]
        mapped = _map_word(word.group(), upper, _inside(protected, start, end))
        pieces.append(text[at:start])
        pieces.append(mapped.replace("ё", "е"))
        at = end
    pieces.append(text[at:])
    return "".join(pieces), origin


def _word_start(text: str, index: int) -> int:
    while index > 0 and _WORD_CHAR.match(text, index - 1):
        index -= 1
    return index


def _collapse_repeats(text: str, origin: list[int]) -> tuple[str, list[int]]:
    if not _REPEATS.search(text):
        return text, origin
    protected = _addresses(text)
    drop = [
        (m.start() + 1, m.end())
        for m in _REPEATS.finditer(text)
        if not _inside(protected, m.start(), m.end())
    ]
    return _without(text, origin, drop)


def _one_pass(text: str, origin: list[int], source: str | None) -> tuple[str, list[int]]:
    text, origin = _nfkc(text, origin)
    text, origin = _casefold(text, origin)
    text, origin = _remove_invisible(text, origin)
    text, origin = _squeeze_spaces(text, origin)
    text, origin = _glue(text, origin)
    text, origin = _map_words(text, origin, source)
    return _collapse_repeats(text, origin)


_MAX_PASSES = 12


def normalise(text: str) -> Normalised:
    """``text`` normalised for matching (see the module docstring), with its origin map."""
    current, origin = text, list(range(len(text)))
    source: str | None = text
    for _ in range(_MAX_PASSES):
        following, origin = _one_pass(current, origin, source)
        source = None
        if following == current:
            break
        current = following
    return Normalised(current, tuple(origin), source_length=len(text))


# --- Kazakh in the Latin alphabet ------------------------------------------------------------------

_APOSTROPHES = "'’ʼ‘`"
# 2021 alphabet, with the 2018 acute letters (á ǵ ń ó ú ý) where they do not clash.
_KAZAKH_LATIN = {
    "a": "а",
    "ä": "ә",
    "á": "ә",
    "ə": "ә",
    "b": "б",
    "d": "д",
    "e": "е",
    "ë": "е",
    "f": "ф",
    "g": "г",
    "ğ": "ғ",
    "ǵ": "ғ",
    "h": "х",
    "ı": "і",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "ñ": "ң",
    "ń": "ң",
    "o": "о",
    "ö": "ө",
    "ó": "ө",
    "ɵ": "ө",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ū": "ұ",
    "ü": "ү",
    "ú": "ү",
    "ý": "у",
    "v": "в",
    "y": "ы",
    "z": "з",
}
# 2017 apostrophe letters
_APOSTROPHE_LETTERS = {"a": "ә", "g": "ғ", "n": "ң", "o": "ө", "u": "ү", "y": "у", "s": "ш", "c": "ч"}
_DIGRAPHS = {"sh": "ш", "ch": "ч", "zh": "ж", "kh": "х"}
_LATIN_VOWELS = frozenset("aäáəeëoöóɵuūüúýyıi")
_LATIN_WORD = re.compile(
    rf"(?<![^\W_])[{_LATIN_RANGE}](?:[{_LATIN_RANGE}]|[{_APOSTROPHES}](?=[{_LATIN_RANGE}]|\W|$))*(?![^\W_])"
)
_CONVERTIBLE = frozenset(_KAZAKH_LATIN) | {"i", "c"}


def _convertible(word: str) -> bool:
    """Only letters of the Kazakh Latin alphabets; ``c`` only in ``ch`` or ``c'``; no ``w`` or ``x``."""
    for index, ch in enumerate(word):
        if ch in _APOSTROPHES:
            continue
        if ch not in _CONVERTIBLE:
            return False
        if ch == "c" and word[index + 1 : index + 2] not in ("h", *_APOSTROPHES):
            return False
    return True


def _word_to_cyrillic(word: str, start: int) -> tuple[str, list[int]]:
    out: list[str] = []
    positions: list[int] = []
    index = 0
    while index < len(word):
        ch = word[index]
        following = word[index + 1] if index + 1 < len(word) else ""
        previous = word[index - 1] if index else ""
        if ch in _APOSTROPHES:
            index += 1  # an apostrophe after a letter it does not modify: dropped
            continue
        if following and following in _APOSTROPHES and (ch in _APOSTROPHE_LETTERS or ch == "i"):
            out.append(("й" if previous in _LATIN_VOWELS else "и") if ch == "i" else _APOSTROPHE_LETTERS[ch])
            positions.append(start + index)
            index += 2
            continue
        if ch + following in _DIGRAPHS:
            out.append(_DIGRAPHS[ch + following])
            positions.append(start + index)
            index += 2
            continue
        if ch == "i":
            after_vowel = previous in _LATIN_VOWELS and previous not in ("i", "ı")
            if following in ("a", "u") and (not previous or after_vowel):
                out.append("я" if following == "a" else "ю")
                positions.append(start + index)
                index += 2
                continue
            if after_vowel:
                letter = "й"
            elif following in _LATIN_VOWELS:
                letter = "и"
            else:
                letter = "і"
            out.append(letter)
        else:
            out.append(_KAZAKH_LATIN.get(ch, ch))
        positions.append(start + index)
        index += 1
    return "".join(out), positions


def to_cyrillic(text: str) -> Normalised:
    """Kazakh written in the Latin alphabet, read in Cyrillic; other text unchanged. Expects normalised text.

    Word by word, only for words written wholly in Latin letters of the Kazakh alphabets: the 2021
    alphabet (``ä ğ ı ñ ö ş ū ü``; ``y`` → ``ы``, ``u`` → ``у``, ``ı`` → ``і``, ``h`` → ``х``, ``j`` → ``ж``,
    ``q`` → ``қ``), the 2018 acute letters (``á ǵ ń ó ú ý``), the 2017 apostrophe letters (``a' g' n' o'
    u' y' s' c' i'``), and the digraphs ``sh ch zh kh``. Latin ``i`` (which after case folding stands for
    both ``I ı`` and ``İ i``) becomes ``й`` after a vowel, ``и`` before a vowel, ``і`` otherwise;
    ``ia``/``iu`` at the start of a word or after a vowel become ``я``/``ю``. A word with ``w``, ``x``, a
    lone ``c`` or any other letter (``é``, Cyrillic) is not Kazakh and stays as it is. Plain ``u`` is read
    as the 2021 ``у`` (in 2017 it was ``ұ``). English words without those letters are read too (``kill``
    → ``кілл``); they rarely meet a Kazakh term. The result is normalised again, so
    ``normalise(result.text).text == result.text``; ``origin`` indexes ``text``.
    """
    pieces: list[str] = []
    origin: list[int] = []
    at = 0
    changed = False
    for match in _LATIN_WORD.finditer(text):
        word = match.group()
        if word[-1] in _APOSTROPHES and word[-2] not in _APOSTROPHE_LETTERS and word[-2] != "i":
            word = word.rstrip(_APOSTROPHES)  # a closing quote, not a 2017 letter
        if not _convertible(word):
            continue
        start = match.start()
        converted, positions = _word_to_cyrillic(word, start)
        pieces.append(text[at:start])
        origin.extend(range(at, start))
        pieces.append(converted)
        origin.extend(positions)
        at = start + len(word)
        changed = True
    if not changed:
        return Normalised(text, tuple(range(len(text))), source_length=len(text))
    pieces.append(text[at:])
    origin.extend(range(at, len(text)))
    first = Normalised("".join(pieces), tuple(origin), source_length=len(text))
    second = normalise(first.text)
    if second.text == first.text:
        return first
    return first.then(second)


# --- terms ------------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def fold_term(term: str) -> str:
    """What a term-list entry becomes to match normalised text: ``normalise(term).text``.

    On text that is already normalised (or the output of ``to_cyrillic``) it is the identity, so it can
    be passed as the ``fold`` of a term matcher over normalised text: it then works character by
    character. Cached, since a matcher folds each text it searches.
    """
    return normalise(term).text
