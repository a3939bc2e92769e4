"""Realistic demo data in Kazakh and Russian: one account of each role, communities, posts, comments,
the starter detection packs in shadow."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from senim.account.documents import REQUIRED_AT_REGISTRATION, current
from senim.account.service import Registration, account_service
from senim.ads.service import ads_service
from senim.audit import Actor
from senim.community.service import community_service
from senim.complaint.service import Filing, complaint_service
from senim.config import get_settings
from senim.content.service import content_service
from senim.detection import packs
from senim.detection.rules import RuleStatus
from senim.detection.service import detection_service
from senim.kit.clock import today_in
from senim.models import Role, User
from senim.models.account import TOKEN_ONLY_ROLES
from senim.moderation.policy import TargetKind
from senim.moderation.service import moderation_service
from senim.transparency.risks import risk_service

DEMO_PASSWORD = "senim-demo-2026"  # noqa: S105 - published demo credentials, development only

# username, role, display name, language, date of birth
PEOPLE: list[tuple[str, Role, str, str, date | None]] = [
    ("aigerim", Role.user, "Айгерім Серікқызы", "kk", date(1996, 4, 12)),
    ("daniyar", Role.user, "Данияр Жұмабаев", "kk", date(2010, 9, 3)),  # a minor
    ("olga", Role.user, "Ольга Ким", "ru", date(1988, 1, 27)),
    ("moderator", Role.moderator, "Модератор Асқар", "kk", None),
    ("senior", Role.senior_moderator, "Аға модератор Гүлнар", "kk", None),
    ("safety", Role.safety_officer, "Қауіпсіздік офицері Ерлан", "kk", None),
    ("legal", Role.legal_officer, "Юрист Сауле", "ru", None),
    ("dpo", Role.data_protection_officer, "ДҚО Мадина", "kk", None),
    ("adsreview", Role.ads_reviewer, "Жарнама сарапшысы Тимур", "kk", None),
    ("admin", Role.administrator, "Әкімші", "kk", None),
    ("auditor", Role.auditor, "Аудитор Нұржан", "ru", None),
]
PRINCIPALS: list[tuple[str, Role, str]] = [
    ("authority", Role.authorized_body, "Уәкілетті орган (demo)"),
    ("police", Role.law_enforcement, "Құқық қорғау органы (demo)"),
    ("partner", Role.integrating_platform, "Серіктес платформа (demo)"),
]

# The languages each moderator reads: cases with Kazakh content go to those who read Kazakh (LAW-09a).
STAFF_LANGUAGES = {"moderator": ["kk", "ru"], "senior": ["kk", "ru", "en"], "safety": ["kk", "ru"]}

COMMUNITIES = [
    (
        "almaty-velo",
        "Алматы велосипедшілері",
        "Қала ішіндегі велосипед жолдары, маршруттар және қауіпсіздік туралы қауымдастық.",
    ),
    (
        "kitap",
        "Кітап клубы · Книжный клуб",
        "Қазақ және орыс әдебиеті туралы пікірталас. Обсуждаем казахскую и русскую литературу.",
    ),
]

POSTS: list[tuple[str, str | None, str]] = [
    (
        "aigerim",
        "almaty-velo",
        (
            "Бүгін Медеуге дейін велосипедпен бардым — жол жабық емес, бірақ жоғарыда жел қатты. "
            "Дулыға киюді ұмытпаңыздар! 🚴"
        ),
    ),
    (
        "olga",
        "almaty-velo",
        "Кто знает, где в Алматы можно недорого починить велосипед? Желательно в районе Абая — Байтурсынова.",
    ),
    (
        "aigerim",
        "kitap",
        "Абайдың «Қара сөздерін» қайта оқып жатырмын. Отыз сегізінші сөз — әлі күнге өзекті.",
    ),
    (
        "olga",
        "kitap",
        "Дочитала «Путь Абая» Мухтара Ауэзова в переводе. Советую всем, кто хочет понять степь XIX века.",
    ),
    (
        "daniyar",
        None,
        "Ертең мектепте робототехника жарысы бар. Біздің команда желілік роботты бағдарламалады!",
    ),
    (
        "moderator",
        None,
        "Сәлеметсіздер ме! Бұл — Senim демо-платформасы. Шағымдар 20 күн ішінде дәлелді жауап алады.",
    ),
]

COMMENTS = [
    (2, "aigerim", "Абай даңғылындағы «Велошеберхана» жақсы, бағасы да қолжетімді."),
    (0, "olga", "Спасибо за напоминание про шлем!"),
]


DEMO_BIN = "050440012343"  # a made-up BIN with a valid check digit


def _current_versions(language: str) -> dict[str, str]:
    return {kind.value: current(kind, language).version for kind in REQUIRED_AT_REGISTRATION}


def load_demo(session: Session, *, only_if_empty: bool = False) -> list[tuple[str, str]]:
    """Create the demo data; returns (username, role) of the accounts created."""
    if only_if_empty and session.scalar(select(func.count()).select_from(User)):
        return []
    actor = Actor.system("demo")
    users: dict[str, User] = {}
    for username, role, name, lang, birth in PEOPLE:
        if role is Role.user:
            accepted = _current_versions(lang)
            users[username] = account_service.register(
                session,
                Registration(
                    username=username,
                    display_name=name,
                    password=DEMO_PASSWORD,
                    date_of_birth=birth or date(1990, 1, 1),
                    language=lang,
                    accepted=accepted,
                    email=f"{username}@example.kz",
                ),
            )
        else:
            users[username] = account_service.create_user(
                session,
                actor,
                username=username,
                role=role,
                password=DEMO_PASSWORD,
                display_name=name,
                language=lang,
            )
            # Staff take part in the platform too, under the same documents.
            account_service.accept_documents(session, users[username], _current_versions(lang))
    for username, role, name in PRINCIPALS:
        # The authorized body's people sign in to its portal; the others act through API tokens only.
        portal = DEMO_PASSWORD if role not in TOKEN_ONLY_ROLES else None
        users[username] = account_service.create_user(
            session, actor, username=username, role=role, password=portal, display_name=name
        )
    # The starter detection packs, in shadow: they record what they would do and act on nothing.
    for pack in packs.available():
        detection_service.install_pack(session, actor, packs.load(pack), RuleStatus.shadow)
    communities = {}
    for slug, name, description in COMMUNITIES:
        communities[slug] = community_service.create(session, users["aigerim"], slug, name, description)
        for member in ("olga", "daniyar", "moderator"):
            community_service.join(session, users[member], communities[slug])
    posts = []
    for author, where, body in POSTS:
        community_id = communities[where].id if where else None
        posts.append(
            content_service.create_post(session, users[author], body=body, community_id=community_id)
        )
    for index, author, body in COMMENTS:
        content_service.create_comment(session, users[author], posts[index].id, body)
    for username, languages in STAFF_LANGUAGES.items():
        moderation_service.set_languages(session, actor, users[username], languages)
    # One complaint waiting in the moderation queue, so the console shows the flow at once.
    complaint_service.file(
        session,
        Filing(
            subject=TargetKind.item,
            category="terms_other",
            description="Бұл жазба қоғамдастықтың тақырыбына сай емес деп ойлаймын (demo).",
            target_id=posts[0].id,
        ),
        complainant=users["olga"],
        language="ru",
    )
    _demo_ad(session, users["olga"], users["adsreview"])
    # One systemic risk in the register, so the transparency console is not empty.
    risk_service.create(
        session,
        users["admin"],
        {
            "title": "Кибербуллинг детей в комментариях",
            "description": "Дети получают оскорбительные комментарии под своими постами (demo).",
            "category": "harm_to_minors",
            "likelihood": "3",
            "impact": "4",
            "mitigations": "Жалобы о кибербуллинге ребёнка рассматриваются за 24 часа; правила обнаружения.",
            "owner_id": str(users["admin"].id),
            "status": "mitigating",
            "identified_on": today_in().isoformat(),
        },
    )
    return [(u, r.value) for u, r, *_ in PEOPLE] + [(u, r.value) for u, r, _ in PRINCIPALS]


def _demo_ad(session: Session, advertiser_user: User, reviewer: User) -> None:
    """A verified advertiser with one approved, untargeted ad, so the feed shows how ads are labelled."""
    advertiser = ads_service.register_advertiser(
        session, advertiser_user, kind="legal_entity", legal_name="«Велошеберхана» ЖШС", number=DEMO_BIN
    )
    ads_service.verify_advertiser(session, reviewer, advertiser.id)
    campaign = ads_service.create_campaign(
        session,
        advertiser_user,
        name="Көктемгі қызмет көрсету",
        budget="50000",
        cpm="1500",
        starts_on=today_in(),
    )
    creative = ads_service.submit_creative(
        session,
        get_settings(),
        advertiser_user,
        campaign.id,
        headline="Велосипедке көктемгі қызмет көрсету",
        body="Абай даңғылындағы шеберхана: тежегіштер, шынжыр, дөңгелектер.",
        landing_url="https://example.kz/veloservice",
    )
    ads_service.approve_creative(session, reviewer, creative.id)
