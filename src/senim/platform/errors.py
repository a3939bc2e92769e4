"""Errors of the integrating-platform API; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Forbidden, Invalid, NotFound


class PushInvalid(Invalid):
    code = "platform_push_invalid"


class AuthorNotPushed(Invalid):
    code = "platform_author_not_pushed"


class ParentNotPushed(Invalid):
    code = "platform_parent_not_pushed"


class PlatformRecordNotFound(NotFound):
    code = "platform_record_not_found"


class ItemDeleted(Conflict):
    code = "platform_item_deleted"


class ItemIdentityChanged(Conflict):
    code = "platform_item_identity_changed"


class PushConflict(Conflict):
    code = "platform_push_conflict"


class NotAPlatform(Forbidden):
    code = "not_an_integrating_platform"
