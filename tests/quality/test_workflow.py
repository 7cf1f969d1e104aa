"""Assessing a facility: start, answer, submit, validate, correct (services, no HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.database import utcnow
from lms.errors import DomainError, Forbidden
from lms.extensions import db
from lms.i18n import local_today
from lms.orgunits.models import FacilityType
from lms.quality import services as quality
from lms.quality.models import AssessmentStatus, QualityAnswer, QualityAssessment
from lms.quality.results import results_of
from lms.quality.services import AnswerErrors, AnswerInput

from .. import factories
from .conftest import answer_all


def start(assessor, hc, round_, **kw):
    a = quality.start_assessment(assessor, hc, round_, kw.get("day", local_today()), [], utcnow())
    db.session.commit()
    return a


def test_the_whole_round_trip(tool, hc, round_, assessor, validator):
    a = start(assessor, hc, round_)
    assert a.tool_id == tool.id and a.status == AssessmentStatus.DRAFT
    codes = answer_all(assessor, a)
    with pytest.raises(DomainError):
        quality.save_answers(assessor, a, {codes["WF-1"].id: AnswerInput(value=3)}, utcnow())
    result = quality.submit(assessor, a, utcnow())
    db.session.commit()
    # WF-1 (critical) fails: nobody holds TST-CUR, so the score is capped.
    assert result.critical_failing == ["WF-1"] and result.capped and result.overall == 59
    assert a.status == AssessmentStatus.SUBMITTED
    with pytest.raises(Forbidden):
        quality.validate(assessor, a, utcnow())
    quality.validate(validator, a, utcnow())
    db.session.commit()
    assert a.status == AssessmentStatus.VALIDATED
    with pytest.raises(DomainError):
        answer_all(assessor, a, choice="no")
    db.session.rollback()
    assert results_of(hc.id) == [a]


def test_indicators_for_other_facility_types_are_not_asked(tool, hc, round_, assessor):
    a = start(assessor, hc, round_)
    post = next(i for d in tool.domains for i in d.indicators if i.code == "POST")
    with pytest.raises(DomainError, match="not in this tool"):
        quality.save_answers(assessor, a, {post.id: AnswerInput(choice="yes")}, utcnow())
    assert "POST" not in {i.code for i in quality.missing_answers(a, quality.load_tool(tool.id))}


def test_bad_answers_change_nothing(tool, hc, round_, assessor):
    a = start(assessor, hc, round_)
    ind = {i.code: i for d in tool.domains for i in d.indicators}
    with pytest.raises(AnswerErrors) as refused:
        quality.save_answers(
            assessor,
            a,
            {
                ind["HH"].id: AnswerInput(choice="yes"),
                ind["PCT"].id: AnswerInput(value="140"),
                ind["WASTE"].id: AnswerInput(choice="maybe"),
                ind["O-PPH"].id: AnswerInput(choice="na"),
            },
            utcnow(),
        )
    assert set(refused.value.errors) == {ind["PCT"].id, ind["WASTE"].id, ind["O-PPH"].id}
    db.session.rollback()
    stored = db.session.scalars(
        sa.select(QualityAnswer).where(QualityAnswer.assessment_id == a.id)
    ).all()
    assert {s.indicator_id for s in stored} == {ind["WF-1"].id, ind["WF-2"].id}  # computed only


def test_an_indicator_not_in_the_tool_version_is_refused(tool, hc, round_, assessor):
    a = start(assessor, hc, round_)
    with pytest.raises(DomainError):
        quality.save_answers(assessor, a, {999999: AnswerInput(choice="yes")}, utcnow())


def test_not_applicable_where_allowed(tool, hc, round_, assessor):
    a = start(assessor, hc, round_)
    ind = {i.code: i for d in tool.domains for i in d.indicators}
    quality.save_answers(assessor, a, {ind["PCT"].id: AnswerInput(choice="na", value="")}, utcnow())
    answer = next(x for x in a.answers if x.indicator_id == ind["PCT"].id)
    assert answer.choice.value == "na" and answer.value is None


def test_submit_needs_every_answer(tool, hc, round_, assessor):
    a = start(assessor, hc, round_)
    with pytest.raises(DomainError, match="not answered"):
        quality.submit(assessor, a, utcnow())


def test_assessors_are_limited_to_their_facilities(tool, round_, assessor):
    elsewhere = factories.facility(code="HC-PP", province_code="12")
    with pytest.raises(Forbidden):
        quality.start_assessment(assessor, elsewhere, round_, local_today(), [], utcnow())
    single = factories.user(roles=["quality_assessor"], username="qa.single")
    quality.set_scopes(None, single, [], [elsewhere.id], utcnow())
    assert quality.may_assess(single, elsewhere)
    assert not quality.may_assess(single, factories.facility(code="HC-PP2", province_code="12"))


def test_date_within_round_and_not_future(tool, hc, round_, assessor):
    with pytest.raises(DomainError):
        start(assessor, hc, round_, day=round_.starts_on - timedelta(days=1))
    with pytest.raises(DomainError):
        start(assessor, hc, round_, day=local_today() + timedelta(days=1))


def test_one_assessment_per_facility_and_round(tool, hc, round_, assessor, validator):
    start(assessor, hc, round_)
    with pytest.raises(DomainError, match="already has an assessment"):
        start(validator, hc, round_)


def test_no_tool_for_the_facility_type(tool, round_, assessor):
    hospital = factories.facility(
        code="RH-1", province_code="21", type=FacilityType.REFERRAL_HOSPITAL_CPA2
    )
    with pytest.raises(DomainError, match="No published assessment tool"):
        start(assessor, hospital, round_)


def test_a_correction_is_a_new_version_validated_in_turn(tool, hc, round_, assessor, validator):
    a = start(assessor, hc, round_)
    answer_all(assessor, a)
    quality.submit(assessor, a, utcnow())
    quality.validate(validator, a, utcnow())
    db.session.commit()
    with pytest.raises(DomainError):
        quality.correct(assessor, a, " ", utcnow())
    b = quality.correct(assessor, a, "Soap count was wrong", utcnow())
    db.session.commit()
    assert b.version == 2 and b.supersedes_id == a.id and b.status == AssessmentStatus.DRAFT
    assert len(b.answers) == len(a.answers)
    assert results_of(hc.id) == [a]  # the validated version is the result meanwhile
    with pytest.raises(DomainError, match="already under way"):
        quality.correct(validator, a, "again", utcnow())
    answer_all(assessor, b, choice="no", number=10)
    quality.submit(assessor, b, utcnow())
    quality.validate(validator, b, utcnow())
    db.session.commit()
    assert a.superseded_at is not None
    assert results_of(hc.id) == [b] and b.overall_score < a.overall_score


def test_return_to_draft_needs_a_reason(tool, hc, round_, assessor, validator):
    a = start(assessor, hc, round_)
    answer_all(assessor, a)
    quality.submit(assessor, a, utcnow())
    with pytest.raises(DomainError):
        quality.return_to_draft(validator, a, "", utcnow())
    quality.return_to_draft(validator, a, "Check the soap count", utcnow())
    assert a.status == AssessmentStatus.DRAFT and a.editable


def test_validated_rows_are_unique_per_facility_and_round(tool, hc, round_, assessor):
    a = start(assessor, hc, round_)
    db.session.add(
        QualityAssessment(
            facility_id=hc.id,
            round_id=round_.id,
            tool_id=tool.id,
            assessed_on=a.assessed_on,
            created_by_id=assessor.id,
            version=2,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
