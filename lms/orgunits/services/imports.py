"""Operational districts and facilities from CSV: create or update by code, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import csvio
from ...audit import services as audit
from ...errors import ImportRejected, RowError
from ...extensions import db
from ...text import latin_digits
from ..models import Facility, FacilityType, OperationalDistrict, Province
from .places import Problems, check_code, check_names, provinces

DISTRICT_COLUMNS = ("code", "province_code", "name_km", "name_en")
DISTRICT_OPTIONAL = ("active",)
FACILITY_COLUMNS = ("code", "name_km", "name_en", "type", "province_code")
FACILITY_OPTIONAL = ("district_code", "active")


@dataclass(frozen=True)
class ImportedPlace:
    """A district or facility an import wrote, as its result lists it."""

    id: int
    code: str
    name_km: str
    name_en: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    places: list[ImportedPlace] = field(default_factory=list)  # in the file's order

    def recorded(self, actor, action: str, model, now: datetime, written: list) -> ImportResult:
        """Audit the import (`action` on `model`'s type, with the counts) and note the rows
        written (flushed, so that new ones have their ids)."""
        audit.record_about(
            actor, action, model.audit_type, now=now, created=self.created, updated=self.updated
        )
        db.session.flush()
        self.places = [ImportedPlace(p.id, p.code, p.name_km, p.name_en) for p in written]
        return self


class _Rows:
    """What every row of a places file is checked for: its code (valid, and once in the
    file), its names, its province and its `active` column."""

    def __init__(self) -> None:
        self.by_province = {p.code: p for p in provinces()}
        self.seen: set[str] = set()
        self.errors: list[RowError] = []

    def start(self, row: dict) -> tuple[str, Problems]:
        code = (row["code"] or "").upper()
        return code, check_code(code) + check_names(row["name_km"], row["name_en"])

    def province(self, row: dict, problems: Problems) -> Province | None:
        province = self.by_province.get(latin_digits((row["province_code"] or "").strip()).zfill(2))
        if province is None:
            problems.append(("province_code", _l("Unknown province code.")))
        return province

    def finish(self, line: int, row: dict, code: str, problems: Problems) -> bool | None:
        """Check `active` and the code's first use; keep the row's problems; return `active`."""
        active = csvio.parse_bool(row.get("active"))
        if active is None:
            problems.append(("active", _l("Write yes or no.")))
        if code in self.seen:
            problems.append(("code", _l("This code appears twice in the file.")))
        self.seen.add(code)
        self.errors += [RowError(line, f, m) for f, m in problems]
        return active


def _upsert(model, existing: dict, code: str, result: ImportResult):
    """The row of `model` with this code, new (and added) when there is none; counted."""
    place = existing.get(code)
    if place is None:
        place = model(code=code)
        db.session.add(place)
        result.created += 1
    else:
        result.updated += 1
    return place


def import_districts(
    actor, data: bytes | str, now: datetime, source: str | None = None
) -> ImportResult:
    """Create or update districts from CSV, all or nothing."""
    rows = csvio.read_rows(data, DISTRICT_COLUMNS, DISTRICT_OPTIONAL)
    check = _Rows()
    existing = {d.code: d for d in db.session.scalars(sa.select(OperationalDistrict))}
    parsed = []
    for line, row in rows:
        code, problems = check.start(row)
        province = check.province(row, problems)
        active = check.finish(line, row, code, problems)
        if not problems:
            parsed.append((code, province, row, active))
    if check.errors:
        raise ImportRejected(check.errors, source)
    result, written = ImportResult(), []
    for code, province, row, active in parsed:
        district = _upsert(OperationalDistrict, existing, code, result)
        district.province_id = province.id
        district.name_km, district.name_en, district.active = row["name_km"], row["name_en"], active
        written.append(district)
    return result.recorded(actor, "district.imported", OperationalDistrict, now, written)


def import_facilities(
    actor, data: bytes | str, now: datetime, source: str | None = None
) -> ImportResult:
    """Create or update facilities from CSV, all or nothing."""
    rows = csvio.read_rows(data, FACILITY_COLUMNS, FACILITY_OPTIONAL)
    check = _Rows()
    districts = {d.code: d for d in db.session.scalars(sa.select(OperationalDistrict))}
    existing = {f.code: f for f in db.session.scalars(sa.select(Facility))}
    types = {t.value: t for t in FacilityType}
    parsed = []
    for line, row in rows:
        code, problems = check.start(row)
        kind = types.get((row["type"] or "").lower())
        if kind is None:
            problems.append(
                ("type", _l("Unknown facility type. Use one of: %(types)s", types=", ".join(types)))
            )
        province = check.province(row, problems)
        district = None
        if row.get("district_code"):
            district = districts.get(row["district_code"].upper())
            if district is None:
                problems.append(("district_code", _l("Unknown operational district code.")))
            elif province is not None and district.province_id != province.id:
                problems.append(
                    ("district_code", _l("This operational district is not in the province."))
                )
        active = check.finish(line, row, code, problems)
        if not problems:
            parsed.append((code, row, kind, province, district, active))
    if check.errors:
        raise ImportRejected(check.errors, source)
    result, written = ImportResult(), []
    for code, row, kind, province, district, active in parsed:
        facility = _upsert(Facility, existing, code, result)
        facility.name_km, facility.name_en = row["name_km"], row["name_en"]
        facility.type, facility.province_id = kind, province.id
        facility.district_id = district.id if district else None
        facility.active = active
        written.append(facility)
    return result.recorded(actor, "facility.imported", Facility, now, written)
