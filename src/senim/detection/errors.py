"""Detection errors; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Invalid, NotFound


class RuleInvalid(Invalid):
    code = "detection_rule_invalid"


class RuleNotFound(NotFound):
    code = "detection_rule_not_found"


class RuleMoveRefused(Conflict):
    code = "detection_rule_move_refused"


class BankInvalid(Invalid):
    code = "hash_bank_invalid"


class BankExists(Conflict):
    code = "hash_bank_exists"


class BankNotFound(NotFound):
    code = "hash_bank_not_found"


class PackNotFound(NotFound):
    code = "detection_pack_not_found"
