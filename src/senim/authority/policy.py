"""Orders and requests of state bodies as pure data: their kinds, each with its statutory clock and legal
requirement, the measures each may ask for, and the validation of what a body or a legal officer sends.
No I/O here."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from senim import taxonomy
from senim.kit import deadlines, validation
from senim.kit.deadlines import StatutoryClock
from senim.web.i18n import N_


class OrderKind(StrEnum):
    authority_request = "authority_request"  # LAW-16: consider within 24 hours
    court_act = "court_act"  # LAW-17: enforce a court act in force
    restriction_order = "restriction_order"  # LAW-42: COMM Art. 41-1 order, execute within 2 hours
    immediate_restriction = "immediate_restriction"  # LAW-41: COMM Art. 41-1(1-1), immediately
    child_cyberbullying = "child_cyberbullying"  # LAW-33: remove within 24 hours
    account_suspension = "account_suspension"  # LAW-24: suspend accounts on an order
    user_count_request = "user_count_request"  # LAW-25: the number of users per day
    user_data_request = "user_data_request"  # LAW-23: information about users, on a lawful basis
    preservation = "preservation"  # keep content and its metadata as evidence (legal hold)
    lift_order = "lift_order"  # LAW-44: lift an order and restore access, immediately


# The clock of each kind (kit/deadlines.py RULES); kinds the law gives no time of their own fall under the
# 24 hours in which a request of the authorized body must be considered (LAW-16).
CLOCKS: dict[OrderKind, str] = {
    OrderKind.authority_request: "authority_request",
    OrderKind.court_act: "authority_request",
    OrderKind.restriction_order: "restriction_order",
    OrderKind.immediate_restriction: "immediate_restriction",
    OrderKind.child_cyberbullying: "cyberbullying_child_removal",
    OrderKind.account_suspension: "authority_request",
    OrderKind.user_count_request: "authority_request",
    OrderKind.user_data_request: "authority_request",
    OrderKind.preservation: "authority_request",
    OrderKind.lift_order: "lift_order",
}
LAW_IDS: dict[OrderKind, str] = {
    OrderKind.authority_request: "LAW-16",
    OrderKind.court_act: "LAW-17",
    OrderKind.restriction_order: "LAW-42",
    OrderKind.immediate_restriction: "LAW-41",
    OrderKind.child_cyberbullying: "LAW-33",
    OrderKind.account_suspension: "LAW-24",
    OrderKind.user_count_request: "LAW-25",
    OrderKind.user_data_request: "LAW-23",
    OrderKind.preservation: "LAW-18",
    OrderKind.lift_order: "LAW-44",
}
KIND_LABELS: dict[OrderKind, str] = {
    OrderKind.authority_request: N_("Request of the authorized body (24 hours)"),
    OrderKind.court_act: N_("Court act in force"),
    OrderKind.restriction_order: N_("Restriction order, Communications Law Art. 41-1 (2 hours)"),
    OrderKind.immediate_restriction: N_("Restriction order, Art. 41-1(1-1) (immediately)"),
    OrderKind.child_cyberbullying: N_("Removal of cyberbullying of a child (24 hours)"),
    OrderKind.account_suspension: N_("Suspension of accounts"),
    OrderKind.user_count_request: N_("Request for the number of users per day"),
    OrderKind.user_data_request: N_("Request for information about users"),
    OrderKind.preservation: N_("Preservation of evidence"),
    OrderKind.lift_order: N_("Lifting of an order, access restored (immediately)"),
}
# What each kind may ask for; "restrict" is unavailability in Kazakhstan (COMM Art. 41-1).
MEASURES: dict[OrderKind, frozenset[str]] = {
    OrderKind.authority_request: frozenset({"restrict", "remove", "suspend", "preserve", "inform"}),
    OrderKind.court_act: frozenset({"restrict", "remove", "suspend", "preserve", "disclose"}),
    OrderKind.restriction_order: frozenset({"restrict"}),
    OrderKind.immediate_restriction: frozenset({"restrict"}),
    OrderKind.child_cyberbullying: frozenset({"remove"}),
    OrderKind.account_suspension: frozenset({"suspend"}),
    OrderKind.user_count_request: frozenset({"count"}),
    OrderKind.user_data_request: frozenset({"disclose"}),
    OrderKind.preservation: frozenset({"preserve"}),
    OrderKind.lift_order: frozenset({"restore"}),
}
MEASURE_LABELS: dict[str, str] = {
    "restrict": N_("Restrict access in Kazakhstan"),
    "remove": N_("Remove"),
    "suspend": N_("Suspend the accounts"),
    "preserve": N_("Preserve as evidence"),
    "disclose": N_("Disclose information about users"),
    "inform": N_("Inform the body"),
    "count": N_("Count users"),
    "restore": N_("Restore access"),
}
RESULT_LABELS: dict[str, str] = {
    "decision": N_("Decision taken"),
    "held": N_("Kept under a legal hold"),
    "lifted": N_("Restrictions lifted"),
    "not_applicable": N_("Not applicable to this target"),
    "not_on_platform": N_("Not on this platform"),
    "not_found": N_("Not found on the platform"),
    "answered": N_("Answered"),
    "disclosed": N_("Disclosed in an encrypted package"),
}
# Measures taken on the platform (restrictions, holds, restoring), as opposed to information given to the
# body (a disclosure, a count, an answer); an order asks for one sort or the other.
EXECUTED_MEASURES = frozenset({"restrict", "remove", "suspend", "preserve", "restore"})
# Kinds whose targets are content or accounts, and kinds that need a taxonomy ground for the decision.
NEEDS_TARGETS = frozenset(OrderKind) - {OrderKind.user_count_request}
NEEDS_CATEGORY = frozenset({OrderKind.restriction_order, OrderKind.immediate_restriction})
# The fields a user-data request may name (minimal disclosure: only those named are given).
USER_FIELDS = frozenset(
    {"username", "display_name", "email", "phone", "date_of_birth", "registered_at", "last_login_at",
     "login_addresses", "content_ids"}
)  # fmt: skip
# A request for the number of users per day names at most this many days; without a period it asks about
# the days before it was received.
MAX_COUNT_DAYS = 400
DEFAULT_COUNT_DAYS = 30
BASIS_TYPES = ("court_act", "request", "order", "law_article")
NUMBER_RE = re.compile(r"O-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def clock(kind: OrderKind) -> StatutoryClock:
    return deadlines.RULES[CLOCKS[kind]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LegalBasis(_Strict):
    type: Literal["court_act", "request", "order", "law_article"]
    number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    date: dt.date | None = None
    article: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""

    @model_validator(mode="after")
    def _named(self) -> Self:
        if self.type in ("court_act", "request", "order") and not (self.number and self.date):
            raise ValueError("a court act, request or order is named by its number and date")
        if self.type == "law_article" and not self.article:
            raise ValueError("name the article of the law")
        return self


class OrderTarget(_Strict):
    type: Literal["item", "account", "url"]
    id: str | None = Field(default=None, max_length=64, description="A post, comment or account id.")
    url: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.type == "url") != (self.url is not None) or (self.type != "url") != (self.id is not None):
            raise ValueError("an item or account target has an id, a url target a url")
        return self


class Period(_Strict):
    """The days a request for the number of users per day asks about (LAW-25), both included."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")
        if (self.end - self.start).days >= MAX_COUNT_DAYS:
            raise ValueError(f"ask for at most {MAX_COUNT_DAYS} days at a time")
        return self


class OrderIntake(_Strict):
    """What a body sends (API) or a legal officer enters (a received letter)."""

    kind: OrderKind
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    issuing_body: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    legal_basis: LegalBasis
    category: str | None = None
    targets: list[OrderTarget] = Field(default_factory=list, max_length=500)
    measures: list[str] = Field(default_factory=list, max_length=10)
    requested_fields: list[str] = Field(default_factory=list, max_length=20)
    period: Period | None = None
    note: Annotated[str, StringConstraints(max_length=5000)] = ""

    @model_validator(mode="before")
    @classmethod
    def _only_measure(cls, data: object) -> object:
        """A kind that can ask for one measure only asks for it without saying so."""
        if isinstance(data, dict) and not data.get("measures"):
            try:
                allowed = MEASURES[OrderKind(str(data.get("kind")))]
            except ValueError:
                return data
            if len(allowed) == 1:
                return {**data, "measures": sorted(allowed)}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        allowed = MEASURES[self.kind]
        if not self.measures:
            raise ValueError(f"name the measures asked for: some of {', '.join(sorted(allowed))}")
        wrong = sorted(set(self.measures) - allowed)
        if wrong:
            raise ValueError(f"a {self.kind} cannot ask for {', '.join(wrong)}")
        taken, given = set(self.measures) & EXECUTED_MEASURES, set(self.measures) - EXECUTED_MEASURES
        if taken and given:
            raise ValueError(
                "send a disclosure, a count or information in an order of its own, apart from restrictions"
            )
        if self.kind in NEEDS_TARGETS and not self.targets:
            raise ValueError("name the content or accounts concerned")
        if self.kind in NEEDS_CATEGORY and not self.category:
            raise ValueError("a restriction order names its ground (a taxonomy category)")
        if self.category is not None and self.category not in taxonomy.versions()[-1].category_keys():
            raise ValueError(f"unknown taxonomy category {self.category!r}")
        if "disclose" in self.measures:
            if not self.requested_fields:
                raise ValueError("a disclosure names the fields requested")
            unknown = sorted(set(self.requested_fields) - USER_FIELDS)
            if unknown:
                raise ValueError(f"unknown user fields: {', '.join(unknown)}")
        elif self.requested_fields:
            raise ValueError("requested_fields go with a disclosure only")
        if self.period is not None and "count" not in self.measures:
            raise ValueError("a period goes with a request for the number of users only")
        return self


def problems(data: object) -> list[str]:
    """What is wrong with an order submitted as JSON data: "path: message" lines; empty when valid."""
    return validation.problems(OrderIntake, data, "(order)")
