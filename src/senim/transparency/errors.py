"""Errors of the transparency domain; messages are catalog ids rendered in the reader's language."""

from senim.errors import Conflict, Invalid, NotFound


class ReportInvalid(Invalid):
    """A year out of range, an unknown format or language: 422, nothing written."""

    code = "transparency_report_invalid"


class ReportNotFound(NotFound):
    code = "transparency_report_not_found"


class ReportPublished(Conflict):
    """A published report is frozen: it is never published again or changed."""

    code = "transparency_report_published"
