"""Certificates for the graduates of closed cohorts, in issue order: a later one of the same
curriculum renews the holder's earlier one; a few are revoked, a few re-issued corrected."""

from __future__ import annotations

import base64
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..certificates.models import Certificate, SerialCounter
from ..certificates.services import DEFAULT_SETTINGS, expiry_date
from ..certificates.snapshot import CertificateSnapshot
from ..extensions import db
from ..i18n import local_date
from ..users.models import Cadre
from .bulk import Writer
from .people import Country
from .training import PHNOM_PENH_MORNING, Group

Held = tuple[str, date, date | None, date | None]  # curriculum code, issued, expires, revoked


class CertificateBuilder:
    def __init__(self, writer: Writer, rng, as_of: date, country: Country, groups: list[Group]):
        self.w, self.rng, self.as_of, self.c, self.groups = writer, rng, as_of, country, groups

    def build(self, graduated: set[int]) -> dict[int, list[Held]]:
        """Write the certificates of the `graduated` enrolments and their serial counters;
        return what each holder held, by holder id."""
        rows, counters = self._rows(self._issue_days(graduated))
        held: dict[int, list[Held]] = {}
        for row in rows:
            revoked = local_date(row["revoked_at"]) if row["revoked_at"] else None
            held.setdefault(row["holder"], []).append(
                (row["snapshot"].curriculum_code, row["issued_on"], row["expires_on"], revoked)
            )
        self._write(rows, counters)
        return held

    def _issue_days(self, graduated: set[int]) -> list[tuple[date, int, int, Group]]:
        """(day, enrolment, holder, cohort) of each certificate issued by the dataset's day, in
        issue order: some days after the cohort ended."""
        issued = []
        for g in self.groups:
            if g.status != "closed":
                continue
            for e, t, _s in g.enrolments:
                if e in graduated:
                    day = g.end + timedelta(days=self.rng.randint(5, 45))
                    if day <= self.as_of:
                        issued.append((day, e, t, g))
        issued.sort(key=lambda row: (row[0], row[1]))
        return issued

    def _rows(self, issued: list) -> tuple[list[dict], dict[tuple[str, int], int]]:
        """The certificate rows, renewals, revocations and corrections among them, and the
        last serial number per curriculum and year."""
        w, rng, c = self.w, self.rng, self.c
        people = {p.id: p for p in c.workers}
        cadre_names = {
            code: (km, en)
            for code, km, en in db.session.execute(
                sa.select(Cadre.code, Cadre.name_km, Cadre.name_en)
            )
        }
        counters: dict[tuple[str, int], int] = {}
        current: dict[tuple[int, str], int] = {}  # (holder, curriculum) -> row index
        rows = []
        cert_id = w.next_id(Certificate.__table__)
        end_of_day = datetime.combine(self.as_of, time.max)
        for day, e, t, g in issued:
            course, holder = g.course, people[t]
            key = (course.code, day.year)
            counters[key] = counters.get(key, 0) + 1
            expires = expiry_date(day, course.validity_months)
            created = datetime.combine(day, PHNOM_PENH_MORNING) + timedelta(hours=2)
            cadre_km, cadre_en = cadre_names[holder.cadre]
            snapshot = CertificateSnapshot(
                holder_km=f"{holder.family_km} {holder.given_km}",
                holder_en=f"{holder.family_en} {holder.given_en}",
                family_name_en=holder.family_en,
                family_name_km=holder.family_km,
                cadre_km=cadre_km,
                cadre_en=cadre_en,
                licence=holder.licence or "",
                curriculum_code=course.code,
                curriculum_version=course.version,
                curriculum_km=course.title_km,
                curriculum_en=course.title_en,
                hours=course.hours,
                cpd_credits=course.cpd_credits,
                competencies=course.competencies,
                issued_on=day,
                expires_on=expires,
                **DEFAULT_SETTINGS,
            )
            row = {
                "id": cert_id,
                "serial": f"{course.code}-{day.year}-{counters[key]:05d}",
                "code": _code(rng),
                "kind": "original",
                "enrolment": e,
                "holder": t,
                "curriculum": course.id,
                "issued_on": day,
                "expires_on": expires,
                "snapshot": snapshot,
                "by": c.officers[g.province],
                "created": created,
                "supersedes": None,
                "superseded_at": None,
                "revoked_at": None,
                "reason": None,
            }
            previous = current.get((t, course.code))
            if previous is not None:
                rows[previous]["superseded_at"] = created
                row["kind"], row["supersedes"] = "renewal", rows[previous]["id"]
            current[t, course.code] = len(rows)
            rows.append(row)
            cert_id += 1
            roll = rng.random()
            if roll < 0.006:
                revoked = created + timedelta(days=rng.randint(10, 300))
                reason = rng.choice(("issued_in_error", "assessment_invalid", "misconduct"))
                if revoked <= end_of_day:  # a revocation still to come is not in the data
                    row["revoked_at"], row["reason"] = revoked, reason
                    del current[t, course.code]
            elif roll < 0.009:  # a misspelt name, corrected
                fixed = dict(row, id=cert_id, serial=row["serial"] + "-A", code=_code(rng))
                fixed.update(
                    kind="correction", supersedes=row["id"], created=created + timedelta(days=3)
                )
                row["superseded_at"] = fixed["created"]
                current[t, course.code] = len(rows)
                rows.append(fixed)
                cert_id += 1
        return rows, counters

    def _write(self, rows: list[dict], counters: dict[tuple[str, int], int]) -> None:
        w = self.w
        w.write(
            Certificate.__table__,
            [
                "id",
                "serial",
                "verification_code",
                "kind",
                "enrolment_id",
                "holder_id",
                "curriculum_id",
                "issued_on",
                "expires_on",
                "snapshot",
                "issued_by_id",
                "created_at",
                "supersedes_id",
                "superseded_at",
                "revoked_at",
                "revoked_by_id",
                "revocation_reason",
                "revocation_note",
            ],
            (
                (
                    r["id"],
                    r["serial"],
                    r["code"],
                    r["kind"],
                    r["enrolment"],
                    r["holder"],
                    r["curriculum"],
                    w.day(r["issued_on"]),
                    w.day(r["expires_on"]),
                    r["snapshot"].to_json(),
                    r["by"],
                    w.moment(r["created"]),
                    r["supersedes"],
                    w.moment(r["superseded_at"]),
                    w.moment(r["revoked_at"]),
                    r["by"] if r["revoked_at"] else None,
                    r["reason"],
                    "Found in the national audit" if r["revoked_at"] else None,
                )
                for r in rows
            ),
        )
        w.write(
            SerialCounter.__table__,
            ["prefix", "year", "last_number"],
            ((code, year, n) for (code, year), n in sorted(counters.items())),
        )


def _code(rng) -> str:
    """A verification code shaped like `secrets.token_urlsafe(24)`, drawn from the seed."""
    return base64.urlsafe_b64encode(rng.getrandbits(192).to_bytes(24, "big")).decode().rstrip("=")
