"""Progress, registration categories and CPD credits from real records."""

from datetime import date, datetime

import sqlalchemy as sa

from lms.assessments import online_tests, progress
from lms.assessments import services as assessments
from lms.assessments.models import CaseRole
from lms.assessments.rules import Mark, RegisterCategory
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training
from lms.training.models import CohortStatus
from lms.users.models import Council, Role

from .. import factories


def _pass_everything(instructor, trainee, enrolment, curriculum):
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


def test_progress_completion_registration_and_cpd(cohort, instructor, curriculum):
    council = db.session.scalar(sa.select(Council).where(Council.code == "CMWC"))
    trainee = factories.user(roles=[Role.TRAINEE], council_id=council.id)
    enrolment = training.enrol(instructor, cohort, trainee, utcnow())
    now = datetime(2026, 11, 24, 9, 0)
    before = progress.enrolment_progress(enrolment, now)
    assert not before.complete and [(d.code, d.achieved, d.total) for d in before.domains] == [
        ("D1", 0, 2)
    ]
    _pass_everything(instructor, trainee, enrolment, curriculum)
    after = progress.enrolment_progress(enrolment, now)
    assert after.complete and [(d.code, d.achieved, d.total) for d in after.domains] == [
        ("D1", 2, 2)
    ]
    registrations = progress.registration(trainee)
    assert [
        (r.framework.code, r.achieved_domains, r.total_domains, r.category) for r in registrations
    ] == [("TST-FW", ("D1",), 2, RegisterCategory.GENERAL_RESTRICTED)]
    assert progress.cpd_status(trainee, date(2026, 11, 24), now).credits == 0  # still open
    cohort.status = CohortStatus.CLOSED
    db.session.flush()
    status = progress.cpd_status(trainee, date(2026, 11, 24), now)
    assert status.credits == 5.0 and status.cycle.start == date(2026, 1, 1)
    assert [c.code for c, _day in status.completed] == ["TST-CUR"]
