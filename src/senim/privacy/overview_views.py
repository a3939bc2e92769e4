"""The personal data overview in the console (``/console/privacy``): where personal data are stored, with a
warning when that is not in Kazakhstan (LAW-74); the person responsible for organising their processing
and their contact (LAW-77); the list of personal data Senim processes with purpose and retention (LAW-77,
74); and the links to the privacy pages (``LINKS``: other pages of the domain append theirs)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from senim.account.policy import Perm, has_perm
from senim.config import Settings
from senim.console.views import NO_STORE, page
from senim.errors import NotFound
from senim.models import Breach, BreachStatus
from senim.privacy import inventory, transfers
from senim.web.auth import DbSession, Principal, requires
from senim.web.i18n import N_

router = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(requires(Perm.privacy_read))]

KAZAKHSTAN = "KZ"
# (permission, path, label): the privacy pages listed on the overview to whoever holds the permission.
LINKS: list[tuple[Perm, str, str]] = [
    (Perm.privacy_read, "/console/privacy/breaches", N_("Register of breaches")),
    (Perm.privacy_read, "/console/privacy/requests", N_("Requests of data subjects")),
    (Perm.privacy_read, "/console/privacy/access-log", N_("Access log")),
]


def stored_in_kazakhstan(settings: Settings) -> bool:
    return settings.data_location_country.strip().upper() == KAZAKHSTAN


@router.get("/console/privacy")
def overview_page(request: Request, session: DbSession, principal: Reader) -> Response:
    if principal.token is not None:
        raise NotFound("Page not found.")
    settings: Settings = request.app.state.settings
    open_breaches = session.scalar(
        select(func.count()).select_from(Breach).where(Breach.status == BreachStatus.open)
    )
    adequate = transfers.adequate(settings)
    context = {
        "data_location": settings.data_location,
        "data_location_country": settings.data_location_country.strip().upper(),
        "in_kazakhstan": stored_in_kazakhstan(settings),
        "dpo_name": settings.dpo_name,
        "dpo_contact": settings.dpo_contact,
        "authority_email": settings.pd_authority_email,
        "operator_name": settings.operator_name,
        "operator_bin": settings.operator_bin,
        "classes": [
            {
                "label": c.label,
                "holds": c.holds,
                "purpose": c.purpose,
                "retention": inventory.retention_text(c, settings),
            }
            for c in inventory.DATA_CLASSES
        ],
        "links": [
            {"path": path, "label": label} for perm, path, label in LINKS if has_perm(principal.role, perm)
        ],
        "open_breaches": int(open_breaches or 0),
        "recipients": [
            {
                "name": r.name,
                "country": r.country,
                "purpose": r.purpose,
                "ground": transfers.GROUND_LABELS[r.ground],
                "cross_border": r.cross_border,
                "unlawful": not transfers.allowed(r, adequate),
            }
            for r in transfers.recipients(settings)
        ],
        "adequate_countries": sorted(adequate - {transfers.KAZAKHSTAN}),
        "no_ground": transfers.NO_GROUND,
    }
    return page(request, principal, "privacy/overview.html", context, headers=NO_STORE)
