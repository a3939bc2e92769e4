"""An existing platform uses Senim alone: it pushes its accounts and content items under its own ids.

Every record is scoped to the pushing platform (the ``integrating_platform`` principal): its external
ids are looked up only among its own records, and a Senim id of another platform's record is simply
not found. Pushes are idempotent upserts: the same payload twice writes one row, and a push that
changes nothing writes nothing (no audit record, no job); two parallel first pushes of the same record
give one 409 (retry it), which the request boundary rolls back whole. A pushed or changed item is scanned by
detection (job ``detection.scan``); decisions about it go back to the platform through
``notify_platform`` (the notification domain's signed webhooks).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from babel import Locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from senim import audit, jobs
from senim.account.service import account_service
from senim.ads.sponsored import marking_of, sponsored_service
from senim.ads.sponsored_policy import Marking
from senim.audit import Actor
from senim.config import Settings, get_settings
from senim.content import age
from senim.content.errors import HELD, ItemHeld
from senim.content.policy import DETECTION_SCAN_JOB
from senim.content.service import content_service
from senim.kit.clock import age_on, as_utc, today_in, utcnow
from senim.kit.text import clean
from senim.models import ContentItem, ItemKind, ItemStatus, Role, User
from senim.notification.service import notification_service
from senim.platform.errors import (
    AuthorNotPushed,
    ItemDeleted,
    ItemIdentityChanged,
    NotAPlatform,
    ParentNotPushed,
    PlatformRecordNotFound,
    PushConflict,
    PushInvalid,
)
from senim.translation.service import translation_service
from senim.web.i18n import N_

T = TypeVar("T")

EXTERNAL_ID_MAX = 200
DISPLAY_NAME_MAX = 120
BIO_MAX = 5000
BODY_MAX = 50_000
URL_MAX = 2000
MAX_AGE_YEARS = 120
CLOCK_SKEW = timedelta(minutes=10)

EXTERNAL_ID_PROBLEM = N_("An external id is 1 to 200 printable characters without a slash.")
DISPLAY_NAME_PROBLEM = N_("A display name is 1 to 120 characters long.")
BIO_PROBLEM = N_("The bio is too long.")
BIRTH_PROBLEM = N_("Enter a real date of birth.")
BODY_PROBLEM = N_("The text of the item is too long.")
URL_PROBLEM = N_("The external URL must be an absolute http or https address of at most 2000 characters.")
CREATED_AT_PROBLEM = N_("The creation time of the item is in the future.")
PARENT_MISSING = N_("A comment needs the external id of the item it answers.")
PARENT_ON_POST = N_("A post has no parent item.")
COUNTRY_PROBLEM = N_("The country is an ISO 3166 two-letter code, such as KZ.")
PHONE_PROBLEM = N_("The phone number is in international format: + and 8 to 15 digits.")
UNDER_MINIMUM_AGE = N_("The account holder is younger than {min_age}, the minimum age to register.")

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Generated usernames stay within the account rules (3 to 32 characters): p-<8>-<slug up to 21>.
_SLUG_ROOM = 21
_SHORT_SLUG_ROOM = 12
# ISO 3166 alpha-2 country codes (CLDR's territories, without groupings and the unknown region).
_GROUPINGS = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})
_COUNTRIES = (
    frozenset(code for code in map(str, Locale("en").territories) if len(code) == 2 and code.isalpha())
    - _GROUPINGS
)
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")


@dataclass(frozen=True)
class AccountPush:
    display_name: str
    date_of_birth: date | None = None  # None keeps what is stored
    bio: str | None = None  # None keeps what is stored; "" clears
    # Where the holder lives (ISO 3166 alpha-2) and their phone (E.164), two of the ways of telling who is in
    # Kazakhstan (LAW-12): None keeps what is stored; "" clears. Personal data: never in the audit log.
    country: str | None = None
    phone: str | None = None
    consent_reference: str | None = None  # the platform's record of the holder's consent (LAW-73)


@dataclass(frozen=True)
class ItemPush:
    author_external_id: str
    kind: ItemKind
    body: str
    parent_external_id: str | None = None
    external_url: str | None = None  # None keeps what is stored
    created_at: datetime | None = None  # None: now on creation, unchanged on update
    age_sign: str | None = None  # None keeps what is stored; "" clears (LAW-83)
    # The advertising marking (LAW-65, 66), checked by ``sponsored_service.parse``; applied only when the
    # push names it (``set_sponsored``), None then removing it.
    sponsored: Marking | None = None
    set_sponsored: bool = False


@dataclass(frozen=True)
class ItemView:
    item: ContentItem
    author_external_id: str
    parent_external_id: str | None


@dataclass(frozen=True)
class Pushed(Generic[T]):
    record: T
    created: bool
    changed: list[str]


def slugify(external_id: str) -> str:
    return _NOT_SLUG.sub("-", external_id.lower()).strip("-")


def username_candidates(platform_id: uuid.UUID, external_id: str) -> list[str]:
    """``p-<platform short id>-<slug of external id>``, then the same with a hash when that is taken."""
    short = platform_id.hex[:8]
    tag = hashlib.sha256(f"{platform_id}:{external_id}".encode()).hexdigest()[:8]
    slug = slugify(external_id)
    first = slug[:_SLUG_ROOM].strip("-")
    second = slug[:_SHORT_SLUG_ROOM].strip("-")
    candidates = [f"p-{short}-{first}"] if first else []
    candidates.append(f"p-{short}-{second}-{tag}" if second else f"p-{short}-{tag}")
    return candidates


def _check_external_id(external_id: str) -> None:
    if not 1 <= len(external_id) <= EXTERNAL_ID_MAX or "/" in external_id or not external_id.isprintable():
        raise PushInvalid(EXTERNAL_ID_PROBLEM)


def _account_problems(data: AccountPush, min_age: int = 0) -> list[str]:
    found: list[str] = []
    if not 1 <= len(data.display_name.strip()) <= DISPLAY_NAME_MAX:
        found.append(DISPLAY_NAME_PROBLEM)
    if data.bio is not None and len(data.bio) > BIO_MAX:
        found.append(BIO_PROBLEM)
    if data.date_of_birth is not None:
        today = utcnow().date()
        if data.date_of_birth >= today or data.date_of_birth.year < today.year - MAX_AGE_YEARS:
            found.append(BIRTH_PROBLEM)
        elif min_age > 0 and age_on(data.date_of_birth, today_in()) < min_age:
            found.append(UNDER_MINIMUM_AGE)
    if data.country and data.country not in _COUNTRIES:
        found.append(COUNTRY_PROBLEM)
    if data.phone and not _E164.fullmatch(data.phone):
        found.append(PHONE_PROBLEM)
    return found


def _url_is_valid(url: str) -> bool:
    if len(url) > URL_MAX:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _item_problems(data: ItemPush) -> list[str]:
    found: list[str] = []
    if len(data.body) > BODY_MAX:
        found.append(BODY_PROBLEM)
    if data.external_url is not None and not _url_is_valid(data.external_url):
        found.append(URL_PROBLEM)
    if data.created_at is not None and as_utc(data.created_at) > utcnow() + CLOCK_SKEW:
        found.append(CREATED_AT_PROBLEM)
    if data.kind == ItemKind.comment and not data.parent_external_id:
        found.append(PARENT_MISSING)
    if data.kind == ItemKind.post and data.parent_external_id:
        found.append(PARENT_ON_POST)
    if data.age_sign:
        try:
            age.parse_sign(data.age_sign)
        except ValueError:
            found.append(age.SIGN_PROBLEM)
    return found


class PlatformService:
    # --- accounts -----------------------------------------------------------------------------
    def push_account(
        self,
        session: Session,
        platform: User,
        external_id: str,
        data: AccountPush,
        settings: Settings | None = None,
    ) -> Pushed[User]:
        """Create or update the platform's account ``external_id`` (a Senim user with role ``user``).

        With a minimum registration age set (``settings.min_registration_age``), an account whose date of
        birth shows a younger person is refused (422) as Senim's own registration is, and nothing is
        written; an account pushed without a date of birth is taken (its age is not known).
        """
        settings = settings or get_settings()
        self._require_platform(platform)
        _check_external_id(external_id)
        data = replace(
            data,
            display_name=clean(data.display_name),
            bio=None if data.bio is None else clean(data.bio),
            country=None if data.country is None else data.country.strip().upper(),
            phone=None if data.phone is None else data.phone.strip(),
        )
        found = _account_problems(data, settings.min_registration_age)
        if found:
            raise PushInvalid(found[0], fields=found, min_age=settings.min_registration_age)
        display_name = data.display_name.strip()
        user = self._account(session, platform, external_id, lock=True)
        created = user is None
        if user is None:
            user = self._create_account(session, platform, external_id, data, display_name)
            changed = ["display_name", "date_of_birth", "bio"]
            changed += [name for name in ("country", "phone") if getattr(data, name)]
        else:
            changed = []
            if user.display_name != display_name:
                user.display_name = display_name
                changed.append("display_name")
            if data.date_of_birth is not None and user.date_of_birth != data.date_of_birth:
                user.date_of_birth = data.date_of_birth
                changed.append("date_of_birth")
            if data.bio is not None and user.bio != data.bio:
                user.bio = data.bio
                changed.append("bio")
            if data.country is not None and user.country != (data.country or None):
                user.country = data.country or None
                changed.append("country")
            if data.phone is not None and user.phone != (data.phone or None):
                user.phone = data.phone or None
                changed.append("phone")
        if data.consent_reference and self._record_consent(session, platform, user, data, settings):
            changed.append("consent")
        if changed:
            session.flush()
            # Only which fields changed: the values are personal data and stay out of the audit log.
            audit.record(
                session,
                actor=Actor.of(platform),
                tag="platform:push_account",
                target=user,
                data={"external_id": external_id, "created": created, "changed": changed},
            )
        return Pushed(record=user, created=created, changed=changed)

    def _record_consent(
        self, session: Session, platform: User, user: User, data: AccountPush, settings: Settings
    ) -> bool:
        """The consent the platform obtained, recorded once per reference (proof of consent, LAW-73, 77)."""
        from senim.privacy.service import privacy_service  # privacy reads accounts: imported when used

        reference = (data.consent_reference or "").strip()
        if any(c.policy_version == reference for c in privacy_service.consents(session, user)):
            return False
        session.flush()  # the account's row exists before its consent refers to it
        privacy_service.record_consent(
            session,
            user,
            settings=settings,
            policy_version=reference,
            method="integrating_platform",
            actor=Actor.of(platform),
        )
        return True

    def _create_account(
        self, session: Session, platform: User, external_id: str, data: AccountPush, display_name: str
    ) -> User:
        username = next(
            (
                c
                for c in username_candidates(platform.id, external_id)
                if not self._username_taken(session, c)
            ),
            None,
        )
        if username is None:
            raise PushConflict("The record was changed at the same time. Try again.")
        try:
            user = account_service.create_user(
                session,
                Actor.of(platform),
                username=username,
                role=Role.user,
                password=None,
                display_name=display_name,
                date_of_birth=data.date_of_birth,
            )
            user.platform_id = platform.id
            user.external_id = external_id
            user.bio = data.bio or ""
            user.country, user.phone = data.country or None, data.phone or None
            session.flush()
        except IntegrityError as exc:  # the same account pushed in a parallel request
            raise PushConflict("The record was changed at the same time. Try again.") from exc
        return user

    def get_account(self, session: Session, platform: User, external_id: str) -> User:
        self._require_platform(platform)
        user = self._account(session, platform, external_id)
        if user is None:
            raise PlatformRecordNotFound("No such account.")
        return user

    # --- items --------------------------------------------------------------------------------
    def push_item(
        self, session: Session, platform: User, external_id: str, data: ItemPush
    ) -> Pushed[ItemView]:
        """Create or update the platform's item ``external_id``; a new or changed item is scanned."""
        self._require_platform(platform)
        _check_external_id(external_id)
        _check_external_id(data.author_external_id)
        if data.parent_external_id is not None:
            _check_external_id(data.parent_external_id)
        data = replace(data, body=clean(data.body))
        found = _item_problems(data)
        if found:
            raise PushInvalid(found[0], fields=found)
        author = self._account(session, platform, data.author_external_id)
        if author is None:
            raise AuthorNotPushed(
                "The author {external_id} is unknown: push the account first.",
                external_id=data.author_external_id,
            )
        parent: ContentItem | None = None
        if data.parent_external_id is not None:
            parent = self._item(session, platform, data.parent_external_id)
            if parent is None:
                raise ParentNotPushed(
                    "The parent item {external_id} is unknown: push it first.",
                    external_id=data.parent_external_id,
                )
        item = self._item(session, platform, external_id, lock=True)
        created = item is None
        if item is None:
            item = ContentItem(
                id=uuid.uuid4(),
                kind=data.kind,
                author_id=author.id,
                parent_id=parent.id if parent else None,
                body=data.body,
                status=ItemStatus.visible,
                platform_id=platform.id,
                external_id=external_id,
                external_url=data.external_url,
                age_sign=age.parse_sign(data.age_sign),
                own_age_sign=age.parse_sign(data.age_sign),
            )
            if data.created_at is not None:
                item.created_at = as_utc(data.created_at)
            sponsored_service.apply(item, data.sponsored)
            session.add(item)
            try:
                session.flush()
            except IntegrityError as exc:  # the same item pushed in a parallel request
                raise PushConflict("The record was changed at the same time. Try again.") from exc
            changed = ["body", "external_url", "created_at"] + (["age_sign"] if item.age_sign else [])
            marked_before: Marking | None = None
            if data.sponsored is not None:
                changed.append("sponsored")
        else:
            floor = content_service.decided_age_sign(session, item.id)
            marked_before = marking_of(item)
            changed = self._update_item(item, author, parent, data, floor)
        if "sponsored" in changed:
            session.flush()
            sponsored_service.record_marking(session, Actor.of(platform), item, marked_before, via="platform")
        if changed:
            session.flush()
            audit.record(
                session,
                actor=Actor.of(platform),
                tag="platform:push_item",
                target=item,
                data={
                    "external_id": external_id,
                    "kind": item.kind,
                    "created": created,
                    "changed": changed,
                    **({"age_sign": item.age_sign} if "age_sign" in changed else {}),
                },
            )
            jobs.enqueue(session, DETECTION_SCAN_JOB, {"item_id": str(item.id)})
            translation_service.on_written(session, item)
        view = ItemView(
            item=item, author_external_id=data.author_external_id, parent_external_id=data.parent_external_id
        )
        return Pushed(record=view, created=created, changed=changed)

    def _update_item(
        self, item: ContentItem, author: User, parent: ContentItem | None, data: ItemPush, floor: str | None
    ) -> list[str]:
        """Apply a push to a stored item; returns the fields that changed. The age sign keeps the floor
        that moderation decisions in force set (``floor``): the higher of the pushed sign and that one."""
        if item.status == ItemStatus.deleted:
            raise ItemDeleted("This item was deleted. Push it again under a new external id.")
        if (
            item.kind != data.kind
            or item.author_id != author.id
            or item.parent_id != (parent.id if parent else None)
        ):
            raise ItemIdentityChanged("The kind, author and parent of a pushed item cannot change.")
        changed: list[str] = []
        if item.body != data.body:
            item.body = data.body
            changed.append("body")
        if data.external_url is not None and item.external_url != data.external_url:
            item.external_url = data.external_url
            changed.append("external_url")
        if data.created_at is not None and item.created_at != as_utc(data.created_at):
            item.created_at = as_utc(data.created_at)
            changed.append("created_at")
        if data.age_sign is not None:
            item.own_age_sign = age.parse_sign(data.age_sign)
            sign = age.higher(item.own_age_sign, floor)
            if item.age_sign != sign:
                item.age_sign = sign
                changed.append("age_sign")
        if data.set_sponsored and marking_of(item) != data.sponsored:
            sponsored_service.apply(item, data.sponsored)
            changed.append("sponsored")
        return changed

    def delete_item(self, session: Session, platform: User, external_id: str) -> ItemView:
        """The platform deleted the item on its side; deleting again changes nothing."""
        self._require_platform(platform)
        item = self._item(session, platform, external_id, lock=True)
        if item is None:
            raise PlatformRecordNotFound("No such item.")
        if content_service.is_held(session, item.id):
            raise ItemHeld(HELD)
        if item.status != ItemStatus.deleted:
            previous = item.status
            item.status = ItemStatus.deleted
            item.deleted_at = utcnow()
            session.flush()
            audit.record(
                session,
                actor=Actor.of(platform),
                tag="platform:delete_item",
                target=item,
                data={"external_id": external_id, "previous_status": previous},
            )
        return self._view(session, item)

    def get_item(self, session: Session, platform: User, external_id: str) -> ItemView:
        self._require_platform(platform)
        item = self._item(session, platform, external_id)
        if item is None:
            raise PlatformRecordNotFound("No such item.")
        return self._view(session, item)

    def get_item_by_id(self, session: Session, platform: User, item_id: uuid.UUID) -> ItemView:
        """An item by its Senim id, only if this platform pushed it (another platform's id: not found)."""
        self._require_platform(platform)
        item = session.scalars(
            select(ContentItem).where(ContentItem.id == item_id, ContentItem.platform_id == platform.id)
        ).one_or_none()
        if item is None:
            raise PlatformRecordNotFound("No such item.")
        return self._view(session, item)

    # --- back to the platform -----------------------------------------------------------------
    def notify_platform(
        self, session: Session, item_or_user: ContentItem | User, event: str, data: dict[str, Any]
    ) -> bool:
        """Send ``event`` about a pushed item or account to its platform by signed webhook.

        ``data`` gains a ``subject`` naming the record by its Senim id and the platform's external id;
        ``notification_service.emit`` queues one ``notification.deliver_webhook`` job per endpoint of
        the platform subscribed to the event, in this transaction. Returns False, sending nothing, when
        the record was not pushed by a platform (Senim's own users and posts).
        """
        platform_id = item_or_user.platform_id
        if platform_id is None:
            return False
        subject = {
            "type": "account" if isinstance(item_or_user, User) else "item",
            "id": str(item_or_user.id),
            "external_id": item_or_user.external_id,
        }
        notification_service.emit(session, platform_id, event, {**data, "subject": subject})
        return True

    # --- helpers ------------------------------------------------------------------------------
    def _require_platform(self, platform: User) -> None:
        if platform.role != Role.integrating_platform:
            raise NotAPlatform("Only an integrating platform can do this.")

    def _username_taken(self, session: Session, username: str) -> bool:
        return session.scalar(select(User.id).where(User.username == username)) is not None

    def _account(
        self, session: Session, platform: User, external_id: str, *, lock: bool = False
    ) -> User | None:
        query = select(User).where(User.platform_id == platform.id, User.external_id == external_id)
        if lock:
            query = query.with_for_update()
        return session.scalars(query).one_or_none()

    def _item(
        self, session: Session, platform: User, external_id: str, *, lock: bool = False
    ) -> ContentItem | None:
        query = select(ContentItem).where(
            ContentItem.platform_id == platform.id, ContentItem.external_id == external_id
        )
        if lock:
            query = query.with_for_update()
        return session.scalars(query).one_or_none()

    def _view(self, session: Session, item: ContentItem) -> ItemView:
        author_external_id = session.scalar(select(User.external_id).where(User.id == item.author_id))
        parent_external_id = None
        if item.parent_id is not None:
            parent_external_id = session.scalar(
                select(ContentItem.external_id).where(ContentItem.id == item.parent_id)
            )
        return ItemView(
            item=item, author_external_id=author_external_id or "", parent_external_id=parent_external_id
        )


platform_service = PlatformService()
notify_platform = platform_service.notify_platform
