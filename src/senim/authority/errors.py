"""Errors of the orders desk; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Forbidden, Invalid, NotAuthenticated, NotFound


class OrderInvalid(Invalid):
    code = "order_invalid"


class OrderNotFound(NotFound):
    code = "order_not_found"


class OrderClosed(Conflict):
    code = "order_closed"


class SignatureRefused(NotAuthenticated):
    code = "signature_refused"


class FourEyes(Forbidden):
    """The person who prepared a disclosure may not approve it: a second person must."""

    code = "four_eyes"


class UserCountInvalid(Invalid):
    code = "user_count_invalid"


class UserCountConflict(Conflict):
    code = "user_count_conflict"


class RepresentativeInvalid(Invalid):
    code = "representative_invalid"


class RepresentativeNotFound(NotFound):
    code = "representative_not_found"
