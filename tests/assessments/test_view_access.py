"""Who may open the assessment pages: role × URL × status, and refusals answer 403."""

import pytest
import sqlalchemy as sa

from lms.assessments.models import LogbookEntry
from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training

from .. import clock, factories


@pytest.mark.parametrize(
    "role,status",
    [(Role.ADMIN, 200), (Role.OFFICER, 200), (Role.TRAINEE, 403), (Role.QUALITY_ASSESSOR, 403)],
)
def test_matrix_access(client, login_as, cohort, role, status):
    login_as(role)
    assert client.get(f"/cohorts/{cohort.id}/matrix").status_code == status


def _urls(enrolment, instruments, cohort):
    osce, kt, log = instruments["OSCE-1"], instruments["KT"], instruments["LOG"]
    return {
        f"/cohorts/{cohort.id}": {"admin", "officer", "instructor", "trainee"},
        f"/cohorts/{cohort.id}/matrix": {"admin", "officer", "instructor"},
        f"/cohorts/{cohort.id}/queue": {"admin", "instructor"},
        f"/cohorts/{cohort.id}/sessions/new": {"admin", "instructor"},
        f"/cohorts/{cohort.id}/materials/new": {"admin", "instructor"},
        f"/cohorts/{cohort.id}/enrolments/import": {"admin", "instructor"},
        f"/enrolments/{enrolment.id}": {"admin", "officer", "instructor", "trainee"},
        f"/enrolments/{enrolment.id}/instruments/{osce.id}/checklist": {"admin", "instructor"},
        f"/enrolments/{enrolment.id}/instruments/{kt.id}/paper": {"admin", "instructor"},
        f"/enrolments/{enrolment.id}/tests/{kt.id}": {"trainee"},
        f"/enrolments/{enrolment.id}/logbook/{log.id}": {"trainee"},
        "/my/progress": {"trainee"},
    }


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "admin",
        "officer",
        "instructor",
        "trainee",
        "assessor",
        "other_instructor",
        "other_trainee",
    ],
)
def test_role_and_object_table(client, login, enrolled, instructor, cohort, who):
    """Role × URL × status; `trainee` is the enrolled one, `instructor` teaches the cohort."""
    enrolment, trainee, instruments = enrolled
    people = {
        "admin": factories.user(roles=[Role.ADMIN]),
        "officer": factories.user(roles=[Role.OFFICER]),
        "assessor": factories.user(roles=[Role.QUALITY_ASSESSOR]),
        "other_instructor": factories.user(roles=[Role.INSTRUCTOR]),
        "other_trainee": factories.user(),
        "instructor": instructor,
        "trainee": trainee,
    }
    db.session.commit()
    if who != "anonymous":
        login(people[who])
    for url, allowed in _urls(enrolment, instruments, cohort).items():
        status = client.get(url).status_code
        if who == "anonymous":
            assert status == 302, url
        elif who in allowed:
            assert status == 200, (who, url, status)
        elif who == "other_trainee" and url == f"/cohorts/{cohort.id}":
            assert status == 200  # an open cohort is visible to trainees who may join
        elif who == "other_trainee" and url == "/my/progress":
            assert status == 200  # their own (empty) progress
        else:
            assert status in (403, 404), (who, url, status)


def test_a_withdrawn_trainee_cannot_write_in_the_logbook(client, login, enrolled, instructor):
    """A Forbidden from the service is a 403, as everywhere (it was shown on the form)."""
    enrolment, trainee, instruments = enrolled
    log = instruments["LOG"]
    training.withdraw(instructor, enrolment, "moved away", utcnow())
    db.session.commit()
    login(trainee)
    data = {
        "case_type_id": log.case_types[0].id,
        "case_date": clock.days(-1).isoformat(),
        "reference": "ANC-0043",
        "role": "performed",
        "facility_id": "",
    }
    response = client.post(f"/enrolments/{enrolment.id}/logbook/{log.id}", data=data)
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LogbookEntry)) == 0
