from datetime import date

import pytest

from lms.curricula import importer
from lms.database import utcnow
from lms.extensions import db
from lms.training import services
from lms.training.models import CohortStatus
from lms.users.models import Role

from .. import factories
from ..curricula import samples


@pytest.fixture
def curriculum(app, tmp_path):
    from lms.curricula.services import find_curriculum

    paths = [
        samples.write(tmp_path, "fw.yaml", samples.framework()),
        samples.write(tmp_path, "cur.yaml", samples.curriculum()),
    ]
    importer.import_paths(None, paths, utcnow())
    db.session.commit()
    return find_curriculum("TST-CUR", 1)


@pytest.fixture
def instructor(app):
    return factories.user(roles=[Role.INSTRUCTOR], username="teacher")


@pytest.fixture
def make_cohort(curriculum, instructor):
    def make(code="C-1", capacity=3, status=CohortStatus.OPEN, instructors=None):
        cohort = services.save_cohort(
            None,
            services.CohortData(
                code=code,
                title_km="វគ្គ",
                title_en="Cohort",
                curriculum_id=curriculum.id,
                start_date=date(2026, 11, 1),
                end_date=date(2026, 11, 30),
                capacity=capacity,
                status=status,
                instructor_ids=[i.id for i in (instructors or [instructor])],
            ),
        )
        db.session.commit()
        return cohort

    return make


@pytest.fixture
def cohort(make_cohort):
    return make_cohort()
