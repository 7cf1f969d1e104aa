"""Certificates under review: when the evidence a certificate stands on changes (a corrected
record, a panel decision reversed) so that its enrolment is no longer eligible, the certificate
is put under review for accreditation officers. An officer confirms it, with a reason, or
revokes it; both are audited. Until then the public verification page is unchanged.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ... import events
from ...audit import services as audit
from ...errors import DomainError
from ...extensions import db
from ...training.models import Enrolment
from ..models import Certificate, CertificateReview, ReviewOutcome, RevocationReason
from .corrections import revoke
from .eligibility import check_eligibility
from .records import active_certificate


def open_review(certificate: Certificate) -> CertificateReview | None:
    """The certificate's review still waiting for an officer, if any."""
    return db.session.scalar(
        sa.select(CertificateReview).where(
            CertificateReview.certificate_id == certificate.id,
            CertificateReview.closed_at.is_(None),
        )
    )


@events.on_evidence_changed
def review_if_ineligible(actor, enrolment: Enrolment, what_changed: str, now: datetime) -> None:
    """Put the enrolment's current certificate under review when it is no longer eligible on
    the evidence as it now stands (once: an open review is not opened again)."""
    certificate = active_certificate(enrolment.id)
    if certificate is None or open_review(certificate) is not None:
        return
    eligibility = check_eligibility(enrolment, now)
    if eligibility.ok:
        return
    reasons = "; ".join(reason.recorded() for reason in eligibility.reasons)
    review = CertificateReview(
        certificate_id=certificate.id,
        opened_at=now,
        reason=f"{what_changed}: {reasons}",
        opened_by_id=getattr(actor, "id", None),
    )
    review.certificate = certificate
    db.session.add(review)
    db.session.flush()
    _record(actor, "certificate.under_review", review, now, reason=review.reason)


def reviews_waiting() -> list[CertificateReview]:
    """Open reviews, oldest first, with their certificates and holders (one query)."""
    return list(
        db.session.scalars(
            sa.select(CertificateReview)
            .options(joinedload(CertificateReview.certificate).joinedload(Certificate.holder))
            .where(CertificateReview.closed_at.is_(None))
            .order_by(CertificateReview.opened_at, CertificateReview.id)
        )
    )


def reviews_waiting_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(CertificateReview)
        .where(CertificateReview.closed_at.is_(None))
    )


def close_review(
    actor,
    review: CertificateReview,
    outcome: ReviewOutcome,
    note: str,
    now: datetime,
    reason: RevocationReason | None = None,
) -> CertificateReview:
    """An officer decides: the certificate stands (`CONFIRMED`, with a note saying why) or is
    revoked (`REVOKED`, with a revocation reason). Audited; the caller commits."""
    if not review.is_open:
        raise DomainError(_l("This review was already decided."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_l("Say why: the note is kept with the review."), "note")
    certificate = review.certificate
    if outcome == ReviewOutcome.REVOKED:
        if reason is None:
            raise DomainError(_l("Choose the reason for revoking."), "reason")
        revoke(actor, certificate, reason, note, now)
    review.outcome, review.note = outcome, note
    review.closed_at, review.closed_by_id = now, getattr(actor, "id", None)
    _record(actor, "certificate.review_closed", review, now, outcome=outcome.value)
    return review


def _record(actor, action: str, review: CertificateReview, now: datetime, **details) -> None:
    certificate = review.certificate
    audit.record(
        actor, action, certificate, now=now, serial=certificate.serial, review=review.id, **details
    )
