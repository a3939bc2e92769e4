"""The detection engine: compiled rules run over a text. Pure: no I/O (rules come in, findings go out).

The text is normalised once (``normalise``), and Kazakh written in the Latin alphabet is also read in
Cyrillic (``to_cyrillic``); term and regex matchers run over both readings, personal-data detectors over
the original text. Every hit is mapped back to a span of the original text, so moderators see exactly
what matched. A rule yields a finding when its matchers hit at least ``min_hits`` times in all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from senim.detection import kazakh, pii, russian
from senim.detection.normalise import Normalised, fold_term, normalise, to_cyrillic
from senim.detection.rules import PiiMatcher, RegexMatcher, RuleSpec, RuleStatus, TermsMatcher
from senim.detection.terms import Term, TermKind, TermMatcher
from senim.moderation.policy import guess_language


@dataclass(frozen=True)
class Hit:
    start: int  # in the original text
    end: int
    matcher: str  # "terms:0", "regex:1", "pii:phone", ...


@dataclass(frozen=True)
class CompiledRule:
    rule_id: str
    name: str
    version: int
    status: RuleStatus
    spec: RuleSpec
    searches: tuple[tuple[str, Callable[[str], Iterable[tuple[int, int]]]], ...] = field(repr=False)
    pii_kinds: frozenset[pii.PiiKind] = frozenset()


@dataclass(frozen=True)
class Finding:
    rule: CompiledRule
    hits: tuple[Hit, ...]

    @property
    def score(self) -> float:
        """Rule matches are deterministic: 1.0 once the rule's threshold is reached."""
        return 1.0


def _unchanged(text: str) -> str:
    return text


def _term_search(matcher: TermsMatcher) -> Callable[[str], Iterable[tuple[int, int]]]:
    # Terms are folded here, once; the texts searched are already normalised, so the matcher folds nothing.
    compiled = TermMatcher(
        [
            Term(id=str(i), text=fold_term(t), kind=TermKind(matcher.kind))
            for i, t in enumerate(matcher.terms)
        ],
        fold=_unchanged,
        inflects=kazakh.is_inflection_of,
        lemmatise=russian.lemmas,
    )
    return lambda text: ((h.start, h.end) for h in compiled.find(text))


def _regex_search(matcher: RegexMatcher) -> Callable[[str], Iterable[tuple[int, int]]]:
    pattern = re.compile(matcher.pattern)
    return lambda text: ((m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start())


def compile_rule(rule_id: str, name: str, version: int, status: RuleStatus, spec: RuleSpec) -> CompiledRule:
    searches: list[tuple[str, Callable[[str], Iterable[tuple[int, int]]]]] = []
    kinds: set[pii.PiiKind] = set()
    for index, matcher in enumerate(spec.matchers):
        if isinstance(matcher, TermsMatcher):
            searches.append((f"terms:{index}", _term_search(matcher)))
        elif isinstance(matcher, RegexMatcher):
            searches.append((f"regex:{index}", _regex_search(matcher)))
        elif isinstance(matcher, PiiMatcher):
            kinds |= {pii.PiiKind(k) for k in matcher.kinds}
    return CompiledRule(rule_id, name, version, status, spec, tuple(searches), frozenset(kinds))


def _readings(text: str) -> list[tuple[str, Callable[[int, int], tuple[int, int]]]]:
    """The normalised text, and its Cyrillic reading when that differs, each with its span mapper."""
    first = normalise(text)
    readings: list[tuple[str, Callable[[int, int], tuple[int, int]]]] = [(first.text, first.span)]
    cyrillic: Normalised = to_cyrillic(first.text)
    if cyrillic.text != first.text:
        readings.append((cyrillic.text, lambda s, e: first.span(*cyrillic.span(s, e))))
    return readings


def evaluate(rules: Sequence[CompiledRule], text: str) -> list[Finding]:
    """Run every rule over ``text``; a finding per rule whose hits reach its threshold."""
    if not text.strip() or not rules:
        return []
    language = guess_language(text)
    readings = _readings(text)
    found_pii = pii.find_pii(text) if any(r.pii_kinds for r in rules) else []
    findings = []
    for rule in rules:
        if rule.spec.languages and language not in rule.spec.languages:
            continue
        spans: dict[tuple[int, int], Hit] = {}
        for label, search in rule.searches:
            for reading, to_original in readings:
                for start, end in search(reading):
                    original = to_original(start, end)
                    spans.setdefault(original, Hit(original[0], original[1], label))
        for hit in found_pii:
            if hit.kind in rule.pii_kinds:
                spans.setdefault((hit.start, hit.end), Hit(hit.start, hit.end, f"pii:{hit.kind}"))
        if len(spans) >= rule.spec.min_hits:
            findings.append(Finding(rule, tuple(sorted(spans.values(), key=lambda h: (h.start, h.end)))))
    return findings
