"""How one certificate renews, and whether it can be renewed now: the plain data its page words.

A certificate renews in the ways its curriculum names: by completing the refresher curriculum
(`renewed_by`; the officer then issues from the refresher's cohort and the issue renews it), or
on CPD credits (`renewal_cpd_credits`; the officer renews it from its page). A certificate that
does not expire needs no renewal; one whose curriculum names neither way cannot be renewed (the
holder takes the course again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from ...curricula.models import Curriculum
from ...extensions import db
from ...i18n import local_date
from ...training.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus
from ..models import Certificate
from .eligibility import cohort_eligibility
from .records import active_certificates
from .renewal import CpdRenewal, cpd_renewal, cpd_renewal_opens_on


@dataclass(frozen=True)
class RefresherPlace:
    """The holder's place in a cohort of the refresher curriculum."""

    enrolment: Enrolment
    eligible: bool  # its cohort is closed and the holder is eligible: issuing renews

    @property
    def cohort(self) -> Cohort:
        return self.enrolment.cohort

    @property
    def closed(self) -> bool:
        return self.cohort.status == CohortStatus.CLOSED


@dataclass(frozen=True)
class Renewal:
    """How a certificate renews, and why it cannot be renewed now when it cannot.

    `way`: "no_expiry" (it needs no renewal), "none" (its curriculum names no way: the course
    is taken again), else "paths": the refresher (`refresher_code`) and/or CPD credits (`cpd`).
    `refused`: "revoked" or "superseded" when no renewal is possible at all.
    `cpd_refused`: why a renewal on CPD credits cannot be made yet: "not_yet" (it opens on
    `opens_on`), "credits" (`cpd.short` more are needed); empty when it can."""

    way: str
    refused: str | None = None
    refresher_code: str | None = None
    refresher: Curriculum | None = None  # the refresher's newest version, if imported
    places: tuple[RefresherPlace, ...] = ()
    cpd: CpdRenewal | None = None
    opens_on: date | None = None
    cpd_refused: tuple[str, ...] = ()

    @property
    def ready_places(self) -> tuple[RefresherPlace, ...]:
        """Completed refresher places an officer can issue the renewal from."""
        return tuple(p for p in self.places if p.eligible)

    @property
    def cpd_ready(self) -> bool:
        return self.cpd is not None and not self.cpd_refused


def renewal_of(certificate: Certificate, now: datetime) -> Renewal:
    """How `certificate` renews and what stands in the way today."""
    curriculum = certificate.curriculum
    refused = None
    if certificate.revoked_at is not None:
        refused = "revoked"
    elif certificate.superseded_at is not None:
        refused = "superseded"
    if certificate.expires_on is None:
        return Renewal("no_expiry", refused)
    code = curriculum.renewed_by
    if not code and not curriculum.renewal_cpd_credits:
        return Renewal("none", refused)
    refresher = _newest(code) if code else None
    if refused:
        return Renewal("paths", refused, refresher_code=code, refresher=refresher)
    cpd = cpd_renewal(certificate, now)
    opens_on = cpd_renewal_opens_on(certificate)
    cpd_refused = ()
    if cpd is not None:
        waits = (("not_yet", local_date(now) < opens_on), ("credits", not cpd.ok))
        cpd_refused = tuple(reason for reason, applies in waits if applies)
    return Renewal(
        "paths",
        refresher_code=code,
        refresher=refresher,
        places=_refresher_places(certificate, code, now) if code else (),
        cpd=cpd,
        opens_on=opens_on,
        cpd_refused=cpd_refused,
    )


def _newest(code: str) -> Curriculum | None:
    return db.session.scalar(
        sa.select(Curriculum)
        .where(Curriculum.code == code)
        .order_by(Curriculum.version.desc())
        .limit(1)
    )


def _refresher_places(
    certificate: Certificate, code: str, now: datetime
) -> tuple[RefresherPlace, ...]:
    """The holder's places in cohorts of the refresher, newest first, leaving out any that
    has its certificate already (it renewed an earlier one)."""
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Curriculum, Curriculum.id == Cohort.curriculum_id)
        .where(
            Enrolment.trainee_id == certificate.holder_id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Curriculum.code == code,
        )
        .options(contains_eager(Enrolment.cohort))
        .order_by(Cohort.start_date.desc(), Enrolment.id.desc())
    ).all()
    used = active_certificates([e.id for e in enrolments]) if enrolments else {}
    places = [e for e in enrolments if e.id not in used]
    closed = [e for e in places if e.cohort.status == CohortStatus.CLOSED]
    eligibility = cohort_eligibility(closed, now) if closed else {}
    return tuple(RefresherPlace(e, e.id in eligibility and eligibility[e.id].ok) for e in places)
