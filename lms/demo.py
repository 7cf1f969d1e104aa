"""A small demo dataset: a few facilities and one account per role, with known passwords."""

from __future__ import annotations

import sqlalchemy as sa

from .auth.roles import Role
from .config import ROOT
from .curricula.importer import import_paths
from .database import utcnow
from .datafiles import in_folder
from .extensions import db
from .i18n import local_date
from .orgunits import services as orgunits
from .orgunits.models import Facility, FacilityType, OperationalDistrict, Province
from .users import services as users
from .users.models import Cadre, Sex, User

CURRICULA = ROOT / "curricula"

DISTRICTS = (
    ("OD-TK-DK", "21", "ស្រុកប្រតិបត្តិដូនកែវ", "Daun Keo"),
    ("OD-TK-KV", "21", "ស្រុកប្រតិបត្តិគិរីវង់", "Kirivong"),
    ("OD-SR-SR", "17", "ស្រុកប្រតិបត្តិសៀមរាប", "Siem Reap"),
    ("OD-PP-CC", "12", "ស្រុកប្រតិបត្តិច្បារអំពៅ", "Chbar Ampov"),
)
FACILITIES = (
    (
        "NMCHC",
        "មជ្ឈមណ្ឌលជាតិគាំពារមាតា និងទារក",
        "National Maternal and Child Health Centre",
        FacilityType.NATIONAL_HOSPITAL,
        "12",
        None,
    ),
    (
        "TK-PRH",
        "មន្ទីរពេទ្យបង្អែកខេត្តតាកែវ",
        "Takeo Provincial Referral Hospital",
        FacilityType.PROVINCIAL_REFERRAL_HOSPITAL,
        "21",
        "OD-TK-DK",
    ),
    (
        "TK-KV-RH",
        "មន្ទីរពេទ្យបង្អែកគិរីវង់",
        "Kirivong Referral Hospital",
        FacilityType.REFERRAL_HOSPITAL_CPA2,
        "21",
        "OD-TK-KV",
    ),
    (
        "TK-HC-ATS",
        "មណ្ឌលសុខភាពអង្គតាសោម",
        "Angk Ta Saom Health Centre",
        FacilityType.HEALTH_CENTRE,
        "21",
        "OD-TK-DK",
    ),
    (
        "TK-HC-PL",
        "មណ្ឌលសុខភាពព្រៃល្វា",
        "Prey Lvea Health Centre",
        FacilityType.HEALTH_CENTRE,
        "21",
        "OD-TK-DK",
    ),
    (
        "SR-HC-SN",
        "មណ្ឌលសុខភាពស្រង៉ែ",
        "Sra Ngae Health Centre",
        FacilityType.HEALTH_CENTRE,
        "17",
        "OD-SR-SR",
    ),
    (
        "RTC-TK",
        "មជ្ឈមណ្ឌលបណ្តុះបណ្តាលភូមិភាគតាកែវ",
        "Takeo Regional Training Centre",
        FacilityType.TRAINING_INSTITUTION,
        "21",
        None,
    ),
)
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


def cohort_code(now, number: int) -> str:
    """The demo cohorts' codes carry the year they are loaded in: BEMONC-TK-2026-01."""
    return f"BEMONC-TK-{local_date(now).year}-{number:02d}"


def demo_accounts() -> list[tuple[str, str, str]]:
    return [(a[0], a[1], ", ".join(sorted(str(r.label) for r in a[2]))) for a in ACCOUNTS]


def is_loaded() -> bool:
    return (
        db.session.scalar(sa.select(User.id).where(User.username == "admin").limit(1)) is not None
    )


def load() -> None:
    """Add the demo facilities, accounts and the shipped curricula (the caller commits)."""
    now = utcnow()
    load_curricula(now)
    province = {p.code: p.id for p in db.session.scalars(sa.select(Province))}
    for code, pcode, km, en in DISTRICTS:
        if not db.session.scalar(
            sa.select(OperationalDistrict.id).where(OperationalDistrict.code == code)
        ):
            orgunits.save_district(None, orgunits.DistrictData(code, province[pcode], km, en))
    district = dict(
        db.session.execute(sa.select(OperationalDistrict.code, OperationalDistrict.id)).all()
    )
    for code, km, en, kind, pcode, dcode in FACILITIES:
        if not db.session.scalar(sa.select(Facility.id).where(Facility.code == code)):
            orgunits.save_facility(
                None,
                orgunits.FacilityData(code, km, en, kind, province[pcode], district.get(dcode)),
            )
    facility = dict(db.session.execute(sa.select(Facility.code, Facility.id)).all())
    cadre = dict(db.session.execute(sa.select(Cadre.code, Cadre.id)).all())
    for username, password, roles, fkm, gkm, fen, gen, sex, cadre_code, facility_code in ACCOUNTS:
        data = users.UserData(
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
        users.create_user(None, data, now, password=password)
    load_cohort(now)
    load_closed_cohort(now)
    issue_certificates(now, GRADUATES[:2])
    from .quality import demo as quality_demo

    quality_demo.load(now)


def load_cohort(now) -> None:
    """A running basic EmONC cohort taught by the demo instructor, with the demo trainee."""
    from datetime import datetime, time, timedelta

    from .curricula.services import find_curriculum
    from .training import services as training
    from .training.models import CohortStatus

    curriculum = find_curriculum("BEMONC", 1)
    if curriculum is None:
        return
    users_by_name = {
        u.username: u
        for u in db.session.scalars(
            sa.select(User).where(User.username.in_(["instructor", "instructor2", "trainee"]))
        )
    }
    venue = db.session.scalar(sa.select(Facility).where(Facility.code == "RTC-TK"))
    start = local_date(now) - timedelta(days=3)
    cohort = training.save_cohort(
        None,
        training.CohortData(
            code=cohort_code(now, 1),
            title_km="វគ្គ BEmONC តាកែវ លើកទី១",
            title_en="BEmONC Takeo, cohort 1",
            curriculum_id=curriculum.id,
            start_date=start,
            end_date=start + timedelta(days=13),
            capacity=24,
            status=CohortStatus.RUNNING,
            venue_id=venue.id if venue else None,
            instructor_ids=[users_by_name["instructor"].id, users_by_name["instructor2"].id],
        ),
    )
    training.enrol(None, cohort, users_by_name["trainee"], now)
    for day, module in enumerate(curriculum.modules[:4]):
        starts = datetime.combine(local_date(now), time(8)) + timedelta(days=day - 2)
        training.schedule_session(
            None, cohort, module.id, starts, 180, venue.name_en if venue else None
        )


GRADUATES = (
    ("sok.channary", "សុខ", "ចាន់ណារី", "SOK", "Channary", Sex.FEMALE, "MIDWIFE", "TK-HC-PL"),
    ("chea.sophal", "ជា", "សុផល", "CHEA", "Sophal", Sex.MALE, "NURSE", "TK-KV-RH"),
    ("nhem.dalin", "ញឹម", "ដាលីន", "NHEM", "Dalin", Sex.FEMALE, "MIDWIFE", "SR-HC-SN"),
)


def load_closed_cohort(now) -> None:
    """A closed basic EmONC cohort whose trainees passed everything: ready for certificates."""
    from datetime import timedelta

    from .assessments import services as assessments
    from .assessments.models import CaseRole
    from .assessments.rules import Mark
    from .curricula.services import find_curriculum
    from .curricula.spec import InstrumentType
    from .training import services as training
    from .training.models import CohortStatus

    curriculum = find_curriculum("BEMONC", 1)
    if curriculum is None:
        return
    people = {
        u.username: u
        for u in db.session.scalars(
            sa.select(User).where(User.username.in_(["instructor", "instructor2"]))
        )
    }
    facility = dict(db.session.execute(sa.select(Facility.code, Facility.id)).all())
    cadre = dict(db.session.execute(sa.select(Cadre.code, Cadre.id)).all())
    start = local_date(now) - timedelta(days=40)
    cohort = training.save_cohort(
        None,
        training.CohortData(
            code=cohort_code(now, 0),
            title_km="វគ្គ BEmONC តាកែវ (បានបញ្ចប់)",
            title_en="BEmONC Takeo, completed cohort",
            curriculum_id=curriculum.id,
            start_date=start,
            end_date=start + timedelta(days=11),
            capacity=24,
            status=CohortStatus.RUNNING,
            instructor_ids=[people["instructor"].id, people["instructor2"].id],
        ),
    )
    levels = [lv.value for lv in curriculum.framework.levels]
    for username, fkm, gkm, fen, gen, sex, cadre_code, facility_code in GRADUATES:
        trainee, _ = users.create_user(
            None,
            users.UserData(
                username=username,
                family_name_km=fkm,
                given_name_km=gkm,
                family_name_en=fen,
                given_name_en=gen,
                sex=sex,
                roles={Role.TRAINEE},
                cadre_id=cadre[cadre_code],
                facility_id=facility[facility_code],
            ),
            now,
            password=f"demo-{username}-2026",
        )
        enrolment = training.enrol(None, cohort, trainee, now)
        for instrument in curriculum.instruments:
            if instrument.type in (InstrumentType.DOPS, InstrumentType.OSCE):
                record = assessments.save_checklist(
                    people["instructor"],
                    enrolment,
                    instrument,
                    assessments.ChecklistData(
                        {item.id: Mark.DONE for item in instrument.items},
                        levels[-2],
                        start + timedelta(days=10),
                    ),
                    True,
                    now,
                )
                if record.needs_verification:
                    assessments.verify(people["instructor2"], record, now)
            elif instrument.type == InstrumentType.KNOWLEDGE_TEST:
                assessments.save_paper_test(
                    people["instructor"],
                    enrolment,
                    instrument,
                    88,
                    start + timedelta(days=10),
                    None,
                    now,
                )
            else:
                for case_type in instrument.case_types:
                    for n in range(case_type.min_count):
                        entry = assessments.add_logbook_entry(
                            trainee,
                            enrolment,
                            instrument,
                            case_type.id,
                            start + timedelta(days=n % 10),
                            facility[facility_code],
                            f"{case_type.code}-{n + 1:03d}",
                            CaseRole.PERFORMED,
                            now,
                        )
                        assessments.review_logbook_entry(
                            people["instructor"], entry, True, None, now
                        )
    cohort.status = CohortStatus.CLOSED


def load_curricula(now) -> None:
    """Import every framework and curriculum file shipped in curricula/."""
    paths = in_folder(CURRICULA)
    if paths:
        import_paths(None, paths, now)


def issue_certificates(now, graduates) -> None:
    """Certificates for some graduates of the closed cohort (the officer issues the rest)."""
    from flask import current_app

    from . import storage
    from .certificates import services as certificates
    from .training.models import Cohort, Enrolment

    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .join(Cohort)
        .join(User, User.id == Enrolment.trainee_id)
        .where(Cohort.code == cohort_code(now, 0), User.username.in_([g[0] for g in graduates]))
    )
    for enrolment in enrolments:
        certificates.issue(
            None,
            enrolment,
            now,
            storage.area("certificates"),
            current_app.config["LMS_BASE_URL"],
        )
