"""Issuing certificates: one enrolment's (idempotently: a repeat returns the one issued), or
every eligible enrolment of a cohort, rendering PDFs side by side when there are many."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ...database import acquire_lock
from ...extensions import db
from ...i18n import local_date
from ...training.models import Cohort, Enrolment, EnrolmentStatus
from .. import pdf
from ..models import Certificate, IssueKind
from .eligibility import Eligibility, NotEligible, eligibility_and_progress
from .records import active_certificate, expiry_date, new_certificate, next_serial, snapshot_of
from .rendering import Renderer
from .renewal import renew, renewal_target

PARALLEL_FROM = 40  # fewer certificates than this render faster than processes start


def issue(
    actor,
    enrolment: Enrolment,
    now: datetime,
    folder: Path,
    base_url: str,
    renderer: Renderer | None = None,
) -> tuple[Certificate, bool]:
    """Issue the enrolment's certificate, or return the active one (created is then False).
    Completing a refresher renews the certificate it names instead.

    With a `renderer` that has a pool, the PDF (and the audit entry, which carries its
    SHA-256) is stored when the renderer finishes; the caller commits after that."""
    renderer = renderer or Renderer(folder, base_url)
    acquire_lock(f"certificate:{enrolment.id}")
    existing = active_certificate(enrolment.id)
    if existing is not None:
        return existing, False
    eligibility, p = eligibility_and_progress(enrolment, now)
    if not eligibility.ok:
        raise NotEligible(eligibility)
    curriculum = enrolment.cohort.curriculum
    previous = renewal_target(enrolment)
    if previous is not None:
        return renew(actor, previous, enrolment, p, now, renderer, refresher=curriculum.code), True
    issued_on = local_date(now)
    snapshot = snapshot_of(
        enrolment, issued_on, expiry_date(issued_on, curriculum.validity_months), p
    )
    serial = next_serial(curriculum.code, issued_on.year)
    certificate = new_certificate(actor, IssueKind.ORIGINAL, serial, enrolment, snapshot, now)
    try:
        db.session.flush()
    except IntegrityError:  # another process issued it between our check and our insert
        if renderer.pending:  # a batch is in flight: fail it; a repeat continues after it
            raise
        db.session.rollback()
        return active_certificate(enrolment.id), False
    renderer.add(
        certificate,
        actor,
        "certificate.issued",
        {"serial": certificate.serial, "enrolment": enrolment.id},
        now,
    )
    return certificate, True


@dataclass
class BulkResult:
    issued: list[Certificate]
    existing: list[Certificate]
    ineligible: list[tuple[Enrolment, Eligibility]]


def bulk_issue(
    actor, cohort: Cohort, now: datetime, folder: Path, base_url: str, workers: int = 1
) -> BulkResult:
    """Issue every eligible enrolment of a cohort, committing as it goes: a repeat after a
    crash continues where it stopped and never issues twice.

    With `workers` > 1 and a large cohort, PDFs render in that many processes while this
    one prepares the next certificates; each batch is committed once its PDFs are stored."""
    result = BulkResult([], [], [])
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Enrolment.id)
    ).all()

    def run(renderer: Renderer, batch_size: int) -> None:
        for start in range(0, len(enrolments), batch_size):
            done = []
            for enrolment in enrolments[start : start + batch_size]:
                try:
                    done.append(issue(actor, enrolment, now, folder, base_url, renderer))
                except NotEligible as error:
                    result.ineligible.append((enrolment, error.eligibility))
            renderer.finish()
            db.session.commit()
            for certificate, created in done:
                (result.issued if created else result.existing).append(certificate)

    if workers > 1 and len(enrolments) >= PARALLEL_FROM:
        with pdf.render_pool(workers) as pool:
            run(Renderer(folder, base_url, pool), batch_size=workers * 4)
    else:
        run(Renderer(folder, base_url), batch_size=1)
    return result
