"""Receipts without HTTP: keys, hashes, finding, judging, storing and sweeping."""

from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy.exc import IntegrityError

from lms.database import utcnow
from lms.extensions import db
from lms.receipts import services as receipts
from lms.receipts.models import SubmissionReceipt

from .. import factories


def test_keys_are_uuids():
    assert receipts.valid_key(str(uuid4()))
    for junk in ["", "x" * 36, str(uuid4()).upper(), str(uuid4()) + "0", "'; drop", None]:
        assert not receipts.valid_key(junk)


def test_the_hash_ignores_order_and_sees_content():
    one = receipts.digest([("a", "1"), ("b", "2")], [("photo", "p.jpg", b"x")])
    assert one == receipts.digest([("b", "2"), ("a", "1")], [("photo", "p.jpg", b"x")])
    assert one != receipts.digest([("a", "1"), ("b", "3")], [("photo", "p.jpg", b"x")])
    assert one != receipts.digest([("a", "1"), ("b", "2")], [("photo", "p.jpg", b"y")])


def test_a_receipt_replays_the_same_post_and_refuses_another(app):
    user, key, now = factories.user(username="ann.a"), str(uuid4()), utcnow()
    receipts.store(user.id, key, "/x", "d1", 302, "/records/1", now)
    db.session.commit()
    found = receipts.find(user.id, key, now)
    assert found.location == "/records/1"
    assert receipts.verdict(found, "/x", "d1") == receipts.REPLAY
    assert receipts.verdict(found, "/x", "d2") == receipts.CONFLICT
    assert receipts.verdict(found, "/y", "d1") == receipts.CONFLICT
    other = factories.user(username="bob.b")
    assert receipts.find(other.id, key, now) is None


def test_a_key_is_unique_per_account(app):
    user, key, now = factories.user(username="ann.a"), str(uuid4()), utcnow()
    receipts.store(user.id, key, "/x", "d1", 302, "/1", now)
    with pytest.raises(IntegrityError):
        receipts.store(user.id, key, "/x", "d1", 302, "/2", now)
    db.session.rollback()


def test_receipts_expire_and_are_swept_when_writing(app):
    user, now = factories.user(username="ann.a"), utcnow()
    old = str(uuid4())
    receipts.store(user.id, old, "/x", "d", 302, "/1", now - timedelta(days=8))
    db.session.commit()
    assert receipts.find(user.id, old, now) is None
    receipts.store(user.id, str(uuid4()), "/x", "d", 302, "/2", now)
    db.session.commit()
    assert db.session.query(SubmissionReceipt).count() == 1
    receipts.store(user.id, old, "/x", "d", 302, "/3", now)  # the key can be used again
    db.session.commit()
