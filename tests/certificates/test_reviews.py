"""A grade changed after issue puts the certificate under review (the hostile tester's finding
2): a correction or a reversed panel decision that makes a certified enrolment ineligible opens
a review for accreditation officers, with the reason; the officer confirms the certificate, with
a reason, or revokes it; both are audited; the public page is unchanged until the officer
decides."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.assessments import services as assessments
from lms.assessments.models import AssessmentRecord
from lms.assessments.rules import Mark
from lms.audit.models import AuditEvent
from lms.auth.roles import Role
from lms.certificates import services as certificates
from lms.certificates.models import CertificateReview, ReviewOutcome, RevocationReason
from lms.database import utcnow
from lms.extensions import db
from lms.frameworks.models import Competency

from .. import clock, factories
from ..conftest import km


def osce_record(enrolment):
    return db.session.scalar(
        sa.select(AssessmentRecord).where(
            AssessmentRecord.enrolment_id == enrolment.id, AssessmentRecord.superseded.is_(False)
        )
    )


def fail_the_osce(instructor, enrolment, curriculum):
    osce = next(i for i in curriculum.instruments if i.code == "OSCE-1")
    critical = next(i for i in osce.items if i.critical)
    marks = {i.id: Mark.DONE for i in osce.items} | {critical.id: Mark.NOT_DONE}
    data = assessments.ChecklistData(marks, 2, clock.days(-1))
    return assessments.correct(
        instructor, osce_record(enrolment), "a step was missed", utcnow(), data
    )


def reviews():
    return db.session.scalars(sa.select(CertificateReview)).all()


def test_a_correction_that_breaks_eligibility_puts_the_certificate_under_review(
    client, issued, graduates, instructor, curriculum
):
    fail_the_osce(instructor, graduates[0], curriculum)
    db.session.commit()
    [review] = reviews()
    assert review.is_open and review.certificate_id == issued.id
    assert "OSCE-1" in review.reason and "competencies (D1.1)" in review.reason
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "certificate.under_review")
    ).one()
    assert event.object_id == str(issued.id) and event.actor_id == instructor.id
    # the public page is unchanged until an officer decides
    data = client.get(f"/verify/{issued.verification_code}.json").get_json()
    assert data["status"] == "valid"


def test_a_correction_that_keeps_eligibility_opens_nothing(
    issued, graduates, instructor, curriculum
):
    osce = next(i for i in curriculum.instruments if i.code == "OSCE-1")
    data = assessments.ChecklistData({i.id: Mark.DONE for i in osce.items}, 2, clock.days(-1))
    assessments.correct(instructor, osce_record(graduates[0]), "rating was 3", utcnow(), data)
    db.session.commit()
    assert reviews() == []


def test_a_confirmed_panel_reversal_opens_a_review(issued, graduates, instructor):
    second = factories.user(roles=[Role.ADMIN])
    d12 = db.session.scalar(sa.select(Competency).where(Competency.code == "D1.2"))
    decision = assessments.propose_panel_decision(
        instructor, graduates[0], d12.id, False, "the logbook cases were not hers", utcnow()
    )
    assert reviews() == []  # a proposal changes nothing yet
    assessments.confirm_panel_decision(second, decision, utcnow())
    db.session.commit()
    [review] = reviews()
    assert "panel decision on D1.2" in review.reason


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_officer_sees_the_count_the_list_and_confirms(
    client, login_as, issued, graduates, instructor, curriculum, lang
):
    fail_the_osce(instructor, graduates[0], curriculum)
    db.session.commit()
    officer = login_as(Role.OFFICER)
    client.set_cookie("lang", lang)
    home = client.get("/").get_data(as_text=True)
    line = "%(count)s waiting for a decision: the evidence changed after issue"
    assert (line % {"count": "1"} if lang == "en" else km(line, count="១")) in home
    listing = client.get("/certificates/reviews").get_data(as_text=True)
    assert issued.serial in listing
    cohort_page = client.get(f"/certificates/cohorts/{graduates[0].cohort_id}").get_data(
        as_text=True
    )
    assert ("Under review" if lang == "en" else km("Under review")) in cohort_page
    [review] = reviews()
    refused = client.post(
        f"/certificates/reviews/{review.id}", data={f"r{review.id}-outcome": "confirmed"}
    )
    assert refused.status_code == 400 and review.is_open
    done = client.post(
        f"/certificates/reviews/{review.id}",
        data={
            f"r{review.id}-outcome": "confirmed",
            f"r{review.id}-note": "the panel saw it redone",
        },
    )
    assert done.status_code == 302
    db.session.refresh(review)
    assert review.outcome == ReviewOutcome.CONFIRMED and review.closed_by_id == officer.id
    assert issued.is_current
    closed = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "certificate.review_closed")
    ).one()
    assert closed.actor_id == officer.id


def test_the_officer_revokes_and_the_public_page_says_so(
    client, login_as, issued, graduates, instructor, curriculum
):
    fail_the_osce(instructor, graduates[0], curriculum)
    db.session.commit()
    login_as(Role.OFFICER)
    [review] = reviews()
    client.post(
        f"/certificates/reviews/{review.id}",
        data={
            f"r{review.id}-outcome": "revoked",
            f"r{review.id}-reason": RevocationReason.ASSESSMENT_INVALID.value,
            f"r{review.id}-note": "the station was failed",
        },
    )
    db.session.refresh(review)
    db.session.refresh(issued)
    assert review.outcome == ReviewOutcome.REVOKED and issued.revoked_at is not None
    data = client.get(f"/verify/{issued.verification_code}.json").get_json()
    assert data["status"] == "revoked" and data["revocation_reason"] == "withdrawn"


def test_revoking_without_a_reason_is_refused_and_changes_nothing(
    issued, graduates, instructor, curriculum
):
    fail_the_osce(instructor, graduates[0], curriculum)
    [review] = reviews()
    with pytest.raises(Exception, match="reason"):
        certificates.close_review(None, review, ReviewOutcome.REVOKED, "no", utcnow())
    assert review.is_open and issued.revoked_at is None


def test_a_revocation_from_the_certificate_page_closes_its_review(
    issued, graduates, instructor, curriculum
):
    fail_the_osce(instructor, graduates[0], curriculum)
    [review] = reviews()
    certificates.revoke(None, issued, RevocationReason.ASSESSMENT_INVALID, "failed", utcnow())
    assert not review.is_open and review.outcome == ReviewOutcome.REVOKED


def test_a_review_is_opened_once(issued, graduates, instructor, curriculum):
    fail_the_osce(instructor, graduates[0], curriculum)
    fail_the_osce(instructor, graduates[0], curriculum)
    assert len(reviews()) == 1
