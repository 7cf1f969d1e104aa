"""The assessment decision rules, over plain values: no app and no database."""

from __future__ import annotations

from datetime import date, datetime

import pytest

# The module, not its names: pytest would try to collect `test_outcome` and `TestOutcome`.
from lms.assessments import rules
from lms.assessments.rules import (
    CompetencyState,
    Cycle,
    Mark,
    PanelDecision,
    RegisterCategory,
    Result,
)
from lms.curricula.spec import CompetencyRule

DONE, NOT_DONE, NA = Mark.DONE, Mark.NOT_DONE, Mark.NOT_APPLICABLE
ALL, LATEST = CompetencyRule.ALL_PASSED, CompetencyRule.LATEST_RESULT


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour)


# Checklists

FIVE_ITEMS = [(1, False), (2, True), (3, False), (4, False), (5, False)]


def test_checklist_share_exactly_at_minimum_passes():
    marks = {1: DONE, 2: DONE, 3: DONE, 4: DONE, 5: NOT_DONE}
    outcome = rules.checklist_outcome(FIVE_ITEMS, marks, 80, all_critical=True)
    assert outcome == rules.ChecklistOutcome(True, 80.0, 4, 5, ())


def test_checklist_share_just_below_minimum_fails():
    marks = {1: DONE, 2: DONE, 3: DONE, 4: NOT_DONE, 5: NOT_DONE}
    outcome = rules.checklist_outcome(FIVE_ITEMS, marks, 61, all_critical=False)
    assert (outcome.passed, outcome.share_percent) == (False, 60.0)


def test_checklist_share_is_rounded_but_compared_exactly():
    items = [(i, False) for i in range(1, 22)]
    marks = dict.fromkeys(range(1, 18), DONE) | dict.fromkeys(range(18, 22), NOT_DONE)
    outcome = rules.checklist_outcome(items, marks, 81, False)  # 17 of 21 is 80.95...%
    assert (outcome.share_percent, outcome.passed) == (81.0, False)
    # 2 of 3 is 66.666...%: shown as 66.7, it does not reach 67.
    outcome = rules.checklist_outcome(FIVE_ITEMS[:3], {1: DONE, 2: DONE, 3: NOT_DONE}, 67, False)
    assert (outcome.share_percent, outcome.passed) == (66.7, False)


def test_checklist_not_applicable_items_leave_the_share():
    marks = {1: DONE, 2: DONE, 3: NA, 4: NA, 5: NOT_DONE}
    outcome = rules.checklist_outcome(FIVE_ITEMS, marks, 60, all_critical=True)
    assert outcome == rules.ChecklistOutcome(True, 66.7, 2, 3, ())


def test_checklist_all_not_applicable_does_not_pass():
    marks = dict.fromkeys(range(1, 6), NA)
    outcome = rules.checklist_outcome(FIVE_ITEMS, marks, 0, all_critical=False)
    assert outcome == rules.ChecklistOutcome(False, None, 0, 0, ())


def test_checklist_without_items_does_not_pass():
    assert rules.checklist_outcome([], {}, 0, False) == rules.ChecklistOutcome(
        False, None, 0, 0, ()
    )


@pytest.mark.parametrize(("all_critical", "passed"), [(True, False), (False, True)])
def test_checklist_missed_critical_item(all_critical, passed):
    items = [(7, True), (3, False), (5, True), (9, True)]
    marks = {7: NOT_DONE, 3: DONE, 5: DONE, 9: NOT_DONE}
    outcome = rules.checklist_outcome(items, marks, 50, all_critical)
    assert outcome.passed is passed
    assert outcome.missed_critical == (7, 9)  # item order, not id order


def test_checklist_critical_item_not_applicable_is_not_missed():
    marks = {1: DONE, 2: NA, 3: DONE, 4: DONE, 5: DONE}
    outcome = rules.checklist_outcome(FIVE_ITEMS, marks, 100, all_critical=True)
    assert outcome == rules.ChecklistOutcome(True, 100.0, 4, 4, ())


def test_checklist_accepts_mark_values():
    outcome = rules.checklist_outcome([(1, True)], {1: "na"}, 0, True)
    assert (outcome.applicable, outcome.missed_critical) == (0, ())


def test_checklist_unmarked_item_is_named():
    marks = {1: DONE, 2: DONE, 4: DONE}
    with pytest.raises(ValueError, match=r"item 3 "):
        rules.checklist_outcome(FIVE_ITEMS, marks, 80, True)


def test_checklist_minimum_out_of_range():
    with pytest.raises(ValueError, match="min_share_percent"):
        rules.checklist_outcome(FIVE_ITEMS, dict.fromkeys(range(1, 6), DONE), 101, True)


# Knowledge tests

KEY = {1: 11, 2: 21, 3: 31, 4: 41}


def test_test_scores_unanswered_as_wrong():
    answers = {1: 11, 2: 22, 3: None}  # 4 is missing altogether
    assert rules.test_outcome(KEY, answers, 25) == rules.TestOutcome(1, 4, 25.0, True)
    assert rules.test_outcome(KEY, answers, 26).passed is False


def test_test_score_is_rounded():
    key = {1: 11, 2: 21, 3: 31}
    outcome = rules.test_outcome(key, {1: 11, 2: 21, 3: 32}, 67)
    assert (outcome.score_percent, outcome.passed) == (66.7, False)


def test_test_all_correct_and_none_answered():
    assert rules.test_outcome(KEY, dict(KEY), 100) == rules.TestOutcome(4, 4, 100.0, True)
    assert rules.test_outcome(KEY, {}, 0) == rules.TestOutcome(0, 4, 0.0, True)
    assert rules.test_outcome(KEY, {}, 1).passed is False


def test_test_stray_answer_is_refused():
    with pytest.raises(ValueError, match=r"\[9\]"):
        rules.test_outcome(KEY, {1: 11, 9: 91}, 50)


def test_test_without_questions_is_refused():
    with pytest.raises(ValueError, match="at least one question"):
        rules.test_outcome({}, {}, 50)


@pytest.mark.parametrize(
    ("score", "mark", "passed"), [(70, 70, True), (69.9, 70, False), (100, 70, True), (0, 0, True)]
)
def test_paper_test(score, mark, passed):
    assert rules.paper_test_passed(score, mark) is passed


@pytest.mark.parametrize(("score", "mark"), [(-0.1, 50), (100.1, 50), (50, -1), (50, 101)])
def test_paper_test_out_of_range(score, mark):
    with pytest.raises(ValueError):
        rules.paper_test_passed(score, mark)


# Logbooks


def test_logbook_complete():
    outcome = rules.logbook_outcome([(5, 2), (3, 1)], {3: 4, 5: 2, 8: 1})
    assert outcome == rules.LogbookOutcome(True, ((5, 2, 2), (3, 4, 1)))


def test_logbook_incomplete_counts_absent_case_types_as_zero():
    outcome = rules.logbook_outcome([(5, 2), (3, 1), (4, 0)], {5: 2})
    assert outcome == rules.LogbookOutcome(False, ((5, 2, 2), (3, 0, 1), (4, 0, 0)))


def test_logbook_without_case_types_is_not_complete():
    assert rules.logbook_outcome([], {}) == rules.LogbookOutcome(False, ())


# Competencies


def decide(rule, results, mapped=(1, 2), panel=None):
    return rules.decide_competency(rule, list(mapped), results, panel)


def test_all_passed_every_instrument_passed():
    results = [Result(1, at(1), True, 2), Result(2, at(2), True, 3)]
    assert decide(ALL, results) == rules.CompetencyOutcome(CompetencyState.ACHIEVED, 3, False, ())


def test_all_passed_some_not_passed_or_not_taken():
    outcome = decide(ALL, [Result(2, at(1), False)], mapped=(3, 1, 2))
    assert outcome == rules.CompetencyOutcome(CompetencyState.NOT_YET, None, False, (1, 2, 3))
    outcome = decide(ALL, [Result(2, at(1), True)], mapped=(3, 1, 2))
    assert (outcome.state, outcome.missing) == (CompetencyState.NOT_YET, (1, 3))


def test_all_passed_no_results():
    outcome = decide(ALL, [], mapped=(2, 1))
    assert outcome == rules.CompetencyOutcome(CompetencyState.NOT_ASSESSED, None, False, (1, 2))


def test_pass_then_later_fail():
    results = [Result(1, at(1), True), Result(2, at(2), True), Result(1, at(3), False)]
    assert decide(ALL, results).state is CompetencyState.ACHIEVED  # the best attempt counts
    outcome = decide(LATEST, results)
    assert (outcome.state, outcome.missing) == (CompetencyState.NOT_YET, (1,))


def test_fail_then_later_pass():
    results = [Result(1, at(1), False), Result(2, at(2), True), Result(1, at(3), True)]
    assert decide(ALL, results).state is CompetencyState.ACHIEVED
    assert decide(LATEST, results) == rules.CompetencyOutcome(
        CompetencyState.ACHIEVED, None, False, ()
    )


def test_latest_result_goes_by_time_not_position():
    results = [Result(2, at(5), False), Result(1, at(4), True)]
    outcome = decide(LATEST, results)
    assert (outcome.state, outcome.missing) == (CompetencyState.NOT_YET, (2,))


@pytest.mark.parametrize(
    ("first", "second", "state"),
    [(False, True, CompetencyState.ACHIEVED), (True, False, CompetencyState.NOT_YET)],
)
def test_latest_result_ties_go_to_the_later_position(first, second, state):
    results = [Result(1, at(3), first), Result(2, at(3), second), Result(1, at(2), True)]
    assert decide(LATEST, results).state is state


def test_latest_result_no_results():
    outcome = decide(LATEST, [Result(9, at(1), True)], mapped=(2, 1))
    assert outcome == rules.CompetencyOutcome(CompetencyState.NOT_ASSESSED, None, False, (1, 2))


@pytest.mark.parametrize("rule", [ALL, LATEST])
def test_unmapped_instruments_are_ignored(rule):
    results = [Result(1, at(1), True, 2), Result(2, at(1), True, 2), Result(9, at(2), False, 4)]
    assert decide(rule, results) == rules.CompetencyOutcome(CompetencyState.ACHIEVED, 2, False, ())


@pytest.mark.parametrize("rule", [ALL, LATEST])
def test_no_mapped_instruments(rule):
    outcome = decide(rule, [Result(9, at(1), True)], mapped=())
    assert outcome == rules.CompetencyOutcome(CompetencyState.NOT_ASSESSED, None, False, ())


@pytest.mark.parametrize("rule", [ALL, LATEST])
def test_panel_can_award(rule):
    panel = PanelDecision(True, at(9), "Shown in the ward over three months")
    outcome = decide(rule, [Result(1, at(1), False, 1)], panel=panel)
    assert outcome == rules.CompetencyOutcome(CompetencyState.ACHIEVED, 1, True, ())


def test_panel_can_withhold():
    panel = PanelDecision(False, at(9), "Unsafe practice reported")
    results = [Result(1, at(1), True), Result(2, at(2), True)]
    assert decide(ALL, results, panel=panel) == rules.CompetencyOutcome(
        CompetencyState.NOT_YET, None, True, ()
    )
    outcome = decide(ALL, [Result(1, at(1), True)], panel=panel)
    assert (outcome.state, outcome.by_panel, outcome.missing) == (
        CompetencyState.NOT_YET,
        True,
        (2,),
    )


def test_panel_decides_without_results():
    panel = PanelDecision(True, at(9), "Recognised prior learning")
    assert decide(LATEST, [], panel=panel).state is CompetencyState.ACHIEVED


def test_highest_level_whatever_the_state():
    results = [Result(1, at(1), False, 4), Result(1, at(2), True, 2), Result(2, at(3), False)]
    assert decide(ALL, results).highest_level == 4
    assert decide(LATEST, results).highest_level == 4
    assert decide(ALL, [Result(1, at(1), True), Result(2, at(1), True)]).highest_level is None


# Registration


def test_domains_achieved():
    domains = {
        "D3": ["3.1", "3.2"],
        "D1": ["1.1"],
        "D2": ["2.1", "2.2"],
        "D4": [],
    }
    achieved = {"1.1", "2.1", "3.1", "3.2", "9.9"}
    assert rules.domains_achieved(domains, achieved) == ("D3", "D1")
    assert rules.domains_achieved({"D4": []}, set()) == ()


@pytest.mark.parametrize(
    ("achieved", "total", "category"),
    [
        (7, 7, RegisterCategory.GENERAL),
        (6, 7, RegisterCategory.GENERAL_RESTRICTED),
        (3, 7, RegisterCategory.GENERAL_RESTRICTED),
        (1, 7, RegisterCategory.GENERAL_RESTRICTED),
        (0, 7, RegisterCategory.NONE),
        (0, 0, RegisterCategory.NONE),
    ],
)
def test_register_category(achieved, total, category):
    assert rules.register_category(achieved, total) is category


@pytest.mark.parametrize(("achieved", "total"), [(8, 7), (-1, 7)])
def test_register_category_impossible_counts(achieved, total):
    with pytest.raises(ValueError):
        rules.register_category(achieved, total)


# Licensing cycles


@pytest.mark.parametrize(
    ("today", "cycle"),
    [
        (date(2028, 6, 15), Cycle(date(2026, 1, 1), date(2029, 1, 1))),
        (date(2026, 1, 1), Cycle(date(2026, 1, 1), date(2029, 1, 1))),
        (date(2025, 12, 31), Cycle(date(2023, 1, 1), date(2026, 1, 1))),
        (date(2020, 1, 1), Cycle(date(2020, 1, 1), date(2023, 1, 1))),
        (date(2019, 6, 1), Cycle(date(2020, 1, 1), date(2023, 1, 1))),
    ],
)
def test_cycle_without_anchor(today, cycle):
    assert rules.licensing_cycle(today, 3) == cycle


@pytest.mark.parametrize(
    ("today", "cycle"),
    [
        (date(2027, 9, 1), Cycle(date(2025, 12, 15), date(2027, 12, 15))),
        (date(2025, 12, 14), Cycle(date(2023, 12, 15), date(2025, 12, 15))),
        (date(2025, 12, 15), Cycle(date(2025, 12, 15), date(2027, 12, 15))),
        (date(2021, 12, 15), Cycle(date(2021, 12, 15), date(2023, 12, 15))),
    ],
)
def test_cycle_from_an_anchor_in_the_past(today, cycle):
    assert rules.licensing_cycle(today, 2, anchor=date(2021, 12, 15)) == cycle


def test_cycle_before_a_future_anchor_is_the_first():
    anchor = date(2029, 4, 1)
    assert rules.licensing_cycle(date(2028, 6, 15), 5, anchor) == Cycle(anchor, date(2034, 4, 1))


def test_one_year_cycles():
    cycle = rules.licensing_cycle(date(2027, 6, 15), 1, anchor=date(2024, 7, 1))
    assert cycle == Cycle(date(2026, 7, 1), date(2027, 7, 1))


@pytest.mark.parametrize(
    ("today", "cycle"),
    [
        (date(2033, 2, 27), Cycle(date(2030, 2, 28), date(2033, 2, 28))),  # the day before
        (date(2030, 3, 1), Cycle(date(2030, 2, 28), date(2033, 2, 28))),
        (date(2033, 2, 28), Cycle(date(2033, 2, 28), date(2036, 2, 29))),
        (date(2036, 2, 29), Cycle(date(2036, 2, 29), date(2039, 2, 28))),
    ],
)
def test_cycle_from_29_february(today, cycle):
    assert rules.licensing_cycle(today, 3, anchor=date(2024, 2, 29)) == cycle


@pytest.mark.parametrize("years", [0, -3])
def test_cycle_needs_at_least_a_year(years):
    with pytest.raises(ValueError):
        rules.licensing_cycle(date(2028, 6, 15), years)


def test_cpd_credits_in_cycle_include_start_exclude_end():
    cycle = Cycle(date(2026, 1, 1), date(2029, 1, 1))
    completions = [
        (date(2025, 12, 31), 5.0),
        (date(2026, 1, 1), 1.5),
        (date(2027, 6, 30), 0.1),
        (date(2027, 7, 1), 0.2),
        (date(2028, 12, 31), 2.0),
        (date(2029, 1, 1), 7.0),
    ]
    assert rules.cpd_credits_in_cycle(completions, cycle) == 3.8
    assert rules.cpd_credits_in_cycle([], cycle) == 0


def test_cycle_last_day():
    cycle = rules.licensing_cycle(date(2028, 6, 15), 3)
    assert cycle.last_day == date(2028, 12, 31)
