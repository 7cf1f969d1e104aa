"""Sealing a batch of secrets with a one-time key, so that the database never holds them in
clear: the sealed bytes stay in the database, the key in the browser session of the person who
made them, and neither alone gives the secrets back.

Each key seals one payload only. The cipher is a stream from SHAKE-256 (keyed with the key and
a random nonce) XORed with the payload, then an HMAC-SHA256 tag over nonce and ciphertext under
a second key derived from the first (encrypt-then-MAC): a wrong key or altered bytes unseal to
nothing rather than to garbage. Only the standard library is used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_BYTES = 32
_NONCE_BYTES = 16
_TAG_BYTES = 32


def new_key() -> bytes:
    """A fresh random key, for sealing one payload."""
    return secrets.token_bytes(KEY_BYTES)


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    return hashlib.shake_256(b"lms-seal-stream\x00" + key + nonce).digest(length)


def _tag(key: bytes, data: bytes) -> bytes:
    mac_key = hashlib.sha256(b"lms-seal-mac\x00" + key).digest()
    return hmac.new(mac_key, data, hashlib.sha256).digest()


def _xor(data: bytes, stream: bytes) -> bytes:
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def seal(key: bytes, payload: bytes) -> bytes:
    """`payload` sealed with `key`: nonce, ciphertext and tag."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    body = _xor(payload, _stream(key, nonce, len(payload))) if payload else b""
    return nonce + body + _tag(key, nonce + body)


def unseal(key: bytes | None, sealed: bytes | None) -> bytes | None:
    """The payload, or None when the key is not the one it was sealed with (or is missing), or
    the sealed bytes were changed."""
    if not key or not sealed or len(sealed) < _NONCE_BYTES + _TAG_BYTES:
        return None
    nonce, body, tag = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:-_TAG_BYTES], sealed[-_TAG_BYTES:]
    if not hmac.compare_digest(tag, _tag(key, nonce + body)):
        return None
    return _xor(body, _stream(key, nonce, len(body))) if body else b""
