"""Community errors; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Forbidden, Invalid, NotFound


class CommunityInvalid(Invalid):
    code = "community_invalid"


class SlugTaken(Conflict):
    code = "community_slug_taken"


class CommunityNotFound(NotFound):
    code = "community_not_found"


class NotCommunityModerator(Forbidden):
    code = "not_community_moderator"


class NotCommunityOwner(Forbidden):
    code = "not_community_owner"


class OwnerCannotLeave(Forbidden):
    code = "community_owner_cannot_leave"


class CommunityClosed(Forbidden):
    code = "community_closed"


class NotAMember(Invalid):
    code = "community_not_a_member"


class NotAModerator(NotFound):
    code = "community_not_a_moderator"


class AlreadyMember(Conflict):
    code = "community_already_member"
