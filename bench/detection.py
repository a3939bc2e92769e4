"""Detection throughput: the full pipeline against, in the same run, bare Aho-Corasick over the raw text
(the floor) and one alternation regular expression of the same terms (what many systems do).

A corpus of Kazakh and Russian sentences (with some Latin-script Kazakh, look-alike letters and personal
data mixed in) is generated with a fixed seed, cut into posts of about 600 characters, and 10,000 terms are
generated from the same alphabet. The pipeline is ``detection.engine.evaluate`` with one rule holding all
the terms (exact words, with Kazakh stems and Russian lemmas for a share of them), one regular expression
and the personal-data detectors: normalisation, the Cyrillic reading, automata, lemmas, PII.

    .venv/bin/python bench/detection.py [--megabytes 50] [--terms 10000] [--json]

Prints MB/s of each and the ratios pipeline/floor and pipeline/regex. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

KK = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
WORDS_KK = [
    "бала",
    "үй",
    "мектеп",
    "қала",
    "адам",
    "жол",
    "күн",
    "тау",
    "су",
    "ел",
    "жер",
    "кітап",
    "дос",
    "ана",
    "әке",
    "жұмыс",
    "уақыт",
    "сөз",
    "бүгін",
    "ертең",
]
WORDS_RU = [
    "дом",
    "город",
    "человек",
    "дорога",
    "день",
    "гора",
    "вода",
    "страна",
    "работа",
    "время",
    "слово",
    "сегодня",
    "завтра",
    "друг",
    "книга",
]
LATIN_KK = ["balalar", "mektepke", "bardy", "qalada", "kün", "ashyq", "taýda", "qar", "jaýdy"]
EXTRAS = ["+7 701 234 56 78", "сyицид", "с.у.и.ц.и.д", "850101300038", "info@example.kz"]


def corpus(megabytes: float, rng: random.Random) -> list[str]:
    target = int(megabytes * 1_000_000)
    posts: list[str] = []
    size = 0
    while size < target:
        words = []
        for _ in range(rng.randint(60, 110)):
            roll = rng.random()
            if roll < 0.45:
                words.append(rng.choice(WORDS_KK) + rng.choice(["", "лар", "ға", "ның", "да", "мен"]))
            elif roll < 0.9:
                words.append(rng.choice(WORDS_RU) + rng.choice(["", "а", "ов", "ом", "ы"]))
            elif roll < 0.98:
                words.append(rng.choice(LATIN_KK))
            else:
                words.append(rng.choice(EXTRAS))
        post = " ".join(words) + "."
        posts.append(post)
        size += len(post.encode())
    return posts


def terms(count: int, rng: random.Random) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        found.add("".join(rng.choice(KK) for _ in range(rng.randint(5, 10))))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument(
        "--regex-megabytes",
        type=float,
        default=5.0,
        help="the alternation regex is timed on this first part of the corpus (it is slow)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import ahocorasick  # type: ignore[import-untyped]

    from senim.detection import engine
    from senim.detection.rules import RuleSpec, RuleStatus

    rng = random.Random(2026)
    posts = corpus(args.megabytes, rng)
    listed = [*terms(args.terms, rng), "суицид", "бала", "работа"]
    megabytes = sum(len(p.encode()) for p in posts) / 1_000_000
    third = len(listed) // 3
    spec = RuleSpec.model_validate(
        {
            "category": "unlawful.suicide",
            "matchers": [
                {"type": "terms", "kind": "exact", "terms": listed[:third]},
                {"type": "terms", "kind": "stem", "terms": listed[third : 2 * third]},
                {"type": "terms", "kind": "lemma", "terms": listed[2 * third :]},
                {"type": "regex", "pattern": r"\bубью\s+всех\b"},
                {"type": "pii", "kinds": ["phone", "iin", "card", "iban", "email"]},
            ],
        }
    )
    started = time.perf_counter()
    rule = engine.compile_rule("bench", "bench", 1, RuleStatus.live, spec)
    compile_seconds = time.perf_counter() - started

    automaton = ahocorasick.Automaton()
    for index, term in enumerate(listed):
        automaton.add_word(term, index)
    automaton.make_automaton()
    alternation = re.compile("|".join(re.escape(t) for t in sorted(listed, key=len, reverse=True)))

    def timed(run: object, sample: list[str] = posts) -> float:
        t0 = time.perf_counter()
        for post in sample:
            run(post)  # type: ignore[operator]
        return time.perf_counter() - t0

    sample: list[str] = []
    sample_bytes = 0
    for post in posts:
        if sample_bytes >= args.regex_megabytes * 1_000_000:
            break
        sample.append(post)
        sample_bytes += len(post.encode())

    findings = [0]

    def pipeline(post: str) -> None:
        findings[0] += len(engine.evaluate([rule], post))

    floor = timed(lambda post: sum(1 for _ in automaton.iter(post)))
    regex_seconds = timed(lambda post: sum(1 for _ in alternation.finditer(post)), sample)
    regex = regex_seconds * megabytes / (sample_bytes / 1_000_000)  # the same MB/s over the whole corpus
    full = timed(pipeline)
    figures = {
        "megabytes": round(megabytes, 1),
        "posts": len(posts),
        "terms": len(listed),
        "compile_seconds": round(compile_seconds, 2),
        "pipeline_mb_s": round(megabytes / full, 2),
        "aho_corasick_mb_s": round(megabytes / floor, 2),
        "alternation_regex_mb_s": round(megabytes / regex, 2),
        "pipeline_vs_floor": round(floor / full, 3),
        "pipeline_vs_regex": round(regex / full, 3),
        "posts_with_findings": findings[0],
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['megabytes']} MB in {figures['posts']} posts, {figures['terms']} terms")
    print(
        f"full pipeline      {figures['pipeline_mb_s']:8.2f} MB/s  (rule compiled in {compile_seconds:.2f} s)"
    )
    print(f"bare Aho-Corasick  {figures['aho_corasick_mb_s']:8.2f} MB/s  (the floor)")
    print(f"alternation regex  {figures['alternation_regex_mb_s']:8.2f} MB/s")
    ratios = (figures["pipeline_vs_floor"], figures["pipeline_vs_regex"])
    print(f"pipeline/floor {ratios[0]:.3f}   pipeline/regex {ratios[1]:.3f}")


if __name__ == "__main__":
    main()
