"""The feed's parameters, as data (LAW-34), and the rules of the non-profiled feed (LAW-35, LAW-52).

Senim's feeds are not personalised and use no profile of the reader. What a page shows is decided by
three inputs only, listed in ``PARAMETERS``: the time of publication, the visibility status of each post,
and what the reader chose to hide. The public page describing the recommender system and the user
agreement render this module; a test keeps the feed queries and this description in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from senim.content.policy import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from senim.models.feed import HiddenKind
from senim.web.i18n import N_

# No signal about the reader is used to select or order posts. Stated as data so it can be shown.
PROFILED = False


class FeedKind(StrEnum):
    home = "home"  # every public post
    community = "community"  # the posts of one community
    author = "author"  # the posts of one person


@dataclass(frozen=True)
class FeedParameter:
    """One input of the feed and how the reader changes its effect (message ids, translated on display)."""

    key: str
    title: str
    description: str
    user_control: str | None = None


PARAMETERS: tuple[FeedParameter, ...] = (
    FeedParameter(
        key="time",
        title=N_("Time of publication"),
        description=N_(
            "Posts are shown newest first, by the time they were published. Ties are broken by the post's "
            "identifier, never by popularity."
        ),
    ),
    FeedParameter(
        key="visibility",
        title=N_("Visibility status"),
        description=N_(
            "Only posts that are public are shown. Posts deleted by their author or removed by a "
            "moderation decision are not shown to anyone; a post hidden while it is reviewed is shown "
            "only to its author. A post whose age sign is above your age is not shown to you; 18+ posts "
            "are shown only to signed-in adults."
        ),
    ),
    FeedParameter(
        key="hidden_by_you",
        title=N_("What you chose not to see"),
        description=N_(
            "Posts you marked as not interesting, and all posts of authors and communities you hid, are "
            "left out of your feeds. This choice affects only what you see."
        ),
        user_control=N_("Use “Not interested” on a post; undo it on the page “Hidden from my feed”."),
    ),
)

# Signals a profiling recommender would use; Senim's feeds use none of them (LAW-35).
NOT_USED: tuple[str, ...] = (
    N_("what you read, open or click, and for how long"),
    N_("likes, reactions, comments or shares, yours or anyone's"),
    N_("who you follow or interact with"),
    N_("your gender, location, language or device (your age only keeps out posts above your age sign)"),
    N_("inferred interests or any profile of you"),
    N_("paid promotion"),
)

FEEDS: dict[FeedKind, str] = {
    FeedKind.home: N_("All public posts, newest first."),
    FeedKind.community: N_("The public posts of one community, newest first."),
    FeedKind.author: N_("The public posts of one person, newest first."),
}

# Every kind of "Not interested", with the label of its control. Each kind leaves the matching posts
# out of every feed of the person who chose it, and only theirs.
HIDE_CONTROLS: dict[HiddenKind, str] = {
    HiddenKind.post: N_("Hide this post"),
    HiddenKind.author: N_("Hide posts by this author"),
    HiddenKind.community: N_("Hide posts from this community"),
}

ORDER: tuple[str, ...] = ("created_at descending", "id descending")
PAGE_SIZE = DEFAULT_PAGE_SIZE
PAGE_SIZE_MAX = MAX_PAGE_SIZE


def includes_own_hidden(kind: FeedKind, *, viewer_is_author: bool) -> bool:
    """Whether a feed shows the reader's own posts that are hidden while reviewed: only on their own page."""
    return kind is FeedKind.author and viewer_is_author
