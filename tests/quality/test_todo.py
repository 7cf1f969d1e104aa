"""What is next in facility quality (lms/quality/todo.py), without HTTP: drafts, returned
assessments, validations waiting, facilities of the round still to assess; a fixed number of
queries whatever the assessments."""

from __future__ import annotations

from lms.database import utcnow
from lms.extensions import db
from lms.i18n import local_today
from lms.quality import services as quality
from lms.quality import todo

from .. import factories
from ..conftest import count_queries
from .conftest import answer_all


def _start(assessor, facility, round_):
    a = quality.start_assessment(assessor, facility, round_, local_today(), [], utcnow())
    db.session.commit()
    return a


def _submitted(assessor, facility, round_):
    a = _start(assessor, facility, round_)
    answer_all(assessor, a)
    quality.submit(assessor, a, utcnow())
    db.session.commit()
    return a


def _codes(user):
    return [
        (i.code, dict(i.args).get("assessment_id"), i.count) for i in todo.assessor(user, utcnow())
    ]


def test_drafts_returned_and_validations(tool, hc, round_, assessor, validator):
    other = factories.facility(code="HC-B", province_code="21")
    assert _codes(assessor) == [("facilities_to_assess", None, 2)]
    draft = _start(assessor, hc, round_)
    sent = _submitted(assessor, other, round_)
    assert _codes(assessor) == [("draft", draft.id, None)]  # and every facility is started
    assert _codes(validator) == [("to_validate", sent.id, None)]
    quality.return_to_draft(validator, sent, "Count the soap again", utcnow())
    db.session.commit()
    assert _codes(assessor) == [("returned", sent.id, None), ("draft", draft.id, None)]
    assert _codes(validator) == []  # back with its assessors: nothing to validate now
    [returned, _draft] = todo.assessor(assessor, utcnow())
    assert returned.endpoint == "quality.show_assessment"
    assert returned.subject_en == f"{other.name_en} · This round"


def test_facilities_outside_the_scope_are_not_counted(tool, hc, round_, assessor):
    factories.facility(code="HC-PP", province_code="12")  # Phnom Penh: not assigned
    db.session.commit()
    [item] = todo.assessor(assessor, utcnow())
    assert item.code == "facilities_to_assess" and item.count == 1
    assert item.subject_en == "This round" and item.endpoint == "quality.new_assessment"


def test_the_assessor_list_takes_a_fixed_number_of_queries(tool, round_, assessor, validator):
    counts = []
    for n in (1, 4):
        for _ in range(n):
            _start(assessor, factories.facility(province_code="21"), round_)
            sent = _submitted(validator, factories.facility(province_code="21"), round_)
            back = _submitted(validator, factories.facility(province_code="21"), round_)
            quality.return_to_draft(assessor, back, "again", utcnow())
        factories.facility(province_code="21")
        db.session.commit()
        assert assessor.roles and sent
        with count_queries() as q:
            items = todo.assessor(assessor, utcnow())
        assert len(items) >= 2 * n
        counts.append(q.count)
    assert counts[0] == counts[1] == 3, counts
