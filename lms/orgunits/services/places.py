"""Provinces, operational districts and facilities: the shipped provinces, the rules a place's
code and names follow, and saving a district or a facility."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...audit import services as audit
from ...auth.roles import Role
from ...errors import DomainError
from ...extensions import db
from ...text import has_khmer, normalise
from ..models import Facility, FacilityType, OperationalDistrict, Province

PROVINCES_CSV = Path(__file__).parent.parent / "data" / "provinces.csv"
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$")

Problems = list[tuple[str, object]]


def seed_provinces() -> int:
    """Create or update the 25 provinces from the shipped file; return how many were added."""
    existing = {p.code: p for p in db.session.scalars(sa.select(Province))}
    added = 0
    with PROVINCES_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            province = existing.get(row["code"])
            if province is None:
                province = Province(code=row["code"])
                db.session.add(province)
                added += 1
            province.name_km, province.name_en = row["name_km"], row["name_en"]
    return added


def provinces() -> list[Province]:
    """The provinces, in the order of their official codes."""
    return list(db.session.scalars(sa.select(Province).order_by(Province.code)))


def may_change_places(user) -> bool:
    """Only administrators create and edit districts and facilities; others look them up."""
    return user.has_role(Role.ADMIN)


@dataclass
class DistrictData:
    code: str
    province_id: int
    name_km: str
    name_en: str
    active: bool = True


@dataclass
class FacilityData:
    code: str
    name_km: str
    name_en: str
    type: FacilityType
    province_id: int
    district_id: int | None = None
    active: bool = True


def check_names(name_km: str | None, name_en: str | None) -> Problems:
    """A name in Khmer script and one in Latin script are required."""
    problems = []
    if not name_km:
        problems.append(("name_km", _l("The Khmer name is required.")))
    elif not has_khmer(name_km):
        problems.append(("name_km", _l("The Khmer name must be written in Khmer script.")))
    if not name_en:
        problems.append(("name_en", _l("The English name is required.")))
    elif has_khmer(name_en):
        problems.append(("name_en", _l("The English name must be written in Latin script.")))
    return problems


def check_code(code: str | None) -> Problems:
    """A code is 1 to 20 capital letters, digits, dots, dashes or underscores."""
    if not code:
        return [("code", _l("The code is required."))]
    if not CODE_RE.match(code):
        return [("code", _l("Use 1 to 20 capital letters, digits, dots, dashes or underscores."))]
    return []


def _check_place(model, data, place, taken_message) -> None:
    """Normalise the code of `data` and refuse bad codes and names, a code that another row
    of `model` holds, and an unknown province."""
    data.code = (normalise(data.code) or "").upper()
    problems = check_code(data.code) + check_names(data.name_km, data.name_en)
    if problems:
        field, message = problems[0]
        raise DomainError(message, field)
    clash = db.session.scalar(sa.select(model.id).where(model.code == data.code))
    if clash and (place is None or clash != place.id):
        raise DomainError(taken_message, "code")
    if db.session.get(Province, data.province_id) is None:
        raise DomainError(_l("Choose a province."), "province_id")


def _store(actor, model, data, place, details: dict, now: datetime):
    """Copy `data` onto `place` (a new row of `model` when None) and audit it."""
    created = place is None
    place = place or model()
    for key, value in vars(data).items():
        setattr(place, key, value)
    db.session.add(place)
    db.session.flush()
    action = f"{model.audit_type}.{'created' if created else 'updated'}"
    audit.record(actor, action, place, now=now, **details)
    return place


def save_district(
    actor, data: DistrictData, now: datetime, district: OperationalDistrict | None = None
) -> OperationalDistrict:
    """Create a district, or update `district`; codes are unique."""
    _check_place(OperationalDistrict, data, district, _l("Another district already has this code."))
    return _store(actor, OperationalDistrict, data, district, vars(data), now)


def save_facility(
    actor, data: FacilityData, now: datetime, facility: Facility | None = None
) -> Facility:
    """Create a facility, or update `facility`; its district must lie in its province."""
    _check_place(Facility, data, facility, _l("Another facility already has this code."))
    if data.district_id is not None:
        district = db.session.get(OperationalDistrict, data.district_id)
        if district is None or district.province_id != data.province_id:
            raise DomainError(
                _l("This operational district is not in the chosen province."), "district_id"
            )
    details = {**vars(data), "type": data.type.value}
    return _store(actor, Facility, data, facility, details, now)
