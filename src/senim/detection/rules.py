"""Detection rules as typed, validated data (issue 5 item 4). Pure: no I/O.

A rule names the taxonomy category it detects, the matchers whose hits count (terms — exact words,
Kazakh stems, Russian lemmas —, regular expressions, personal-data detectors, domain lists, image hash
banks, a trained classifier), how many hits make a signal, and what a live rule does with a signal: open
a moderation case with a priority, hide the item pending review, age-restrict it, or escalate it to law
enforcement (threats to life or safety only).

A rule's lifecycle: ``draft`` (edited, runs nowhere) → ``shadow`` (runs and records signals, acts on
nothing) → ``live`` (acts) → ``retired``. Every saved edit is a new version; a signal names the version
that produced it. Validation errors carry the path of the problem, as the complaint rules do.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from senim import taxonomy
from senim.kit import validation

MAX_TERMS = 20_000
MAX_PATTERN = 500


class RuleStatus(StrEnum):
    draft = "draft"
    shadow = "shadow"
    live = "live"
    retired = "retired"


# Allowed moves of the lifecycle: retiring from anywhere; a retired rule comes back as a draft.
TRANSITIONS: dict[RuleStatus, frozenset[RuleStatus]] = {
    RuleStatus.draft: frozenset({RuleStatus.shadow, RuleStatus.retired}),
    RuleStatus.shadow: frozenset({RuleStatus.live, RuleStatus.draft, RuleStatus.retired}),
    RuleStatus.live: frozenset({RuleStatus.shadow, RuleStatus.retired}),
    RuleStatus.retired: frozenset({RuleStatus.draft}),
}

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{2,63}$")]
TermText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermsMatcher(_Strict):
    type: Literal["terms"]
    kind: Literal["exact", "stem", "lemma"] = "exact"
    terms: list[TermText] = Field(min_length=1, max_length=MAX_TERMS)


class RegexMatcher(_Strict):
    type: Literal["regex"]
    pattern: str = Field(min_length=1, max_length=MAX_PATTERN)

    @model_validator(mode="after")
    def _compiles(self) -> Self:
        try:
            compiled = re.compile(self.pattern)
        except re.error as exc:
            raise ValueError(f"the regular expression does not compile: {exc}") from exc
        if compiled.match(""):
            raise ValueError("the regular expression matches the empty text")
        return self


class PiiMatcher(_Strict):
    type: Literal["pii"]
    kinds: list[Literal["iin", "bin", "phone", "card", "iban", "email"]] = Field(min_length=1)


DOMAIN_PATTERN = r"(?i)^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
Domain = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=DOMAIN_PATTERN)]


class DomainsMatcher(_Strict):
    """Links to listed domains (a listed domain also covers its subdomains), written with or without
    a scheme, and with the usual disguises of the dot ("[.]", "(.)")."""

    type: Literal["domains"]
    domains: list[Domain] = Field(min_length=1, max_length=MAX_TERMS)


class HashesMatcher(_Strict):
    """Uploaded images against hash banks: SHA-256 of the file as uploaded exactly, PDQ within
    ``max_distance`` bits (images too flat for a meaningful PDQ hash are compared by SHA-256 only)."""

    type: Literal["hashes"]
    banks: list[Name] = Field(min_length=1, max_length=20)
    max_distance: int = Field(default=31, ge=0, le=64)


class ClassifierMatcher(_Strict):
    """A trained text classifier (``senim detection train``): a hit when the probability of ``label``
    reaches ``threshold``; the signal's score is that probability."""

    type: Literal["classifier"]
    model: Name = "builtin"
    label: str = Field(min_length=1, max_length=64)
    threshold: float = Field(default=0.9, ge=0.5, le=1.0)


Matcher = Annotated[
    TermsMatcher | RegexMatcher | PiiMatcher | DomainsMatcher | HashesMatcher | ClassifierMatcher,
    Field(discriminator="type"),
]


class RuleAction(_Strict):
    type: Literal["open_case", "hide_pending_review", "age_restrict", "escalate"]
    priority: int = Field(default=3, ge=1, le=5)
    age_sign: Literal["6-", "6+", "12+", "14+", "16+", "18+"] | None = None
    # escalate only: "automatic" sends at once; "confirm" waits up to ``confirm_minutes`` for a safety
    # officer (who confirms or declines) and then sends anyway. Unset: automatic for the highest severity.
    dispatch: Literal["automatic", "confirm"] | None = None
    confirm_minutes: int = Field(default=15, ge=1, le=120)

    @model_validator(mode="after")
    def _age_sign(self) -> Self:
        if (self.type == "age_restrict") != (self.age_sign is not None):
            raise ValueError("an age_sign is given with age_restrict, and only then")
        if self.dispatch is not None and self.type != "escalate":
            raise ValueError("dispatch is set for the escalate action only")
        return self


class RuleSpec(_Strict):
    category: str
    languages: list[Literal["kk", "ru", "en"]] = Field(default_factory=list)  # empty: every language
    matchers: list[Matcher] = Field(min_length=1)
    min_hits: int = Field(default=1, ge=1, le=100)
    action: RuleAction = RuleAction(type="open_case")

    @model_validator(mode="after")
    def _escalates_only_threats(self) -> Self:
        if self.action.type == "escalate" and not taxonomy.versions()[-1].get(self.category).threat_to_life:
            raise ValueError("only a category that threatens life or safety can escalate to law enforcement")
        return self

    @field_validator("category")
    @classmethod
    def _known_category(cls, category: str) -> str:
        if category not in taxonomy.versions()[-1].category_keys():
            raise ValueError(f"unknown taxonomy category {category!r}")
        return category


def confirm_minutes(spec: RuleSpec) -> int | None:
    """Minutes a safety officer has to confirm an escalation of this rule; None: dispatched at once.

    Unset, dispatch is automatic for the highest severity and waits for confirmation otherwise."""
    action = spec.action
    if action.type != "escalate":
        return None
    mode = action.dispatch
    if mode is None:
        critical = taxonomy.versions()[-1].get(spec.category).severity is taxonomy.Severity.critical
        mode = "automatic" if critical else "confirm"
    return action.confirm_minutes if mode == "confirm" else None


def problems(data: object) -> list[str]:
    """What is wrong with a rule submitted as JSON data: "path: message" lines; empty when valid."""
    return validation.problems(RuleSpec, data, "(rule)")


def may_move(current: RuleStatus, to: RuleStatus) -> bool:
    return to in TRANSITIONS[current]
