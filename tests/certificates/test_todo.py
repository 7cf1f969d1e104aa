"""What is next with certificates (lms/certificates/todo.py), without HTTP: eligible but not
issued (agreeing with `check_eligibility`), under review, expiring; a holder's expiring
certificates; a fixed number of queries whatever the cohorts."""

from __future__ import annotations

from datetime import datetime, time

import pytest
import sqlalchemy as sa

from lms.assessments.todo import standing_of
from lms.certificates import services as certificates
from lms.certificates import todo
from lms.certificates.models import CertificateReview
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training
from lms.training.models import AttendanceStatus, CohortStatus, Enrolment

from .. import clock, factories
from ..conftest import count_queries


def _agree(enrolments, now=None):
    """Each enrolment's eligibility, decided both ways; they must be the same."""
    now = now or utcnow()
    standing = standing_of(enrolments, now)
    found = {}
    for e in enrolments:
        one_by_one = certificates.check_eligibility(e, now).ok
        assert todo.eligible(e, standing[e.id]) == one_by_one, e.trainee.username
        found[e.trainee.username] = one_by_one
    return found


def test_the_officer_sees_cohorts_with_trainees_to_certify(graduates, app):
    officer = factories.user(roles=["accreditation_officer"])
    [item] = todo.officer(officer, utcnow())
    assert item.code == "eligible_not_issued" and item.count == 2
    assert item.endpoint == "certificates.cohort_eligibility"
    assert dict(item.args) == {"cohort_id": graduates[0].cohort_id}
    assert item.subject_en == "Cohort"
    folder = app.config["UPLOAD_FOLDER"]
    certificates.issue(None, graduates[0], utcnow(), folder, app.config["LMS_BASE_URL"])
    db.session.commit()
    [item] = todo.officer(officer, utcnow())
    assert item.count == 1


def test_under_review_and_expiring_are_counted(issued, graduates):
    officer = factories.user(roles=["accreditation_officer"])
    assert [i.code for i in todo.officer(officer, utcnow())] == ["eligible_not_issued"]
    issued.expires_on = clock.days(30)
    db.session.add(
        CertificateReview(certificate_id=issued.id, opened_at=utcnow(), reason="a test change")
    )
    db.session.commit()
    items = {i.code: i for i in todo.officer(officer, utcnow())}
    assert items["certificates_under_review"].count == 1
    expiring = items["certificates_expiring"]
    assert expiring.count == 1 and dict(expiring.args) == {"expiring": 1}
    assert expiring.facts[0].value == 90


def test_a_holder_sees_a_certificate_that_expires_soon(issued):
    holder = issued.holder
    assert todo.trainee(holder, utcnow()) == []  # valid for two years
    issued.expires_on = clock.days(40)
    db.session.commit()
    [item] = todo.trainee(holder, utcnow())
    assert item.code == "certificate_expiring" and item.subject_en == "Test course"
    assert [f.value for f in item.facts] == [clock.days(40), 40]
    assert dict(item.args) == {"certificate_id": issued.id}


def test_eligibility_agrees_with_the_one_by_one_check(graduates, cohort, instructor, curriculum):
    keo, chan, nobody = graduates
    assert _agree(graduates) == {"keo.sreymom": True, "chan.dara": True, "ly.nobody": False}
    # A session held that chan missed: attendance below the curriculum's 90%.
    module = curriculum.modules[0]
    held = training.schedule_session(
        None, cohort, module.id, datetime.combine(clock.days(-5), time(8)), 60, None, now=utcnow()
    )
    marks = {keo.id: AttendanceStatus.PRESENT, chan.id: AttendanceStatus.ABSENT}
    cohort.status = CohortStatus.RUNNING  # attendance is taken while it runs
    training.mark_attendance(instructor, held, marks, utcnow())
    db.session.commit()
    assert _agree(graduates) == {"keo.sreymom": False, "chan.dara": False, "ly.nobody": False}
    cohort.status = CohortStatus.CLOSED
    db.session.commit()
    assert _agree(graduates) == {"keo.sreymom": True, "chan.dara": False, "ly.nobody": False}
    training.withdraw(None, keo, None, utcnow())
    db.session.commit()
    assert _agree(graduates) == {"keo.sreymom": False, "chan.dara": False, "ly.nobody": False}


def test_eligibility_agrees_on_the_demo_data(runner):
    assert runner.invoke(args=["setup", "--demo"]).exit_code == 0
    enrolments = list(db.session.scalars(sa.select(Enrolment).order_by(Enrolment.id)))
    found = _agree(enrolments)
    # The finished cohort's three graduates, and the three holders of the renewal demo.
    assert sum(found.values()) == 6 and len(found) > 6
    officer = factories.user(roles=["accreditation_officer"])
    items = todo.officer(officer, utcnow())
    # The demo certified two of the finished cohort's three; the refresher's graduate waits for
    # a renewal; three certificates expire within 90 days.
    assert [(i.code, i.count) for i in items] == [
        ("eligible_not_issued", 1),
        ("eligible_not_issued", 1),
        ("certificates_expiring", 3),
    ]


def test_old_cohorts_are_left_to_their_pages(graduates, cohort):
    cohort.end_date = clock.days(-todo.RECENT_DAYS - 1)
    db.session.commit()
    officer = factories.user(roles=["accreditation_officer"])
    assert todo.officer(officer, utcnow()) == []


@pytest.mark.parametrize("rounds", [(1, 4)])
def test_the_officer_list_takes_a_fixed_number_of_queries(
    make_cohort, instructor, curriculum, rounds
):
    officer = factories.user(roles=["accreditation_officer"])
    counts = []
    for n in rounds:
        for k in range(n):
            cohort = make_cohort(f"G-{n}-{k}", capacity=3)
            for _ in range(2):
                factories.graduate(instructor, cohort)
            cohort.status = CohortStatus.CLOSED
        db.session.commit()
        assert officer.roles
        with count_queries() as q:
            items = todo.officer(officer, utcnow())
        assert len(items) == sum(rounds[: rounds.index(n) + 1])
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 18, counts
