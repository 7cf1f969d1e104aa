"""Provinces, operational districts and facilities: reference data, edits and CSV imports."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import csvio
from ..audit import services as audit
from ..errors import DomainError, ImportRejected, RowError
from ..extensions import db
from ..text import has_khmer, normalise
from .models import Facility, FacilityType, OperationalDistrict, Province

PROVINCES_CSV = Path(__file__).parent / "data" / "provinces.csv"
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$")


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
    return list(db.session.scalars(sa.select(Province).order_by(Province.code)))


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


def _check_names(name_km: str | None, name_en: str | None) -> list[tuple[str, object]]:
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


def _check_code(code: str | None) -> list[tuple[str, object]]:
    if not code:
        return [("code", _l("The code is required."))]
    if not CODE_RE.match(code):
        return [("code", _l("Use 1 to 20 capital letters, digits, dots, dashes or underscores."))]
    return []


def _raise_first(problems: list[tuple[str, object]]) -> None:
    if problems:
        field, message = problems[0]
        raise DomainError(message, field)


def save_district(actor, data: DistrictData, district: OperationalDistrict | None = None):
    """Create a district, or update `district`; codes are unique."""
    data.code = (normalise(data.code) or "").upper()
    _raise_first(_check_code(data.code) + _check_names(data.name_km, data.name_en))
    clash = db.session.scalar(
        sa.select(OperationalDistrict.id).where(OperationalDistrict.code == data.code)
    )
    if clash and (district is None or clash != district.id):
        raise DomainError(_l("Another district already has this code."), "code")
    if db.session.get(Province, data.province_id) is None:
        raise DomainError(_l("Choose a province."), "province_id")
    created = district is None
    district = district or OperationalDistrict()
    for key, value in vars(data).items():
        setattr(district, key, value)
    db.session.add(district)
    db.session.flush()
    audit.record(
        actor,
        "district.created" if created else "district.updated",
        "district",
        district.id,
        vars(data),
    )
    return district


def save_facility(actor, data: FacilityData, facility: Facility | None = None) -> Facility:
    """Create a facility, or update `facility`; its district must lie in its province."""
    data.code = (normalise(data.code) or "").upper()
    _raise_first(_check_code(data.code) + _check_names(data.name_km, data.name_en))
    clash = db.session.scalar(sa.select(Facility.id).where(Facility.code == data.code))
    if clash and (facility is None or clash != facility.id):
        raise DomainError(_l("Another facility already has this code."), "code")
    if db.session.get(Province, data.province_id) is None:
        raise DomainError(_l("Choose a province."), "province_id")
    if data.district_id is not None:
        district = db.session.get(OperationalDistrict, data.district_id)
        if district is None or district.province_id != data.province_id:
            raise DomainError(
                _l("This operational district is not in the chosen province."), "district_id"
            )
    created = facility is None
    facility = facility or Facility()
    for key, value in vars(data).items():
        setattr(facility, key, value)
    db.session.add(facility)
    db.session.flush()
    audit.record(
        actor,
        "facility.created" if created else "facility.updated",
        "facility",
        facility.id,
        {**vars(data), "type": data.type.value},
    )
    return facility


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


DISTRICT_COLUMNS = ("code", "province_code", "name_km", "name_en")
FACILITY_COLUMNS = ("code", "name_km", "name_en", "type", "province_code")


def import_districts(actor, data: bytes | str, source: str | None = None) -> ImportResult:
    """Create or update districts from CSV, all or nothing."""
    rows = csvio.read_rows(data, DISTRICT_COLUMNS, ("active",))
    by_province = {p.code: p for p in provinces()}
    existing = {d.code: d for d in db.session.scalars(sa.select(OperationalDistrict))}
    errors, seen, parsed = [], set(), []
    for line, row in rows:
        code = (row["code"] or "").upper()
        problems = _check_code(code) + _check_names(row["name_km"], row["name_en"])
        province = by_province.get((row["province_code"] or "").zfill(2))
        if province is None:
            problems.append(("province_code", _l("Unknown province code.")))
        active = csvio.parse_bool(row.get("active"))
        if active is None:
            problems.append(("active", _l("Write yes or no.")))
        if code in seen:
            problems.append(("code", _l("This code appears twice in the file.")))
        seen.add(code)
        errors += [RowError(line, f, m) for f, m in problems]
        if not problems:
            parsed.append((code, province, row, active))
    if errors:
        raise ImportRejected(errors, source)
    result = ImportResult()
    for code, province, row, active in parsed:
        district = existing.get(code)
        if district is None:
            district = OperationalDistrict(code=code)
            db.session.add(district)
            result.created += 1
        else:
            result.updated += 1
        district.province_id = province.id
        district.name_km, district.name_en, district.active = row["name_km"], row["name_en"], active
    audit.record(actor, "district.imported", "district", None, vars(result))
    return result


def import_facilities(actor, data: bytes | str, source: str | None = None) -> ImportResult:
    """Create or update facilities from CSV, all or nothing."""
    rows = csvio.read_rows(data, FACILITY_COLUMNS, ("district_code", "active"))
    by_province = {p.code: p for p in provinces()}
    districts = {d.code: d for d in db.session.scalars(sa.select(OperationalDistrict))}
    existing = {f.code: f for f in db.session.scalars(sa.select(Facility))}
    types = {t.value: t for t in FacilityType}
    errors, seen, parsed = [], set(), []
    for line, row in rows:
        code = (row["code"] or "").upper()
        problems = _check_code(code) + _check_names(row["name_km"], row["name_en"])
        kind = types.get((row["type"] or "").lower())
        if kind is None:
            problems.append(
                ("type", _l("Unknown facility type. Use one of: %(types)s", types=", ".join(types)))
            )
        province = by_province.get((row["province_code"] or "").zfill(2))
        if province is None:
            problems.append(("province_code", _l("Unknown province code.")))
        district = None
        if row.get("district_code"):
            district = districts.get(row["district_code"].upper())
            if district is None:
                problems.append(("district_code", _l("Unknown operational district code.")))
            elif province is not None and district.province_id != province.id:
                problems.append(
                    ("district_code", _l("This operational district is not in the province."))
                )
        active = csvio.parse_bool(row.get("active"))
        if active is None:
            problems.append(("active", _l("Write yes or no.")))
        if code in seen:
            problems.append(("code", _l("This code appears twice in the file.")))
        seen.add(code)
        errors += [RowError(line, f, m) for f, m in problems]
        if not problems:
            parsed.append((code, row, kind, province, district, active))
    if errors:
        raise ImportRejected(errors, source)
    result = ImportResult()
    for code, row, kind, province, district, active in parsed:
        facility = existing.get(code)
        if facility is None:
            facility = Facility(code=code)
            db.session.add(facility)
            result.created += 1
        else:
            result.updated += 1
        facility.name_km, facility.name_en = row["name_km"], row["name_en"]
        facility.type, facility.province_id = kind, province.id
        facility.district_id = district.id if district else None
        facility.active = active
    audit.record(actor, "facility.imported", "facility", None, vars(result))
    return result


def facility_query(
    search: str | None = None,
    province_id: int | None = None,
    district_id: int | None = None,
    kind: str | None = None,
    active: bool | None = None,
) -> sa.Select:
    """Facilities matching the filters, ordered by province then name, with their places."""
    stmt = (
        sa.select(Facility)
        .options(sa.orm.joinedload(Facility.province), sa.orm.joinedload(Facility.district))
        .order_by(Facility.province_id, Facility.name_en)
    )
    if search:
        like = f"%{search}%"
        stmt = stmt.where(
            sa.or_(
                Facility.code.ilike(like), Facility.name_en.ilike(like), Facility.name_km.like(like)
            )
        )
    if province_id:
        stmt = stmt.where(Facility.province_id == province_id)
    if district_id:
        stmt = stmt.where(Facility.district_id == district_id)
    if kind:
        stmt = stmt.where(Facility.type == kind)
    if active is not None:
        stmt = stmt.where(Facility.active.is_(active))
    return stmt


def district_query(province_id: int | None = None) -> sa.Select:
    stmt = (
        sa.select(OperationalDistrict)
        .options(sa.orm.joinedload(OperationalDistrict.province))
        .order_by(OperationalDistrict.code)
    )
    if province_id:
        stmt = stmt.where(OperationalDistrict.province_id == province_id)
    return stmt


def active_facilities() -> list[Facility]:
    return list(
        db.session.scalars(
            sa.select(Facility).where(Facility.active.is_(True)).order_by(Facility.name_en)
        )
    )


def active_districts() -> list[OperationalDistrict]:
    return list(
        db.session.scalars(
            sa.select(OperationalDistrict)
            .where(OperationalDistrict.active.is_(True))
            .order_by(OperationalDistrict.code)
        )
    )


def province_summaries() -> list[tuple[Province, int, int]]:
    """Each province with its number of districts and of facilities (two grouped queries)."""
    districts = dict(
        db.session.execute(
            sa.select(OperationalDistrict.province_id, sa.func.count()).group_by(
                OperationalDistrict.province_id
            )
        ).all()
    )
    facilities = dict(
        db.session.execute(
            sa.select(Facility.province_id, sa.func.count()).group_by(Facility.province_id)
        ).all()
    )
    return [(p, districts.get(p.id, 0), facilities.get(p.id, 0)) for p in provinces()]
