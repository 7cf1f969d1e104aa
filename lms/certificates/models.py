"""Certificates: what was issued to whom, frozen at issue time, and its life cycle."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..columns import partial_index
from ..curricula.models import Curriculum
from ..database import enum_column, utcnow
from ..enums import LabelledEnum
from ..extensions import db
from ..i18n import utc_moment
from ..training.models import Enrolment
from ..users.models import User
from .snapshot import CertificateSnapshot


class CertificateStatus(LabelledEnum):
    VALID = "valid", _l("Valid"), "ok", "✓"
    EXPIRED = "expired", _l("Expired"), "warn", "⌛"
    REVOKED = "revoked", _l("Revoked"), "bad", "✗"
    SUPERSEDED = "superseded", _l("Replaced by a newer certificate"), "off", "↻"


class RevocationReason(LabelledEnum):
    ISSUED_IN_ERROR = "issued_in_error", _l("Issued in error")
    ASSESSMENT_INVALID = "assessment_invalid", _l("Assessment found invalid")
    MISCONDUCT = "misconduct", _l("Professional misconduct")
    LICENCE_WITHDRAWN = "licence_withdrawn", _l("Licence withdrawn by the council")
    HOLDER_REQUEST = "holder_request", _l("At the holder's request")


class IssueKind(LabelledEnum):
    ORIGINAL = "original", _l("Original")
    RENEWAL = "renewal", _l("Renewal")
    CORRECTION = "correction", _l("Corrected re-issue")


class SerialCounter(db.Model):
    """The last serial number used per prefix and year: serials have no gaps."""

    __tablename__ = "serial_counters"
    prefix: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class CertificateSettings(db.Model):
    """Issuing body and signatory, for every curriculum (curriculum_code empty) or one."""

    __tablename__ = "certificate_settings"
    audit_type = "certificate_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_code: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    issuing_body_km: Mapped[str] = mapped_column(sa.Text)
    issuing_body_en: Mapped[str] = mapped_column(sa.Text)
    signatory_name_km: Mapped[str] = mapped_column(sa.Text)
    signatory_name_en: Mapped[str] = mapped_column(sa.Text)
    signatory_title_km: Mapped[str] = mapped_column(sa.Text)
    signatory_title_en: Mapped[str] = mapped_column(sa.Text)
    place_km: Mapped[str] = mapped_column(sa.Text, default="ភ្នំពេញ")
    place_en: Mapped[str] = mapped_column(sa.Text, default="Phnom Penh")


# Neither revoked nor replaced (it may have expired): see `Certificate.is_current`.
CURRENT = "revoked_at IS NULL AND superseded_at IS NULL"


class Certificate(db.Model):
    __tablename__ = "certificates"
    audit_type = "certificate"
    __table_args__ = (
        # At most one active certificate per enrolment, whatever two officers do at once.
        partial_index(
            "uq_certificates_active_enrolment", "enrolment_id", where=CURRENT, unique=True
        ),
        # "Expiring within 90 days" counts current certificates only (the registry's banner).
        partial_index("ix_certificates_current_expiry", "expires_on", where=CURRENT),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(60), unique=True)
    verification_code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[IssueKind] = mapped_column(enum_column(IssueKind), default=IssueKind.ORIGINAL)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    holder_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    curriculum_id: Mapped[int] = mapped_column(sa.ForeignKey("curricula.id"), index=True)
    issued_on: Mapped[date] = mapped_column(index=True)
    expires_on: Mapped[date | None] = mapped_column(index=True)
    snapshot: Mapped[str] = mapped_column(sa.Text)
    pdf_token: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_size: Mapped[int | None]
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"))
    superseded_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revocation_reason: Mapped[RevocationReason | None] = mapped_column(
        enum_column(RevocationReason)
    )
    revocation_note: Mapped[str | None] = mapped_column(sa.Text)

    enrolment: Mapped[Enrolment] = relationship()
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    curriculum: Mapped[Curriculum] = relationship()
    supersedes: Mapped[Certificate | None] = relationship(remote_side="Certificate.id")

    @property
    def data(self) -> CertificateSnapshot:
        """What the certificate says, as issued (the stored snapshot, typed)."""
        return CertificateSnapshot.from_json(self.snapshot)

    @hybrid_property
    def is_current(self) -> bool:
        """Neither revoked nor replaced (it may have expired); also usable in queries."""
        return self.revoked_at is None and self.superseded_at is None

    @is_current.inplace.expression
    @classmethod
    def _is_current_expression(cls):
        return sa.and_(cls.revoked_at.is_(None), cls.superseded_at.is_(None))

    @classmethod
    def unexpired_on(cls, day: date):
        """In SQL: not expired on `day` (it may be revoked or replaced)."""
        return sa.or_(cls.expires_on.is_(None), cls.expires_on >= day)

    @classmethod
    def expiring_within(cls, day: date, days: int):
        """In SQL: current and expiring from `day` to `days` later (the index
        ix_certificates_current_expiry serves this shape)."""
        return sa.and_(
            cls.is_current,
            cls.expires_on >= day,
            cls.expires_on <= day + timedelta(days=days),
        )

    @classmethod
    def valid_on(cls, day: date):
        """In SQL: held as valid on `day`, a past day too: issued by then, not expired, not
        revoked by its end in Cambodia. A replaced certificate was valid until its successor
        (which is)."""
        day_ends = utc_moment(datetime.combine(day + timedelta(days=1), datetime.min.time()))
        return sa.and_(
            cls.issued_on <= day,
            cls.unexpired_on(day),
            sa.or_(cls.revoked_at.is_(None), cls.revoked_at >= day_ends),
        )

    def expires_in(self, day: date) -> int | None:
        """Days from `day` to the last day of validity (None: it does not expire)."""
        return None if self.expires_on is None else (self.expires_on - day).days

    def status_on(self, day: date) -> CertificateStatus:
        """Computed from dates, never stored: revoked, superseded, expired or valid."""
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.superseded_at is not None:
            return CertificateStatus.SUPERSEDED
        if self.expires_on is not None and self.expires_on < day:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID


class ReviewOutcome(LabelledEnum):
    CONFIRMED = "confirmed", _l("Confirmed: the certificate stands"), "ok", "✓"
    REVOKED = "revoked", _l("Revoked"), "bad", "✗"


class CertificateReview(db.Model):
    """A certificate put under review because the evidence it was issued on changed (a
    corrected record, a reversed panel decision); an accreditation officer closes it by
    confirming the certificate or revoking it. Open while `closed_at` is None."""

    __tablename__ = "certificate_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("certificates.id", ondelete="CASCADE"), index=True
    )
    opened_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(sa.Text)  # what changed, as the system saw it
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    outcome: Mapped[ReviewOutcome | None] = mapped_column(enum_column(ReviewOutcome))
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)

    certificate: Mapped[Certificate] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
