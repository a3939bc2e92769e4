"""Content errors; messages are catalog ids rendered in the reader's language."""

from senim.errors import AppError, Conflict, Forbidden, Invalid, NotFound, PayloadTooLarge
from senim.web.i18n import N_


class ContentInvalid(Invalid):
    code = "content_invalid"


class ImageRefused(Invalid):
    code = "image_refused"


class UploadTooLarge(PayloadTooLarge):
    code = "upload_too_large"


class ItemNotFound(NotFound):
    code = "item_not_found"


class NotAuthor(Forbidden):
    code = "not_author"


class NotMember(Forbidden):
    code = "not_member"


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "unsupported_media_type"


class ItemHeld(Conflict):
    code = "item_held"


HELD = N_("This content is kept as evidence under a legal hold and cannot be changed or deleted now.")
