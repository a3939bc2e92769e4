"""Language identification: held-out sentences per language, short and mixed texts, the profile's build.

Every sentence below was written for these tests and is absent from the training corpus
(tools/langid_corpus/), which ``test_held_out_sentences_are_not_in_the_corpus`` checks.
"""

from __future__ import annotations

import importlib.util
import json
import time
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from senim.translation.langid import Identification, identify, identify_spans, languages

ROOT = Path(__file__).resolve().parents[2]

KK_CYRILLIC = [
    "Биыл көктем ерте келіп, қар тез еріп кетті.",
    "Ауылымыздағы мектептің жанынан жаңа спорт алаңы салынды.",
    "Балаларыма ертегі оқып беруді ұнатамын.",
    "Жиырма жылдан кейін туған ауылыма оралдым.",
    "Бұл жарнамада тауардың бағасы дұрыс көрсетілмеген.",
    "Пікіріңізге рақмет, біз оны міндетті түрде ескереміз.",
    "Қалалық әкімдік аулаларды абаттандыру жұмыстарын бастады.",
    "Емтихан нәтижелері келесі аптада белгілі болады.",
    "Мен бұл пайдаланушының парақшасына шағым түсірдім.",
    "Жаңбырдан кейін тауда кемпірқосақ пайда болды.",
    "Әжем маған жүннен жылы шұлық тоқып берді.",
    "Қонақ үйдің бөлмелері таза әрі жайлы екен.",
    "Жаңа заң жобасы қоғамда кең талқыланып жатыр.",
    "Сүйікті кітабымды досыма сыйға тарттым.",
    "Бүгін түскі асқа сорпа мен палау дайындадым.",
    "Өзен жағасында балалар қайық жасап ойнап жүр.",
    "Ертеңгі кездесуге уақытында келуге тырысыңыз.",
    "Бұл бейнежазбаны балалар көрмеуі керек.",
    "Ғылыми конференцияға елдің түкпір-түкпірінен жастар жиналды.",
    "Қысқы демалыста Бурабайға барып қайттық.",
    "Сізге жазған хатыма әлі жауап келген жоқ.",
    "Көршінің ұлы университетті үздік бітірді.",
]

KK_LATIN = [
    "Bıyl köktem erte kelıp, qar tez erıp kettı.",  # 2021
    "Auylymyzdağy mekteptıñ janynan jaña sport alañy salyndy.",
    "Balalaryma ertegı oqyp berudı ūnatamyn.",
    "Jıyrma jyldan keıin týǵan aýylyma oraldym.",  # 2018
    "Búgin túski asqa sorpa men palaý daıyndadym.",
    "Ertengi kezdesuge uaqytynda keluge tyrysynyz.",  # plain keyboard
    "Salem, qalaısyń?",
    "Bugin keshke kezdesemiz be?",
    "Kop rahmet, dosym, sau bol!",
    "Qazaq tilinde jazuga tyrysyp jurmin.",
    "Bul jarnamada tauardyñ bağasy dūrys körsetılmegen.",
    "Menın aty-jönım Aqbota, Şymkentten bolamyn.",
    "Qysqy demalysta Buraibaiğa baryp qaittyq.",
    "Ozen jagasynda balalar qaiyq jasap oinap jur.",
]

RU = [
    "В этом году весна пришла рано, и снег быстро растаял.",
    "Рядом с нашей школой построили новую спортивную площадку.",
    "Я люблю читать детям сказки перед сном.",
    "Через двадцать лет я вернулся в родное село.",
    "В этой рекламе неправильно указана цена товара.",
    "Спасибо за отзыв, мы обязательно его учтём.",
    "Результаты экзамена станут известны на следующей неделе.",
    "Я пожаловался на страницу этого пользователя.",
    "После дождя над горами появилась радуга.",
    "Бабушка связала мне тёплые шерстяные носки.",
    "Номера в гостинице оказались чистыми и уютными.",
    "Новый законопроект активно обсуждается в обществе.",
    "Я подарил другу свою любимую книгу.",
    "Сегодня на обед я приготовил суп и плов.",
    "Постарайтесь прийти на завтрашнюю встречу вовремя.",
    "Это видео не должны смотреть дети.",
    "На научную конференцию съехалась молодёжь со всей страны.",
    "Зимние каникулы мы провели в Бурабае.",
    "На моё письмо до сих пор не ответили.",
    "Сын соседа окончил университет с отличием.",
    "Кто-нибудь знает, почему сегодня не работает приложение банка?",
    "Объявление снято с публикации по решению модератора.",
]

EN = [
    "Spring came early this year and the snow melted quickly.",
    "A new sports ground was built next to our school.",
    "I love reading bedtime stories to my children.",
    "Twenty years later I returned to my home village.",
    "The price of the product is shown incorrectly in this advert.",
    "Thanks for your feedback, we will definitely take it into account.",
    "The exam results will be announced next week.",
    "I reported this user's page.",
    "A rainbow appeared over the mountains after the rain.",
    "My grandmother knitted me warm woollen socks.",
    "The hotel rooms were clean and cosy.",
    "The new bill is being widely debated.",
    "I gave my favourite book to a friend.",
    "Today I made soup and pilaf for lunch.",
    "Please try to be on time for tomorrow's meeting.",
    "Children should not watch this video.",
    "Young people from all over the country came to the science conference.",
    "We spent the winter holidays in Burabay.",
    "Nobody has replied to my letter yet.",
    "Our neighbour's son graduated from university with honours.",
    "Does anyone know why the banking app is down today?",
    "This listing was taken down following a moderator's decision.",
]

SHORT = [
    ("Сәлем!", "kk"),
    ("Salem, qalaısyń?", "kk"),
    ("Қайдасың?", "kk"),
    ("Рахмет, жақсы", "kk"),
    ("Жарайсың!", "kk"),
    ("Qaidasyn?", "kk"),
    ("Привет", "ru"),
    ("Где ты?", "ru"),
    ("Спасибо большое", "ru"),
    ("Ну ладно", "ru"),
    ("Thank you!", "en"),
    ("Where are you?", "en"),
    ("Good luck", "en"),
    ("Sounds great", "en"),
]

# Kazakh with Russian words, as people in Kazakhstan write: (text, dominant language)
MIXED = [
    ("Кеше дүкенге бардым, короче, ничего не купила, бәрі қымбат.", "kk"),
    ("Мен саған айттым ғой, это вообще не моя проблема, түсіндің бе?", "kk"),
    ("Жұмыстан кейін үйге келдім, потом сразу спать, қатты шаршадым.", "kk"),
    ("Слушай, сен ертең келесің бе? Мне надо с тобой поговорить.", "ru"),
    ("Я вчера смотрела новый сериал, бірақ соңы маған ұнамады, вообще не поняла.", "ru"),
    ("Балалар мектепке барды, а я наконец-то могу спокойно выпить кофе.", "ru"),
]

OTHERS = [
    ("Bugun havo juda sovuq, issiq kiyining.", "uz"),
    ("Men ertaga Samarqandga boraman.", "uz"),
    ("Бүгүн аба ырайы өтө суук, жылуу кийингиле.", "ky"),
    ("Мен эртең Ошко барам, сен да келесиңби?", "ky"),
    ("Сьогодні дуже холодно, вдягайтеся тепліше.", "uk"),
    ("Я завтра їду до Одеси, поїдеш зі мною?", "uk"),
    ("Bugün hava çok soğuk, sıkı giyinin.", "tr"),
    ("Yarın İzmir'e gidiyorum, sen de gelir misin?", "tr"),
    ("Heute ist es sehr kalt, zieht euch warm an.", "de"),
    ("Ich fahre morgen nach Hamburg, kommst du mit?", "de"),
    ("Il fait très froid aujourd'hui, couvrez-vous bien.", "fr"),
    ("Je pars demain à Marseille, tu viens avec moi ?", "fr"),
    ("Hoy hace mucho frío, abríguense bien.", "es"),
    ("Mañana me voy a Sevilla, ¿vienes conmigo?", "es"),
    ("今天天气很冷，多穿点衣服。", "zh"),
    ("今日はとても寒いので暖かくしてください。", "ja"),
    ("오늘은 날씨가 아주 추워요.", "ko"),
    ("الجو بارد جدا اليوم", "ar"),
    ("Σήμερα κάνει πολύ κρύο.", "el"),
    ("დღეს ძალიან ცივა.", "ka"),
    ("Այսօր շատ ցուրտ է։", "hy"),
    ("היום קר מאוד.", "he"),
]

UNDETERMINED = [
    "",
    "   \n\t ",
    "😀🔥👍",
    "12345 678",
    "+7 701 123 45 67",
    "https://senim.kz/posts/42?page=2",
    "@aigul_99",
    "#Қазақстан #news",
    "aigul.nur@mail.kz",
    "!!! ??? ... :)",
]


def _accuracy(cases: list[tuple[str, str]]) -> float:
    return sum(identify(text).language == expected for text, expected in cases) / len(cases)


def _train_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_langid", ROOT / "tools" / "train_langid.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- accuracy on held-out sentences ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentences", "language"),
    [(KK_CYRILLIC, "kk"), (KK_LATIN, "kk"), (RU, "ru"), (EN, "en")],
    ids=["kk-Cyrl", "kk-Latn", "ru", "en"],
)
def test_held_out_sentences_are_identified_at_least_95_percent(sentences: list[str], language: str) -> None:
    wrong = [(text, identify(text).language) for text in sentences if identify(text).language != language]
    assert 1 - len(wrong) / len(sentences) >= 0.95, wrong


@pytest.mark.parametrize(("text", "language"), [(text, "kk") for text in KK_LATIN])
def test_kazakh_in_the_latin_alphabet_is_kazakh(text: str, language: str) -> None:
    found = identify(text)
    assert found.language == language
    assert found.script == "Latn"


def test_clean_sentences_are_identified_with_high_confidence() -> None:
    confidences = [identify(text).confidence for text in KK_CYRILLIC + KK_LATIN + RU + EN]
    assert sum(confidences) / len(confidences) >= 0.85
    assert min(confidences) >= 0.5


def test_short_texts_are_mostly_right_and_less_confident_than_sentences() -> None:
    assert _accuracy(SHORT) >= 0.85, [
        (t, identify(t).language) for t, e in SHORT if identify(t).language != e
    ]
    short = [identify(text).confidence for text, _ in SHORT]
    clean = [identify(text).confidence for text in KK_CYRILLIC + RU + EN]
    assert sum(short) / len(short) < sum(clean) / len(clean)


@pytest.mark.parametrize("text", ["ok", "OK", "lol"])
def test_a_bare_interjection_is_english_or_undetermined_with_low_confidence(text: str) -> None:
    found = identify(text)
    assert found.language in ("en", "und")
    assert found.confidence < 0.6


def test_other_languages_are_mostly_identified() -> None:
    wrong = [
        (text, identify(text).language) for text, language in OTHERS if identify(text).language != language
    ]
    assert len(wrong) <= 2, wrong


@pytest.mark.parametrize(
    ("text", "script"), [("今日はとても寒いので暖かくしてください。", "Jpan"), ("오늘은", "Hang")]
)
def test_scripts_of_single_languages_are_named(text: str, script: str) -> None:
    assert identify(text).script == script


# --- mixed texts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "language"), MIXED)
def test_mixed_kazakh_and_russian_reports_the_dominant_language_with_both_scored(
    text: str, language: str
) -> None:
    found = identify(text)
    assert found.language == language
    assert found.scores["kk"] >= 0.2
    assert found.scores["ru"] >= 0.2


def test_mixed_texts_are_less_confident_than_clean_ones() -> None:
    mixed = max(identify(text).confidence for text, _ in MIXED)
    clean = [identify(text).confidence for text in KK_CYRILLIC + RU]
    assert mixed < 0.8
    assert mixed < sum(clean) / len(clean)


def test_spans_split_a_mixed_text_into_its_languages() -> None:
    text = "Мен саған айттым ғой, это вообще не моя проблема, түсіндің бе?"
    spans = identify_spans(text)
    assert [(text[s.start : s.end], s.language) for s in spans] == [
        ("Мен саған айттым ғой", "kk"),
        ("это вообще не моя проблема", "ru"),
        ("түсіндің бе", "kk"),
    ]
    assert all(0 < s.confidence <= 1 for s in spans)


def test_spans_of_a_text_without_words_are_empty() -> None:
    assert identify_spans("😀 12 https://senim.kz") == ()


# --- what is skipped, and undetermined ---------------------------------------------------------------


@pytest.mark.parametrize("text", UNDETERMINED)
def test_text_without_words_is_undetermined(text: str) -> None:
    assert identify(text) == Identification("und", 0.0, "Zyyy", {})


def test_links_mentions_hashtags_and_emoji_do_not_change_the_language() -> None:
    plain = "Бүгін кешке концертке барамыз, билет алып қойдым"
    noisy = f"@aigul_99 {plain} 🎉🎉 https://ticketon.kz/event/123 #concert #music user@mail.com 2025"
    assert identify(noisy) == identify(plain)


def test_look_alike_latin_letters_in_cyrillic_words_are_read_as_cyrillic() -> None:
    found = identify("бiлiм бeру жүйeсi туралы жаңа зaң")  # Latin i, e, a in Kazakh words
    assert (found.language, found.script) == ("kk", "Cyrl")
    assert identify("Пpивeт, кaк дeлa?").language == "ru"  # Latin p, e, a in Russian words


def test_kazakh_on_a_russian_keyboard_is_kazakh() -> None:
    assert identify("Калайсын, кандай жагдай? Ертен кездесемиз бе?").language == "kk"


def test_scores_are_shares_largest_first() -> None:
    found = identify("Бұл мәселені ертең талқылаймыз.")
    values = list(found.scores.values())
    assert values == sorted(values, reverse=True)
    assert found.scores[found.language] == found.confidence
    assert sum(values) <= 1.0001
    assert all(0.005 <= value <= 1 for value in values)


def test_every_reported_language_is_listed() -> None:
    assert {"kk", "ru", "en", "uz", "ky", "uk", "tr", "de", "fr", "es"} <= set(languages())
    for text, _ in OTHERS + MIXED + SHORT:
        assert identify(text).language in languages()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_identify_never_fails_and_confidence_is_a_share(text: str) -> None:
    found = identify(text)
    assert 0.0 <= found.confidence <= 1.0
    assert found.language == "und" or found.language in languages()
    assert found.language == "und" or found.scores[found.language] == found.confidence
    for span in identify_spans(text):
        assert 0 <= span.start < span.end <= len(text)
        assert 0.0 <= span.confidence <= 1.0


def test_a_200_character_post_takes_well_under_a_millisecond() -> None:
    post = (
        "Бүгін Алматыда ауа райы жақсы болады деп күтілуде, бірақ кешке қарай жаңбыр жаууы мүмкін. "
        "Барлығыңызға сәттілік тілеймін! Кеше біз достарымызбен бірге тауға бардық, өте керемет болды."
    )
    identify(post)
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        identify(post)
    per_call = (time.perf_counter() - started) / runs
    assert per_call < 0.001  # measured about 0.12 ms; generous for loaded CI machines


# --- the profile ---------------------------------------------------------------------------------------


def test_held_out_sentences_are_not_in_the_corpus() -> None:
    tool = _train_tool()
    corpus = {
        sentence.casefold() for path in tool.CORPUS.glob("*.txt") for sentence in tool.read_sentences(path)
    }
    held_out = KK_CYRILLIC + KK_LATIN + RU + EN + [t for t, _ in SHORT + MIXED + OTHERS]
    assert not [text for text in held_out if text.casefold() in corpus]


def test_committed_profile_is_what_the_tool_builds_from_the_corpus() -> None:
    tool = _train_tool()
    built = tool.render(tool.build_profile())
    committed = (
        resources.files("senim.translation").joinpath("langid_profile.json").read_text(encoding="utf-8")
    )
    assert built == committed, "run tools/train_langid.py"
    assert len(committed.encode()) < 500_000
    assert json.loads(committed)["classes"]
