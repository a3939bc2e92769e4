"""The starter rule packs load and validate, and each rule finds what it is for — in Kazakh, Russian and
English, through the evasions the normaliser undoes (Latin-script Kazakh, look-alike letters, separators,
repeated letters, digits for letters) and in inflected forms — while innocent text, idioms and news
reporting trigger no rule of any pack, and weaker signals never escalate."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from senim.detection import engine, packs
from senim.detection.rules import RuleStatus

CATEGORIES = {
    "child-exploitation": "unlawful.child_sexual_exploitation",
    "doxxing": "privacy.personal_data",
    "drugs": "unlawful.drugs",
    "fraud": "unlawful.fraud",
    "gambling": "unlawful.online_casino",
    "suicide": "unlawful.suicide",
    "terrorism": "unlawful.terrorism_extremism",
    "threats": "unlawful.cruelty_violence",
}

IIN_1, IIN_2, IIN_3 = "900101300106", "850515400101", "770812300102"  # valid checksums

# (pack, text, the rule expected to find it: "pack.<pack>.<this>")
POSITIVES = [
    # threats
    ("threats", "Я тебя убью", "ru.explicit"),
    ("threats", "я тебя у.б.ь.ю, понял?", "ru.explicit"),
    ("threats", "Я ТЕБЯ УБЬЮЮЮ", "ru.explicit"),
    ("threats", "я тебя yбью", "ru.explicit"),  # Latin y
    ("threats", "Найду тебя и зарежу, тварь", "ru.explicit"),
    ("threats", "Тебе не жить", "ru.explicit"),
    ("threats", "Я знаю, где ты живёшь", "ru.veiled"),
    ("threats", "Я его убью, если ещё раз увижу", "ru.veiled"),
    ("threats", "Сені өлтіремін", "kk.explicit"),
    ("threats", "seni oltiremin", "kk.explicit"),
    ("threats", "Seni öltiremin!", "kk.explicit"),
    ("threats", "сени олтиремин", "kk.explicit"),  # no Kazakh keyboard
    ("threats", "сенi өлтiремiн", "kk.explicit"),  # Latin i
    ("threats", "Сені табамын да өлтіремін", "kk.explicit"),
    ("threats", "басыңды кесемін", "kk.explicit"),
    ("threats", "Қайда тұратыныңды білемін", "kk.veiled"),
    ("threats", "I will kill you", "en.explicit"),
    ("threats", "I'll k1ll you", "en.explicit"),
    ("threats", "i'm gonna find you and kill you", "en.explicit"),
    ("threats", "I know where you live", "en.veiled"),
    ("threats", "I'm going to kill him", "en.veiled"),
    # suicide
    ("suicide", "Убей себя, ничтожество", "ru.incitement"),
    ("suicide", "yбeй ceбя", "ru.incitement"),  # Latin y, e, c
    ("suicide", "иди повесься", "ru.incitement"),
    ("suicide", "в.ы.п.и.л.и.с.ь", "ru.incitement"),
    ("suicide", "сколько нужно таблеток, чтобы умереть", "ru.at-risk"),
    ("suicide", "Я покончу с собой сегодня", "ru.at-risk"),
    ("suicide", "куратор, хочу в игру #синийкит", "ru.at-risk"),
    ("suicide", "Өзіңді өлтір!", "kk.incitement"),
    ("suicide", "ozindi oltir", "kk.incitement"),
    ("suicide", "асылып өл", "kk.incitement"),
    ("suicide", "Өзімді өлтіргім келеді", "kk.at-risk"),
    ("suicide", "өзін-өзі өлтіру тәсілдері қандай", "kk.at-risk"),
    ("suicide", "you should kill yourself", "en.incitement"),
    ("suicide", "just kys", "en.incitement"),
    ("suicide", "how to kill myself painlessly", "en.at-risk"),
    ("suicide", "I'm going to kill myself tonight", "en.at-risk"),
    # terrorism
    ("terrorism", "Завтра взорву школу, всем конец", "ru.threat"),
    ("terrorism", "взорву шкoлу", "ru.threat"),  # Latin o
    ("terrorism", "п.е.р.е.с.т.р.е.л.я.ю всех", "ru.threat"),
    ("terrorism", "Я заложил бомбу в здании акимата", "ru.threat"),
    ("terrorism", "Вступай в ряды моджахедов, брат", "ru.propaganda"),
    ("terrorism", "мектепті жарып жіберемін", "kk.threat"),
    ("terrorism", "mektepti zharyp zhiberemin", "kk.threat"),
    ("terrorism", "бәрін атып тастаймын", "kk.threat"),
    ("terrorism", "zhihadqa qosyl", "kk.propaganda"),
    ("terrorism", "кәпірлерді өлтіріңдер", "kk.propaganda"),
    ("terrorism", "I'm going to shoot up the school tomorrow", "en.threat"),
    ("terrorism", "join the mujahideen", "en.propaganda"),
    ("terrorism", "как сделать бомбу в домашних условиях", "manuals"),
    ("terrorism", "бомба жасау жолы", "manuals"),
    ("terrorism", "how to make a pipe bomb", "manuals"),
    # child sexual exploitation: indicators only
    ("child-exploitation", "PTHC new", "keywords"),
    ("child-exploitation", "r@ygold", "keywords"),
    ("child-exploitation", "Продаю ЦП, пиши в лс", "ru.trade"),
    ("child-exploitation", "пр0даю цп", "ru.trade"),
    ("child-exploitation", "цп 8-12 лет архив", "ru.trade"),
    ("child-exploitation", "скину д-е-т-с-к-о-е порно", "ru.trade"),
    ("child-exploitation", "балалар порносын сатамын", "kk.trade"),
    ("child-exploitation", "selling cp, dm me", "en.trade"),
    ("child-exploitation", "Только не говори маме, это наш секрет", "ru.grooming"),
    ("child-exploitation", "В каком ты классе? Пришли фото в купальнике", "ru.grooming"),
    ("child-exploitation", "Нешінші сыныпта оқисың? Үйде жалғызсың ба?", "kk.grooming"),
    ("child-exploitation", "Ата-анаңа айтпа, бұл біздің құпиямыз", "kk.grooming"),
    ("child-exploitation", "what grade are you in? don't tell your mom we talk", "en.grooming"),
    # drugs
    ("drugs", "Закладки меф, альфа-пвп по городу 24/7", "ru.shop"),
    ("drugs", "з@кл@дки мeф Алматы", "ru.shop"),
    ("drugs", "з а к л а д к и меф", "ru.shop"),
    ("drugs", "Продаю гашиш, бошки, доставка", "ru.shop"),
    ("drugs", "Требуются закладчики, зп от 300к в неделю", "ru.shop"),
    ("drugs", "ровный клад, ненаход — перезаклад", "ru.slang"),
    ("drugs", "Kladmen rabota", "ru.slang"),
    ("drugs", "есірткі сатамын, жеткізу бар", "kk.shop"),
    ("drugs", "esirtki satamyz", "kk.shop"),
    ("drugs", "Закладчик керек, жұмыс күнделікті", "kk.shop"),
    ("drugs", "selling molly and xans hmu", "en.shop"),
    ("drugs", "cocaine for sale", "en.shop"),
    # fraud
    ("fraud", "Здравствуйте, это служба безопасности банка. Продиктуйте код из СМС", "ru.phishing"),
    ("fraud", "Прoдиктуйте кoд из СМС", "ru.phishing"),  # Latin o
    ("fraud", "Ваша карта заблокирована, перейдите по ссылке для разблокировки", "ru.phishing"),
    ("fraud", "Заработок без вложений! 30% в день", "ru.schemes"),
    ("fraud", "Куплю вашу карту Kaspi Gold, 20 000 тг", "ru.schemes"),
    ("fraud", "SMS-кодты айтыңыз, операцияны тоқтатамыз", "kk.phishing"),
    ("fraud", "sms kodty aitynyz", "kk.phishing"),
    ("fraud", "Картаңыз бұғатталды, сілтеме арқылы өтіңіз", "kk.phishing"),
    ("fraud", "Салымсыз табыс, күніне 20%", "kk.schemes"),
    ("fraud", "Kaspi картаңызды сатып аламын", "kk.schemes"),
    ("fraud", "send me the code you just received", "en.phishing"),
    ("fraud", "Guaranteed returns! Double your bitcoin in 24 hours", "en.schemes"),
    # gambling
    ("gambling", "Играй в вавада", "brands"),
    ("gambling", "Vavada: бонус 100 фриспинов за регистрацию!", "ru.ads"),
    ("gambling", "Рабочее зеркало в@в@да в профиле", "ru.ads"),
    ("gambling", "к а з и н о бонус", "ru.ads"),
    ("gambling", "Слоты с выводом на Kaspi за 5 минут", "ru.ads"),
    ("gambling", "Онлайн казинода ойнап, миллион ұтып ал!", "kk.ads"),
    ("gambling", "Kazinoda oina, million utyp al", "kk.ads"),
    ("gambling", "Free spins! Join the best online casino, link in bio", "en.ads"),
    # doxxing
    ("doxxing", "Вот его адрес: ул. Абая, д. 15, кв. 42. Идите разберитесь", "disclosure"),
    ("doxxing", f"вот её ИИН {IIN_1}, делайте что хотите", "disclosure"),
    ("doxxing", "Оның мекенжайы: Абай көшесі 15 үй, 42 пәтер", "disclosure"),
    ("doxxing", "onyn mekenzhaiy: Abai koshesi 15, 42 pater", "disclosure"),
    ("doxxing", "Here is her address: she lives at 12 Oak Street, apt 4", "disclosure"),
    ("doxxing", "Вот его номер: +7 701 234 56 78, звоните ему ночью", "contact"),
    ("doxxing", "оның телефоны 8 777 123 45 67", "contact"),
    ("doxxing", f"{IIN_1} {IIN_2} {IIN_3}", "id-list"),
    ("doxxing", "Пробив по номеру и ИИН, быстро и анонимно", "lookup"),
    ("doxxing", "I will dox him tonight", "lookup"),
]

# (pack the text is a near miss for, text); none may trigger any rule of any pack
NEGATIVES = [
    ("threats", "Убить время до поезда"),
    ("threats", "Мама меня убьёт, если узнает про двойку"),
    ("threats", "Полиция: мужчина пригрозил убить соседа"),
    ("threats", "За тебя убью любого!"),
    ("threats", "Задушу тебя в объятиях!"),
    ("threats", "Замочу его в воде на ночь, потом сварю"),
    ("threats", "Тебе не жить в этой квартире, там сыро"),
    ("threats", "Ол мені күлкіден өлтіріп жіберді"),
    ("threats", "Полиция күдіктіні ұстады, ол көршісін өлтірді"),
    ("threats", "kill the process and restart the server"),
    ("threats", "I'll kill you at chess tonight"),
    ("threats", "Man arrested after threatening to kill neighbour"),
    ("suicide", "Если тебе плохо, не убивай себя — позвони 150"),
    ("suicide", "Подросток покончил с собой, сообщает полиция"),
    ("suicide", "Повесьте картину над диваном"),
    ("suicide", "Синий кит — самое большое животное на Земле"),
    ("suicide", "Өзіңді өлтірме, сен бізге керексің"),
    ("suicide", "Ол өзін-өзі өлтірді деп хабарлады полиция"),
    ("suicide", "асыл тас сатып алдым"),
    ("suicide", "Don't kill yourself over this deadline"),
    ("suicide", "I'm going to kill myself if this meeting runs late"),
    ("suicide", "kys keldi, qar jauyp tur"),
    ("terrorism", "Перестреляю всех зомби на этом уровне"),
    ("terrorism", "Устрою взрыв эмоций на вечеринке"),
    ("terrorism", "Этот трек взорвёт танцпол"),
    ("terrorism", "Вербовщик призывал молодёжь вступить в ИГИЛ"),
    ("terrorism", "Біз концертті жарып жібереміз!"),
    ("terrorism", "Ол жиһадқа қосылған деп айыпталды"),
    ("terrorism", "We're going to bomb the exam lol"),
    ("terrorism", "Officials said he urged followers to join the Islamic State"),
    ("terrorism", "как сделать бомбу для ванны"),
    ("terrorism", "how to make a bath bomb"),
    ("child-exploitation", "продам цп intel core i5, почти новый"),
    ("child-exploitation", "Обзор ЦП AMD Ryzen: характеристики"),
    ("child-exploitation", "Мужчину осудили за хранение детской порнографии"),
    ("child-exploitation", "Не говори маме, это сюрприз к её дню рождения"),
    ("child-exploitation", "Ата-анаңа айтпа, туған күніне сыйлық дайындап жатырмыз"),
    ("child-exploitation", "Ол балалар порнографиясын таратқаны үшін сотталды"),
    ("child-exploitation", "I have cp and use a wheelchair"),
    ("child-exploitation", "He was jailed for possessing child pornography"),
    ("child-exploitation", "how old are you turning? don't tell your mom about the party"),
    ("drugs", "Добавьте страницу в закладки браузера"),
    ("drugs", "Закладка огурцов: на 3-литровую банку соль 2 ст. л."),
    ("drugs", "Полиция изъяла 2 кг героина у жителя Шымкента"),
    ("drugs", "Кекс с маком продаю, доставка по городу"),
    ("drugs", "Полиция 5 кг есірткі тәркіледі"),
    ("drugs", "Police seized cocaine worth $1m at the port"),
    ("drugs", "I sell weed killer at the garden store"),
    ("fraud", "Никому не сообщайте код из СМС, даже сотрудникам банка"),
    ("fraud", "скинь код, посмотрю где ошибка"),
    ("fraud", "Назовите код товара на упаковке"),
    ("fraud", "Банк повысил ставку по депозиту до 15% годовых"),
    ("fraud", "Промокод на скидку: введите код SALE20"),
    ("fraud", "Кодты ешкімге айтпаңыз, тіпті банк қызметкеріне де"),
    ("fraud", "кодты жібер, қатені қарайын"),
    ("fraud", "send me the code and I'll review the PR"),
    ("fraud", "Never share your code with anyone"),
    ("fraud", "Apple will double the storage in 24 hours"),
    ("gambling", "Онлайн-казино в Казахстане запрещены законом"),
    ("gambling", "Смотрели «Казино» Скорсезе? Шедевр"),
    ("gambling", "Купила зеркало в ИКЕА, доставка бесплатно"),
    ("gambling", "Промокод на скидку 20% в Wildberries"),
    ("gambling", "Банк: бонус к депозиту 2%"),
    ("gambling", "Депутаты обсудили запрет рекламы казино и ставок"),
    ("gambling", "Казиноға барма, ақшаңды жоғалтасың"),
    ("gambling", "Casino Royale is the best Bond film"),
    ("gambling", "The casino in Las Vegas reported record revenue"),
    ("doxxing", "Звоните: +7 701 234 56 78 или +7 777 765 43 21"),
    ("doxxing", "Магазин «Арман», мекенжайы: Абай даңғылы 10"),
    ("doxxing", "Вот его адрес электронной почты для заказов — пишите"),
    ("doxxing", f"ИП Иванов, ИИН {IIN_1}, счёт на оплату"),
    ("doxxing", "Его номер 8 в рейтинге FIFA"),
    ("doxxing", "Продаю 2-комн. квартиру 65 м², ул. Абая 15, 5/9 этаж"),
    ("doxxing", "оның мекенжайын білмеймін"),
]


@cache
def _compiled(name: str) -> tuple[engine.CompiledRule, ...]:
    return tuple(
        engine.compile_rule(rule.name, rule.name, 1, RuleStatus.live, rule.spec)
        for rule in packs.load(name).rules
    )


def _every_rule() -> tuple[engine.CompiledRule, ...]:
    return tuple(rule for name in packs.available() for rule in _compiled(name))


def _found(text: str) -> dict[str, engine.Finding]:
    return {finding.rule.name: finding for finding in engine.evaluate(_every_rule(), text)}


def test_the_shipped_packs() -> None:
    assert packs.available() == sorted(CATEGORIES)


@pytest.mark.parametrize("name", sorted(CATEGORIES))
def test_a_pack_loads_with_valid_rules_of_its_category(name: str) -> None:
    pack = packs.load(name)
    assert pack.name == name
    for text in (pack.title, pack.description):
        assert all((text.kk, text.ru, text.en))
    assert len({rule.name for rule in pack.rules}) == len(pack.rules)
    for rule in pack.rules:
        assert rule.name.startswith(f"pack.{name}.")
        assert rule.spec.category == CATEGORIES[name]
        assert rule.note
    assert len(_compiled(name)) == len(pack.rules)


def test_escalating_rules_are_the_explicit_threats_and_wait_for_a_safety_officer() -> None:
    escalating = {
        rule.name: rule.spec.action.dispatch
        for name in packs.available()
        for rule in packs.load(name).rules
        if rule.spec.action.type == "escalate"
    }
    assert escalating == {
        "pack.threats.ru.explicit": "confirm",
        "pack.threats.kk.explicit": "confirm",
        "pack.threats.en.explicit": "confirm",
        "pack.terrorism.ru.threat": "confirm",
        "pack.terrorism.kk.threat": "confirm",
        "pack.terrorism.en.threat": "confirm",
    }


def test_every_rule_has_a_positive_example() -> None:
    every = {rule.name for rule in _every_rule()}
    assert {f"pack.{pack}.{rule}" for pack, _, rule in POSITIVES} == every


@pytest.mark.parametrize(("pack", "text", "rule"), POSITIVES)
def test_the_rule_finds_its_example(pack: str, text: str, rule: str) -> None:
    found = _found(text)
    name = f"pack.{pack}.{rule}"
    assert name in found, (text, sorted(found))
    for hit in found[name].hits:
        assert 0 <= hit.start < hit.end <= len(text)
    # a weaker signal never escalates through another rule
    if found[name].rule.spec.action.type != "escalate":
        assert [n for n, f in found.items() if f.rule.spec.action.type == "escalate"] == []


@pytest.mark.parametrize(("pack", "text"), NEGATIVES)
def test_innocent_text_triggers_no_rule_of_any_pack(pack: str, text: str) -> None:
    assert _found(text) == {}, pack


def test_an_unknown_pack_is_refused_with_the_list_of_packs() -> None:
    with pytest.raises(
        ValueError, match=r"no detection rule pack 'weapons'; the packs are: child-exploitation"
    ):
        packs.load("weapons")
    with pytest.raises(ValueError, match="no detection rule pack"):
        packs.load("../rules")


def _threats_file() -> dict[str, Any]:
    """A small valid pack file, fresh for each test to change."""
    return {
        "pack": "threats",
        "title": {"kk": "Қоқан-лоқы", "ru": "Угрозы", "en": "Threats"},
        "description": {"kk": "Сынақ", "ru": "Тест", "en": "Test"},
        "rules": [
            {
                "name": "pack.threats.ru.explicit",
                "note": "a threat",
                "spec": {
                    "category": "unlawful.cruelty_violence",
                    "matchers": [{"type": "regex", "pattern": r"\bубью\s+тебя\b"}],
                },
            }
        ],
    }


def test_a_valid_file_parses() -> None:
    pack = packs.parse("threats", json.dumps(_threats_file()))
    [rule] = pack.rules
    assert (pack.name, pack.title.kk, rule.name) == ("threats", "Қоқан-лоқы", "pack.threats.ru.explicit")
    assert rule.spec.category == "unlawful.cruelty_violence"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"matchers": [{"type": "regex", "pattern": "(убью"}]},
            "rule 'pack.threats.ru.explicit': matchers.0.regex",
        ),
        ({"category": "no.such"}, "rule 'pack.threats.ru.explicit': category: unknown taxonomy category"),
        (
            {"action": {"type": "escalate"}, "category": "unlawful.drugs"},
            "only a category that threatens life",
        ),
        ({"min_hits": 0}, "rule 'pack.threats.ru.explicit': min_hits"),
    ],
)
def test_an_invalid_rule_is_named_with_its_problem(change: dict[str, object], message: str) -> None:
    data = _threats_file()
    data["rules"][0]["spec"].update(change)
    with pytest.raises(ValueError, match="detection rule pack 'threats' is invalid") as raised:
        packs.parse("threats", json.dumps(data))
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pack": "drugs"}, "the file of pack 'threats' calls itself 'drugs'"),
        ({"title": {"kk": "а", "ru": "б"}}, "title.en: Field required"),
        ({"rules": []}, "rules: List should have at least 1 item"),
        ({"extra": 1}, "extra: Extra inputs are not permitted"),
    ],
)
def test_an_invalid_pack_file_is_refused_with_the_path_of_the_problem(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match="detection rule pack 'threats' is invalid") as raised:
        packs.parse("threats", json.dumps({**_threats_file(), **change}))
    assert message in str(raised.value)


def test_rule_names_must_belong_to_the_pack_and_be_unique() -> None:
    data = _threats_file()
    rules = data["rules"]
    rules.append({**rules[0]})
    rules.append({**rules[0], "name": "pack.drugs.ru.shop"})
    with pytest.raises(ValueError, match="detection rule pack 'threats' is invalid") as raised:
        packs.parse("threats", json.dumps(data))
    assert "rule 'pack.threats.ru.explicit': the name is used twice" in str(raised.value)
    assert "rule 'pack.drugs.ru.shop': its name does not start with 'pack.threats.'" in str(raised.value)


def test_a_file_that_is_not_json_is_refused() -> None:
    with pytest.raises(ValueError, match="detection rule pack 'threats' is not valid JSON: Expecting"):
        packs.parse("threats", "{not json")
