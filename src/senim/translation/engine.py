"""Machine translation into Kazakh: the text cut into what is translated and what must survive as it
is, and two backends — CTranslate2 running an NLLB-200-family model on the operator's own machine, and an
HTTP server speaking the LibreTranslate API.

A text is cut into lines, the lines into sentences, and the sentences around the pieces that must come
through unchanged: URLs, e-mail addresses, @mentions, #hashtags, numbers and emoji. Only the runs of words
between them are translated (the model never sees, and so never mangles, a link or a name), in batches;
the translation is reassembled in the original order with the original spacing and line breaks.
No I/O here except the backends' own (loading the model; the HTTP request).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

# NLLB-200 language codes of the languages Senim identifies (ISO 639-1 → FLORES-200).
NLLB_CODES: dict[str, str] = {
    "kk": "kaz_Cyrl",
    "ru": "rus_Cyrl",
    "en": "eng_Latn",
    "uz": "uzn_Latn",
    "ky": "kir_Cyrl",
    "uk": "ukr_Cyrl",
    "tr": "tur_Latn",
    "de": "deu_Latn",
    "fr": "fra_Latn",
    "es": "spa_Latn",
    "it": "ita_Latn",
    "pl": "pol_Latn",
    "zh": "zho_Hans",
    "ar": "arb_Arab",
    "tg": "tgk_Cyrl",
    "az": "azj_Latn",
    "be": "bel_Cyrl",
    "mn": "khk_Cyrl",
}
SENTENCEPIECE_FILE = "sentencepiece.bpe.model"

_EMOJI = (
    "\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\u200d\ufe0f\u2b00-\u2bff\u2300-\u23ff"
)
PROTECTED = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]"  # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?<![\w@])@\w[\w.]*\w|(?<![\w@])@\w"  # @mentions
    r"|(?<![\w#])#\w+"  # #hashtags
    rf"|[{_EMOJI}]+"  # emoji
)
# Numbers stay inside the sentence the model sees (a date or an amount is part of its meaning); a
# translation that does not give back every number as it was is redone with the numbers cut out.
NUMBER = re.compile(r"\d(?:[\d.,:/]*\d)?")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Piece:
    text: str
    translate: bool


def pieces(text: str, protected: re.Pattern[str] = PROTECTED) -> list[Piece]:
    """``text`` cut into pieces whose concatenation is ``text``: runs of words to translate, and
    everything else (spaces, line breaks, ``protected`` tokens, runs without letters) kept as it is."""
    out: list[Piece] = []

    def words(run: str) -> None:
        # leading and trailing white space stays outside the translated run
        core = run.strip()
        if not core or not _LETTER.search(core):
            if run:
                out.append(Piece(run, False))
            return
        start = run.index(core)
        if start:
            out.append(Piece(run[:start], False))
        out.append(Piece(core, True))
        if start + len(core) < len(run):
            out.append(Piece(run[start + len(core) :], False))

    for line in re.split(r"(\n+)", text):
        if not line or line.startswith("\n"):
            if line:
                out.append(Piece(line, False))
            continue
        sentences = _SENTENCE_END.split(line)
        separators = _SENTENCE_END.findall(line)
        for index, sentence in enumerate(sentences):
            position = 0
            for match in protected.finditer(sentence):
                words(sentence[position : match.start()])
                out.append(Piece(match.group(), False))
                position = match.end()
            words(sentence[position:])
            if index < len(separators):
                out.append(Piece(separators[index], False))
    return out


class Backend(Protocol):
    """A translation engine: ``translate`` takes runs of words (no protected tokens) in one source
    language and returns their translations, in order."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str:
        """What produced a translation, for the cache: a new model version translates anew."""
        ...

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]: ...


WITH_NUMBERS = re.compile(f"{PROTECTED.pattern}|{NUMBER.pattern}")


def keeps_numbers(source: str, translation: str) -> bool:
    return sorted(NUMBER.findall(source)) == sorted(NUMBER.findall(translation))


class Translator:
    """Translates whole texts with a backend: cut into pieces, runs deduplicated and batched."""

    def __init__(self, backend: Backend, *, batch_size: int = 32) -> None:
        self.backend = backend
        self.batch_size = batch_size

    def _runs(self, runs: Sequence[str], source: str, target: str) -> dict[str, str]:
        translated: dict[str, str] = {}
        for start in range(0, len(runs), self.batch_size):
            batch = list(runs[start : start + self.batch_size])
            translated.update(zip(batch, self.backend.translate(batch, source, target), strict=True))
        return translated

    def translate(self, texts: Sequence[str], source: str, target: str = "kk") -> list[str]:
        cut = [pieces(t) for t in texts]
        runs = list(dict.fromkeys(p.text for ps in cut for p in ps if p.translate))
        translated = self._runs(runs, source, target)
        redo = [run for run in runs if not keeps_numbers(run, translated[run])]
        if redo:  # numbers cut out: the words around them translated on their own
            recut = {run: pieces(run, WITH_NUMBERS) for run in redo}
            inner = list(dict.fromkeys(p.text for ps in recut.values() for p in ps if p.translate))
            done = self._runs(inner, source, target)
            for run, ps in recut.items():
                translated[run] = "".join(done[p.text] if p.translate else p.text for p in ps)
        return ["".join(translated[p.text] if p.translate else p.text for p in ps) for ps in cut]


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_LANGUAGE_CODE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")


def _special_tokens(model_dir: Path) -> frozenset[str]:
    """The vocabulary's language codes (``kaz_Cyrl``) and special tokens, never part of a translation."""
    vocabulary_file = model_dir / "shared_vocabulary.json"
    if vocabulary_file.exists():
        vocabulary = json.loads(vocabulary_file.read_text(encoding="utf-8"))
    else:
        vocabulary = (model_dir / "shared_vocabulary.txt").read_text(encoding="utf-8").splitlines()
    codes = {t for t in vocabulary if _LANGUAGE_CODE.match(t)}
    return frozenset(codes | {"<s>", "</s>", "<pad>", "<unk>", "<mask>"})


class CTranslate2Backend:
    """An NLLB-200-family model converted for CTranslate2 (``senim translation convert``), with its
    SentencePiece model, on the CPU with int8 weights by default.

    Source tokens are the source language code, the text's pieces and ``</s>`` (NLLB's layout in current
    transformers, ``legacy_behaviour=False``); the target prefix is the target language code, which the
    output starts with and which is dropped."""

    name = "ctranslate2"

    def __init__(
        self,
        model_dir: Path,
        *,
        compute_type: str = "int8",
        threads: int = 0,
        beam_size: int = 2,
        max_decoding_length: int = 256,
        max_input_tokens: int = 400,
    ) -> None:
        import ctranslate2
        import sentencepiece

        self.model_dir = model_dir
        self.beam_size = beam_size
        self.max_decoding_length = max_decoding_length
        self.max_input_tokens = max_input_tokens
        # Threads set explicitly: CTranslate2's default (4) is slower than 1 on a 2-core machine.
        self._translator = ctranslate2.Translator(
            str(model_dir),
            device="cpu",
            compute_type=compute_type,
            inter_threads=1,
            intra_threads=threads or os.cpu_count() or 1,
        )
        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / SENTENCEPIECE_FILE))
        self._special = _special_tokens(model_dir)
        self._version = "nllb-ct2:" + _file_digest(model_dir / "model.bin")[:16]

    @property
    def version(self) -> str:
        return self._version

    def tokens(self, segment: str, source: str) -> list[str]:
        pieces_ = self._sp.encode(segment, out_type=str)[: self.max_input_tokens]
        return [NLLB_CODES[source], *pieces_, "</s>"]

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        if not segments:
            return []
        results = self._translator.translate_batch(
            [self.tokens(s, source) for s in segments],
            target_prefix=[[NLLB_CODES[target]]] * len(segments),
            beam_size=self.beam_size,
            max_decoding_length=self.max_decoding_length,
            max_batch_size=32,
        )
        # The output starts with the target code; other language codes or special tokens inside it would be
        # decoded as literal text ("sat_Beng"), so they are dropped too.
        return [
            self._sp.decode([t for t in result.hypotheses[0] if t not in self._special]) for result in results
        ]


class LibreTranslateBackend:
    """An HTTP translation server with the LibreTranslate API (``POST /translate``)."""

    name = "libretranslate"

    def __init__(
        self, url: str, *, api_key: str = "", timeout: float = 30.0, kazakh_code: str = "kk"
    ) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.kazakh_code = kazakh_code

    @property
    def version(self) -> str:
        return f"libretranslate:{self.url}"

    def translate(self, segments: Sequence[str], source: str, target: str) -> list[str]:
        if not segments:
            return []
        body: dict[str, object] = {
            "q": list(segments),
            "source": source,
            "target": self.kazakh_code if target == "kk" else target,
            "format": "text",
        }
        if self.api_key:
            body["api_key"] = self.api_key
        response = httpx.post(f"{self.url}/translate", json=body, timeout=self.timeout)
        response.raise_for_status()
        translated = response.json()["translatedText"]
        if isinstance(translated, str):
            translated = [translated]
        if len(translated) != len(segments):
            raise ValueError("the translation server answered with another number of texts")
        return [str(t) for t in translated]
