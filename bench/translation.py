"""Translation throughput: Senim's engine (CTranslate2, int8) against Hugging Face transformers' generate()
(float32), in the same run, on the same sentences with the same settings.

The model is built here and deleted at the end (nothing is committed or left in /tmp): the architecture of
facebook/nllb-200-distilled-600M (12 + 12 layers, d_model 1024, 16 heads, FFN 4096, 256,206-entry shared
vocabulary, about 615 million parameters) with seeded random weights, and a SentencePiece BPE model trained
on a built-in Russian/English word list and padded to the same vocabulary size. The model is saved for
transformers, converted with CTranslate2's Transformers converter to int8 (as ``senim translation convert``
does) and loaded by ``CTranslate2Backend``; Senim is measured through ``Translator.translate``. Both
engines are loaded at once and take turns, language by language, so that both meet the same load from
whatever else runs on the machine; wall time and the process's CPU time are both reported.

Both sides get the same work: the same batches in the same order, the same source layout
([src_lang, *pieces, "</s>"]), kaz_Cyrl forced as the first target token, the same beam size, the same
thread count, and the same length limit (CTranslate2's max_decoding_length counts the target code, as does
max_new_tokens). Random weights pick </s> at random moments; its embedding row (tied to the output layer)
is zeroed so that neither side ever stops early, and the tokens generated for each sentence are counted on
both sides, printed and required to be equal, so that the figures compare equal work.

    .venv-ml/bin/python bench/translation.py [--sentences 32] [--beam 2] [--max-length 64] [--threads N]
        [--batch-size 32] [--quick] [--json]

Needs the tools venv (torch, transformers; see tools/requirements-ml.txt). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ctranslate2
import sentencepiece as spm
import torch
import transformers
from sentencepiece import sentencepiece_model_pb2
from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer
from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from senim.translation.engine import (  # noqa: E402
    NLLB_CODES,
    SENTENCEPIECE_FILE,
    CTranslate2Backend,
    Translator,
    keeps_numbers,
    pieces,
)

SEED = 20260101
# facebook/nllb-200-distilled-600M: its embedding has 256,206 rows (the tokenizer uses 256,204).
VOCAB_SIZE = 256_206
# The NLLB tokenizer has one token more than its SentencePiece model in front (fairseq's <s>, <pad>, </s>,
# <unk> for SentencePiece's <unk>, <s>, </s>), and the language codes and <mask> after it.
TOKENIZER_EXTRA = 1 + len(FAIRSEQ_LANGUAGE_CODES) + 1
# Small, so that words are cut into pieces as a real model cuts many of them: about 1.5 pieces a word
# here, punctuation included.
SPM_TRAINED_SIZE = 1_000
SPM_CORPUS_SENTENCES = 4_000
# CTranslate2Backend hands CTranslate2 at most this many sentences at once.
ENGINE_MAX_BATCH = 32
PAD_ID, EOS_ID = 1, 2
TARGET = "kk"
# Above this share of the CPU used by other processes while measuring, the figures are called noisy.
NOISY_SHARE = 0.1
# Built by protobuf when the module is imported: no type information.
ModelProto: Any = sentencepiece_model_pb2.ModelProto  # type: ignore[attr-defined]

# Common words, so that sentences have realistic lengths in pieces; no digits (Senim retranslates a
# sentence whose numbers do not come back, which would be extra work on its side only).
RUSSIAN_WORDS = """
пользователь платформа жалоба решение закон публикация модерация реклама рекламодатель контент
информация сообщение уведомление государство республика ребёнок дети родители школа город столица
страна народ человек люди работа время день неделя месяц год срок право обязанность орган суд
заявление ответ вопрос причина результат отчёт прозрачность безопасность данные пароль аккаунт страница
новости лента система рекомендация запрос ссылка комментарий автор читатель сеть интернет сайт служба
поддержка помощь правило порядок требование нарушение удаление блокировка доступ проверка случай
должен может нужно следует будет было были является находится получил отправил опубликовал удалил
рассмотрел принял указал сообщил запросил вправе обязана обязан новый важный другой каждый который
этот свой весь наш ваш их его её незаконный публичный личный официальный казахский русский
рабочих подробный короткий длинный открытый закрытый быстро сразу всегда никогда также ещё уже
только очень когда если чтобы потому поэтому однако кроме после перед через между около для
без под над при про из от до на по за в с к о и а но или не ни же ли бы
"""
ENGLISH_WORDS = """
user platform complaint decision law post moderation advertisement advertiser content information
message notice state republic child children parents school city capital country people person work
time day week month year period right duty body court application answer question reason result
report transparency safety data password account page news feed system recommendation request link
comment author reader network internet site service support help rule order requirement violation
removal blocking access review case must may should will would could was were is are has have had
received sent published removed reviewed accepted stated reported asked new important other every
which this their our your his her unlawful public personal official kazakh russian working detailed
short long open closed quickly immediately always never also still already only very when if so
because therefore however except after before through between about for without under over at from
to on by in with of and but or not the a an that it its they we you
"""
WORDS = {"ru": RUSSIAN_WORDS.split(), "en": ENGLISH_WORDS.split()}


@dataclass
class Run:
    """One engine's figures."""

    load_seconds: float = 0.0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    sentences: int = 0
    generated: list[int] = field(default_factory=list)

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds

    @property
    def tokens_per_second(self) -> float:
        return sum(self.generated) / self.seconds

    @property
    def tokens_per_sentence(self) -> float:
        return sum(self.generated) / len(self.generated)


def sentence(rng: random.Random, words: Sequence[str]) -> str:
    """8 to 30 words, a comma now and then, a capital and a full stop."""
    chosen = [rng.choice(words) for _ in range(rng.randint(8, 30))]
    for index in range(3, len(chosen) - 2, 7):
        chosen[index] += ","
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def make_sentences(count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` distinct (language, sentence) pairs, half Russian and half English."""
    rng = random.Random(seed)
    out: dict[str, str] = {}
    while len(out) < count:
        language = "ru" if len(out) < (count + 1) // 2 else "en"
        out.setdefault(sentence(rng, WORDS[language]), language)
    return [(language, text) for text, language in out.items()]


def train_sentencepiece(path: Path) -> int:
    """Train a BPE model (NLLB's layout: <unk>=0, <s>=1, </s>=2, no <pad>) and pad it with pieces no text
    forms to VOCAB_SIZE - TOKENIZER_EXTRA pieces; return how many were trained."""
    corpus = [text for _, text in make_sentences(SPM_CORPUS_SENTENCES, SEED + 1)]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_writer=model,
        model_type="bpe",
        vocab_size=SPM_TRAINED_SIZE,
        hard_vocab_limit=False,
        character_coverage=1.0,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=os.cpu_count() or 1,
        minloglevel=2,
    )
    proto = ModelProto()
    proto.ParseFromString(model.getvalue())
    trained = len(proto.pieces)
    lowest = min(piece.score for piece in proto.pieces)
    # Two private-use characters per piece: never in the text, so segmentation is unchanged.
    for index in range(VOCAB_SIZE - TOKENIZER_EXTRA - trained):
        piece = proto.pieces.add()
        piece.piece = "▁" + chr(0xF0000 + index // 4096) + chr(0xF1000 + index % 4096)
        piece.score = lowest - 1 - index
        piece.type = ModelProto.SentencePiece.NORMAL
    path.write_bytes(proto.SerializeToString())
    return trained


def build_tokenizer(hf_dir: Path) -> NllbTokenizer:
    """The NLLB tokenizer on the SentencePiece model in hf_dir, saved there (the converter reads it)."""
    tokenizer = NllbTokenizer.from_pretrained(
        str(hf_dir),
        src_lang="eng_Latn",
        tgt_lang="kaz_Cyrl",
        extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES),
    )
    if len(tokenizer) != VOCAB_SIZE:
        raise SystemExit(f"the tokenizer has {len(tokenizer)} tokens, not {VOCAB_SIZE}")
    tokenizer.save_pretrained(str(hf_dir))
    return tokenizer


def nllb_600m_config() -> M2M100Config:
    """The configuration of facebook/nllb-200-distilled-600M."""
    return M2M100Config(
        vocab_size=VOCAB_SIZE,
        d_model=1024,
        encoder_layers=12,
        decoder_layers=12,
        encoder_attention_heads=16,
        decoder_attention_heads=16,
        encoder_ffn_dim=4096,
        decoder_ffn_dim=4096,
        activation_function="relu",
        max_position_embeddings=1024,
        scale_embedding=True,
        dropout=0.1,
        attention_dropout=0.1,
        activation_dropout=0.0,
        encoder_layerdrop=0.0,
        decoder_layerdrop=0.0,
        init_std=0.02,
        pad_token_id=PAD_ID,
        bos_token_id=0,
        eos_token_id=EOS_ID,
        decoder_start_token_id=EOS_ID,
        tokenizer_class="NllbTokenizer",
    )


def build_model(hf_dir: Path) -> int:
    """Save a seeded random model with NLLB-200-distilled-600M's architecture; return its parameter count."""
    torch.manual_seed(SEED)
    model = M2M100ForConditionalGeneration(nllb_600m_config()).eval()
    with torch.no_grad():
        # A zero row gives </s> a logit of 0, far below the best of 256,206 random logits: never chosen.
        model.get_input_embeddings().weight[EOS_ID].zero_()
        model.get_output_embeddings().weight[EOS_ID].zero_()
    parameters = sum(p.numel() for p in model.parameters())
    model.save_pretrained(str(hf_dir))
    del model
    gc.collect()
    return parameters


def convert(hf_dir: Path, ct2_dir: Path) -> None:
    """What ``senim translation convert`` does: int8 weights, the SentencePiece model beside them."""
    converter = ctranslate2.converters.TransformersConverter(
        str(hf_dir), copy_files=[SENTENCEPIECE_FILE], low_cpu_mem_usage=True
    )
    converter.convert(str(ct2_dir), quantization="int8", force=True)


def batches(texts: Sequence[str], size: int) -> list[list[str]]:
    return [list(texts[start : start + size]) for start in range(0, len(texts), size)]


def by_language(sentences: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for language, text in sentences:
        grouped.setdefault(language, []).append(text)
    return grouped


class CountingTranslator:
    """Stands in for the backend's ctranslate2.Translator, passing every call through and recording the
    length of each best hypothesis (the target code included, </s> excluded)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.lengths: list[int] = []

    def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
        results = self.inner.translate_batch(*args, **kwargs)
        self.lengths += [len(result.hypotheses[0]) for result in results]
        return results


class Senim:
    """Senim's engine: ``Translator`` over ``CTranslate2Backend`` with int8 weights."""

    name = "Senim (CTranslate2 int8)"

    def __init__(self, ct2_dir: Path, args: argparse.Namespace) -> None:
        started = time.perf_counter()
        self.backend = CTranslate2Backend(
            ct2_dir,
            compute_type="int8",
            threads=args.threads,
            beam_size=args.beam,
            max_decoding_length=args.max_length,
        )
        self.translator = Translator(self.backend, batch_size=args.batch_size)
        self.load_seconds = time.perf_counter() - started
        # The backend's translator is private, but the generated tokens are seen nowhere else.
        self.counting = CountingTranslator(self.backend._translator)
        self.backend._translator = self.counting

    def translate(self, texts: list[str], language: str) -> list[int]:
        """Translate; return the tokens generated for each text."""
        self.counting.lengths.clear()
        outputs = self.translator.translate(texts, language, TARGET)
        # One model call per text: nothing was cut further or translated again.
        if len(self.counting.lengths) != len(texts) or not all(map(keeps_numbers, texts, outputs)):
            raise SystemExit(f"Senim made {len(self.counting.lengths)} translations of {len(texts)} texts")
        return list(self.counting.lengths)


class Transformers:
    """The baseline: transformers' generate() on the float32 model, the same batches and settings."""

    def __init__(self, hf_dir: Path, args: argparse.Namespace) -> None:
        started = time.perf_counter()
        self.tokenizer = NllbTokenizer.from_pretrained(str(hf_dir))
        self.model = M2M100ForConditionalGeneration.from_pretrained(str(hf_dir), dtype=torch.float32).eval()
        self.load_seconds = time.perf_counter() - started
        self.attention = str(self.model.config._attn_implementation)
        self.name = f"transformers fp32 ({self.attention})"
        self.batch_size = args.batch_size
        self.generation = GenerationConfig(
            num_beams=args.beam,
            do_sample=False,
            max_new_tokens=args.max_length,
            forced_bos_token_id=self.tokenizer.convert_tokens_to_ids(NLLB_CODES[TARGET]),
            decoder_start_token_id=EOS_ID,
            eos_token_id=EOS_ID,
            pad_token_id=PAD_ID,
            bos_token_id=0,
        )

    def tokens(self, text: str, language: str) -> list[str]:
        self.tokenizer.src_lang = NLLB_CODES[language]
        return list(self.tokenizer.convert_ids_to_tokens(self.tokenizer(text)["input_ids"]))

    def translate(self, texts: list[str], language: str) -> list[int]:
        """Translate (decoding the output, as Senim does); return the tokens generated for each text."""
        self.tokenizer.src_lang = NLLB_CODES[language]
        lengths: list[int] = []
        for batch in batches(texts, self.batch_size):
            inputs = self.tokenizer(batch, return_tensors="pt", padding=True)
            with torch.inference_mode():
                output = self.model.generate(**inputs, generation_config=self.generation)
            self.tokenizer.batch_decode(output, skip_special_tokens=True)
            for row in output[:, 1:].tolist():  # after the decoder start token (</s>)
                ends = [i for i, token in enumerate(row) if token in (PAD_ID, EOS_ID)]
                lengths.append(ends[0] if ends else len(row))
        return lengths


def check_same_input(
    senim: Senim, baseline: Transformers, ct2_dir: Path, grouped: dict[str, list[str]]
) -> float:
    """Both engines must see the same vocabulary and the same source tokens; return the tokens a sentence."""
    tokenizer = baseline.tokenizer
    vocabulary = json.loads((ct2_dir / "shared_vocabulary.json").read_text(encoding="utf-8"))
    if vocabulary != tokenizer.convert_ids_to_tokens(list(range(len(tokenizer)))):
        raise SystemExit("the converted model's vocabulary is not the tokenizer's")
    lengths = []
    for language, texts in grouped.items():
        for text in texts:
            tokens = senim.backend.tokens(text, language)
            if tokens != baseline.tokens(text, language):
                raise SystemExit(f"transformers and Senim cut {text!r} into different tokens")
            lengths.append(len(tokens))
    return sum(lengths) / len(lengths)


def machine_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (Linux's /proc/stat), in seconds."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def measure(engines: Sequence[Senim | Transformers], grouped: dict[str, list[str]]) -> list[Run]:
    """Each language's sentences through each engine in turn (so that both see the same load from
    whatever else runs on the machine), after a warm-up on two sentences."""
    language, texts = next(iter(grouped.items()))
    for engine in engines:
        engine.translate(texts[:2], language)
    runs = [Run(load_seconds=engine.load_seconds) for engine in engines]
    for language, texts in grouped.items():
        for engine, run in zip(engines, runs, strict=True):
            wall, cpu = time.perf_counter(), time.process_time()
            run.generated += engine.translate(texts, language)
            run.seconds += time.perf_counter() - wall
            run.cpu_seconds += time.process_time() - cpu
            run.sentences += len(texts)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sentences", type=int, default=32, help="how many sentences (half ru, half en)")
    parser.add_argument("--beam", type=int, default=2, help="beam size")
    parser.add_argument("--max-length", type=int, default=64, help="target tokens, language code included")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads for each engine")
    parser.add_argument("--batch-size", type=int, default=32, help=f"at most {ENGINE_MAX_BATCH}")
    parser.add_argument("--quick", action="store_true", help="8 sentences, at most 16 tokens: about a minute")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.quick:
        args.sentences, args.max_length = 8, 16
    if not 1 <= args.batch_size <= ENGINE_MAX_BATCH:
        parser.error(f"--batch-size must be between 1 and {ENGINE_MAX_BATCH}")
    if args.sentences < 2 or args.max_length < 2 or args.beam < 1 or args.threads < 1:
        parser.error("--sentences and --max-length must be at least 2, --beam and --threads at least 1")

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    torch.set_num_threads(args.threads)
    sentences = make_sentences(args.sentences, SEED)
    for _, text in sentences:
        if [p.text for p in pieces(text) if p.translate] != [text]:
            raise SystemExit(f"Senim would not translate {text!r} as one sentence")
    grouped = by_language(sentences)

    with tempfile.TemporaryDirectory(prefix="senim-bench-translation-") as tmp:
        hf_dir, ct2_dir = Path(tmp) / "hf", Path(tmp) / "ct2"
        hf_dir.mkdir()
        started = time.perf_counter()
        trained = train_sentencepiece(hf_dir / SENTENCEPIECE_FILE)
        build_tokenizer(hf_dir)
        parameters = build_model(hf_dir)
        built = time.perf_counter() - started
        convert(hf_dir, ct2_dir)
        converted = time.perf_counter() - started - built
        sizes = [sum(p.stat().st_size for p in d.iterdir()) for d in (hf_dir, ct2_dir)]

        senim, baseline = Senim(ct2_dir, args), Transformers(hf_dir, args)
        source_tokens = check_same_input(senim, baseline, ct2_dir, grouped)
        names, attention = (senim.name, baseline.name), baseline.attention
        busy, own, wall = machine_cpu_seconds(), time.process_time(), time.perf_counter()
        ours, theirs = measure((senim, baseline), grouped)
        # CPU time other processes used while the engines ran, as a share of the machine.
        others = (machine_cpu_seconds() - busy) - (time.process_time() - own)
        others /= (time.perf_counter() - wall) * (os.cpu_count() or 1)
        del senim, baseline

    words = sum(len(text.split()) for _, text in sentences) / len(sentences)
    # Equal work: the same number of tokens generated for every sentence on both sides.
    same_work = ours.generated == theirs.generated
    figures: dict[str, object] = {
        "parameters": parameters,
        "vocabulary": VOCAB_SIZE,
        "sentencepiece_trained_pieces": trained,
        "sentences": len(sentences),
        "words_per_sentence": round(words, 1),
        "source_tokens_per_sentence": round(source_tokens, 1),
        "beam": args.beam,
        "max_length": args.max_length,
        "batch_size": args.batch_size,
        "threads": args.threads,
        "build_seconds": round(built, 1),
        "convert_seconds": round(converted, 1),
        "transformers_model_bytes": sizes[0],
        "ctranslate2_model_bytes": sizes[1],
        "transformers_attention": attention,
    }
    for key, run in (("senim", ours), ("transformers", theirs)):
        figures |= {
            f"{key}_load_seconds": round(run.load_seconds, 2),
            f"{key}_seconds": round(run.seconds, 2),
            f"{key}_cpu_seconds": round(run.cpu_seconds, 2),
            f"{key}_sentences_per_second": round(run.sentences_per_second, 3),
            f"{key}_tokens_per_second": round(run.tokens_per_second, 1),
            f"{key}_tokens_per_sentence": round(run.tokens_per_sentence, 2),
        }
    figures |= {
        "senim_vs_transformers": round(ours.sentences_per_second / theirs.sentences_per_second, 2),
        "senim_vs_transformers_cpu": round(theirs.cpu_seconds / ours.cpu_seconds, 2),
        "same_tokens_per_sentence": same_work,
        "other_processes_cpu_share": round(others, 3),
        "peak_rss_megabytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        versions = (ctranslate2.__version__, transformers.__version__, torch.__version__)
        print("ctranslate2 {}, transformers {}, torch {}".format(*versions))
        print(
            f"model: NLLB-200-distilled-600M architecture, random weights, {parameters:,} parameters, "
            f"vocabulary {VOCAB_SIZE:,} ({trained:,} trained SentencePiece pieces)"
        )
        print(
            f"built in {built:.1f} s ({sizes[0] / 1e9:.2f} GB float32), "
            f"converted to int8 in {converted:.1f} s ({sizes[1] / 1e9:.2f} GB)"
        )
        print(
            f"{len(sentences)} sentences (ru, en -> kk), {words:.1f} words and "
            f"{source_tokens:.1f} source tokens each; beam {args.beam}, max length {args.max_length}, "
            f"batch {args.batch_size}, {args.threads} threads"
        )
        for name, run in zip(names, (ours, theirs), strict=True):
            print(
                f"{name:<30} load {run.load_seconds:5.2f} s  run {run.seconds:7.2f} s "
                f"(CPU {run.cpu_seconds:7.2f} s)  {run.sentences_per_second:7.3f} sentences/s  "
                f"{run.tokens_per_second:6.1f} tokens/s  {run.tokens_per_sentence:5.1f} tokens/sentence"
            )
        print(
            f"Senim/transformers {figures['senim_vs_transformers']:.2f}x sentences/s "
            f"({figures['senim_vs_transformers_cpu']:.2f}x by CPU time)"
        )
        print(
            f"peak RSS {figures['peak_rss_megabytes']:,} MB; other processes used {others:.0%} of the CPU "
            "while the engines ran" + (": the figures are noisy" if others > NOISY_SHARE else "")
        )
    if not same_work:
        sys.exit("the engines generated different numbers of tokens: the comparison is not of equal work")


if __name__ == "__main__":
    main()
