"""The keyring of personal data at rest: AES-GCM round trips, refusals, key versions and blind indexes."""

from __future__ import annotations

import base64

import pytest

from senim.kit.crypto import (
    FILE_MAGIC,
    CryptoError,
    Keyring,
    file_version,
    generate_key,
    is_token,
    parse_key,
    parse_keys,
    version_of,
)
from senim.kit.encrypted import attachment_headers, normalise_email

K1, K2, K3, INDEX = (bytes([n]) * 32 for n in (1, 2, 3, 9))
B64 = {n: base64.b64encode(bytes([n]) * 32).decode() for n in (1, 2, 3)}


def ring(*versions: int, index: bytes = INDEX) -> Keyring:
    keys = {1: K1, 2: K2, 3: K3}
    return Keyring({v: keys[v] for v in versions}, index)


@pytest.mark.parametrize(
    "plaintext",
    ["", "a", "aigerim@example.kz", "+77012345678", "Айгерім Нұрланқызы Сәдуақасова", "x" * 5000, "a$b\x00c"],
)
def test_a_value_comes_back_as_it_went_in(plaintext: str) -> None:
    keyring = ring(1)
    token = keyring.encrypt(plaintext, purpose="user_account.email")
    assert token.startswith("v1$") and is_token(token)
    assert len(plaintext) < 4 or plaintext not in token
    assert keyring.decrypt(token, purpose="user_account.email") == plaintext


def test_the_same_value_encrypts_differently_each_time() -> None:
    keyring = ring(1)
    assert keyring.encrypt("same", purpose="p") != keyring.encrypt("same", purpose="p")


def test_the_highest_version_encrypts_and_every_version_held_decrypts() -> None:
    old = ring(1).encrypt("value", purpose="p")
    both = ring(1, 2)
    assert both.current_version == 2 and both.versions == [1, 2]
    new = both.encrypt("value", purpose="p")
    assert (version_of(old), version_of(new)) == (1, 2)
    assert both.decrypt(old, purpose="p") == both.decrypt(new, purpose="p") == "value"


@pytest.mark.parametrize(
    ("reader", "token_of", "purpose"),
    [
        (ring(2), lambda: ring(1).encrypt("secret", purpose="p"), "p"),  # a version the keyring lacks
        (ring(1), lambda: ring(1).encrypt("secret", purpose="p"), "other"),  # another column
        (Keyring({1: K2}, INDEX), lambda: ring(1).encrypt("secret", purpose="p"), "p"),  # wrong key
    ],
    ids=["unknown version", "another purpose", "wrong key"],
)
def test_a_token_is_refused_without_the_right_key_and_purpose(
    reader: Keyring, token_of, purpose: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CryptoError) as refused:
        reader.decrypt(token_of(), purpose=purpose)
    assert "secret" not in str(refused.value)


def _flip(token: str, at: int) -> str:
    chars = list(token)
    chars[at] = "A" if chars[at] != "A" else "B"
    return "".join(chars)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: _flip(t, -1),  # the tag
        lambda t: _flip(t, 10),  # the nonce
        lambda t: _flip(t, 30),  # the ciphertext
        lambda t: "v2" + t[2:],  # another version's key
        lambda t: t[:-4],  # truncated
        lambda t: "v1$",  # empty
        lambda t: "v1$abc",  # too short
        lambda t: t.replace("v1$", ""),  # no version
        lambda t: "plain text",
        lambda t: "v1$" + "!" * 40,  # not base64
    ],
)
def test_a_tampered_or_malformed_token_is_refused(tamper) -> None:  # type: ignore[no-untyped-def]
    keyring = ring(1, 2)
    token = ring(1).encrypt("a value long enough to span blocks", purpose="p")
    with pytest.raises(CryptoError):
        keyring.decrypt(tamper(token), purpose="p")


def test_a_file_round_trips_with_its_version_in_the_header() -> None:
    data = b"%PDF-1.4 a letter with a name in it"
    sealed = ring(1, 2).encrypt_bytes(data, purpose="file:evidence/ab/x.pdf")
    assert sealed.startswith(FILE_MAGIC) and file_version(sealed) == 2 and b"name" not in sealed
    assert ring(2).decrypt_bytes(sealed, purpose="file:evidence/ab/x.pdf") == data
    assert file_version(data) is None and file_version(b"") is None


@pytest.mark.parametrize(
    ("blob_of", "purpose"),
    [
        (lambda s: s, "file:evidence/ab/other.pdf"),  # moved under another name
        (lambda s: s[:-1] + bytes([s[-1] ^ 1]), "file:k"),  # tag
        (lambda s: s[:30] + bytes([s[30] ^ 1]) + s[31:], "file:k"),  # body
        (lambda s: s[:9] + bytes([s[9] ^ 3]) + s[10:], "file:k"),  # header version: 1 -> 2
        (lambda s: s[:20], "file:k"),  # truncated
        (lambda s: b"plain bytes of a document", "file:k"),  # not encrypted
    ],
)
def test_a_tampered_moved_or_plain_file_is_refused(blob_of, purpose: str) -> None:  # type: ignore[no-untyped-def]
    sealed = ring(1).encrypt_bytes(b"document bytes " * 10, purpose="file:k")
    with pytest.raises(CryptoError):
        ring(1, 2).decrypt_bytes(blob_of(sealed), purpose=purpose)


def test_the_blind_index_is_stable_across_rotation_and_depends_on_purpose_and_key() -> None:
    before, after = ring(1), ring(1, 2, 3)
    index = before.blind_index("aigerim@example.kz", "complaint.contact_email")
    assert len(index) == 64 and int(index, 16) >= 0
    assert after.blind_index("aigerim@example.kz", "complaint.contact_email") == index
    assert before.blind_index("aigerim@example.kz", "legal_representative.email") != index
    assert before.blind_index("other@example.kz", "complaint.contact_email") != index
    assert (
        ring(1, index=bytes([7]) * 32).blind_index("aigerim@example.kz", "complaint.contact_email") != index
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"3:{B64[3]},2:{B64[2]}", {3: K3, 2: K2}),
        (f" 1 : {B64[1]} ", {1: K1}),
        (f"1:{B64[1].rstrip('=')}", {1: K1}),  # unpadded
        (f"2:{base64.urlsafe_b64encode(K2).decode()},", {2: K2}),  # url-safe, trailing comma
    ],
)
def test_data_keys_are_read_from_versioned_base64(text: str, expected: dict[int, bytes]) -> None:
    assert parse_keys(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", ",", B64[1], f"0:{B64[1]}", f"x:{B64[1]}", f"1:{B64[1]},1:{B64[2]}", "1:c2hvcnQ=", "1:***"],
    ids=["empty", "comma", "no version", "version 0", "not a number", "twice", "short", "not base64"],
)
def test_malformed_data_keys_are_refused(text: str) -> None:
    with pytest.raises(CryptoError):
        parse_keys(text)


def test_a_generated_key_is_a_fresh_256_bit_key() -> None:
    a, b = generate_key(), generate_key()
    assert a != b and len(parse_key(a)) == 32


@pytest.mark.parametrize(
    ("keys", "index"),
    [({}, INDEX), ({1: b"short"}, INDEX), ({0: K1}, INDEX), ({1: K1}, b"short"), ({1: K1}, K1)],
    ids=["no key", "short key", "version 0", "short index key", "index key reused"],
)
def test_a_keyring_refuses_bad_keys(keys: dict[int, bytes], index: bytes) -> None:
    with pytest.raises(CryptoError):
        Keyring(keys, index)


def test_derived_keys_depend_on_the_secret() -> None:
    a, b = Keyring.derived(b"one secret"), Keyring.derived(b"another secret")
    token = a.encrypt("value", purpose="p")
    assert Keyring.derived(b"one secret").decrypt(token, purpose="p") == "value"
    with pytest.raises(CryptoError):
        b.decrypt(token, purpose="p")


@pytest.mark.parametrize(
    ("address", "normalised"), [(" Aigerim@Example.KZ ", "aigerim@example.kz"), ("a@b.kz", "a@b.kz")]
)
def test_addresses_are_indexed_in_lower_case(address: str, normalised: str) -> None:
    assert normalise_email(address) == normalised


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        ("letter.pdf", 'attachment; filename="letter.pdf"'),
        ("хат.pdf", "attachment; filename*=utf-8''%D1%85%D0%B0%D1%82.pdf"),
    ],
)
def test_a_decrypted_document_is_served_as_an_attachment(filename: str, header: str) -> None:
    assert attachment_headers(filename) == {"content-disposition": header}
