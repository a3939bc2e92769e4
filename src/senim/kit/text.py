"""Text that people type: control characters out (PostgreSQL refuses NUL in text; the rest hide content)."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """``text`` without C0 control characters and DEL, keeping tabs and line breaks."""
    return _CONTROL.sub("", text)
