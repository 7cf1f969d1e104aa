"""Receipts: checking a key, hashing a post, finding, judging and storing a receipt.

A receipt lasts `LIFETIME`; expired ones are swept whenever a new one is written."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..extensions import db
from .models import SubmissionReceipt

LIFETIME = timedelta(days=7)
KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REPLAY, CONFLICT = "replay", "conflict"


def valid_key(raw: str) -> bool:
    """Whether `raw` is a key as browsers make them: a UUID, lower-case, with hyphens."""
    return isinstance(raw, str) and KEY.fullmatch(raw) is not None


def digest(fields: Iterable[tuple[str, str]], files: Iterable[tuple[str, str, bytes]]) -> str:
    """A SHA-256 of a post's fields and files, whatever their order."""
    parts = sorted(f"f\0{name}\0{value}" for name, value in fields)
    parts += sorted(
        f"u\0{name}\0{filename}\0{hashlib.sha256(data).hexdigest()}"
        for name, filename, data in files
    )
    return hashlib.sha256("\0\0".join(parts).encode()).hexdigest()


def find(user_id: int, key: str, now: datetime) -> SubmissionReceipt | None:
    """The account's unexpired receipt for `key`."""
    return db.session.scalars(
        sa.select(SubmissionReceipt).where(
            SubmissionReceipt.user_id == user_id,
            SubmissionReceipt.key == key,
            SubmissionReceipt.created_at > now - LIFETIME,
        )
    ).first()


def verdict(receipt: SubmissionReceipt, endpoint: str, post_digest: str) -> str:
    """A repeat of the same post to the same address is replayed; anything else conflicts."""
    same = receipt.endpoint == endpoint and receipt.digest == post_digest
    return REPLAY if same else CONFLICT


def store(
    user_id: int,
    key: str,
    endpoint: str,
    post_digest: str,
    status: int,
    location: str,
    now: datetime,
) -> SubmissionReceipt:
    """Write the receipt in the current transaction (expired ones go first). A key the account
    already used raises IntegrityError at the flush."""
    db.session.execute(
        sa.delete(SubmissionReceipt).where(SubmissionReceipt.created_at <= now - LIFETIME)
    )
    receipt = SubmissionReceipt(
        user_id=user_id,
        key=key,
        endpoint=endpoint[:500],
        digest=post_digest,
        status=status,
        location=location[:2000],
        created_at=now,
    )
    db.session.add(receipt)
    db.session.flush()
    return receipt
