"""Fixtures of the assessment tests."""

import pytest

from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training

from .. import factories


@pytest.fixture
def enrolled(cohort, instructor, curriculum):
    """An enrolled trainee, their enrolment and the curriculum's instruments by code."""
    trainee = factories.user(username="keo.s")
    enrolment = training.enrol(instructor, cohort, trainee, utcnow())
    db.session.commit()
    return enrolment, trainee, {i.code: i for i in curriculum.instruments}


@pytest.fixture
def setting(cohort, instructor, curriculum):
    """An enrolled trainee, a second instructor, and the curriculum's instruments by code."""
    trainee = factories.user(username="keo.s")
    second = factories.user(roles=[Role.INSTRUCTOR], username="second")
    cohort.instructors.append(second)
    enrolment = training.enrol(instructor, cohort, trainee, utcnow())
    db.session.commit()
    instruments = {i.code: i for i in curriculum.instruments}
    return enrolment, trainee, second, instruments
