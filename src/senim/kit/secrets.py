"""Random tokens and their digests. Tokens are shown once; only digests are stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(prefix: str = "", nbytes: int = 32) -> str:
    return f"{prefix}{secrets.token_urlsafe(nbytes)}"


def digest(token: str) -> str:
    """SHA-256 hex digest of a high-entropy token (not for passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()


def hmac_hex(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
