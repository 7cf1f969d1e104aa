"""Deciding eligibility, issuing (idempotently, with gapless serials), revoking, looking up."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import uploads
from ..assessments import progress
from ..assessments.rules import CompetencyState
from ..audit import services as audit
from ..database import acquire_lock
from ..errors import DomainError
from ..extensions import db
from ..i18n import khmer_digits, local_date, official_date_km, official_date_line_km
from ..storage import Area, as_area
from ..training.models import CohortStatus, Enrolment, EnrolmentStatus
from ..users.models import Cadre
from . import pdf
from .models import (
    Certificate,
    CertificateSettings,
    IssueKind,
    RevocationReason,
    SerialCounter,
)

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


@dataclass(frozen=True)
class Reason:
    code: str
    title: object  # a lazy translated sentence
    detail: str | None = None


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reasons: tuple[Reason, ...]


class NotEligible(DomainError):
    def __init__(self, eligibility: Eligibility):
        super().__init__(_l("This enrolment is not eligible for a certificate."))
        self.eligibility = eligibility


def check_eligibility(enrolment: Enrolment, now: datetime) -> Eligibility:
    """Every condition for a certificate, each unmet one a reason with a translated title."""
    return _eligibility(enrolment, now)[0]


def cohort_eligibility(enrolments: list[Enrolment], now: datetime) -> dict:
    """`check_eligibility` for enrolments of one cohort, by enrolment id, in a fixed number of
    queries."""
    found = progress.progress_of(enrolments, now)
    return {e.id: _eligibility(e, now, found[e.id])[0] for e in enrolments}


def _eligibility(enrolment: Enrolment, now: datetime, p=None):
    """The eligibility and the progress it was decided on (issuing reuses the progress)."""
    reasons = []
    if enrolment.status != EnrolmentStatus.ENROLLED:
        reasons.append(Reason("not_enrolled", _l("The trainee is not enrolled.")))
        return Eligibility(False, tuple(reasons)), None
    if enrolment.cohort.status != CohortStatus.CLOSED:
        reasons.append(Reason("cohort_open", _l("The cohort is not completed (closed) yet.")))
    p = p or progress.enrolment_progress(enrolment, now)
    minimum = enrolment.cohort.curriculum.min_attendance_percent
    if (
        p.attendance is not None
        and p.attendance.percent is not None
        and p.attendance.percent < minimum
    ):
        reasons.append(
            Reason(
                "attendance",
                _l("Attendance is below the minimum."),
                f"{p.attendance.percent}% < {minimum}%",
            )
        )
    missing = [
        c.code
        for c in p.table.competencies
        if c.id in p.table.required and p.outcomes[c.id].state != CompetencyState.ACHIEVED
    ]
    if missing:
        reasons.append(
            Reason(
                "competencies",
                _l("Required competencies are not all achieved."),
                ", ".join(missing),
            )
        )
    incomplete = [i.code for i, outcome in p.logbooks if not outcome.complete]
    if incomplete:
        reasons.append(Reason("logbook", _l("The logbook is not complete."), ", ".join(incomplete)))
    return Eligibility(not reasons, tuple(reasons)), p


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
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def _expiry(curriculum, issued_on: date) -> date | None:
    """The last day of validity, from the curriculum's validity (None: it does not expire)."""
    if not curriculum.validity_months:
        return None
    return add_months(issued_on, curriculum.validity_months)


def _snapshot(enrolment: Enrolment, issued_on: date, expires_on: date | None, p) -> dict:
    """What the certificate says, frozen: later renames or edits never change it. `p` is
    the progress eligibility was decided on, so the certificate lists what was checked."""
    holder, curriculum = enrolment.trainee, enrolment.cohort.curriculum
    cadre = db.session.get(Cadre, holder.cadre_id) if holder.cadre_id else None
    achieved = (
        [
            (c.code, c.title_km or "", c.title_en)
            for c in p.table.competencies
            if p.outcomes[c.id].state == CompetencyState.ACHIEVED
        ]
        if p is not None  # a correction keeps the competencies it certified
        else []
    )
    return {
        "holder_km": holder.full_name_km,
        "holder_en": holder.full_name_en,
        "family_name_en": holder.family_name_en,
        "family_name_km": holder.family_name_km,
        "cadre_km": cadre.name_km if cadre else "",
        "cadre_en": cadre.name_en if cadre else "",
        "licence": holder.licence_number or "",
        "curriculum_code": curriculum.code,
        "curriculum_version": curriculum.version,
        "curriculum_km": curriculum.title_km or "",
        "curriculum_en": curriculum.title_en,
        "hours": round(sum(m.hours for m in curriculum.modules), 1),
        "cpd_credits": curriculum.cpd_credits,
        "competencies": achieved,
        "issued_on": issued_on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on else None,
        **settings_for(curriculum.code),
    }


def _number(value) -> str:
    return f"{value:g}"


def pdf_context(certificate: Certificate, base_url: str) -> dict:
    """Plain values for the PDF template, each on one line (the template sets its lines with
    `white-space: pre-line`, so a line break inside a title would start a new one), every
    Khmer text marked for line breaking."""
    d = certificate.data
    issued = date.fromisoformat(d["issued_on"])
    expires = date.fromisoformat(d["expires_on"]) if d["expires_on"] else None
    verify_url = f"{base_url}/verify/{certificate.verification_code}"

    def line(text: str | None) -> str:
        return " ".join((text or "").split())

    def km(text: str | None) -> str:
        return pdf.khmer_breaks(line(text))

    return {
        "serial": certificate.serial,
        "serial_km": khmer_digits(certificate.serial),
        "verify_url": verify_url,
        "qr": pdf.qr_png(verify_url),
        "holder_km": km(d["holder_km"]),
        "holder_en": line(d["holder_en"]),
        "cadre_km": km(d["cadre_km"]),
        "cadre_en": line(d["cadre_en"]),
        "licence": line(d["licence"]),
        "curriculum_km": km(d["curriculum_km"]),
        "curriculum_en": line(d["curriculum_en"]),
        "hours": _number(d["hours"]),
        "hours_km": khmer_digits(_number(d["hours"])),
        "cpd": _number(d["cpd_credits"]),
        "cpd_km": khmer_digits(_number(d["cpd_credits"])),
        "issued_km": km(official_date_line_km(d["place_km"], issued)),
        "issued_en": line(f"Done at {d['place_en']}, {issued.day} {issued:%B} {issued.year}"),
        "expires_km": km(official_date_km(expires)) if expires else None,
        "expires_en": f"{expires.day} {expires:%B} {expires.year}" if expires else None,
        "issuing_body_km": km(d["issuing_body_km"]),
        "issuing_body_en": line(d["issuing_body_en"]),
        "signatory_name_km": km(d["signatory_name_km"]),
        "signatory_name_en": line(d["signatory_name_en"]),
        "signatory_title_km": km(d["signatory_title_km"]),
        "signatory_title_en": line(d["signatory_title_en"]),
        "competencies": [
            (code, km(title_km), line(title_en)) for code, title_km, title_en in d["competencies"]
        ],
    }


def issue(
    actor,
    enrolment: Enrolment,
    now: datetime,
    folder: Path,
    base_url: str,
    renderer: Renderer | None = None,
) -> tuple[Certificate, bool]:
    """Issue the enrolment's certificate, or return the active one (created is then False).

    With a `renderer` that has a pool, the PDF (and the audit entry, which carries its
    SHA-256) is stored when the renderer finishes; the caller commits after that."""
    renderer = renderer or Renderer(folder, base_url)
    acquire_lock(f"certificate:{enrolment.id}")
    existing = active_certificate(enrolment.id)
    if existing is not None:
        return existing, False
    eligibility, p = _eligibility(enrolment, now)
    if not eligibility.ok:
        raise NotEligible(eligibility)
    previous = renewal_target(enrolment)
    if previous is not None:
        return _renew(
            actor,
            previous,
            enrolment,
            p,
            now,
            renderer,
            by={"renewed_by_refresher": enrolment.cohort.curriculum.code},
        ), True
    curriculum = enrolment.cohort.curriculum
    issued_on = local_date(now)
    expires_on = _expiry(curriculum, issued_on)
    certificate = Certificate(
        serial=next_serial(curriculum.code, issued_on.year),
        verification_code=secrets.token_urlsafe(24),  # 192 random bits
        kind=IssueKind.ORIGINAL,
        enrolment_id=enrolment.id,
        holder_id=enrolment.trainee_id,
        curriculum_id=curriculum.id,
        issued_on=issued_on,
        expires_on=expires_on,
        snapshot=json.dumps(_snapshot(enrolment, issued_on, expires_on, p), ensure_ascii=False),
        issued_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    db.session.add(certificate)
    try:
        db.session.flush()
    except IntegrityError:  # another process issued it between our check and our insert
        if renderer.pending:  # a batch is in flight: fail it; a repeat continues after it
            raise
        db.session.rollback()
        return active_certificate(enrolment.id), False
    renderer.add(
        certificate,
        lambda: audit.record(
            actor,
            "certificate.issued",
            "certificate",
            certificate.id,
            {
                "serial": certificate.serial,
                "enrolment": enrolment.id,
                "sha256": certificate.pdf_sha256,
            },
            now=now,
        ),
    )
    return certificate, True


class Renderer:
    """Renders and stores certificate PDFs: at once, or with a pool side by side in other
    processes until `finish`. `after` runs once a PDF is stored, in the order added."""

    def __init__(self, folder: Path, base_url: str, pool=None):
        self.folder, self.base_url, self.pool = folder, base_url, pool
        self.pending: list = []

    def add(self, certificate: Certificate, after) -> None:
        html = pdf.certificate_html(pdf_context(certificate, self.base_url))
        if self.pool is None:
            self._store(certificate, pdf.html_to_pdf(html))
            after()
        else:
            self.pending.append((certificate, self.pool.submit(pdf.html_to_pdf, html), after))

    def finish(self) -> None:
        pending, self.pending = self.pending, []
        for certificate, future, after in pending:
            self._store(certificate, future.result())
            after()

    def _store(self, certificate: Certificate, data: bytes) -> None:
        checked = uploads.check_upload(f"{certificate.serial}.pdf", data, 10 * 1024 * 1024)
        certificate.pdf_token = as_area(self.folder).put(data, checked.sha256)
        certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
        certificate.pdf_size = len(data)


def stored_pdf(certificate: Certificate, folder: Area | Path) -> bytes:
    """The exact bytes issued, checked against the SHA-256 kept at issue time."""
    data = as_area(folder).read(certificate.pdf_token)
    if hashlib.sha256(data).hexdigest() != certificate.pdf_sha256:
        raise DomainError(_l("The stored certificate file does not match its fingerprint."))
    return data


@dataclass
class BulkResult:
    issued: list[Certificate]
    existing: list[Certificate]
    ineligible: list[tuple[Enrolment, Eligibility]]


PARALLEL_FROM = 40  # fewer certificates than this render faster than processes start


def bulk_issue(
    actor, cohort, now: datetime, folder: Path, base_url: str, workers: int = 1
) -> BulkResult:
    """Issue every eligible enrolment of a cohort, committing as it goes: a repeat after a
    crash continues where it stopped and never issues twice.

    With `workers` > 1 and a large cohort, PDFs render in that many processes while this
    one prepares the next certificates; each batch is committed once its PDFs are stored."""
    result = BulkResult([], [], [])
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Enrolment.id)
    ).all()

    def run(renderer: Renderer, batch_size: int) -> None:
        for start in range(0, len(enrolments), batch_size):
            done = []
            for enrolment in enrolments[start : start + batch_size]:
                try:
                    done.append(issue(actor, enrolment, now, folder, base_url, renderer))
                except NotEligible as error:
                    result.ineligible.append((enrolment, error.eligibility))
            renderer.finish()
            db.session.commit()
            for certificate, created in done:
                (result.issued if created else result.existing).append(certificate)

    if workers > 1 and len(enrolments) >= PARALLEL_FROM:
        with pdf.render_pool(workers) as pool:
            run(Renderer(folder, base_url, pool), batch_size=workers * 4)
    else:
        run(Renderer(folder, base_url), batch_size=1)
    return result


def revoke(
    actor,
    certificate: Certificate,
    reason: RevocationReason | None,
    note: str | None,
    now: datetime,
) -> None:
    """Revoke with a required reason; the public page shows it at once."""
    if reason is None:
        raise DomainError(_l("Choose the reason for revoking."), "reason")
    if certificate.revoked_at is not None:
        raise DomainError(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_by_id = now, getattr(actor, "id", None)
    certificate.revocation_reason, certificate.revocation_note = reason, (note or None)
    audit.record(
        actor,
        "certificate.revoked",
        "certificate",
        certificate.id,
        {"serial": certificate.serial, "reason": reason.value},
        now=now,
    )


def by_code(code: str) -> Certificate | None:
    if not code or len(code) > 64:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.verification_code == code))


def by_serial_and_family_name(serial: str, family_name: str) -> Certificate | None:
    """For people who cannot scan: the serial and the holder's family name, in either script."""
    certificate = db.session.scalar(
        sa.select(Certificate).where(Certificate.serial == (serial or "").strip().upper())
    )
    if certificate is None:
        return None
    name = (family_name or "").strip().casefold()
    d = certificate.data
    if name and name in (d["family_name_en"].casefold(), d["family_name_km"].casefold()):
        return certificate
    return None


def _next_revision(base_serial: str) -> str:
    """A, B, C… for re-issues of one serial."""
    count = db.session.scalar(
        sa.select(sa.func.count()).where(Certificate.serial.like(f"{base_serial}-_"))
    )
    return chr(ord("A") + count)


def reissue_corrected(
    actor, certificate: Certificate, reason: str, now: datetime, folder: Path, base_url: str
) -> Certificate:
    """Re-issue after correcting the holder's details (a misspelt name, say): the same serial
    with a revision letter, the same dates and competencies; the old one is superseded."""
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the re-issue."), "reason")
    acquire_lock(f"certificate:{certificate.enrolment_id}")
    db.session.refresh(certificate)
    if not certificate.is_current:
        raise DomainError(_l("Only a current certificate can be re-issued."))
    old = certificate.data
    base = (
        certificate.serial.rsplit("-", 1)[0]
        if certificate.kind == IssueKind.CORRECTION
        else certificate.serial
    )
    enrolment = certificate.enrolment
    snapshot = _snapshot(enrolment, certificate.issued_on, certificate.expires_on, None)
    snapshot["competencies"] = old["competencies"]  # what was certified stays as certified
    certificate.superseded_at = now
    db.session.flush()  # the old one leaves the "active" index before the new one enters
    new = Certificate(
        serial=f"{base}-{_next_revision(base)}",
        verification_code=secrets.token_urlsafe(24),
        kind=IssueKind.CORRECTION,
        enrolment_id=enrolment.id,
        holder_id=certificate.holder_id,
        curriculum_id=certificate.curriculum_id,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        snapshot=json.dumps(snapshot, ensure_ascii=False),
        issued_by_id=getattr(actor, "id", None),
        created_at=now,
        supersedes_id=certificate.id,
    )
    db.session.add(new)
    db.session.flush()
    Renderer(folder, base_url).add(
        new,
        lambda: audit.record(
            actor,
            "certificate.reissued",
            "certificate",
            new.id,
            {
                "serial": new.serial,
                "replaces": certificate.serial,
                "reason": reason.strip(),
                "sha256": new.pdf_sha256,
            },
            now=now,
        ),
    )
    return new


def successor(certificate: Certificate) -> Certificate | None:
    return db.session.scalar(
        sa.select(Certificate).where(Certificate.supersedes_id == certificate.id)
    )


def save_settings(actor, curriculum_code: str | None, values: dict) -> CertificateSettings:
    """The issuing body and signatory printed on certificates (all, or one curriculum's)."""
    from ..text import has_khmer

    for key in ("issuing_body_km", "signatory_title_km", "place_km"):
        if not has_khmer(values.get(key)):
            raise DomainError(_l("Write this in Khmer script."), key)
    for key in ("issuing_body_en", "signatory_title_en", "place_en"):
        if not values.get(key):
            raise DomainError(_l("This field is required."), key)
    code = (curriculum_code or "").strip().upper() or None
    row = db.session.scalar(
        sa.select(CertificateSettings).where(
            CertificateSettings.curriculum_code.is_(None)
            if code is None
            else CertificateSettings.curriculum_code == code
        )
    )
    row = row or CertificateSettings(curriculum_code=code)
    for key in DEFAULT_SETTINGS:
        setattr(row, key, (values.get(key) or "").strip())
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor, "certificate.settings_saved", "certificate_settings", row.id, {"curriculum": code}
    )
    return row


def renewal_target(enrolment: Enrolment) -> Certificate | None:
    """The holder's certificate that completing this (refresher) curriculum renews, if any:
    the newest one, valid or expired but not revoked, whose curriculum names this one in
    `renewed_by`."""
    from ..curricula.models import Curriculum

    code = enrolment.cohort.curriculum.code
    return db.session.scalar(
        sa.select(Certificate)
        .join(Curriculum, Curriculum.id == Certificate.curriculum_id)
        .where(
            Certificate.holder_id == enrolment.trainee_id,
            Curriculum.renewed_by == code,
            Certificate.is_current,
        )
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        .limit(1)
    )


def _renew(
    actor,
    previous: Certificate,
    enrolment: Enrolment,
    p,
    now: datetime,
    renderer: Renderer,
    *,
    by: dict,
) -> Certificate:
    """A renewed certificate of the earlier curriculum, linked to the one it replaces.

    `enrolment` is the refresher's (or, renewed on CPD credits, the original one); the holder's
    names are taken afresh from it. `by` says what renewed it, in the snapshot and the trail."""
    curriculum = previous.curriculum
    issued_on = local_date(now)
    expires_on = _expiry(curriculum, issued_on)
    snapshot = previous.data | {
        key: value
        for key, value in _snapshot(enrolment, issued_on, expires_on, p).items()
        if key
        in (
            "holder_km",
            "holder_en",
            "family_name_en",
            "family_name_km",
            "cadre_km",
            "cadre_en",
            "licence",
            "issued_on",
            "expires_on",
        )
    }
    snapshot.pop("renewed_by_refresher", None)
    snapshot.pop("renewed_by_cpd_credits", None)
    snapshot.update(by)
    previous.superseded_at = now
    db.session.flush()  # the old one leaves the "active" index first
    certificate = Certificate(
        serial=next_serial(curriculum.code, issued_on.year),
        verification_code=secrets.token_urlsafe(24),
        kind=IssueKind.RENEWAL,
        enrolment_id=enrolment.id,
        holder_id=previous.holder_id,
        curriculum_id=curriculum.id,
        issued_on=issued_on,
        expires_on=expires_on,
        snapshot=json.dumps(snapshot, ensure_ascii=False),
        supersedes_id=previous.id,
        issued_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    db.session.add(certificate)
    db.session.flush()
    renderer.add(
        certificate,
        lambda: audit.record(
            actor,
            "certificate.renewed",
            "certificate",
            certificate.id,
            {
                "serial": certificate.serial,
                "replaces": previous.serial,
                **by,
                "sha256": certificate.pdf_sha256,
            },
            now=now,
        ),
    )
    return certificate


@dataclass
class CpdRenewal:
    """Whether a certificate can be renewed on CPD credits, and on which."""

    required: float
    earned: float
    counted: list  # (curriculum, day it counts) completed after the certificate was issued

    @property
    def ok(self) -> bool:
        return self.earned >= self.required


def cpd_renewal(certificate: Certificate, now: datetime) -> CpdRenewal | None:
    """None unless the certificate's curriculum is renewed on CPD credits. Credits count from
    other curricula completed after the certificate was issued, up to today."""
    required = certificate.curriculum.renewal_cpd_credits
    if not required:
        return None
    today = local_date(now)
    counted = [
        (curriculum, day)
        for curriculum, day in progress.completed_curricula(certificate.holder, now)
        if curriculum.code != certificate.curriculum.code
        and certificate.issued_on < day <= today
        and curriculum.cpd_credits
    ]
    counted.sort(key=lambda pair: pair[1])
    return CpdRenewal(required, sum(c.cpd_credits for c, _day in counted), counted)


def renew_on_cpd(
    actor, certificate: Certificate, now: datetime, folder: Path, base_url: str
) -> Certificate:
    """Renew a current certificate whose holder has earned the CPD credits its curriculum
    asks for since it was issued."""
    acquire_lock(f"certificate:{certificate.enrolment_id}")
    db.session.refresh(certificate)
    if not certificate.is_current:
        raise DomainError(_l("Only a current certificate can be renewed."))
    check = cpd_renewal(certificate, now)
    if check is None:
        raise DomainError(_l("This curriculum's certificates are not renewed on CPD credits."))
    if not check.ok:
        raise DomainError(
            _l(
                "Not enough CPD credits since this certificate was issued: %(earned)s of "
                "%(required)s.",
                earned=format_decimal(check.earned),
                required=format_decimal(check.required),
            )
        )
    return _renew(
        actor,
        certificate,
        certificate.enrolment,
        None,
        now,
        Renderer(folder, base_url),
        by={"renewed_by_cpd_credits": check.earned},
    )
