"""The tiny random-weight NLLB fixture loads and decodes with CTranslate2 and SentencePiece alone.

The fixture (tests/fixtures/translation/tiny-nllb, made by tools/make_tiny_nllb.py) has NLLB's
architecture, vocabulary layout and special tokens but meaningless weights: these tests check the
token layout and decoding behaviour the translation engine relies on, never translation quality.
The layout fed to CTranslate2 is the real NLLB one: source = [src_lang, *pieces, "</s>"],
target_prefix = [tgt_lang]; every hypothesis starts with tgt_lang.
"""

from __future__ import annotations

import json
from pathlib import Path

import ctranslate2
import pytest
import sentencepiece as spm

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "translation" / "tiny-nllb"
NLLB_SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>"]
SENIM_LANGUAGES = ["kaz_Cyrl", "rus_Cyrl", "eng_Latn", "tur_Latn", "uzn_Latn", "kir_Cyrl", "ukr_Cyrl"]
SOURCES = [
    ("eng_Latn", "The platform must publish its decision to remove unlawful content."),
    ("rus_Cyrl", "Жалоба принята, её номер указан в уведомлении."),
    ("kaz_Cyrl", "Мөлдірлік туралы есеп жыл сайын жарияланады."),
    ("eng_Latn", "Hello!"),
    ("rus_Cyrl", "Пользовательское соглашение должно быть на казахском и русском языках."),
]


@pytest.fixture(scope="module")
def translator() -> ctranslate2.Translator:
    # One thread: on a model this small, OpenMP start-up costs more than the work (0.7 ms vs 8 ms a call).
    return ctranslate2.Translator(str(FIXTURE), device="cpu", compute_type="int8", intra_threads=1)


@pytest.fixture(scope="module")
def pieces() -> spm.SentencePieceProcessor:
    return spm.SentencePieceProcessor(model_file=str(FIXTURE / "sentencepiece.bpe.model"))


def source_tokens(processor: spm.SentencePieceProcessor, src_lang: str, text: str) -> list[str]:
    return [src_lang, *processor.encode(text, out_type=str), "</s>"]


def translate(
    translator: ctranslate2.Translator, sources: list[list[str]], max_decoding_length: int
) -> list[list[str]]:
    results = translator.translate_batch(
        sources,
        target_prefix=[["kaz_Cyrl"]] * len(sources),
        beam_size=1,
        max_decoding_length=max_decoding_length,
    )
    return [result.hypotheses[0] for result in results]


def test_fixture_is_under_one_megabyte() -> None:
    size = sum(path.stat().st_size for path in FIXTURE.iterdir() if path.is_file())
    assert 0 < size < 1_000_000


def test_vocabulary_has_nllb_special_tokens_first_and_senim_language_codes() -> None:
    vocabulary = json.loads((FIXTURE / "shared_vocabulary.json").read_text(encoding="utf-8"))
    assert vocabulary[:4] == NLLB_SPECIAL_TOKENS
    assert set(SENIM_LANGUAGES) <= set(vocabulary)
    assert "kaz_Latn" not in vocabulary  # NLLB has no code for Latin-script Kazakh
    config = json.loads((FIXTURE / "config.json").read_text(encoding="utf-8"))
    assert config["decoder_start_token"] == "</s>"
    assert (config["add_source_bos"], config["add_source_eos"]) == (False, False)


def test_sentencepiece_round_trips_kazakh_and_covers_its_letters(pieces: spm.SentencePieceProcessor) -> None:
    vocabulary = set(json.loads((FIXTURE / "shared_vocabulary.json").read_text(encoding="utf-8")))
    # Not "№" or "…": NLLB's NFKC normalisation rewrites them ("No", "...").
    text = "Әлеуметтік желідегі шағым (12): ғ, қ, ң, ө, ұ, ү, һ, і — «Һ»!"
    tokens = pieces.encode(text, out_type=str)
    assert pieces.decode(tokens) == text
    assert set(tokens) <= vocabulary
    assert "<unk>" not in tokens


def test_every_hypothesis_starts_with_the_target_language_token(
    translator: ctranslate2.Translator, pieces: spm.SentencePieceProcessor
) -> None:
    sources = [source_tokens(pieces, lang, text) for lang, text in SOURCES]
    hypotheses = translate(translator, sources, max_decoding_length=10)
    assert len(hypotheses) == len(SOURCES)
    for hypothesis in hypotheses:
        assert hypothesis[0] == "kaz_Cyrl"
        assert len(hypothesis) > 1
        assert "</s>" not in hypothesis  # CTranslate2 drops the end token
    # Random weights, yet the output depends on the source.
    assert len({tuple(hypothesis) for hypothesis in hypotheses}) > 1


def test_max_decoding_length_bounds_the_output_and_counts_the_target_prefix(
    translator: ctranslate2.Translator, pieces: spm.SentencePieceProcessor
) -> None:
    sources = [source_tokens(pieces, lang, text) for lang, text in SOURCES]
    short = translate(translator, sources, max_decoding_length=4)
    long = translate(translator, sources, max_decoding_length=16)
    for short_hypothesis, long_hypothesis in zip(short, long, strict=True):
        assert len(short_hypothesis) <= 4
        assert len(long_hypothesis) <= 16
        # Greedy decoding: the bounded output is the start of the longer one.
        assert long_hypothesis[: len(short_hypothesis)] == short_hypothesis
    cut = [
        short_hypothesis
        for short_hypothesis, long_hypothesis in zip(short, long, strict=True)
        if len(long_hypothesis) == 16
    ]
    assert cut
    # The bound includes the kaz_Cyrl prefix token: 4 tokens in all, not 1 + 4.
    assert all(len(hypothesis) == 4 for hypothesis in cut)


def test_a_batch_of_different_output_lengths_gives_the_same_tokens_as_one_by_one(
    translator: ctranslate2.Translator, pieces: spm.SentencePieceProcessor
) -> None:
    sources = [source_tokens(pieces, lang, text) for lang, text in SOURCES]
    batched = translate(translator, sources, max_decoding_length=12)
    single = [translate(translator, [source], max_decoding_length=12)[0] for source in sources]
    assert batched == single
    # Some outputs end early on </s>, others run to the bound.
    assert len({len(hypothesis) for hypothesis in batched}) > 1
    assert 12 in {len(hypothesis) for hypothesis in batched}
