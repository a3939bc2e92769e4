"""Term lists compiled into Aho-Corasick automata, with word boundaries (LAW-15, LAW-36).

A :class:`TermMatcher` is built once from many terms and then searches texts in time linear in their
length. Three kinds of term:

- ``exact``: a word or phrase matching only between word boundaries, so ``суицид`` does not match
  inside ``антисуицидальный`` and ``ат`` does not match ``атом``.
- ``stem``: the term must start at a word start; the word it ends in is then accepted when
  ``inflects(word, stem)`` is true (for a phrase, the phrase's last word and the term's last word are
  passed). The bare stem standing as a whole word always matches. Without an ``inflects`` callable
  every continuation is accepted: a stem then behaves as a word-prefix.
- ``lemma`` (Russian): the term is a dictionary form; a word matches when one of ``lemmatise(word)``
  equals it. A phrase of lemmas matches consecutive words separated only by white space. A matcher
  with lemma terms needs a ``lemmatise`` callable.

Word characters are Unicode letters and digits (``str.isalnum``), plus an apostrophe (``'``, ``’``,
``ʼ``) standing between two letters (Kazakh in Latin script: ``qazaq'ta``). Any other character,
including the underscore and combining marks, separates words; a term beginning or ending with a
non-word character needs no boundary on that side.

The caller normalises the text (see ``normalise.py``); terms and text are both passed through ``fold``
(``str.casefold`` by default). ``fold`` must work character by character (``fold(a + b) ==
fold(a) + fold(b)``); when it changes the length of the text, hits are mapped back to the original
characters and a hit that would split one original character is dropped. White space around a term is
ignored and a term empty once folded is a ``ValueError``. Hits are unique per (term id, start, end).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import ahocorasick  # type: ignore[import-untyped,unused-ignore]


class TermKind(StrEnum):
    exact = "exact"
    stem = "stem"
    lemma = "lemma"


@dataclass(frozen=True)
class Term:
    id: str
    text: str
    kind: TermKind = TermKind.exact
    category: str = ""
    language: str | None = None


@dataclass(frozen=True)
class TermHit:
    term_id: str
    start: int
    end: int


APOSTROPHES = "'’ʼ"
_LETTER = r"[^\W\d_]"
_ALNUM = r"[^\W_]"
_INNER_APOSTROPHE = rf"(?<={_LETTER})[{APOSTROPHES}](?={_LETTER})"
_WORD = re.compile(rf"{_ALNUM}+(?:{_INNER_APOSTROPHE}{_ALNUM}+)*")
_WORD_TAIL = re.compile(rf"(?:{_ALNUM}|{_INNER_APOSTROPHE})*")
_SPLIT_WORDS = re.compile(r"\s+")


def is_word_char(text: str, index: int) -> bool:
    """Whether ``text[index]`` belongs to a word (letter, digit, or apostrophe between two letters)."""
    ch = text[index]
    if ch.isalnum():
        return True
    return (
        ch in APOSTROPHES
        and 0 < index < len(text) - 1
        and text[index - 1].isalpha()
        and text[index + 1].isalpha()
    )


def is_boundary(text: str, index: int) -> bool:
    """Whether a word boundary lies before ``text[index]`` (``index`` may be 0 or ``len(text)``)."""
    if index <= 0 or index >= len(text):
        return True
    return not (is_word_char(text, index - 1) and is_word_char(text, index))


@dataclass(frozen=True, slots=True)
class _Entry:
    term_id: str
    kind: TermKind
    last_word: str  # the folded term's last word, for ``inflects`` on stem terms


@dataclass(frozen=True, slots=True)
class _LemmaPhrase:
    term_id: str
    lemmas: tuple[str, ...]


class TermMatcher:
    """Finds many terms at once in a normalised text."""

    def __init__(
        self,
        terms: Iterable[Term],
        *,
        fold: Callable[[str], str] = str.casefold,
        inflects: Callable[[str, str], bool] | None = None,
        lemmatise: Callable[[str], Iterable[str]] | None = None,
    ) -> None:
        self._fold = fold
        self._inflects = inflects
        self._lemmatise = lemmatise
        self._count = 0
        automaton = ahocorasick.Automaton()
        keys: dict[str, list[_Entry]] = {}
        lemmas: defaultdict[str, list[_LemmaPhrase]] = defaultdict(list)
        for term in terms:
            self._count += 1
            kind = TermKind(term.kind)
            folded = fold(term.text).strip()
            if not folded:
                raise ValueError(f"term {term.id!r} is empty once folded")
            if kind is TermKind.lemma:
                words = tuple(_SPLIT_WORDS.split(folded))
                lemmas[words[0]].append(_LemmaPhrase(term.id, words))
                continue
            keys.setdefault(folded, []).append(_Entry(term.id, kind, _SPLIT_WORDS.split(folded)[-1]))
        self._lemmas: dict[str, list[_LemmaPhrase]] = dict(lemmas)
        if self._lemmas and lemmatise is None:
            raise ValueError("lemma terms need a lemmatise callable")
        for key, entries in keys.items():
            automaton.add_word(key, (len(key), tuple(entries)))
        self._automaton = automaton if keys else None
        if self._automaton is not None:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return self._count

    def find(self, text: str) -> list[TermHit]:
        """Every term occurrence in ``text``, sorted by (start, end, term id), without duplicates."""
        if not text or not self._count:
            return []
        folded, origin = self._fold_text(text)
        hits: set[tuple[int, int, str]] = set()
        if self._automaton is not None:
            self._find_keys(folded, hits)
        if self._lemmas:
            self._find_lemmas(folded, hits)
        return [
            TermHit(term_id, start, end)
            for start, end, term_id in sorted(self._to_original(hits, origin, len(text)))
        ]

    def _fold_text(self, text: str) -> tuple[str, list[int] | None]:
        """The folded text and, when folding changed its length, each folded char's original index."""
        folded = self._fold(text)
        if len(folded) == len(text):
            return folded, None
        pieces: list[str] = []
        origin: list[int] = []
        for index, ch in enumerate(text):
            piece = self._fold(ch)
            pieces.append(piece)
            origin.extend([index] * len(piece))
        return "".join(pieces), origin

    @staticmethod
    def _to_original(
        hits: set[tuple[int, int, str]], origin: list[int] | None, length: int
    ) -> Iterable[tuple[int, int, str]]:
        if origin is None:
            yield from hits
            return
        for start, end, term_id in hits:
            first, last = origin[start], origin[end - 1]
            # drop a hit that would start or end inside one original character's folded form
            if start > 0 and origin[start - 1] == first:
                continue
            if end < len(origin) and origin[end] == last:
                continue
            yield first, min(last + 1, length), term_id

    def _find_keys(self, folded: str, hits: set[tuple[int, int, str]]) -> None:
        assert self._automaton is not None  # noqa: S101 - narrowed for mypy
        inflects = self._inflects
        for end_index, (length, entries) in self._automaton.iter(folded):
            end = end_index + 1
            start = end - length
            if not is_boundary(folded, start):
                continue
            at_word_end = is_boundary(folded, end)
            word_end: int | None = None
            for entry in entries:
                if at_word_end:
                    hits.add((start, end, entry.term_id))
                    continue
                if entry.kind is not TermKind.stem:
                    continue
                if word_end is None:
                    tail = _WORD_TAIL.match(folded, end)
                    word_end = tail.end() if tail else end
                if inflects is not None:
                    # the word the stem ends in: from the start of the term's last word to the word end
                    word = folded[end - len(entry.last_word) : word_end]
                    if not inflects(word, entry.last_word):
                        continue
                hits.add((start, word_end, entry.term_id))

    def _find_lemmas(self, folded: str, hits: set[tuple[int, int, str]]) -> None:
        assert self._lemmatise is not None  # noqa: S101 - checked in __init__
        lemmatise = self._lemmatise
        cache: dict[str, frozenset[str]] = {}

        def lemmas_of(word: str) -> frozenset[str]:
            found = cache.get(word)
            if found is None:
                found = frozenset(lemmatise(word))
                cache[word] = found
            return found

        words = [(match.start(), match.end()) for match in _WORD.finditer(folded)]
        for position, (start, end) in enumerate(words):
            word_lemmas = lemmas_of(folded[start:end])
            for lemma in word_lemmas:
                for phrase in self._lemmas.get(lemma, ()):
                    phrase_end = self._phrase_end(folded, words, position, phrase.lemmas, lemmas_of)
                    if phrase_end is not None:
                        hits.add((start, phrase_end, phrase.term_id))

    @staticmethod
    def _phrase_end(
        folded: str,
        words: list[tuple[int, int]],
        position: int,
        lemmas: tuple[str, ...],
        lemmas_of: Callable[[str], frozenset[str]],
    ) -> int | None:
        end = words[position][1]
        for offset, lemma in enumerate(lemmas[1:], start=1):
            if position + offset >= len(words):
                return None
            next_start, next_end = words[position + offset]
            if not folded[end:next_start].isspace():
                return None
            if lemma not in lemmas_of(folded[next_start:next_end]):
                return None
            end = next_end
        return end
