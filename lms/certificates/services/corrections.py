"""Correcting the registry: revoking a certificate, and re-issuing one with the holder's
corrected details under the same serial with a revision letter."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...audit import services as audit
from ...errors import DomainError
from ...extensions import db
from ..models import (
    Certificate,
    CertificateReview,
    IssueKind,
    ReviewOutcome,
    RevocationReason,
)
from .records import lock_current, new_certificate, snapshot_of, supersede
from .rendering import Renderer


def revoke(
    actor,
    certificate: Certificate,
    reason: RevocationReason | None,
    note: str | None,
    now: datetime,
) -> None:
    """Revoke with a required reason; the public page shows it at once."""
    if reason is None:
        raise DomainError(_l("Choose the reason for revoking."), "reason")
    if certificate.revoked_at is not None:
        raise DomainError(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_by_id = now, getattr(actor, "id", None)
    certificate.revocation_reason, certificate.revocation_note = reason, (note or None)
    reviews = db.session.scalars(  # a review waiting on it is decided by the revocation
        sa.select(CertificateReview).where(
            CertificateReview.certificate_id == certificate.id,
            CertificateReview.closed_at.is_(None),
        )
    ).all()
    for review in reviews:
        review.outcome, review.note = ReviewOutcome.REVOKED, note or None
        review.closed_at, review.closed_by_id = now, certificate.revoked_by_id
    audit.record(
        actor,
        "certificate.revoked",
        certificate,
        now=now,
        serial=certificate.serial,
        reason=reason.value,
        **({"reviews_closed": [r.id for r in reviews]} if reviews else {}),
    )


def _next_revision(base_serial: str) -> str:
    """A, B, C… for re-issues of one serial."""
    count = db.session.scalar(
        sa.select(sa.func.count()).where(Certificate.serial.like(f"{base_serial}-_"))
    )
    return chr(ord("A") + count)


def reissue_corrected(
    actor,
    certificate: Certificate,
    reason: str | None,
    now: datetime,
    folder: Path,
    base_url: str,
) -> Certificate:
    """Re-issue after correcting the holder's details (a misspelt name, say): the same serial
    with a revision letter, the same dates and competencies; the old one is superseded."""
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the re-issue."), "reason")
    lock_current(certificate, _l("Only a current certificate can be re-issued."))
    base = (
        certificate.serial.rsplit("-", 1)[0]
        if certificate.kind == IssueKind.CORRECTION
        else certificate.serial
    )
    enrolment = certificate.enrolment
    snapshot = dataclasses.replace(
        snapshot_of(enrolment, certificate.issued_on, certificate.expires_on, None),
        competencies=certificate.data.competencies,  # what was certified stays as certified
        by_panel=certificate.data.by_panel,
    )
    supersede(certificate, now)
    serial = f"{base}-{_next_revision(base)}"
    new = new_certificate(
        actor, IssueKind.CORRECTION, serial, enrolment, snapshot, now, supersedes=certificate
    )
    db.session.flush()
    Renderer(folder, base_url).add(
        new,
        actor,
        "certificate.reissued",
        {"serial": new.serial, "replaces": certificate.serial, "reason": reason.strip()},
        now,
    )
    return new
