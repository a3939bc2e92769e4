"""The detection engine: compiled rules run over a text and its images. Pure: no I/O (rules, hash
indexes and classifiers come in, findings go out).

The text is normalised once (``normalise``), and Kazakh written in the Latin alphabet is also read in
Cyrillic (``to_cyrillic``); term and regex matchers run over both readings, personal-data detectors and
domain lists over the original text, a classifier over the whole text, and hash matchers over the
images' hashes. Every text hit is mapped back to a span of the original text, so moderators see exactly
what matched; an image hit names the image and its distance. A rule yields a finding when its matchers
hit at least ``min_hits`` times in all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from senim.detection import kazakh, pii, russian
from senim.detection.classifier import TextClassifier
from senim.detection.hashlist import HashIndex
from senim.detection.normalise import Normalised, fold_term, normalise, to_cyrillic
from senim.detection.rules import (
    ClassifierMatcher,
    DomainsMatcher,
    HashesMatcher,
    PiiMatcher,
    RegexMatcher,
    RuleSpec,
    RuleStatus,
    TermsMatcher,
)
from senim.detection.terms import Term, TermKind, TermMatcher
from senim.moderation.policy import guess_language


@dataclass(frozen=True)
class Hit:
    start: int  # in the original text (an image hit: 0, 0)
    end: int
    matcher: str  # "terms:0", "regex:1", "pii:phone", "domains:2", "hashes:3", "classifier:4"
    media_id: str | None = None  # an image hit: which image
    distance: int | None = None  # an image hit: PDQ bits apart (0 for the same file)
    score: float | None = None  # a classifier hit: the label's probability

    def evidence(self) -> dict[str, object]:
        """What a signal stores about the hit."""
        found: dict[str, object] = {"start": self.start, "end": self.end, "matcher": self.matcher}
        for key in ("media_id", "distance", "score"):
            if getattr(self, key) is not None:
                found[key] = getattr(self, key)
        return found


@dataclass(frozen=True)
class ImageHashes:
    """An uploaded image, as the hash matchers see it."""

    media_id: str
    upload_sha256: str | None
    pdq: str | None
    pdq_quality: int


MIN_PDQ_QUALITY = 50  # below this a PDQ hash says little (flat images): SHA-256 only, as HMA does
# A host written in a text, with or without a scheme, the dot possibly disguised as "[.]", "(.)", "{.}".
_DOT = r"(?:\.|\[\.\]|\(\.\)|\{\.\})"
HOST_RE = re.compile(rf"(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?{_DOT})+[a-z]{{2,63}}\b", re.I)


@dataclass(frozen=True)
class CompiledRule:
    rule_id: str
    name: str
    version: int
    status: RuleStatus
    spec: RuleSpec
    searches: tuple[tuple[str, Callable[[str], Iterable[tuple[int, int]]]], ...] = field(repr=False)
    pii_kinds: frozenset[pii.PiiKind] = frozenset()
    domains: tuple[tuple[str, frozenset[str]], ...] = ()
    hashes: tuple[tuple[str, HashesMatcher], ...] = ()
    classifiers: tuple[tuple[str, ClassifierMatcher], ...] = ()


@dataclass(frozen=True)
class Finding:
    rule: CompiledRule
    hits: tuple[Hit, ...]

    @property
    def score(self) -> float:
        """A classifier's probability when one hit; otherwise matches are deterministic: 1.0."""
        scores = [h.score for h in self.hits if h.score is not None]
        return max(scores) if scores else 1.0


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
    domains: list[tuple[str, frozenset[str]]] = []
    hashes: list[tuple[str, HashesMatcher]] = []
    classifiers: list[tuple[str, ClassifierMatcher]] = []
    for index, matcher in enumerate(spec.matchers):
        label = f"{matcher.type}:{index}"
        if isinstance(matcher, TermsMatcher):
            searches.append((label, _term_search(matcher)))
        elif isinstance(matcher, RegexMatcher):
            searches.append((label, _regex_search(matcher)))
        elif isinstance(matcher, PiiMatcher):
            kinds |= {pii.PiiKind(k) for k in matcher.kinds}
        elif isinstance(matcher, DomainsMatcher):
            domains.append((label, frozenset(matcher.domains)))
        elif isinstance(matcher, HashesMatcher):
            hashes.append((label, matcher))
        else:
            classifiers.append((label, matcher))
    return CompiledRule(
        rule_id,
        name,
        version,
        status,
        spec,
        tuple(searches),
        frozenset(kinds),
        tuple(domains),
        tuple(hashes),
        tuple(classifiers),
    )


def hosts(text: str) -> list[tuple[str, int, int]]:
    """Every host name written in ``text`` (lower case, disguised dots restored), with its span."""
    found = []
    for match in HOST_RE.finditer(text):
        host = re.sub(_DOT, ".", match.group()).lower()
        found.append((host, match.start(), match.end()))
    return found


def _listed(host: str, domains: frozenset[str]) -> bool:
    """``host`` is a listed domain or one of its subdomains."""
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts) - 1))


def _image_hits(
    label: str, matcher: HashesMatcher, images: Sequence[ImageHashes], banks: Mapping[str, HashIndex]
) -> Iterator[Hit]:
    for image in images:
        best: int | None = None
        for bank in matcher.banks:
            index = banks.get(bank)
            if index is None:
                continue
            if image.upload_sha256 and index.match_sha256(image.upload_sha256):
                best = 0
                break
            if image.pdq and image.pdq_quality >= MIN_PDQ_QUALITY:
                matches = index.match_pdq(image.pdq, matcher.max_distance)
                if matches and (best is None or matches[0][1] < best):
                    best = matches[0][1]
        if best is not None:
            yield Hit(0, 0, label, media_id=image.media_id, distance=best)


def _readings(text: str) -> list[tuple[str, Callable[[int, int], tuple[int, int]]]]:
    """The normalised text, and its Cyrillic reading when that differs, each with its span mapper."""
    first = normalise(text)
    readings: list[tuple[str, Callable[[int, int], tuple[int, int]]]] = [(first.text, first.span)]
    cyrillic: Normalised = to_cyrillic(first.text)
    if cyrillic.text != first.text:
        readings.append((cyrillic.text, lambda s, e: first.span(*cyrillic.span(s, e))))
    return readings


@dataclass
class _Text:
    """What every rule reads of one text, computed once."""

    text: str
    readings: list[tuple[str, Callable[[int, int], tuple[int, int]]]]
    pii: list[pii.PiiHit]
    hosts: list[tuple[str, int, int]]
    classifiers: Mapping[str, TextClassifier]
    predictions: dict[str, dict[str, float]] = field(default_factory=dict)

    def probability(self, model_name: str, label: str) -> float | None:
        model = self.classifiers.get(model_name)
        if model is None or not self.text.strip():
            return None
        if model_name not in self.predictions:
            self.predictions[model_name] = model.predict([self.text])[0]
        return self.predictions[model_name].get(label, 0.0)


def _hits(
    rule: CompiledRule, seen: _Text, images: Sequence[ImageHashes], banks: Mapping[str, HashIndex]
) -> Iterator[Hit]:
    for label, search in rule.searches:
        for reading, to_original in seen.readings:
            for start, end in search(reading):
                yield Hit(*to_original(start, end), label)
    for found in seen.pii:
        if found.kind in rule.pii_kinds:
            yield Hit(found.start, found.end, f"pii:{found.kind}")
    for label, domains in rule.domains:
        for host, start, end in seen.hosts:
            if _listed(host, domains):
                yield Hit(start, end, label)
    for label, hashes in rule.hashes:
        yield from _image_hits(label, hashes, images, banks)
    for label, wanted in rule.classifiers:
        probability = seen.probability(wanted.model, wanted.label)
        if probability is not None and probability >= wanted.threshold:
            yield Hit(0, len(seen.text), label, score=round(probability, 4))


def evaluate(
    rules: Sequence[CompiledRule],
    text: str,
    *,
    images: Sequence[ImageHashes] = (),
    banks: Mapping[str, HashIndex] | None = None,
    classifiers: Mapping[str, TextClassifier] | None = None,
) -> list[Finding]:
    """Run every rule over ``text`` and ``images``; a finding per rule whose hits reach its threshold.

    ``banks`` and ``classifiers`` are looked up by name; a rule naming one that is missing finds nothing
    with that matcher (the service refuses to save a rule naming an unknown bank)."""
    has_text = bool(text.strip())
    if not rules or not (has_text or images):
        return []
    language = guess_language(text) if has_text else None
    seen = _Text(
        text=text,
        readings=_readings(text) if has_text else [],
        pii=pii.find_pii(text) if has_text and any(r.pii_kinds for r in rules) else [],
        hosts=hosts(text) if has_text and any(r.domains for r in rules) else [],
        classifiers=classifiers or {},
    )
    findings = []
    for rule in rules:
        if language and rule.spec.languages and language not in rule.spec.languages:
            continue
        spans: dict[tuple[int, int, str | None], Hit] = {}
        for hit in _hits(rule, seen, images, banks or {}):
            spans.setdefault((hit.start, hit.end, hit.media_id), hit)
        if len(spans) >= rule.spec.min_hits:
            findings.append(Finding(rule, tuple(sorted(spans.values(), key=lambda h: (h.start, h.end)))))
    return findings
