"""Build the language identification profile (src/senim/translation/langid_profile.json) from the corpus.

Run: .venv/bin/python tools/train_langid.py          (writes the profile)
     .venv/bin/python tools/train_langid.py --check  (exit 1 if the committed profile is out of date)

The corpus is tools/langid_corpus/<class>.txt: hand-written sentences, one a line, ``#`` for comments.
Some classes are derived from another class's sentences, so that every way people write a language is
covered without writing it out several times:

- ``kk~plain``: kk.txt typed on a Russian keyboard (ә → а, қ → к, і → и, ...);
- ``kk-Latn``: kk-Latn.txt, and kk.txt in the 2021 Latin alphabet (even lines) and the 2018 one (odd lines);
- ``kk-Latn~plain``: kk.txt in plain ASCII Latin as chats write it, two spellings alternating
  (ж қ ң х as ``j q n h`` or ``zh k ng kh``), and kk-Latn.txt without its diacritics;
- ``uz-Cyrl``: uz.txt in the Uzbek Cyrillic alphabet.

For every class the tool counts the features ``senim.translation.langid.features`` reads (character 1- to
4-grams and words), keeps the frequent ones (at least ``MIN_COUNT`` times, letters always, at most ``TOP``)
and writes them with each kind's total count, the size of the whole vocabulary, the priors and the
model's settings. The output depends only on the corpus and this file: the same corpus gives the same
bytes, which tests/translation/test_langid.py checks against the committed profile.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from senim.translation.langid import KINDS, PROFILE_FILE, feature_kind, features

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tools" / "langid_corpus"
PROFILE = ROOT / "src" / "senim" / "translation" / PROFILE_FILE

SMOOTHING = 0.5  # added to every feature's count
TEMPERATURE = 8.0  # word log-likelihoods are divided by this (the n-grams of a word overlap)
PRIOR_WEIGHT = 3.0  # letters' worth of prior in a text's mixture
ALPHABET_PENALTY = 3.0  # log-likelihood a word loses per letter outside a class's alphabet
MIN_COUNT = 2  # features (but letters) seen fewer times are dropped
TOP = 3000  # features kept per class at most

# class → (language, prior share). The priors are what a Kazakhstan platform sees, roughly.
CLASSES: dict[str, tuple[str, float]] = {
    "kk": ("kk", 0.16),
    "kk~plain": ("kk", 0.05),
    "kk-Latn": ("kk", 0.05),
    "kk-Latn~plain": ("kk", 0.04),
    "ru": ("ru", 0.35),
    "en": ("en", 0.12),
    "uz": ("uz", 0.03),
    "uz-Cyrl": ("uz", 0.01),
    "ky": ("ky", 0.03),
    "uk": ("uk", 0.03),
    "tr": ("tr", 0.03),
    "de": ("de", 0.02),
    "fr": ("fr", 0.02),
    "es": ("es", 0.02),
}

# --- spellings ---------------------------------------------------------------------------------------

_KK_PLAIN_CYRILLIC = str.maketrans("әғқңөұүһі", "агкноуухи")
_KK_LATIN_2021 = {
    "а": "a",
    "ә": "ä",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "ğ",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ñ",
    "о": "o",
    "ө": "ö",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "ū",
    "ү": "ü",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "ş",
    "щ": "şş",
    "ъ": "",
    "ы": "y",
    "і": "ı",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
_KK_LATIN_2018 = _KK_LATIN_2021 | {
    "ә": "á",
    "ғ": "ǵ",
    "ё": "ıo",
    "и": "ı",
    "й": "ı",
    "ң": "ń",
    "ө": "ó",
    "у": "ý",
    "ұ": "u",
    "ү": "ú",
    "ш": "sh",
    "щ": "shsh",
    "і": "i",
    "ю": "ıý",
    "я": "ıa",
}
# plain ASCII as chats write Kazakh: Kazakh letters lose their marks; two common spellings
_KK_PLAIN = _KK_LATIN_2021 | {
    "ә": "a",
    "ғ": "g",
    "ё": "yo",
    "ң": "n",
    "ө": "o",
    "ұ": "u",
    "ү": "u",
    "ш": "sh",
    "щ": "sh",
    "і": "i",
    "ю": "yu",
    "я": "ya",
}
_KK_PLAIN_LATIN = (_KK_PLAIN, _KK_PLAIN | {"ғ": "gh", "ж": "zh", "й": "y", "қ": "k", "ң": "ng", "х": "kh"})
_ASCII_FOLD = {
    "ä": "a",
    "á": "a",
    "ğ": "g",
    "ǵ": "g",
    "ı": "i",
    "ñ": "n",
    "ń": "n",
    "ö": "o",
    "ó": "o",
    "ş": "sh",
    "ū": "u",
    "ü": "u",
    "ú": "u",
    "ý": "u",
}
_UZ_APOSTROPHES = str.maketrans(dict.fromkeys("’ʼ‘`ʻ", "'"))
_UZ_CYRILLIC_PAIRS = {"o'": "ў", "g'": "ғ", "sh": "ш", "ch": "ч", "yo": "ё", "yu": "ю", "ya": "я", "ye": "е"}
_UZ_CYRILLIC = dict(zip("abdefghijklmnopqrstuvxyz'", "абдефгҳижклмнопқрстувхйзъ", strict=True))


def _spell(sentence: str, table: dict[str, str]) -> str:
    return "".join(table.get(ch, ch) for ch in sentence.lower())


def _uzbek_cyrillic(sentence: str) -> str:
    text = sentence.lower().translate(_UZ_APOSTROPHES)
    out: list[str] = []
    index = 0
    while index < len(text):
        pair = text[index : index + 2]
        if pair in _UZ_CYRILLIC_PAIRS:
            out.append(_UZ_CYRILLIC_PAIRS[pair])
            index += 2
            continue
        ch = text[index]
        word_start = index == 0 or not text[index - 1].isalpha()
        out.append("э" if ch == "e" and word_start else _UZ_CYRILLIC.get(ch, ch))
        index += 1
    return "".join(out)


# --- the corpus ---------------------------------------------------------------------------------------


def read_sentences(path: Path) -> list[str]:
    """The sentences of a corpus file: its non-empty lines that are not comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def class_sentences(corpus: Path) -> dict[str, list[str]]:
    """Every class's sentences, written and derived."""
    written = {path.stem: read_sentences(path) for path in sorted(corpus.glob("*.txt"))}
    unknown = set(written) - set(CLASSES)
    if unknown:
        raise SystemExit(f"corpus files without a class: {sorted(unknown)}")
    kazakh = written["kk"]
    latin = written.get("kk-Latn", [])
    derived: dict[str, Callable[[], list[str]]] = {
        "kk~plain": lambda: [s.lower().translate(_KK_PLAIN_CYRILLIC) for s in kazakh],
        "kk-Latn": lambda: [
            *latin,
            *(_spell(s, _KK_LATIN_2018 if i % 2 else _KK_LATIN_2021) for i, s in enumerate(kazakh)),
        ],
        "kk-Latn~plain": lambda: [
            *(_spell(s, _ASCII_FOLD) for s in latin),
            *(_spell(s, _KK_PLAIN_LATIN[i % 2]) for i, s in enumerate(kazakh)),
        ],
        "uz-Cyrl": lambda: [_uzbek_cyrillic(s) for s in written["uz"]],
    }
    return {name: derived[name]() if name in derived else written[name] for name in CLASSES}


def build_profile(corpus: Path = CORPUS) -> dict[str, Any]:
    """The profile for the corpus in ``corpus`` (a JSON-ready dict, deterministic)."""
    sentences = class_sentences(corpus)
    counts = {name: Counter(gram for s in lines for gram in features(s)) for name, lines in sentences.items()}
    vocabulary = Counter(KINDS[feature_kind(gram)] for gram in set().union(*counts.values()))
    classes: list[dict[str, object]] = []
    kept: dict[str, dict[str, int]] = {}
    for name, (language, prior) in CLASSES.items():
        totals = Counter[str]()
        for gram, count in counts[name].items():
            totals[KINDS[feature_kind(gram)]] += count
        frequent = [(g, c) for g, c in counts[name].items() if len(g) == 1 or c >= MIN_COUNT]
        frequent.sort(key=lambda item: (-item[1], item[0]))
        kept[name] = dict(sorted(frequent[:TOP]))
        classes.append(
            {
                "name": name,
                "language": language,
                "prior": prior,
                "totals": {kind: totals[kind] for kind in KINDS},
            }
        )
    return {
        "smoothing": SMOOTHING,
        "temperature": TEMPERATURE,
        "prior_weight": PRIOR_WEIGHT,
        "alphabet_penalty": ALPHABET_PENALTY,
        "vocabulary": {kind: vocabulary[kind] for kind in KINDS},
        "classes": classes,
        "counts": kept,
    }


def render(profile: dict[str, Any]) -> str:
    """The profile as the bytes of the committed file (compact JSON, one class's counts a line)."""
    counts: dict[str, dict[str, int]] = profile["counts"]
    head = {key: value for key, value in profile.items() if key != "counts"}
    lines = [json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1] + ',"counts":{']
    items = [
        f"{json.dumps(name)}:{json.dumps(grams, ensure_ascii=False, separators=(',', ':'))}"
        for name, grams in counts.items()
    ]
    lines.append(",\n".join(items))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed profile is out of date")
    args = parser.parse_args()
    text = render(build_profile())
    if args.check:
        current = PROFILE.read_text(encoding="utf-8") if PROFILE.exists() else ""
        if current != text:
            print(f"{PROFILE} is out of date: run tools/train_langid.py", file=sys.stderr)
            return 1
        return 0
    PROFILE.write_text(text, encoding="utf-8")
    print(f"wrote {PROFILE} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
