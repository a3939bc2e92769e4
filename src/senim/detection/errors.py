"""Detection errors; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Invalid, NotFound


class RuleInvalid(Invalid):
    code = "detection_rule_invalid"


class RuleNotFound(NotFound):
    code = "detection_rule_not_found"


class RuleMoveRefused(Conflict):
    code = "detection_rule_move_refused"
