from pathlib import Path

import pytest

from lms.certificates import services as certificates
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training
from lms.training.models import CohortStatus

from .. import factories


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
            factories.complete(instructor, trainee, enrolment, curriculum)
        people.append(enrolment)
    cohort.status = CohortStatus.CLOSED
    db.session.commit()
    return people


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "certificates"


@pytest.fixture
def issued(graduates, app):
    """The first graduate's certificate, issued and stored."""
    folder = Path(app.config["UPLOAD_FOLDER"]) / "certificates"
    certificate, _ = certificates.issue(
        None, graduates[0], utcnow(), folder, app.config["LMS_BASE_URL"]
    )
    db.session.commit()
    return certificate
