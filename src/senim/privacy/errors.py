"""Errors of personal data protection; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Invalid, NotFound


class PrivacyInvalid(Invalid):
    code = "privacy_invalid"


class RequestNotFound(NotFound):
    code = "request_not_found"


class RequestClosed(Conflict):
    code = "request_closed"
