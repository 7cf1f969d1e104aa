"""Renewing a certificate: on completing the refresher its curriculum names, or on the CPD
credits earned since it was issued. A renewal has a new serial and new dates and replaces the
earlier certificate. A renewal on CPD credits opens `RENEWAL_OPENS_MONTHS` before the
certificate expires; completing the refresher renews it whenever it is completed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...assessments import progress
from ...curricula.models import Curriculum
from ...errors import DomainError
from ...extensions import db
from ...i18n import format_date, format_number, local_date
from ...training.models import Enrolment
from ..models import Certificate, IssueKind
from .records import (
    add_months,
    expiry_date,
    lock_current,
    new_certificate,
    next_serial,
    snapshot_of,
    supersede,
)
from .rendering import Renderer

RENEWAL_OPENS_MONTHS = 6  # a renewal on CPD credits can be made from this long before expiry


def renewal_target(enrolment: Enrolment) -> Certificate | None:
    """The holder's certificate that completing this (refresher) curriculum renews, if any:
    the newest one, valid or expired but not revoked, whose curriculum names this one in
    `renewed_by`."""
    code = enrolment.cohort.curriculum.code
    return db.session.scalar(
        sa.select(Certificate)
        .join(Curriculum, Curriculum.id == Certificate.curriculum_id)
        .where(
            Certificate.holder_id == enrolment.trainee_id,
            Curriculum.renewed_by == code,
            Certificate.is_current,
        )
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        .limit(1)
    )


def renew(
    actor,
    previous: Certificate,
    enrolment: Enrolment,
    p,
    now: datetime,
    renderer: Renderer,
    *,
    refresher: str | None = None,
    cpd_credits: float | None = None,
) -> Certificate:
    """A renewed certificate of the earlier curriculum, linked to the one it replaces.

    `enrolment` is the refresher's (or, renewed on CPD credits, the original one); the holder's
    names are taken afresh from it, the rest is as the earlier certificate says. What renewed
    it (the `refresher` curriculum's code or the `cpd_credits`) goes in the snapshot and the
    trail."""
    curriculum = previous.curriculum
    issued_on = local_date(now)
    expires_on = expiry_date(issued_on, curriculum.validity_months)
    snapshot = previous.data.with_holder_of(
        snapshot_of(enrolment, issued_on, expires_on, p),
        issued_on=issued_on,
        expires_on=expires_on,
        renewed_by_refresher=refresher,
        renewed_by_cpd_credits=cpd_credits,
    )
    supersede(previous, now)
    serial = next_serial(curriculum.code, issued_on.year)
    certificate = new_certificate(
        actor, IssueKind.RENEWAL, serial, enrolment, snapshot, now, supersedes=previous
    )
    db.session.flush()
    by = (
        {"renewed_by_refresher": refresher}
        if refresher is not None
        else {"renewed_by_cpd_credits": cpd_credits}
    )
    renderer.add(
        certificate,
        actor,
        "certificate.renewed",
        {"serial": certificate.serial, "replaces": previous.serial, **by},
        now,
    )
    return certificate


@dataclass
class CpdRenewal:
    """Whether a certificate can be renewed on CPD credits, and on which."""

    required: float
    earned: float
    counted: list  # (curriculum, day it counts) completed after the certificate was issued

    @property
    def ok(self) -> bool:
        return self.earned >= self.required

    @property
    def short(self) -> float:
        """The credits still missing (0 when there are enough)."""
        return max(self.required - self.earned, 0)


def cpd_renewal_opens_on(certificate: Certificate) -> date | None:
    """The first day the certificate can be renewed on CPD credits (None: it does not
    expire, so it needs no renewal)."""
    if certificate.expires_on is None:
        return None
    return add_months(certificate.expires_on, -RENEWAL_OPENS_MONTHS)


def cpd_renewal(certificate: Certificate, now: datetime) -> CpdRenewal | None:
    """None unless the certificate's curriculum is renewed on CPD credits. Credits count from
    other curricula completed after the certificate was issued, up to today."""
    required = certificate.curriculum.renewal_cpd_credits
    if not required:
        return None
    today = local_date(now)
    counted = [
        (curriculum, day)
        for curriculum, day in progress.completed_curricula(certificate.holder, now)
        if curriculum.code != certificate.curriculum.code
        and certificate.issued_on < day <= today
        and curriculum.cpd_credits
    ]
    counted.sort(key=lambda pair: pair[1])
    return CpdRenewal(required, sum(c.cpd_credits for c, _day in counted), counted)


def renew_on_cpd(
    actor, certificate: Certificate, now: datetime, folder: Path, base_url: str
) -> Certificate:
    """Renew a current certificate whose holder has earned the CPD credits its curriculum
    asks for since it was issued, once its renewal has opened (`cpd_renewal_opens_on`)."""
    lock_current(certificate, _l("Only a current certificate can be renewed."))
    check = cpd_renewal(certificate, now)
    if check is None:
        raise DomainError(_l("This curriculum's certificates are not renewed on CPD credits."))
    opens_on = cpd_renewal_opens_on(certificate)
    if opens_on is None:
        raise DomainError(_l("This certificate does not expire: it needs no renewal."))
    if local_date(now) < opens_on:
        raise DomainError(
            _l(
                "Renewal opens on %(day)s, %(months)s months before the certificate expires.",
                day=format_date(opens_on),
                months=format_number(RENEWAL_OPENS_MONTHS),
            )
        )
    if not check.ok:
        raise DomainError(
            _l(
                "Not enough CPD credits since this certificate was issued: %(earned)s of "
                "%(required)s.",
                earned=format_number(check.earned),
                required=format_number(check.required),
            )
        )
    return renew(
        actor,
        certificate,
        certificate.enrolment,
        None,
        now,
        Renderer(folder, base_url),
        cpd_credits=check.earned,
    )
