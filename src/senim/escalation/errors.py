"""Escalation errors; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Invalid, NotFound


class EscalationInvalid(Invalid):
    code = "escalation_invalid"


class EscalationNotFound(NotFound):
    code = "escalation_not_found"


class EscalationClosed(Conflict):
    code = "escalation_closed"
