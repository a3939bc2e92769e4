"""API schemas of translation."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TranslationRead(BaseModel):
    outcome: str = Field(
        description="kazakh (already Kazakh), translated, unavailable (no engine: the original is given), "
        "unsupported (no language the engine knows)"
    )
    language: str = Field(description="The original's language (ISO 639-1, 'und' when unknown).")
    confidence: float
    text: str = Field(
        description="The Kazakh text, or the original when it is Kazakh or cannot be translated."
    )
    other_script: str | None = Field(description="Kazakh text in its other alphabet (Cyrillic ↔ Latin).")
    engine: str | None


class EngineRead(BaseModel):
    configured: bool
    engine: str
    version: str | None
    problem: str | None = Field(description="Why a configured engine cannot translate now.")
