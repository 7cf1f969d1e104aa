"""Taking a knowledge test online, without HTTP: pages, answers saved as the trainee goes, the
resume after an interruption, the time limit the server enforces, the review the curriculum
allows and the notice before the last attempt. Every moment is passed explicitly."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.assessments import online_rules, online_sheets, online_tests
from lms.assessments.models import TestAnswer
from lms.audit.models import AuditEvent
from lms.curricula.spec import ReviewPolicy
from lms.database import utcnow
from lms.errors import DomainError, Forbidden
from lms.extensions import db

from . import online_setup

MINUTE = timedelta(minutes=1)


@pytest.fixture
def online(app, tmp_path, curriculum, instructor):
    return online_setup.maker(tmp_path, instructor)


def _page_answers(sheet, answers: dict[int, int]) -> dict[int, int]:
    """The answers to the questions of this page only."""
    return {q.id: answers[q.id] for _n, q, _o in sheet.questions}


def test_the_attempt_is_paged_saved_page_by_page_and_resumes_where_it_stopped(online):
    o = online(n=12, per_page=5)
    now = utcnow()
    attempt = o.start(now)
    right = o.right(attempt)
    first = online_sheets.sheet(attempt, o.test, None, now)
    assert (first.page, first.pages, first.total, first.answered) == (1, 3, 12, 0)
    assert [n for n, _q, _o in first.questions] == [1, 2, 3, 4, 5]
    assert first.seconds_left == 30 * 60 and first.minutes_left == 30
    # "Next" saves the page and moves on; the browser then closes.
    assert (
        online_tests.save_answers(
            o.trainee, attempt, _page_answers(first, right), now + MINUTE, page=2
        )
        is None
    )
    db.session.commit()
    db.session.expire_all()
    # Coming back later (no page asked): the second page, with the first page's answers kept.
    back = online_sheets.sheet(attempt, o.test, None, now + 10 * MINUTE)
    assert back.page == 2 and back.answered == 5 and back.complete_pages == {1}
    assert [n for n, _q, _o in back.questions] == [6, 7, 8, 9, 10]
    assert back.minutes_left == 20
    assert [number for number, _q, _p in back.unanswered] == list(range(6, 13))
    assert {page for _n, _q, page in back.unanswered} == {2, 3}
    again = online_sheets.sheet(attempt, o.test, 1, now + 10 * MINUTE)
    assert all(again.chosen[q.id] == right[q.id] for _n, q, _o in again.questions)
    # The last page holds the rest; a page past the end is the last one.
    assert [n for n, _q, _o in online_sheets.sheet(attempt, o.test, 9, now).questions] == [11, 12]
    # An answer left blank on a page keeps the one saved before.
    online_tests.save_answers(o.trainee, attempt, dict.fromkeys(right), now, page=1)
    assert online_sheets.sheet(attempt, o.test, 1, now).answered == 5


def test_answers_must_belong_to_the_attempt_and_only_the_trainee_saves(online):
    o = online()
    attempt = o.start()
    question, option = next(iter(o.right(attempt).items()))
    with pytest.raises(DomainError, match="does not belong"):
        online_tests.save_answers(o.trainee, attempt, {question: 10**6}, utcnow())
    with pytest.raises(DomainError, match="does not belong"):
        online_tests.save_answers(o.trainee, attempt, {10**6: option}, utcnow())
    with pytest.raises(Forbidden):
        online_tests.save_answers(o.instructor, attempt, {question: option}, utcnow())
    with pytest.raises(Forbidden):
        online_tests.attempts_now(o.instructor, o.enrolment, o.test, utcnow())


def test_handing_in_marks_every_page_saved_and_the_last_page_sent(online):
    o = online(n=12, per_page=5)
    now = utcnow()
    attempt = o.start(now)
    right, wrong = o.right(attempt), o.wrong(attempt)
    ids = [q for q, _ids in online_tests.order_of(attempt)]
    online_tests.save_answers(o.trainee, attempt, {q: right[q] for q in ids[:5]}, now, page=2)
    online_tests.save_answers(o.trainee, attempt, {q: wrong[q] for q in ids[5:10]}, now, page=3)
    outcome = online_tests.submit_attempt(o.trainee, attempt, {ids[10]: right[ids[10]]}, now)
    assert (outcome.correct, outcome.total) == (6, 12) and not outcome.passed
    assert attempt.submitted_at == now and not attempt.timed_out
    rows = db.session.scalars(sa.select(TestAnswer).where(TestAnswer.attempt_id == attempt.id))
    assert len(rows.all()) == 12  # the unanswered one too, as no answer
    with pytest.raises(DomainError, match="already submitted"):
        online_tests.save_answers(o.trainee, attempt, {}, now)


def test_the_server_enforces_the_time_limit(online):
    o = online(minutes=30, n=6, per_page=3)
    start = utcnow()
    attempt = o.start(start)
    assert attempt.deadline_at == start + 30 * MINUTE
    right = o.right(attempt)
    ids = [q for q, _ids in online_tests.order_of(attempt)]
    online_tests.save_answers(o.trainee, attempt, {q: right[q] for q in ids[:3]}, start, page=2)
    # Within the grace after the deadline: the page still counts, and the attempt closes.
    late = attempt.deadline_at + online_rules.GRACE - timedelta(seconds=1)
    closed = online_tests.save_answers(
        o.trainee, attempt, {q: right[q] for q in ids[3:]}, late, page=2
    )
    assert closed is not None and closed.correct == 6 and attempt.timed_out
    assert attempt.submitted_at == late


def test_answers_after_the_grace_are_not_kept_and_the_attempt_is_marked_as_it_stood(online):
    o = online(minutes=30, n=6, per_page=3)
    start = utcnow()
    attempt = o.start(start)
    right = o.right(attempt)
    ids = [q for q, _ids in online_tests.order_of(attempt)]
    online_tests.save_answers(o.trainee, attempt, {q: right[q] for q in ids[:3]}, start, page=2)
    too_late = attempt.deadline_at + online_rules.GRACE + timedelta(seconds=1)
    outcome = online_tests.submit_attempt(
        o.trainee, attempt, {q: right[q] for q in ids[3:]}, too_late
    )
    assert (outcome.correct, outcome.total, outcome.passed) == (3, 6, False)
    assert attempt.timed_out and attempt.submitted_at == attempt.deadline_at
    assert not online_tests.is_open(attempt, too_late)
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "test.timed_out" in actions


def test_an_attempt_abandoned_past_its_time_is_closed_when_the_trainee_comes_back(online):
    o = online(minutes=10, n=3, per_page=3, attempts=2)
    start = utcnow()
    attempt = o.start(start)
    online_tests.save_answers(o.trainee, attempt, o.right(attempt), start + MINUTE)
    db.session.commit()
    # Still open within the time: nothing is closed.
    attempts, closed = online_tests.attempts_now(o.trainee, o.enrolment, o.test, start)
    assert closed is None and attempts[0].submitted_at is None
    later = start + 2 * online_rules.GRACE + 10 * MINUTE
    attempts, closed = online_tests.attempts_now(o.trainee, o.enrolment, o.test, later)
    assert closed is attempt and attempt.passed and attempt.timed_out  # saved answers count
    # A timed-out attempt counts as used: the trainee passed, so no new attempt.
    with pytest.raises(DomainError, match="already passed"):
        o.start(later)


def test_starting_again_after_an_abandoned_attempt_closes_it_and_opens_the_next(online):
    o = online(minutes=10, n=3, per_page=3, attempts=2)
    start = utcnow()
    first = o.start(start)
    later = start + 30 * MINUTE
    second = o.start(later)
    assert second.number == 2 and first.timed_out and first.score_percent == 0
    assert second.deadline_at == later + 10 * MINUTE


def test_an_untimed_test_has_no_deadline(online):
    o = online(minutes=None)
    attempt = o.start()
    sheet = online_sheets.sheet(attempt, o.test, None, utcnow())
    assert attempt.deadline_at is None and sheet.seconds_left is None
    far = utcnow() + timedelta(days=3)
    assert online_tests.save_answers(o.trainee, attempt, o.right(attempt), far) is None


@pytest.mark.parametrize(
    ("policy", "first", "last"),
    [
        # (score, mistakes, right answers) after a failed first attempt, then after the last.
        ("none", (False, False, False), (False, False, False)),
        ("score", (True, False, False), (True, False, False)),
        ("mistakes", (True, True, False), (True, True, True)),
        ("answers", (True, True, True), (True, True, True)),
    ],
)
def test_the_review_shows_what_the_curriculum_allows(online, policy, first, last):
    o = online(review=policy, n=4, per_page=2, attempts=2)
    assert o.test.review == ReviewPolicy(policy)
    now = utcnow()
    one = o.start(now)
    wrong = o.wrong(one)
    online_tests.submit_attempt(o.trainee, one, dict(list(wrong.items())[:1]), now)
    attempts, _closed = online_tests.attempts_now(o.trainee, o.enrolment, o.test, now)
    review = online_sheets.review(one, o.test, attempts)
    shown = review.shown
    assert (shown.score, shown.mistakes, shown.right_answers) == first
    if shown.questions:
        assert len(review.items) == 4 and len(review.wrong) == 4
        assert review.wrong[0].chosen is not None and review.wrong[1].chosen is None
        assert all(i.right is not None for i in review.items)
    else:
        assert review.items == []
    two = o.start(now)
    online_tests.submit_attempt(o.trainee, two, o.wrong(two), now)
    attempts, _closed = online_tests.attempts_now(o.trainee, o.enrolment, o.test, now)
    shown = online_sheets.review(one, o.test, attempts).shown
    assert (shown.score, shown.mistakes, shown.right_answers) == last


def test_mistakes_shows_the_right_answers_once_the_test_is_passed(online):
    o = online(review="mistakes", n=2, per_page=2, attempts=3)
    now = utcnow()
    attempt = o.start(now)
    online_tests.submit_attempt(o.trainee, attempt, o.right(attempt), now)
    review = online_sheets.review(attempt, o.test, [attempt])
    assert review.shown.right_answers and review.wrong == []


def test_the_last_attempt_is_known_before_and_during_it(online):
    o = online(attempts=2, minutes=None)
    now = utcnow()
    assert online_rules.attempts_left(o.test.attempts, 0, False) == 2
    first = o.start(now)
    assert not online_sheets.sheet(first, o.test, None, now).last_attempt
    online_tests.submit_attempt(o.trainee, first, {}, now)
    # One left: the test page says "this is your last attempt" (see the view tests).
    assert online_rules.attempts_left(o.test.attempts, 1, False) == 1
    second = o.start(now)
    assert online_sheets.sheet(second, o.test, None, now).last_attempt
    online_tests.submit_attempt(o.trainee, second, {}, now)
    assert online_rules.attempts_left(o.test.attempts, 2, False) == 0
    with pytest.raises(DomainError, match="every attempt"):
        o.start(now)
