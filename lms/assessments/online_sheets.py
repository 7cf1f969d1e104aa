"""What the trainee sees of an attempt: one page of an open attempt (its questions, what was
saved, the time left), and the review of a handed-in one, as the curriculum allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..curricula.models import Instrument, Question, QuestionOption
from . import online_rules
from .models import TestAttempt
from .online_tests import load_questions, order_of, paper, saved_answers


@dataclass
class Sheet:
    """One page of an open attempt, as the trainee sees it."""

    attempt: TestAttempt
    page: int  # from 1
    pages: int
    questions: list[tuple[int, Question, list[QuestionOption]]]  # (number from 1, ...)
    chosen: dict[int, int]  # question id -> the option saved
    total: int
    unanswered: list[tuple[int, int, int]]  # (number, question id, page) without an answer
    deadline: datetime | None
    seconds_left: int | None
    minutes_left: int | None
    last_attempt: bool

    @property
    def answered(self) -> int:
        return self.total - len(self.unanswered)

    @property
    def complete_pages(self) -> set[int]:
        """The pages with every question answered."""
        return set(range(1, self.pages + 1)) - {page for _n, _q, page in self.unanswered}


def sheet(attempt: TestAttempt, instrument: Instrument, page: int | None, now: datetime) -> Sheet:
    """Page `page` of the attempt (None: where the trainee stopped), with what was saved on
    every page and the time left (three queries, whatever the test's length)."""
    order = order_of(attempt)
    per_page = instrument.questions_per_page
    page = online_rules.clamp_page(page or attempt.page, len(order), per_page)
    positions = online_rules.page_range(page, len(order), per_page)
    loaded = load_questions([order[n] for n in positions])
    chosen = {q: a.option_id for q, a in saved_answers(attempt).items() if a.option_id is not None}
    return Sheet(
        attempt=attempt,
        page=page,
        pages=online_rules.page_count(len(order), per_page),
        questions=[(n + 1, q, o) for n, (q, o) in zip(positions, loaded, strict=True)],
        chosen=chosen,
        total=len(order),
        unanswered=[
            (n + 1, q, online_rules.page_of(n, per_page))
            for n, (q, _ids) in enumerate(order)
            if q not in chosen
        ],
        deadline=attempt.deadline_at,
        seconds_left=online_rules.seconds_left(attempt.deadline_at, now),
        minutes_left=online_rules.minutes_left(attempt.deadline_at, now),
        last_attempt=attempt.number >= (instrument.attempts or 1),
    )


@dataclass
class ReviewItem:
    number: int
    question: Question
    options: list[QuestionOption]
    chosen: int | None
    right: int | None

    @property
    def correct(self) -> bool:
        return self.chosen is not None and self.chosen == self.right

    def _option(self, option_id: int | None) -> QuestionOption | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def chosen_option(self) -> QuestionOption | None:
        return self._option(self.chosen)

    @property
    def right_option(self) -> QuestionOption | None:
        return self._option(self.right)


@dataclass
class Review:
    """What the trainee sees of a handed-in attempt, as the curriculum allows."""

    attempt: TestAttempt
    shown: online_rules.Shown
    items: list[ReviewItem]  # every question, when the review shows questions at all

    @property
    def wrong(self) -> list[ReviewItem]:
        return [i for i in self.items if not i.correct]


def review(attempt: TestAttempt, instrument: Instrument, attempts: list[TestAttempt]) -> Review:
    """The review of a handed-in attempt: its score, its mistakes and the right answers as the
    test's review policy allows, given every attempt so far (`attempts`)."""
    passed = any(a.passed for a in attempts)
    left = online_rules.attempts_left(instrument.attempts, len(attempts), passed)
    shown = online_rules.shown(instrument.review, passed, left)
    if not shown.questions:
        return Review(attempt, shown, [])
    saved = saved_answers(attempt)
    items = []
    for number, (question, options) in enumerate(paper(attempt), start=1):
        answer = saved.get(question.id)
        items.append(
            ReviewItem(
                number,
                question,
                options,
                answer.option_id if answer else None,
                next((o.id for o in options if o.correct), None),
            )
        )
    return Review(attempt, shown, items)
