"""Account errors; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Invalid, NotAuthenticated, TooManyRequests


class RegistrationInvalid(Invalid):
    code = "registration_invalid"


class UsernameTaken(Conflict):
    code = "username_taken"


class LoginFailed(NotAuthenticated):
    code = "login_failed"


class LoginThrottled(TooManyRequests):
    code = "login_throttled"
