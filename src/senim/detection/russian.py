"""Russian lemmatisation with pymorphy3, for lemma terms of the :class:`~senim.detection.terms.TermMatcher`.

The analyser loads its dictionaries once, lazily, on first use (guarded by a lock, since job workers
may run several threads); results are cached per word.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import pymorphy3  # type: ignore[import-untyped,unused-ignore]

# A Russian word: Russian Cyrillic letters, optionally hyphenated. Words with Kazakh-only letters
# (ә, ғ, қ, ң, ө, ұ, ү, һ, і) or Latin letters are not given to the Russian analyser, which would only
# guess at them.
_RUSSIAN_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*", re.IGNORECASE)

_lock = threading.Lock()
_analyser: pymorphy3.MorphAnalyzer | None = None


def analyser() -> pymorphy3.MorphAnalyzer:
    """The process-wide pymorphy3 analyser, created on first use."""
    global _analyser  # one lazily-built analyser per process
    if _analyser is None:
        with _lock:
            if _analyser is None:
                _analyser = pymorphy3.MorphAnalyzer()
    return _analyser


@lru_cache(maxsize=100_000)
def lemmas(word: str) -> frozenset[str]:
    """The dictionary forms of a Russian ``word`` (all its possible parses), plus ``word`` itself.

    Lemmas are lower case; a lemma spelt with ``ё`` is also given with ``е``, since normalised text and
    term lists often drop the diaeresis. A word that is not Russian Cyrillic gives ``{word}``.
    """
    if not _RUSSIAN_WORD.fullmatch(word):
        return frozenset({word})
    found = {word}
    for parse in analyser().parse(word):
        lemma: str = parse.normal_form
        found.add(lemma)
        if "ё" in lemma:
            found.add(lemma.replace("ё", "е"))
    return frozenset(found)
