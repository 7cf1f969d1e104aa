"""Progress, registration categories and CPD credits from real records."""

import sqlalchemy as sa

from lms.assessments import progress
from lms.assessments.rules import RegisterCategory
from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training
from lms.training.models import CohortStatus
from lms.users.models import Council

from .. import clock, factories


def test_progress_completion_registration_and_cpd(cohort, instructor, curriculum):
    council = db.session.scalar(sa.select(Council).where(Council.code == "CMWC"))
    trainee = factories.user(roles=[Role.TRAINEE], council_id=council.id)
    enrolment = training.enrol(instructor, cohort, trainee, utcnow())
    now, today = clock.now(), clock.today()
    before = progress.enrolment_progress(enrolment, now)
    assert not before.complete and [(d.code, d.achieved, d.total) for d in before.domains] == [
        ("D1", 0, 2)
    ]
    factories.complete(instructor, trainee, enrolment, curriculum)
    after = progress.enrolment_progress(enrolment, now)
    assert after.complete and [(d.code, d.achieved, d.total) for d in after.domains] == [
        ("D1", 2, 2)
    ]
    found = progress.progress_of(progress.enrolled(trainee), now)
    registrations = progress.registration(found)
    assert [
        (r.framework.code, r.achieved_domains, r.total_domains, r.category) for r in registrations
    ] == [("TST-FW", ("D1",), 2, RegisterCategory.GENERAL_RESTRICTED)]
    assert progress.cpd_status(trainee, today, now).credits == 0  # still open
    cohort.status = CohortStatus.CLOSED
    db.session.flush()
    status = progress.cpd_status(trainee, today, now)
    assert status.credits == 5.0 and status.cycle.start <= today < status.cycle.end
    assert (status.cycle.start.month, status.cycle.start.day) == (1, 1)
    assert [c.code for c, _day in status.completed] == ["TST-CUR"]
