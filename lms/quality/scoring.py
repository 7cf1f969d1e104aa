"""How a facility assessment is scored: pure functions over plain values, one rule each.

- yes = 1, partly = ½, no = 0; "not applicable" and unanswered indicators are left out;
- a number scores 1 at or past `met`, ½ at or past `partial`, else 0 (`higher_is_better` says
  which side is "past");
- a domain's score is the weighted mean of its indicators, in per cent (None when nothing in it
  counted); the overall score is the weighted mean of the domain scores that exist;
- a critical indicator that is not fully met caps the overall score at `critical_cap_percent`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Answer
from .spec import AnswerType

CHOICE_SCORES = {Answer.YES: 1.0, Answer.PARTIAL: 0.5, Answer.NO: 0.0}


def number_score(value: float, met: float, partial: float | None, higher: bool = True) -> float:
    """1, ½ or 0 for a number judged against its thresholds."""

    def reached(threshold: float) -> bool:
        return value >= threshold if higher else value <= threshold

    if reached(met):
        return 1.0
    if partial is not None and reached(partial):
        return 0.5
    return 0.0


def indicator_score(indicator, choice: Answer | None, value: float | None) -> float | None:
    """The indicator's score from 0 to 1, or None when it does not count (N/A, unanswered)."""
    if choice == Answer.NA:
        return None
    if indicator.answer_type in (AnswerType.NUMBER, AnswerType.COMPUTED):
        if value is None:
            return None
        return number_score(value, indicator.met, indicator.partial, indicator.higher_is_better)
    return CHOICE_SCORES.get(choice) if choice is not None else None


def _weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    total = sum(weight for _score, weight in pairs)
    if not pairs or total <= 0:
        return None
    return 100 * sum(score * weight for score, weight in pairs) / total


@dataclass
class Score:
    overall: float | None
    raw: float | None
    capped: bool
    domains: dict[str, float | None]
    indicators: dict[str, float | None] = field(default_factory=dict)
    failing: list[str] = field(default_factory=list)  # codes of indicators not fully met
    critical_failing: list[str] = field(default_factory=list)


def score(domains, answers: dict[str, tuple[Answer | None, float | None]], cap) -> Score:
    """Score an assessment. `domains`: objects with code, weight and indicators (code, weight,
    critical, answer_type, met, partial, higher_is_better); `answers`: (choice, value) by
    indicator code, only for the indicators that apply to the facility."""
    per_indicator: dict[str, float | None] = {}
    per_domain: dict[str, float | None] = {}
    failing, critical_failing = [], []
    domain_pairs = []
    for domain in domains:
        pairs = []
        for indicator in domain.indicators:
            if indicator.code not in answers:
                continue
            choice, value = answers[indicator.code]
            result = indicator_score(indicator, choice, value)
            per_indicator[indicator.code] = result
            if result is None:
                continue
            pairs.append((result, indicator.weight))
            if result < 1:
                failing.append(indicator.code)
                if indicator.critical:
                    critical_failing.append(indicator.code)
        per_domain[domain.code] = _weighted_mean(pairs)
        if per_domain[domain.code] is not None:
            domain_pairs.append((per_domain[domain.code] / 100, domain.weight))
    raw = _weighted_mean(domain_pairs)
    overall, capped = raw, False
    if raw is not None and cap is not None and critical_failing and raw > cap:
        overall, capped = float(cap), True
    return Score(
        overall=_round(overall),
        raw=_round(raw),
        capped=capped,
        domains={code: _round(value) for code, value in per_domain.items()},
        indicators=per_indicator,
        failing=failing,
        critical_failing=critical_failing,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
