"""Kazakh between its alphabets: Cyrillic ↔ Latin (the 2021 alphabet). Pure, case-preserving.

The 2021 Latin alphabet: A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z, where ``I ı`` is
Cyrillic і, ``İ i`` is и and й, ``Y y`` is ы, ``U u`` у, ``Ū ū`` ұ, ``Ü ü`` ү. Letters only Russian loans
use are spelt out (ц → ts, ч → ch, щ → şş, ё → io, ю → iu, я → ia); the hard and soft signs are dropped.
Reading Latin back, the digraphs ``ch``, ``ts``, ``io``, ``iu``, ``ia`` stay letter by letter (a Kazakh
word may hold them); the 2017 and 2018 variants (á, ǵ, ń, ó, ú, ý, apostrophes) are read as well.
"""

from __future__ import annotations

import re
import unicodedata

_TO_LATIN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
    "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "",
    "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
_TO_CYRILLIC = {
    "a": "а", "ä": "ә", "á": "ә", "b": "б", "c": "с", "d": "д", "e": "е", "f": "ф", "g": "г", "ğ": "ғ",
    "ǵ": "ғ", "h": "х", "ı": "і", "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң",
    "ń": "ң", "o": "о", "ö": "ө", "ó": "ө", "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "t": "т",
    "u": "у", "ū": "ұ", "ü": "ү", "ú": "ү", "v": "в", "w": "у", "x": "х", "y": "ы", "ý": "у", "z": "з",
}  # fmt: skip
_WORD = re.compile(r"\w+", re.UNICODE)


def _cased(source: str, mapped: str) -> str:
    """``mapped`` with the case of ``source``: "Ш" → "Ş", "Щ" → "Şş", "ЩИТ" → "ŞŞİT"."""
    if not mapped or not source.isupper():
        return mapped
    return mapped.upper() if len(mapped) == 1 else mapped[0].upper() + mapped[1:]


def _upper_latin(ch: str) -> str:
    return {"i": "İ", "ı": "I"}.get(ch, ch.upper())


def to_latin(text: str) -> str:
    """Kazakh Cyrillic in the 2021 Latin alphabet; other characters unchanged."""

    def word(match: re.Match[str]) -> str:
        w = match.group()
        all_upper = len(w) > 1 and w.isupper()
        out = []
        for ch in w:
            mapped = _TO_LATIN.get(ch.lower())
            if mapped is None:
                out.append(ch)
            elif all_upper:
                out.append("".join(_upper_latin(c) for c in mapped))
            elif ch.isupper():
                out.append(_upper_latin(mapped[0]) + mapped[1:] if mapped else "")
            else:
                out.append(mapped)
        return "".join(out)

    return _WORD.sub(word, text)


_APOSTROPHE_LETTERS = {"a": "ä", "g": "ğ", "n": "ñ", "o": "ö", "u": "ü", "y": "u", "s": "ş", "c": "ch"}
_APOSTROPHE = re.compile(r"([agnouysc])['’ʼ]", re.IGNORECASE)
_LATIN_VOWELS = frozenset("aäáeıioöóuūüúyý")


def _apostrophe_letter(match: re.Match[str]) -> str:
    letter = _APOSTROPHE_LETTERS[match.group(1).lower()]
    return letter[0].upper() + letter[1:] if match.group(1).isupper() else letter


def to_cyrillic(text: str) -> str:
    """Kazakh in the Latin alphabet (2021, also 2017/2018 variants) in Cyrillic; others unchanged.
    ``i`` after a vowel and before a consonant or the end of a word is й (``üi`` → үй, ``qalaisyñ`` →
    қалайсың); elsewhere и."""
    text = _APOSTROPHE.sub(_apostrophe_letter, text)
    out = []
    for index, ch in enumerate(text):
        lower = "i" if ch == "İ" else ("ı" if ch == "I" else ch.lower())
        mapped = _TO_CYRILLIC.get(lower)
        if mapped is None:
            out.append(ch)
            continue
        if lower == "i" and index and text[index - 1].lower() in _LATIN_VOWELS:
            following = text[index + 1 : index + 2].lower()
            if not following or following not in _LATIN_VOWELS:
                mapped = "й"
        out.append(mapped.upper() if ch.isupper() else mapped)
    return "".join(out)


def script_of(text: str) -> str:
    """ "Cyrl", "Latn", "mixed" or "none", by the letters of ``text``."""
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in text if ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"))
    if not cyrillic and not latin:
        return "none"
    if cyrillic and latin and min(cyrillic, latin) / (cyrillic + latin) > 0.2:
        return "mixed"
    return "Cyrl" if cyrillic >= latin else "Latn"
