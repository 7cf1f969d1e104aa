"""Creating many accounts at once from a CSV file, all or nothing."""

from __future__ import annotations

import re
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import csvio
from ...audit import services as audit
from ...auth.passwords import temporary_password
from ...auth.roles import Role
from ...errors import ImportRejected, RowError
from ...extensions import db
from ...i18n import local_date
from ...orgunits.models import Facility
from ..models import Cadre, Sex, User
from .accounts import Problems, UserData, check_user_fields, new_user

USER_COLUMNS = (
    "username",
    "family_name_km",
    "given_name_km",
    "family_name_en",
    "given_name_en",
    "sex",
)
USER_OPTIONAL = (
    "email",
    "date_of_birth",
    "phone",
    "cadre",
    "licence_number",
    "facility",
    "roles",
    "language",
)
# The downloadable template's one row: every column filled as an administrator would.
TEMPLATE_EXAMPLE = {
    "username": "sok.dara",
    "family_name_km": "សុខ",
    "given_name_km": "ដារា",
    "family_name_en": "SOK",
    "given_name_en": "Dara",
    "sex": "female",
    "email": "dara@example.org",
    "date_of_birth": "1990-05-01",
    "phone": "012345678",
    "cadre": "MIDWIFE",
    "licence_number": "MW-0001",
    "roles": "trainee",
    "language": "km",
}
SEXES = {s.value: s for s in Sex} | {"f": Sex.FEMALE, "m": Sex.MALE}
ROLES = {r.value: r for r in Role}


def import_template() -> tuple[list[str], list[list[str]]]:
    """The import file's header and its example row."""
    header = [*USER_COLUMNS, *USER_OPTIONAL]
    return header, [[TEMPLATE_EXAMPLE.get(c, "") for c in header]]


class _Codes:
    """The cadres and facilities a file may name, by code (two queries for the whole file)."""

    def __init__(self) -> None:
        self.cadres = {c.code: c for c in db.session.scalars(sa.select(Cadre))}
        self.facilities = dict(db.session.execute(sa.select(Facility.code, Facility.id)).all())


def _parse_row(row: dict, codes: _Codes, problems: Problems) -> UserData:
    """One row as UserData; what cannot be read is added to `problems`."""
    sex = SEXES.get((row["sex"] or "").lower())
    if sex is None:
        problems.append(("sex", _l("Write female, male or other.")))
    birth = None
    if row.get("date_of_birth"):
        try:
            birth = date.fromisoformat(row["date_of_birth"])
        except ValueError:
            problems.append(("date_of_birth", _l("Write the date as YYYY-MM-DD.")))
    cadre = None
    if row.get("cadre"):
        cadre = codes.cadres.get(row["cadre"].upper())
        if cadre is None:
            problems.append(("cadre", _l("Unknown cadre code.")))
    facility_id = None
    if row.get("facility"):
        facility_id = codes.facilities.get(row["facility"].upper())
        if facility_id is None:
            problems.append(("facility", _l("Unknown facility code.")))
    wanted = {Role.TRAINEE}
    if row.get("roles"):
        names = [n.strip().lower() for n in re.split(r"[;|]", row["roles"]) if n.strip()]
        unknown = [n for n in names if n not in ROLES]
        if unknown:
            problems.append(("roles", _l("Unknown role: %(role)s", role=unknown[0])))
        wanted = {ROLES[n] for n in names if n in ROLES}
    return UserData(
        username=row["username"] or "",
        family_name_km=row["family_name_km"],
        given_name_km=row["given_name_km"],
        family_name_en=row["family_name_en"],
        given_name_en=row["given_name_en"],
        sex=sex or Sex.OTHER,
        email=row.get("email"),
        date_of_birth=birth,
        phone=row.get("phone"),
        cadre_id=cadre.id if cadre else None,
        council_id=cadre.council_id if cadre else None,
        licence_number=row.get("licence_number"),
        facility_id=facility_id,
        preferred_language=(row.get("language") or "").lower() or None,
        roles=wanted,
    ).clean()


def import_users(actor, data: bytes | str, now: datetime, source: str | None = None):
    """Create users from CSV, all or nothing; returns [(user, temporary password)]."""
    rows = csvio.read_rows(data, USER_COLUMNS, USER_OPTIONAL)
    codes = _Codes()
    today = local_date(now)
    errors: list[RowError] = []
    parsed: list[tuple[int, UserData]] = []
    for line, row in rows:
        problems: Problems = []
        user = _parse_row(row, codes, problems)
        problems += check_user_fields(user, today)
        errors += [RowError(line, name, message) for name, message in problems]
        parsed.append((line, user))
    errors += _batch_uniqueness(parsed)
    if errors:
        errors.sort(key=lambda e: e.line)
        raise ImportRejected(errors, source)
    created = []
    for _line, user_data in parsed:
        temporary = temporary_password()
        created.append((new_user(user_data, temporary, True, now), temporary))
    db.session.flush()
    audit.record_about(
        actor,
        "user.imported",
        User.audit_type,
        now=now,
        count=len(created),
        usernames=[u.username for u, _ in created],
    )
    return created


def _batch_uniqueness(parsed: list[tuple[int, UserData]]) -> list[RowError]:
    """Duplicates within the file and against the database, found with three queries."""
    errors = []
    names = [u.username for _, u in parsed]
    emails = [u.email for _, u in parsed if u.email]
    licences = [u.licence_number for _, u in parsed if u.licence_number]
    taken_names = set(db.session.scalars(sa.select(User.username).where(User.username.in_(names))))
    taken_emails = set(db.session.scalars(sa.select(User.email).where(User.email.in_(emails))))
    taken_licences = set(
        db.session.execute(
            sa.select(User.council_id, User.licence_number).where(User.licence_number.in_(licences))
        ).all()
    )
    seen_names, seen_emails, seen_licences = set(), set(), set()
    for line, u in parsed:
        if u.username in taken_names:
            errors.append(RowError(line, "username", _l("This login name is already used.")))
        elif u.username in seen_names:
            errors.append(
                RowError(line, "username", _l("This login name appears twice in the file."))
            )
        if u.email and (u.email in taken_emails or u.email in seen_emails):
            errors.append(RowError(line, "email", _l("This email address is already used.")))
        key = (u.council_id, u.licence_number)
        if u.licence_number and (key in taken_licences or key in seen_licences):
            errors.append(
                RowError(
                    line,
                    "licence_number",
                    _l("Another person has this licence number with this council."),
                )
            )
        seen_names.add(u.username)
        if u.email:
            seen_emails.add(u.email)
        if u.licence_number:
            seen_licences.add(key)
    return errors
