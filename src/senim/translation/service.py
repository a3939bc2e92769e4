"""Translation into Kazakh (LAW-09): any text — a post, a comment, a profile, a community description —
shown in Kazakh: as it is when it is Kazakh already (with its other alphabet beside it), else translated
by the configured engine, cached by text hash, language pair and model version.

With no engine configured, or an engine that cannot be loaded or answer, the reader is told plainly and
nothing fails. Translations are derived copies of content and are not audited one by one; ``forget``
erases those of a text (for the erasure of content, issue 8). Pre-translation
(``SENIM_TRANSLATION_PRETRANSLATE``) queues ``translation.translate`` for each new post and comment not in
Kazakh.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from senim.config import Settings, get_settings
from senim.db import dialect_insert
from senim.jobs import enqueue
from senim.models import ContentItem, ItemStatus, Translation
from senim.translation import langid, translit
from senim.translation.engine import NLLB_CODES, CTranslate2Backend, LibreTranslateBackend, Translator

log = logging.getLogger("senim.translation")
TRANSLATE_JOB = "translation.translate"
# Below this confidence the language is taken as unknown: better "not translated" than translated from
# the wrong language (a Polish text is identified as Turkish at about 0.34).
MIN_CONFIDENCE = 0.4


class Outcome(StrEnum):
    kazakh = "kazakh"  # already Kazakh: shown as it is, with its other alphabet
    translated = "translated"
    unavailable = "unavailable"  # no engine configured, or it failed: said plainly
    unsupported = "unsupported"  # a language the engine does not translate, or nothing to translate


@dataclass(frozen=True)
class Rendering:
    outcome: Outcome
    text: str  # the Kazakh text (the original when it is Kazakh or cannot be translated)
    language: str  # the original's language
    confidence: float
    other_script: str | None = None  # Kazakh text in its other alphabet (Cyrillic ↔ Latin)
    engine: str | None = None
    seconds: float | None = None  # time spent translating (None from the cache)


@dataclass(frozen=True)
class EngineStatus:
    configured: bool
    name: str
    version: str | None
    problem: str | None


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Engines:
    """The loaded engine per configuration: loading a model takes seconds, so it happens once."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[object, ...], Translator | Exception] = {}
        self._lock = threading.Lock()

    def key(self, settings: Settings) -> tuple[object, ...]:
        return (
            settings.translation_engine,
            str(settings.translation_model_dir),
            settings.translation_compute_type,
            settings.translation_threads,
            settings.translation_beam_size,
            settings.libretranslate_url,
        )

    def get(self, settings: Settings) -> Translator | Exception | None:
        if settings.translation_engine == "none":
            return None
        key = self.key(settings)
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = self._load(settings)
            return self._loaded[key]

    def _load(self, settings: Settings) -> Translator | Exception:
        try:
            if settings.translation_engine == "ctranslate2":
                if settings.translation_model_dir is None:
                    raise ValueError("SENIM_TRANSLATION_MODEL_DIR is not set")
                return Translator(
                    CTranslate2Backend(
                        settings.translation_model_dir,
                        compute_type=settings.translation_compute_type,
                        threads=settings.translation_threads,
                        beam_size=settings.translation_beam_size,
                    )
                )
            if settings.translation_engine == "libretranslate":
                if not settings.libretranslate_url:
                    raise ValueError("SENIM_LIBRETRANSLATE_URL is not set")
                return Translator(
                    LibreTranslateBackend(
                        settings.libretranslate_url,
                        api_key=settings.libretranslate_api_key.get_secret_value(),
                        timeout=settings.translation_timeout_seconds,
                    )
                )
            raise ValueError(f"unknown translation engine {settings.translation_engine!r}")
        except Exception as exc:  # a broken model directory must not break the site
            log.error("translation engine not loaded: %s", exc)
            return exc

    def clear(self) -> None:
        with self._lock:
            self._loaded.clear()


engines = _Engines()


class TranslationService:
    def status(self, settings: Settings) -> EngineStatus:
        engine = engines.get(settings)
        if engine is None:
            return EngineStatus(False, "none", None, None)
        if isinstance(engine, Exception):
            return EngineStatus(True, settings.translation_engine, None, str(engine))
        return EngineStatus(True, engine.backend.name, engine.backend.version, None)

    def identify(self, text: str) -> langid.Identification:
        return langid.identify(text)

    def into_kazakh(
        self, session: Session, text: str, settings: Settings, *, language: str | None = None
    ) -> Rendering:
        """``text`` for a Kazakh reader (see the module docstring)."""
        found = langid.identify(text)
        language = language or (found.language if found.confidence >= MIN_CONFIDENCE else "und")
        if language == "kk":
            script = translit.script_of(text)
            other = translit.to_latin(text) if script == "Cyrl" else translit.to_cyrillic(text)
            return Rendering(Outcome.kazakh, text, "kk", found.confidence, other_script=other)
        if language not in NLLB_CODES:
            return Rendering(Outcome.unsupported, text, language, found.confidence)
        engine = engines.get(settings)
        if engine is None or isinstance(engine, Exception):
            return Rendering(Outcome.unavailable, text, language, found.confidence)
        digest = text_digest(text)
        cached = session.scalar(
            select(Translation.text).where(
                Translation.text_sha256 == digest,
                Translation.source_language == language,
                Translation.target_language == "kk",
                Translation.model_version == engine.backend.version,
            )
        )
        if cached is not None:
            return Rendering(
                Outcome.translated, cached, language, found.confidence, engine=engine.backend.name
            )
        started = time.perf_counter()
        try:
            [translated] = engine.translate([text], language, "kk")
        except Exception as exc:  # the server is down, the model failed: say so, fail nothing
            log.warning("translation failed: %s", exc)
            return Rendering(Outcome.unavailable, text, language, found.confidence)
        seconds = time.perf_counter() - started
        self._store(session, digest, language, engine, translated)
        return Rendering(
            Outcome.translated,
            translated,
            language,
            found.confidence,
            engine=engine.backend.name,
            seconds=seconds,
        )

    def _store(self, session: Session, digest: str, language: str, engine: Translator, text: str) -> None:
        """Cache a translation. A page read never writes in its own transaction (on SQLite a read
        transaction cannot become a writer): the row is stored in a short write transaction of its own."""
        database = session.info.get("database")
        if session.info.get("read_only") and database is not None:
            with database.transaction() as writer:
                self._insert(writer, digest, language, engine, text)
            return
        self._insert(session, digest, language, engine, text)

    def _insert(self, session: Session, digest: str, language: str, engine: Translator, text: str) -> None:
        insert = dialect_insert(session)(Translation).values(
            id=uuid.uuid4(),
            text_sha256=digest,
            source_language=language,
            target_language="kk",
            model_version=engine.backend.version,
            engine=engine.backend.name,
            text=text,
        )
        session.execute(
            insert.on_conflict_do_nothing(
                index_elements=["text_sha256", "source_language", "target_language", "model_version"]
            )
        )

    def on_written(self, session: Session, item: ContentItem, settings: Settings | None = None) -> None:
        """A post or comment was written or edited: its language identified and stored with the
        confidence, and, with pre-translation on, its translation queued."""
        found = langid.identify(item.body)
        language = found.language if found.confidence >= MIN_CONFIDENCE else "und"
        item.language, item.language_confidence = language, round(found.confidence, 3)
        settings = settings or get_settings()
        if settings.translation_pretranslate and language not in ("kk", "und"):
            enqueue(
                session,
                TRANSLATE_JOB,
                {"item_id": str(item.id)},
                idempotency_key=f"{TRANSLATE_JOB}:{item.id}:{text_digest(item.body)}",
            )

    def pretranslate(self, session: Session, item_id: uuid.UUID, settings: Settings) -> Rendering | None:
        """The ``translation.translate`` job: translate a new post or comment ahead of its readers."""
        item = session.get(ContentItem, item_id)
        if item is None or item.status in (ItemStatus.deleted, ItemStatus.removed) or not item.body.strip():
            return None
        return self.into_kazakh(session, item.body, settings, language=item.language)

    def forget(self, session: Session, text: str) -> int:
        """Erase the translations of ``text`` (its content is being erased)."""
        result = session.execute(delete(Translation).where(Translation.text_sha256 == text_digest(text)))
        return int(getattr(result, "rowcount", 0) or 0)


translation_service = TranslationService()
