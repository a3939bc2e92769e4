"""Moderation errors; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Forbidden, Invalid, NotFound


class CaseNotFound(NotFound):
    code = "case_not_found"


class DecisionNotFound(NotFound):
    code = "decision_not_found"


class CaseClaimed(Conflict):
    code = "case_claimed"


class CaseClosed(Conflict):
    code = "case_closed"


class NotYourCase(Forbidden):
    code = "case_not_yours"


class MayNotClaim(Forbidden):
    code = "case_may_not_claim"


class DecisionInvalid(Invalid):
    code = "decision_invalid"


class AppealRefused(Forbidden):
    code = "appeal_refused"


class AppealInvalid(Invalid):
    code = "appeal_invalid"


class AppealExists(Conflict):
    code = "appeal_exists"
