"""The public database of statements of reasons: every moderation decision that restricted something, as a
record that carries no personal data.

A record says on which day (Asia/Almaty; no time of day) the decision was taken, on what kind of content
(post, comment, account or community; whether it had images), what was done, on which ground (a category
of the taxonomy with its legal basis, or a clause of the terms of use), what started it, whether detection
and the decision were automated, whether it still stands, and the facts and reasons. It never carries a
username, a display name, an id of a person or the text of the content; its free text (the facts, the
terms clause, the legal basis) goes through :func:`public_text`:

1. personal-data numbers and addresses: :func:`senim.detection.pii.redact` (IIN, BIN, Kazakhstan phones,
   cards, IBANs, e-mail addresses), then international phone numbers written with ``+``;
2. links (``http(s)://…``, ``www.…``) → ``[link]``; ids (UUIDs) → ``[id]``; ``@mentions`` → ``[name]``;
3. the names of the people the decision concerns (the account it affects, the author of the content, the
   account decided on, the moderator, the complainants and the contact names they gave): each username,
   display name and each word of three letters or more of a display name, as a whole word in any case,
   → ``[name]``;
4. the content's own words: any run of five words (or the whole text, when shorter and of at least two
   words) that also occurs in the content → ``[quote]``.

The record is made ONCE, in the transaction that takes the decision (:class:`PublicStatementService`,
called by ``moderation_service.record_decision``), from what is known at that moment, and stored as a
:class:`senim.models.transparency.PublicStatement`. Reading never looks a person, a content or a complaint
up again, so a later rename, an account deletion (its display name reset, its posts deleted) or the
erasure of a complaint's contact details cannot bring a masked name or quote back. Only the decision's
status (in force or reversed on appeal) is read live.

Searching ("q") matches the record's public text only (ground, facts, action, category and the source, in
every interface language, stored with the record), so a search cannot find a record by the personal data
removed from it. Pages are keyset pages by (day, decision id), newest day first: the page link holds the
day and the id, never a time of day.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from senim import taxonomy
from senim.detection.pii import redact
from senim.errors import Invalid
from senim.kit.clock import ALMATY, as_utc, utcnow
from senim.kit.cursor import CursorInvalid
from senim.models import Complaint, ContentItem, Decision, User
from senim.models.transparency import PublicStatement
from senim.moderation.policy import ACTION_LABELS, Action, Automation, Source
from senim.moderation.statements import AUTOMATION_NAMES, SOURCE_NAMES
from senim.web.i18n import LANGUAGES, N_, gettext, locale_var

PAGE = 25
MAX_PAGE = 100
MAX_QUERY = 200
EARLIEST = date(2000, 1, 1)
PUBLIC_ACTIONS = tuple(a for a in Action if a is not Action.no_violation)
PUBLIC_ACTION_VALUES = frozenset(a.value for a in PUBLIC_ACTIONS)
AUTOMATED = (Automation.fully.value, Automation.partially.value)
CONTENT_TYPES = ("post", "comment", "account", "community")
CONTENT_TYPE_LABELS = {
    "post": N_("Post"),
    "comment": N_("Comment"),
    "account": N_("Account"),
    "community": N_("Community"),
}
GROUND_LABELS = {"law": N_("Law"), "terms": N_("Terms of use")}
STATUS_LABELS = {"in_force": N_("In force"), "reversed": N_("Reversed on appeal")}
MIN_NAME = 3
QUOTE_WORDS = 5

_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")
_UUID = re.compile(r"(?i)\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b")
_MENTION = re.compile(r"(?<![\w@])@[\w.\-]{2,64}")
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+\d[\d \u00a0\-().]{6,20}\d(?!\d)")
_WORD = re.compile(r"\w+")


class StatementQueryInvalid(Invalid):
    code = "statement_query_invalid"


# --- redaction ------------------------------------------------------------------------------------------
def _name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    """Whole-word, any-case patterns for each name and each word of 3 letters or more in it, longest
    first (so a full name is masked before its parts)."""
    wanted: set[str] = set()
    for name in names:
        name = (name or "").strip().lstrip("@")
        if len(name) >= MIN_NAME:
            wanted.add(name.casefold())
        wanted.update(w.casefold() for w in _WORD.findall(name) if len(w) >= MIN_NAME)
    return [
        re.compile(r"(?<!\w)" + re.escape(n) + r"(?!\w)", re.IGNORECASE)
        for n in sorted(wanted, key=lambda n: (-len(n), n))
    ]


def _mask_quotes(text: str, content: str) -> str:
    """Replace each run of words of ``text`` that belongs to a run of :data:`QUOTE_WORDS` consecutive
    words of ``content`` (the whole content when shorter, if it has two words or more) by ``[quote]``."""
    source = [w.casefold() for w in _WORD.findall(content)]
    n = min(QUOTE_WORDS, len(source))
    if n < 2:
        return text
    shingles = {tuple(source[i : i + n]) for i in range(len(source) - n + 1)}
    words = list(_WORD.finditer(text))
    folded = [w.group().casefold() for w in words]
    covered = [False] * len(words)
    for i in range(len(words) - n + 1):
        if tuple(folded[i : i + n]) in shingles:
            for j in range(i, i + n):
                covered[j] = True
    if not any(covered):
        return text
    pieces: list[str] = []
    position, i = 0, 0
    while i < len(words):
        if not covered[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and covered[j + 1]:
            j += 1
        pieces.append(text[position : words[i].start()])
        pieces.append("[quote]")
        position = words[j].end()
        i = j + 1
    pieces.append(text[position:])
    return "".join(pieces)


def public_text(text: str, *, names: Iterable[str] = (), content: str = "") -> str:
    """``text`` with personal data, links, ids, mentions, the given ``names`` and quotes of ``content``
    masked (see the module's docstring)."""
    text = redact(text or "")
    text = _INTERNATIONAL_PHONE.sub("[phone]", text)
    text = _URL.sub("[link]", text)
    text = _UUID.sub("[id]", text)
    text = _MENTION.sub("[name]", text)
    for pattern in _name_patterns(names):
        text = pattern.sub("[name]", text)
    if content:
        text = _mask_quotes(text, content)
    return text


# --- records --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicRecord:
    """One statement of reasons as the public reads it (from a stored :class:`PublicStatement`, in the
    reader's language)."""

    id: uuid.UUID  # the decision's id (not a person's)
    decided_on: date  # the day of the decision (Asia/Almaty): the record's only date, no time of day
    content_type: str  # post | comment | account | community
    had_images: bool
    action: str
    action_label: str
    ground: str | None  # law | terms
    category: str | None
    category_label: str
    legal_basis: str
    terms_clause: str
    ground_text: str
    facts: str
    source: str
    source_label: str
    automated_detection: bool
    automated_decision: str  # fully | partially | not
    automated_decision_label: str
    status: str  # in_force | reversed

    @property
    def automated(self) -> bool:
        return self.automated_decision in AUTOMATED

    def search_text(self) -> str:
        return " ".join(
            (self.ground_text, self.facts, self.action_label, self.category_label, self.source_label)
        ).casefold()


@dataclass(frozen=True)
class StatementFilter:
    category: str | None = None
    ground: str | None = None
    action: str | None = None
    automated: bool | None = None
    content_type: str | None = None
    since: date | None = None  # Almaty days, both included
    until: date | None = None
    q: str = ""

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (for the next page's link); empty ones left out."""
        out = {
            "category": self.category or "",
            "ground": self.ground or "",
            "action": self.action or "",
            "automated": "" if self.automated is None else ("yes" if self.automated else "no"),
            "content_type": self.content_type or "",
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            "q": self.q,
        }
        return {k: v for k, v in out.items() if v}


@dataclass
class StatementPage:
    items: list[PublicRecord] = field(default_factory=list)
    next_cursor: str | None = None


def category_keys() -> dict[str, str]:
    """Every category key of every taxonomy version, with its label (the latest version's wording)."""
    out: dict[str, str] = {}
    for version in taxonomy.versions():
        for category in version.categories:
            out[category.key] = category.label
    return dict(sorted(out.items()))


def _day(value: str | None, problem: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError as exc:
        raise StatementQueryInvalid(problem) from exc
    if day < EARLIEST:
        raise StatementQueryInvalid(problem)
    return day


def parse_filter(params: Mapping[str, str | None]) -> StatementFilter:
    """The filter from query parameters; an unknown choice or a bad date is refused (422)."""

    def get(name: str) -> str:
        return (params.get(name) or "").strip()

    category = get("category") or None
    if category is not None and category not in category_keys():
        raise StatementQueryInvalid(N_("Choose a category from the list."))
    ground = get("ground") or None
    if ground is not None and ground not in GROUND_LABELS:
        raise StatementQueryInvalid(N_("Choose the ground: law or terms of use."))
    action = get("action") or None
    if action is not None and action not in PUBLIC_ACTION_VALUES:
        raise StatementQueryInvalid(N_("Choose an action from the list."))
    automated_raw = get("automated").lower()
    if automated_raw not in ("", "yes", "no", "true", "false"):
        raise StatementQueryInvalid(N_("Automated is yes or no."))
    automated = None if not automated_raw else automated_raw in ("yes", "true")
    content_type = get("content_type") or None
    if content_type is not None and content_type not in CONTENT_TYPES:
        raise StatementQueryInvalid(N_("Choose a kind of content from the list."))
    since = _day(get("from"), N_("The first day is a date written YYYY-MM-DD."))
    until = _day(get("to"), N_("The last day is a date written YYYY-MM-DD."))
    if since and until and until < since:
        raise StatementQueryInvalid(N_("The last day is before the first."))
    q = " ".join(get("q").split())
    if len(q) > MAX_QUERY:
        raise StatementQueryInvalid(N_("Search for at most {max} characters."), max=MAX_QUERY)
    return StatementFilter(
        category=category,
        ground=ground,
        action=action,
        automated=automated,
        content_type=content_type,
        since=since,
        until=until,
        q=q,
    )


# --- page cursors: (day, decision id), never a time of day -----------------------------------------------
@dataclass(frozen=True)
class DayKeyset:
    day: date
    id: uuid.UUID


def encode_cursor(day: date, decision_id: uuid.UUID) -> str:
    """The link to the page after the record ``(day, decision_id)``: URL-safe base64 of
    ``<YYYY-MM-DD>|<uuid hex>`` (opaque to readers; the day is public anyway)."""
    raw = f"{day.isoformat()}|{decision_id.hex}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str | None) -> DayKeyset | None:
    """The position a page link made by :func:`encode_cursor` holds; no link is the first page; anything
    else is refused (422)."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        stamp, sep, hex_id = raw.partition("|")
        day = date.fromisoformat(stamp)
        decision_id = uuid.UUID(hex=hex_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise CursorInvalid(N_("This page link is not valid. Start again from the first page.")) from exc
    if not sep or len(stamp) != len("YYYY-MM-DD"):
        raise CursorInvalid(N_("This page link is not valid. Start again from the first page."))
    return DayKeyset(day=day, id=decision_id)


# --- making the record (once, when the decision is taken) ----------------------------------------------
def _names(session: Session, decision: Decision, author_id: uuid.UUID | None) -> list[str]:
    """The names of the people ``decision`` concerns, as they are now (when it is taken): usernames and
    display names of the account it affects, the content's author, the account decided on, the moderator
    and the complainants, and the contact names complainants gave."""
    people = {decision.affected_user_id, decision.account_id, decision.decided_by_id, author_id}
    extra: list[str] = []
    complaints = session.execute(
        select(Complaint.complainant_id, Complaint.contact_name).where(
            or_(
                Complaint.case_id == decision.case_id if decision.case_id is not None else false(),
                Complaint.decision_id == decision.id,
                Complaint.answer_decision_id == decision.id,
            )
        )
    ).all()
    for complainant_id, contact_name in complaints:
        people.add(complainant_id)
        if contact_name:
            extra.append(contact_name)
    ids = {i for i in people if i is not None}
    if not ids:
        return extra
    users = session.execute(select(User.username, User.display_name).where(User.id.in_(ids))).all()
    return [name for row in users for name in row if name] + extra


def _content_type(decision: Decision, kind: str | None) -> str:
    if decision.item_id is not None:
        return str(kind) if kind in ("post", "comment") else "post"
    return decision.subject if decision.subject in ("account", "community") else "post"


def _search_text(row: PublicStatement) -> str:
    """The record's public text in every interface language, case-folded (what "q" matches)."""
    texts = []
    for language in LANGUAGES:
        token = locale_var.set(language)
        try:
            texts.append(to_public(row, "in_force").search_text())
        finally:
            locale_var.reset(token)
    return "\n".join(dict.fromkeys(texts))


class PublicStatementService:
    def record(self, session: Session, decision: Decision) -> PublicStatement | None:
        """Write the public record of ``decision`` (flushed, in its transaction), masked from what is known
        now; None for a decision that restricted nothing (no violation). Called once per decision."""
        if str(decision.action) not in PUBLIC_ACTION_VALUES:
            return None
        item = session.get(ContentItem, decision.item_id) if decision.item_id is not None else None
        names = _names(session, decision, item.author_id if item is not None else None)
        body = item.body if item is not None else ""

        def clean(text: str | None) -> str:
            return public_text(text or "", names=names, content=body or "")

        row = PublicStatement(
            decision_id=decision.id,
            day=as_utc(decision.decided_at or utcnow()).astimezone(ALMATY).date(),
            content_type=_content_type(decision, item.kind if item is not None else None),
            had_images=bool(decision.had_images),
            action=str(decision.action),
            ground_kind=decision.ground_kind,
            category=decision.category,
            taxonomy_version=decision.taxonomy_version,
            source=str(decision.source),
            automated_detection=bool(decision.automated_detection),
            automated_decision=str(decision.automated_decision or Automation.not_automated),
            legal_basis=clean(decision.legal_basis),
            terms_clause=clean(decision.terms_clause),
            masked_text=clean(decision.facts),
        )
        row.search_text = _search_text(row)
        session.add(row)
        session.flush()
        return row


public_statement_service = PublicStatementService()


# --- reading --------------------------------------------------------------------------------------------
def _category_label(category: str | None, version: str | None) -> str:
    if not category:
        return ""
    try:
        if version:
            return gettext(taxonomy.get(category, version).label)
    except KeyError:
        pass
    label = category_keys().get(category)
    return gettext(label) if label else category


def _source_label(source: str) -> str:
    try:
        return gettext(SOURCE_NAMES[Source(source)])
    except (ValueError, KeyError):
        return source


def to_public(row: PublicStatement, status: str) -> PublicRecord:
    """The stored record in the reader's language. Its text was masked when it was made; a canned text
    (a system decision's facts or clause) is translated, free text stays as written."""
    category_label = _category_label(row.category, row.taxonomy_version)
    legal_basis = row.legal_basis
    terms_clause = gettext(row.terms_clause) if row.terms_clause else ""
    if row.ground_kind == "law" and row.category:
        if not legal_basis and row.taxonomy_version:
            try:
                legal_basis = taxonomy.get(row.category, row.taxonomy_version).legal_basis
            except KeyError:
                legal_basis = ""
        ground_text = gettext("{category} ({basis})", category=category_label, basis=legal_basis)
    elif row.ground_kind == "terms":
        ground_text = gettext("Terms of use, {clause}", clause=terms_clause)
    else:
        ground_text = ""
    action = Action(row.action)
    automation = row.automated_decision or "not"
    return PublicRecord(
        id=row.decision_id,
        decided_on=row.day,
        content_type=row.content_type,
        had_images=row.had_images,
        action=action.value,
        action_label=gettext(ACTION_LABELS[action]),
        ground=row.ground_kind,
        category=row.category,
        category_label=category_label,
        legal_basis=legal_basis,
        terms_clause=terms_clause,
        ground_text=ground_text,
        facts=gettext(row.masked_text) if row.masked_text else "",
        source=row.source,
        source_label=_source_label(row.source),
        automated_detection=row.automated_detection,
        automated_decision=automation,
        automated_decision_label=gettext(AUTOMATION_NAMES.get(automation, AUTOMATION_NAMES["not"])),
        status=str(status),
    )


def _query(f: StatementFilter) -> Any:
    query = select(PublicStatement, Decision.status).join(
        Decision, Decision.id == PublicStatement.decision_id
    )
    if f.category is not None:
        query = query.where(PublicStatement.category == f.category)
    if f.ground is not None:
        query = query.where(PublicStatement.ground_kind == f.ground)
    if f.action is not None:
        query = query.where(PublicStatement.action == f.action)
    if f.automated is True:
        query = query.where(PublicStatement.automated_decision.in_(AUTOMATED))
    elif f.automated is False:
        query = query.where(PublicStatement.automated_decision.not_in(AUTOMATED))
    if f.content_type is not None:
        query = query.where(PublicStatement.content_type == f.content_type)
    if f.since is not None:
        query = query.where(PublicStatement.day >= f.since)
    if f.until is not None:
        query = query.where(PublicStatement.day <= f.until)
    if f.q:
        query = query.where(PublicStatement.search_text.contains(f.q.casefold(), autoescape=True))
    return query


def search(
    session: Session, f: StatementFilter, *, cursor: str | None = None, limit: int = PAGE
) -> StatementPage:
    """A page of public statements matching ``f``, newest day first, after ``cursor``."""
    limit = min(max(limit, 1), MAX_PAGE)
    after = decode_cursor(cursor)
    query = _query(f)
    if after is not None:
        query = query.where(
            or_(
                PublicStatement.day < after.day,
                and_(PublicStatement.day == after.day, PublicStatement.decision_id < after.id),
            )
        )
    query = query.order_by(PublicStatement.day.desc(), PublicStatement.decision_id.desc()).limit(limit + 1)
    rows = session.execute(query).all()
    page = StatementPage(items=[to_public(row, status) for row, status in rows[:limit]])
    if len(rows) > limit:
        last = page.items[-1]
        page.next_cursor = encode_cursor(last.decided_on, last.id)
    return page


def as_json(record: PublicRecord) -> dict[str, Any]:
    """The record as the API and the open data give it."""
    return {
        "id": str(record.id),
        "decided_on": record.decided_on.isoformat(),
        "content_type": record.content_type,
        "had_images": record.had_images,
        "action": record.action,
        "action_label": record.action_label,
        "ground": record.ground,
        "category": record.category,
        "category_label": record.category_label,
        "legal_basis": record.legal_basis,
        "terms_clause": record.terms_clause,
        "ground_text": record.ground_text,
        "facts": record.facts,
        "source": record.source,
        "automated_detection": record.automated_detection,
        "automated_decision": record.automated_decision,
        "automated": record.automated,
        "status": record.status,
    }
