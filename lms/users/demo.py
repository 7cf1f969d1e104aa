"""Demo people: one account per role with a known password (README lists them), and the three
trainees who completed the demo's finished cohort."""

from __future__ import annotations

import sqlalchemy as sa

from ..auth.roles import Role
from ..extensions import db
from ..orgunits.models import Facility
from . import services
from .models import Cadre, Sex

# (username, password, roles, family km, given km, family en, given en, sex, cadre, facility)
ACCOUNTS = (
    (
        "admin",
        "demo-admin-2026",
        {Role.ADMIN},
        "ចាន់",
        "សុភា",
        "CHAN",
        "Sophea",
        Sex.FEMALE,
        None,
        "NMCHC",
    ),
    (
        "instructor",
        "demo-instructor-2026",
        {Role.INSTRUCTOR},
        "លី",
        "វណ្ណា",
        "LY",
        "Vanna",
        Sex.FEMALE,
        "MIDWIFE",
        "RTC-TK",
    ),
    (
        "instructor2",
        "demo-instructor2-2026",
        {Role.INSTRUCTOR},
        "ម៉ៅ",
        "ចន្ទា",
        "MAO",
        "Chanthea",
        Sex.FEMALE,
        "MIDWIFE",
        "TK-PRH",
    ),
    (
        "officer",
        "demo-officer-2026",
        {Role.OFFICER},
        "ហេង",
        "សុវណ្ណ",
        "HENG",
        "Sovann",
        Sex.MALE,
        None,
        "NMCHC",
    ),
    (
        "assessor",
        "demo-assessor-2026",
        {Role.QUALITY_ASSESSOR},
        "សុខ",
        "ពិសិដ្ឋ",
        "SOK",
        "Piseth",
        Sex.MALE,
        "NURSE",
        "TK-PRH",
    ),
    (
        "assessor2",
        "demo-assessor2-2026",
        {Role.QUALITY_ASSESSOR},
        "ញឹក",
        "បុប្ផា",
        "NHEK",
        "Bopha",
        Sex.FEMALE,
        "MIDWIFE",
        "TK-PRH",
    ),
    (
        "trainee",
        "demo-trainee-2026",
        {Role.TRAINEE},
        "កែវ",
        "ស្រីមុំ",
        "KEO",
        "Sreymom",
        Sex.FEMALE,
        "MIDWIFE",
        "TK-HC-ATS",
    ),
)
# The finished cohort's trainees: (username, family km, given km, family en, given en, sex,
# cadre, facility); each one's password is demo-<username>-2026.
GRADUATES = (
    ("sok.channary", "សុខ", "ចាន់ណារី", "SOK", "Channary", Sex.FEMALE, "MIDWIFE", "TK-HC-PL"),
    ("chea.sophal", "ជា", "សុផល", "CHEA", "Sophal", Sex.MALE, "NURSE", "TK-KV-RH"),
    ("nhem.dalin", "ញឹម", "ដាលីន", "NHEM", "Dalin", Sex.FEMALE, "MIDWIFE", "SR-HC-SN"),
)


def graduate_usernames() -> list[str]:
    """The login names of the finished cohort's trainees, in the order they enrolled."""
    return [graduate[0] for graduate in GRADUATES]


def load(now) -> None:
    """Add the demo accounts, then the graduates, at their workplaces (the caller commits)."""
    facility = dict(db.session.execute(sa.select(Facility.code, Facility.id)).all())
    cadre = dict(db.session.execute(sa.select(Cadre.code, Cadre.id)).all())

    def add(username, password, roles, fkm, gkm, fen, gen, sex, cadre_code, facility_code):
        data = services.UserData(
            username=username,
            family_name_km=fkm,
            given_name_km=gkm,
            family_name_en=fen,
            given_name_en=gen,
            sex=sex,
            roles=set(roles),
            cadre_id=cadre.get(cadre_code),
            facility_id=facility[facility_code],
        )
        services.create_user(None, data, now, password=password)

    for username, password, roles, *person in ACCOUNTS:
        add(username, password, roles, *person)
    for username, *person in GRADUATES:
        add(username, f"demo-{username}-2026", {Role.TRAINEE}, *person)
