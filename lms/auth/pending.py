"""Form posts kept while their author logs in again: sealed, short-lived, one per account, and
only ever given back, never applied.

The fields are sealed with AES-256-GCM under a random key that goes to the browser (in its
signed session cookie) and never to the database; the row's token and owner are bound into
the tag, so a row copied to another account, or another row's key, opens nothing.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import sealing
from ..extensions import db
from .models import PendingSubmission

MAX_BYTES = 64 * 1024  # a checklist with long comments is a few KB


@dataclasses.dataclass(frozen=True)
class Kept:
    """What the browser holds to get a kept post back: the row's token and the key."""

    token: str
    key: bytes
    path: str


def _context(token: str, user_id: int) -> bytes:
    return f"lms kept form {token} {user_id}".encode()


def keep_submission(
    user_id: int,
    path: str,
    fields: list[tuple[str, str]],
    now: datetime,
    minutes: int,
    max_bytes: int = MAX_BYTES,
) -> Kept | None:
    """Keep `fields` posted to `path` by `user_id` for `minutes`, replacing what that account
    had kept before, and drop every kept post whose time is up. None (nothing kept) when the
    fields are larger than `max_bytes`."""
    payload = json.dumps(fields, ensure_ascii=False).encode()
    if len(payload) > max_bytes or len(path) > 500:
        return None
    db.session.execute(
        sa.delete(PendingSubmission).where(
            (PendingSubmission.expires_at <= now) | (PendingSubmission.user_id == user_id)
        )
    )
    token, key = secrets.token_urlsafe(16), sealing.new_key()
    sealed = sealing.seal(key, payload, _context(token, user_id))
    db.session.add(
        PendingSubmission(
            token=token,
            user_id=user_id,
            path=path,
            sealed=sealed,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    return Kept(token, key, path)


def take_submission(user_id: int, token: str, key: bytes, now: datetime):
    """The fields kept under `token`, for `user_id` only and once only (the row is deleted as
    it is given back). None when there is no such post, its time is up, the key does not open
    it, or it belongs to another account (which keeps it: it is not theirs to spend)."""
    row = db.session.get(PendingSubmission, token) if isinstance(token, str) else None
    if row is None or row.user_id != user_id:
        return None
    db.session.delete(row)
    if row.expires_at <= now:
        return None
    payload = sealing.unseal(key, row.sealed, _context(token, user_id))
    if payload is None:
        return None
    return [(str(name), str(value)) for name, value in json.loads(payload)]
