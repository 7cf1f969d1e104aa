"""Sealing secrets held briefly with a one-time key, so that the database never holds them in
clear: the sealed bytes stay in the database, the key in the browser session of the person who
made them, and neither alone gives the secrets back (imported accounts' passwords, form posts
kept while their author logs in again).

Each key seals one payload only. The cipher is AES-256-GCM from `cryptography` (authenticated:
a wrong key, a wrong `context` or altered bytes unseal to nothing rather than to garbage), with
a random 96-bit nonce stored in front of the ciphertext. `context` binds what the bytes are for
(and whose they are) into the tag.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
_NONCE_BYTES = 12


def new_key() -> bytes:
    """A fresh random key, for sealing one payload."""
    return secrets.token_bytes(KEY_BYTES)


def seal(key: bytes, payload: bytes, context: bytes) -> bytes:
    """`payload` sealed with `key` for `context`: nonce, then ciphertext with its tag."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, payload, context)


def unseal(key: bytes | None, sealed: bytes | None, context: bytes) -> bytes | None:
    """The payload, or None when the key is not the one it was sealed with (or is missing or
    malformed), the context is another, or the sealed bytes were changed."""
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        return None
    if not sealed or len(sealed) < _NONCE_BYTES + 16:
        return None
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], context)
    except InvalidTag:
        return None
