"""Machine translations, cached by the source text's hash, the language pair and the model version
(a new model translates anew). Derived copies of content: erasing a text erases its translations."""

from __future__ import annotations

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from senim.models.base import Base, CreatedMixin, IdMixin


class Translation(IdMixin, CreatedMixin, Base):
    __tablename__ = "translation"
    __table_args__ = (
        UniqueConstraint("text_sha256", "source_language", "target_language", "model_version"),
        Index("ix_translation_text", "text_sha256"),
    )

    text_sha256: Mapped[str] = mapped_column(String(64))
    source_language: Mapped[str] = mapped_column(String(8))
    target_language: Mapped[str] = mapped_column(String(8))
    model_version: Mapped[str] = mapped_column(String(200))
    engine: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
