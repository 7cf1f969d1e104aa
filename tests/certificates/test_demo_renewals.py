"""The demo's certificates can be renewed in the demo: one on the refresher, one on CPD credits;
a third says how many credits it lacks (issue 17, item 3). Their PDFs name the signatory and
the holder's licence (item 15)."""

import io
from pathlib import Path

import sqlalchemy as sa
from pypdf import PdfReader

from lms import demo
from lms.certificates import services as certificates
from lms.certificates.models import Certificate, IssueKind
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import local_date
from lms.training.models import Cohort
from lms.users.models import User


def _held(username: str, curriculum: str) -> Certificate:
    return db.session.scalar(
        sa.select(Certificate)
        .join(User, User.id == Certificate.holder_id)
        .where(User.username == username, Certificate.serial.startswith(f"{curriculum}-20"))
    )


def test_the_demo_renews_on_a_refresher_and_on_cpd_credits(app):
    demo.load()
    db.session.commit()
    now, folder = utcnow(), Path(app.config["UPLOAD_FOLDER"]) / "certificates"
    today = local_date(now)
    # What other tests count stays: the finished cohort's two certificates come first.
    finished = db.session.scalar(sa.select(Cohort).where(Cohort.code == demo.cohort_code(now, 0)))
    first_two = db.session.scalars(sa.select(Certificate).order_by(Certificate.id).limit(2)).all()
    assert {c.enrolment.cohort_id for c in first_two} == {finished.id}
    expiring = db.session.scalars(
        sa.select(Certificate.serial).where(Certificate.expiring_within(today, 90))
    ).all()
    assert len(expiring) == 3

    emonc = _held("meas.sokha", "BEMONC")
    renewal = certificates.renewal_of(emonc, now)
    (place,) = renewal.ready_places
    assert renewal.refresher.code == "BEMONC-REF" and 0 < emonc.expires_in(today) <= 31
    renewed, created = certificates.issue(None, place.enrolment, now, folder, "http://x")
    assert created and renewed.kind == IssueKind.RENEWAL and renewed.supersedes_id == emonc.id

    ipc = _held("tep.rathana", "IPC-BASIC")
    renewal = certificates.renewal_of(ipc, now)
    assert renewal.cpd_ready and renewal.cpd.earned == renewal.cpd.required == 6
    assert certificates.renew_on_cpd(None, ipc, now, folder, "http://x").supersedes_id == ipc.id

    short = certificates.renewal_of(_held("ros.vibol", "IPC-BASIC"), now)
    assert short.cpd_refused == ("credits",) and short.cpd.short == 6

    text = PdfReader(io.BytesIO(certificates.stored_pdf(emonc, folder))).pages[0].extract_text()
    assert "EK Sopheak" in text and "Licence No. CMWC-02214, Cambodian Midwives Council" in text
