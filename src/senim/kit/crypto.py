"""Encryption of personal data at rest: AES-256-GCM with versioned keys, and blind indexes.

A ``Keyring`` holds numbered 256-bit data keys and one index key. The highest version encrypts; every
version it holds decrypts, so keys can be rotated: add a new version, re-encrypt (``senim keys rotate``),
then drop the old one.

- A text value becomes the token ``v<version>$<base64url(nonce || ciphertext || tag)>`` (no padding).
- A file becomes ``SENIM\\x01`` + the version (4 bytes, big-endian) + nonce + ciphertext + tag.
- Both bind a *purpose* as associated data (``user_account.email``, ``file:<storage key>``): a value
  copied into another column, or a file put under another name, does not decrypt.
- ``blind_index`` is an HMAC-SHA256 of a value under the index key, for equality lookups on encrypted
  columns. The index key is not rotated with the data keys (every index would have to be recomputed).

Pure: no I/O, no settings; the caller builds the keyring (``senim.config.Settings.keyring``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
MAX_VERSION = 999_999
FILE_MAGIC = b"SENIM\x01"
FILE_HEADER_BYTES = len(FILE_MAGIC) + 4
DERIVED_DATA_KEY = "senim data key 1"  # HKDF info of the development keys (from the secret key)
DERIVED_INDEX_KEY = "senim index key"
_TOKEN = re.compile(r"v([1-9][0-9]{0,5})\$([A-Za-z0-9_-]+)")
_KEY_ENTRY = re.compile(r"\s*([1-9][0-9]{0,5})\s*:\s*([A-Za-z0-9_+/=-]+)\s*")


class CryptoError(ValueError):
    """A token or file that cannot be decrypted: malformed, tampered, for another purpose, or under a key
    version this keyring does not hold. The message never contains the value."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    text = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise CryptoError("not base64") from exc


def generate_key() -> str:
    """A new random 256-bit key, base64url: put it in ``SENIM_DATA_KEYS`` (``<version>:<key>``) or
    ``SENIM_INDEX_KEY``."""
    return _b64encode(os.urandom(KEY_BYTES))


def parse_key(text: str) -> bytes:
    """A key written in base64 (standard or url-safe, padded or not) as 32 bytes."""
    key = _b64decode(text)
    if len(key) != KEY_BYTES:
        raise CryptoError(f"a key is {KEY_BYTES} bytes in base64, this one is {len(key)}")
    return key


def parse_keys(text: str) -> dict[int, bytes]:
    """``"3:<base64>,2:<base64>"`` as {version: key}."""
    keys: dict[int, bytes] = {}
    for entry in text.split(","):
        if not entry.strip():
            continue
        match = _KEY_ENTRY.fullmatch(entry)
        if match is None:
            raise CryptoError("data keys are written <version>:<base64 key>, separated by commas")
        version = int(match.group(1))
        if version in keys:
            raise CryptoError(f"key version {version} is given twice")
        keys[version] = parse_key(match.group(2))
    if not keys:
        raise CryptoError("no data key")
    return keys


def derive_key(secret: bytes, info: str) -> bytes:
    """A 256-bit key derived from a secret with HKDF-SHA256 (development and tests only)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=b"senim-keyring", info=info.encode()
    ).derive(secret)


class Keyring:
    """Versioned data keys (the highest encrypts) and the index key."""

    __slots__ = ("_aead", "_index_key", "current_version")

    def __init__(self, keys: Mapping[int, bytes], index_key: bytes) -> None:
        if not keys:
            raise CryptoError("a keyring needs at least one data key")
        for version, key in keys.items():
            if not 1 <= version <= MAX_VERSION:
                raise CryptoError(f"key versions are 1 to {MAX_VERSION}")
            if len(key) != KEY_BYTES:
                raise CryptoError(f"key version {version} is not {KEY_BYTES} bytes")
        if len(index_key) != KEY_BYTES:
            raise CryptoError(f"the index key is not {KEY_BYTES} bytes")
        if any(hmac.compare_digest(index_key, key) for key in keys.values()):
            raise CryptoError("the index key must differ from every data key")
        self._aead = {version: AESGCM(key) for version, key in keys.items()}
        self._index_key = index_key
        self.current_version = max(keys)

    @classmethod
    def derived(cls, secret: bytes) -> Keyring:
        """Version 1 and the index key derived from one secret: what development and tests run with."""
        return cls({1: derive_key(secret, DERIVED_DATA_KEY)}, derive_key(secret, DERIVED_INDEX_KEY))

    @property
    def versions(self) -> list[int]:
        return sorted(self._aead)

    def _cipher(self, version: int) -> AESGCM:
        try:
            return self._aead[version]
        except KeyError:
            raise CryptoError(f"no key of version {version} in the keyring") from None

    # --- text values -------------------------------------------------------------------------------
    def encrypt(self, plaintext: str, *, purpose: str = "") -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._cipher(self.current_version).encrypt(nonce, plaintext.encode(), purpose.encode())
        return f"v{self.current_version}${_b64encode(nonce + sealed)}"

    def decrypt(self, token: str, *, purpose: str = "") -> str:
        version, body = _split(token)
        raw = _b64decode(body)
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise CryptoError("the token is too short")
        try:
            plain = self._cipher(version).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode())
        except InvalidTag:
            raise CryptoError("the token does not decrypt: wrong key, purpose or tampered") from None
        return plain.decode()

    # --- files ---------------------------------------------------------------------------------------
    def encrypt_bytes(self, data: bytes, *, purpose: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        header = FILE_MAGIC + self.current_version.to_bytes(4, "big")
        return (
            header
            + nonce
            + self._cipher(self.current_version).encrypt(nonce, data, header + purpose.encode())
        )

    def decrypt_bytes(self, blob: bytes, *, purpose: str) -> bytes:
        version = file_version(blob)
        if version is None:
            raise CryptoError("the file is not encrypted")
        header, nonce = blob[:FILE_HEADER_BYTES], blob[FILE_HEADER_BYTES : FILE_HEADER_BYTES + NONCE_BYTES]
        body = blob[FILE_HEADER_BYTES + NONCE_BYTES :]
        if len(body) < TAG_BYTES:
            raise CryptoError("the file is too short")
        try:
            return self._cipher(version).decrypt(nonce, body, header + purpose.encode())
        except InvalidTag:
            raise CryptoError("the file does not decrypt: wrong key, name or tampered") from None

    # --- lookups ------------------------------------------------------------------------------------
    def blind_index(self, value: str, purpose: str) -> str:
        """HMAC-SHA256 (hex) of ``value`` for ``purpose``: equal values give equal indexes, and nothing
        else can be learnt from it without the index key. Normalise the value first (case, spaces)."""
        message = purpose.encode() + b"\x00" + value.encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


def _split(token: str) -> tuple[int, str]:
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise CryptoError("not an encrypted value")
    return int(match.group(1)), match.group(2)


def is_token(value: str) -> bool:
    """Whether ``value`` has the form of an encrypted value (it may still fail to decrypt)."""
    return _TOKEN.fullmatch(value) is not None


def version_of(token: str) -> int:
    """The key version a token was encrypted with."""
    return _split(token)[0]


def file_version(blob: bytes) -> int | None:
    """The key version of an encrypted file from its first bytes; None when it is not encrypted."""
    if len(blob) < FILE_HEADER_BYTES or not blob.startswith(FILE_MAGIC):
        return None
    return int.from_bytes(blob[len(FILE_MAGIC) : FILE_HEADER_BYTES], "big")
