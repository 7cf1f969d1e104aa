"""Issuing under contention: one certificate per enrolment, unique gapless serials.

Threads each use their own application context, so their own database connection, as
separate requests or worker processes would.
"""

import threading
from pathlib import Path

from lms.certificates import services as certificates
from lms.certificates.models import Certificate
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training
from lms.training.models import CohortStatus, Enrolment

from .. import factories


def _run_in_threads(app, work, count):
    errors, barrier = [], threading.Barrier(count)

    def run(n):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                work(n)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 (collected and asserted below)
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_parallel_issues_for_one_enrolment_make_one_certificate(app, graduates):
    folder = Path(app.config["UPLOAD_FOLDER"]) / "certificates"
    enrolment_id = graduates[0].id

    def issue(_n):
        enrolment = db.session.get(type(graduates[0]), enrolment_id)
        certificates.issue(None, enrolment, utcnow(), folder, "http://localhost")

    errors = _run_in_threads(app, issue, 6)
    assert errors == []
    db.session.expire_all()
    assert db.session.query(Certificate).filter_by(enrolment_id=enrolment_id).count() == 1


def test_parallel_issues_for_many_enrolments_get_gapless_serials(
    app, cohort, instructor, curriculum
):
    cohort.capacity = 20
    ids = []
    for n in range(6):
        trainee = factories.user(username=f"parallel{n}")
        enrolment = training.enrol(instructor, cohort, trainee, utcnow())
        factories.complete(instructor, trainee, enrolment, curriculum)
        ids.append(enrolment.id)
    cohort.status = CohortStatus.CLOSED
    db.session.commit()
    folder = Path(app.config["UPLOAD_FOLDER"]) / "certificates"

    def issue(n):
        certificates.issue(
            None, db.session.get(Enrolment, ids[n]), utcnow(), folder, "http://localhost"
        )

    errors = _run_in_threads(app, issue, len(ids))
    assert errors == []
    db.session.expire_all()
    serials = sorted(c.serial for c in db.session.query(Certificate))
    assert serials == [f"TST-CUR-{utcnow().year}-{n:05d}" for n in range(1, 7)]
