"""Language identification of a content item: Kazakh (Cyrillic and Latin), Russian, English and others.

Pure: no I/O beyond reading its own profile (``langid_profile.json``, package data read with
``importlib.resources``), which ``tools/train_langid.py`` builds from the hand-written sentences in
``tools/langid_corpus/``.

How a text is read:

1. Addresses, e-mails, ``@mentions``, ``#hashtags``, numbers, emoji and punctuation carry no language and
   are skipped. What is left is words: runs of letters (an apostrophe between letters belongs to the word:
   ``oʻzbek``, ``don't``). Each word is NFKC-folded, lower-cased, stripped of combining and invisible marks,
   and runs of 3 or more of a letter become one (``приветтт``). A word mixing Latin and Cyrillic letters
   is read in its dominant script (``бiлiм`` → ``білім``, with ``senim.detection.normalise``).
2. A word in the Latin or Cyrillic script is scored for every *class* of the profile by naive Bayes over
   its character 1- to 4-grams (with word boundaries) and the word itself. The log-likelihood is divided
   by a temperature (the n-grams of a word overlap, so they are not independent evidence), and a letter
   outside a class's alphabet costs a fixed penalty on top (``і ї є`` for Russian, ``қ ә`` for Kyrgyz,
   ``w x`` for Kazakh Latin). A language may have several classes: Kazakh has ``kk`` (Cyrillic),
   ``kk~plain`` (typed on a Russian keyboard: ``а`` for ``ә``, ``к`` for ``қ``...), ``kk-Latn`` (the 2021
   alphabet ``ä ğ ı ñ ö ş ū ü`` and the 2018 acute letters) and ``kk-Latn~plain`` (ASCII only:
   ``Salem, qalaisyn``); Uzbek has Latin and Cyrillic classes. A word in a script only one language here
   uses (Greek, Armenian, Georgian, Hebrew, Arabic, Devanagari, Thai, Hangul, kana, Han) counts for that
   language (Han for Japanese when the text has kana). Words in other scripts are not scored.
3. The text is read as a mixture: the share of each class is estimated from the words' likelihoods by a
   few expectation-maximisation steps, with a Dirichlet prior worth ``prior_weight`` letters spread as a
   Kazakhstan platform's languages are. A word that fits several languages goes with the rest of the text;
   a word clearly in another language keeps its own; the prior keeps a short text's shares modest.

``identify`` reports the language with the largest share, that share as ``confidence`` (a clean sentence:
about 0.85 to 0.95; one or two words: about 0.5 to 0.8; Kazakh with Russian words: about the Kazakh share)
and every language's share of at least 0.005 in ``scores``. ``identify_spans`` gives the runs of words in
each language. Without a word to go on (empty, only emoji, numbers, addresses, mentions, or a script it
does not know) the language is ``"und"`` with confidence 0.

Limits: a language outside the profile written in the Latin or Cyrillic script (Polish, Italian,
Belarusian, Tatar, Mongolian...) is reported as the nearest one in it, usually with a low confidence;
Arabic script is reported as Arabic (Persian, Urdu and Uyghur too); Kyrgyz without ``ң ө ү`` can pass for
Kazakh typed on a Russian keyboard, Ukrainian without ``і ї є ґ`` for Russian; a text of one or two common
words (``ok``, ``да``) follows the prior, and its confidence says so.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from senim.detection.normalise import normalise

UNDETERMINED = "und"
PROFILE_FILE = "langid_profile.json"
ORDERS = (1, 2, 3, 4)
KINDS = ("1", "2", "3", "4", "word")  # feature kinds: n-grams of each order, then words ("<word>")
_WORD_KIND = len(KINDS) - 1

_MAX_WORDS = 400  # ``identify`` reads a longer text from an even sample of its words
_MAX_WORD_WEIGHT = 12  # letters a single word counts for at most
_DENSE_WEIGHT = 3  # ...and each character of Han, kana or Hangul counts for this many letters
_ALPHABET_MIN = 2  # a letter seen fewer times in a class's corpus is outside its alphabet
_EM_STEPS = 6  # expectation-maximisation steps estimating a text's mixture
_MIN_SCORE = 0.005  # shares below this are left out of ``scores``
_SCRIPT_SHARE = 0.8  # a text whose main script has less than this share of the letters is "mixed"
_CACHE_WORDS = 50_000  # word likelihoods kept per model

# --- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identification:
    """The language of a text (ISO 639-1, or "und"), the share of the evidence for it, and the script."""

    language: str
    confidence: float  # 0..1: the language's share of the evidence, smaller for short or mixed texts
    script: str  # ISO 15924 ("Cyrl", "Latn", "Arab", "Jpan"...), "mixed", or "Zyyy" without words
    scores: dict[str, float] = field(default_factory=dict)  # language → share, largest first, >= 0.005


@dataclass(frozen=True)
class Span:
    """A run of words in one language: ``text[start:end]``."""

    start: int
    end: int
    language: str
    confidence: float  # the mean share of that language over the run's words


# --- scripts -----------------------------------------------------------------------------------------

# (first code point, script) for every range, sorted; a code point belongs to the last range at or below
# it, "" for no script of interest.
_SCRIPT_RANGES: tuple[tuple[int, str], ...] = (
    (0x0000, "Latn"),
    (0x02B0, ""),
    (0x0370, "Grek"),
    (0x0400, "Cyrl"),
    (0x0530, "Armn"),
    (0x0590, "Hebr"),
    (0x0600, "Arab"),
    (0x0700, ""),
    (0x0750, "Arab"),
    (0x0780, ""),
    (0x08A0, "Arab"),
    (0x0900, "Deva"),
    (0x0980, ""),
    (0x0E00, "Thai"),
    (0x0E80, ""),
    (0x10A0, "Geor"),
    (0x1100, "Hang"),
    (0x1200, ""),
    (0x1C80, "Cyrl"),
    (0x1C90, "Geor"),
    (0x1CC0, ""),
    (0x1E00, "Latn"),
    (0x1F00, "Grek"),
    (0x2000, ""),
    (0x2C60, "Latn"),
    (0x2C80, ""),
    (0x2DE0, "Cyrl"),
    (0x2E00, ""),
    (0x3040, "Hira"),
    (0x30A0, "Kana"),
    (0x3100, ""),
    (0x3130, "Hang"),
    (0x3190, ""),
    (0x3400, "Hani"),
    (0x4DC0, ""),
    (0x4E00, "Hani"),
    (0xA000, ""),
    (0xA640, "Cyrl"),
    (0xA6A0, ""),
    (0xA720, "Latn"),
    (0xA800, ""),
    (0xAC00, "Hang"),
    (0xD7B0, ""),
    (0xF900, "Hani"),
    (0xFB00, "Latn"),
    (0xFB07, ""),
    (0xFB1D, "Hebr"),
    (0xFB50, "Arab"),
    (0xFE00, ""),
    (0xFE70, "Arab"),
    (0xFF00, ""),
    (0xFF21, "Latn"),
    (0xFF5B, ""),
    (0xFF66, "Kana"),
    (0xFFA0, ""),
)
_SCRIPT_STARTS = tuple(start for start, _ in _SCRIPT_RANGES)
_MODELLED_SCRIPTS = frozenset(("Latn", "Cyrl"))
# scripts written here in one language, and that language
_SCRIPT_LANGUAGES = {
    "Grek": "el",
    "Armn": "hy",
    "Hebr": "he",
    "Arab": "ar",
    "Deva": "hi",
    "Thai": "th",
    "Geor": "ka",
    "Hang": "ko",
    "Hira": "ja",
    "Kana": "ja",
    "Hani": "zh",
}
_SCRIPT_PRIOR = 0.002  # the prior share of each of those languages


def _script(ch: str) -> str:
    return _SCRIPT_RANGES[bisect.bisect_right(_SCRIPT_STARTS, ord(ch)) - 1][1]


# --- words -------------------------------------------------------------------------------------------

_APOSTROPHES = "'’ʼ‘`ʻ"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_MARKS = "\u0300-\u036f"
# not words of a language: addresses, e-mails, mentions, hashtags
_NOISE = re.compile(
    rf"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[@#][\w{_MARKS}{_INVISIBLE}]+", re.IGNORECASE
)
_WORD = re.compile(rf"[^\W\d_](?:[^\W\d_{_INVISIBLE}]|[{_MARKS}{_INVISIBLE}]|[{_APOSTROPHES}](?=[^\W\d_]))*")
_DROP = re.compile(rf"[{_MARKS}{_INVISIBLE}]")
_REPEATS = re.compile(r"(.)\1{2,}")
_APOSTROPHE_FOLD = str.maketrans(dict.fromkeys(_APOSTROPHES, "'"))
_HAS_LATIN = re.compile(r"[a-z\u00c0-\u024f]")
_HAS_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_DENSE_SCRIPTS = frozenset(("Hani", "Hira", "Kana", "Hang"))
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")


class _Word(NamedTuple):
    start: int
    end: int
    form: str  # folded: what the model reads
    script: str


@lru_cache(maxsize=16384)
def _fold(word: str) -> tuple[str, str]:
    """What the model reads of a word, and its script ("" for none of interest)."""
    if word.isascii():
        form = word.lower().replace("`", "'")
    else:
        form = _DROP.sub("", unicodedata.normalize("NFKC", word).casefold()).translate(_APOSTROPHE_FOLD)
        if _HAS_LATIN.search(form) and _HAS_CYRILLIC.search(form):
            form = normalise(form).text  # look-alike letters read in the word's dominant script
    if _REPEATS.search(form):
        form = _REPEATS.sub(r"\1", form)
    if not form:
        return form, ""
    script = _script(form[0])
    if script == "Hani" and _KANA.search(form):
        script = "Kana"  # Japanese runs Han and kana together without spaces
    return form, script


def _words(text: str) -> list[_Word]:
    """The words of ``text`` with their positions, but addresses, mentions, hashtags and unknown scripts."""
    if ("@" in text or "#" in text or "://" in text or "www." in text) and _NOISE.search(text):
        text = _NOISE.sub(lambda match: " " * len(match.group()), text)
    found: list[_Word] = []
    for match in _WORD.finditer(text):
        form, script = _fold(match.group())
        if script:
            found.append(_Word(match.start(), match.end(), form, script))
    return found


def _grams(form: str) -> list[str]:
    padded = f" {form} "
    grams = list(form)
    for order in ORDERS[1:]:
        grams.extend(padded[i : i + order] for i in range(len(padded) - order + 1))
    return grams


def feature_kind(feature: str) -> int:
    """The index in ``KINDS`` of a feature that ``features`` returns."""
    return _WORD_KIND if feature[0] == "<" else len(feature) - 1


def features(text: str) -> list[str]:
    """What the model reads in ``text``, word by word: n-grams, then the word (for the training tool)."""
    found: list[str] = []
    for word in _words(text):
        if word.script in _MODELLED_SCRIPTS:
            found.extend(_grams(word.form))
            found.append(f"<{word.form}>")
    return found


# --- the model ---------------------------------------------------------------------------------------


class _Model:
    """A profile made ready to score: log-probabilities by feature and class, priors, settings."""

    def __init__(self, profile: Mapping[str, Any]) -> None:
        classes: list[dict[str, Any]] = profile["classes"]
        counts_by_class: dict[str, dict[str, int]] = profile["counts"]
        vocabulary: dict[str, int] = profile["vocabulary"]
        smoothing = float(profile["smoothing"])
        self.temperature = float(profile["temperature"])
        self.prior_weight = float(profile["prior_weight"])
        penalty = float(profile["alphabet_penalty"])
        names = [str(spec["name"]) for spec in classes]
        self.modelled = len(names)  # the classes with n-gram statistics come first
        # feature → row of ``log_prob``; rows 0..4 are for features unseen in training, by kind
        self.rows: dict[str, int] = {}
        for counts in counts_by_class.values():
            for feature in counts:
                self.rows.setdefault(feature, len(KINDS) + len(self.rows))
        row_kind = np.array([*range(len(KINDS)), *map(feature_kind, self.rows)])
        self.log_prob = np.empty((len(row_kind), len(names)))
        for column, spec in enumerate(classes):
            totals = spec["totals"]
            denominators = np.array([totals[kind] + smoothing * vocabulary[kind] for kind in KINDS])
            counts_here = np.full(len(row_kind), smoothing)  # additive smoothing
            for feature, count in counts_by_class[spec["name"]].items():
                counts_here[self.rows[feature]] += count
            self.log_prob[:, column] = np.log(counts_here / denominators[row_kind])
            # a letter outside the class's alphabet costs ``penalty`` more, after the temperature
            foreign = (row_kind == 0) & (counts_here < smoothing + _ALPHABET_MIN)
            self.log_prob[foreign, column] -= penalty * self.temperature
        self.log_prob /= self.temperature
        script_languages = sorted(set(_SCRIPT_LANGUAGES.values()))
        class_languages = [*(str(spec["language"]) for spec in classes), *script_languages]
        self.languages = tuple(dict.fromkeys(class_languages))
        # class → language, as a matrix: shares @ to_language sums a language's classes
        self.to_language = np.zeros((len(class_languages), len(self.languages)))
        self.to_language[range(len(class_languages)), [self.languages.index(x) for x in class_languages]] = 1
        prior = np.array(
            [*(float(spec["prior"]) for spec in classes), *[_SCRIPT_PRIOR] * len(script_languages)]
        )
        self.prior = prior / prior.sum()
        self.script_class = {
            script: len(names) + script_languages.index(language)
            for script, language in _SCRIPT_LANGUAGES.items()
        }
        self._cache: dict[str, NDArray[np.float64]] = {}
        self._lock = threading.Lock()

    def word_likelihoods(self, words: Sequence[_Word]) -> NDArray[np.float64]:
        """Tempered log-likelihood of each word under each class (words × classes)."""
        result = np.full((len(words), len(self.prior)), -1e4)
        kana = any(word.script in ("Hira", "Kana") for word in words)
        missing: list[int] = []
        for i, word in enumerate(words):
            if word.script in _MODELLED_SCRIPTS:
                cached = self._cache.get(word.form)
                if cached is None:
                    missing.append(i)
                else:
                    result[i, : self.modelled] = cached
            else:
                script = "Kana" if word.script == "Hani" and kana else word.script
                result[i, self.script_class[script]] = 0.0
        if missing:
            get = self.rows.get
            indices: list[int] = []
            offsets: list[int] = []
            for i in missing:
                form = words[i].form
                offsets.append(len(indices))
                # the features of ``_grams`` and the word, order by order: an unseen one gets its kind's row
                indices.extend([get(letter, 0) for letter in form])
                padded = f" {form} "
                for order in ORDERS[1:]:
                    indices.extend(
                        [get(padded[at : at + order], order - 1) for at in range(len(padded) - order + 1)]
                    )
                indices.append(get(f"<{form}>", _WORD_KIND))
            taken = self.log_prob.take(np.fromiter(indices, np.intp, len(indices)), axis=0)
            sums = np.add.reduceat(taken, offsets, axis=0)
            result[missing, : self.modelled] = sums
            with self._lock:
                if len(self._cache) + len(missing) > _CACHE_WORDS:
                    self._cache.clear()
                for i, row in zip(missing, sums, strict=True):
                    self._cache[words[i].form] = row
        return result

    def mixture(
        self, likelihoods: NDArray[np.float64], weights: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The classes' shares of the text, and each word's share of each class (words × classes)."""
        odds = np.exp(likelihoods - likelihoods.max(axis=1, keepdims=True))
        pseudo = self.prior_weight * self.prior
        total = weights.sum() + self.prior_weight
        share = self.prior
        responsibilities = odds
        for _ in range(_EM_STEPS):
            responsibilities = odds * share
            responsibilities /= responsibilities.sum(axis=1, keepdims=True)
            share = (weights @ responsibilities + pseudo) / total
        return share, responsibilities


def build_model(profile: Mapping[str, Any]) -> _Model:
    """The model a profile (the parsed JSON of ``langid_profile.json``) describes."""
    return _Model(profile)


@cache
def _model() -> _Model:
    text = resources.files("senim.translation").joinpath(PROFILE_FILE).read_text(encoding="utf-8")
    return build_model(json.loads(text))


def languages() -> tuple[str, ...]:
    """Every language ``identify`` can report, besides "und"."""
    return _model().languages


# --- identification --------------------------------------------------------------------------------


def _weight(word: _Word) -> int:
    letters = len(word.form) * (_DENSE_WEIGHT if word.script in _DENSE_SCRIPTS else 1)
    return min(letters, _MAX_WORD_WEIGHT)


def _text_script(words: Sequence[_Word]) -> str:
    letters: dict[str, int] = {}
    kana = any(word.script in ("Hira", "Kana") for word in words)
    for word in words:
        script = "Jpan" if kana and word.script in ("Hira", "Kana", "Hani") else word.script
        letters[script] = letters.get(script, 0) + len(word.form)
    main = max(letters, key=letters.__getitem__)
    return main if letters[main] >= _SCRIPT_SHARE * sum(letters.values()) else "mixed"


def _analyse(model: _Model, words: Sequence[_Word]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each language's share of the words, and each word's share of each language."""
    weights = np.array([_weight(word) for word in words], dtype=np.float64)
    share, responsibilities = model.mixture(model.word_likelihoods(words), weights)
    return share @ model.to_language, responsibilities @ model.to_language


def identify(text: str, *, model: _Model | None = None) -> Identification:
    """The language of ``text``, the share of the evidence for it, its script and each language's share.

    ``model`` scores with another profile (``build_model``), to evaluate one; the default is the shipped one.
    """
    words = _words(text)
    if not words:
        return Identification(UNDETERMINED, 0.0, "Zyyy", {})
    if len(words) > _MAX_WORDS:
        step = len(words) / _MAX_WORDS
        words = [words[int(i * step)] for i in range(_MAX_WORDS)]
    model = model or _model()
    shares, _ = _analyse(model, words)
    order = np.argsort(-shares, kind="stable")
    scores = {model.languages[i]: round(float(shares[i]), 4) for i in order if shares[i] >= _MIN_SCORE}
    best = int(order[0])
    return Identification(model.languages[best], round(float(shares[best]), 4), _text_script(words), scores)


def identify_spans(text: str, *, model: _Model | None = None) -> tuple[Span, ...]:
    """Runs of consecutive words in the same language, in order; empty when ``text`` has no words."""
    words = _words(text)
    if not words:
        return ()
    model = model or _model()
    _, per_word = _analyse(model, words)
    best = per_word.argmax(axis=1)
    share = per_word[np.arange(len(words)), best]
    spans: list[Span] = []
    first = 0
    for last in range(len(words)):
        if last + 1 == len(words) or best[last + 1] != best[first]:
            confidence = round(float(share[first : last + 1].mean()), 4)
            language = model.languages[int(best[first])]
            spans.append(Span(words[first].start, words[last].end, language, confidence))
            first = last + 1
    return tuple(spans)
