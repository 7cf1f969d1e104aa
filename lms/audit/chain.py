"""The audit trail's chain: how each event's hash is made, and how the whole is checked.

Each event stores a hash of its own content together with the hash of the event before it, so
editing or deleting an event breaks the chain from there on. The hash is an HMAC-SHA256 with
`LMS_AUDIT_KEY`, a key kept out of the database: someone who can write the database but does
not hold the key cannot recompute the chain after rewriting it.

A keyed chain starts from a genesis value derived from the key. A trail written before the key
(plain SHA-256, starting from zeros) moves over with a transition event (`audit.keyed`), keyed
itself, after which every event is keyed. A trail that has no keyed part is refused, since that
is also what a re-chained copy made without the key looks like.

An anchor (`flask --app wsgi audit anchor`) is the newest event's id and hash, kept elsewhere;
checking with it also catches the newest events being cut off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64  # where a trail written before the key starts
TRANSITION = "audit.keyed"  # the event from which a trail written before the key is keyed


def keyed_genesis(key: bytes) -> str:
    """Where a keyed chain starts: nobody without the key can make it."""
    return hmac.new(key, b"lms-audit-genesis", hashlib.sha256).hexdigest()


# What an event's hash covers, in this order.
CONTENT = (
    "at",
    "actor_id",
    "actor_username",
    "ip",
    "action",
    "object_type",
    "object_id",
    "details",
    "prev_hash",
)


def event_hash(content: Mapping[str, Any], key: bytes | None) -> str:
    """The HMAC-SHA256 under `key` of an event's `CONTENT` (the previous event's hash
    included), or the plain SHA-256 for an event written before the key (`key=None`)."""
    values = [content[name] for name in CONTENT]
    values[0] = values[0].isoformat(timespec="microseconds")
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def hash_of(event: AuditEvent, key: bytes | None) -> str:
    return event_hash({name: getattr(event, name) for name in CONTENT}, key)


def is_keyed(key: bytes) -> bool | None:
    """Whether the trail is keyed (None: it is empty)."""
    first = db.session.scalar(sa.select(AuditEvent.prev_hash).order_by(AuditEvent.id).limit(1))
    if first is None:
        return None
    if first != GENESIS:
        return True
    moved = sa.select(AuditEvent.id).where(AuditEvent.action == TRANSITION).limit(1)
    return db.session.scalar(moved) is not None


@dataclass(frozen=True)
class Anchor:
    """The newest event when the anchor was taken, to keep somewhere the database is not."""

    id: int
    hash: str
    count: int
    taken_at: str

    def to_json(self) -> str:
        return json.dumps(
            {"id": self.id, "hash": self.hash, "count": self.count, "taken_at": self.taken_at}
        )

    @classmethod
    def from_json(cls, text: str) -> Anchor:
        """An anchor read back; ValueError when the text is not one."""
        try:
            data = json.loads(text)
            return cls(int(data["id"]), str(data["hash"]), int(data["count"]), data["taken_at"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError("not an audit anchor (expected id, hash, count, taken_at)") from exc


def anchor(now: datetime) -> Anchor | None:
    """The current head of the trail (None when it is empty)."""
    head = db.session.get(AuditHead, 1)
    if head is None:
        return None
    return Anchor(head.last_id, head.last_hash, head.count, now.isoformat(timespec="seconds"))


@dataclass
class ChainCheck:
    ok: bool
    checked: int
    bad_id: int | None = None
    problem: str | None = None


class _Walk:
    """The state of a walk along the chain, event by event."""

    def __init__(self, key: bytes):
        self.key = key
        self.prev: str | None = None  # the hash the next event must point back to
        self.keyed = False
        self.checked = 0
        self.seen: dict[int, str] = {}

    def step(self, event: AuditEvent) -> str | None:
        """What is wrong with the next event, or None."""
        if self.prev is None:  # the first event says how the chain starts
            if event.prev_hash == keyed_genesis(self.key):
                self.keyed = True
            elif event.prev_hash != GENESIS:
                return "the first event does not start a chain made with this LMS_AUDIT_KEY"
            self.prev = event.prev_hash
        if event.prev_hash != self.prev:
            return "previous hash does not match: an event before it was changed or deleted"
        if event.action == TRANSITION:
            self.keyed = True
        if hash_of(event, self.key if self.keyed else None) != event.hash:
            return (
                "content does not match its hash (or LMS_AUDIT_KEY is not the key it was made with)"
            )
        self.prev = event.hash
        self.checked += 1
        return None


def verify_chain(key: bytes, anchors: tuple[Anchor, ...] = (), batch: int = 5000) -> ChainCheck:
    """Recompute every hash in order and report the first event that does not match; the
    trail must be keyed, end where its head says, and still hold each anchor's event."""
    walk = _Walk(key)
    wanted = {a.id: a for a in anchors}
    last_id = 0
    while True:
        rows = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            problem = walk.step(event)
            if problem:
                return ChainCheck(False, walk.checked, event.id, problem)
            if event.id in wanted and wanted.pop(event.id).hash != event.hash:
                return ChainCheck(
                    False, walk.checked, event.id, "the event differs from the anchor's"
                )
            last_id = event.id
        db.session.expunge_all()
    if wanted:
        first = min(wanted)
        return ChainCheck(
            False, walk.checked, first, "the anchored event is no longer in the trail"
        )
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.count != walk.checked or head.last_hash != walk.prev):
        problem = "the newest events were deleted: the trail ends before the last recorded event"
        return ChainCheck(False, walk.checked, head.last_id, problem)
    if walk.checked and not walk.keyed:
        problem = (
            "the trail is not keyed: it was written without LMS_AUDIT_KEY and has no transition "
            "event (run `flask --app wsgi setup` to record one), or it was re-chained"
        )
        return ChainCheck(False, walk.checked, None, problem)
    return ChainCheck(True, walk.checked)
