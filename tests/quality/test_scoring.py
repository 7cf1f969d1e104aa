"""Each scoring rule on plain values (lms/quality/scoring.py)."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from lms.quality.models import Answer
from lms.quality.scoring import indicator_score, number_score, score
from lms.quality.spec import AnswerType

YES, PARTIAL, NO, NA = Answer.YES, Answer.PARTIAL, Answer.NO, Answer.NA


def ind(
    code, answer=AnswerType.YES_NO, weight=1, critical=False, met=None, partial=None, higher=True
):
    return NS(
        code=code,
        answer_type=answer,
        weight=weight,
        critical=critical,
        met=met,
        partial=partial,
        higher_is_better=higher,
    )


def dom(code, indicators, weight=1):
    return NS(code=code, weight=weight, indicators=indicators)


@pytest.mark.parametrize(
    ("value", "higher", "expected"),
    [
        (80, True, 1),
        (79.9, True, 0.5),
        (50, True, 0.5),
        (49, True, 0),
        (2, False, 1),
        (4, False, 0.5),
        (9, False, 0),
    ],
)
def test_numbers_against_thresholds(value, higher, expected):
    met, partial = (80, 50) if higher else (2, 5)
    assert number_score(value, met, partial, higher) == expected


def test_a_number_without_partial_threshold_is_met_or_not():
    assert number_score(0.9, 1, None) == 0 and number_score(1, 1, None) == 1


def test_choices_and_not_applicable():
    i = ind("A", AnswerType.YES_PARTIAL_NO)
    assert [indicator_score(i, c, None) for c in (YES, PARTIAL, NO, NA, None)] == [
        1,
        0.5,
        0,
        None,
        None,
    ]


def test_domain_is_the_weighted_mean_and_na_is_left_out():
    d = dom("D", [ind("A", weight=3), ind("B"), ind("C")])
    result = score([d], {"A": (YES, None), "B": (NO, None), "C": (NA, None)}, None)
    assert result.domains == {"D": 75.0} and result.overall == 75.0
    assert result.failing == ["B"]


def test_overall_is_the_weighted_mean_of_domains():
    d1, d2 = dom("D1", [ind("A")], weight=3), dom("D2", [ind("B")], weight=1)
    assert score([d1, d2], {"A": (YES, None), "B": (NO, None)}, None).overall == 75.0


def test_a_domain_with_nothing_counted_has_no_score_and_no_weight():
    d1, d2 = dom("D1", [ind("A")]), dom("D2", [ind("B")], weight=5)
    result = score([d1, d2], {"A": (YES, None), "B": (NA, None)}, None)
    assert result.domains == {"D1": 100.0, "D2": None} and result.overall == 100.0


def test_a_failed_critical_indicator_caps_the_overall_score():
    d = dom("D", [ind("A", critical=True), ind("B", weight=9)])
    result = score([d], {"A": (NO, None), "B": (YES, None)}, 59)
    assert result.raw == 90.0 and result.overall == 59.0 and result.capped
    assert result.critical_failing == ["A"]


def test_the_cap_never_raises_a_score_and_needs_a_critical_failure():
    d = dom("D", [ind("A", critical=True), ind("B", weight=9)])
    low = score([d], {"A": (NO, None), "B": (NO, None)}, 59)
    assert low.overall == 0 and not low.capped
    partly = score([d], {"A": (YES, None), "B": (NO, None)}, 59)
    assert partly.overall == 10.0 and not partly.capped
    assert score([d], {"A": (NO, None), "B": (YES, None)}, None).capped is False


def test_a_partly_met_critical_indicator_also_caps():
    d = dom("D", [ind("A", AnswerType.YES_PARTIAL_NO, critical=True, weight=1), ind("B", weight=9)])
    assert score([d], {"A": (PARTIAL, None), "B": (YES, None)}, 59).capped


def test_computed_values_score_like_numbers():
    d = dom("W", [ind("C", AnswerType.COMPUTED, met=80, partial=50)])
    assert score([d], {"C": (None, 66.7)}, None).overall == 50.0


def test_nothing_answered_gives_no_score():
    assert score([dom("D", [ind("A")])], {}, 59).overall is None
