"""Public verification: finding a certificate by its code (the QR link) or by serial and
family name, and what anyone may know of it."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...enums import LabelledEnum
from ...extensions import db
from ...i18n import local_date
from ...text import code_as_typed
from ..models import Certificate, RevocationReason

# A whole serial: CODE-YEAR-NUMBER, and a letter for a corrected re-issue (BEMONC-2026-00042-A).
WHOLE_SERIAL = re.compile(r"^[A-Z0-9][A-Z0-9._-]*-[0-9]{4}-[0-9]{5,}(-[A-Z])?$")


class PublicReason(LabelledEnum):
    """Why a certificate was revoked, as the public page says it: a category, never the
    officer's reason in full (that stays in the registry)."""

    ISSUED_IN_ERROR = "issued_in_error", _l("Issued in error")
    WITHDRAWN = "withdrawn", _l("Withdrawn by the issuing body")
    WITHDRAWN_BY_COUNCIL = "withdrawn_by_council", _l("Withdrawn by the professional council")
    HOLDER_REQUEST = "holder_request", _l("Withdrawn at the holder's request")


PUBLIC_REASONS = {
    RevocationReason.ISSUED_IN_ERROR: PublicReason.ISSUED_IN_ERROR,
    RevocationReason.ASSESSMENT_INVALID: PublicReason.WITHDRAWN,
    RevocationReason.MISCONDUCT: PublicReason.WITHDRAWN,
    RevocationReason.LICENCE_WITHDRAWN: PublicReason.WITHDRAWN_BY_COUNCIL,
    RevocationReason.HOLDER_REQUEST: PublicReason.HOLDER_REQUEST,
}


def public_reason(certificate: Certificate) -> PublicReason | None:
    """The public category of a revoked certificate's reason (None when not revoked)."""
    reason = certificate.revocation_reason
    return PUBLIC_REASONS[reason] if reason else None


def whole_serial(serial: str) -> str | None:
    """The serial as stored (capitals, Latin digits; Khmer digits typed are read), or None
    when it is not a whole serial."""
    value = code_as_typed(serial)
    return value if WHOLE_SERIAL.match(value) else None


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
    """For people who cannot scan: the whole serial and the holder's family name, in either
    script."""
    serial = whole_serial(serial)
    if serial is None:
        return None
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
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
        "revocation_reason": reason.value if (reason := public_reason(certificate)) else None,
    }
