"""What is next with certificates, for the home page: a holder's certificates about to expire;
an officer's enrolments eligible but not yet certified, certificates under review, and those
expiring soon.

Eligibility here is decided for every candidate at once from `assessments.todo.standing_of`,
on the conditions `services.check_eligibility` applies one enrolment at a time (a test holds
the two to the same answers).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..assessments.todo import Standing, standing_of
from ..curricula.models import Curriculum
from ..extensions import db
from ..i18n import local_date
from ..navigation import Fact, Todo
from ..training import services as training
from ..training.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus
from ..training.todo import both
from ..users.models import User
from .models import Certificate
from .services.registry import EXPIRING_DAYS
from .services.review import reviews_waiting_count

# Cohorts closed longer ago than this are left to their pages: the officer's list stays quick
# at national scale (most of their trainees are certified or will never be).
RECENT_DAYS = 365
MOST = 10  # cohorts listed; past that, one item leads to the list of cohorts


def trainee(user: User, now: datetime) -> list[Todo]:
    """The holder's current certificates that expire within the registry's window (one
    query)."""
    today = local_date(now)
    rows = db.session.execute(
        sa.select(Certificate.id, Certificate.expires_on, Curriculum.title_km, Curriculum.title_en)
        .join(Curriculum, Curriculum.id == Certificate.curriculum_id)
        .where(Certificate.holder_id == user.id, Certificate.expiring_within(today, EXPIRING_DAYS))
        .order_by(Certificate.expires_on, Certificate.id)
    )
    return [
        Todo(
            "certificate_expiring",
            _l("Certificate expiring: renew it"),
            "certificates.show_certificate",
            (("certificate_id", certificate_id),),
            facts=(
                Fact(_l("Valid until %(value)s"), expires_on),
                Fact(_l("Days left: %(value)s"), (expires_on - today).days),
            ),
            **both(km, en),
        )
        for certificate_id, expires_on, km, en in rows
    ]


def eligible(enrolment: Enrolment, standing: Standing) -> bool:
    """Whether the enrolment may be certified, on its standing: enrolled in a closed cohort,
    attendance at the curriculum's minimum, every required competency achieved, every logbook
    complete (the conditions of `services.check_eligibility`)."""
    if enrolment.status != EnrolmentStatus.ENROLLED:
        return False
    if enrolment.cohort.status != CohortStatus.CLOSED:
        return False
    attended = standing.attendance
    minimum = enrolment.cohort.curriculum.min_attendance_percent
    if attended is not None and attended.percent is not None and attended.percent < minimum:
        return False
    return not standing.required_left and all(book.complete for book in standing.logbooks)


def candidates(now: datetime) -> list[Enrolment]:
    """Enrolled trainees of recently closed cohorts who hold no current certificate, with
    their cohorts and curricula (one query)."""
    since = local_date(now) - timedelta(days=RECENT_DAYS)
    held = sa.select(Certificate.enrolment_id).where(Certificate.is_current)
    return training.enrolled_places(
        Cohort.status == CohortStatus.CLOSED,
        Cohort.end_date >= since,
        Enrolment.id.not_in(held),
        order_by=(Cohort.end_date.desc(), Cohort.id, Enrolment.id),
    )


def eligible_not_issued(now: datetime) -> list[tuple[Cohort, int]]:
    """Per recently closed cohort, how many of its trainees are eligible and hold no
    certificate yet (what "issue all" there would issue), latest cohorts first."""
    waiting = candidates(now)
    standing = standing_of(waiting, now)
    counts: dict[int, list] = {}
    for e in waiting:
        if eligible(e, standing[e.id]):
            counts.setdefault(e.cohort_id, [e.cohort, 0])[1] += 1
    return [(cohort, n) for cohort, n in counts.values()]


def officer(user: User, now: datetime) -> list[Todo]:
    """Cohorts with trainees to certify, certificates under review, and certificates
    expiring within the registry's window (a fixed number of queries)."""
    cohorts = eligible_not_issued(now)
    found = [
        Todo(
            "eligible_not_issued",
            _l("Eligible, certificate not issued"),
            "certificates.cohort_eligibility",
            (("cohort_id", cohort.id),),
            count=n,
            **both(cohort.title_km, cohort.title_en),
        )
        for cohort, n in cohorts[:MOST]
    ]
    if len(cohorts) > MOST:
        found.append(Todo("more_cohorts", _l("More cohorts"), "training.list_cohorts"))
    reviews = reviews_waiting_count()
    if reviews:
        found.append(
            Todo(
                "certificates_under_review",
                _l("Certificates under review"),
                "certificates.list_reviews",
                count=reviews,
            )
        )
    expiring = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Certificate)
        .where(Certificate.expiring_within(local_date(now), EXPIRING_DAYS))
    )
    if expiring:
        found.append(
            Todo(
                "certificates_expiring",
                _l("Certificates expiring soon"),
                "certificates.registry",
                (("expiring", 1),),
                count=expiring,
                facts=(Fact(_l("Within %(value)s days"), EXPIRING_DAYS),),
            )
        )
    return found
