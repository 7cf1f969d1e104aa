"""Cadres and the professional councils that license them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ...audit import services as audit
from ...errors import DomainError
from ...extensions import db
from ...text import has_khmer, normalise
from ..models import Cadre, Council

COUNCILS = (
    ("CMC", "ក្រុមប្រឹក្សាវេជ្ជបណ្ឌិតកម្ពុជា", "Cambodian Medical Council"),
    ("CDC", "ក្រុមប្រឹក្សាទន្តបណ្ឌិតកម្ពុជា", "Cambodian Dental Council"),
    ("CMWC", "ក្រុមប្រឹក្សាឆ្មបកម្ពុជា", "Cambodian Midwives Council"),
    ("CCN", "ក្រុមប្រឹក្សាគិលានុបដ្ឋាកកម្ពុជា", "Cambodian Council of Nurses"),
    ("PCC", "ក្រុមប្រឹក្សាឱសថការីកម្ពុជា", "Pharmacy Council of Cambodia"),
)
CADRES = (
    ("MD", "វេជ្ជបណ្ឌិត", "Medical doctor", "CMC"),
    ("NURSE", "គិលានុបដ្ឋាក", "Nurse", "CCN"),
    ("MIDWIFE", "ឆ្មប", "Midwife", "CMWC"),
    ("PHARMACIST", "ឱសថការី", "Pharmacist", "PCC"),
    ("DENTIST", "ទន្តបណ្ឌិត", "Dentist", "CDC"),
    ("LAB", "អ្នកបច្ចេកទេសមន្ទីរពិសោធន៍", "Laboratory technician", None),
    ("PHYSIO", "អ្នកព្យាបាលដោយចលនា", "Physiotherapist", None),
)
CADRE_CODE_RE = re.compile(r"^[A-Z0-9_-]{2,30}$")


def seed_councils_and_cadres() -> None:
    """Create the five councils and the seed cadres when they are missing."""
    councils = {c.code: c for c in db.session.scalars(sa.select(Council))}
    for code, km, en in COUNCILS:
        if code not in councils:
            councils[code] = Council(code=code, name_km=km, name_en=en)
            db.session.add(councils[code])
    db.session.flush()
    cadres = set(db.session.scalars(sa.select(Cadre.code)))
    for code, km, en, council in CADRES:
        if code not in cadres:
            db.session.add(
                Cadre(
                    code=code,
                    name_km=km,
                    name_en=en,
                    council_id=councils[council].id if council else None,
                )
            )


@dataclass
class CadreData:
    code: str
    name_km: str
    name_en: str
    council_id: int | None = None
    active: bool = True


def _check_names(name_km: str | None, name_en: str | None) -> None:
    """A name in Khmer script and one in Latin script, or DomainError."""
    if not has_khmer(name_km):
        raise DomainError(_l("The Khmer name is required."), "name_km")
    if not name_en or has_khmer(name_en):
        raise DomainError(_l("The English name is required."), "name_en")


def save_cadre(actor, data: CadreData, now: datetime, cadre: Cadre | None = None) -> Cadre:
    """Create or update a cadre; codes are unique."""
    data.code = (normalise(data.code) or "").upper()
    if not CADRE_CODE_RE.match(data.code):
        raise DomainError(_l("Use 2 to 30 capital letters, digits, dashes or underscores."), "code")
    _check_names(data.name_km, data.name_en)
    clash = db.session.scalar(sa.select(Cadre.id).where(Cadre.code == data.code))
    if clash and (cadre is None or clash != cadre.id):
        raise DomainError(_l("Another cadre already has this code."), "code")
    created = cadre is None
    cadre = cadre or Cadre()
    for key, value in vars(data).items():
        setattr(cadre, key, value)
    db.session.add(cadre)
    db.session.flush()
    audit.record(
        actor, "cadre.created" if created else "cadre.updated", cadre, now=now, **vars(data)
    )
    return cadre


def cadres(active_only: bool = False) -> list[Cadre]:
    """Every cadre (or only the active ones) with its council, by English name."""
    stmt = sa.select(Cadre).options(joinedload(Cadre.council)).order_by(Cadre.name_en)
    if active_only:
        stmt = stmt.where(Cadre.active.is_(True))
    return list(db.session.scalars(stmt))


def councils() -> list[Council]:
    """Every professional council, by English name."""
    return list(db.session.scalars(sa.select(Council).order_by(Council.name_en)))


def save_council(
    actor, council: Council, name_km: str, name_en: str, cycle_years: int, now: datetime
) -> None:
    """Rename a council or change its licensing cycle (the period CPD credits count over)."""
    _check_names(name_km, name_en)
    if not 1 <= cycle_years <= 10:
        raise DomainError(_l("A licensing cycle lasts from 1 to 10 years."), "licence_cycle_years")
    before = council.licence_cycle_years
    council.name_km, council.name_en, council.licence_cycle_years = name_km, name_en, cycle_years
    audit.record(
        actor,
        "council.updated",
        council,
        now=now,
        cycle_years=cycle_years,
        cycle_years_before=before,
    )
