"""Sealing a batch of secrets with a one-time key, so that the database never holds them in
clear: the sealed bytes stay in the database, the key in the browser session of the person who
made them, and neither alone gives the secrets back.

Each key seals one payload only. The cipher is AES-256-GCM from `cryptography` (authenticated:
a wrong key or altered bytes unseal to nothing rather than to garbage), with a random 96-bit
nonce stored in front of the ciphertext.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
_NONCE_BYTES = 12
_CONTEXT = b"lms password handout"  # bound into the tag: these bytes seal nothing else


def new_key() -> bytes:
    """A fresh random key, for sealing one payload."""
    return secrets.token_bytes(KEY_BYTES)


def seal(key: bytes, payload: bytes) -> bytes:
    """`payload` sealed with `key`: nonce, then ciphertext with its tag."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, payload, _CONTEXT)


def unseal(key: bytes | None, sealed: bytes | None) -> bytes | None:
    """The payload, or None when the key is not the one it was sealed with (or is missing or
    malformed), or the sealed bytes were changed."""
    if not key or len(key) != KEY_BYTES or not sealed or len(sealed) < _NONCE_BYTES + 16:
        return None
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _CONTEXT)
    except InvalidTag:
        return None
