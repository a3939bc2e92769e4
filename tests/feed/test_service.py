"""The non-profiled feed (LAW-35) and "Not interested" (LAW-52), through the feed service."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from senim.content.service import Page, content_service
from senim.errors import Invalid, NotFound
from senim.feed.service import feed_service
from senim.models import AuditRecord, CommunityStatus, HiddenItem, HiddenKind, ItemStatus, User
from tests.fixtures.builders import make_user
from tests.fixtures.content import make_community, make_post

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def ids(page: Page) -> list[uuid.UUID]:
    return [c.item.id for c in page.items]


def walk(fetch: Any, limit: int) -> Iterator[Page]:
    cursor = None
    while True:
        page = fetch(cursor=cursor, limit=limit)
        yield page
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def test_newest_first_with_keyset_pages(session: Session) -> None:
    author = make_user(session)
    posts = [make_post(session, author, f"post {i}", created_at=T0 + timedelta(minutes=i)) for i in range(5)]
    # Two posts published in the same microsecond: the id breaks the tie, so none is skipped or repeated.
    twins = [make_post(session, author, f"twin {i}", created_at=T0 + timedelta(minutes=10)) for i in range(2)]
    expected = [p.id for p in sorted(twins, key=lambda p: p.id.hex, reverse=True)]
    expected += [p.id for p in reversed(posts)]
    assert ids(feed_service.home(session, None)) == expected
    for limit in (1, 2, 3):
        pages = list(walk(lambda **kw: feed_service.home(session, None, **kw), limit))
        assert [i for p in pages for i in ids(p)] == expected
        assert all(len(p.items) == limit for p in pages[:-1])
        assert pages[-1].next_cursor is None


def test_a_post_published_between_pages_does_not_shift_the_next_page(session: Session) -> None:
    author = make_user(session)
    posts = [make_post(session, author, created_at=T0 + timedelta(minutes=i)) for i in range(4)]
    first = feed_service.home(session, None, limit=2)
    make_post(session, author, "breaking news", created_at=T0 + timedelta(hours=1))
    second = feed_service.home(session, None, cursor=first.next_cursor, limit=2)
    assert ids(first) + ids(second) == [p.id for p in reversed(posts)]


def test_only_visible_posts_are_in_the_feed(session: Session) -> None:
    author = make_user(session)
    shown = make_post(session, author, "shown")
    for status in (ItemStatus.hidden, ItemStatus.removed, ItemStatus.deleted):
        make_post(session, author, status.value).status = status
    content_service.create_comment(session, author, shown.id, "a comment is not a post")
    session.flush()
    assert ids(feed_service.home(session, None)) == [shown.id]
    assert ids(feed_service.home(session, author)) == [shown.id]


def test_bad_cursor_is_refused(session: Session) -> None:
    with pytest.raises(Invalid):
        feed_service.home(session, None, cursor="not-a-cursor")


@pytest.mark.law("LAW-52")
def test_hidden_post_author_and_community_leave_only_that_users_feed(session: Session) -> None:
    viewer, neighbour, alice, bob, owner = (make_user(session) for _ in range(5))
    club = make_community(session, owner, members=(bob,))
    p_alice = make_post(session, alice, "by alice", created_at=T0 + timedelta(minutes=1))
    p_bob = make_post(session, bob, "by bob", created_at=T0 + timedelta(minutes=2))
    p_club = make_post(session, bob, "in the club", community=club, created_at=T0 + timedelta(minutes=3))
    p_other = make_post(session, owner, "another", created_at=T0 + timedelta(minutes=4))
    everything = [p_other.id, p_club.id, p_bob.id, p_alice.id]

    feed_service.hide(session, viewer, HiddenKind.post, p_other.id)
    assert ids(feed_service.home(session, viewer)) == [p_club.id, p_bob.id, p_alice.id]
    feed_service.hide(session, viewer, HiddenKind.community, club.id)
    assert ids(feed_service.home(session, viewer)) == [p_bob.id, p_alice.id]
    feed_service.hide(session, viewer, HiddenKind.author, alice.id)
    assert ids(feed_service.home(session, viewer)) == [p_bob.id]
    # The same hides apply on the author's and the community's pages.
    assert ids(feed_service.by_author(session, viewer, alice.id)) == []
    assert ids(feed_service.community(session, viewer, club.id)) == []
    # Nobody else's feed changes.
    assert ids(feed_service.home(session, neighbour)) == everything
    assert ids(feed_service.home(session, None)) == everything
    assert ids(feed_service.by_author(session, neighbour, alice.id)) == [p_alice.id]
    # Show again.
    assert feed_service.unhide(session, viewer, HiddenKind.author, alice.id) is True
    assert ids(feed_service.home(session, viewer)) == [p_bob.id, p_alice.id]


@pytest.mark.law("LAW-52")
def test_hiding_is_idempotent_and_audited(session: Session) -> None:
    viewer, author = make_user(session), make_user(session)
    post = make_post(session, author)
    row, created = feed_service.hide(session, viewer, HiddenKind.post, post.id)
    again, created_again = feed_service.hide(session, viewer, "post", post.id)
    assert created
    assert not created_again
    assert again.id == row.id
    assert len(session.scalars(select(HiddenItem)).all()) == 1
    assert feed_service.unhide(session, viewer, HiddenKind.post, post.id) is True
    assert feed_service.unhide(session, viewer, HiddenKind.post, post.id) is False
    assert session.scalars(select(HiddenItem)).all() == []
    tags = session.scalars(
        select(AuditRecord.tag).where(AuditRecord.tag.like("feed:%")).order_by(AuditRecord.seq)
    )
    assert list(tags) == ["feed:hide", "feed:unhide"]
    hide_rec = session.scalars(select(AuditRecord).where(AuditRecord.tag == "feed:hide")).one()
    assert hide_rec.actor_id == viewer.id
    assert hide_rec.data == {
        "target_type": "post",
        "target_id": str(post.id),
    }


def test_only_existing_things_can_be_hidden(session: Session) -> None:
    viewer, author = make_user(session), make_user(session)
    gone = make_post(session, author)
    gone.status = ItemStatus.deleted
    removed_club = make_community(session, author, status=CommunityStatus.removed)
    session.flush()
    for kind, target in [
        (HiddenKind.post, uuid.uuid4()),
        (HiddenKind.post, gone.id),
        (HiddenKind.author, uuid.uuid4()),
        (HiddenKind.community, uuid.uuid4()),
        (HiddenKind.community, removed_club.id),
    ]:
        with pytest.raises(NotFound):
            feed_service.hide(session, viewer, kind, target)
    with pytest.raises(Invalid):
        feed_service.hide(session, viewer, "everything", author.id)
    assert session.scalars(select(HiddenItem)).all() == []


def test_hidden_list_names_what_was_hidden(session: Session) -> None:
    viewer, author = make_user(session, display_name="Viewer"), make_user(session, display_name="Aigerim")
    club = make_community(session, author, name="Steppe runners")
    post = make_post(session, author, "A very\nlong text " + "word " * 40)
    gone = make_post(session, author, "soon deleted")
    feed_service.hide(session, viewer, HiddenKind.post, post.id)
    feed_service.hide(session, viewer, HiddenKind.post, gone.id)
    feed_service.hide(session, viewer, HiddenKind.author, author.id)
    feed_service.hide(session, viewer, HiddenKind.community, club.id)
    content_service.delete_own(session, author, gone.id)
    entries = {(e.target_type, e.target_id): e for e in feed_service.hidden_list(session, viewer)}
    assert len(entries) == 4
    excerpt = entries[(HiddenKind.post, post.id)]
    assert excerpt.label is not None
    assert excerpt.label.startswith("A very long text")
    assert len(excerpt.label) <= 80
    assert excerpt.path == f"/p/{post.id}"
    assert entries[(HiddenKind.post, gone.id)].label is None
    assert entries[(HiddenKind.post, gone.id)].path is None
    assert entries[(HiddenKind.author, author.id)].label == f"Aigerim (@{author.username})"
    assert entries[(HiddenKind.community, club.id)].path == f"/c/{club.slug}"
    assert feed_service.hidden_list(session, author) == []


@pytest.mark.law("LAW-35")
def test_the_feed_is_the_same_for_everyone_who_hid_nothing(session: Session) -> None:
    # Two people with very different activity: one posts, comments and belongs to communities, the
    # other has just registered. Nothing of it changes what they see.
    active, newcomer, other = make_user(session), make_user(session), make_user(session)
    club = make_community(session, other, members=(active,))
    mine = make_post(session, active, "my own post", created_at=T0)
    for i in range(6):
        post = make_post(
            session,
            other,
            f"post {i}",
            community=club if i % 2 else None,
            created_at=T0 + timedelta(minutes=i + 1),
        )
        if i % 3 == 0:
            content_service.create_comment(session, active, post.id, "popular?")
    feeds = [ids(feed_service.home(session, viewer)) for viewer in (active, newcomer, None)]
    assert feeds[0] == feeds[1] == feeds[2]
    assert feeds[0][-1] == mine.id
    assert len(feeds[0]) == 7
    for limit in (2, 5):
        paged = [
            [i for p in walk(lambda v=v, **kw: feed_service.home(session, v, **kw), limit) for i in ids(p)]
            for v in (active, newcomer)
        ]
        assert paged[0] == paged[1] == feeds[0]


@pytest.mark.law("LAW-35")
def test_the_feed_query_reads_only_posts_and_the_readers_hides(session: Session) -> None:
    viewer, author = make_user(session), make_user(session)
    make_post(session, author)
    session.flush()
    statements: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.lower().split()))

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", capture)
    try:
        feed_service.home(session, viewer)
    finally:
        event.remove(bind, "before_cursor_execute", capture)
    [feed_query] = [s for s in statements if "order by content_item.created_at desc" in s]
    from_part = feed_query[feed_query.index(" from ") :]
    names = ("content_item", "hidden_item", "user_account", "community", "community_member", "media", "job")
    tables = {t for t in names if re.search(rf"\b{t}\b", from_part)}
    assert tables == {"content_item", "hidden_item"}


def test_own_posts_under_review_show_on_own_page_only(session: Session) -> None:
    author, reader = make_user(session), make_user(session)
    shown = make_post(session, author, "shown", created_at=T0)
    held = make_post(session, author, "held", created_at=T0 + timedelta(minutes=1))
    held.status = ItemStatus.hidden
    session.flush()
    assert ids(feed_service.by_author(session, author, author.id)) == [held.id, shown.id]
    assert ids(feed_service.by_author(session, reader, author.id)) == [shown.id]
    assert ids(feed_service.home(session, author)) == [shown.id]


def test_community_feed(session: Session) -> None:
    owner: User = make_user(session)
    club, other_club = make_community(session, owner), make_community(session, owner)
    inside = make_post(session, owner, "inside", community=club)
    make_post(session, owner, "elsewhere", community=other_club)
    make_post(session, owner, "nowhere")
    assert ids(feed_service.community(session, None, club.id)) == [inside.id]
    with pytest.raises(NotFound):
        feed_service.community(session, None, uuid.uuid4())
    other_club.status = CommunityStatus.removed
    session.flush()
    with pytest.raises(NotFound):
        feed_service.community(session, None, other_club.id)
