"""A light Kazakh suffix-stripping stemmer, so a listed stem matches its inflected forms. Pure: no I/O.

No Kazakh dictionary or analyser is available offline, so this strips suffix chains by rule. Words are
expected normalised (lower case, Cyrillic; see ``normalise.py``); Latin-script Kazakh is read in Cyrillic
first by ``to_cyrillic``.

What is covered, in grammatical order (stem + plural + possessive + case; verb stem + negation + tense or
participle + person), each suffix in all its forms:

- plural ``-лар/-лер/-дар/-дер/-тар/-тер``;
- possessive ``-(ы/і)м``, ``-(ы/і)ң``, ``-(с)ы/-(с)і``, ``-(ы/і)мыз/міз``, ``-(ы/і)ңыз/ңіз`` (``-лары`` is
  plural + possessive);
- cases: genitive ``-ның/-нің/-дың/-дің/-тың/-тің``; dative ``-ға/-ге/-қа/-ке``, ``-на/-не`` after a
  3rd-person possessive, ``-а/-е`` after ``-м``/``-ң``; accusative ``-ны/-ні/-ды/-ді/-ты/-ті``, ``-н`` after
  a 3rd-person possessive; locative ``-да/-де/-та/-те/-нда/-нде``; ablative
  ``-дан/-ден/-тан/-тен/-нан/-нен``; instrumental ``-мен/-бен/-пен``;
- verbs: negation ``-ма/-ме/-ба/-бе/-па/-пе``; present ``-а/-е/-й`` + person (``-мын/-мін``, ``-сың/-сің``,
  ``-сыз/-сіз``, ``-мыз/-міз``) or 3rd person ``-ды/-ді``; past ``-ды/-ді/-ты/-ті`` + ``-м, -ң, -ңыз, -қ/-к``;
  participles ``-ған/-ген/-қан/-кен``, ``-атын/-етін/-йтын/-йтін``, verbal noun ``-у/-ю``, intention
  ``-мақ/-мек/-бақ/-бек/-пақ/-пек``, future ``-ар/-ер/-р`` and its negative ``-мас/-мес``, each of which
  can go on like a noun (plural, possessive, case, person: ``өлтіргенін``, ``өлтірмекпін``); gerund
  ``-ып/-іп/-п`` (and ``-ыпты``); conditional ``-са/-се`` (+ person); optative ``-айын/-ейін/-йын/-йін``,
  ``-айық/-ейік``; imperative ``-сын/-сін``, ``-ыңдар/-іңдер``; desire ``-ғы/-гі/-қы/-кі`` + possessive.

Rules applied to every suffix: vowel harmony (a back-vowel form only after a stem whose last vowel is
back, ``а о ұ ы``, a front form only after ``ә ө ү і е``; ``и``/``у`` are skipped when looking for that
vowel), the consonant it starts with chosen by the sound before it (``-лар`` after a vowel or ``р у й``,
``-дар`` after ``л м н ң з ж``, ``-тар`` after a voiceless consonant, and likewise for every alternating
suffix), and what may precede it (``-н`` accusative only after a 3rd-person possessive, ``-ды`` present
only after ``-а/-е/-й``). A stem never gets shorter than 2 letters and always keeps a vowel. Stem-final
``п қ к`` voiced before a vowel (``кітабы`` ← ``кітап``, ``жүрегі`` ← ``жүрек``), ``ы/і + й`` written
``и`` (``оқиды`` ← ``оқы``), ``ы/і`` dropped before ``-у`` (``оқу`` ← ``оқы``) and ``й + у`` written ``ю``
(``жою`` ← ``жой``) are undone.

Limits, honestly: without a dictionary a word's own ending can look like a suffix (``қару`` "weapon" can
be read as ``қар`` "snow" + verbal noun ``-у``, ``кітап`` as ``кіта`` + gerund ``-п``), so ``stem`` can
over-strip and a very short listed stem can match an unrelated word; list stems of 3 letters or more.
Derivational suffixes (``-шы``, ``-лық``, ``-сыз``, ``-дай``, ``-лы``), vowel loss inside stems (``ауыз`` →
``аузы``), question and emphatic particles, and the 2nd-person plural possessive ``-лар(ың)`` beyond
plural + ``-ың`` are not handled. Loanwords that break harmony fail the harmony check.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

_BACK = frozenset("аоұыяё")
_FRONT = frozenset("әөүіеэ")
_VOWELS = frozenset("аәеоөұүыіэюяё")  # и and у behave as consonants (glides) before suffixes
_HAS_VOWEL = _VOWELS | frozenset("иу")
_CONSONANTS = frozenset("бвгғджзйклмнңпқрстуфхһцчшщъьи")
_SONORANT = frozenset("руйи")
_L = frozenset("л")
_NASAL = frozenset("мнң")
_ZJ = frozenset("зж")
_VOICELESS = frozenset("кқпстшфхһцчщбвгдъь")  # final б в г д (loans) are pronounced voiceless
_VOICED = _VOWELS | _SONORANT | _L | _NASAL | _ZJ
_ANY: frozenset[str] = frozenset()  # no condition on the sound before
_DEVOICED = {"б": "п", "ғ": "қ", "г": "к"}
_MAX_WORD = 40


@dataclass(frozen=True)
class _Suffix:
    form: str
    category: str
    left: frozenset[str]  # categories that may come just before; "N"/"V" for a noun/verb stem
    after: frozenset[str]  # letters the part before may end in (empty: any)
    harmony: str | None  # "b" back, "f" front, None neutral


_STEM = frozenset({"N", "V"})
_NOMINAL = frozenset({"N", "PL", "POSS12", "POSSPL", "PART"})


def _build() -> list[_Suffix]:
    table: list[_Suffix] = []

    def add(forms: str, category: str, left: frozenset[str] | set[str], after: frozenset[str]) -> None:
        """``forms``: "back/front" or one neutral form."""
        back, _, front = forms.partition("/")
        left = frozenset(left)
        if front:
            table.append(_Suffix(back, category, left, after, "b"))
            table.append(_Suffix(front, category, left, after, "f"))
        else:
            table.append(_Suffix(back, category, left, after, None))

    son_l = _SONORANT | _L
    # plural
    add("лар/лер", "PL", {"N", "PART"}, _VOWELS | _SONORANT)
    add("дар/дер", "PL", {"N", "PART"}, _L | _NASAL | _ZJ)
    add("тар/тер", "PL", {"N", "PART"}, _VOICELESS)
    # possessive
    poss_left = {"N", "PL", "PART", "DESID"}
    add("м", "POSS12", poss_left, _VOWELS)
    add("ым/ім", "POSS12", poss_left, _CONSONANTS)
    add("ң", "POSS12", poss_left, _VOWELS)
    add("ың/ің", "POSS12", poss_left, _CONSONANTS)
    add("сы/сі", "POSS3", poss_left, _VOWELS)
    add("ы/і", "POSS3", poss_left, _CONSONANTS)
    add("мыз/міз", "POSSPL", poss_left, _VOWELS)
    add("ымыз/іміз", "POSSPL", poss_left, _CONSONANTS)
    add("ңыз/ңіз", "POSSPL", poss_left, _VOWELS)
    add("ыңыз/іңіз", "POSSPL", poss_left, _CONSONANTS)
    # cases
    add("ның/нің", "CASE", _NOMINAL | {"POSS3"}, _VOWELS | _NASAL)
    add("дың/дің", "CASE", _NOMINAL | {"POSS3"}, son_l | _ZJ)
    add("тың/тің", "CASE", _NOMINAL | {"POSS3"}, _VOICELESS)
    add("ны/ні", "CASE", _NOMINAL, _VOWELS)
    add("ды/ді", "CASE", _NOMINAL, son_l | _NASAL | _ZJ)
    add("ты/ті", "CASE", _NOMINAL, _VOICELESS)
    add("н", "CASE", {"POSS3"}, _ANY)
    add("ға/ге", "CASE", _NOMINAL - {"POSS12"}, _VOICED)
    add("қа/ке", "CASE", _NOMINAL - {"POSS12"}, _VOICELESS)
    add("на/не", "CASE", {"POSS3"}, _ANY)
    add("а/е", "CASE", {"POSS12"}, _ANY)
    add("да/де", "LOC", _NOMINAL, _VOICED)
    add("та/те", "LOC", _NOMINAL, _VOICELESS)
    add("нда/нде", "LOC", {"POSS3"}, _ANY)
    add("дан/ден", "CASE", _NOMINAL, _VOWELS | son_l | _ZJ)
    add("нан/нен", "CASE", _NOMINAL, _NASAL)
    add("тан/тен", "CASE", _NOMINAL, _VOICELESS)
    add("нан/нен", "CASE", {"POSS3"}, _ANY)
    add("мен", "CASE", _NOMINAL | {"POSS3"}, _VOWELS | son_l | _NASAL)
    add("бен", "CASE", _NOMINAL | {"POSS3"}, _NASAL | _ZJ)
    add("пен", "CASE", _NOMINAL | {"POSS3"}, _VOICELESS)
    # person (predicative and present tense)
    pers_left = {"PRES", "PART", "N", "PL", "LOC", "NEGFUT"}
    for m_form, b_form, p_form in (("мын/мін", "бын/бін", "пын/пін"), ("мыз/міз", "быз/біз", "пыз/піз")):
        add(m_form, "PERS", pers_left, _VOWELS | son_l | _NASAL)
        add(b_form, "PERS", pers_left, _NASAL | _ZJ)
        add(p_form, "PERS", pers_left, _VOICELESS)
    for form in ("сың/сің", "сыз/сіз", "сыңдар/сіңдер", "сыздар/сіздер"):
        add(form, "PERS", pers_left, _ANY)
    # verbs
    verb = {"V", "NEG"}
    add("ма/ме", "NEG", {"V"}, _VOWELS | son_l | _NASAL)
    add("ба/бе", "NEG", {"V"}, _NASAL | _ZJ)
    add("па/пе", "NEG", {"V"}, _VOICELESS)
    add("а/е", "PRES", verb, _CONSONANTS)
    add("й", "PRES", verb, _VOWELS)
    add("й", "NEGPRES", {"NEG"}, _VOWELS)  # -май/-мей "without doing"
    add("ды/ді", "PRES3", {"PRES"}, _ANY)
    add("ды/ді", "PAST", verb, _VOICED)
    add("ты/ті", "PAST", verb, _VOICELESS)
    for form in ("м", "ң", "ңыз/ңіз", "қ/к", "ңдар/ңдер"):
        add(form, "PASTP", {"PAST", "COND"}, _ANY)
    add("са/се", "COND", verb, _ANY)
    add("ған/ген", "PART", verb, _VOICED)
    add("қан/кен", "PART", verb, _VOICELESS)
    add("атын/етін", "PART", verb, _CONSONANTS)
    add("йтын/йтін", "PART", verb, _VOWELS)
    add("у", "PART", verb, _ANY)
    add("ю", "PART", verb, _ANY)
    add("мақ/мек", "PART", verb, _VOWELS | son_l | _NASAL)
    add("бақ/бек", "PART", verb, _NASAL | _ZJ)
    add("пақ/пек", "PART", verb, _VOICELESS)
    add("ар/ер", "PART", verb, _CONSONANTS)
    add("р", "PART", verb, _VOWELS)
    add("мас/мес", "NEGFUT", {"V"}, _VOWELS | son_l | _NASAL)
    add("бас/бес", "NEGFUT", {"V"}, _NASAL | _ZJ)
    add("пас/пес", "NEGFUT", {"V"}, _VOICELESS)
    add("ып/іп", "GER", verb, _CONSONANTS)
    add("п", "GER", verb, _VOWELS)
    add("ты/ті", "EVID", {"GER"}, _ANY)
    add("айын/ейін", "OPT", verb, _CONSONANTS)
    add("йын/йін", "OPT", verb, _VOWELS)
    add("айық/ейік", "OPT", verb, _CONSONANTS)
    add("йық/йік", "OPT", verb, _VOWELS)
    add("сын/сін", "IMP", verb, _ANY)
    add("ыңдар/іңдер", "IMP", verb, _CONSONANTS)
    add("ңдар/ңдер", "IMP", verb, _VOWELS)
    add("ғы/гі", "DESID", verb, _VOICED)
    add("қы/кі", "DESID", verb, _VOICELESS)
    return table


_SUFFIXES = _build()
_BY_LAST: dict[str, list[_Suffix]] = defaultdict(list)
for _suffix in _SUFFIXES:
    _BY_LAST[_suffix.form[-1]].append(_suffix)
_BY_LAST["и"] = [s for s in _SUFFIXES if s.form == "й"]  # ы/і + й written и
_FINAL = frozenset(s.category for s in _SUFFIXES) - {"PRES", "DESID"}  # these need something after them


def _harmony(text: str) -> str | None:
    for ch in reversed(text):
        if ch in _BACK:
            return "b"
        if ch in _FRONT:
            return "f"
    return None


def _restored_vowels(base: str) -> str:
    """The ы/і a fused or dropped vowel was, by the harmony of what comes before it."""
    harmony = _harmony(base)
    return "ы" if harmony == "b" else "і" if harmony == "f" else "ыі"


def _lefts(word: str, suffix: _Suffix) -> list[str]:
    """What is left of ``word`` before ``suffix``, with stem alternations undone."""
    form = suffix.form
    found: list[str] = []
    if word.endswith(form) and len(word) > len(form):
        left = word[: -len(form)]
        found.append(left)
        if form[0] in _HAS_VOWEL and left[-1] in _DEVOICED:
            found.append(left[:-1] + _DEVOICED[left[-1]])
        if form == "у" and left[-1] not in _VOWELS:
            found.extend(left + vowel for vowel in _restored_vowels(left))
        if form == "ю":
            found = [left + "й"]
    if form[0] == "й":
        fused = "и" + form[1:]
        if word.endswith(fused) and len(word) > len(fused):
            base = word[: -len(fused)]
            found.extend(base + vowel for vowel in _restored_vowels(base))
    return found


def _fits(left: str, suffix: _Suffix) -> bool:
    if len(left) < 2 or not any(ch in _HAS_VOWEL for ch in left):
        return False
    if suffix.after and left[-1] not in suffix.after:
        return False
    if suffix.harmony is not None:
        harmony = _harmony(left)
        if harmony is not None and harmony != suffix.harmony:
            return False
    return True


@lru_cache(maxsize=65536)
def _analyse(word: str, categories: frozenset[str]) -> frozenset[str]:
    """Every stem ``word`` reduces to by stripping a suffix of ``categories`` and what may precede it."""
    found: set[str] = set()
    for suffix in _BY_LAST.get(word[-1], ()):
        if suffix.category not in categories:
            continue
        for left in _lefts(word, suffix):
            if not _fits(left, suffix):
                continue
            if suffix.left & _STEM:
                found.add(left)
            earlier = suffix.left - _STEM
            if earlier:
                found |= _analyse(left, earlier)
    return frozenset(found)


@lru_cache(maxsize=65536)
def _stems(word: str) -> frozenset[str]:
    if not word or len(word) > _MAX_WORD:
        return frozenset({word})
    return frozenset({word}) | _analyse(word, _FINAL)


def stems(word: str) -> set[str]:
    """The word and every stem reachable from it by stripping a valid suffix chain."""
    return set(_stems(word.casefold()))


def stem(word: str) -> str:
    """The shortest plausible stem of a (normalised, lower-case, Cyrillic) Kazakh word."""
    return min(_stems(word.casefold()), key=lambda s: (len(s), s[-1:] in _DEVOICED, s))


def is_inflection_of(word: str, listed_stem: str) -> bool:
    """True when ``word`` is ``listed_stem`` itself or ``listed_stem`` + a valid suffix chain."""
    word, listed_stem = word.casefold(), listed_stem.casefold()
    if word == listed_stem:
        return True
    if len(listed_stem) < 2 or not word.startswith(listed_stem[:-1]):
        return False
    return listed_stem in _stems(word)
