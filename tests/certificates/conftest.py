from datetime import date

import pytest

from lms.assessments import online_tests
from lms.assessments import services as assessments
from lms.assessments.models import CaseRole
from lms.assessments.rules import Mark
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training
from lms.training.models import CohortStatus

from .. import factories


def complete(instructor, trainee, enrolment, curriculum):
    """Give the trainee passing evidence for every instrument of the sample curriculum."""
    instruments = {i.code: i for i in curriculum.instruments}
    osce, kt, log = instruments["OSCE-1"], instruments["KT"], instruments["LOG"]
    assessments.save_checklist(
        instructor,
        enrolment,
        osce,
        assessments.ChecklistData({i.id: Mark.DONE for i in osce.items}, 3, date(2026, 11, 20)),
        True,
        utcnow(),
    )
    attempt = online_tests.start_attempt(trainee, enrolment, kt, utcnow())
    question, options = online_tests.paper(attempt)[0]
    online_tests.submit_attempt(
        trainee, attempt, {question.id: next(o.id for o in options if o.correct)}, utcnow()
    )
    for n in range(log.case_types[0].min_count):
        entry = assessments.add_logbook_entry(
            trainee,
            enrolment,
            log,
            log.case_types[0].id,
            date(2026, 11, 10),
            None,
            f"R-{n}",
            CaseRole.PERFORMED,
            utcnow(),
        )
        assessments.review_logbook_entry(instructor, entry, True, None, utcnow())


@pytest.fixture
def graduates(cohort, instructor, curriculum):
    """Two trainees with complete evidence in a closed cohort, and one without."""
    people = []
    for name in ("keo.sreymom", "chan.dara", "ly.nobody"):
        trainee = factories.user(
            username=name,
            family_name_en=name.split(".")[0].upper(),
            given_name_en=name.split(".")[1].title(),
        )
        enrolment = training.enrol(instructor, cohort, trainee, utcnow())
        if name != "ly.nobody":
            complete(instructor, trainee, enrolment, curriculum)
        people.append(enrolment)
    cohort.status = CohortStatus.CLOSED
    db.session.commit()
    return people


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "certificates"
