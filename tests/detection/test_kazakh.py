"""The Kazakh suffix-stripping stemmer: inflected forms of listed stems match, look-alikes do not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from senim.detection.kazakh import is_inflection_of, stem, stems

INFLECTED = [
    # verbs: present, past, participles, negation, person, mood
    ("өлтір", "өлтіремін", "present-1sg"),
    ("өлтір", "өлтіреді", "present-3"),
    ("өлтір", "өлтірген", "past-participle"),
    ("өлтір", "өлтіргенін", "participle-possessive-accusative"),
    ("өлтір", "өлтіргендер", "participle-plural"),
    ("өлтір", "өлтірмек", "intention"),
    ("өлтір", "өлтірмекпін", "intention-1sg"),
    ("өлтір", "өлтірмеймін", "negative-present-1sg"),
    ("өлтір", "өлтірме", "negative-imperative"),
    ("өлтір", "өлтірді", "past-3"),
    ("өлтір", "өлтірдім", "past-1sg"),
    ("өлтір", "өлтірдік", "past-1pl"),
    ("өлтір", "өлтіру", "verbal-noun"),
    ("өлтір", "өлтіретін", "habitual-participle"),
    ("өлтір", "өлтірейін", "optative-1sg"),
    ("өлтір", "өлтірсе", "conditional"),
    ("өлтір", "өлтірсем", "conditional-1sg"),
    ("өлтір", "өлтіріп", "gerund"),
    ("өлтір", "өлтіріпті", "evidential"),
    ("өлтір", "өлтірер", "future-participle"),
    ("өлтір", "өлтірмес", "negative-future"),
    ("өлтір", "өлтірсін", "imperative-3"),
    ("өлтір", "өлтіргім", "desire-1sg"),
    ("ат", "атамын", "voiceless-stem-present"),
    ("ат", "атты", "voiceless-stem-past"),
    ("ат", "атқан", "voiceless-stem-participle"),
    ("ат", "атпа", "voiceless-stem-negation"),
    ("жаса", "жасаймын", "vowel-stem-present"),
    ("жаса", "жасайды", "vowel-stem-present-3"),
    ("жаса", "жасау", "vowel-stem-verbal-noun"),
    ("оқы", "оқиды", "fused-i-present"),
    ("оқы", "оқитын", "fused-i-participle"),
    ("оқы", "оқу", "dropped-vowel-verbal-noun"),
    ("жой", "жою", "yu-verbal-noun"),
    # nouns: plural, possessive, cases
    ("бала", "балалар", "plural"),
    ("бала", "балаларымызға", "plural-possessive-dative"),
    ("бала", "баланың", "genitive"),
    ("бала", "балам", "possessive-1sg"),
    ("бала", "балама", "possessive-1sg-dative"),
    ("бала", "баласы", "possessive-3"),
    ("бала", "баласына", "possessive-3-dative"),
    ("бала", "баласын", "possessive-3-accusative"),
    ("бала", "баласында", "possessive-3-locative"),
    ("бала", "балаларды", "plural-accusative"),
    ("бала", "баладан", "ablative"),
    ("бала", "баламен", "instrumental"),
    ("бала", "балаларың", "plural-possessive-2sg"),
    ("есірткі", "есірткіні", "front-accusative"),
    ("есірткі", "есірткілер", "front-plural"),
    ("есірткі", "есірткісі", "front-possessive"),
    ("қару", "қаруды", "u-final-accusative"),
    ("қару", "қарулар", "u-final-plural"),
    ("қару", "қаруға", "u-final-dative"),
    ("адам", "адамның", "nasal-genitive"),
    ("адам", "адамдар", "nasal-plural"),
    ("адам", "адамнан", "nasal-ablative"),
    ("мектеп", "мектептің", "voiceless-genitive"),
    ("мектеп", "мектепке", "voiceless-dative"),
    ("кітап", "кітабы", "voiced-before-vowel"),
    ("жүрек", "жүрегі", "front-voiced-before-vowel"),
    ("қыз", "қыздар", "z-final-plural"),
    ("үй", "үйде", "locative"),
    ("үй", "үйдемін", "locative-person"),
]


@pytest.mark.law("LAW-09a")
@pytest.mark.parametrize(("listed", "word", "label"), INFLECTED, ids=[case[2] for case in INFLECTED])
def test_inflected_form_matches_its_listed_stem(listed: str, word: str, label: str) -> None:
    assert is_inflection_of(word, listed)
    assert listed in stems(word)


NOT_INFLECTED = [
    ("ат", "атом", "om-is-no-suffix"),
    ("ат", "атыс", "derivation-not-covered"),
    ("бала", "балағат", "gat-is-no-suffix"),
    ("бала", "балалер", "front-plural-on-back-stem"),
    ("өлтір", "өлтірамын", "back-person-on-front-stem"),
    ("есірткі", "есірткілар", "back-plural-on-front-stem"),
    ("қару", "қарулер", "front-plural-on-back-stem-u"),
    ("бала", "балада", "locative-is-fine-control"),
    ("адам", "адамлар", "lar-after-nasal"),
    ("мектеп", "мектепдің", "d-after-voiceless"),
    ("бала", "баласыны", "ny-after-possessive-3"),
    ("бала", "баламға", "ga-after-possessive-1sg"),
    ("ат", "қанат", "stem-not-at-start"),
    ("ат", "а", "shorter-than-stem"),
]


@pytest.mark.law("LAW-09a")
@pytest.mark.parametrize(("listed", "word", "label"), NOT_INFLECTED, ids=[case[2] for case in NOT_INFLECTED])
def test_word_that_is_no_inflection_does_not_match(listed: str, word: str, label: str) -> None:
    expected = label == "locative-is-fine-control"
    assert is_inflection_of(word, listed) is expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        pytest.param("балаларымызға", "бала", id="noun-chain"),
        pytest.param("өлтіремін", "өлтір", id="verb-chain"),
        pytest.param("кітабы", "кітап", id="dictionary-form-preferred-on-a-tie"),
        pytest.param("мектептің", "мектеп", id="voiceless"),
        pytest.param("сарай", "сарай", id="nothing-to-strip"),
        pytest.param("ат", "ат", id="two-letters"),
    ],
)
def test_stem_is_the_shortest_plausible_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_never_strips_below_two_letters_or_to_no_vowel() -> None:
    for word in ("ала", "ата", "алар", "ады", "тың"):
        assert all(len(s) >= 2 and any(ch in "аәеоөұүыіиуэюяё" for ch in s) for s in stems(word)), word


def test_upper_case_is_folded() -> None:
    assert is_inflection_of("БАЛАЛАР", "Бала")
    assert stem("БАЛАЛАР") == "бала"


def test_word_itself_is_among_its_stems() -> None:
    assert stems("атом") >= {"атом"}
    assert is_inflection_of("атом", "атом")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="аәбгғдежзийкқлмнңоөпрстуұүфхһшыіэюя", max_size=30))
def test_stemming_never_raises_and_stems_are_prefix_like(word: str) -> None:
    found = stems(word)
    assert word in found
    assert stem(word) in found
    for candidate in found:
        # a stem is the word's beginning, up to one undone alternation or restored vowel at its end
        assert word.startswith((candidate[:-1], candidate[:-2]))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30), st.text(max_size=10))
def test_is_inflection_of_never_raises(word: str, listed: str) -> None:
    assert isinstance(is_inflection_of(word, listed), bool)
