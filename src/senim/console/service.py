"""The staff console's own logic: what needs attention (cards from every domain), and the console's forms
turned into calls of the owning services (accounts, tokens, webhook endpoints), which write the audit.

Attention cards: a domain adds its queue to the console home page by registering a provider in its own
``src/senim/<domain>/attention.py`` (found automatically, like job handlers)::

    from senim.console.service import AttentionCard, AttentionRow, attention_provider

    @attention_provider("complaints", perm=Perm.console, order=20)
    def complaints(session: Session, viewer: User) -> AttentionCard | None:
        return AttentionCard(
            title=N_("Complaints"),
            rows=(AttentionRow(N_("Waiting for a decision"), n, link="/console/complaints", deadline=due),),
        )

A provider is shown only to roles holding its permission; it may narrow further by ``viewer`` (a
moderator's own queues) or return None to show nothing.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from senim.account.policy import Perm, has_perm
from senim.account.service import IssuedToken, account_service
from senim.audit import Actor
from senim.errors import Invalid, NotFound
from senim.kit.clock import as_utc, utcnow
from senim.models import AccountStatus, Role, User, WebhookEndpoint
from senim.models.account import EXTERNAL_ROLES, STAFF_ROLES
from senim.notification.service import notification_service
from senim.web.i18n import LANGUAGES, N_, display_tz

# --- labels -----------------------------------------------------------------------------------------
ROLE_LABELS: dict[Role, str] = {
    Role.user: N_("User"),
    Role.moderator: N_("Moderator"),
    Role.senior_moderator: N_("Senior moderator"),
    Role.safety_officer: N_("Safety officer"),
    Role.legal_officer: N_("Legal officer"),
    Role.data_protection_officer: N_("Data protection officer"),
    Role.ads_reviewer: N_("Ads reviewer"),
    Role.administrator: N_("Administrator"),
    Role.auditor: N_("Auditor"),
    Role.authorized_body: N_("Authorized state body"),
    Role.law_enforcement: N_("Law enforcement"),
    Role.integrating_platform: N_("Integrating platform"),
}
STATUS_LABELS: dict[AccountStatus, str] = {
    AccountStatus.active: N_("Active"),
    AccountStatus.suspended: N_("Suspended"),
    AccountStatus.deleted: N_("Deleted"),
}
# What the console creates: staff accounts and external principals (people register themselves).
CREATABLE_ROLES: tuple[Role, ...] = tuple(r for r in Role if r in STAFF_ROLES or r in EXTERNAL_ROLES)
# What a console status change may set: deleting an account is the account holder's or privacy's business.
SETTABLE_STATUSES = (AccountStatus.active, AccountStatus.suspended)
DISPLAY_NAME_MAX = 120
EMAIL_MAX = 254
TOKEN_NAME_MAX = 120


# --- what needs attention -------------------------------------------------------------------------
@dataclass(frozen=True)
class AttentionRow:
    """One line of a card: a count, and optionally how long the oldest item waited or the nearest deadline."""

    label: str  # a message id (``N_``)
    count: int
    link: str | None = None
    urgent: bool = False  # highlighted while the count is not zero
    oldest: datetime | None = None  # the item that has waited longest, shown as an age
    deadline: datetime | None = None  # the nearest deadline, shown with the time left or overdue

    @property
    def highlighted(self) -> bool:
        return self.urgent and self.count > 0


@dataclass(frozen=True)
class AttentionCard:
    title: str  # a message id (``N_``)
    rows: tuple[AttentionRow, ...]
    link: str | None = None


AttentionBuilder = Callable[[Session, User], AttentionCard | None]


@dataclass(frozen=True)
class AttentionProvider:
    key: str
    perm: Perm
    build: AttentionBuilder
    order: int = 100


PROVIDERS: dict[str, AttentionProvider] = {}


def attention_provider(
    key: str, *, perm: Perm, order: int = 100
) -> Callable[[AttentionBuilder], AttentionBuilder]:
    """Register a card for the console home page, shown to the roles holding ``perm`` (lower ``order``
    first)."""

    def register(build: AttentionBuilder) -> AttentionBuilder:
        existing = PROVIDERS.get(key)
        if existing is not None and existing.build is not build:
            raise ValueError(f"attention provider {key!r} is registered twice")
        PROVIDERS[key] = AttentionProvider(key=key, perm=perm, build=build, order=order)
        return build

    return register


@lru_cache(maxsize=1)
def _import_attention_modules() -> None:
    src = Path(__file__).resolve().parent.parent
    for path in sorted(src.glob("*/attention.py")):
        importlib.import_module(f"senim.{path.parent.name}.attention")


def load_attention_providers() -> dict[str, AttentionProvider]:
    """Import (once) every domain's ``attention`` module, which registers its cards with
    ``@attention_provider``."""
    _import_attention_modules()
    return PROVIDERS


def attention_cards(session: Session, viewer: User) -> list[AttentionCard]:
    """The cards ``viewer`` may see, in their order."""
    providers = sorted(load_attention_providers().values(), key=lambda p: (p.order, p.key))
    cards = []
    for provider in providers:
        if has_perm(viewer.role, provider.perm):
            card = provider.build(session, viewer)
            if card is not None:
                cards.append(card)
    return cards


# --- forms ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewAccount:
    """The console's "new account" form, as typed."""

    role: str
    username: str
    display_name: str = ""
    email: str = ""
    password: str = ""
    language: str = "kk"


def parse_role(value: str, allowed: tuple[Role, ...] = tuple(Role)) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = None
    if role is None or role not in allowed:
        raise Invalid("Choose one of the offered roles.")
    return role


def parse_status(value: str) -> AccountStatus:
    try:
        status = AccountStatus(value)
    except ValueError:
        status = None
    if status is None or status not in SETTABLE_STATUSES:
        raise Invalid("Choose one of the offered account statuses.")
    return status


def parse_events(text: str) -> list[str]:
    """Event names typed separated by spaces, commas or new lines."""
    return [e for e in text.replace(",", " ").split() if e]


def expiry_of(day: date | None) -> datetime | None:
    """A token chosen to expire on ``day`` works until the end of that day in the display time zone."""
    if day is None:
        return None
    ends = as_utc(datetime.combine(day + timedelta(days=1), time(0), tzinfo=display_tz()))
    if ends <= utcnow():
        raise Invalid("The expiry date must be in the future.")
    return ends


class ConsoleService:
    def create_account(self, session: Session, actor: Actor, form: NewAccount) -> User:
        """A staff account (with an initial password) or an external principal (API tokens; the
        authorized body's people may also have a password for its portal)."""
        role = parse_role(form.role, CREATABLE_ROLES)
        if len(form.display_name.strip()) > DISPLAY_NAME_MAX:
            raise Invalid("The display name is too long.")
        if len(form.email.strip()) > EMAIL_MAX:
            raise Invalid("Enter a valid e-mail address, or leave it empty.")
        if form.language not in LANGUAGES:
            raise Invalid("Choose one of the offered languages.")
        if role in STAFF_ROLES and not form.password:
            raise Invalid("A staff account needs an initial password.")
        return account_service.create_user(
            session,
            actor,
            username=form.username,
            role=role,
            password=form.password or None,
            display_name=form.display_name.strip() or None,
            email=form.email.strip() or None,
            language=form.language,
        )

    def external_principal(self, session: Session, principal_id: str) -> User:
        """The active external principal a token or endpoint is for, from a form's select."""
        try:
            user: User | None = account_service.get(session, uuid.UUID(principal_id))
        except (ValueError, NotFound):
            user = None
        if user is None or user.role not in EXTERNAL_ROLES or user.status != AccountStatus.active:
            raise Invalid("Choose an active platform, state body or law-enforcement account.")
        return user

    def issue_token(
        self,
        session: Session,
        actor: Actor,
        principal: User,
        *,
        name: str,
        scopes: list[str],
        expires_on: date | None,
    ) -> IssuedToken:
        if len(name.strip()) > TOKEN_NAME_MAX:
            raise Invalid("The token name is too long.")
        expires_at = expiry_of(expires_on)
        return account_service.issue_token(
            session, actor, principal, name=name, scopes=scopes, expires_at=expires_at
        )

    def add_endpoint(
        self, session: Session, actor: Actor, principal: User, url: str, events: str
    ) -> tuple[WebhookEndpoint, str]:
        return notification_service.add_endpoint(session, actor, principal, url, parse_events(events))


console_service = ConsoleService()
