"""Who else receives personal data, and whether the law allows it (PDL Art. 7(6), 16, 19; LAW-78, 79).

The operator declares every recipient in the settings (``SENIM_DATA_RECIPIENTS``): its name, the state it
keeps the data in, what for, and the ground. Pure, no I/O:

* a **processor** works on the operator's behalf under a contract (an e-mail relay, a hosting company);
* **consent**: the transfer rests on the person's consent (``consent_terms`` states ``third_parties`` and
  ``cross_border`` from this whole list, so nobody consents to less than is done);
* **treaty** or **law**: an international treaty or a law provides for it (a disclosure to a state body
  goes through the orders desk and is not listed here).

A transfer to another state is allowed when that state ensures the protection of personal data
(``SENIM_ADEQUATE_COUNTRIES``, as the operator holds on the authorized body's guidance), or on consent, a
treaty or a law; otherwise :func:`problems` names it and the console shows it as unlawful. Kazakhstan is
never cross-border.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from senim.config import Settings
from senim.web.i18n import N_

KAZAKHSTAN = "KZ"


class Ground(StrEnum):
    processor = "processor"
    consent = "consent"
    treaty = "treaty"
    law = "law"


GROUND_LABELS: dict[Ground, str] = {
    Ground.processor: N_("A processor acting for the operator under a contract"),
    Ground.consent: N_("The consent of the person"),
    Ground.treaty: N_("An international treaty"),
    Ground.law: N_("A law of the Republic of Kazakhstan"),
}
NO_GROUND = N_(
    "Unlawful: a transfer to a state not listed as ensuring the protection of personal data needs the "
    "person's consent, a treaty or a law (Law on personal data, Art. 16)."
)


class RecipientsInvalid(ValueError):
    """The setting SENIM_DATA_RECIPIENTS cannot be read."""


@dataclass(frozen=True)
class Recipient:
    name: str
    country: str
    purpose: str
    ground: Ground

    @property
    def cross_border(self) -> bool:
        return self.country != KAZAKHSTAN


def recipients(settings: Settings) -> list[Recipient]:
    """The recipients declared in the settings; :class:`RecipientsInvalid` names a malformed entry."""
    found = []
    for entry in filter(None, (e.strip() for e in settings.data_recipients.split(";"))):
        parts = [p.strip() for p in entry.split("|")]
        if len(parts) != 4 or not all(parts) or len(parts[1]) != 2 or not parts[1].isalpha():
            raise RecipientsInvalid(f"SENIM_DATA_RECIPIENTS: {entry!r} is not name|CC|purpose|ground")
        try:
            ground = Ground(parts[3])
        except ValueError:
            raise RecipientsInvalid(
                f"SENIM_DATA_RECIPIENTS: {parts[3]!r} is not one of {', '.join(Ground)}"
            ) from None
        found.append(Recipient(parts[0], parts[1].upper(), parts[2], ground))
    return found


def adequate(settings: Settings) -> frozenset[str]:
    return frozenset(c.strip().upper() for c in settings.adequate_countries.split(",") if c.strip()) | {
        KAZAKHSTAN
    }


def allowed(recipient: Recipient, adequate_states: frozenset[str]) -> bool:
    """Whether the law allows the transfer (a processor abroad counts as a cross-border transfer too)."""
    return recipient.country in adequate_states or recipient.ground in (
        Ground.consent,
        Ground.treaty,
        Ground.law,
    )


def problems(settings: Settings) -> list[Recipient]:
    """The declared recipients the law does not allow."""
    states = adequate(settings)
    return [r for r in recipients(settings) if not allowed(r, states)]


def consent_flags(settings: Settings) -> dict[str, bool]:
    """What a consent must state (LAW-73): whether data go to third parties (any recipient but a processor
    working for the operator) and whether they cross a border (any recipient abroad, whatever its ground)."""
    declared = recipients(settings)
    return {
        "third_parties": any(r.ground is not Ground.processor for r in declared),
        "cross_border": any(r.cross_border for r in declared),
    }
