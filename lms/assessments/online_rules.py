"""The rules of taking a test online, over plain values: its pages, its clock, its review.

No database and no request: `online_tests` loads the attempt and applies these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from ..curricula.spec import ReviewPolicy

# Answers sent in the last moments travel over slow networks: what arrives within this much
# of the deadline still counts (and closes the attempt); anything later is not kept.
GRACE = timedelta(minutes=1)


def page_count(questions: int, per_page: int) -> int:
    """How many pages `questions` fill, `per_page` to a page (an empty test has one page)."""
    per_page = max(1, per_page)
    return max(1, -(-questions // per_page))


def page_range(page: int, questions: int, per_page: int) -> range:
    """The positions (from 0) of the questions on `page` (from 1; clamped to the pages)."""
    per_page = max(1, per_page)
    page = clamp_page(page, questions, per_page)
    return range((page - 1) * per_page, min(page * per_page, questions))


def clamp_page(page: int | None, questions: int, per_page: int) -> int:
    """`page` brought within 1 and the last page; the first when it is None."""
    last = page_count(questions, per_page)
    return min(max(page or 1, 1), last)


def page_of(position: int, per_page: int) -> int:
    """The page (from 1) of the question at `position` (from 0)."""
    return position // max(1, per_page) + 1


class Time(Enum):
    """Where an attempt stands against its deadline at a moment."""

    OPEN = "open"  # before the deadline, or untimed
    LATE = "late"  # past it, within the grace: what arrives counts, then the attempt closes
    OVER = "over"  # past the grace: nothing more counts; the attempt is marked as it stood


def time_at(deadline: datetime | None, now: datetime) -> Time:
    """Whether answers arriving `now` count, for an attempt due at `deadline`."""
    if deadline is None or now <= deadline:
        return Time.OPEN
    return Time.LATE if now <= deadline + GRACE else Time.OVER


def seconds_left(deadline: datetime | None, now: datetime) -> int | None:
    """Whole seconds until `deadline` (0 once past it); None when untimed."""
    if deadline is None:
        return None
    return max(0, int((deadline - now).total_seconds()))


def minutes_left(deadline: datetime | None, now: datetime) -> int | None:
    """Minutes until `deadline`, rounded up (a test with 20 seconds left has 1 minute left)."""
    seconds = seconds_left(deadline, now)
    return None if seconds is None else -(-seconds // 60)


@dataclass(frozen=True)
class Shown:
    """What the review of a handed-in attempt shows the trainee."""

    score: bool  # the score (passed or not is always shown)
    mistakes: bool  # which questions were answered wrongly, and the answer given
    right_answers: bool  # the right answer of each question

    @property
    def questions(self) -> bool:
        return self.mistakes or self.right_answers


def shown(policy: ReviewPolicy, passed: bool, attempts_left: int) -> Shown:
    """What the curriculum's review policy lets the trainee see now. `mistakes` shows the right
    answers only once no retake can use them: the test is passed, or no attempt is left."""
    if policy is ReviewPolicy.NONE:
        return Shown(False, False, False)
    if policy is ReviewPolicy.SCORE:
        return Shown(True, False, False)
    if policy is ReviewPolicy.MISTAKES:
        return Shown(True, True, passed or attempts_left <= 0)
    return Shown(True, True, True)


def attempts_left(allowed: int | None, used: int, passed: bool) -> int:
    """Attempts the trainee may still start: none once passed."""
    return 0 if passed else max(0, (allowed or 1) - used)
