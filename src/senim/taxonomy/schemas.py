"""Pydantic schemas of the taxonomy API (labels already rendered in the reader's language)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class CategoryRead(BaseModel):
    key: str
    group: str
    legal_basis: str
    label: str
    threat_to_life: bool
    severity: str
    child_related: bool
    dsa_category: str


class VersionRead(BaseModel):
    version: str
    effective_from: date
    effective_until: date | None
    source: str
    category_count: int


class TaxonomyRead(BaseModel):
    version: str
    effective_from: date
    effective_until: date | None
    source: str
    categories: list[CategoryRead]
