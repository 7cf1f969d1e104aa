"""The chain is keyed: someone who can write the database but lacks LMS_AUDIT_KEY cannot
rewrite it, not even by recomputing every hash with the app's own `event_hash` and updating the
head; a trail written before the key moves over with a transition event; an anchor kept
elsewhere catches the newest events being cut off."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from lms.audit import chain
from lms.audit import services as audit
from lms.audit.models import AuditEvent, AuditHead
from lms.database import utcnow
from lms.extensions import db

from .. import factories


def _events(n=3):
    admin = factories.user(username="chief")
    for i in range(n):
        audit.record_about(admin, "test.event", "thing", i, now=utcnow(), n=i)
    db.session.commit()


def _rechain(key: bytes | None, keep=lambda event: True) -> None:
    """What a tester with write access did: drop events, recompute every hash in order (with
    the app's own event_hash and a key of their choosing, or none), update the head."""
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    prev = chain.GENESIS if key is None else chain.keyed_genesis(key)
    kept = 0
    for event in events:
        if not keep(event):
            db.session.delete(event)
            continue
        event.prev_hash = prev
        event.hash = chain.hash_of(event, key)
        prev, kept = event.hash, kept + 1
        last = event
    head = db.session.get(AuditHead, 1)
    head.last_id, head.last_hash, head.count = last.id, last.hash, kept
    db.session.commit()


def test_a_new_trail_is_keyed_and_verifies(app):
    _events()
    first = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).first()
    assert first.prev_hash == chain.keyed_genesis(app.config["LMS_AUDIT_KEY"].encode())
    assert audit.verify_chain().ok


@pytest.mark.parametrize("key", [None, b"a-guess-at-the-key"], ids=["unkeyed", "wrong key"])
def test_a_rechained_copy_is_caught(app, key):
    _events()
    _rechain(key, keep=lambda event: event.details != '{"n":1}')
    result = audit.verify_chain()
    assert not result.ok


def test_a_trail_from_before_the_key_moves_over_with_a_transition(app):
    _events()
    _rechain(None)  # as the trail was before this release: plain SHA-256 from zeros
    assert not audit.verify_chain().ok  # not keyed yet
    assert audit.key_the_trail(utcnow()) is True
    db.session.commit()
    assert audit.key_the_trail(utcnow()) is False  # once
    audit.record_about(None, "test.after", "thing", 9, now=utcnow())
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == [chain.TRANSITION, "test.after"]
    result = audit.verify_chain()
    assert result.ok and result.checked == len(actions)


def test_the_first_write_after_the_upgrade_records_the_transition_itself(app):
    _events()
    _rechain(None)
    audit.record_about(None, "test.after", "thing", 9, now=utcnow())
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == [chain.TRANSITION, "test.after"] and audit.verify_chain().ok


def test_the_unkeyed_part_cannot_be_rewritten_after_the_transition(app):
    _events()
    _rechain(None)
    audit.key_the_trail(utcnow())
    db.session.commit()
    transition = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == chain.TRANSITION)
    ).one()
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    prev = chain.GENESIS
    for event in events:  # rewrite the unkeyed part consistently, up to the transition
        if event.id == transition.id:
            break
        if event.details == '{"n":1}':
            event.details = '{"n":99}'
        event.prev_hash = prev
        event.hash = chain.hash_of(event, None)
        prev = event.hash
    db.session.commit()
    result = audit.verify_chain()
    assert not result.ok and result.bad_id == transition.id


def test_an_anchor_catches_the_newest_events_cut_off(app, runner, tmp_path):
    _events()
    path = tmp_path / "anchor.json"
    result = runner.invoke(args=["audit", "anchor", "--output", str(path)])
    assert result.exit_code == 0, result.output
    anchored = json.loads(path.read_text())
    assert set(anchored) == {"id", "hash", "count", "taken_at"}
    ok = runner.invoke(args=["audit", "verify", "--anchor", str(path)])
    assert ok.exit_code == 0 and "1 anchor(s) held" in ok.output
    # cut off the newest event and make the head agree: only the anchor can tell
    newest = db.session.get(AuditEvent, anchored["id"])
    before = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.id < newest.id).order_by(AuditEvent.id.desc())
    ).first()
    db.session.delete(newest)
    head = db.session.get(AuditHead, 1)
    head.last_id, head.last_hash, head.count = before.id, before.hash, head.count - 1
    db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    cut = runner.invoke(args=["audit", "verify", "--anchor", str(path)])
    assert cut.exit_code == 1 and "anchored event is no longer in the trail" in cut.output


def test_anchor_to_standard_output_and_a_bad_anchor_file_is_named(app, runner, tmp_path):
    _events()
    out = runner.invoke(args=["audit", "anchor"])
    assert out.exit_code == 0 and json.loads(out.output)["count"] == 4
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = runner.invoke(args=["audit", "verify", "--anchor", str(bad)])
    assert refused.exit_code == 2 and "bad.json" in refused.output


def test_production_needs_an_audit_key_apart_from_the_secret_key(monkeypatch):
    from lms import config

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.delenv("LMS_AUDIT_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="LMS_AUDIT_KEY is not set"):
        config.from_environment()
    monkeypatch.setenv("LMS_AUDIT_KEY", "s" * 64)
    with pytest.raises(config.ConfigError, match="must not be the same as SECRET_KEY"):
        config.from_environment()
    monkeypatch.setenv("LMS_AUDIT_KEY", "short")
    with pytest.raises(config.ConfigError, match="at least 32"):
        config.from_environment()
    monkeypatch.setenv("LMS_AUDIT_KEY", "k" * 64)
    assert config.from_environment()["LMS_AUDIT_KEY"] == "k" * 64
