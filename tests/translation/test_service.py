"""Automatic translation into Kazakh end to end (LAW-09, issue 6 items 1–4): every post and comment has
its language identified and stored; "Translate into Kazakh" on posts, comments, profiles and communities
in the web interface and the API; Kazakh shown as it is with its other alphabet; translations cached by
text hash and model version; pre-translation in background jobs; a plain notice, and no failure, without
an engine; the LibreTranslate backend; moderators read the Kazakh beside the original."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from senim.account.service import account_service
from senim.app import create_app
from senim.cli import app as cli
from senim.community.service import community_service
from senim.config import Settings
from senim.db import Database
from senim.models import Job, ModerationCase, Role, Translation
from senim.translation import engine as engine_module
from senim.translation.service import TRANSLATE_JOB
from tests.fixtures.builders import make_user
from tests.fixtures.content import login_as, make_post
from tests.fixtures.moderation import fresh
from tests.notification.jobrunner import run_due_jobs
from tests.translation.test_engine import TINY

RUSSIAN = "Сегодня в Алматы солнечно, смотрите https://senim.kz/c/almaty и пишите @olga"
KAZAKH = "Бүгін Алматыда күн ашық, бәріңізді саябаққа шақырамын!"


def _tiny(settings: Settings, **more: object) -> Settings:
    return settings.model_copy(
        update={
            "translation_engine": "ctranslate2",
            "translation_model_dir": TINY,
            "translation_threads": 1,
            "translation_beam_size": 1,
            **more,
        }
    )


@pytest.fixture
def translating(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(_tiny(settings), db, worker=False), base_url="http://testserver") as c:
        yield c


def _count(session: Session) -> int:
    return int(fresh(session).scalar(select(func.count()).select_from(Translation)) or 0)


@pytest.mark.law("LAW-09")
def test_the_language_of_every_item_is_identified_and_stored(session: Session) -> None:
    author = make_user(session)
    posts = [
        make_post(session, author, body) for body in (RUSSIAN, KAZAKH, "Salem, qalaısyñ? Bügın kün jaqsy")
    ]
    session.commit()
    stored = [(p.language, p.language_confidence) for p in posts]
    assert [language for language, _ in stored] == ["ru", "kk", "kk"]  # Latin-script Kazakh too
    assert all(confidence is not None and 0.5 < confidence <= 1 for _, confidence in stored)


@pytest.mark.law("LAW-09")
def test_without_an_engine_the_reader_is_told_and_nothing_fails(client: TestClient, session: Session) -> None:
    post = make_post(session, make_user(session), RUSSIAN)
    kazakh = make_post(session, make_user(session), KAZAKH)
    session.commit()
    assert client.get("/api/v1/translation/engine").json() == {
        "configured": False,
        "engine": "none",
        "version": None,
        "problem": None,
    }
    client.cookies.set("senim_lang", "en")
    page = client.get(f"/translate/item/{post.id}")
    assert page.status_code == 200 and "Automatic translation is not available" in page.text
    answer = client.get(f"/api/v1/items/{post.id}/kazakh").json()
    assert (answer["outcome"], answer["text"], answer["language"]) == ("unavailable", RUSSIAN, "ru")
    same = client.get(f"/api/v1/items/{kazakh.id}/kazakh").json()
    assert same["outcome"] == "kazakh" and same["text"] == KAZAKH
    assert same["other_script"] == "Bügın Almatyda kün aşyq, bärıñızdı saiabaqqa şaqyramyn!"
    assert "Translate into Kazakh" in client.get(f"/p/{post.id}").text
    assert _count(session) == 0


@pytest.mark.law("LAW-09")
def test_a_post_is_translated_once_and_then_read_from_the_cache(
    translating: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = make_post(session, make_user(session), RUSSIAN)
    session.commit()
    first = translating.get(f"/api/v1/items/{post.id}/kazakh").json()
    assert first["outcome"] == "translated" and first["engine"] == "ctranslate2"
    assert "https://senim.kz/c/almaty" in first["text"] and "@olga" in first["text"]
    assert _count(session) == 1
    row = fresh(session).scalars(select(Translation)).one()
    assert (row.source_language, row.target_language) == ("ru", "kk") and row.model_version.startswith(
        "nllb-ct2:"
    )

    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(engine_module.Translator, "translate", refuse)
    again = translating.get(f"/api/v1/items/{post.id}/kazakh").json()
    assert again["text"] == first["text"]
    translating.cookies.set("senim_lang", "en")
    page = translating.get(f"/translate/item/{post.id}")
    assert page.status_code == 200 and "Machine translation" in page.text


@pytest.mark.law("LAW-09")
def test_profiles_and_communities_have_their_kazakh_too(translating: TestClient, session: Session) -> None:
    person = make_user(session)
    account_service.update_profile(session, person, "Reader", "Люблю горы и книги. Пишите: hello@example.kz")
    community_service.create(session, person, "readers", "Readers", "Клуб любителей книг в Астане")
    session.commit()
    profile = translating.get(f"/api/v1/users/{person.username}/kazakh").json()
    assert profile["outcome"] == "translated" and "hello@example.kz" in profile["text"]
    community = translating.get("/api/v1/communities/readers/kazakh").json()
    assert community["outcome"] == "translated" and community["language"] == "ru"
    assert translating.get(f"/translate/user/{person.username}").status_code == 200
    assert translating.get("/translate/community/readers").status_code == 200
    assert translating.get("/api/v1/communities/nobody/kazakh").status_code == 404


def test_a_hidden_post_is_not_translated_for_others(translating: TestClient, session: Session) -> None:
    post = make_post(session, make_user(session), RUSSIAN)
    post.status = "hidden"
    session.commit()
    assert translating.get(f"/api/v1/items/{post.id}/kazakh").status_code == 404
    assert translating.get(f"/translate/item/{post.id}").status_code == 404
    assert _count(session) == 0


@pytest.mark.law("LAW-09")
def test_pretranslation_runs_in_a_background_job(session: Session, db: Database, settings: Settings) -> None:
    pre = _tiny(settings, translation_pretranslate=True)
    from senim.content.service import content_service

    author = make_user(session)
    post = content_service.create_post(session, author, body=RUSSIAN, settings=pre)
    content_service.create_post(session, author, body=KAZAKH, settings=pre)
    session.commit()
    jobs = fresh(session).scalars(select(Job).where(Job.name == TRANSLATE_JOB)).all()
    assert [j.payload["item_id"] for j in jobs] == [str(post.id)]  # Kazakh needs no translation
    run_due_jobs(db, pre)
    assert _count(session) == 1


@pytest.mark.law("LAW-09a")
def test_moderators_read_the_kazakh_beside_the_original(
    session: Session, db: Database, settings: Settings
) -> None:
    from senim.audit import Actor
    from senim.moderation.policy import Source, TargetKind
    from senim.moderation.service import Target, moderation_service

    post = make_post(session, make_user(session), RUSSIAN)
    case = moderation_service.open_case(
        session,
        target=Target(subject=TargetKind.item, item=post),
        source=Source.own_initiative,
        queue="unlawful",
        priority=3,
        due=None,
        warn=None,
        language=None,
        actor=Actor.system("test"),
    )
    session.commit()
    with TestClient(create_app(_tiny(settings), db, worker=False), base_url="http://testserver") as c:
        login_as(c, make_user(session, role=Role.moderator))
        page = c.get(f"/console/cases/{case.id}")
    assert (
        page.status_code == 200
        and "In Kazakh" in page.text
        and "Machine translation; decide on the original." in page.text
    )
    assert session.get(ModerationCase, case.id) is not None


def test_a_broken_model_directory_is_reported_not_raised(
    client: TestClient, settings: Settings, db: Database, tmp_path: Path, session: Session
) -> None:
    broken = settings.model_copy(
        update={"translation_engine": "ctranslate2", "translation_model_dir": tmp_path}
    )
    post = make_post(session, make_user(session), RUSSIAN)
    session.commit()
    with TestClient(create_app(broken, db, worker=False), base_url="http://testserver") as c:
        status = c.get("/api/v1/translation/engine").json()
        assert status["configured"] is True and status["problem"]
        assert c.get(f"/api/v1/items/{post.id}/kazakh").json()["outcome"] == "unavailable"


def test_the_cli_checks_the_engine_and_guides_the_conversion(
    cli_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["translation", "check"]).exit_code == 1
    from senim.config import get_settings

    monkeypatch.setenv("SENIM_TRANSLATION_ENGINE", "ctranslate2")
    monkeypatch.setenv("SENIM_TRANSLATION_MODEL_DIR", str(TINY))
    monkeypatch.setenv("SENIM_TRANSLATION_THREADS", "1")
    get_settings.cache_clear()
    checked = runner.invoke(cli, ["translation", "check"])
    assert checked.exit_code == 0, checked.output
    assert "loaded in" in checked.output and "ms" in checked.output
    assert runner.invoke(cli, ["translation", "convert", str(tmp_path), str(tmp_path / "out")]).exit_code == 2
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "sentencepiece.bpe.model").write_bytes(b"")
    guided = runner.invoke(cli, ["translation", "convert", str(tmp_path), str(tmp_path / "out")])
    assert guided.exit_code == 2 and "tools/requirements-ml.txt" in guided.output  # no torch here
