"""JSON API: the taxonomy of categories in force (or of a given version), and the list of versions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends

from senim.account.policy import Perm
from senim.errors import Invalid
from senim.kit.clock import today_in
from senim.taxonomy.categories import TaxonomyVersion, current, effective_until, versions
from senim.taxonomy.categories import version as named_version
from senim.taxonomy.schemas import CategoryRead, TaxonomyRead, VersionRead
from senim.web.auth import Principal, requires
from senim.web.i18n import gettext

router = APIRouter(prefix="/api/v1", tags=["taxonomy"])


def _parse_date(value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("Enter the date as YYYY-MM-DD.") from None


def _pick(on: str | None, name: str | None) -> TaxonomyVersion:
    if on is not None and name is not None:
        raise Invalid("Give either a date or a version, not both.")
    if name is not None:
        try:
            return named_version(name)
        except KeyError:
            raise Invalid("There is no taxonomy version {version}.", version=name) from None
    day = _parse_date(on) if on is not None else today_in()
    try:
        return current(day)
    except KeyError:
        raise Invalid("No taxonomy was in force on {day}.", day=day.isoformat()) from None


def _version_read(v: TaxonomyVersion) -> VersionRead:
    return VersionRead(
        version=v.version,
        effective_from=v.effective_from,
        effective_until=effective_until(v),
        source=gettext(v.source),
        category_count=len(v.categories),
    )


@router.get("/taxonomy", response_model=TaxonomyRead)
def read_taxonomy(
    principal: Annotated[Principal, Depends(requires(Perm.public))],
    on: str | None = None,
    version: str | None = None,
) -> TaxonomyRead:
    v = _pick(on, version)
    return TaxonomyRead(
        version=v.version,
        effective_from=v.effective_from,
        effective_until=effective_until(v),
        source=gettext(v.source),
        categories=[
            CategoryRead(
                key=c.key,
                group=c.group.value,
                legal_basis=c.legal_basis,
                label=gettext(c.label),
                threat_to_life=c.threat_to_life,
                severity=c.severity,
                child_related=c.child_related,
                dsa_category=c.dsa_category,
            )
            for c in v.categories
        ],
    )


@router.get("/taxonomy/versions", response_model=list[VersionRead])
def list_versions(principal: Annotated[Principal, Depends(requires(Perm.public))]) -> list[VersionRead]:
    return [_version_read(v) for v in versions()]
