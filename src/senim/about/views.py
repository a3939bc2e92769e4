"""HTML pages that explain how Senim works, for everyone: how the feed is made (LAW-34, LAW-35, LAW-52).

The page renders ``senim.feed.policy``, the feed's parameters as data, in the reader's language, so the
description cannot drift from what the feed does (``tests/feed`` keeps the queries and the data in step).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from senim.feed import policy as feed_policy
from senim.web.i18n import N_
from senim.web.pages import Public, can_participate
from senim.web.templating import render

router = APIRouter(include_in_schema=False)

# What each kind of feed is called on the page (its description is in ``senim.feed.policy.FEEDS``).
FEED_NAMES: dict[feed_policy.FeedKind, str] = {
    feed_policy.FeedKind.home: N_("The home feed"),
    feed_policy.FeedKind.community: N_("A community's page"),
    feed_policy.FeedKind.author: N_("A person's page"),
}


@router.get("/about/feed")
def feed_page(request: Request, principal: Public) -> Response:
    feeds = [(FEED_NAMES.get(kind, kind.value), text) for kind, text in feed_policy.FEEDS.items()]
    return render(
        request,
        "about/feed.html",
        {
            "parameters": feed_policy.PARAMETERS,
            "not_used": feed_policy.NOT_USED,
            "profiled": feed_policy.PROFILED,
            "feeds": feeds,
            "hide_controls": list(feed_policy.HIDE_CONTROLS.values()),
            "page_size": feed_policy.PAGE_SIZE,
            "can_participate": can_participate(principal),
        },
    )
