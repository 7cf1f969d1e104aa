"""The registry: officers' search over every certificate (filters, counts by sex, a page, a
CSV), a holder's own certificates, what replaced a certificate, and who may see one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ...auth.roles import Role
from ...curricula.models import Curriculum
from ...extensions import MAX_ID, db
from ...orgunits.models import Facility
from ...paging import Page, page_size
from ...text import code_as_typed
from ...users.models import Sex, User
from ..models import Certificate, CertificateStatus

# A serial (CODE-YEAR-NUMBER), or its beginning: the characters of curriculum codes, with a
# digit somewhere (names have none).
SERIAL_LIKE = re.compile(r"^(?=.*[0-9])[A-Za-z0-9._-]+$")
MATCHED_HOLDERS = 5000
EXPIRING_DAYS = 90  # "expiring soon": the reminders' window
CSV_HEADER = [
    "serial",
    "holder_km",
    "holder_en",
    "sex",
    "curriculum",
    "issued_on",
    "expires_on",
    "status",
    "facility",
]


@dataclass(frozen=True)
class RegistryFilters:
    """What the registry is searched for; each filter is off when empty."""

    q: str | None = None  # a serial or its beginning, or part of the holder's name
    status: str | None = None  # a CertificateStatus value
    curriculum: str | None = None  # a curriculum code
    council: int | None = None  # the id of the council the holder is registered with
    province: int | None = None  # the holder's workplace's province id
    facility: int | None = None  # the holder's workplace's id
    expiring: bool = False  # only current certificates expiring within EXPIRING_DAYS


def registry_query(filters: RegistryFilters, today: date) -> sa.Select:
    """Certificates matching the registry's filters, newest first."""
    stmt = (
        sa.select(Certificate)
        .join(User, User.id == Certificate.holder_id)
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    )
    q = filters.q
    if q and SERIAL_LIKE.match(code_as_typed(q)):
        prefix = code_as_typed(q).replace("_", "\\_")  # "_" is a wildcard in LIKE
        stmt = stmt.where(Certificate.serial.like(f"{prefix}%", escape="\\"))
    elif q:
        # Holders first (a narrow table), then their certificates by index: a name search
        # never reads every certificate.
        like = f"%{q}%"
        holders = sa.select(User.id).where(
            sa.or_(
                User.family_name_en.ilike(like),
                User.given_name_en.ilike(like),
                User.family_name_km.like(like),
                User.given_name_km.like(like),
            )
        )
        matched = db.session.scalars(holders.limit(MATCHED_HOLDERS + 1)).all()
        if len(matched) <= MATCHED_HOLDERS:  # the usual case: one scan of the names
            stmt = stmt.where(Certificate.holder_id.in_(matched))
        else:
            stmt = stmt.where(Certificate.holder_id.in_(holders))
    if filters.curriculum:
        stmt = stmt.join(Curriculum, Curriculum.id == Certificate.curriculum_id).where(
            Curriculum.code == filters.curriculum.upper()
        )
    if filters.council:
        stmt = stmt.where(User.council_id == filters.council)
    if filters.facility:
        stmt = stmt.where(User.facility_id == filters.facility)
    if filters.province:
        stmt = stmt.join(Facility, Facility.id == User.facility_id)
        # An id larger than a database integer holds is no province's: nothing matches.
        fits = abs(filters.province) <= MAX_ID
        stmt = stmt.where(Facility.province_id == filters.province if fits else sa.false())
    if filters.expiring:
        stmt = stmt.where(Certificate.expiring_within(today, EXPIRING_DAYS))
    if filters.status == "revoked":
        stmt = stmt.where(Certificate.revoked_at.is_not(None))
    elif filters.status == "superseded":
        stmt = stmt.where(Certificate.superseded_at.is_not(None))
    elif filters.status in ("valid", "expired"):
        not_expired = Certificate.unexpired_on(today)
        stmt = stmt.where(
            Certificate.is_current,
            not_expired if filters.status == "valid" else sa.not_(not_expired),
        )
    return stmt


def _with_holders():
    return joinedload(Certificate.holder).joinedload(User.facility)


@dataclass
class RegistryPage:
    page: Page  # of certificates, their holders and workplaces loaded
    by_sex: dict[Sex, int]  # every match, by the holder's sex
    expiring: int  # current certificates expiring within EXPIRING_DAYS, whatever the filters


def registry_page(filters: RegistryFilters, today: date, number: int) -> RegistryPage:
    """One page of the certificates matching the filters, with the counts the page shows."""
    stmt = registry_query(filters, today)
    sub = stmt.with_only_columns(Certificate.id, User.sex).order_by(None).subquery()
    counts = dict(
        db.session.execute(sa.select(sub.c.sex, sa.func.count()).group_by(sub.c.sex)).all()
    )
    # The counts by sex add up to the total: no second count for the pages.
    page = Page(sum(counts.values()), number, page_size())
    # The page's ids first (sorting narrow rows), then those certificates.
    ids = db.session.scalars(
        stmt.with_only_columns(Certificate.id).limit(page.size).offset(page.offset)
    ).all()
    found = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Certificate).where(Certificate.id.in_(ids)).options(_with_holders())
        )
    }
    page.items = [found[i] for i in ids]
    expiring = db.session.scalar(
        sa.select(sa.func.count()).where(Certificate.expiring_within(today, EXPIRING_DAYS))
    )
    return RegistryPage(page, {sex: counts.get(sex, 0) for sex in Sex}, expiring)


def registry_certificates(filters: RegistryFilters, today: date) -> list[Certificate]:
    """Every certificate matching the filters, their holders and workplaces loaded."""
    return db.session.scalars(registry_query(filters, today).options(_with_holders())).all()


def registry_csv_rows(certificates: Iterable[Certificate], today: date) -> Iterator[list]:
    """The registry's CSV rows (columns as in CSV_HEADER), status as on `today`."""
    for c in certificates:
        d = c.data
        yield [
            c.serial,
            d.holder_km,
            d.holder_en,
            c.holder.sex.value,
            d.curriculum_code,
            c.issued_on,
            c.expires_on or "",
            c.status_on(today).value,
            c.holder.facility.code if c.holder.facility else "",
        ]


@dataclass(frozen=True)
class HeldCertificate:
    """One of a holder's certificates, as their page shows it."""

    certificate: Certificate
    status: CertificateStatus
    expires_in: int | None  # days left, while valid and expiring within EXPIRING_DAYS


def holder_certificates(holder_id: int, today: date) -> list[HeldCertificate]:
    """A holder's certificates, newest first, each with its status and, when it is valid
    and expires soon, the days left to renew it."""
    held = []
    for c in db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.holder_id == holder_id)
        .order_by(Certificate.issued_on.desc())
    ):
        status, left = c.status_on(today), c.expires_in(today)
        soon = status == CertificateStatus.VALID and left is not None and left <= EXPIRING_DAYS
        held.append(HeldCertificate(c, status, left if soon else None))
    return held


def successor(certificate: Certificate) -> Certificate | None:
    """The certificate that replaced this one (a renewal or a correction), if any."""
    return db.session.scalar(
        sa.select(Certificate).where(Certificate.supersedes_id == certificate.id)
    )


def may_see(user, certificate: Certificate) -> bool:
    """Officers and administrators see every certificate, a holder their own."""
    return user.has_role(Role.OFFICER, Role.ADMIN) or certificate.holder_id == user.id
