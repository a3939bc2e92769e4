"""Normalisation for matching: evasions undone, ordinary text left alone, every character traceable."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from senim.detection.normalise import Normalised, fold_term, normalise, to_cyrillic

EVASIONS = [
    # look-alike letters
    ("сyицид", "суицид", "latin-y-in-cyrillic-word"),
    ("CУИЦИД", "суицид", "latin-c-in-upper-case-word"),
    ("ВЗPЫB", "взрыв", "latin-p-and-upper-b"),
    ("yбитb", "убить", "latin-lower-b-is-soft-sign"),
    ("наркотиkи", "наркотики", "latin-k"),
    ("өлтiремiн", "өлтіремін", "latin-i-in-kazakh-word"),
    ("убiть", "убить", "latin-i-in-russian-word"),
    ("kіll", "kill", "cyrillic-i-in-latin-word"),
    ("сαмоубийство", "самоубийство", "greek-alpha"),
    # digits and symbols used as letters
    ("уб1ть", "убить", "digit-one-russian"),
    ("н@ркотики", "наркотики", "at-sign"),
    ("с00бщение", "сообщение", "two-zeros"),
    ("3акладка", "3акладка", "leading-digit-is-not-read"),
    ("за3ладка", "заз" + "ладка", "digit-three-is-ze"),
    ("ме4ел", "мечел", "digit-four-is-che"),
    ("ры6ка", "рыбка", "digit-six-is-be"),
    ("k1ll", "kill", "digit-one-latin"),
    ("h4te", "hate", "digit-four-latin"),
    ("hell0", "hello", "final-zero"),
    ("уб!ть", "убить", "exclamation-inside-word"),
    # separators inside words
    ("с.у.и.ц.и.д", "суицид", "dots"),
    ("с-у-и-ц-и-д", "суицид", "hyphens"),
    ("с у и ц и д", "суицид", "spaces"),
    ("с_у_и_ц_и_д", "суицид", "underscores"),
    ("с . у . и . ц . и . д", "суицид", "spaced-dots"),
    ("c.у.и.ц.и.д", "суицид", "separated-latin-look-alike"),
    ("у.б.1.т.ь", "убить", "separated-digit"),
    # repeated letters
    ("суууицид", "суицид", "tripled-letter"),
    ("убиииить", "убить", "many-letters"),
    # invisible characters and leftover marks
    ("су\u200bи\u200dцид", "суицид", "zero-width"),
    ("су\u00adицид", "суицид", "soft-hyphen"),
    ("у\u0301бить", "убить", "stress-mark"),
    ("\u202eсуицид", "суицид", "bidi-override"),
    ("с\u0336у\u0336и\u0336цид", "суицид", "strike-through-marks"),
    # compatibility forms
    ("ＳＵＩＣＩＤＥ", "suicide", "full-width"),
    ("ﬁre", "fire", "ligature"),
    ("СУИЦИД", "суицид", "upper-case"),
    ("ІШІМДІК", "ішімдік", "kazakh-upper-i"),
]


@pytest.mark.law("LAW-15")
@pytest.mark.parametrize(("text", "expected", "label"), EVASIONS, ids=[case[2] for case in EVASIONS])
def test_evasion_is_undone(text: str, expected: str, label: str) -> None:
    assert normalise(text).text == expected


KAZAKH_LATIN = [
    ("öltiremin", "өлтіремін", "2021-umlaut"),
    ("öltıremın", "өлтіремін", "2021-dotless-i"),
    ("balalar", "балалар", "plain"),
    ("şağym", "шағым", "2021-cedilla-breve"),
    ("qaru satamyn", "қару сатамын", "q-and-y"),
    ("ūrlyq", "ұрлық", "u-macron"),
    ("jüregı", "жүрегі", "u-umlaut"),
    ("meñ", "мең", "n-tilde"),
    ("äke", "әке", "a-umlaut"),
    ("üiıne", "үйіне", "i-after-vowel-is-short-i"),
    ("kiım", "киім", "i-before-vowel"),
    ("aiaq", "аяқ", "ia-after-vowel"),
    ("ǵalym", "ғалым", "2018-acute-g"),
    ("ańshy", "аңшы", "2018-acute-n-and-sh"),
    ("ólim", "өлім", "2018-acute-o"),
    ("o'ltiremin", "өлтіремін", "2017-apostrophe-o"),
    ("s'ag'ym", "шағым", "2017-apostrophe-s-g"),
    ("qazaqtyn'", "қазақтың", "2017-final-apostrophe-n"),
    ("a'ke", "әке", "2017-apostrophe-a"),
    ("Qazaqstan Eli", "қазақстан елі", "capitals"),
]


@pytest.mark.law("LAW-15")
@pytest.mark.parametrize(("text", "expected", "label"), KAZAKH_LATIN, ids=[case[2] for case in KAZAKH_LATIN])
def test_kazakh_latin_is_read_in_cyrillic(text: str, expected: str, label: str) -> None:
    assert to_cyrillic(normalise(text).text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("wax box", id="w-and-x-are-not-kazakh"),
        pytest.param("covid cafe", id="lone-c-is-not-kazakh"),
        pytest.param("café", id="accented-letter"),
        pytest.param("мен сені 2024 жылы", id="cyrillic-and-numbers"),
        pytest.param("mp3 win10", id="letters-touching-digits"),
    ],
)
def test_to_cyrillic_leaves_words_that_are_not_kazakh_latin(text: str) -> None:
    assert to_cyrillic(text).text == text


def test_to_cyrillic_maps_back_to_its_input() -> None:
    text = "men seni o'ltiremin!"
    reading = to_cyrillic(text)
    assert reading.text == "мен сені өлтіремін!"
    start = reading.text.index("өлтіремін")
    assert reading.span(start, start + len("өлтіремін")) == (9, 19)
    assert text[9:19] == "o'ltiremin"


ORDINARY = [
    ("Я и он пришли домой.", "я и он пришли домой.", "russian-sentence"),
    ("Мен сені жақсы көремін", "мен сені жақсы көремін", "kazakh-sentence"),
    ("We met at 10:30 on 2024-05-01.", "we met at 10:30 on 2024-05-01.", "english-sentence-with-numbers"),
    ("2024", "2024", "year"),
    ("+7 (701) 123-45-67", "+7 (701) 123-45-67", "phone-number"),
    ("8 701 123 45 67", "8 701 123 45 67", "phone-with-spaces"),
    ("900101300123", "900101300123", "iin"),
    ("т.е. и т.д.", "т.е. и т.д.", "abbreviations"),
    ("1.2.3", "1.2.3", "version-number"),
    ("covid19 mp3 iphone15 2024ж", "covid19 mp3 iphone15 2024ж", "letters-with-digits"),
    ("@user #tag $100", "@user #tag $100", "mentions-and-money"),
    ("Kill! Wow!!!", "kill! wow!!!", "exclamations"),
    ("касса, аттар, coffee", "касса, аттар, coffee", "double-letters-stay"),
    ("user1@mail.kz", "user1@mail.kz", "e-mail"),
    ("https://www.example.com/a1b", "https://www.example.com/a1b", "url"),
    ("кто-то где-нибудь", "кто-то где-нибудь", "hyphenated-words"),
    ("Әке мен бала", "әке мен бала", "kazakh-letters"),
]


@pytest.mark.parametrize(("text", "expected", "label"), ORDINARY, ids=[case[2] for case in ORDINARY])
def test_ordinary_text_is_unchanged_apart_from_case(text: str, expected: str, label: str) -> None:
    assert normalise(text).text == expected


def test_white_space_runs_become_one_space() -> None:
    assert normalise("мен\t\tсені \n\u00a0 көрдім").text == "мен сені көрдім"


def test_russian_yo_is_folded_to_ye() -> None:
    assert normalise("Убьёт").text == "убьет"


def test_three_single_letters_are_glued_even_in_ordinary_text() -> None:
    # the known cost of undoing "с у и ц и д": three one-letter words in a row are read as one word
    assert normalise("a\t b\n\nc").text == "abc"


def test_two_single_letters_are_not_glued() -> None:
    assert normalise("я и он").text == "я и он"
    assert normalise("а.б").text == "а.б"


def test_span_maps_a_match_back_to_the_original() -> None:
    text = "Ты с.у.и.ц.и.д\u200b, понял"
    result = normalise(text)
    start = result.text.index("суицид")
    original = result.span(start, start + len("суицид"))
    assert text[original[0] : original[1]] == "с.у.и.ц.и.д\u200b"


def test_span_covers_the_whole_of_an_expanded_character() -> None:
    result = normalise("ﬁre")
    assert result.text == "fire"
    assert result.span(0, 1) == (0, 1)
    assert result.span(1, 2) == (0, 1)
    assert result.span(0, 4) == (0, 3)


def test_span_of_an_empty_range_and_bad_ranges() -> None:
    result = normalise("ab")
    assert result.span(1, 1) == (1, 1)
    assert result.span(2, 2) == (2, 2)
    with pytest.raises(ValueError, match="outside"):
        result.span(1, 3)
    with pytest.raises(ValueError, match="outside"):
        result.span(2, 1)


def test_then_composes_origins() -> None:
    first = normalise("Men  seni o'ltiremin")
    reading = first.then(to_cyrillic(first.text))
    assert reading.text == "мен сені өлтіремін"
    start = reading.text.index("өлтіремін")
    assert reading.span(start, len(reading.text)) == (10, 20)


def test_lone_surrogates_and_controls_do_not_raise() -> None:
    for text in ("\ud800", "a\udfffb", "\x00\x01\x7f", "\u0301", "\ufeff"):
        result = normalise(text)
        assert len(result.origin) == len(result.text)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        pytest.param("  Сyицид ", "суицид", id="look-alike-and-space"),
        pytest.param("Қару", "қару", id="kazakh-upper-case"),
        pytest.param("н@ркотики", "наркотики", id="symbol"),
    ],
)
def test_fold_term(term: str, expected: str) -> None:
    assert fold_term(term).strip() == expected


def test_fold_term_is_the_identity_on_normalised_text() -> None:
    text = normalise("ТЫ  с.у.и.ц.и.д! öltiremin").text
    assert fold_term(text) == text
    reading = to_cyrillic(text).text
    assert fold_term(reading) == reading


# --- properties -------------------------------------------------------------------------------------

_EVASIVE = st.sampled_from(
    list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі")
    + list("abcdehiklmnoprstuxyzäöüşğıñū")
    + list("0134568@$!.-_ *·/|'’")
    + ["\u200b", "\u00ad", "\u0301", "\u0336", "\u202e", "\ufb01", "\u0130", "\u0131", "Ι", "α", "ο"]
    + list("АВСЕНКМОРТХІ")
)
_TEXTS = st.one_of(st.text(max_size=60), st.text(_EVASIVE, max_size=40))


def _check_origin(text: str, result: Normalised) -> None:
    assert len(result.origin) == len(result.text)
    assert all(a <= b for a, b in zip(result.origin, result.origin[1:], strict=False))
    assert all(0 <= i < len(text) for i in result.origin)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_normalise_never_raises_and_keeps_origin_consistent(text: str) -> None:
    result = normalise(text)
    _check_origin(text, result)
    start, end = result.span(0, len(result.text))
    assert 0 <= start <= end <= len(text)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text).text
    assert normalise(once).text == once


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.data())
def test_every_span_stays_inside_the_original(text: str, data: st.DataObject) -> None:
    result = normalise(text)
    start = data.draw(st.integers(0, len(result.text)))
    end = data.draw(st.integers(start, len(result.text)))
    first, last = result.span(start, end)
    assert 0 <= first <= last <= len(text)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_to_cyrillic_output_is_normalised(text: str) -> None:
    normal = normalise(text).text
    reading = to_cyrillic(normal)
    _check_origin(normal, reading) if normal else None
    assert normalise(reading.text).text == reading.text
