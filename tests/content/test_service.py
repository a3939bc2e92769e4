"""The content service on its own: what it writes, what it refuses, who sees what."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import Settings
from senim.content.errors import ContentInvalid, ImageRefused, ItemNotFound, NotAuthor, NotMember
from senim.content.service import content_service
from senim.errors import Conflict
from senim.models import AuditRecord, ItemStatus, Job, Role
from tests.fixtures.builders import make_user
from tests.fixtures.community import make_platform, push_account, push_item
from tests.fixtures.content import (
    counts,
    image_and_sql_order,
    images_before_sql,
    make_community,
    make_post,
    png_bytes,
    stored_files,
)


def _tags(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(AuditRecord.tag).where(AuditRecord.tag.not_like("user:%")).order_by(AuditRecord.seq)
        )
    )


@pytest.mark.law("LAW-52")
def test_a_post_is_public_at_once_and_queued_for_detection(session: Session) -> None:
    author, reader = make_user(session), make_user(session)
    post = make_post(session, author, "No pre-moderation")
    assert post.status == ItemStatus.visible
    assert content_service.get_visible(session, reader, post.id) is post
    assert content_service.get_visible(session, None, post.id) is post
    [job] = session.scalars(select(Job).where(Job.name == "detection.scan")).all()
    assert job.payload == {"item_id": str(post.id)}
    assert _tags(session) == ["post:create"]


def test_a_bad_image_among_good_ones_writes_no_file_and_no_row(session: Session, settings: Settings) -> None:
    author = make_user(session)
    with pytest.raises(ImageRefused):
        make_post(session, author, "two images", images=(png_bytes(), b"not an image"), settings=settings)
    assert counts(session) == (0, 0, 0)
    assert stored_files(settings.media_dir) == []


def test_image_order_is_kept(session: Session, settings: Settings) -> None:
    author = make_user(session)
    images = tuple(png_bytes((w, 5)) for w in (11, 12, 13, 14))
    post = make_post(session, author, "", images=images, settings=settings)
    card = content_service.card(session, post)
    assert [m.width for m in card.media] == [11, 12, 13, 14]
    assert len(stored_files(settings.media_dir)) == 4


def test_unchanged_edit_writes_nothing(session: Session) -> None:
    author = make_user(session)
    post = make_post(session, author, "Same")
    content_service.edit(session, author, post.id, "  Same\n")
    assert _tags(session) == ["post:create"]
    assert len(session.scalars(select(Job)).all()) == 1


def test_text_may_be_emptied_only_when_the_post_has_images(session: Session, settings: Settings) -> None:
    author = make_user(session)
    post = make_post(session, author, "caption", images=(png_bytes(),), settings=settings)
    content_service.edit(session, author, post.id, "")  # still has an image: allowed
    assert post.body == ""
    text_only = make_post(session, author, "text")
    with pytest.raises(ContentInvalid):
        content_service.edit(session, author, text_only.id, " ")


def test_only_the_author_changes_and_staff_do_not_edit_others(session: Session) -> None:
    author, other, admin = make_user(session), make_user(session), make_user(session, role=Role.administrator)
    post = make_post(session, author)
    for actor in (other, admin):
        with pytest.raises(NotAuthor):
            content_service.edit(session, actor, post.id, "changed")
        with pytest.raises(NotAuthor):
            content_service.delete_own(session, actor, post.id)
    assert post.status == ItemStatus.visible


def test_hidden_items_are_seen_by_author_and_staff_only(session: Session) -> None:
    author, other, moderator = make_user(session), make_user(session), make_user(session, role=Role.moderator)
    post = make_post(session, author, "under review")
    post.status = ItemStatus.hidden
    session.flush()
    assert content_service.get_visible(session, author, post.id) is post
    assert content_service.get_visible(session, moderator, post.id) is post
    for viewer in (other, None):
        with pytest.raises(ItemNotFound):
            content_service.get_visible(session, viewer, post.id)
    with pytest.raises(Conflict):
        content_service.create_comment(session, author, post.id, "can I comment?")


def test_hidden_comments_are_listed_for_their_author_only(session: Session) -> None:
    author, commenter, reader = make_user(session), make_user(session), make_user(session)
    post = make_post(session, author)
    shown = content_service.create_comment(session, commenter, post.id, "shown")
    held = content_service.create_comment(session, commenter, post.id, "held")
    held.status = ItemStatus.hidden
    session.flush()

    def bodies(viewer: object) -> list[str]:
        return [c.item.body for c in content_service.comments(session, viewer, post.id).items]  # type: ignore[arg-type]

    assert bodies(commenter) == ["shown", "held"]
    assert bodies(reader) == bodies(None) == ["shown"]
    assert content_service.card(session, post).comment_count == 1
    assert shown.community_id is None
    assert shown.parent_id == post.id


def test_community_posts_need_membership(session: Session) -> None:
    owner, member, outsider = make_user(session), make_user(session), make_user(session)
    community = make_community(session, owner, members=(member,))
    with pytest.raises(NotMember):
        make_post(session, outsider, "hi", community=community)
    assert counts(session) == (0, 0, 0)
    post = make_post(session, member, "hi", community=community)
    comment = content_service.create_comment(session, outsider, post.id, "anyone may comment")
    assert comment.community_id == community.id
    assert [c.name for c in content_service.postable_communities(session, member)] == [community.name]
    assert content_service.postable_communities(session, outsider) == []


def test_images_are_prepared_before_the_first_query(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, member = make_user(session), make_user(session)
    community = make_community(session, owner, members=(member,))
    with image_and_sql_order(session.get_bind(), monkeypatch) as events:  # type: ignore[arg-type]
        post = make_post(session, member, community=community, images=(png_bytes(),), settings=settings)
    assert images_before_sql(events, 1), events[:5]
    assert len(stored_files(settings.media_dir)) == 1
    assert post.community_id == community.id


def test_pushed_items_are_not_served_by_the_service(session: Session) -> None:
    platform = make_platform(session).principal
    push_account(session, platform, "acc")
    item = push_item(session, platform, "it", "acc", "Pushed")
    staff = make_user(session, role=Role.moderator)
    for viewer in (None, make_user(session), staff):
        with pytest.raises(ItemNotFound):
            content_service.get_visible(session, viewer, item.id)
        with pytest.raises(ItemNotFound):
            content_service.create_comment(session, make_user(session), item.id, "hi")
    assert content_service.may_view(staff, item) is False
