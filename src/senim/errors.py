"""One error hierarchy. Anything a client can send that is wrong is a 4xx AppError, never a 500.

Messages are message ids from the translation catalogs (``senim.web.i18n``) with parameters, so the
same error is rendered in the reader's language, in JSON for the API and as a page for HTML.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, status_code: int | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
        if status_code is not None:
            self.status_code = status_code


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class PermissionDenied(Forbidden):
    """The route's declared permission is not held (object-level refusals use plain Forbidden)."""

    code = "permission_denied"


class CsrfFailed(Forbidden):
    code = "csrf_failed"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class Invalid(AppError):
    status_code = 422
    code = "invalid"


class TooManyRequests(AppError):
    status_code = 429
    code = "too_many_requests"
