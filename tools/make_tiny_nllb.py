"""Make the tiny random-weight NLLB test model in tests/fixtures/translation/tiny-nllb/.

Run: .venv-ml/bin/python tools/make_tiny_nllb.py  (the tools venv, see tools/requirements-ml.txt)

It trains a small SentencePiece BPE model on a built-in Kazakh/Russian/English corpus, builds the NLLB
tokenizer on it (NLLB's special tokens and all its language codes), builds a randomly initialised
M2M100ForConditionalGeneration configured like facebook/nllb-200-distilled-600M but tiny, converts it
with CTranslate2's Transformers converter, and writes the CTranslate2 model plus sentencepiece.bpe.model.
Its translations are meaningless; it only lets the tests run the real loading, tokenisation and
decoding code without a model hub. torch and transformers are needed here and never at run time.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import ctranslate2
import sentencepiece as spm
import torch
import transformers
from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer
from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "fixtures" / "translation" / "tiny-nllb"
SEED = 20260101
# NLLB initialises with 0.02; at this size that makes every source give the same output, so the
# weights are drawn wider to make the (meaningless) output depend on the source.
INIT_STD = 0.3
# Random weights never pick </s>; scaling its row of the shared embedding (tied to the output layer)
# makes about a third of the corpus end early, so the tests see outputs of different lengths.
EOS_EMBEDDING_SCALE = 8.0
MAX_NEW_TOKENS = 12
VOCAB_SIZE = 400
MAX_BYTES = 1_000_000
SPM_FILE = "sentencepiece.bpe.model"
# The files the fixture is made of; anything else in OUTPUT (its README.md) is left alone.
MODEL_FILES = ("config.json", "model.bin", "shared_vocabulary.json", SPM_FILE)
# Language codes Senim uses or may meet; NLLB has no kaz_Latn (Latin-script Kazakh has no code).
SENIM_LANGUAGES = ("kaz_Cyrl", "rus_Cyrl", "eng_Latn", "tur_Latn", "uzn_Latn", "kir_Cyrl", "ukr_Cyrl")

KAZAKH_CYRILLIC = (
    "Қазақстан Республикасы – демократиялық, зайырлы, құқықтық және әлеуметтік мемлекет.",
    "Онлайн-платформалар және онлайн-жарнама туралы заң.",
    "Пайдаланушы шағымды жиырма жұмыс күні ішінде қарауға құқылы.",
    "Платформа заңсыз контентті жою туралы шешімін жариялауы тиіс.",
    "Біз сіздің жазбаңызды модерацияға жібердік.",
    "Жарнама берушінің атауы әрбір жарнамада көрсетіледі.",
    "Балаларға арналған контент ерекше қорғалады.",
    "Сәлеметсіз бе! Сізге қалай көмектесе аламын?",
    "Бүгін Алматыда ауа райы жылы және күн ашық.",
    "Астана – Қазақстанның елордасы.",
    "Өтініш, құпиясөзіңізді ешкімге айтпаңыз.",
    "Шағым қабылданды, оның нөмірі хабарламада көрсетілген.",
    "Мөлдірлік туралы есеп жыл сайын жарияланады.",
    "Уәкілетті орган платформадан ақпарат сұрады.",
    "Қолданушы келісімі қазақ және орыс тілдерінде болуы керек.",
    "Жаңалықтар таспасы ұсыным жүйесі арқылы құрылады.",
    "Ұсыным жүйесін өшіруге болады.",
    "Көптеген адамдар бұл жазбаны оқыды.",
    "Мен қазақ тілін үйреніп жүрмін.",
    "Ғалымдар жаңа зерттеудің нәтижелерін жариялады.",
    "Нұр-Сұлтан қаласы қайтадан Астана деп аталды.",
    "Үкімет цифрлық қызметтерді дамытуда.",
    "Һәм әріп сирек кездеседі, бірақ ол да әліпбиде бар.",
    "Шешімге шағымдану мерзімі он жұмыс күні.",
)
KAZAKH_LATIN = (
    "Qazaqstan Respublikasy – demokratiialyq, zaiyrly, qūqyqtyq jäne äleumettık memleket.",
    "Onlain-platformalar jäne onlain-jarnama turaly zañ.",
    "Paidalanuşy şağymdy jiyrma jūmys künı ışınde qarauğa qūqyly.",
    "Platforma zañsyz kontenttı joiu turaly şeşımın jariialauy tiıs.",
    "Bız sızdıñ jazbañyzdy moderatsiiağa jıberdık.",
    "Jarnama beruşınıñ atauy ärbır jarnamada körsetıledı.",
    "Sälemetsız be! Sızge qalai kömektese alamyn?",
    "Bügın Almatyda aua raiy jyly jäne kün aşyq.",
    "Astana – Qazaqstannyñ elordasy.",
    "Ötınış, qūpiiasözıñızdı eşkımge aitpañyz.",
    "Möldırlık turaly esep jyl saiyn jariialanady.",
    "Men qazaq tılın üirenıp jürmın.",
    "Ğalymdar jaña zertteudıñ nätijelerın jariialady.",
    "Ükımet tsifrlyq qyzmetterdı damytuda.",
    "Şeşımge şağymdanu merzımı on jūmys künı.",
    "Köptegen adamdar būl jazbany oqydy.",
)
RUSSIAN = (
    "Республика Казахстан – демократическое, светское, правовое и социальное государство.",
    "Закон об онлайн-платформах и онлайн-рекламе.",
    "Пользователь вправе подать жалобу, её рассмотрят в течение двадцати рабочих дней.",
    "Платформа обязана опубликовать решение об удалении незаконного контента.",
    "Мы отправили вашу публикацию на модерацию.",
    "Наименование рекламодателя указывается в каждом объявлении.",
    "Контент для детей находится под особой защитой.",
    "Здравствуйте! Чем я могу вам помочь?",
    "Сегодня в Алматы тепло и солнечно.",
    "Астана – столица Казахстана.",
    "Пожалуйста, никому не сообщайте свой пароль.",
    "Жалоба принята, её номер указан в уведомлении.",
    "Отчёт о прозрачности публикуется ежегодно.",
    "Уполномоченный орган запросил у платформы информацию.",
    "Пользовательское соглашение должно быть на казахском и русском языках.",
    "Лента новостей формируется рекомендательной системой.",
    "Рекомендательную систему можно отключить.",
    "Эту публикацию прочитали многие люди.",
    "Срок обжалования решения – десять рабочих дней.",
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
)
ENGLISH = (
    "The Republic of Kazakhstan is a democratic, secular, legal and social state.",
    "The law on online platforms and online advertising.",
    "A user may file a complaint, which is answered within twenty working days.",
    "The platform must publish its decision to remove unlawful content.",
    "We have sent your post to moderation.",
    "The advertiser's name is shown in every advertisement.",
    "Content made for children is specially protected.",
    "Hello! How can I help you?",
    "Today it is warm and sunny in Almaty.",
    "Astana is the capital of Kazakhstan.",
    "Please never tell anyone your password.",
    "Your complaint was received; its number is in the notice.",
    "The transparency report is published every year.",
    "The authorised body asked the platform for information.",
    "The user agreement must be available in Kazakh and Russian.",
    "The news feed is built by a recommender system.",
    "You can switch the recommender system off.",
    "Many people have read this post.",
    "The appeal period is ten working days.",
    "The quick brown fox jumps over the lazy dog.",
)
# Every letter of the three scripts in both cases, digits and common punctuation, so that no character
# of ordinary Kazakh, Russian or English text becomes <unk>.
ALPHABETS = (
    "А Ә Б В Г Ғ Д Е Ё Ж З И Й К Қ Л М Н Ң О Ө П Р С Т У Ұ Ү Ф Х Һ Ц Ч Ш Щ Ъ Ы І Ь Э Ю Я",
    "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я",
    "A Ä B C D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V W X Y Z",
    "a ä b c d e f g ğ h ı i j k l m n ñ o ö p q r s ş t u ū ü v w x y z",
    "0 1 2 3 4 5 6 7 8 9 . , ; : ! ? - – — ( ) [ ] « » \" ' % / & @ # + = * _ ~ $ ₸ €",
)
CORPUS = KAZAKH_CYRILLIC + KAZAKH_LATIN + RUSSIAN + ENGLISH + ALPHABETS


def train_sentencepiece(path: Path) -> None:
    """Train a BPE model with NLLB's piece layout: <unk>=0, <s>=1, </s>=2, no <pad>."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS),
        model_writer=model,
        model_type="bpe",
        vocab_size=VOCAB_SIZE,
        character_coverage=1.0,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    path.write_bytes(model.getvalue())


def build_tokenizer(spm_path: Path, hf_dir: Path) -> NllbTokenizer:
    """The NLLB tokenizer on the tiny SentencePiece model, saved into hf_dir."""
    shutil.copy(spm_path, hf_dir / SPM_FILE)
    # transformers 5 adds no language codes when it builds the tokenizer from a bare SentencePiece model,
    # so they are passed explicitly (the real hub tokenizer lists them in its tokenizer_config.json).
    tokenizer = NllbTokenizer.from_pretrained(
        str(hf_dir),
        src_lang="eng_Latn",
        tgt_lang="kaz_Cyrl",
        extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES),
    )
    missing = [code for code in SENIM_LANGUAGES if code not in tokenizer.get_vocab()]
    if missing:
        raise SystemExit(f"language codes missing from the vocabulary: {missing}")
    tokenizer.save_pretrained(str(hf_dir))
    return tokenizer


def check_tokenizer_matches_sentencepiece(tokenizer: NllbTokenizer, spm_path: Path) -> None:
    """The transformers tokenizer and plain SentencePiece must cut text into the same pieces."""
    processor = spm.SentencePieceProcessor(model_file=str(spm_path))
    for text in CORPUS:
        tokenizer.src_lang = "kaz_Cyrl"
        hf_tokens = tokenizer.convert_ids_to_tokens(tokenizer(text)["input_ids"])
        expected = ["kaz_Cyrl", *processor.encode(text, out_type=str), "</s>"]
        if hf_tokens != expected:
            raise SystemExit(f"tokenizer mismatch for {text!r}:\n{hf_tokens}\n{expected}")


def build_model(vocab_size: int, hf_dir: Path) -> M2M100ForConditionalGeneration:
    """A random tiny M2M100 model configured like facebook/nllb-200-distilled-600M, saved into hf_dir."""
    config = M2M100Config(
        vocab_size=vocab_size,
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        activation_function="relu",
        max_position_embeddings=1024,
        scale_embedding=True,
        dropout=0.1,
        attention_dropout=0.1,
        activation_dropout=0.0,
        encoder_layerdrop=0.0,
        decoder_layerdrop=0.0,
        init_std=INIT_STD,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        tokenizer_class="NllbTokenizer",
        max_length=200,
    )
    torch.manual_seed(SEED)
    model = M2M100ForConditionalGeneration(config).eval()
    with torch.no_grad():
        model.get_input_embeddings().weight[config.eos_token_id] *= EOS_EMBEDDING_SCALE
    model.save_pretrained(str(hf_dir))
    return model


def convert(hf_dir: Path, ct2_dir: Path, quantization: str) -> None:
    """Convert, keeping the SentencePiece model beside the weights, as for the real model."""
    converter = ctranslate2.converters.TransformersConverter(str(hf_dir), copy_files=[SPM_FILE])
    converter.convert(str(ct2_dir), quantization=quantization, force=True)


def check_layout_matches_transformers(
    model: M2M100ForConditionalGeneration, tokenizer: NllbTokenizer, spm_path: Path, ct2_dir: Path
) -> None:
    """Greedy CTranslate2 output, fed the runtime's token layout, must equal transformers' generate().

    The layout: source = [src_lang, *pieces, "</s>"], target_prefix = [tgt_lang]; the first output
    token is tgt_lang. transformers starts the decoder with </s> and forces tgt_lang as the first token.
    """
    processor = spm.SentencePieceProcessor(model_file=str(spm_path))
    translator = ctranslate2.Translator(str(ct2_dir), device="cpu", compute_type="float32", intra_threads=1)
    ended = 0
    for src_lang, target, text in layout_cases():
        source = [src_lang, *processor.encode(text, out_type=str), "</s>"]
        ct2_tokens = translator.translate_batch(
            [source], target_prefix=[[target]], beam_size=1, max_decoding_length=MAX_NEW_TOKENS + 1
        )[0].hypotheses[0]
        tokenizer.src_lang = src_lang
        inputs = tokenizer(text, return_tensors="pt")
        with torch.no_grad():
            generated = model.generate(
                **inputs,
                forced_bos_token_id=tokenizer.convert_tokens_to_ids(target),
                num_beams=1,
                do_sample=False,
                max_new_tokens=MAX_NEW_TOKENS + 1,
            )[0]
        # generate() returns the decoder start token and the final </s>; CTranslate2 returns neither.
        hf_tokens = tokenizer.convert_ids_to_tokens(generated.tolist())
        if hf_tokens[-1] == "</s>" and len(hf_tokens) > 1:
            hf_tokens = hf_tokens[:-1]
        if hf_tokens[0] != "</s>" or hf_tokens[1:] != ct2_tokens:
            raise SystemExit(f"CTranslate2 and transformers disagree on {text!r}:\n{ct2_tokens}\n{hf_tokens}")
        ended += len(ct2_tokens) <= MAX_NEW_TOKENS
    print(f"CTranslate2 matches transformers on {len(layout_cases())} sentences, {ended} ended early")


def layout_cases() -> list[tuple[str, str, str]]:
    """(source language, target language, text) for every corpus sentence; Latin Kazakh has no code."""
    cases = [("kaz_Cyrl", "rus_Cyrl", text) for text in KAZAKH_CYRILLIC]
    cases += [("kaz_Cyrl", "eng_Latn", text) for text in KAZAKH_LATIN]
    cases += [("rus_Cyrl", "kaz_Cyrl", text) for text in RUSSIAN]
    cases += [("eng_Latn", "kaz_Cyrl", text) for text in ENGLISH]
    return cases


def install(ct2_dir: Path, output: Path) -> int:
    """Replace the fixture's model files with the new ones; return their total size in bytes."""
    produced = sorted(path.name for path in ct2_dir.iterdir())
    if produced != sorted(MODEL_FILES):
        raise SystemExit(f"unexpected converter output: {produced}")
    output.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        shutil.copy(ct2_dir / name, output / name)
    return sum((output / name).stat().st_size for name in MODEL_FILES)


def main() -> None:
    parser = argparse.ArgumentParser(description="Make the tiny random-weight NLLB test model.")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    started = time.perf_counter()
    transformers.utils.logging.disable_progress_bar()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    with tempfile.TemporaryDirectory() as tmp:
        hf_dir = Path(tmp) / "hf"
        ct2_dir = Path(tmp) / "ct2"
        hf_dir.mkdir()
        spm_path = Path(tmp) / SPM_FILE
        train_sentencepiece(spm_path)
        tokenizer = build_tokenizer(spm_path, hf_dir)
        check_tokenizer_matches_sentencepiece(tokenizer, spm_path)
        model = build_model(len(tokenizer), hf_dir)
        convert(hf_dir, Path(tmp) / "ct2-float32", "float32")
        check_layout_matches_transformers(model, tokenizer, spm_path, Path(tmp) / "ct2-float32")
        convert(hf_dir, ct2_dir, "int8")
        size = install(ct2_dir, args.output)

    config = json.loads((args.output / "config.json").read_text(encoding="utf-8"))
    versions = (transformers.__version__, ctranslate2.__version__, torch.__version__)
    print("transformers {}, ctranslate2 {}, torch {}".format(*versions))
    print(f"vocabulary: {len(tokenizer)} tokens; CTranslate2 config: {config}")
    for name in MODEL_FILES:
        digest = hashlib.sha256((args.output / name).read_bytes()).hexdigest()[:16]
        print(f"  {name}: {(args.output / name).stat().st_size} bytes, sha256 {digest}")
    print(f"total {size} bytes, written to {args.output} in {time.perf_counter() - started:.1f} s")
    if size >= MAX_BYTES:
        sys.exit(f"the fixture is {size} bytes, over the {MAX_BYTES} byte limit")


if __name__ == "__main__":
    main()
