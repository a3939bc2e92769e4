"""The built-in classifier learns from moderators' decisions (issue 5 item 3): ``senim detection train``
reads what people decided (automated decisions left out, a reversed decision counted as no violation),
reports precision and recall on a held-out split, saves the model, and a live rule's ``classifier``
matcher then scores new posts with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from senim.audit import Actor
from senim.cli import app
from senim.config import Settings, get_settings
from senim.db import Database
from senim.detection.trained import training_examples
from senim.models import AuditRecord, Decision, DecisionStatus, Role, Signal
from senim.moderation.policy import Action, Automation, DecisionDraft, GroundKind, Source, TargetKind
from senim.moderation.service import Target, moderation_service
from tests.detection.test_pipeline import _admin, _rule
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_post
from tests.fixtures.moderation import fresh
from tests.notification.jobrunner import run_due_jobs

DRUGS = [
    "Закладки по Алматы, мефедрон и соль, пиши в телеграм",
    "Продаю гашиш, доставка закладкой в любой район",
    "Есіртке сатамын, закладка қала бойынша, жаз",
    "Магазин закладок работает круглосуточно, скидки на меф",
    "Соль и меф в наличии, клады по всему городу",
    "Курьер закладчик нужен, платим каждый день, меф",
    "Гашиш, шишки, закладки — пиши в личку",
    "Drugs delivery in Almaty, stash drops, write on telegram",
    "Мефедрон оптом и в розницу, закладки в Астане",
    "Закладка готова, координаты пришлю после оплаты, соль",
]
INNOCENT = [
    "Сегодня в Алматы солнечно, идём гулять в парк",
    "Бүгін ауа райы тамаша, балалармен серуендедік",
    "Продаю велосипед, почти новый, встреча в центре",
    "Кто знает хорошую кофейню рядом с Абая?",
    "Мектепте ата-аналар жиналысы сенбіде болады",
    "Great concert last night in Astana, thank you all",
    "Посолите суп по вкусу и добавьте зелень",
    "Закладка для книги в подарок каждому покупателю",
    "Кітапханада жаңа кітаптар пайда болды",
    "Ищу репетитора по математике для сына",
]


@pytest.fixture
def model_env(
    database_url: str, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    monkeypatch.setenv("SENIM_DATABASE_URL", database_url)
    monkeypatch.setenv("SENIM_MODE", "test")
    monkeypatch.setenv("SENIM_MODEL_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    yield tmp_path / "models"
    get_settings.cache_clear()


def _decide(session: Session, moderator_id: object, body: str, action: Action, **kw: object) -> Decision:
    moderator = make_user(session, role=Role.moderator) if moderator_id is None else None
    item = make_post(session, make_user(session), body)
    draft = DecisionDraft(
        target=TargetKind.item,
        action=action,
        ground_kind=GroundKind.law if action is not Action.no_violation else None,
        category="unlawful.drugs" if action is not Action.no_violation else None,
        terms_clause=None,
        facts="The moderator read the post and its context.",
    )
    return moderation_service.record_decision(
        session,
        actor=Actor.of(moderator) if moderator else Actor.system("test"),
        moderator=moderator,
        target=Target(subject=TargetKind.item, item=item),
        draft=draft,
        source=Source.own_initiative,
        **kw,  # type: ignore[arg-type]
    )


def _history(session: Session) -> None:
    for body in DRUGS:
        _decide(session, None, body, Action.remove)
    for body in INNOCENT:
        _decide(session, None, body, Action.no_violation)
    session.commit()


def test_examples_are_what_people_decided(session: Session) -> None:
    _history(session)
    automated = _decide(
        session,
        "system",
        "Закладки, автомат",
        Action.remove,
        automated_detection=True,
        automated_decision=Automation.fully,
    )
    reversed_one = _decide(session, None, "Меф и соль, закладки", Action.remove)
    reversed_one.status = DecisionStatus.reversed
    session.commit()
    examples = dict(training_examples(session))
    assert len(examples) == len(DRUGS) + len(INNOCENT) + 1
    assert "Закладки, автомат" not in examples and automated.decided_by_id is None
    assert examples["Меф и соль, закладки"] == "none"  # the appeal found the removal wrong
    assert examples[DRUGS[0]] == "unlawful.drugs" and examples[INNOCENT[0]] == "none"


@pytest.mark.law("LAW-36")
def test_trained_model_scores_new_posts_through_a_rule(
    model_env: Path, client: TestClient, session: Session, db: Database, settings: Settings
) -> None:
    _history(session)
    run_due_jobs(db, settings)  # the history's own scans, before any rule exists
    trained = CliRunner().invoke(app, ["detection", "train", "--held-out", "0.3", "--seed", "1"])
    assert trained.exit_code == 0, trained.output
    assert "precision" in trained.output and "unlawful.drugs" in trained.output
    assert (model_env / "builtin" / "model.json").exists()
    assert fresh(session).scalars(select(AuditRecord).where(AuditRecord.tag == "detection_model:train")).one()
    _admin(client, session)
    rule = {
        "category": "unlawful.drugs",
        "matchers": [{"type": "classifier", "model": "builtin", "label": "unlawful.drugs", "threshold": 0.6}],
    }
    _rule(client, "drugs-model", rule)
    dealer = make_post(session, make_user(session), "Закладки мефедрон соль, пиши в телеграм, Алматы")
    make_post(session, make_user(session), "Сегодня солнечно, гуляем в парке с детьми")
    session.commit()
    run_due_jobs(db, settings)
    signal = fresh(session).scalars(select(Signal)).one()
    assert signal.item_id == dealer.id and 0.6 <= signal.score <= 1.0
    assert signal.evidence[0]["matcher"] == "classifier:0" and signal.evidence[0]["score"] == signal.score


def test_too_little_history_is_refused_plainly(model_env: Path, session: Session) -> None:
    result = CliRunner().invoke(app, ["detection", "train"])
    assert result.exit_code == 2 and "0 decided posts" in result.output
    assert not (model_env / "builtin").exists()
