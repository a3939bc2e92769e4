"""Personal data as pure data: what Senim's consent states (LAW-73), the data subject's requests and their
clocks (LAW-75, 76), and the purposes for which staff may look at a person's personal data. No I/O."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from senim.kit import deadlines
from senim.kit.deadlines import StatutoryClock
from senim.models import SubjectRequestKind
from senim.web.i18n import N_, gettext

# What a person's account holds and why (the consent's "list of data" and purposes).
CONSENT_DATA: dict[str, str] = {
    "username": N_("Username"),
    "display_name": N_("Display name"),
    "email": N_("E-mail address"),
    "date_of_birth": N_("Date of birth (to protect minors)"),
    "content": N_("Posts, comments and images you publish"),
    "complaints": N_("Complaints and appeals you file"),
    "sign_in": N_("Sign-in sessions (times, not addresses)"),
}
CONSENT_PURPOSES: dict[str, str] = {
    "account": N_("Running your account and showing what you publish"),
    "safety": N_("Protecting minors and handling complaints, as the law requires"),
    "legal": N_("Answering state bodies when the law obliges us, on a lawful basis only"),
}
# Published in public sources (LAW-73, 78): what anyone can see.
PUBLISHED = ("username", "display_name", "content")
DURATION = "until_withdrawn"  # until the consent is withdrawn or the account deleted
DURATION_LABELS = {DURATION: N_("Until you withdraw consent or delete the account")}
CONSENT_TEXT = N_(
    "I consent to {operator} (BIN {bin}) processing my personal data listed here for the purposes listed "
    "here, stored in {location}, until I withdraw consent or delete my account. My username, display name "
    "and what I publish are public."
)
# What the consent says of transfers, by (third parties, cross-border) as the declared recipients make them.
TRANSFER_TEXTS: dict[tuple[bool, bool], str] = {
    (False, False): N_(
        "My data are not given to third parties except state bodies on a lawful basis, and not transferred "
        "abroad."
    ),
    (True, False): N_(
        "My data may be given to the third parties named in the privacy policy, and are not transferred "
        "abroad."
    ),
    (False, True): N_(
        "My data are not given to third parties except state bodies on a lawful basis; companies working "
        "for the operator keep some of them abroad, as the privacy policy names."
    ),
    (True, True): N_(
        "My data may be given to the third parties named in the privacy policy and transferred abroad as it "
        "names."
    ),
}


def consent_statement(terms: dict[str, Any]) -> dict[str, Any]:
    """The consent as the person reads it before giving it, in the current language (LAW-73)."""
    text = gettext(
        CONSENT_TEXT, operator=terms["operator_name"], bin=terms["operator_bin"], location=terms["location"]
    )
    text += " " + gettext(TRANSFER_TEXTS[(terms["third_parties"], terms["cross_border"])])
    return {
        "text": text,
        "data": [gettext(CONSENT_DATA[k]) for k in terms["data_list"]],
        "purposes": [gettext(CONSENT_PURPOSES[k]) for k in terms["purposes"]],
    }


CLOCKS: dict[SubjectRequestKind, str] = {
    SubjectRequestKind.withdraw_consent: "consent_withdrawal",  # 15 working days
    SubjectRequestKind.block: "personal_data_correction",  # 1 working day
    SubjectRequestKind.destroy: "personal_data_correction",
    SubjectRequestKind.correct: "personal_data_correction",
}
LAW_IDS: dict[SubjectRequestKind, str] = {
    SubjectRequestKind.withdraw_consent: "LAW-75",
    SubjectRequestKind.block: "LAW-76",
    SubjectRequestKind.destroy: "LAW-76",
    SubjectRequestKind.correct: "LAW-76",
}
KIND_LABELS: dict[SubjectRequestKind, str] = {
    SubjectRequestKind.withdraw_consent: N_("Withdraw my consent"),
    SubjectRequestKind.block: N_("Block data processed unlawfully"),
    SubjectRequestKind.destroy: N_("Destroy data processed unlawfully"),
    SubjectRequestKind.correct: N_("Correct or supplement data I cannot edit myself"),
}
STATUS_LABELS = {
    "received": N_("Received: awaiting an answer"),
    "done": N_("Done"),
    "refused": N_("Refused with reasons"),
}
# Why a staff member opens a person's personal data; every view is logged with one.
PURPOSES: dict[str, str] = {
    "subject_request": N_("Answering the person's own request"),
    "state_request": N_("A request or order of a state body"),
    "complaint": N_("Handling a complaint or appeal"),
    "breach": N_("Investigating a breach"),
    "security": N_("Security of the service"),
}
MAX_DETAILS = 5000
MAX_ANSWER = 5000


def clock(kind: SubjectRequestKind) -> StatutoryClock:
    return deadlines.RULES[CLOCKS[kind]]


def consent_terms(
    operator: str,
    operator_bin: str,
    location: str,
    *,
    third_parties: bool = False,
    cross_border: bool = False,
) -> dict[str, Any]:
    """The terms a consent states, the same for everyone who gives it now; whether data go to third parties
    or other states comes from the declared recipients (``privacy.transfers.consent_flags``)."""
    return {
        "operator_name": operator,
        "operator_bin": operator_bin,
        "data_list": sorted(CONSENT_DATA),
        "purposes": sorted(CONSENT_PURPOSES),
        "duration": DURATION,
        "third_parties": third_parties,
        "cross_border": cross_border,
        "published": list(PUBLISHED),
        "location": location,
    }


def terms_sha256(terms: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(terms, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
