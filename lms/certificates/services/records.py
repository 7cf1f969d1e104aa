"""What every new certificate is made of: a gapless serial, its dates of validity, the frozen
snapshot of what it says, and the row; and the current certificate of an enrolment."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa

from ...assessments.rules import CompetencyState
from ...database import acquire_lock
from ...errors import DomainError
from ...extensions import db
from ...training.models import Enrolment
from ...users.models import Cadre, Council
from ..models import Certificate, IssueKind, SerialCounter
from ..snapshot import CertificateSnapshot
from .settings import settings_for


def next_serial(prefix: str, year: int) -> str:
    """`PREFIX-YEAR-00042`: the next number for the prefix and year, without gaps."""
    acquire_lock(f"serial:{prefix}:{year}")
    counter = db.session.get(SerialCounter, (prefix, year))
    if counter is None:
        counter = SerialCounter(prefix=prefix, year=year, last_number=0)
        db.session.add(counter)
    counter.last_number += 1
    db.session.flush()
    return f"{prefix}-{year}-{counter.last_number:05d}"


def active_certificate(enrolment_id: int) -> Certificate | None:
    """The enrolment's current certificate, if it has one."""
    return active_certificates([enrolment_id]).get(enrolment_id)


def active_certificates(enrolment_ids: list[int]) -> dict[int, Certificate]:
    """The current certificate of each enrolment that has one, in one query."""
    return {
        c.enrolment_id: c
        for c in db.session.scalars(
            sa.select(Certificate).where(
                Certificate.enrolment_id.in_(enrolment_ids), Certificate.is_current
            )
        )
    }


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def expiry_date(issued_on: date, validity_months: int | None) -> date | None:
    """The last day of validity of a certificate issued on `issued_on`, from its curriculum's
    validity (None: it does not expire)."""
    if not validity_months:
        return None
    return add_months(issued_on, validity_months)


def snapshot_of(
    enrolment: Enrolment, issued_on: date, expires_on: date | None, p
) -> CertificateSnapshot:
    """What the certificate says, frozen: later renames or edits never change it. `p` is
    the progress eligibility was decided on, so the certificate lists what was checked (None:
    no competencies; a correction keeps those it certified)."""
    holder, curriculum = enrolment.trainee, enrolment.cohort.curriculum
    cadre = db.session.get(Cadre, holder.cadre_id) if holder.cadre_id else None
    # A licence number is printed with the council that gave it (a number needs its council).
    council = (
        db.session.get(Council, holder.council_id)
        if holder.licence_number and holder.council_id
        else None
    )
    achieved = (
        tuple(
            (c.code, c.title_km or "", c.title_en)
            for c in p.table.competencies
            if p.outcomes[c.id].state == CompetencyState.ACHIEVED
        )
        if p is not None
        else ()
    )
    return CertificateSnapshot(
        holder_km=holder.full_name_km,
        holder_en=holder.full_name_en,
        family_name_en=holder.family_name_en,
        family_name_km=holder.family_name_km,
        cadre_km=cadre.name_km if cadre else "",
        cadre_en=cadre.name_en if cadre else "",
        licence=holder.licence_number if council else "",
        licence_council_km=council.name_km if council else "",
        licence_council_en=council.name_en if council else "",
        curriculum_code=curriculum.code,
        curriculum_version=curriculum.version,
        curriculum_km=curriculum.title_km or "",
        curriculum_en=curriculum.title_en,
        hours=round(sum(m.hours for m in curriculum.modules), 1),
        cpd_credits=curriculum.cpd_credits,
        competencies=achieved,
        by_panel=tuple(
            c.code
            for c in p.table.competencies
            if p.outcomes[c.id].state == CompetencyState.ACHIEVED and p.outcomes[c.id].by_panel
        )
        if p is not None
        else (),
        issued_on=issued_on,
        expires_on=expires_on,
        **settings_for(curriculum.code),
    )


def new_certificate(
    actor,
    kind: IssueKind,
    serial: str,
    enrolment: Enrolment,
    snapshot: CertificateSnapshot,
    now: datetime,
    supersedes: Certificate | None = None,
) -> Certificate:
    """A certificate row with a fresh verification code (192 random bits), added to the
    session; its dates are the snapshot's. One that `supersedes` another (a renewal, a
    correction) is of the same holder and curriculum; else of the enrolment's."""
    certificate = Certificate(
        serial=serial,
        verification_code=secrets.token_urlsafe(24),
        kind=kind,
        enrolment_id=enrolment.id,
        holder_id=supersedes.holder_id if supersedes else enrolment.trainee_id,
        curriculum_id=supersedes.curriculum_id if supersedes else enrolment.cohort.curriculum_id,
        issued_on=snapshot.issued_on,
        expires_on=snapshot.expires_on,
        snapshot=snapshot.to_json(),
        issued_by_id=getattr(actor, "id", None),
        created_at=now,
        supersedes_id=supersedes.id if supersedes else None,
    )
    db.session.add(certificate)
    return certificate


def supersede(certificate: Certificate, now: datetime) -> None:
    """Mark a current certificate replaced, so that it leaves the "active" index before its
    successor enters it."""
    certificate.superseded_at = now
    db.session.flush()


def lock_current(certificate: Certificate, refused) -> None:
    """Hold the enrolment's certificate lock and re-read the certificate: refuse with the
    message `refused` unless it is (still) current."""
    acquire_lock(f"certificate:{certificate.enrolment_id}")
    db.session.refresh(certificate)
    if not certificate.is_current:
        raise DomainError(refused)
