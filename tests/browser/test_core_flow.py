"""A person registers with the documents, logs in, posts with an image and sees it in the feed."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.models import ContentItem, DocumentAcceptance, Media, User
from tests.browser.conftest import screenshot
from tests.fixtures.builders import PASSWORD

pytestmark = pytest.mark.browser


def _png(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "steppe.png"
    image = Image.new("RGB", (320, 200), (30, 120, 200))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return str(path)


@pytest.mark.law("LAW-26")
def test_register_log_in_post_with_image_and_see_it_in_the_feed(
    live_server, page, session: Session, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/register")
    assert page.locator("html").get_attribute("lang") == "kk"
    # Both consents start unticked (LAW-14) and registration refuses to complete without them (LAW-26).
    assert not page.is_checked("#accept_user_agreement")
    assert not page.is_checked("#accept_privacy_policy")
    screenshot(page, "register-kk")
    page.fill("#username", "aruzhan")
    page.fill("#display_name", "Аружан")
    page.fill("#password", PASSWORD)
    page.fill("#date_of_birth", "1999-07-21")
    page.click("form[action='/register'] button[type=submit]")
    assert page.locator("[role=alert]").count() == 1
    assert session.scalars(select(User)).all() == []

    page.fill("#password", PASSWORD)
    page.check("#accept_user_agreement")
    page.check("#accept_privacy_policy")
    page.click("form[action='/register'] button[type=submit]")
    page.wait_for_url(re.compile(r"/(\?.*)?$"))
    user = session.scalars(select(User).where(User.username == "aruzhan")).one()
    assert (
        len(session.scalars(select(DocumentAcceptance).where(DocumentAcceptance.user_id == user.id)).all())
        == 2
    )

    page.click("form[action='/logout'] button[type=submit]")
    page.goto(f"{live_server}/login")
    page.fill("#username", "aruzhan")
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/(\?.*)?$"))

    text = "Бүгін Алматыда алғашқы қар жауды ❄"
    page.fill("#post-body", text)
    page.set_input_files("#post-images", _png(tmp_path))
    page.click("form[action='/posts'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server}/")
    post = page.locator("article", has_text=text)
    post.first.wait_for()
    image = post.first.locator("img")
    assert image.count() == 1
    src = image.get_attribute("src")
    assert src and src.startswith("/media/")
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 320
    screenshot(page, "feed-kk")

    item = session.scalars(select(ContentItem).where(ContentItem.author_id == user.id)).one()
    assert item.body == text
    assert session.scalars(select(Media).where(Media.item_id == item.id)).one().width == 320
