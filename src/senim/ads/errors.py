"""Errors of online advertising; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Forbidden, Invalid, NotFound


class AdsInvalid(Invalid):
    code = "ads_invalid"


class TargetingRefused(Invalid):
    """A campaign's targeting profiles on a protected ground (LAW-60): 422 naming it. Other targeting
    problems (unknown parameters or values, age bands under 18) are plain ``AdsInvalid``."""

    code = "targeting_refused"


class AdvertiserRequired(Forbidden):
    code = "advertiser_required"


class SelfReview(Forbidden):
    """An ads reviewer deciding on their own advertiser identity or their own ad: 403."""

    code = "ads_self_review"


class AdNotFound(NotFound):
    code = "ad_not_found"


class AdStateConflict(Conflict):
    code = "ad_state_conflict"
