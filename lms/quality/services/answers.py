"""Checking one answer against its indicator: a pure rule over plain values."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ...errors import DomainError
from ..models import Answer, QualityIndicator
from ..spec import AnswerType


@dataclass
class AnswerInput:
    choice: str | None = None
    value: str | float | None = None
    note: str | None = None


class AnswerErrors(DomainError):
    """Some answers were refused; `errors` maps indicator id to a message. Nothing was saved."""

    def __init__(self, errors: dict[int, object]):
        super().__init__(_l("Some answers need correcting; nothing was saved."))
        self.errors = errors


def check_answer(indicator: QualityIndicator, given: AnswerInput):
    """(choice, value) for a valid answer, or raise DomainError with what is wrong."""
    choice = given.choice or None
    if choice == Answer.NA.value:
        if not indicator.allow_na:
            raise DomainError(_l("This indicator cannot be marked not applicable."))
        return Answer.NA, None
    if indicator.answer_type in (AnswerType.YES_NO, AnswerType.YES_PARTIAL_NO):
        allowed = {Answer.YES.value, Answer.NO.value}
        if indicator.answer_type == AnswerType.YES_PARTIAL_NO:
            allowed.add(Answer.PARTIAL.value)
        if choice is None:
            return None, None
        if choice not in allowed:
            raise DomainError(_l("This answer is not one of the choices."))
        return Answer(choice), None
    raw = given.value
    if raw is None or str(raw).strip() == "":
        return None, None
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise DomainError(_l("Enter a number.")) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise DomainError(_l("Enter a number."))
    low, high = indicator.minimum, indicator.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise DomainError(
            _l("Enter a number from %(min)s to %(max)s.", min=_num(low), max=_num(high))
            if high is not None
            else _l("Enter a number of at least %(min)s.", min=_num(low))
        )
    return None, value


def _num(value) -> int | float | str:
    """A bound as the message shows it: a number (in the reader's digits), `∞` for none."""
    if value is None:
        return "∞"
    return int(value) if float(value).is_integer() else value
