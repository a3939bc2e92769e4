"""Posts, comments and their images: create, edit, delete by the author, read what one may see.

Users have the right to post (LAW-52): nothing is pre-moderated. Every new or changed text is queued for
detection (``detection.scan``) in the same transaction, and every change is in the audit log.

Authors give their posts an age sign (LAW-83, LAW-84) and a reader never sees an item whose sign is above
their age, nor the comments under it (``senim.content.age``): such an item answers like a missing one.

Authors mark paid posts and comments as advertising with their sponsor (LAW-62, LAW-66); an unmarked item
that looks like an advertisement gets its author a prompt to mark it (LAW-68): ``senim.ads.sponsored``.

Items and accounts pushed by integrating platforms are not served here, to anyone: they belong to their
platform, which reads them through the platform API (``senim.platform``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from senim import audit, jobs
from senim.ads.sponsored import marking_of, sponsored_service
from senim.ads.sponsored_policy import Marking
from senim.audit import Actor
from senim.community.service import community_service
from senim.config import Settings, get_settings
from senim.content import age, policy
from senim.content import media as media_files
from senim.content.errors import HELD, ContentInvalid, ItemHeld, ItemNotFound, NotAuthor, NotMember
from senim.content.policy import DETECTION_SCAN_JOB
from senim.content.repository import content_repository as repo
from senim.errors import Conflict, NotFound
from senim.kit import cursor as page_cursor
from senim.kit.clock import utcnow
from senim.kit.text import clean
from senim.models import Community, ContentItem, ItemKind, ItemStatus, LegalHold, Media, User
from senim.translation.service import translation_service
from senim.web.i18n import N_


@dataclass
class Card:
    """An item with what a page or an API response shows along with it."""

    item: ContentItem
    author: User
    community: Community | None
    media: list[Media]
    comment_count: int

    @property
    def media_urls(self) -> list[str]:
        return [media_url(m) for m in self.media]


@dataclass
class Page:
    """One page of cards; ``next_cursor`` fetches the following page, None on the last."""

    items: list[Card]
    next_cursor: str | None


@dataclass(frozen=True)
class ServedMedia:
    path: Path
    content_type: str
    public: bool  # the item is visible to everyone, of every age, so shared caches may keep the file briefly


def media_url(media: Media) -> str:
    return f"/media/{media.id}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _viewer_id(viewer: User | None) -> uuid.UUID | None:
    return viewer.id if viewer is not None else None


def _is_staff(viewer: User | None) -> bool:
    return viewer is not None and viewer.is_staff


def _valid_sign(value: str | None) -> str | None:
    """One of the six age signs or None; anything else is refused (422) before anything is written."""
    try:
        return age.parse_sign(value)
    except ValueError as exc:
        raise ContentInvalid(age.SIGN_PROBLEM) from exc


class ContentService:
    # --- create -------------------------------------------------------------------------------
    def create_post(
        self,
        session: Session,
        author: User,
        *,
        body: str,
        community_id: uuid.UUID | None = None,
        images: Sequence[bytes | media_files.PreparedImage] = (),
        settings: Settings | None = None,
        age_sign: str | None = None,
        sponsored: Marking | None = None,
    ) -> ContentItem:
        """Publish a post at once (no pre-moderation). Every check runs before anything is written.

        ``sponsored`` is the author's advertising marking (``sponsored_service.parse``, LAW-62, LAW-66);
        an unmarked post that looks like an advertisement gets its author a prompt to mark it (LAW-68).

        Images arrive as uploaded bytes or already prepared (``media.PreparedImage``; the routes prepare
        them before their first database statement, see ``media.PreparedUploads``). Bytes are decoded
        and re-encoded here before the first query, so no lock is held while Pillow works. The files are
        written just before the rows are flushed; if the transaction then fails to commit, the files
        stay behind without a row (orphans, never served: a file is served only through its row). A
        sweep of such files comes with retention (issue 8).
        """
        settings = settings or get_settings()
        sign = _valid_sign(age_sign)
        prepared = media_files.prepare_images(
            images, max_bytes=settings.max_upload_bytes, max_pixels=settings.max_image_pixels
        )
        text = policy.normalise_body(body)
        problem = policy.body_problem(ItemKind.post, text, image_count=len(prepared))
        if problem:
            raise ContentInvalid(problem, limit=policy.MAX_POST_CHARS)
        if community_id is not None:
            self._check_may_post_in(session, author, community_id)
        item = ContentItem(
            id=uuid.uuid4(),
            kind=ItemKind.post,
            author_id=author.id,
            community_id=community_id,
            body=text,
            status=ItemStatus.visible,
            age_sign=sign,
            own_age_sign=sign,
        )
        sponsored_service.apply(item, sponsored)
        session.add(item)
        session.flush()
        stored = self._store_media(session, settings, author, item, prepared)
        jobs.enqueue(session, DETECTION_SCAN_JOB, {"item_id": str(item.id)})
        translation_service.on_written(session, item, settings)
        audit.record(
            session,
            actor=Actor.of(author),
            tag="post:create",
            target=item,
            data={
                "community_id": community_id,
                "length": len(text),
                "sha256": _digest(text),
                "age_sign": sign,
                "media": [{"id": m.id, "sha256": m.sha256, "type": m.content_type} for m in stored],
            },
        )
        self._after_written(session, author, item, marked=sponsored is not None)
        return item

    def _after_written(self, session: Session, author: User, item: ContentItem, *, marked: bool) -> None:
        """A new item's advertising marking in the audit trail, or the prompt to mark it if it looks like an
        advertisement (``senim.ads.sponsored``)."""
        if marked:
            sponsored_service.record_marking(session, Actor.of(author), item, None, via="create")
        else:
            sponsored_service.check_written(session, author, item)

    def _check_may_post_in(self, session: Session, author: User, community_id: uuid.UUID) -> Community:
        community = community_service.get(session, community_id)
        if community_service.role_of(session, community.id, author.id) is None:
            raise NotMember("Join the community to post in it.")
        return community

    def _store_media(
        self,
        session: Session,
        settings: Settings,
        owner: User,
        item: ContentItem,
        prepared: Sequence[media_files.PreparedImage],
    ) -> list[Media]:
        """Write the files, then their rows (one flush): a failed transaction leaves no row behind."""
        rows: list[Media] = []
        base = utcnow()
        for position, image in enumerate(prepared):
            key = media_files.new_storage_key(image)
            media_files.write_file(settings.media_dir, key, image.data)
            rows.append(
                Media(
                    id=uuid.uuid4(),
                    owner_id=owner.id,
                    item_id=item.id,
                    content_type=image.content_type,
                    width=image.width,
                    height=image.height,
                    size_bytes=image.size_bytes,
                    sha256=image.sha256,
                    upload_sha256=image.upload_sha256,
                    pdq=image.pdq or None,
                    pdq_quality=image.pdq_quality,
                    storage_key=key,
                    created_at=base + timedelta(microseconds=position),  # keeps the upload order
                )
            )
        if rows:
            session.add_all(rows)
            session.flush()
        return rows

    def create_comment(
        self,
        session: Session,
        author: User,
        post_id: uuid.UUID,
        body: str,
        *,
        sponsored: Marking | None = None,
    ) -> ContentItem:
        text = policy.normalise_body(body)
        problem = policy.body_problem(ItemKind.comment, text)
        if problem:
            raise ContentInvalid(problem, limit=policy.MAX_COMMENT_CHARS)
        post = self.get_post(session, author, post_id)
        if post.status != ItemStatus.visible:
            raise Conflict("Comments are closed while the post is not public.")
        item = ContentItem(
            id=uuid.uuid4(),
            kind=ItemKind.comment,
            author_id=author.id,
            community_id=post.community_id,
            parent_id=post.id,
            body=text,
            status=ItemStatus.visible,
        )
        sponsored_service.apply(item, sponsored)
        session.add(item)
        session.flush()
        jobs.enqueue(session, DETECTION_SCAN_JOB, {"item_id": str(item.id)})
        translation_service.on_written(session, item)
        audit.record(
            session,
            actor=Actor.of(author),
            tag="comment:create",
            target=item,
            data={"post_id": post.id, "length": len(text), "sha256": _digest(text)},
        )
        self._after_written(session, author, item, marked=sponsored is not None)
        return item

    # --- change by the author -----------------------------------------------------------------
    def _own_item(self, session: Session, user: User, item_id: uuid.UUID) -> ContentItem:
        """Lock the item; 404 if this user may not see it, 403 if they see it but did not write it."""
        item = repo.get_item(session, item_id, for_update=True)
        if item is None or not self.may_view(user, item):
            raise ItemNotFound("This post or comment does not exist or was removed.")
        if not policy.can_change(
            item.status, author_id=item.author_id, actor_id=user.id, pushed=item.platform_id is not None
        ):
            raise NotAuthor("Only the author can change or delete this.")
        return item

    def edit(
        self,
        session: Session,
        actor_user: User,
        item_id: uuid.UUID,
        body: str,
        *,
        age_sign: str | age.Keep | None = age.KEEP,
    ) -> ContentItem:
        """The author changes the text and, on a post, the age sign (``age.KEEP`` leaves it). A sign lower
        than one a moderation decision in force set is refused; nothing changes when nothing differs."""
        sign = None if isinstance(age_sign, age.Keep) else _valid_sign(age_sign)
        item = self._own_item(session, actor_user, item_id)
        self._refuse_if_held(session, item)
        kind = ItemKind(item.kind)
        text = policy.normalise_body(body)
        image_count = len(repo.media_for_items(session, [item.id])[item.id]) if kind is ItemKind.post else 0
        problem = policy.body_problem(kind, text, image_count=image_count)
        if problem:
            raise ContentInvalid(problem, limit=policy.body_limit(kind))
        item_sign = item.age_sign
        new_sign = item_sign if isinstance(age_sign, age.Keep) else sign
        if new_sign != item_sign:
            if kind is not ItemKind.post:
                raise ContentInvalid(N_("Only a post carries an age sign."))
            floor = self.decided_age_sign(session, item.id)
            if age.rank(new_sign) < age.rank(floor):
                raise ContentInvalid(age.BELOW_DECIDED, sign=floor)
        if text == item.body and new_sign == item_sign:
            return item
        before = item.body
        item.body = text
        item.age_sign = item.own_age_sign = new_sign
        item.updated_at = utcnow()
        session.flush()
        if text != before:
            jobs.enqueue(session, DETECTION_SCAN_JOB, {"item_id": str(item.id)})
            translation_service.on_written(session, item)
        data: dict[str, object] = {
            "kind": kind,
            "length_before": len(before),
            "sha256_before": _digest(before),
            "length": len(text),
            "sha256": _digest(text),
        }
        if new_sign != item_sign:
            data |= {"age_sign_before": item_sign, "age_sign": new_sign}
        audit.record(session, actor=Actor.of(actor_user), tag="item:edit", target=item, data=data)
        if text != before:
            sponsored_service.check_written(session, actor_user, item)
        return item

    def mark_sponsored(
        self, session: Session, user: User, item_id: uuid.UUID, marking: Marking | None, *, via: str
    ) -> ContentItem:
        """The author sets, changes or removes (None) the advertising marking of their post or comment
        (LAW-62, LAW-65, LAW-66), audited as ``content:mark_sponsored``; nothing changes when nothing
        differs. Refused while a legal hold keeps the item as evidence."""
        item = self._own_item(session, user, item_id)
        self._refuse_if_held(session, item)
        before = marking_of(item)
        if before == marking:
            return item
        sponsored_service.apply(item, marking)
        item.updated_at = utcnow()
        session.flush()
        sponsored_service.record_marking(session, Actor.of(user), item, before, via=via)
        return item

    def delete_own(
        self, session: Session, user: User, item_id: uuid.UUID, *, closing_account: bool = False
    ) -> ContentItem:
        """The author deletes their item: it is gone for every reader, its images are no longer served.
        Refused while a legal hold keeps the item as evidence, except when the author deletes their whole
        account: then the item is gone for readers too, and its row and text stay, kept by the hold (the
        retention purge never erases a held item)."""
        item = self._own_item(session, user, item_id)
        held = self.is_held(session, item.id)
        if held and not closing_account:
            raise ItemHeld(HELD)
        previous = item.status
        item.status = ItemStatus.deleted
        item.deleted_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=Actor.of(user),
            tag="item:delete",
            target=item,
            data={"kind": item.kind, "status_before": previous, "kept_under_hold": held},
        )
        return item

    # --- legal holds (evidence) ------------------------------------------------------------------
    def is_held(self, session: Session, item_id: uuid.UUID) -> bool:
        return repo.active_hold(session, item_id) is not None

    def _refuse_if_held(self, session: Session, item: ContentItem) -> None:
        if self.is_held(session, item.id):
            raise ItemHeld(HELD)

    def place_hold(
        self, session: Session, actor: Actor, item: ContentItem, *, reason: str, source: str
    ) -> LegalHold:
        """Keep ``item`` as evidence (an escalation, an order): no deletion or edit, by anyone, until
        released. Each source keeps its own hold (an escalation's and an order's are released apart);
        placing the same hold again returns the one in force."""
        reason = clean(reason).strip()[:500]
        existing = repo.hold_of(session, item.id, source, reason)
        if existing is not None:
            return existing
        hold = LegalHold(
            id=uuid.uuid4(),
            item_id=item.id,
            reason=reason,
            source=source,
            created_by_id=actor.id,
        )
        session.add(hold)
        session.flush()
        audit.record(
            session, actor=actor, tag="item:hold", target=item, data={"hold_id": hold.id, "source": source}
        )
        return hold

    def release_hold(
        self, session: Session, actor: Actor, item: ContentItem, *, reason: str, source: str, placed_for: str
    ) -> LegalHold | None:
        """Release the hold ``source`` placed with the reason ``placed_for``; any other hold stays."""
        hold = repo.hold_of(session, item.id, source, clean(placed_for).strip()[:500])
        if hold is None:
            return None
        hold.released_at, hold.released_by_id = utcnow(), actor.id
        hold.release_reason = clean(reason).strip()[:500]
        audit.record(session, actor=actor, tag="item:release_hold", target=item, data={"hold_id": hold.id})
        return hold

    # --- read ---------------------------------------------------------------------------------
    def may_view(self, viewer: User | None, item: ContentItem) -> bool:
        """Whether ``viewer`` (None: a visitor) may see ``item`` on Senim's own site: its status, and its
        age sign against the viewer's age (``content.age``; the author and staff see it whatever its sign).
        A comment is also out of sight when its post is: ``get_visible`` checks that."""
        if not (
            age.may_see(item.age_sign, age.viewer_age(viewer))
            or _is_staff(viewer)
            or _viewer_id(viewer) == item.author_id
        ):
            return False
        return policy.can_view(
            ItemStatus(item.status),
            author_id=item.author_id,
            viewer_id=_viewer_id(viewer),
            viewer_is_staff=_is_staff(viewer),
            pushed=item.platform_id is not None,
        )

    def get_visible(self, session: Session, viewer: User | None, item_id: uuid.UUID) -> ContentItem:
        """The item if ``viewer`` may see it; 404 otherwise (removed and deleted items are gone for all,
        items above the viewer's age sign and the comments under such a post are out of their sight, and
        items pushed by integrating platforms are not served on Senim's own site)."""
        item = repo.get_item(session, item_id)
        if item is None or not self.may_view(viewer, item):
            raise ItemNotFound("This post or comment does not exist or was removed.")
        if item.kind == ItemKind.comment and item.parent_id is not None:
            post = repo.get_item(session, item.parent_id)
            if post is None or not self.may_view(viewer, post):
                raise ItemNotFound("This post or comment does not exist or was removed.")
        return item

    def decided_age_sign(self, session: Session, item_id: uuid.UUID) -> str | None:
        """The highest age sign that moderation decisions in force put on the item, or None."""
        return age.higher(*repo.decided_age_signs(session, item_id))

    def get_post(self, session: Session, viewer: User | None, post_id: uuid.UUID) -> ContentItem:
        item = self.get_visible(session, viewer, post_id)
        if item.kind != ItemKind.post:
            raise ItemNotFound("This post or comment does not exist or was removed.")
        return item

    def comments(
        self,
        session: Session,
        viewer: User | None,
        post_id: uuid.UUID,
        *,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page:
        post = self.get_post(session, viewer, post_id)
        size = policy.clamp_limit(limit, default=policy.MAX_PAGE_SIZE)
        rows = repo.comments(
            session,
            post.id,
            viewer_id=_viewer_id(viewer),
            viewer_is_staff=_is_staff(viewer),
            signs=age.signs_for(viewer),
            after=page_cursor.decode_optional(cursor),
            limit=size + 1,
        )
        return self.page(session, rows, size)

    def page(
        self, session: Session, rows: Sequence[ContentItem], size: int, *, signs: Sequence[str] | None = None
    ) -> Page:
        """Cards for the first ``size`` of ``rows`` (fetched with one extra to know if more follow)."""
        shown = list(rows[:size])
        next_cursor = (
            page_cursor.encode(shown[-1].created_at, shown[-1].id) if len(rows) > size and shown else None
        )
        return Page(items=self.cards(session, shown, signs=signs), next_cursor=next_cursor)

    def cards(
        self, session: Session, items: Sequence[ContentItem], *, signs: Sequence[str] | None = None
    ) -> list[Card]:
        """Authors, communities, images and comment counts for ``items``, in a fixed number of queries. The
        counts leave out comments above the reader's age when ``signs`` (``age.counted_signs``) is given."""
        ids = [i.id for i in items]
        authors = repo.users(session, (i.author_id for i in items))
        communities = community_service.by_ids(session, (i.community_id for i in items))
        media = repo.media_for_items(session, ids)
        counts = repo.comment_counts(session, [i.id for i in items if i.kind == ItemKind.post], signs)
        return [
            Card(
                item=i,
                author=authors[i.author_id],
                community=communities.get(i.community_id) if i.community_id else None,
                media=media[i.id],
                comment_count=counts.get(i.id, 0),
            )
            for i in items
        ]

    def card(self, session: Session, item: ContentItem, *, signs: Sequence[str] | None = None) -> Card:
        return self.cards(session, [item], signs=signs)[0]

    def items_by_ids(self, session: Session, item_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ContentItem]:
        """Items by id, whatever their status: check ``may_view`` before showing one."""
        return repo.items(session, item_ids)

    def authors(self, session: Session, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]:
        """Accounts by id in one query (for lists of cards and of hidden authors)."""
        return repo.users(session, user_ids)

    def postable_communities(self, session: Session, user: User) -> list[Community]:
        return community_service.joined(session, user.id)

    def open_media(
        self, session: Session, viewer: User | None, media_id: uuid.UUID, settings: Settings
    ) -> ServedMedia:
        """The stored file, only while its item is visible to ``viewer``."""
        found = repo.get_media(session, media_id)
        if found is None or found.item_id is None:
            raise NotFound("Page not found.")
        try:
            item = self.get_visible(session, viewer, found.item_id)
        except ItemNotFound as exc:
            raise NotFound("Page not found.") from exc
        path = media_files.stored_path(settings.media_dir, found.storage_key)
        if path is None:
            raise NotFound("Page not found.")
        # Shared caches may keep an image only when every reader may see it (no age sign above 6-).
        return ServedMedia(
            path=path,
            content_type=found.content_type,
            public=item.status == ItemStatus.visible and age.for_everyone(item.age_sign),
        )

    def open_media_for_review(self, session: Session, media_id: uuid.UUID, settings: Settings) -> ServedMedia:
        """Any stored image, whatever its item's status, for staff who review it (the route declares
        ``cases:read``): moderators must see what was removed or pushed by a platform to decide appeals."""
        found = repo.get_media(session, media_id)
        path = media_files.stored_path(settings.media_dir, found.storage_key) if found else None
        if found is None or path is None:
            raise NotFound("Page not found.")
        return ServedMedia(path=path, content_type=found.content_type, public=False)


content_service = ContentService()
