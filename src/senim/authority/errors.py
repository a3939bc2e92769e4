"""Errors of the orders desk; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Invalid, NotAuthenticated, NotFound


class OrderInvalid(Invalid):
    code = "order_invalid"


class OrderNotFound(NotFound):
    code = "order_not_found"


class OrderClosed(Conflict):
    code = "order_closed"


class SignatureRefused(NotAuthenticated):
    code = "signature_refused"
