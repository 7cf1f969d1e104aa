"""The issuing body and signatory printed on certificates: for every curriculum, or for one."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...audit import services as audit
from ...errors import DomainError
from ...extensions import db
from ...text import has_khmer
from ..models import CertificateSettings

DEFAULT_SETTINGS = {
    "issuing_body_km": "ក្រសួងសុខាភិបាល",
    "issuing_body_en": "Ministry of Health",
    "signatory_name_km": "",
    "signatory_name_en": "",
    "signatory_title_km": "រដ្ឋមន្ត្រីក្រសួងសុខាភិបាល",
    "signatory_title_en": "Minister of Health",
    "place_km": "ភ្នំពេញ",
    "place_en": "Phnom Penh",
}


def settings_for(curriculum_code: str) -> dict:
    """The issuing body and signatory for a curriculum, else the general ones."""
    rows = {
        s.curriculum_code: s
        for s in db.session.scalars(
            sa.select(CertificateSettings).where(
                sa.or_(
                    CertificateSettings.curriculum_code == curriculum_code,
                    CertificateSettings.curriculum_code.is_(None),
                )
            )
        )
    }
    row = rows.get(curriculum_code) or rows.get(None)
    if row is None:
        return dict(DEFAULT_SETTINGS)
    return {key: getattr(row, key) for key in DEFAULT_SETTINGS}


def _settings_row(code: str | None) -> CertificateSettings | None:
    return db.session.scalar(
        sa.select(CertificateSettings).where(
            CertificateSettings.curriculum_code.is_(None)
            if code is None
            else CertificateSettings.curriculum_code == code
        )
    )


def general_settings() -> CertificateSettings | None:
    """The settings saved for every curriculum, if any were."""
    return _settings_row(None)


def all_settings() -> list[CertificateSettings]:
    """Every saved setting: the general one first, then by curriculum code."""
    return db.session.scalars(
        sa.select(CertificateSettings).order_by(
            CertificateSettings.curriculum_code.is_not(None), CertificateSettings.curriculum_code
        )
    ).all()


def save_settings(
    actor, curriculum_code: str | None, values: dict, now: datetime
) -> CertificateSettings:
    """The issuing body and signatory printed on certificates (all, or one curriculum's)."""
    for key in ("issuing_body_km", "signatory_title_km", "place_km"):
        if not has_khmer(values.get(key)):
            raise DomainError(_l("Write this in Khmer script."), key)
    for key in ("issuing_body_en", "signatory_title_en", "place_en"):
        if not values.get(key):
            raise DomainError(_l("This field is required."), key)
    code = (curriculum_code or "").strip().upper() or None
    row = _settings_row(code) or CertificateSettings(curriculum_code=code)
    for key in DEFAULT_SETTINGS:
        setattr(row, key, (values.get(key) or "").strip())
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "certificate.settings_saved", row, now=now, curriculum=code)
    return row
