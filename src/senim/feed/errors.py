"""Feed errors. The feed raises the generic ones (``Invalid`` for a bad cursor or hide target,
``NotFound`` for an unknown community); this module is the place for feed-specific ones."""

from senim.errors import Invalid


class HideTargetInvalid(Invalid):
    code = "hide_target_invalid"
