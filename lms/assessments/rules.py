"""Assessment decisions over plain values: checklists, tests, logbooks, competencies, licences.

No database and no request: the services load the values, call these rules and store the
outcome. Percentages are compared exactly (in integers where possible) and only rounded for
display, so a share shown as 80.0 never passes or fails differently from the real ratio.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from ..curricula.spec import CompetencyRule
from ..enums import LabelledEnum


class Mark(LabelledEnum):
    DONE = "done", _l("Done")
    NOT_DONE = "not_done", _l("Not done")
    NOT_APPLICABLE = "na", _l("Not applicable")


class CompetencyState(LabelledEnum):
    ACHIEVED = "achieved", _l("Achieved"), "ok", "✓"
    NOT_YET = "not_yet", _l("Not yet"), "bad", "✗"
    NOT_ASSESSED = "not_assessed", _l("Not assessed yet"), "off", "·"


class RegisterCategory(LabelledEnum):
    GENERAL = "general", _l("General registration")
    GENERAL_RESTRICTED = "general_restricted", _l("General restricted registration")
    NONE = "none", _l("Not yet registrable")


def _check_percent(name: str, value: float) -> None:
    if not 0 <= value <= 100:
        raise ValueError(f"{name} must be between 0 and 100, not {value}")


@dataclass(frozen=True)
class ChecklistOutcome:
    passed: bool
    share_percent: float | None
    done: int
    applicable: int
    missed_critical: tuple[int, ...]


def checklist_outcome(
    items: Sequence[tuple[int, bool]],
    marks: Mapping[int, Mark],
    min_share_percent: int,
    all_critical: bool,
) -> ChecklistOutcome:
    """Whether a checklist record passes: enough applicable items done, no critical one missed.

    `items` are (item id, critical) in checklist order; every item needs a mark.
    """
    _check_percent("min_share_percent", min_share_percent)
    done = applicable = 0
    missed: list[int] = []
    for item_id, critical in items:
        if item_id not in marks:
            raise ValueError(f"checklist item {item_id} has no mark")
        mark = Mark(marks[item_id])
        if mark is Mark.NOT_APPLICABLE:
            continue
        applicable += 1
        if mark is Mark.DONE:
            done += 1
        elif critical:
            missed.append(item_id)
    passed = (
        applicable > 0
        and done * 100 >= min_share_percent * applicable
        and not (all_critical and missed)
    )
    share = round(done * 100 / applicable, 1) if applicable else None
    return ChecklistOutcome(passed, share, done, applicable, tuple(missed))


@dataclass(frozen=True)
class TestOutcome:
    correct: int
    total: int
    score_percent: float
    passed: bool


def test_outcome(
    answer_key: Mapping[int, int], answers: Mapping[int, int | None], pass_mark_percent: int
) -> TestOutcome:
    """The score of a knowledge test and whether it reaches the pass mark.

    `answer_key` maps question id to the correct option id; an unanswered question
    (None, or absent from `answers`) counts as wrong.
    """
    _check_percent("pass_mark_percent", pass_mark_percent)
    if not answer_key:
        raise ValueError("a test needs at least one question")
    stray = sorted(set(answers) - set(answer_key))
    if stray:
        raise ValueError(f"answers to questions not in the test: {stray}")
    total = len(answer_key)
    correct = sum(1 for question, option in answer_key.items() if answers.get(question) == option)
    passed = correct * 100 >= pass_mark_percent * total
    return TestOutcome(correct, total, round(correct * 100 / total, 1), passed)


def paper_test_passed(score_percent: float, pass_mark_percent: int) -> bool:
    """Whether a score entered from a paper test reaches the pass mark."""
    _check_percent("score_percent", score_percent)
    _check_percent("pass_mark_percent", pass_mark_percent)
    return score_percent >= pass_mark_percent


@dataclass(frozen=True)
class LogbookOutcome:
    complete: bool
    progress: tuple[tuple[int, int, int], ...]


def logbook_outcome(
    minimums: Sequence[tuple[int, int]], verified_counts: Mapping[int, int]
) -> LogbookOutcome:
    """Whether a logbook has the minimum number of verified cases of every case type.

    `minimums` are (case type id, minimum); a logbook without case types is not complete.
    """
    progress = tuple(
        (case_type, verified_counts.get(case_type, 0), minimum) for case_type, minimum in minimums
    )
    complete = bool(progress) and all(count >= minimum for _, count, minimum in progress)
    return LogbookOutcome(complete, progress)


@dataclass(frozen=True)
class Result:
    instrument_id: int
    at: datetime
    passed: bool
    level: int | None = None


@dataclass(frozen=True)
class PanelDecision:
    achieved: bool
    at: datetime
    reason: str


@dataclass(frozen=True)
class CompetencyOutcome:
    state: CompetencyState
    highest_level: int | None
    by_panel: bool
    missing: tuple[int, ...]


def decide_competency(
    rule: CompetencyRule,
    mapped: Sequence[int],
    results: Sequence[Result],
    panel: PanelDecision | None = None,
) -> CompetencyOutcome:
    """Whether the results of the instruments mapped to a competency show it, under `rule`.

    Results of other instruments are ignored. A panel decision, if any, overrides the rule.
    """
    instruments = set(mapped)
    counted = [r for r in results if r.instrument_id in instruments]
    levels = [r.level for r in counted if r.level is not None]
    highest = max(levels) if levels else None

    if not counted:
        state, missing = CompetencyState.NOT_ASSESSED, tuple(sorted(instruments))
    elif CompetencyRule(rule) is CompetencyRule.LATEST_RESULT:
        # max() keeps the first of equals, so the position breaks ties towards the later one.
        _, latest = max(enumerate(counted), key=lambda pair: (pair[1].at, pair[0]))
        if latest.passed:
            state, missing = CompetencyState.ACHIEVED, ()
        else:
            state, missing = CompetencyState.NOT_YET, (latest.instrument_id,)
    else:
        passed = {r.instrument_id for r in counted if r.passed}
        missing = tuple(sorted(instruments - passed))
        state = CompetencyState.NOT_YET if missing else CompetencyState.ACHIEVED

    if panel is None:
        return CompetencyOutcome(state, highest, False, missing)
    if panel.achieved:
        return CompetencyOutcome(CompetencyState.ACHIEVED, highest, True, ())
    return CompetencyOutcome(CompetencyState.NOT_YET, highest, True, missing)


def domains_achieved(domains: Mapping[str, Sequence[str]], achieved: set[str]) -> tuple[str, ...]:
    """The domain codes, in mapping order, all of whose listed competencies are achieved.

    A domain with no listed competencies is never achieved.
    """
    return tuple(
        domain for domain, codes in domains.items() if codes and set(codes) <= set(achieved)
    )


def register_category(achieved_domains: int, total_domains: int) -> RegisterCategory:
    """The register category earned by showing `achieved_domains` of `total_domains`."""
    if not 0 <= achieved_domains <= total_domains:
        raise ValueError(f"{achieved_domains} of {total_domains} domains is not a valid count")
    if achieved_domains == 0:
        return RegisterCategory.NONE
    if achieved_domains == total_domains:
        return RegisterCategory.GENERAL
    return RegisterCategory.GENERAL_RESTRICTED


@dataclass(frozen=True)
class Cycle:
    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        """The cycle's last day (`end` itself is the first day of the next cycle)."""
        return date.fromordinal(self.end.toordinal() - 1)


DEFAULT_CYCLE_ANCHOR = date(2020, 1, 1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def licensing_cycle(today: date, cycle_years: int, anchor: date | None = None) -> Cycle:
    """The licensing cycle that contains `today`.

    Cycles are consecutive periods of `cycle_years` years from `anchor` (by default
    1 January 2020); before the anchor, the first cycle.
    """
    if cycle_years < 1:
        raise ValueError(f"a cycle must last at least one year, not {cycle_years}")
    anchor = anchor or DEFAULT_CYCLE_ANCHOR
    index = max(0, (today.year - anchor.year) // cycle_years)
    if _add_years(anchor, index * cycle_years) > today and index > 0:
        index -= 1  # this year's anniversary is still to come
    start = _add_years(anchor, index * cycle_years)
    return Cycle(start, _add_years(anchor, (index + 1) * cycle_years))


def cpd_credits_in_cycle(completions: Sequence[tuple[date, float]], cycle: Cycle) -> float:
    """The CPD credits earned within a cycle, from (completion date, credits) pairs."""
    total = sum(credits for day, credits in completions if cycle.start <= day < cycle.end)
    return round(total, 2)
