"""Accounts: registration with the legal documents, login and sessions, the profile, leaving Senim,
roles, API tokens."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, object_session

from senim import audit, jobs
from senim.account import policy
from senim.account.documents import REQUIRED_AT_REGISTRATION, DocumentKind, current
from senim.account.errors import LoginFailed, LoginThrottled, RegistrationInvalid, UsernameTaken
from senim.audit import Actor
from senim.community.service import community_service
from senim.config import Mode, Settings, get_settings
from senim.content.policy import DETECTION_SCAN_JOB, GONE
from senim.content.service import content_service
from senim.errors import Conflict, Forbidden, Invalid, NotFound
from senim.kit.clock import age_on, today_in, utcnow
from senim.kit.secrets import digest, new_token
from senim.models import (
    AccountStatus,
    ApiToken,
    ContentItem,
    DocumentAcceptance,
    LoginAttempt,
    MemberRole,
    Role,
    User,
    UserSession,
)
from senim.models.account import TOKEN_ONLY_ROLES
from senim.web.i18n import LANGUAGES, N_

# The profile a person edits in account settings (the column holds 120 characters).
MAX_DISPLAY_NAME_CHARS = 120
MAX_BIO_CHARS = 2000
# What a deleted account is called wherever it is still referred to (stored, not personal).
DELETED_DISPLAY_NAME = "Deleted account"
# Refused registration below ``settings.min_registration_age`` (0: no minimum; a draft law proposes 16,
# LAW-87); the registration page says the same when a minimum is set.
UNDER_MINIMUM_AGE = N_("You must be at least {min_age} years old to register on Senim.")
# Characters a name or profile text may not carry: controls, and the direction overrides that make text
# read differently from how it is stored (a way to impersonate someone or hide a link).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _valid_email(address: str | None, *, strict: bool = True) -> str | None:
    """The normalised address, or None for none. ``strict`` raises on a bad one; otherwise None."""
    address = (address or "").strip()
    if not address:
        return None
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        if strict:
            raise Invalid("Enter a valid e-mail address, or leave it empty.") from exc
        return None


def _has_hidden_characters(text: str, *, allowed: str = "") -> bool:
    """Whether ``text`` has control characters (except ``allowed``) or direction overrides."""
    return any((unicodedata.category(c) == "Cc" and c not in allowed) or c in _BIDI_CONTROLS for c in text)


def _refuse_if_deleted(user: User) -> None:
    if user.status == AccountStatus.deleted:
        raise Conflict("This account was deleted by its holder and cannot be changed.")


def _insert_user(session: Session, user: User) -> None:
    """Insert, turning a lost race for the same username into a 409 instead of a 500 (the caller's
    transaction is then unusable and is rolled back by its boundary, as for any refused request)."""
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise UsernameTaken("This username is already taken.") from exc


def _verify(settings: Settings, password_hash: str | None, password: str) -> bool:
    """Argon2 verification; without a hash it checks a dummy one, so timing does not tell."""
    try:
        return _hasher(settings).verify(password_hash or _dummy_hash(settings.mode), password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


@lru_cache
def _dummy_hash(mode: Mode) -> str:
    return (
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        if mode is Mode.test
        else PasswordHasher()
    ).hash("senim-timing-equaliser")


def _hasher(settings: Settings) -> PasswordHasher:
    if settings.mode is Mode.test:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class Registration:
    username: str
    display_name: str
    password: str
    date_of_birth: date
    language: str
    accepted: dict[str, str]  # document kind -> version the user saw and accepted
    email: str | None = None


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    row: ApiToken


class AccountService:
    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings

    @property
    def settings(self) -> Settings:
        return self._settings or get_settings()

    # --- registration -------------------------------------------------------------------------
    def register(self, session: Session, form: Registration, settings: Settings | None = None) -> User:
        """Create a person's account once every check passes; below the minimum registration age
        (``settings.min_registration_age``, off at 0) it is refused (422) and nothing is written."""
        settings = settings or self.settings
        min_age = settings.min_registration_age
        username = policy.normalise_username(form.username)
        problems = self._registration_problems(form, username, min_age)
        if problems:
            raise RegistrationInvalid(
                problems[0], fields=problems, n=policy.MIN_PASSWORD_LENGTH, min_age=min_age
            )
        if self._by_username(session, username) is not None:
            raise UsernameTaken("This username is already taken.")
        user = User(
            id=uuid.uuid4(),
            username=username,
            display_name=form.display_name.strip() or username,
            email=_valid_email(form.email),
            password_hash=_hasher(self.settings).hash(form.password),
            role=Role.user,
            language=form.language,
            date_of_birth=form.date_of_birth,
        )
        _insert_user(session, user)
        accepted = self._record_acceptances(session, user, form.accepted, form.language)
        from senim.privacy.service import privacy_service  # privacy reads accounts: imported when used

        privacy_service.record_consent(
            session,
            user,
            settings=settings,
            policy_version=form.accepted.get(DocumentKind.privacy_policy, ""),
            method="web_form",
        )
        audit.record(
            session,
            actor=Actor.of(user),
            tag="user:register",
            target=user,
            data={"minor": user.is_minor, "language": user.language, "accepted": accepted},
        )
        jobs.enqueue(session, DETECTION_SCAN_JOB, {"account_id": str(user.id)})
        return user

    def _registration_problems(self, form: Registration, username: str, min_age: int = 0) -> list[str]:
        problems: list[str] = []
        if not policy.username_is_valid(username):
            problems.append("A username is 3 to 32 Latin letters, digits, dots, dashes or underscores.")
        pw = policy.password_problem(form.password, username)
        if pw:
            problems.append(pw)
        today = utcnow().date()
        if form.date_of_birth >= today or form.date_of_birth.year < today.year - 120:
            problems.append("Enter a real date of birth.")
        elif min_age > 0 and age_on(form.date_of_birth, today_in()) < min_age:
            problems.append(UNDER_MINIMUM_AGE)
        if form.email and _valid_email(form.email, strict=False) is None:
            problems.append("Enter a valid e-mail address, or leave it empty.")
        if len(form.display_name) > 120:
            problems.append("The display name is too long.")
        if form.language not in LANGUAGES:
            problems.append("Choose one of the offered languages.")
            return problems  # the documents are shown, and accepted, in a language we have
        for kind in REQUIRED_AT_REGISTRATION:
            if form.accepted.get(kind) != current(kind, form.language).version:
                problems.append(
                    "Registration completes only after you accept the user agreement and the privacy policy."
                )
                break
        return problems

    def _record_acceptances(
        self, session: Session, user: User, accepted: dict[str, str], language: str
    ) -> dict[str, str]:
        done: dict[str, str] = {}
        for kind in REQUIRED_AT_REGISTRATION:
            doc = current(kind, language)
            if accepted.get(kind) != doc.version:
                continue
            session.add(
                DocumentAcceptance(
                    user_id=user.id, kind=kind, version=doc.version, language=language, text_sha256=doc.sha256
                )
            )
            done[kind] = doc.version
        return done

    def pending_documents(self, session: Session, user: User) -> list[DocumentKind]:
        """Documents whose current version this user has not accepted yet (asked again on change)."""
        rows = session.execute(
            select(DocumentAcceptance.kind, DocumentAcceptance.version).where(
                DocumentAcceptance.user_id == user.id
            )
        ).all()
        have = {(k, v) for k, v in rows}
        return [k for k in REQUIRED_AT_REGISTRATION if (k, current(k, user.language).version) not in have]

    def accept_documents(self, session: Session, user: User, accepted: dict[str, str]) -> dict[str, str]:
        pending = self.pending_documents(session, user)
        done = self._record_acceptances(
            session, user, {k: v for k, v in accepted.items() if k in pending}, user.language
        )
        if done:
            audit.record(session, actor=Actor.of(user), tag="user:accept_documents", target=user, data=done)
        return done

    # --- login --------------------------------------------------------------------------------
    def authenticate(
        self, session: Session, username: str, password: str, *, client_ip: str | None = None
    ) -> User:
        """Check a password. Refuses after too many recent failures for that username or that address.

        Every attempt is recorded in ``session``; callers commit it even when the login fails, or the
        rate limit would count nothing. The time taken does not reveal whether the account exists.
        """
        keys = [digest("login:" + policy.normalise_username(username))]
        if client_ip:
            keys.append(digest("ip:" + client_ip))
        since = utcnow() - timedelta(seconds=self.settings.login_window_seconds)
        limits = [self.settings.login_max_failures, self.settings.login_max_failures_per_address]
        for key, limit in zip(keys, limits, strict=False):
            failures = session.scalar(
                select(func.count())
                .select_from(LoginAttempt)
                .where(
                    LoginAttempt.key_digest == key,
                    LoginAttempt.at >= since,
                    LoginAttempt.succeeded.is_(False),
                )
            )
            if (failures or 0) >= limit:
                raise LoginThrottled("Too many failed attempts. Try again in a few minutes.")
        user = self._by_username(session, policy.normalise_username(username))
        can_log_in = (
            user is not None
            and user.password_hash is not None
            and user.status == AccountStatus.active
            and user.role not in TOKEN_ONLY_ROLES  # they act only through API tokens
        )
        ok = _verify(self.settings, user.password_hash if can_log_in and user else None, password)
        for key in keys:
            session.add(LoginAttempt(key_digest=key, succeeded=ok))
        session.flush()
        if not ok or user is None:
            raise LoginFailed("Wrong username or password.")
        return user

    def start_session(self, session: Session, user: User) -> tuple[str, UserSession]:
        token = new_token()
        row = UserSession(
            user_id=user.id,
            token_digest=digest(token),
            csrf_token=new_token(nbytes=24),
            expires_at=utcnow() + timedelta(days=self.settings.session_days),
        )
        session.add(row)
        audit.record(session, actor=Actor.of(user), tag="session:start", target=user)
        return token, row

    def resolve_session(self, session: Session, token: str) -> tuple[User, UserSession] | None:
        row = session.scalars(
            select(UserSession).where(UserSession.token_digest == digest(token))
        ).one_or_none()
        if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
            return None
        user = session.get(User, row.user_id)
        if user is None or user.status != AccountStatus.active:
            return None
        return user, row

    def end_session(self, session: Session, user: User, row: UserSession) -> None:
        row.revoked_at = utcnow()
        audit.record(session, actor=Actor.of(user), tag="session:end", target=user)

    def change_password(self, session: Session, user: User, old: str, new: str) -> None:
        assert user.password_hash is not None  # noqa: S101 - callers are signed in with a password
        try:
            _hasher(self.settings).verify(user.password_hash, old)
        except (VerificationError, InvalidHashError) as exc:
            raise Invalid("The current password is wrong.") from exc
        problem = policy.password_problem(new, user.username)
        if problem:
            raise Invalid(problem, n=policy.MIN_PASSWORD_LENGTH)
        user.password_hash = _hasher(self.settings).hash(new)
        # Every session ends: a changed password must lock out whoever knew the old one. The caller
        # starts a fresh session for the browser that changed it.
        self._end_access(session, user, tokens=False)
        audit.record(session, actor=Actor.of(user), tag="user:change_password", target=user)

    def _end_access(self, session: Session, user: User, *, tokens: bool = True) -> dict[str, int]:
        """Revoke the account's live sessions (and API tokens): used when its password or role changes."""
        now = utcnow()
        sessions = list(
            session.scalars(
                select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
            )
        )
        for row in sessions:
            row.revoked_at = now
        revoked = []
        if tokens:
            revoked = list(
                session.scalars(
                    select(ApiToken).where(ApiToken.principal_id == user.id, ApiToken.revoked_at.is_(None))
                )
            )
            for token in revoked:
                token.revoked_at = now
        return {"sessions_ended": len(sessions), "tokens_revoked": len(revoked)}

    def set_language(self, session: Session, user: User, language: str) -> None:
        if language not in LANGUAGES:
            raise Invalid("Choose one of the offered languages.")
        if user.language != language:
            old, user.language = user.language, language
            audit.record(
                session,
                actor=Actor.of(user),
                tag="user:set_language",
                target=user,
                data={"from": old, "to": language},
            )

    # --- the profile --------------------------------------------------------------------------
    def update_profile(self, session: Session, user: User, display_name: str, bio: str) -> list[str]:
        """Change the public profile: the display name (spaces collapsed, 1 to 120 characters) and the
        profile text (up to 2,000 characters, line breaks kept). Returns the fields that changed; an
        unchanged profile writes nothing. The audit record names the changed fields, not their text.
        """
        name = " ".join(display_name.split())
        text = bio.replace("\r\n", "\n").replace("\r", "\n").strip()
        problems: list[str] = []
        if not name:
            problems.append("Enter a display name.")
        elif len(name) > MAX_DISPLAY_NAME_CHARS:
            problems.append("The display name is too long.")
        elif _has_hidden_characters(name):
            problems.append("The display name contains characters that cannot be shown.")
        if len(text) > MAX_BIO_CHARS:
            problems.append("The profile text is too long: at most {limit} characters.")
        elif _has_hidden_characters(text, allowed="\n\t"):
            problems.append("The profile text contains characters that cannot be shown.")
        if problems:
            raise Invalid(problems[0], fields=problems, limit=MAX_BIO_CHARS)
        changed = [f for f, v in (("display_name", name), ("bio", text)) if getattr(user, f) != v]
        if changed:
            user.display_name, user.bio = name, text
            audit.record(
                session,
                actor=Actor.of(user),
                tag="user:update_profile",
                target=user,
                data={"changed": changed},
            )
            jobs.enqueue(session, DETECTION_SCAN_JOB, {"account_id": str(user.id)})
        return changed

    # --- leaving Senim ------------------------------------------------------------------------
    def delete_account(self, session: Session, user: User, password: str | None) -> dict[str, object]:
        """The person deletes their own account (LAW-14: as easy as signing up; privacy policy §5, §11).

        Asks for the current password when the account has one; a wrong one changes nothing (422).
        Staff accounts are refused (403): an administrator closes them in the console, so that their
        open work is handed over; external principals never reach this (they hold no ``participate``).

        What happens, in one transaction:

        - the account's posts and comments that still exist (public, or hidden while reviewed) are
          deleted through ``content_service.delete_own``, one audit record each, so a later review cannot
          bring them back into view;
        - it leaves the communities it joined; communities it owns stay open for their members;
        - status ``deleted``: it can no longer log in, and its profile page is gone;
        - the display name becomes "Deleted account"; the profile text, e-mail address, password hash,
          date of birth is erased. Nothing about the person's age is kept on
          the account: a closed account is shown nothing, so the minor flag has no use any more; the
          audit record says whether the account was a minor's when it was deleted;
        - the username stays reserved, so nobody else can register it and pass for this person;
        - every session ends and every API token is revoked;
        - one audit record ``user:delete_account``.

        Kept, because the law requires it: the audit log and the document acceptances (what the person
        agreed to, and when). The stored text of deleted posts and comments is not erased here: full
        data-subject deletion, with retention periods and legal holds, comes with the privacy domain
        (issue 8).
        """
        user = self._lock_closable(session, user)
        if user.password_hash is not None and not _verify(self.settings, user.password_hash, password or ""):
            raise Invalid("The current password is wrong.")
        return self._close(session, Actor.of(user), user, tag="user:delete_account")

    def close_account(self, session: Session, actor: Actor, user: User) -> dict[str, object]:
        """Close a person's account as their own deletion does, on their behalf: the data protection
        officer granting the withdrawal of their consent (LAW-75). Audited ``user:close_account``."""
        return self._close(session, actor, self._lock_closable(session, user), tag="user:close_account")

    def _lock_closable(self, session: Session, user: User) -> User:
        locked = session.scalars(
            select(User).where(User.id == user.id).with_for_update().execution_options(populate_existing=True)
        ).one_or_none()
        if locked is None or locked.status == AccountStatus.deleted:
            raise NotFound("No such account.")
        if locked.is_staff or locked.is_external:
            raise Forbidden("Staff accounts are closed by an administrator.")
        return locked

    def _close(self, session: Session, actor: Actor, user: User, *, tag: str) -> dict[str, object]:
        was_minor = user.is_minor
        items, kept = self._delete_own_items(session, user)
        left = self._leave_communities(session, user)
        user.status = AccountStatus.deleted
        user.display_name = DELETED_DISPLAY_NAME
        user.bio = ""
        user.email = None
        user.password_hash = None
        user.date_of_birth = None
        user.phone = None
        user.country = None
        ended = self._end_access(session, user)
        from senim.ads.service import ads_service  # advertising reads accounts: imported when used

        summary: dict[str, object] = {
            "ad_preferences_erased": ads_service.forget_viewer(session, user),
            "items_deleted": items,
            "kept_under_hold": kept,
            "communities_left": left,
            **ended,
            "was_minor": was_minor,
        }
        audit.record(session, actor=actor, tag=tag, target=user, data=summary)
        return summary

    def _delete_own_items(self, session: Session, user: User) -> tuple[int, int]:
        """Delete every post and comment of ``user`` that still exists, through the content service; those
        under a legal hold are gone for readers too, their text kept as evidence. Returns (deleted, kept)."""
        ids = list(
            session.scalars(
                select(ContentItem.id)
                .where(
                    ContentItem.author_id == user.id,
                    ContentItem.platform_id.is_(None),
                    ContentItem.status.not_in(sorted(GONE)),
                )
                .order_by(ContentItem.created_at, ContentItem.id)
            )
        )
        kept = 0
        for item_id in ids:
            item = content_service.delete_own(session, user, item_id, closing_account=True)
            kept += content_service.is_held(session, item.id)  # its text stays as evidence under the hold
        return len(ids) - kept, kept

    def _leave_communities(self, session: Session, user: User) -> int:
        """Leave every community ``user`` joined, except those they own (they stay for their members)."""
        left = 0
        for community in community_service.joined(session, user.id):
            if community_service.role_of(session, community.id, user.id) != MemberRole.owner:
                community_service.leave(session, user, community)
                left += 1
        return left

    # --- documents shown in settings ----------------------------------------------------------
    def acceptances(self, session: Session, user: User) -> list[DocumentAcceptance]:
        """The document versions this user accepted, newest first (shown in account settings)."""
        return list(
            session.scalars(
                select(DocumentAcceptance)
                .where(DocumentAcceptance.user_id == user.id)
                .order_by(DocumentAcceptance.accepted_at.desc(), DocumentAcceptance.kind)
            )
        )

    def documents_to_accept(self, user: User | None) -> list[DocumentKind]:
        """For the banner on every page: the documents ``user`` still has to accept.

        Reads through the session ``user`` was loaded in (the request's), so the page needs no session of
        its own; an empty list for visitors, external principals, and pages rendered after the request's
        transaction ended (error pages).
        """
        if user is None or user.is_external or user.status != AccountStatus.active:
            return []
        session = object_session(user)
        if session is None:
            return []
        try:
            return self.pending_documents(session, user)
        except SQLAlchemyError:  # a transaction that already failed; its error page needs no banner
            return []

    # --- staff and principals -----------------------------------------------------------------
    def create_user(
        self,
        session: Session,
        actor: Actor,
        *,
        username: str,
        role: Role,
        password: str | None,
        display_name: str | None = None,
        email: str | None = None,
        date_of_birth: date | None = None,
        language: str = "kk",
    ) -> User:
        username = policy.normalise_username(username)
        if not policy.username_is_valid(username):
            raise Invalid("A username is 3 to 32 Latin letters, digits, dots, dashes or underscores.")
        if password is not None and role in TOKEN_ONLY_ROLES:
            raise Invalid("External bodies and platforms sign in with API tokens, not passwords.")
        if password is not None:
            problem = policy.password_problem(password, username)
            if problem:
                raise Invalid(problem, n=policy.MIN_PASSWORD_LENGTH)
        if email and _valid_email(email, strict=False) is None:
            raise Invalid("Enter a valid e-mail address, or leave it empty.")
        if self._by_username(session, username) is not None:
            raise UsernameTaken("This username is already taken.")
        user = User(
            id=uuid.uuid4(),
            username=username,
            display_name=display_name or username,
            email=_valid_email(email),
            password_hash=_hasher(self.settings).hash(password) if password else None,
            role=role,
            language=language,
            date_of_birth=date_of_birth,
        )
        _insert_user(session, user)
        audit.record(session, actor=actor, tag="user:create", target=user, data={"role": role})
        return user

    def set_role(self, session: Session, actor: Actor, user: User, role: Role) -> None:
        if actor.id == user.id:
            raise Forbidden("You cannot change your own role.")
        _refuse_if_deleted(user)
        if role in TOKEN_ONLY_ROLES and user.password_hash is not None:
            raise Invalid("External bodies and platforms sign in with API tokens, not passwords.")
        if user.role != role:
            old, user.role = user.role, role
            ended = self._end_access(session, user)
            audit.record(
                session,
                actor=actor,
                tag="user:set_role",
                target=user,
                data={"from": old, "to": role, **ended},
            )

    def set_status(self, session: Session, actor: Actor, user: User, status: AccountStatus) -> None:
        """Suspend or reactivate. Deleting is the person's own act (``delete_account``), which also
        erases their personal data; a deleted account is never brought back."""
        if actor.id == user.id:
            raise Forbidden("You cannot change your own account status.")
        _refuse_if_deleted(user)
        if status == AccountStatus.deleted:
            raise Invalid("Only the account holder deletes an account; staff can suspend it.")
        if user.status != status:
            old, user.status = user.status, status
            # A suspension ends every session and token, so reactivating does not revive stolen ones.
            ended = self._end_access(session, user) if status == AccountStatus.suspended else {}
            audit.record(
                session,
                actor=actor,
                tag="user:set_status",
                target=user,
                data={"from": old, "to": status, **ended},
            )

    def issue_token(
        self,
        session: Session,
        actor: Actor,
        principal: User,
        *,
        name: str,
        scopes: list[str],
        expires_at: datetime | None = None,
    ) -> IssuedToken:
        allowed = policy.TOKEN_SCOPES.get(principal.role, frozenset())
        if not scopes or not set(scopes) <= allowed:
            raise Invalid(
                "These scopes are not allowed for this account: {scopes}",
                scopes=", ".join(sorted(set(scopes) - allowed)) or "—",
            )
        if not name.strip():
            raise Invalid("Give the token a name.")
        token = new_token(prefix="snm_")
        row = ApiToken(
            principal_id=principal.id,
            name=name.strip()[:120],
            token_digest=digest(token),
            prefix=token[:12],
            scopes=sorted(scopes),
            created_by_id=actor.id,
            expires_at=expires_at,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=actor,
            tag="token:issue",
            target=row,
            data={"principal": principal.username, "scopes": row.scopes},
        )
        return IssuedToken(token=token, row=row)

    def revoke_token(self, session: Session, actor: Actor, token_id: uuid.UUID) -> ApiToken:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFound("No such token.")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            audit.record(session, actor=actor, tag="token:revoke", target=row)
        return row

    def resolve_token(self, session: Session, token: str) -> tuple[User, ApiToken] | None:
        row = session.scalars(select(ApiToken).where(ApiToken.token_digest == digest(token))).one_or_none()
        now = utcnow()
        if (
            row is None
            or row.revoked_at is not None
            or (row.expires_at is not None and row.expires_at <= now)
        ):
            return None
        principal = session.get(User, row.principal_id)
        if principal is None or principal.status != AccountStatus.active:
            return None
        stale = row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5)
        if stale and not session.info.get("read_only"):
            row.last_used_at = now  # coarse, and only in write transactions: reads never write
        return principal, row

    # --- lookups ------------------------------------------------------------------------------
    def _by_username(self, session: Session, username: str) -> User | None:
        return session.scalars(select(User).where(User.username == username)).one_or_none()

    def get_by_username(self, session: Session, username: str) -> User:
        user = self._by_username(session, policy.normalise_username(username))
        if user is None or user.status == AccountStatus.deleted:
            raise NotFound("No such account.")
        return user

    def active_with_roles(self, session: Session, *roles: Role) -> list[User]:
        """The active accounts holding any of ``roles`` (the people a staff notice goes to)."""
        return list(
            session.scalars(select(User).where(User.role.in_(roles), User.status == AccountStatus.active))
        )

    def get(self, session: Session, user_id: uuid.UUID) -> User:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("No such account.")
        return user


account_service = AccountService()
