"""Kept work, the rules: sealed, short-lived, one per account, given back once to its owner."""

from datetime import timedelta

import sqlalchemy as sa

from lms.auth import pending
from lms.auth.models import PendingSubmission
from lms.extensions import db

from .. import clock, factories

FIELDS = [("item1", "done"), ("item2", "not_done"), ("comments", "ផ្តល់ថ្នាំ ok")]


def _count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(PendingSubmission))


def test_kept_fields_come_back_once_to_their_owner(app):
    user = factories.user()
    db.session.commit()
    kept = pending.keep_submission(user.id, "/x", FIELDS, clock.now(), 30)
    db.session.commit()
    row = db.session.get(PendingSubmission, kept.token)
    assert b"done" not in row.sealed and "ផ្តល់".encode() not in row.sealed  # sealed
    assert pending.take_submission(user.id, kept.token, kept.key, clock.now()) == FIELDS
    db.session.commit()
    assert pending.take_submission(user.id, kept.token, kept.key, clock.now()) is None
    assert _count() == 0


def test_another_account_gets_nothing_and_the_owner_still_can(app):
    owner, other = factories.user(), factories.user()
    db.session.commit()
    kept = pending.keep_submission(owner.id, "/x", FIELDS, clock.now(), 30)
    db.session.commit()
    assert pending.take_submission(other.id, kept.token, kept.key, clock.now()) is None
    db.session.commit()
    assert pending.take_submission(owner.id, kept.token, kept.key, clock.now()) == FIELDS


def test_a_wrong_key_or_a_moved_row_opens_nothing(app):
    owner, other = factories.user(), factories.user()
    db.session.commit()
    kept = pending.keep_submission(owner.id, "/x", FIELDS, clock.now(), 30)
    db.session.commit()
    assert pending.take_submission(owner.id, kept.token, b"k" * 32, clock.now()) is None
    again = pending.keep_submission(owner.id, "/x", FIELDS, clock.now(), 30)
    db.session.get(PendingSubmission, again.token).user_id = other.id  # tampered in the database
    db.session.commit()
    assert pending.take_submission(other.id, again.token, again.key, clock.now()) is None


def test_kept_work_has_a_lifetime_and_the_old_is_deleted(app):
    user, other = factories.user(), factories.user()
    db.session.commit()
    old = pending.keep_submission(other.id, "/x", FIELDS, clock.now(), 30)
    kept = pending.keep_submission(user.id, "/x", FIELDS, clock.now(), 30)
    db.session.commit()
    later = clock.now() + timedelta(minutes=31)
    assert pending.take_submission(user.id, kept.token, kept.key, later) is None
    pending.keep_submission(user.id, "/y", FIELDS, later, 30)  # sweeps the other's too
    db.session.commit()
    assert db.session.get(PendingSubmission, old.token) is None
    assert _count() == 1


def test_one_kept_post_per_account_and_a_size_cap(app):
    user = factories.user()
    db.session.commit()
    first = pending.keep_submission(user.id, "/x", FIELDS, clock.now(), 30)
    second = pending.keep_submission(user.id, "/y", FIELDS, clock.now(), 30)
    db.session.commit()
    assert _count() == 1 and db.session.get(PendingSubmission, first.token) is None
    assert pending.take_submission(user.id, second.token, second.key, clock.now()) == FIELDS
    big = [("comments", "x" * pending.MAX_BYTES)]
    assert pending.keep_submission(user.id, "/x", big, clock.now(), 30) is None
