"""Complaint errors; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Forbidden, Invalid, NotFound


class ComplaintInvalid(Invalid):
    code = "complaint_invalid"


class ComplaintNotFound(NotFound):
    code = "complaint_not_found"


class ComplaintTargetNotFound(NotFound):
    code = "complaint_target_not_found"


class ComplaintsBlocked(Forbidden):
    code = "complaints_blocked"


class RulesInvalid(Invalid):
    code = "complaint_rules_invalid"


class VerificationFailed(NotFound):
    code = "complaint_verification_failed"


class RulesConflict(Conflict):
    code = "complaint_rules_conflict"
