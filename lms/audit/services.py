"""Writing the audit trail, in the caller's transaction; `chain` says how it is hashed (keyed
with `LMS_AUDIT_KEY`) and checked."""

from __future__ import annotations

import json
from contextvars import ContextVar
from datetime import datetime
from typing import Any, ClassVar, Protocol

import sqlalchemy as sa
from flask import current_app

from ..database import acquire_lock
from ..extensions import db
from .chain import (
    GENESIS,
    TRANSITION,
    Anchor,
    ChainCheck,
    anchor,
    event_hash,
    is_keyed,
    keyed_genesis,
)
from .chain import verify_chain as verify_with_key
from .models import AuditEvent, AuditHead

__all__ = [
    "GENESIS",
    "TRANSITION",
    "Anchor",
    "ChainCheck",
    "anchor",
    "audit_key",
    "client_ip",
    "event_hash",
    "events_for",
    "key_the_trail",
    "record",
    "record_about",
    "verify_chain",
]

# The client address of the request being served, set by the app for each request so that
# services can record it without depending on Flask's request object.
client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def _canonical_details(details: dict) -> str:
    return json.dumps(
        details, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


class Audited(Protocol):
    """A row the audit trail speaks about: its class names it (`audit_type = "cohort"`)."""

    audit_type: ClassVar[str]
    id: Any


def audit_key() -> bytes:
    """The key the trail is made with (`LMS_AUDIT_KEY`, kept out of the database)."""
    return current_app.config["LMS_AUDIT_KEY"].encode()


def key_the_trail(now: datetime) -> bool:
    """Record the transition event of a trail written before the key (the caller commits);
    False when there was nothing to do (empty, or keyed already)."""
    acquire_lock("audit")
    return _move_over(audit_key(), now)


def _move_over(key: bytes, now: datetime) -> bool:
    if is_keyed(key) is not False:
        return False
    _append(None, TRANSITION, "audit", None, now, {"scheme": "hmac-sha256"}, key)
    return True


def record(actor, action: str, subject: Audited, /, *, now: datetime, **details: Any) -> AuditEvent:
    """Append an event about `subject` (its `audit_type` and id), with `details` as its
    content, in the caller's transaction (the caller commits)."""
    return record_about(actor, action, subject.audit_type, subject.id, now=now, **details)


def record_about(
    actor, action: str, object_type: str, object_id=None, /, *, now: datetime, **details: Any
) -> AuditEvent:
    """Append an event about an object named by type and id, or by type alone (an import of
    many rows), in the caller's transaction (the caller commits)."""
    acquire_lock("audit")
    key = audit_key()
    _move_over(key, now)  # a trail written before the key is keyed from here on
    return _append(actor, action, object_type, object_id, now, details, key)


def _append(actor, action, object_type, object_id, now, details, key: bytes) -> AuditEvent:
    prev = db.session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    fields = {
        "at": now.replace(tzinfo=None),
        "actor_id": getattr(actor, "id", None),
        "actor_username": getattr(actor, "username", None),
        "ip": client_ip.get(),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "details": _canonical_details(details),
        "prev_hash": prev or keyed_genesis(key),
    }
    event = AuditEvent(**fields, hash=event_hash(fields, key))
    db.session.add(event)
    db.session.flush()
    head = db.session.get(AuditHead, 1) or AuditHead(id=1, count=0)
    head.last_id, head.last_hash, head.count = event.id, event.hash, head.count + 1
    db.session.add(head)
    return event


def events_for(subject: Audited, limit: int = 20) -> list[AuditEvent]:
    """The newest `limit` events about `subject`, newest first (an object's history)."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(
                AuditEvent.object_type == subject.audit_type,
                AuditEvent.object_id == str(subject.id),
            )
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )


def verify_chain(anchors: tuple[Anchor, ...] = ()) -> ChainCheck:
    """Check the whole trail with the application's key (and against `anchors`)."""
    return verify_with_key(audit_key(), anchors)
