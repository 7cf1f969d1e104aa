"""Writing and checking the audit trail.

Each event stores the SHA-256 of its own content together with the hash of the event before
it, so editing or deleting any event breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol

import sqlalchemy as sa

from ..database import acquire_lock, utcnow
from ..extensions import db
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64

# The client address of the request being served, set by the app for each request so that
# services can record it without depending on Flask's request object.
client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def _canonical_details(details: dict | None) -> str:
    return json.dumps(
        details or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def event_hash(
    *,
    at: datetime,
    actor_id: int | None,
    actor_username: str | None,
    ip: str | None,
    action: str,
    object_type: str,
    object_id: str | None,
    details: str,
    prev_hash: str,
) -> str:
    """The SHA-256 of an event's content and the previous event's hash."""
    payload = json.dumps(
        [
            at.isoformat(timespec="microseconds"),
            actor_id,
            actor_username,
            ip,
            action,
            object_type,
            object_id,
            details,
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class Audited(Protocol):
    """A row the audit trail speaks about: its class names it (`audit_type = "cohort"`)."""

    audit_type: ClassVar[str]
    id: Any


def record(
    actor,
    action: str,
    subject: Audited,
    details: dict | None = None,
    *,
    now: datetime | None = None,
) -> AuditEvent:
    """Append an event about `subject` (its `audit_type` and id) in the caller's transaction
    (the caller commits)."""
    return record_about(actor, action, subject.audit_type, subject.id, details, now=now)


def record_about(
    actor,
    action: str,
    object_type: str,
    object_id=None,
    details: dict | None = None,
    *,
    now: datetime | None = None,
) -> AuditEvent:
    """Append an event about an object named by type and id, or by type alone (an import of
    many rows), in the caller's transaction (the caller commits)."""
    acquire_lock("audit")
    prev = db.session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    fields = {
        "at": (now or utcnow()).replace(tzinfo=None),
        "actor_id": getattr(actor, "id", None),
        "actor_username": getattr(actor, "username", None),
        "ip": client_ip.get(),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "details": _canonical_details(details),
        "prev_hash": prev or GENESIS,
    }
    event = AuditEvent(**fields, hash=event_hash(**fields))
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


@dataclass
class ChainCheck:
    ok: bool
    checked: int
    bad_id: int | None = None
    problem: str | None = None


def verify_chain(batch: int = 5000) -> ChainCheck:
    """Recompute every hash in order; report the first event that does not match."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch)
        ).all()
        if not rows:
            head = db.session.get(AuditHead, 1)
            if head is not None and (head.count != checked or head.last_hash != prev):
                return ChainCheck(
                    False,
                    checked,
                    head.last_id,
                    "the newest events were deleted: the trail ends before the last recorded event",
                )
            return ChainCheck(True, checked)
        for ev in rows:
            if ev.prev_hash != prev:
                return ChainCheck(
                    False,
                    checked,
                    ev.id,
                    "previous hash does not match: an event before it was changed or deleted",
                )
            expected = event_hash(
                at=ev.at,
                actor_id=ev.actor_id,
                actor_username=ev.actor_username,
                ip=ev.ip,
                action=ev.action,
                object_type=ev.object_type,
                object_id=ev.object_id,
                details=ev.details,
                prev_hash=ev.prev_hash,
            )
            if expected != ev.hash:
                return ChainCheck(False, checked, ev.id, "content does not match its hash")
            prev = ev.hash
            checked += 1
            last_id = ev.id
        db.session.expunge_all()
