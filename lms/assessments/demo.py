"""Demo evidence: every trainee of the finished demo cohort passed every instrument, as the
demo instructors recorded it (observed checklists, paper test scores, reviewed logbooks)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..curricula.spec import InstrumentType
from ..extensions import db
from ..training.models import Cohort, Enrolment
from ..users.models import User
from . import services
from .models import CaseRole
from .rules import Mark

ASSESSOR, VERIFIER = "instructor", "instructor2"


def load(now, cohort_code: str) -> None:
    """Record passing evidence for each trainee of the cohort `cohort_code`, ten days after it
    started (on its last day, when it is shorter); nothing when there is no such cohort (the
    caller commits)."""
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.code == cohort_code))
    if cohort is None:
        return
    people = {
        u.username: u
        for u in db.session.scalars(sa.select(User).where(User.username.in_([ASSESSOR, VERIFIER])))
    }
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.cohort_id == cohort.id).order_by(Enrolment.id)
    ).all()
    for enrolment in enrolments:
        _pass_everything(now, cohort, enrolment, people[ASSESSOR], people[VERIFIER])


def _pass_everything(now, cohort: Cohort, enrolment: Enrolment, assessor, verifier) -> None:
    curriculum = cohort.curriculum
    levels = [lv.value for lv in curriculum.framework.levels]
    start = cohort.start_date
    assessed_on = min(start + timedelta(days=10), cohort.end_date)  # within a short course
    trainee = enrolment.trainee
    for instrument in curriculum.instruments:
        if instrument.type in (InstrumentType.DOPS, InstrumentType.OSCE):
            record = services.save_checklist(
                assessor,
                enrolment,
                instrument,
                services.ChecklistData(
                    {item.id: Mark.DONE for item in instrument.items}, levels[-2], assessed_on
                ),
                True,
                now,
            )
            if record.needs_verification:
                services.verify(verifier, record, now)
        elif instrument.type == InstrumentType.KNOWLEDGE_TEST:
            services.save_paper_test(assessor, enrolment, instrument, 88, assessed_on, None, now)
        else:
            for case_type in instrument.case_types:
                for n in range(case_type.min_count):
                    entry = services.add_logbook_entry(
                        trainee,
                        enrolment,
                        instrument,
                        case_type.id,
                        start + timedelta(days=n % 10),
                        trainee.facility_id,
                        f"{case_type.code}-{n + 1:03d}",
                        CaseRole.PERFORMED,
                        now,
                    )
                    services.review_logbook_entry(assessor, entry, True, None, now)
