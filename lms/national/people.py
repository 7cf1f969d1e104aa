"""Operational districts, facilities, health workers and the staff who run the system."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate

import sqlalchemy as sa

from ..i18n import khmer_digits
from ..orgunits.models import Facility, FacilityType, OperationalDistrict, Province
from ..quality.models import AssessorScope
from ..users.models import Cadre, Council, StaffAssignment, User, UserRole
from ..users.services.accounts import NAMES
from . import places
from .bulk import Writer


@dataclass
class Worker:
    id: int
    facility_id: int
    province: str
    cadre: str
    sex: str
    family_km: str
    given_km: str
    family_en: str
    given_en: str
    licence: str | None
    started_on: date


@dataclass
class Country:
    """What later steps need of the places and people, by id."""

    provinces: dict[str, int] = field(default_factory=dict)  # code -> id
    province_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    facilities: dict[int, tuple[FacilityType, str]] = field(default_factory=dict)  # id -> type, p
    hospitals: dict[str, list[int]] = field(default_factory=dict)  # province -> facility ids
    workers: list[Worker] = field(default_factory=list)
    # facility id -> its staff over time: (user id, cadre, sex, started on, ended on or None)
    staff: dict[int, list[tuple[int, str, str, date, date | None]]] = field(default_factory=dict)
    instructors: dict[str, list[int]] = field(default_factory=dict)  # province -> user ids
    officers: dict[str, int] = field(default_factory=dict)  # province -> user id
    assessors: dict[str, list[int]] = field(default_factory=dict)  # province -> user ids
    admin_id: int = 0


def _chooser(rng, weights: dict):
    keys = list(weights)
    cumulative = list(accumulate(weights[k] for k in keys))
    return lambda: rng.choices(keys, cum_weights=cumulative)[0]


class PeopleBuilder:
    def __init__(self, writer: Writer, rng, as_of: date, now: datetime, password_hash: str):
        self.w, self.rng, self.as_of, self.now = writer, rng, as_of, now
        self.password_hash = password_hash
        self.country = Country()
        self.next_user = writer.next_id(User.__table__)

    def build(self, workers: int) -> Country:
        self._places()
        self._workers(workers)
        self._staff()
        return self.country

    # --- Places -----------------------------------------------------------------------------

    def _places(self) -> None:
        w, rng, c = self.w, self.rng, self.country
        for pid, code, km, en in w.connection.execute(
            sa.select(Province.id, Province.code, Province.name_km, Province.name_en)
        ):
            c.provinces[code], c.province_names[code] = pid, (km, en)
        districts, facilities = [], []
        district_id = w.next_id(OperationalDistrict.__table__)
        facility_id = w.next_id(Facility.__table__)
        centres = places.largest_remainder(places.POPULATION, places.HEALTH_CENTRES)
        posts = places.largest_remainder(
            {p: places.POPULATION[p] for p in places.REMOTE}, places.HEALTH_POSTS
        )
        cpa = _chooser(
            rng,
            {
                FacilityType.REFERRAL_HOSPITAL_CPA1: 50,
                FacilityType.REFERRAL_HOSPITAL_CPA2: 35,
                FacilityType.REFERRAL_HOSPITAL_CPA3: 15,
            },
        )
        stamp = w.moment(self.now)
        for code in sorted(c.provinces):
            km, en = c.province_names[code]
            count = max(1, round(places.POPULATION[code] / places.PEOPLE_PER_DISTRICT))
            ids = []
            for k in range(1, count + 1):
                ids.append(district_id)
                districts.append(
                    (
                        district_id,
                        f"OD-{code}-{k:02d}",
                        c.provinces[code],
                        f"ស្រុកប្រតិបត្តិ{km} {khmer_digits(k)}",
                        f"{en} OD {k}",
                        w.flag(True),
                        stamp,
                        stamp,
                    )
                )
                district_id += 1
            kinds = [(FacilityType.PROVINCIAL_REFERRAL_HOSPITAL, ids[0])]
            kinds += [(cpa(), d) for d in ids[1:]]
            if code == "12":
                kinds += [(FacilityType.NATIONAL_HOSPITAL, ids[0])] * places.NATIONAL_HOSPITALS
            kinds += [(FacilityType.HEALTH_CENTRE, ids[n % len(ids)]) for n in range(centres[code])]
            kinds += [
                (FacilityType.HEALTH_POST, ids[n % len(ids)]) for n in range(posts.get(code, 0))
            ]
            for n, (kind, district) in enumerate(kinds, start=1):
                prefix_km, suffix_en = places.TYPE_NAMES[kind]
                facilities.append(
                    (
                        facility_id,
                        f"{code}-{kind.value[:2].upper()}-{n:03d}",
                        f"{prefix_km}{km} {khmer_digits(n)}",
                        f"{en} {suffix_en} {n}",
                        kind.value,
                        c.provinces[code],
                        district,
                        w.flag(True),
                        stamp,
                        stamp,
                    )
                )
                c.facilities[facility_id] = (kind, code)
                if kind in places.HOSPITALS:
                    c.hospitals.setdefault(code, []).append(facility_id)
                facility_id += 1
        w.write(
            OperationalDistrict.__table__,
            [
                "id",
                "code",
                "province_id",
                "name_km",
                "name_en",
                "active",
                "created_at",
                "updated_at",
            ],
            districts,
        )
        w.write(
            Facility.__table__,
            [
                "id",
                "code",
                "name_km",
                "name_en",
                "type",
                "province_id",
                "district_id",
                "active",
                "created_at",
                "updated_at",
            ],
            facilities,
        )

    # --- Health workers ---------------------------------------------------------------------

    def _workers(self, total: int) -> None:
        w, rng, c = self.w, self.rng, self.country
        staffing = places.largest_remainder(
            {fid: places.STAFFING[kind] for fid, (kind, _p) in c.facilities.items()}, total
        )
        cadres = dict(w.connection.execute(sa.select(Cadre.code, Cadre.id)).all())
        councils = dict(
            w.connection.execute(
                sa.select(Cadre.code, Council.code).join(Council, Council.id == Cadre.council_id)
            ).all()
        )
        council_ids = dict(w.connection.execute(sa.select(Council.code, Council.id)).all())
        mixes = {
            kind: _chooser(rng, {k: v for k, v in mix.items() if k in cadres})
            for kind, mix in places.CADRE_MIX.items()
        }
        licences: dict[str, int] = {}
        for fid in sorted(staffing):
            kind, province = c.facilities[fid]
            mix = mixes["hospital" if kind in places.HOSPITALS else "centre"]
            for _ in range(staffing[fid]):
                cadre = mix()
                roll = rng.random() * 1000
                if roll < places.OTHER_SEX_PER_MILLE:
                    sex = "other"
                else:
                    sex = "female" if roll < places.FEMALE_SHARE[cadre] * 10 else "male"
                family_km, family_en = rng.choice(places.FAMILY_NAMES)
                given_km, given_en = rng.choice(
                    places.MALE_NAMES if sex == "male" else places.FEMALE_NAMES
                )
                licence = None
                council = councils.get(cadre)
                if council and rng.random() < 0.9:
                    licences[council] = licences.get(council, 0) + 1
                    licence = f"{council}-{licences[council]:06d}"
                started = self.as_of - timedelta(days=rng.randint(60, 25 * 365))
                c.workers.append(
                    Worker(
                        self.next_user,
                        fid,
                        province,
                        cadre,
                        sex,
                        family_km,
                        given_km,
                        family_en,
                        given_en,
                        licence,
                        started,
                    )
                )
                self.next_user += 1
        stamp = w.moment(self.now)
        rows = []
        for p in c.workers:
            born = self.as_of - timedelta(days=rng.randint(22 * 365, 58 * 365))
            rows.append(
                (
                    p.id,
                    f"{p.given_en}.{p.family_en}.{p.id}".lower(),
                    self.password_hash,
                    p.family_km,
                    p.given_km,
                    p.family_en,
                    p.given_en,
                    p.sex,
                    w.day(born),
                    f"0{rng.randint(10, 99)}{rng.randint(100000, 999999)}",
                    cadres[p.cadre],
                    council_ids[councils[p.cadre]] if p.cadre in councils else None,
                    p.licence,
                    p.facility_id,
                    "km" if rng.random() < 0.9 else "en",
                    w.flag(True),
                    w.flag(False),
                    stamp,
                    stamp,
                )
            )
        self._write_users(rows, "phone cadre_id council_id licence_number facility_id")
        w.write(UserRole.__table__, ["user_id", "role"], ((p.id, "trainee") for p in c.workers))
        # About one in a hundred hospital doctors, midwives and nurses also teach.
        teachers = []
        for p in c.workers:
            kind = c.facilities[p.facility_id][0]
            teaches = kind in places.HOSPITALS and p.cadre in ("MD", "MIDWIFE", "NURSE")
            if teaches and rng.random() < 0.03:
                teachers.append(p.id)
                c.instructors.setdefault(p.province, []).append(p.id)
        w.write(UserRole.__table__, ["user_id", "role"], ((t, "instructor") for t in teachers))

    def _write_users(self, rows: list[tuple], extra: str) -> None:
        columns = ["id", "username", "password_hash", *NAMES, "sex", "date_of_birth"]
        columns += extra.split()
        columns += [
            "preferred_language",
            "active",
            "must_change_password",
            "created_at",
            "updated_at",
        ]
        self.w.write(User.__table__, columns, rows)

    def _staff(self) -> None:
        """Staff assignments (some moved in the last five years) and the system's own staff."""
        w, rng, c = self.w, self.rng, self.country
        by_province: dict[str, list[int]] = {}
        for fid, (_kind, province) in c.facilities.items():
            by_province.setdefault(province, []).append(fid)
        rows = []
        next_id = w.next_id(StaffAssignment.__table__)
        for p in c.workers:
            periods = []
            moved = self.as_of - timedelta(days=rng.randint(30, 5 * 365))
            if p.started_on < moved and rng.random() < 0.08:
                before = rng.choice(by_province[p.province])
                periods.append((before, p.started_on, moved))
                periods.append((p.facility_id, moved, None))
            else:
                periods.append((p.facility_id, p.started_on, None))
            for fid, start, end in periods:
                c.staff.setdefault(fid, []).append((p.id, p.cadre, p.sex, start, end))
                rows.append((next_id, p.id, fid, w.day(start), w.day(end)))
                next_id += 1
        w.write(
            StaffAssignment.__table__,
            ["id", "user_id", "facility_id", "started_on", "ended_on"],
            rows,
        )
        stamp = w.moment(self.now)
        accounts, roles, scopes = [], [], []

        def account(username, family, given, role) -> int:
            uid = self.next_user
            self.next_user += 1
            sex = "female" if rng.random() < 0.5 else "male"
            accounts.append(
                (uid, username, self.password_hash, family[0], given[0], family[1], given[1])
                + (sex, None, "km", w.flag(True), w.flag(False), stamp, stamp)
            )
            roles.append((uid, role))
            return uid

        c.admin_id = account(
            "national.admin", ("ក្រសួង", "Ministry"), ("អ្នកគ្រប់គ្រង", "Admin"), "admin"
        )
        scope_id = w.next_id(AssessorScope.__table__)
        for code in sorted(c.provinces):
            names = (rng.choice(places.FAMILY_NAMES), rng.choice(places.FEMALE_NAMES))
            c.officers[code] = account(f"officer.{code}", *names, "accreditation_officer")
            for k in (1, 2):
                names = (rng.choice(places.FAMILY_NAMES), rng.choice(places.MALE_NAMES))
                uid = account(f"quality.{code}.{k}", *names, "quality_assessor")
                c.assessors.setdefault(code, []).append(uid)
                scopes.append((scope_id, uid, c.provinces[code], None))
                scope_id += 1
        self._write_users(accounts, "")
        w.write(UserRole.__table__, ["user_id", "role"], roles)
        w.write(AssessorScope.__table__, ["id", "user_id", "province_id", "facility_id"], scopes)
        for code in c.provinces:  # provinces without a teaching hospital borrow the capital's
            c.instructors.setdefault(code, c.instructors.get("12", [c.admin_id]))
