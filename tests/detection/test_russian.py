"""Russian lemmatisation with pymorphy3 (LAW-15, LAW-36)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from senim.detection import russian
from senim.detection.russian import lemmas

pytestmark = pytest.mark.law("LAW-15")


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("убили", "убить"),
        ("наркотиков", "наркотик"),
        ("бомбы", "бомба"),
        ("взорвём", "взорвать"),
        ("оружием", "оружие"),
        ("закладки", "закладка"),
        ("Убили", "убить"),
    ],
)
def test_inflected_word_gives_its_lemma(word: str, lemma: str) -> None:
    assert lemma in lemmas(word)


def test_the_word_itself_is_included() -> None:
    assert "убили" in lemmas("убили")
    assert "Бомбы" in lemmas("Бомбы")


def test_ambiguous_word_gives_every_lemma() -> None:
    assert {"стать", "сталь"} <= lemmas("стали")


def test_lemma_with_yo_is_also_given_with_ye() -> None:
    assert {"ёлка", "елка"} <= lemmas("ёлки")


@pytest.mark.parametrize(
    "word",
    [
        pytest.param("killed", id="latin"),
        pytest.param("өлтіремін", id="kazakh-cyrillic"),
        pytest.param("қару", id="kazakh-letter"),
        pytest.param("123", id="digits"),
        pytest.param("", id="empty"),
        pytest.param("убилиx", id="mixed-script"),
    ],
)
def test_non_russian_word_gives_only_itself(word: str) -> None:
    assert lemmas(word) == frozenset({word})


def test_hyphenated_word() -> None:
    assert "кто-то" in lemmas("кого-то")


def test_results_are_cached() -> None:
    lemmas.cache_clear()
    lemmas("бомбами")
    lemmas("бомбами")
    assert lemmas.cache_info().hits == 1


def test_analyser_is_created_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[object] = []
    real = russian.pymorphy3.MorphAnalyzer

    def counting() -> object:
        created.append(object())
        return real()

    monkeypatch.setattr(russian, "_analyser", None)
    monkeypatch.setattr(russian.pymorphy3, "MorphAnalyzer", counting)
    with ThreadPoolExecutor(max_workers=8) as pool:
        analysers = list(pool.map(lambda _: russian.analyser(), range(32)))
    assert len(created) == 1
    assert all(a is analysers[0] for a in analysers)
