"""Who may be certified: every condition checked, each unmet one a reason with a title."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ...assessments import progress
from ...assessments.rules import CompetencyState
from ...errors import DomainError
from ...extensions import db
from ...training import services as training
from ...training.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus
from ..models import Certificate, CertificateReview
from .records import active_certificates


@dataclass(frozen=True)
class Reason:
    code: str
    title: object  # a lazy translated sentence
    detail: str | None = None  # the codes concerned (competencies, logbooks), as printed
    # Attendance below the minimum: the trainee's share and the curriculum's minimum, in
    # percent (numbers: the page writes them in the reader's digits).
    percent: float | None = None
    minimum: float | None = None

    def recorded(self) -> str:
        """The reason as a record keeps it (a review's reason): its code and its data."""
        if self.percent is not None:
            return f"{self.code} ({self.percent}% < {self.minimum}%)"
        return f"{self.code} ({self.detail})" if self.detail else self.code


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reasons: tuple[Reason, ...]


class NotEligible(DomainError):
    """Issuing was refused. Its text says so; its message, which the officer is shown,
    lists the reasons in the reader's language."""

    def __init__(self, eligibility: Eligibility):
        super().__init__(_l("This enrolment is not eligible for a certificate."))
        reasons = LazyString(lambda: "; ".join(str(r.title) for r in eligibility.reasons))
        self.message = _l("Not eligible: %(reasons)s", reasons=reasons)
        self.eligibility = eligibility


def check_eligibility(enrolment: Enrolment, now: datetime) -> Eligibility:
    """Every condition for a certificate, each unmet one a reason with a translated title."""
    return eligibility_and_progress(enrolment, now)[0]


def cohort_eligibility(enrolments: list[Enrolment], now: datetime) -> dict:
    """`check_eligibility` for enrolments of one cohort, by enrolment id, in a fixed number of
    queries."""
    found = progress.progress_of(enrolments, now)
    return {e.id: eligibility_and_progress(e, now, found[e.id])[0] for e in enrolments}


def eligibility_and_progress(enrolment: Enrolment, now: datetime, p=None):
    """The eligibility and the progress it was decided on (issuing reuses the progress)."""
    reasons = []
    if enrolment.status != EnrolmentStatus.ENROLLED:
        reasons.append(Reason("not_enrolled", _l("The trainee is not enrolled.")))
        return Eligibility(False, tuple(reasons)), None
    if enrolment.cohort.status != CohortStatus.CLOSED:
        reasons.append(Reason("cohort_open", _l("The cohort is not completed (closed) yet.")))
    p = p or progress.enrolment_progress(enrolment, now)
    minimum = enrolment.cohort.curriculum.min_attendance_percent
    if (
        p.attendance is not None
        and p.attendance.percent is not None
        and p.attendance.percent < minimum
    ):
        reasons.append(
            Reason(
                "attendance",
                _l("Attendance is below the minimum."),
                percent=p.attendance.percent,
                minimum=minimum,
            )
        )
    missing = [
        c.code
        for c in p.table.competencies
        if c.id in p.table.required and p.outcomes[c.id].state != CompetencyState.ACHIEVED
    ]
    if missing:
        reasons.append(
            Reason(
                "competencies",
                _l("Required competencies are not all achieved."),
                ", ".join(missing),
            )
        )
    incomplete = [i.code for i, outcome in p.logbooks if not outcome.complete]
    if incomplete:
        reasons.append(Reason("logbook", _l("The logbook is not complete."), ", ".join(incomplete)))
    return Eligibility(not reasons, tuple(reasons)), p


@dataclass(frozen=True)
class CohortRow:
    """One enrolled trainee on the cohort's certificates page."""

    enrolment: Enrolment
    eligibility: Eligibility
    certificate: Certificate | None  # the current one, if issued
    under_review: bool = False  # the certificate waits for an officer's decision


@dataclass(frozen=True)
class CohortCertificates:
    rows: list[CohortRow]

    @property
    def eligible(self) -> int:
        """How many are eligible and have no certificate yet (what "issue all" would issue)."""
        return sum(1 for r in self.rows if r.eligibility.ok and r.certificate is None)


def cohort_certificates(cohort: Cohort, now: datetime) -> CohortCertificates:
    """Each enrolled trainee of a cohort with their eligibility and current certificate, in a
    fixed number of queries."""
    enrolled = [e for e in training.roster(cohort) if e.status == EnrolmentStatus.ENROLLED]
    eligibility = cohort_eligibility(enrolled, now)
    certificates = active_certificates([e.id for e in enrolled])
    reviewed = under_review([c.id for c in certificates.values()])
    return CohortCertificates(
        [
            CohortRow(
                e,
                eligibility[e.id],
                certificates.get(e.id),
                e.id in certificates and certificates[e.id].id in reviewed,
            )
            for e in enrolled
        ]
    )


def under_review(certificate_ids: list[int]) -> set[int]:
    """Which of these certificates have a review waiting (one query)."""
    if not certificate_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(CertificateReview.certificate_id).where(
                CertificateReview.certificate_id.in_(certificate_ids),
                CertificateReview.closed_at.is_(None),
            )
        )
    )
