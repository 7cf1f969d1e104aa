"""Public verification: finding a certificate by its code (the QR link) or by serial and
family name, and what anyone may know of it."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ...extensions import db
from ...i18n import local_date
from ..models import Certificate


def by_code(code: str) -> Certificate | None:
    """The certificate with this verification code (None for anything that cannot be one)."""
    if not code or len(code) > 64:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.verification_code == code))


def verification_state(code: str) -> tuple | None:
    """Everything about a certificate that can change what its public page shows (its id,
    when it was revoked, when replaced), in one narrow query; None when there is none."""
    row = db.session.execute(
        sa.select(Certificate.id, Certificate.revoked_at, Certificate.superseded_at).where(
            Certificate.verification_code == code
        )
    ).first()
    return None if row is None else tuple(row)


def by_serial_and_family_name(serial: str, family_name: str) -> Certificate | None:
    """For people who cannot scan: the serial and the holder's family name, in either script."""
    certificate = db.session.scalar(
        sa.select(Certificate).where(Certificate.serial == (serial or "").strip().upper())
    )
    if certificate is None:
        return None
    name = (family_name or "").strip().casefold()
    d = certificate.data
    if name and name in (d.family_name_en.casefold(), d.family_name_km.casefold()):
        return certificate
    return None


def public_record(certificate: Certificate, today: date) -> dict:
    """What anyone may know: status, names, curriculum, dates, issuing body. Nothing more."""
    d = certificate.data
    revoked = certificate.revoked_at
    return {
        "serial": certificate.serial,
        "status": certificate.status_on(today).value,
        "holder": {"km": d.holder_km, "en": d.holder_en},
        "curriculum": {"km": d.curriculum_km, "en": d.curriculum_en},
        "issued_on": d.issued_on.isoformat(),
        "expires_on": d.expires_on.isoformat() if d.expires_on else None,
        "issuing_body": {"km": d.issuing_body_km, "en": d.issuing_body_en},
        "revoked_on": local_date(revoked).isoformat() if revoked else None,
        "revocation_reason": certificate.revocation_reason.value
        if certificate.revocation_reason
        else None,
    }
