"""Errors of sponsored-post marking; messages are catalog ids rendered in the reader's language."""

from senim.errors import Invalid


class SponsoredInvalid(Invalid):
    """A marking that is not one the law allows, or lacks its sponsor (422; nothing is written)."""

    code = "sponsored_invalid"
