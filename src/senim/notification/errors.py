"""Notification errors; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Invalid, NotFound


class NoticeNotFound(NotFound):
    code = "notice_not_found"


class WebhookEndpointNotFound(NotFound):
    code = "webhook_endpoint_not_found"


class WebhookEndpointInvalid(Invalid):
    code = "webhook_endpoint_invalid"


class WebhookEndpointDisabled(Conflict):
    code = "webhook_endpoint_disabled"


class DeliveryFailed(RuntimeError):
    """A webhook or e-mail was not accepted by the other side; the job fails and the worker retries it.

    Not an ``AppError``: it never reaches a client, only the job's ``last_error``.
    """
