"""The national dataset generator, at a small size: consistent, deterministic, usable."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from lms.certificates.models import Certificate
from lms.database import utcnow
from lms.extensions import db
from lms.national.generate import PASSWORD, Size, generate
from lms.orgunits.models import Facility, OperationalDistrict
from lms.quality.models import QualityAssessment
from lms.setup import prepare_database
from lms.training.models import Cohort, Enrolment
from lms.users.models import StaffAssignment, User, UserRole

from .. import clock, factories
from ..conftest import make_app

AS_OF = clock.days(6)  # the dataset's day may differ from the clock's
SMALL = Size(workers=400, cohorts=16, enrolments=800, records=6000, certificates=300, rounds=2)


def fingerprint() -> str:
    """A digest of who, where, what was issued and how facilities scored."""
    digest = hashlib.sha256()
    for statement in (
        sa.select(User.username, User.sex, User.family_name_km, User.facility_id).order_by(User.id),
        sa.select(Enrolment.cohort_id, Enrolment.trainee_id, Enrolment.status).order_by(
            Enrolment.id
        ),
        sa.select(
            Certificate.serial, Certificate.verification_code, Certificate.issued_on
        ).order_by(Certificate.id),
        sa.select(QualityAssessment.facility_id, QualityAssessment.overall_score).order_by(
            QualityAssessment.id
        ),
    ):
        for row in db.session.execute(statement):
            digest.update(repr(tuple(str(v) for v in row)).encode())
    return digest.hexdigest()


@pytest.fixture
def dataset(app):
    lines: list[str] = []
    counts = generate(7, AS_OF, SMALL, echo=lines.append)
    return counts, lines


def test_places_people_and_training_fit_together(dataset):
    counts, lines = dataset
    assert "quarterly rounds" in " ".join(lines) and lines[-1].endswith("done")
    assert 95 <= db.session.scalar(sa.select(sa.func.count(OperationalDistrict.id))) <= 110
    kinds = dict(
        db.session.execute(sa.select(Facility.type, sa.func.count()).group_by(Facility.type)).all()
    )
    assert 1250 <= sum(kinds.values()) <= 1350
    assert kinds["health_centre"] == 1100 and kinds["national_hospital"] == 9
    workers = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.facility_id.is_not(None))
    )
    assert workers == SMALL.workers
    # Every health worker has a workplace history covering today.
    covered = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(StaffAssignment.user_id))).where(
            StaffAssignment.ended_on.is_(None)
        )
    )
    assert covered == workers
    sexes = dict(db.session.execute(sa.select(User.sex, sa.func.count()).group_by(User.sex)).all())
    assert sexes["female"] > sexes["male"] > 0
    assert counts["cohorts"] == SMALL.cohorts
    assert counts["assessment_records"] > SMALL.records * 0.6
    # At most one current certificate per enrolment, serials unique.
    current = db.session.execute(
        sa.select(Certificate.enrolment_id, sa.func.count())
        .where(Certificate.is_current)
        .group_by(Certificate.enrolment_id)
        .having(sa.func.count() > 1)
    ).all()
    assert current == []
    assert counts["certificates"] > 0
    closed = db.session.scalar(sa.select(sa.func.count()).where(Cohort.status == "closed"))
    assert closed > 0
    rounds = db.session.execute(
        sa.select(QualityAssessment.round_id, sa.func.count()).group_by(QualityAssessment.round_id)
    ).all()
    assert len(rounds) == SMALL.rounds and all(n > 1100 for _r, n in rounds)


def test_the_same_seed_gives_the_same_data(dataset, tmp_path):
    first = fingerprint()
    other = make_app(f"sqlite:///{tmp_path / 'again.sqlite3'}", UPLOAD_FOLDER=str(tmp_path))
    with other.app_context():
        prepare_database(utcnow())
        generate(7, AS_OF, SMALL, echo=lambda _line: None)
        assert fingerprint() == first
        db.session.remove()
        db.engine.dispose()


def test_refuses_a_database_with_people(app, runner):
    factories.user(username="someone")
    db.session.commit()
    result = runner.invoke(args=["national", "generate", "--scale", "0.01"])
    assert result.exit_code == 1
    assert "already holds people" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Cohort.id))) == 0


def test_the_main_pages_serve_the_generated_data(dataset, client):
    def login(username):
        client.post("/logout")
        response = client.post("/login", data={"login": username, "password": PASSWORD})
        assert response.status_code == 302, username

    certificate = db.session.scalars(sa.select(Certificate).limit(1)).one()
    assert client.get(f"/verify/{certificate.verification_code}").status_code == 200
    login(certificate.holder.username)
    assert client.get("/").status_code == 200
    assert client.get("/my/progress").status_code == 200
    running = db.session.scalars(
        sa.select(Cohort).where(Cohort.status.in_(["running", "closed"])).limit(1)
    ).one()
    login(running.instructors[0].username)
    assert client.get(f"/cohorts/{running.id}/matrix").status_code == 200
    login("officer.21")
    assert client.get("/certificates?q=sok").status_code == 200
    login("quality.21.1")
    assert client.get("/quality/league").status_code == 200
    facility = db.session.scalar(sa.select(QualityAssessment.facility_id).limit(1))
    assert client.get(f"/quality/facilities/{facility}").status_code == 200
    admin_roles = db.session.scalars(
        sa.select(UserRole.role).join(User).where(User.username == "national.admin")
    ).all()
    assert [r.value for r in admin_roles] == ["admin"]


def test_a_holder_has_one_current_certificate_per_curriculum(dataset):
    doubles = db.session.execute(
        sa.select(Certificate.holder_id, Certificate.curriculum_id)
        .where(Certificate.is_current)
        .group_by(Certificate.holder_id, Certificate.curriculum_id)
        .having(sa.func.count() > 1)
    ).all()
    assert doubles == []
